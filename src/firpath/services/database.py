"""Creating or migrating the database (`firpath init`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError

from firpath.domain.errors import DatabaseNotReady
from firpath.services.unit_of_work import transaction
from firpath.store import entries
from firpath.store.migrate import current_revision, migrate


@dataclass(frozen=True, slots=True)
class DatabaseState:
    """Where the schema was, where it is now, and how many entries it holds."""

    before: str | None
    revision: str
    entries: int


def initialise(engine: Engine) -> DatabaseState:
    """Create the schema, or migrate it to the newest revision."""
    try:
        before = current_revision(engine)
        revision = migrate(engine)
    except DatabaseError as err:
        raise DatabaseNotReady(f"cannot open the database: {str(err.orig).strip()}") from None
    with transaction(engine) as conn:
        count = entries.count_entries(conn)
    return DatabaseState(before, revision, count)
