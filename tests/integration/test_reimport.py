"""Re-importing never erases silently, and a CPL Entry ID names one image (issue 7, item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from firpath.domain.band import ZigbeeBand
from firpath.domain.errors import InvalidInput
from firpath.domain.upgrade_from import UpgradeFrom
from firpath.services.corrections import correct_entry
from firpath.services.import_cpl import ImportReport, import_cpl_file
from firpath.services.registry import show_entry
from firpath.store import audit
from tests.integration.cpl_rows import image_hash, row, write_cpl
from tests.integration.test_cli import firpath


def load(engine: Engine, path: Path) -> ImportReport:
    return import_cpl_file(engine, path, actor="tester")


BACKFILLED = {
    "upgrade_from": "101",
    "zigbee_chipset_vendor": "Silicon Labs",
    "zigbee_stack_version": "EmberZNet 7.4.3",
    "zigbee_band": "MULTI_MAC_AUTO",
    "release_notes": "Fixes tariff rounding",
    "gbcs_version": "4.1",
    "notes": "back-filled by Northbridge",
}
OLD_EXTRACT = {field: "" for field in BACKFILLED}


def test_an_old_extract_with_empty_cells_keeps_every_back_filled_value(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, write_cpl(tmp_path / "a.csv", [row("101", "01000000"), row("102", "01000100")]))
    load(engine, write_cpl(tmp_path / "b.csv", [row("102", "01000100", **BACKFILLED)]))
    report = load(engine, write_cpl(tmp_path / "old.csv", [row("102", "01000100", **OLD_EXTRACT)]))
    assert (report.updated, report.unchanged, report.kept) == (0, 1, len(BACKFILLED))
    entry = show_entry(engine, "102").entry
    assert entry.upgrade_from == UpgradeFrom.of("101")
    assert entry.zigbee_stack_version == "EmberZNet 7.4.3"
    assert entry.zigbee_band is ZigbeeBand.MULTI_MAC_AUTO
    assert entry.release_notes == "Fixes tariff rounding"
    assert entry.gbcs_version == "4.1" and entry.notes == "back-filled by Northbridge"


def test_an_extract_without_the_new_columns_keeps_them(engine: Engine, tmp_path: Path) -> None:
    load(engine, write_cpl(tmp_path / "a.csv", [row("101", "01000000"), row("102", "01000100")]))
    load(engine, write_cpl(tmp_path / "b.csv", [row("102", "01000100", **BACKFILLED)]))
    dropped = ("release_notes", "gbcs_version")
    base = [c for c in row("x", "0") if c not in dropped]
    same = {k: v for k, v in BACKFILLED.items() if k not in dropped}
    report = load(engine, write_cpl(tmp_path / "old.csv", [row("102", "01000100", **same)], base))
    assert (report.kept, report.unchanged) == (2, 1)
    assert show_entry(engine, "102").entry.release_notes == "Fixes tariff rounding"


def test_a_filled_cell_still_updates_and_the_change_is_audited(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, write_cpl(tmp_path / "a.csv", [row("101", "01000000")]))
    report = load(
        engine, write_cpl(tmp_path / "b.csv", [row("101", "01000000", zigbee_stack_version="R23")])
    )
    assert report.updated == 1
    with engine.connect() as conn:
        change = audit.history(conn, "cpl_entry", "101")[-1]
    assert change.before == {"zigbee_stack_version": "EmberZNet 6.7.8"}
    assert change.after == {"zigbee_stack_version": "R23"}
    assert change.source == "b.csv" and change.command == "import"


def test_na_in_the_file_replaces_stored_ids_because_it_is_a_value(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, write_cpl(tmp_path / "a.csv", [row("101", "01000000"), row("102", "01000100")]))
    load(engine, write_cpl(tmp_path / "b.csv", [row("102", "01000100", "101")]))
    load(engine, write_cpl(tmp_path / "c.csv", [row("102", "01000100", "N/A")]))
    assert show_entry(engine, "102").entry.upgrade_from == UpgradeFrom.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("manufacturer_id", "ABCD"),
        ("model_id", "0009"),
        ("hardware_version", "0003"),
        ("firmware_version", "01000200"),
        ("manufacturer_image_hash", image_hash("another image").upper()),
    ],
)
def test_an_import_may_not_point_an_id_at_another_image(
    engine: Engine, tmp_path: Path, field: str, value: str
) -> None:
    load(engine, write_cpl(tmp_path / "a.csv", [row("101", "01000000")]))
    before = show_entry(engine, "101").entry
    with pytest.raises(InvalidInput) as caught:
        load(engine, write_cpl(tmp_path / "b.csv", [row("101", "01000000", **{field: value})]))
    defect = next(d for d in caught.value.defects if d.field == field)
    assert defect.entry_id == "101" and defect.value == value and defect.row == 2
    assert "names one image" in defect.message and "firpath edit" in defect.message
    assert show_entry(engine, "101").entry == before


def test_a_created_entry_is_recorded_with_its_values(engine: Engine, tmp_path: Path) -> None:
    load(engine, write_cpl(tmp_path / "a.csv", [row("101", "01000000")]))
    with engine.connect() as conn:
        created = audit.history(conn, "cpl_entry", "101")[0]
    assert created.action == "create"
    assert created.after is not None
    assert created.after["firmware_version"] == "01000000"
    assert created.after["zigbee_chipset_vendor"] == "Silicon Labs"
    assert created.after["upgrade_from"] == "N/A"


# Found by a user trial of issue 7: each a silent change or a refusal contrary to the README


def test_legacy_dual_band_in_an_old_extract_never_replaces_a_stated_join_option(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, write_cpl(tmp_path / "a.csv", [row("101", "01000000", zigbee_band="Dual Band")]))
    assert show_entry(engine, "101").entry.zigbee_band is ZigbeeBand.MULTI_MAC_UNSTATED
    load(
        engine,
        write_cpl(tmp_path / "b.csv", [row("101", "01000000", zigbee_band="MULTI_MAC_AUTO")]),
    )
    for legacy in ("Dual Band", "MULTI_MAC_UNSTATED"):
        report = load(
            engine, write_cpl(tmp_path / "c.csv", [row("101", "01000000", zigbee_band=legacy)])
        )
        assert (report.updated, report.kept) == (0, 1)
        assert show_entry(engine, "101").entry.zigbee_band is ZigbeeBand.MULTI_MAC_AUTO
    # the summary does not call a cell that said 'Dual Band' empty
    code, out, _ = firpath(
        str(engine.url.render_as_string(False)), "import", str(tmp_path / "c.csv")
    )
    said = " ".join(out.split())
    assert code == 0 and "1 stored values kept where the file's cell was empty or said less" in said
    assert "'Dual Band' never replaces a stated join option" in said


def test_an_extract_from_before_secmp0231_without_the_new_columns_or_notes_imports(
    engine: Engine, tmp_path: Path
) -> None:
    load(
        engine,
        write_cpl(tmp_path / "a.csv", [row("101", "01000000"), row("102", "01000100", "101")]),
    )
    old = [
        c
        for c in row("x", "0")
        if c
        not in (
            "upgrade_from",
            "zigbee_chipset_vendor",
            "zigbee_stack_version",
            "zigbee_band",
            "notes",
        )
    ]
    report = load(
        engine,
        write_cpl(tmp_path / "old.csv", [row("102", "01000100"), row("103", "01000200")], old),
    )
    assert (report.created, report.unchanged) == (1, 1)
    assert show_entry(engine, "102").entry.upgrade_from == UpgradeFrom.of("101")
    assert show_entry(engine, "103").entry.upgrade_from == UpgradeFrom.UNKNOWN


def test_an_import_may_not_change_the_device_type_of_an_entry(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, write_cpl(tmp_path / "a.csv", [row("101", "01000000")]))
    with pytest.raises(InvalidInput) as caught:
        load(engine, write_cpl(tmp_path / "b.csv", [row("101", "01000000", device_type="GSME")]))
    [defect] = caught.value.defects
    assert (defect.field, defect.entry_id, defect.value) == ("device_type", "101", "GSME")


def test_an_old_extract_may_not_silently_undo_a_correction(engine: Engine, tmp_path: Path) -> None:
    original = row("101", "01000000", notes="as shipped")
    load(engine, write_cpl(tmp_path / "a.csv", [original, row("102", "01000100", "101")]))
    correct_entry(
        engine, "101", [("notes", "recalled batch 7")], reason="SECAS 41", actor="secas:anna"
    )
    with pytest.raises(InvalidInput) as caught:
        load(engine, write_cpl(tmp_path / "old.csv", [original]))
    [defect] = caught.value.defects
    assert (defect.entry_id, defect.field, defect.value) == ("101", "notes", "as shipped")
    assert "corrected to 'recalled batch 7' by secas:anna" in defect.message
    assert "SECAS 41" in defect.message and "--replace-corrections" in defect.message
    assert show_entry(engine, "101").entry.notes == "recalled batch 7"
    report = import_cpl_file(engine, tmp_path / "old.csv", actor="t", replace_corrections=True)
    assert report.updated == 1 and show_entry(engine, "101").entry.notes == "as shipped"
    # a later import of the corrected value, then another change, is an ordinary update
    load(engine, write_cpl(tmp_path / "c.csv", [dict(original, notes="recalled batch 7")]))
    assert load(engine, write_cpl(tmp_path / "d.csv", [original])).updated == 1


def test_the_report_and_a_dry_run_list_every_field_an_import_changes(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, write_cpl(tmp_path / "a.csv", [row("101", "01000000"), row("102", "01000100")]))
    changed = [row("101", "01000000", notes="new"), row("102", "01000100", "101")]
    report = import_cpl_file(
        engine, write_cpl(tmp_path / "b.csv", changed), actor="t", dry_run=True
    )
    assert {(c.entry_id, c.field, c.before, c.after) for c in report.changes} == {
        ("101", "notes", "", "new"),
        ("102", "upgrade_from", "N/A", "101"),
    }
    code, out, _ = firpath(
        str(engine.url.render_as_string(False)), "import", "--dry-run", str(tmp_path / "b.csv")
    )
    assert code == 0 and "fields that would change: notes (1), upgrade_from (1)" in out
    assert "102 upgrade_from: N/A → 101" in out


def test_spreadsheet_dropped_leading_zeros_of_ids_are_restored(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [row("101", "1000000", manufacturer_id="1234", model_id="1", hardware_version="2")]
    assert load(engine, write_cpl(tmp_path / "a.csv", rows)).created == 1
    entry = show_entry(engine, "101").entry
    assert (entry.model_id, entry.hardware_version, entry.firmware_version) == (
        "0001",
        "0002",
        "01000000",
    )


def test_control_characters_in_who_or_the_file_name_are_stored_escaped(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_cpl(tmp_path / "evil\x1b[31m.csv", [row("101", "01000000")])
    import_cpl_file(engine, path, actor="eve\x1b[31m")
    with engine.connect() as conn:
        created = audit.history(conn, "cpl_entry", "101")[0]
    assert "\x1b" not in created.actor and "\\x1b" in created.actor
    assert created.source is not None and "\x1b" not in created.source
