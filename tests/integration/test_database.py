"""`firpath init` creates and migrates the schema on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from firpath.services.database import initialise
from firpath.store.engine import open_engine
from firpath.store.migrate import alembic_revisions
from firpath.store.schema_version import HEAD, KNOWN_REVISIONS, stored_revision


def test_init_creates_every_table_then_is_idempotent(database_url: str) -> None:
    eng = open_engine(database_url)
    first = initialise(eng)
    assert first.before is None
    assert first.revision == HEAD
    tables = set(inspect(eng).get_table_names())
    assert {
        "cpl_entries",
        "upgrade_edges",
        "manufacturers",
        "audit_log",
        "change_batches",
    } <= tables
    second = initialise(eng)
    assert second.before == HEAD
    with eng.connect() as conn:
        assert stored_revision(conn) == HEAD
    eng.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path: object) -> None:
    eng = open_engine(f"sqlite:///{tmp_path}/w.db")
    with eng.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_audit_log_refuses_updates_and_deletes(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, entity, entity_id) "
                "VALUES (CURRENT_TIMESTAMP, 'a', 'create', 'cpl_entry', 'X')"
            )
        )
    for statement in ("UPDATE audit_log SET actor = 'b'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM audit_log")).scalar_one() == "a"


def test_the_schema_revisions_firpath_knows_are_alembics() -> None:
    assert list(KNOWN_REVISIONS) == alembic_revisions()
