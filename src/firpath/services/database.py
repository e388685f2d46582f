"""Creating or migrating the database (`firpath init`): one locked transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from firpath.domain.errors import FieldInvalid, SchemaMismatch
from firpath.services.unit_of_work import write_transaction
from firpath.store import entries
from firpath.store.migrate import grant_runtime_role, migrate
from firpath.store.schema_version import HEAD, KNOWN_REVISIONS, stored_revision, unknown_schema


@dataclass(frozen=True, slots=True)
class DatabaseState:
    """Where the schema was, where it is now, and how many entries it holds."""

    before: str | None
    revision: str
    entries: int
    runtime_role: str | None = None


def initialise(engine: Engine, *, runtime_role: str | None = None) -> DatabaseState:
    """Create the schema, or migrate it to the newest revision, all or nothing.

    Concurrent inits take turns; with `runtime_role` (PostgreSQL) also grant that role the
    rights to run firpath without being able to rewrite the audit log.
    """
    if runtime_role is not None and engine.dialect.name != "postgresql":
        raise FieldInvalid(
            "--runtime-role", runtime_role, "a runtime role exists on PostgreSQL only"
        )
    with write_transaction(engine, migrating=True) as conn:
        before = stored_revision(conn)
        if before is not None and before not in KNOWN_REVISIONS:
            raise SchemaMismatch(unknown_schema(before))
        migrate(conn)
        count = entries.count_entries(conn)
        if runtime_role is not None:
            grant_runtime_role(conn, runtime_role)
    return DatabaseState(before, HEAD, count, runtime_role)
