"""The application as uvicorn's worker processes build it: settings from the environment."""

from __future__ import annotations

import os

from fastapi import FastAPI

from firpath.api.app import create_app
from firpath.store.engine import open_engine


def app_from_environment() -> FastAPI:
    """The app over FIRPATH_DATABASE_URL (what `firpath serve` sets for its workers)."""
    engine = open_engine(os.environ.get("FIRPATH_DATABASE_URL"))
    return create_app(engine)
