"""Opening the database: URL resolution, SQLite pragmas and transactions, PostgreSQL via psycopg."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from firpath.domain.errors import DatabaseNotReady, FieldInvalid, FirpathError

DEFAULT_URL: Final = "sqlite:///firpath.db"
ENV_VAR: Final = "FIRPATH_DATABASE_URL"
LOCK_WAIT_VAR: Final = "FIRPATH_LOCK_WAIT"
DEFAULT_LOCK_WAIT: Final = 600.0  # seconds a writer waits for the one before it
WRITE_OPTION: Final = "firpath_write"  # execution option: this transaction writes
POOL_SIZE_VAR: Final = "FIRPATH_POOL_SIZE"


class BadDatabaseUrl(FirpathError):
    """The database URL is not one firpath can open."""


def lock_wait() -> float:
    """Seconds a writer waits for the registry's write lock (FIRPATH_LOCK_WAIT, default 600)."""
    text = os.environ.get(LOCK_WAIT_VAR, "")
    try:
        value = float(text) if text.strip() else DEFAULT_LOCK_WAIT
    except ValueError:
        return DEFAULT_LOCK_WAIT
    return value if value > 0 else DEFAULT_LOCK_WAIT


def pool_options() -> dict[str, int]:
    """PostgreSQL connections one process may open: FIRPATH_POOL_SIZE=N caps them at N
    (default: SQLAlchemy's pool, 5 kept open and up to 10 more under load)."""
    text = os.environ.get(POOL_SIZE_VAR, "").strip()
    if not text:
        return {}
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        raise FieldInvalid(POOL_SIZE_VAR, text, "must be a whole number from 1 to 1000")
    return {"pool_size": int(text), "max_overflow": 0}


def resolve_url(url: str | None) -> str:
    """The URL given, else FIRPATH_DATABASE_URL, else sqlite:///firpath.db.

    A plain file path (no `scheme://`) is a SQLite database file.
    """
    if url is not None and not url.strip():
        raise BadDatabaseUrl("--db is empty: give a database URL or a SQLite file path")
    text = url or os.environ.get(ENV_VAR) or DEFAULT_URL
    if "://" not in text and not text.startswith("sqlite:"):
        return f"sqlite:///{Path(text).expanduser()}"
    return text


def open_engine(url: str | None = None, *, create: bool = True) -> Engine:
    """An engine for SQLite (WAL, foreign keys on) or PostgreSQL (psycopg 3).

    With `create=False` a SQLite file that does not exist is an error, not a new empty file.
    A SQLite file (or folder) that cannot be written is opened read-only: reads work and a
    write says the database is read-only.
    """
    text = resolve_url(url)
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise BadDatabaseUrl(f"database URL {text[:80]!r} is not a valid URL") from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True, **pool_options())
    if backend != "sqlite":
        raise BadDatabaseUrl(
            f"database URL {text[:80]!r}: only sqlite and postgresql are supported"
        )
    database = parsed.database or ""
    in_memory = not database or database == ":memory:"
    if not create and not in_memory and not Path(database).exists():
        raise DatabaseNotReady(f"no database at {database}: run `firpath init` or give --db")
    if not in_memory and Path(database).is_dir():
        raise DatabaseNotReady(f"{database} is a folder, not a database file")
    read_only = None if in_memory else _read_only_mode(Path(database))
    connect_args: dict[str, Any] = {"timeout": lock_wait(), "isolation_level": None}
    if read_only:
        query = dict(part.split("=") for part in read_only.split("&")) | {"uri": "true"}
        parsed = parsed.set(database=f"file:{Path(database).resolve()}", query=query)
    engine = create_engine(parsed, connect_args=connect_args)
    event.listen(engine, "connect", _sqlite_pragmas_read_only if read_only else _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _read_only_mode(database: Path) -> str | None:
    """How to open a SQLite file firpath cannot write: None when it can.

    In a folder that cannot be written, SQLite cannot make the WAL index: with no WAL file
    pending, the database is opened as immutable (nothing can change it meanwhile).
    """
    if not database.exists():
        return None
    folder_writable = os.access(database.resolve().parent, os.W_OK)
    if os.access(database, os.W_OK) and folder_writable:
        return None
    wal = database.with_name(database.name + "-wal")
    if not folder_writable and not wal.exists():
        return "mode=ro&immutable=1"
    return "mode=ro"


def _sqlite_begin(conn: Connection) -> None:
    # pysqlite's own transaction handling is off (isolation_level=None): a writer takes the
    # write lock at BEGIN (waiting up to the busy timeout), a reader's snapshot starts at BEGIN
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
    _sqlite_session(dbapi_connection)


def _sqlite_pragmas_read_only(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        _sqlite_session(dbapi_connection)


def _sqlite_session(dbapi_connection: sqlite3.Connection) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's lower() folds ASCII only; searches must fold every letter, as PostgreSQL does
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(value: str | bytes | int | float | None) -> str | bytes | int | float | None:
    return value.lower() if isinstance(value, str) else value
