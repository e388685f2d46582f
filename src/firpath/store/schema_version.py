"""Which schema a database has, and refusing to work on one this firpath does not know."""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, text
from sqlalchemy.exc import DatabaseError

from firpath.domain.errors import DatabaseNotReady, SchemaMismatch

# Every revision of store/migrations/versions, oldest first (a test keeps this and Alembic equal).
KNOWN_REVISIONS: Final = ("0001", "0002", "0003")
HEAD: Final = KNOWN_REVISIONS[-1]


def stored_revision(conn: Connection) -> str | None:
    """The schema revision recorded in the database, or None when it was never initialised."""
    try:
        with conn.begin_nested():
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except DatabaseError:
        return None
    return None if row is None else str(row[0])


def unknown_schema(found: str) -> str:
    """The message for a schema revision this firpath does not know."""
    return (
        f"the database has schema {found}, which this firpath (schema {HEAD}) does not know: "
        "it was made by a newer firpath; nothing was changed"
    )


def check_schema(conn: Connection, *, writing: bool) -> None:
    """Refuse a database whose schema is newer or unknown (and, for writes, older)."""
    found = stored_revision(conn)
    if found is None:
        raise DatabaseNotReady("the database has no firpath tables yet: run `firpath init` first")
    if found == HEAD:
        return
    if found not in KNOWN_REVISIONS:
        raise SchemaMismatch(unknown_schema(found))
    if writing:
        raise SchemaMismatch(
            f"the database has schema {found} and this firpath writes schema {HEAD}: "
            "run `firpath init` to migrate it; nothing was changed"
        )
