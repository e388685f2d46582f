"""The audit trail is append-only and tamper-evident: triggers refuse rewrites, and
`firpath audit verify` finds edited, deleted and forged rows and changes made outside the log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from firpath.services.corrections import correct_entry
from firpath.services.history import verify_audit
from firpath.services.import_cpl import import_cpl_file
from firpath.services.registry import show_entry
from tests.integration.cpl_rows import row, write_cpl
from tests.integration.test_cli import firpath


@pytest.fixture
def logged(engine: Engine, tmp_path: Path) -> Engine:
    rows = [row("101", "01000000"), row("102", "01000100", "101"), row("103", "01000200", "")]
    import_cpl_file(engine, write_cpl(tmp_path / "a.csv", rows), actor="secas:import")
    correct_entry(engine, "103", [("upgrade_from", "102")], reason="back-fill", actor="secas:anna")
    return engine


def run(engine: Engine, *statements: str) -> None:
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def without_guards(engine: Engine) -> list[str]:
    """What someone with the database owner's rights can do to lift the triggers."""
    if engine.dialect.name == "postgresql":
        return [
            "ALTER TABLE audit_log DISABLE TRIGGER USER",
            "ALTER TABLE change_batches DISABLE TRIGGER USER",
        ]
    return [
        f"DROP TRIGGER {table}_{kind}"
        for table in ("audit_log", "change_batches")
        for kind in ("no_update", "no_delete", "no_replace")
    ]


def problems(engine: Engine) -> list[tuple[str, str, str]]:
    return [(p.kind, p.table, p.row_id) for p in verify_audit(engine).problems]


def test_an_untouched_log_verifies(logged: Engine, database_url: str) -> None:
    assert problems(logged) == []
    code, out, _ = firpath(database_url, "audit", "verify", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["links"] == 2 + 3 + 1 + 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log WHERE audit_id = 2",
        "DELETE FROM audit_log",
        "UPDATE change_batches SET reason = 'nothing to see'",
        "DELETE FROM change_batches WHERE batch_id = 2",
    ],
)
def test_triggers_refuse_rewriting_the_log(logged: Engine, statement: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        run(logged, statement)
    assert problems(logged) == []


def test_replacing_inserts_and_truncate_are_refused(logged: Engine) -> None:
    if logged.dialect.name == "postgresql":
        attempts = [
            "TRUNCATE audit_log CASCADE",
            "TRUNCATE change_batches CASCADE",
            "INSERT INTO audit_log (audit_id, at, actor, action, entity, entity_id) "
            "VALUES (2, now(), 'm', 'update', 'cpl_entry', '101') "
            "ON CONFLICT (audit_id) DO UPDATE SET actor = 'mallory'",
        ]
    else:
        attempts = [
            "INSERT OR REPLACE INTO audit_log (audit_id, at, actor, action, entity, entity_id) "
            "VALUES (2, CURRENT_TIMESTAMP, 'm', 'update', 'cpl_entry', '101')",
            "REPLACE INTO change_batches (batch_id, at, actor, action) "
            "VALUES (1, CURRENT_TIMESTAMP, 'm', 'import')",
        ]
    for statement in attempts:
        with pytest.raises(DBAPIError, match="append-only"):
            run(logged, statement)
    assert problems(logged) == []


def test_an_edited_record_is_found(logged: Engine) -> None:
    edit = "UPDATE audit_log SET actor = 'mallory' WHERE audit_id = 3"
    run(logged, *without_guards(logged), edit)
    assert ("edited", "audit_log", "3") in problems(logged)


def test_a_deleted_record_is_found(logged: Engine) -> None:
    run(logged, *without_guards(logged), "DELETE FROM audit_log WHERE audit_id = 2")
    found = problems(logged)
    assert any(kind == "deleted" for kind, _, _ in found), found


def test_a_forged_record_is_found(logged: Engine) -> None:
    run(
        logged,
        "INSERT INTO audit_log (audit_id, batch_id, at, actor, action, entity, entity_id) "
        "VALUES (99, 1, CURRENT_TIMESTAMP, 'mallory', 'update', 'cpl_entry', '101')",
    )
    assert ("unchained", "audit_log", "99") in problems(logged)


def test_a_change_that_bypassed_the_log_is_found(logged: Engine, database_url: str) -> None:
    run(logged, "UPDATE cpl_entries SET zigbee_stack_version = 'R99' WHERE cpl_entry_id = '102'")
    assert ("changed_outside_log", "cpl_entry", "102") in problems(logged)
    code, out, _ = firpath(database_url, "audit", "verify")
    assert code == 1 and "102" in out and "R99" in out


def test_an_entry_added_outside_the_log_is_found(logged: Engine) -> None:
    run(
        logged,
        "INSERT INTO cpl_entries (cpl_entry_id, device_type, manufacturer_id, model_id, "
        "hardware_version, firmware_version, manufacturer_image_hash, status, upgrade_from_kind)"
        " VALUES ('666', 'ESME', '1234', '0001', '0002', '06000000', '"
        + "A" * 64
        + "', 'active', 'na')",
    )
    assert ("changed_outside_log", "cpl_entry", "666") in problems(logged)


def test_postgres_runtime_role_cannot_rewrite_the_log(
    logged: Engine, database_url: str, tmp_path: Path
) -> None:
    if logged.dialect.name != "postgresql":
        code, _, err = firpath(database_url, "init", "--runtime-role", "firpath_app")
        assert code == 1 and "PostgreSQL" in err
        return
    code, out, err = firpath(database_url, "init", "--runtime-role", "firpath_app")
    assert code == 0 and "runtime role firpath_app" in out, err
    as_app = make_url(database_url).set(username="firpath_app").render_as_string(False)
    app = create_engine(as_app)
    try:
        for statement, needle in [
            ("UPDATE audit_log SET actor = 'm'", "permission denied"),
            ("DELETE FROM audit_log", "permission denied"),
            ("TRUNCATE audit_log CASCADE", "permission denied"),
            ("DELETE FROM change_batches", "permission denied"),
            ("ALTER TABLE audit_log DISABLE TRIGGER USER", "must be owner"),
            ("DROP TABLE audit_log CASCADE", "must be owner"),
        ]:
            with pytest.raises(DBAPIError, match=needle):
                run(app, statement)
        path = write_cpl(tmp_path / "b.csv", [row("104", "01000300", "103")])
        code, out, err = firpath(as_app, "import", str(path))
        assert code == 0 and "1 new" in out, err
        code, out, err = firpath(as_app, "audit", "verify")
        assert code == 0, out + err
    finally:
        app.dispose()


def test_an_upgrade_edge_injected_for_an_entry_without_ids_is_found_and_never_shown(
    logged: Engine,
) -> None:
    run(logged, "INSERT INTO upgrade_edges VALUES ('101', '103', 0)")  # 101 is N/A
    assert ("changed_outside_log", "cpl_entry", "101") in problems(logged)
    assert "101" not in show_entry(logged, "103").upgrade_to
