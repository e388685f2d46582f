"""Opening the database: URL resolution, SQLite pragmas, PostgreSQL via psycopg."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from firpath.domain.errors import DatabaseNotReady, FirpathError

DEFAULT_URL: Final = "sqlite:///firpath.db"
ENV_VAR: Final = "FIRPATH_DATABASE_URL"


class BadDatabaseUrl(FirpathError):
    """The database URL is not one firpath can open."""


def resolve_url(url: str | None) -> str:
    """The URL given, else FIRPATH_DATABASE_URL, else sqlite:///firpath.db."""
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


def open_engine(url: str | None = None, *, create: bool = True) -> Engine:
    """An engine for SQLite (WAL, foreign keys on) or PostgreSQL (psycopg 3).

    With `create=False` a SQLite file that does not exist is an error, not a new empty file.
    """
    text = resolve_url(url)
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise BadDatabaseUrl(f"database URL {text!r} is not a valid URL") from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    if backend != "sqlite":
        raise BadDatabaseUrl(f"database URL {text!r}: only sqlite and postgresql are supported")
    database = parsed.database or ""
    if not create and database and database != ":memory:" and not Path(database).exists():
        raise DatabaseNotReady(f"no database at {database}: run `firpath init` or give --db")
    engine = create_engine(parsed)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's lower() folds ASCII only; searches must fold every letter, as PostgreSQL does
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(value: str | bytes | int | float | None) -> str | bytes | int | float | None:
    return value.lower() if isinstance(value, str) else value
