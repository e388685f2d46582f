"""Every web page's router, the stylesheet and scripts under /static, and page errors as
pages: what `create_app` adds for the browser."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from firpath.web import (
    completeness,
    entries,
    entry_edit,
    entry_page,
    fleet_plans,
    images,
    impact,
    login,
    path_finder,
    review,
    submissions,
)

STATIC = Path(__file__).parent / "static"


def add_pages(app: FastAPI) -> None:
    """The web pages on `app` (after the API's routes)."""
    modules = (
        login,
        path_finder,
        entries,
        entry_page,
        fleet_plans,
        images,
        submissions,
        review,
        entry_edit,
        completeness,
        impact,
    )
    for module in modules:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
