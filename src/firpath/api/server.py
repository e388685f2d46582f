"""The application as uvicorn's worker processes build it: settings from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI

from firpath.api.app import create_app
from firpath.domain.errors import FieldInvalid
from firpath.io.uploads import DEFAULT_LIMIT_MB
from firpath.store.engine import open_engine

if TYPE_CHECKING:  # cryptography loads only when a key is given
    from firpath.io.signing_keys import SigningKey

UPLOAD_LIMIT_VARIABLE = "FIRPATH_UPLOAD_LIMIT_MB"
SIGNING_KEY_VARIABLE = "FIRPATH_SIGNING_KEY"


def upload_limit_mb(text: str | None) -> int:
    """The upload limit in MB from its environment variable's text (unset: the default)."""
    if text is None or not text.strip():
        return DEFAULT_LIMIT_MB
    if not text.strip().isdigit() or int(text) < 1:
        raise FieldInvalid(UPLOAD_LIMIT_VARIABLE, text, "must be a whole number of MB, 1 or more")
    return int(text)


def signing_key_from(text: str | None) -> SigningKey | None:
    """The export signing key in the file its environment variable names (unset: none)."""
    if text is None or not text.strip():
        return None
    from firpath.io.signing_keys import load_signing_key

    return load_signing_key(Path(text))


def app_from_environment() -> FastAPI:
    """The app over FIRPATH_DATABASE_URL, accepting uploads up to FIRPATH_UPLOAD_LIMIT_MB and
    signing exports with the key in FIRPATH_SIGNING_KEY (what `firpath serve` sets for its
    workers)."""
    engine = open_engine(os.environ.get("FIRPATH_DATABASE_URL"))
    limit = upload_limit_mb(os.environ.get(UPLOAD_LIMIT_VARIABLE))
    key = signing_key_from(os.environ.get(SIGNING_KEY_VARIABLE))
    return create_app(engine, upload_limit_mb=limit, signing_key=key)
