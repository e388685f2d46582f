"""Reading the registry and accounts revisions on every request, as cheaply as the database
allows: SQLite answers `PRAGMA data_version` from memory and the counters are read only when
another connection has committed; PostgreSQL gets one prepared query on a kept connection."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from firpath.store.accounts import STATE


class StateProbe:
    """(registry revision, accounts revision) now; safe to call from any thread."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._sqlite: sqlite3.Connection | None = None
        self._pg: Any = None  # a psycopg connection in autocommit mode
        self._data_version: int | None = None
        self._last: tuple[int, int] = (0, 0)
        # the kept PostgreSQL connection is the driver's own: its errors are psycopg's, which
        # SQLAlchemy has not wrapped in DBAPIError
        driver_error: type[Exception] = engine.dialect.loaded_dbapi.Error
        self._dropped = (sqlite3.Error, DBAPIError, OSError, driver_error)
        # the repository's query, as plain SQL for the driver connections kept here
        self._sql = str(
            STATE.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
        )

    def read(self) -> tuple[int, int]:
        """Both revisions as committed now (never an older state than the caller could see)."""
        with self._lock:
            try:
                return self._read()
            except self._dropped:
                self._close()  # a dropped connection: open a new one and ask again
                return self._read()
            except Exception:
                self._close()
                raise

    def _read(self) -> tuple[int, int]:
        if self._engine.dialect.name == "sqlite":
            return self._read_sqlite()
        return self._read_postgres()

    def _read_sqlite(self) -> tuple[int, int]:
        conn = self._sqlite
        if conn is None:
            database = self._engine.url.database or ""
            if not database or database == ":memory:":  # no other connection to watch
                return self._query_engine()
            # opened as the engine opens the file (a read-only one read-only, or immutable),
            # in autocommit, usable from any thread; kept by the probe, never back in the pool
            raw = self._engine.raw_connection()
            driver = raw.driver_connection
            raw.detach()
            assert isinstance(driver, sqlite3.Connection)
            conn = self._sqlite = driver
            self._data_version = None
        version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        if version != self._data_version:  # another connection committed since the last look
            row = conn.execute(self._sql).fetchone()
            self._last = (int(row[0] or 0), int(row[1] or 0))
            self._data_version = version
        return self._last

    def _read_postgres(self) -> tuple[int, int]:
        if self._pg is None:
            raw = self._engine.raw_connection()
            driver = raw.driver_connection
            raw.detach()  # kept by the probe, never back in the pool
            raw.rollback()
            driver.autocommit = True  # type: ignore[union-attr]
            self._pg = driver
        cursor = self._pg.execute(self._sql, prepare=True)
        row = cursor.fetchone()
        return int(row[0] or 0), int(row[1] or 0)

    def _query_engine(self) -> tuple[int, int]:
        from firpath.store.accounts import read_state

        with self._engine.connect() as conn:
            return read_state(conn)

    def _close(self) -> None:
        for conn in (self._sqlite, self._pg):
            if conn is not None:
                with contextlib.suppress(Exception):  # already broken
                    conn.close()
        self._sqlite = None
        self._pg = None
