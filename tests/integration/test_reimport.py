"""Re-importing never erases silently, and a CPL Entry ID names one image (issue 7, item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from firpath.domain.band import ZigbeeBand
from firpath.domain.errors import InvalidInput
from firpath.domain.upgrade_from import UpgradeFrom
from firpath.services.import_cpl import ImportReport, import_cpl_file
from firpath.services.registry import show_entry
from firpath.store import audit
from tests.integration.cpl_rows import image_hash, row, write_cpl


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
