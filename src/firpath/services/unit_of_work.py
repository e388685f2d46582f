"""One transaction per use case; storage conflicts become errors a user can read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DatabaseError, IntegrityError

from firpath.domain.errors import DatabaseNotReady, StorageConflict


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction committed on success and rolled back on any error."""
    try:
        with engine.begin() as conn:
            yield conn
    except IntegrityError as err:
        raise StorageConflict(
            f"the database refused the change, nothing was saved: {err.orig}"
        ) from None
    except DatabaseError as err:  # operational, programming, not-a-database...
        text = str(err.orig)
        if "no such table" in text or "does not exist" in text:
            raise DatabaseNotReady(
                "the database has no firpath tables yet: run `firpath init` first"
            ) from None
        raise DatabaseNotReady(f"database error, nothing was saved: {text.strip()}") from None


def now() -> dt.datetime:
    """The current time, UTC."""
    return dt.datetime.now(dt.UTC)
