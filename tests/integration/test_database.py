"""`firpath init` creates and migrates the schema on SQLite and PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from firpath.services.database import initialise
from firpath.services.history import verify_audit
from firpath.services.import_cpl import import_cpl_file
from firpath.store.engine import open_engine
from firpath.store.migrate import _config, alembic_revisions
from firpath.store.schema_version import HEAD, KNOWN_REVISIONS, stored_revision
from tests.integration.cpl_rows import row, write_cpl
from tests.integration.test_cli import firpath


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


def _set_revision(engine: Engine, revision: str) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def test_a_newer_or_unknown_schema_is_refused_naming_both_versions(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    path = write_cpl(tmp_path / "a.csv", [row("101", "01000000")])
    _set_revision(engine, "0099")
    code, _, err = firpath(database_url, "import", str(path))
    assert code == 1 and "0099" in err and HEAD in err and "newer" in err
    code, _, err = firpath(database_url, "entries")
    assert code == 1 and "0099" in err
    code, _, err = firpath(database_url, "init")
    assert code == 1 and "0099" in err


def test_an_older_schema_is_read_but_not_written_until_init(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _set_revision(engine, "0001")
    code, _, err = firpath(
        database_url, "import", str(write_cpl(tmp_path / "a.csv", [row("1", "01000000")]))
    )
    assert code == 1 and "0001" in err and HEAD in err and "firpath init" in err
    code, _out, err = firpath(database_url, "entries", "--json")
    assert code == 0, err


def test_a_schema_0001_database_migrates_with_a_baseline_the_replay_starts_from(
    database_url: str, tmp_path: Path
) -> None:
    eng = open_engine(database_url)
    try:
        with eng.begin() as conn:
            config = _config()
            config.attributes["connection"] = conn
            command.upgrade(config, "0001")
            conn.execute(
                text(
                    "INSERT INTO cpl_entries (cpl_entry_id, device_type, manufacturer_id, "
                    "model_id, hardware_version, firmware_version, manufacturer_image_hash, "
                    "status, upgrade_from_kind, zigbee_band) VALUES ('101', 'ESME', '1234', "
                    "'0001', '0002', '01000000', :h, 'active', 'na', '2_4GHZ_ONLY')"
                ),
                {"h": "B" * 64},
            )
            conn.execute(
                text(
                    "INSERT INTO change_batches (batch_id, at, actor, action) "
                    "VALUES (1, CURRENT_TIMESTAMP, 'old', 'import')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO audit_log (batch_id, at, actor, action, entity, entity_id) "
                    "VALUES (1, CURRENT_TIMESTAMP, 'old', 'create', 'cpl_entry', '101')"
                )
            )
        state = initialise(eng)
        assert (state.before, state.revision, state.entries) == ("0001", HEAD, 1)
        check = verify_audit(eng)
        assert check.ok and check.legacy_rows == 2, check.problems
        import_cpl_file(
            eng,
            write_cpl(tmp_path / "b.csv", [row("102", "01000100", "101")]),
            actor="secas",
        )
        assert verify_audit(eng).ok
        with pytest.raises(DBAPIError, match="append-only"), eng.begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))
    finally:
        eng.dispose()
