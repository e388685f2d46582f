"""One transaction per use case: writers take turns, readers see one snapshot, and storage
errors become errors a user can read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DatabaseError, IntegrityError

from firpath.domain.errors import (
    DatabaseNotReady,
    ReadOnlyDatabase,
    RegistryBusy,
    StorageConflict,
)
from firpath.store.engine import lock_wait
from firpath.store.registry_lock import prepare_read, prepare_write, take_write_lock
from firpath.store.schema_version import check_schema


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A read-only view of one committed state of the registry (never half an import)."""
    with _storage_errors(), engine.connect() as conn:
        prepare_read(conn)
        with conn.begin():
            check_schema(conn, writing=False)
            yield conn


@contextmanager
def write_transaction(engine: Engine, *, migrating: bool = False) -> Iterator[Connection]:
    """A transaction holding the registry's write lock from its first read to its commit.

    Concurrent writers wait for each other (up to FIRPATH_LOCK_WAIT seconds) instead of
    failing or racing; the schema must be the one this firpath knows (unless `migrating`).
    """
    with _storage_errors(), engine.connect() as conn:
        prepare_write(conn)
        with conn.begin():
            take_write_lock(conn)
            if not migrating:
                check_schema(conn, writing=True)
            yield conn


@contextmanager
def _storage_errors() -> Iterator[None]:
    try:
        yield
    except IntegrityError as err:
        raise StorageConflict(
            f"the database refused the change, nothing was saved: {_first_line(err.orig)}"
        ) from None
    except DatabaseError as err:  # operational, programming, not-a-database...
        text = _first_line(err.orig)
        lowered = text.lower()
        if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
            raise ReadOnlyDatabase(
                "the database is read-only: nothing was saved (reads still work)"
            ) from None
        if "database is locked" in lowered or "lock timeout" in lowered:
            raise RegistryBusy(
                f"another change held the registry for more than {lock_wait():.0f} s; "
                "nothing was saved: try again (FIRPATH_LOCK_WAIT sets the wait)"
            ) from None
        if "no such table" in lowered or "does not exist" in lowered:
            raise DatabaseNotReady(
                "the database has no firpath tables yet: run `firpath init` first"
            ) from None
        raise DatabaseNotReady(f"database error, nothing was saved: {text}") from None


def _first_line(orig: object) -> str:
    text = str(orig).strip()
    return text.splitlines()[0] if text else "unknown error"


def now() -> dt.datetime:
    """The current time, UTC."""
    return dt.datetime.now(dt.UTC)
