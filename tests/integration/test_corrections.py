"""`firpath edit` corrects one entry with a reason; `firpath history` shows every change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from firpath.domain.errors import FieldInvalid, InvalidInput, NotFound, StaleRevision
from firpath.domain.upgrade_from import UpgradeFrom
from firpath.services.corrections import correct_entry
from firpath.services.history import entry_history, verify_audit
from firpath.services.import_cpl import import_cpl_file
from firpath.services.registry import show_entry
from firpath.store.tables import change_batches
from tests.integration.cpl_rows import row, write_cpl
from tests.integration.test_cli import firpath


@pytest.fixture
def model(engine: Engine, tmp_path: Path) -> Engine:
    """101 (N/A) -> 102 -> 103, and 201 of another model."""
    rows = [
        row("101", "01000000"),
        row("102", "01000100", "101"),
        row("103", "01000200", "102"),
        row("201", "01000000", model_id="0009"),
    ]
    import_cpl_file(engine, write_cpl(tmp_path / "a.csv", rows), actor="secas:import")
    return engine


def correct(engine: Engine, entry_id: str, *changes: tuple[str, str], **kw: object) -> object:
    return correct_entry(engine, entry_id, list(changes), actor="secas:anna", **kw)  # type: ignore[arg-type]


def batches(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(change_batches)).scalar_one())


def test_a_correction_changes_the_field_and_records_the_reason(model: Engine) -> None:
    done = correct(model, "102", ("ZigBee Stack Version", "EmberZNet 7.4.3"), reason="typo")
    assert done.changes == [("zigbee_stack_version", "EmberZNet 6.7.8", "EmberZNet 7.4.3")]  # type: ignore[attr-defined]
    assert done.revision == 2  # type: ignore[attr-defined]
    assert show_entry(model, "102").entry.zigbee_stack_version == "EmberZNet 7.4.3"
    latest = entry_history(model, "102")[0]
    assert (latest.actor, latest.reason, latest.command) == ("secas:anna", "typo", "edit")
    assert [(c.field, c.before, c.after) for c in latest.changes] == [
        ("zigbee_stack_version", "EmberZNet 6.7.8", "EmberZNet 7.4.3")
    ]
    assert verify_audit(model).ok


def test_an_empty_upgrade_from_with_a_reason_goes_back_to_not_provided(model: Engine) -> None:
    correct(model, "103", ("upgrade_from", ""), reason="manufacturer withdrew the statement")
    assert show_entry(model, "103").entry.upgrade_from == UpgradeFrom.UNKNOWN
    assert entry_history(model, "103")[0].changes[0].after == ""


@pytest.mark.parametrize(
    ("changes", "field", "needle"),
    [
        ((("upgrade_from", "103"),), "upgrade_from", "cycle"),
        ((("upgrade_from", "201"),), "upgrade_from", "device model"),
        ((("upgrade_from", "999"),), "upgrade_from", "not on the CPL"),
        ((("upgrade_from", "102"),), "upgrade_from", "itself"),
        ((("zigbee_band", "DUAL_BAND"),), "zigbee_band", "Communications Hubs"),
        # the old CPL's label reads as "not stated" on import, but a correction states a band
        ((("zigbee_band", "Dual Band"),), "zigbee_band", "Communications Hubs only (rule 5)"),
        ((("zigbee_band", " dual  BAND "),), "zigbee_band", "MULTI_MAC_MANUAL"),
        ((("firmware_version", "0100"),), "firmware_version", ""),
        ((("status", ""),), "status", "required"),
    ],
)
def test_a_correction_that_breaks_a_rule_is_refused_whole(
    model: Engine, changes: tuple[tuple[str, str], ...], field: str, needle: str
) -> None:
    target = "101" if changes[0] == ("upgrade_from", "103") else "102"
    before = show_entry(model, target).entry
    count = batches(model)
    with pytest.raises(InvalidInput) as caught:
        correct(model, target, *changes, ("notes", "also this"), reason="test")
    assert any(d.field == field and needle in d.message for d in caught.value.defects), [
        d.describe() for d in caught.value.defects
    ]
    assert show_entry(model, target).entry == before and batches(model) == count


def test_a_stale_revision_is_refused(model: Engine) -> None:
    correct(model, "102", ("notes", "first"), reason="one", if_revision=1)
    with pytest.raises(StaleRevision, match="revision 2, not 1"):
        correct(model, "102", ("notes", "second"), reason="two", if_revision=1)
    assert show_entry(model, "102").entry.notes == "first"


def test_a_correction_needs_a_reason_a_known_field_and_an_entry(model: Engine) -> None:
    with pytest.raises(FieldInvalid, match="reason"):
        correct(model, "102", ("notes", "x"), reason="  ")
    with pytest.raises(FieldInvalid, match="not a field"):
        correct(model, "102", ("colour", "blue"), reason="r")
    with pytest.raises(FieldInvalid, match="not a field"):
        correct(model, "102", ("cpl_entry_id", "777"), reason="r")
    with pytest.raises(NotFound):
        correct(model, "777", ("notes", "x"), reason="r")


def test_a_correction_that_changes_nothing_writes_nothing(model: Engine) -> None:
    count = batches(model)
    done = correct(model, "102", ("zigbee_chipset_vendor", "Silicon Labs"), reason="check")
    assert done.changes == [] and batches(model) == count  # type: ignore[attr-defined]


def test_a_hash_correction_may_not_duplicate_another_build(model: Engine) -> None:
    other = show_entry(model, "101").entry
    with pytest.raises(InvalidInput, match="nothing saved"):
        correct(
            model,
            "102",
            ("firmware_version", other.firmware_version),
            ("manufacturer_image_hash", other.manufacturer_image_hash),
            reason="wrong image recorded",
        )


def test_edit_and_history_on_the_command_line(model: Engine, database_url: str) -> None:
    code, out, err = firpath(
        database_url, "edit", "102", "--set", "notes=Recalled batch", "--reason", "SECAS 41"
    )
    assert code == 0 and "Recalled batch" in out, err
    code, out, err = firpath(
        database_url, "edit", "102", "--set", "notes=x", "--reason", "r", "--if-revision", "1"
    )
    assert code == 1 and "revision 2, not 1" in err
    code, out, err = firpath(database_url, "edit", "102", "--set", "notes", "--reason", "r")
    assert code == 1 and "FIELD=VALUE" in err
    code, out, _ = firpath(database_url, "history", "102", "--json")
    items = json.loads(out)["history"]
    assert [i["action"] for i in items] == ["update", "create"]
    assert items[0]["reason"] == "SECAS 41" and items[1]["source"] == "a.csv"
    assert items[0]["changes"] == [{"field": "notes", "before": "", "after": "Recalled batch"}]
    code, out, _ = firpath(database_url, "history", "102")
    assert code == 0 and "SECAS 41" in out and "file a.csv" in out
    code, _, err = firpath(database_url, "history", "777")
    assert code == 3 and "777" in err
