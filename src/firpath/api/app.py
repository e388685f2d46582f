"""The FastAPI application: `/api/v1` on the services the CLI uses, `/healthz` open, and the
web pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from firpath import __version__
from firpath.api import entries, fleet_plans, images, paths, session, signing, submissions
from firpath.api.errors import install_error_handlers
from firpath.api.shapes import Health
from firpath.api.worker_header import WorkerHeader
from firpath.io.uploads import DEFAULT_LIMIT_MB, MB
from firpath.services.warm_registry import WarmRegistry
from firpath.web.errors import is_page, page_error
from firpath.web.pages import add_pages

if TYPE_CHECKING:  # cryptography loads with a key, not with the app
    from firpath.io.signing_keys import SigningKey

API_PREFIX = "/api/v1"


def create_app(
    engine: Engine,
    *,
    upload_limit_mb: int = DEFAULT_LIMIT_MB,
    signing_key: SigningKey | None = None,
) -> FastAPI:
    """The web application over one database, accepting uploads up to `upload_limit_mb`,
    signing exports with `signing_key` (None: unsigned)."""
    app = FastAPI(
        title="firpath — Firmware Information Repository",
        version=__version__,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        description="Upgrade paths, fleet plans and CPL data for GB smart meters. Every "
        "endpoint but /healthz needs `Authorization: Bearer TOKEN` or a session cookie.",
    )
    app.state.warm = WarmRegistry(engine)
    app.state.upload_limit = upload_limit_mb * MB
    app.state.signing_key = signing_key
    install_error_handlers(app, pages=(is_page, page_error))
    app.add_middleware(WorkerHeader)

    @app.get(
        "/healthz",
        tags=["health"],
        summary="The server answers (no sign-in)",
        response_model=None,
        responses={200: {"model": Health, "description": "the server answers"}},
    )
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    # routes are matched in order: the most asked-for first
    routers = (
        paths.router,
        entries.router,
        session.router,
        submissions.router,
        fleet_plans.router,
        signing.router,
        images.router,
    )
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)
    add_pages(app)

    return app
