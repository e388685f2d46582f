"""Fixtures shared by every test layer: a fresh database on SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from firpath.store.engine import open_engine
from tests.api_harness import DemoRegistry, demo_registry, in_process
from tests.postgres_server import PostgresServer, start_postgres

_counter = itertools.count()

BACKENDS = (
    ["sqlite"]
    if os.environ.get("FIRPATH_TEST_BACKENDS") == "sqlite"
    else [
        "sqlite",
        "postgresql",
    ]
)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def new_database(request: pytest.FixtureRequest, backend: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database on `backend` (dropped afterwards on PostgreSQL)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'firpath.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = f"t_{os.getpid()}_{next(_counter)}"
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of a new, empty database (not yet initialised)."""
    with new_database(request, request.param, tmp_path) as url:
        yield url


@contextmanager
def demo_database(
    request: pytest.FixtureRequest, backend: str, folder: Path
) -> Iterator[DemoRegistry]:
    """A new database on `backend` holding the demo registry (for fixtures wider than a test)."""
    from firpath.services.database import initialise

    with new_database(request, backend, folder) as url:
        eng = open_engine(url)
        initialise(eng)
        try:
            yield demo_registry(eng, url)
        finally:
            eng.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a new database initialised with the newest schema."""
    from firpath.services.database import initialise

    eng = open_engine(database_url)
    initialise(eng)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def demo(engine: Engine, database_url: str) -> DemoRegistry:
    """The demo CPL with one account and bearer token per role (SQLite and PostgreSQL)."""
    return demo_registry(engine, database_url)


@pytest.fixture
def api(demo: DemoRegistry) -> Iterator[TestClient]:
    """The API over the demo registry, called in process."""
    with in_process(demo) as client:
        yield client
