"""Back-fill chasing on a real database: completeness, chase lists and their filled return."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from firpath.domain.band import ZigbeeBand
from firpath.domain.completeness import MISSING_CHOICES, Grouping, Tally, misses
from firpath.domain.errors import InvalidInput, NotFound
from firpath.domain.record import entry_to_record
from firpath.domain.upgrade_from import UpgradeFrom
from firpath.io.chase_list_file import ChaseListFormat, render_chase_list
from firpath.samples.catalogue import demo_catalogue
from firpath.services.backfill import chase_list, completeness
from firpath.services.import_cpl import import_cpl_file, import_entries
from firpath.services.manufacturer_contacts import import_contacts
from firpath.services.registry import list_entries, show_entry
from firpath.store import audit
from firpath.store.entries import EntryFilter
from firpath.store.tables import audit_log
from tests.integration.backfill_rows import write_catalogue


@pytest.fixture
def catalogue(engine: Engine, tmp_path: Path) -> Engine:
    cpl, contacts = write_catalogue(tmp_path)
    import_cpl_file(engine, cpl, actor="loader")
    import_contacts(engine, contacts, actor="loader")
    return engine


def records(engine: Engine) -> dict[str, dict[str, str]]:
    return {e.cpl_entry_id: entry_to_record(e) for e in list_entries(engine, EntryFilter())}


def audit_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())


def test_completeness_by_manufacturer_counts_in_scope_entries_with_contacts(
    catalogue: Engine,
) -> None:
    report = completeness(catalogue, Grouping.MANUFACTURER)
    done = report.completeness
    assert [g.key for g in done.groups] == ["1234", "5678"]  # 9ABC has IHD entries only
    northbridge, kelvin = (g.tally for g in done.groups)
    # upgrade_from, chipset vendor, stack version, band: 101 and 151 complete, 102 nothing,
    # 103 without a stated join option (legacy Dual Band on a meter); 104 (IHD) not counted
    assert northbridge == Tally(entries=4, provided=(3, 3, 3, 2), complete=2)
    assert kelvin == Tally(entries=3, provided=(3, 3, 2, 3), complete=2)
    assert done.total == Tally(entries=7, provided=(6, 6, 5, 5), complete=4)
    assert done.out_of_scope == 2
    assert report.manufacturers["1234"].contact_email == "priya@northbridge.example"


def test_completeness_by_device_type_leaves_out_of_scope_types_out(catalogue: Engine) -> None:
    done = completeness(catalogue, Grouping.DEVICE_TYPE).completeness
    assert {g.key: g.tally.entries for g in done.groups} == {"ESME": 4, "GSME": 2, "CH": 1}
    assert [g.key for g in done.groups] == ["ESME", "GSME", "CH"]
    assert done.groups[2].tally.complete == 1  # Dual Band on a hub is a stated join option


@pytest.mark.parametrize(
    ("missing", "ids"),
    [
        ("upgrade_from", ["102"]),
        ("zigbee_chipset_vendor", ["102"]),
        ("zigbee_stack_version", ["102", "202"]),
        ("zigbee_band", ["102", "103"]),
        ("any", ["102", "103", "202"]),
    ],
)
def test_the_missing_filter_finds_in_scope_entries_missing_a_field(
    catalogue: Engine, missing: str, ids: list[str]
) -> None:
    found = list_entries(catalogue, EntryFilter(missing=missing))
    assert [e.cpl_entry_id for e in found] == ids


def test_the_missing_filter_combines_with_the_other_filters(catalogue: Engine) -> None:
    found = list_entries(catalogue, EntryFilter(missing="any", manufacturer_id="5678"))
    assert [e.cpl_entry_id for e in found] == ["202"]


def test_the_sql_missing_filter_agrees_with_the_domain_rule_on_the_demo_cpl(
    engine: Engine,
) -> None:
    import_entries(engine, demo_catalogue(400, seed=7).entries, source="demo", actor="t")
    everything = list_entries(engine, EntryFilter())
    for choice in MISSING_CHOICES:
        found = [e.cpl_entry_id for e in list_entries(engine, EntryFilter(missing=choice))]
        assert found == [e.cpl_entry_id for e in everything if misses(e, choice)], choice
        assert found  # the demo has some of each


def test_a_chase_list_holds_the_manufacturers_in_scope_entries_missing_data(
    catalogue: Engine,
) -> None:
    chase = chase_list(catalogue, "1234")
    assert [e.cpl_entry_id for e in chase.entries] == ["102", "103"]
    assert [e.cpl_entry_id for e in chase.references] == ["101", "102", "103"]
    assert chase.manufacturer.contact_name == "Priya Shah"
    assert chase.heading == "Chase list of manufacturer 1234 Northbridge Metering"


def test_a_manufacturer_with_nothing_missing_gets_an_empty_chase_list(catalogue: Engine) -> None:
    chase = chase_list(catalogue, "9abc")
    assert chase.entries == [] and chase.manufacturer.manufacturer_name == "Lumen Home Displays"


def test_an_unknown_manufacturer_has_no_chase_list(catalogue: Engine) -> None:
    with pytest.raises(NotFound, match="manufacturer 4321"):
        chase_list(catalogue, "4321")


def write_chase_list(engine: Engine, path: Path, fmt: ChaseListFormat) -> Path:
    chase = chase_list(engine, "1234")
    path.write_bytes(
        render_chase_list(chase.entries, fmt, heading=chase.heading, references=chase.references)
    )
    return path


def fill_xlsx(path: Path, cells: dict[tuple[str, str], str]) -> None:
    """Type values into cells (entry ID, column) as a person does in Excel."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    for (eid, column), value in cells.items():
        (number,) = [r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == eid]
        sheet.cell(row=number, column=header.index(column) + 1, value=value)
    book.save(path)


def fill_csv(path: Path, cells: dict[tuple[str, str], str]) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for (eid, column), value in cells.items():
        (target,) = [r for r in rows if r["cpl_entry_id"] == eid]
        target[column] = value
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


Fill = Callable[[Path, dict[tuple[str, str], str]], None]
FILLED = {
    ("102", "upgrade_from"): "101",
    ("102", "zigbee_chipset_vendor"): "Silicon Labs",
    ("102", "zigbee_stack_version"): "EmberZNet 7.4.3",
    ("102", "zigbee_band"): "Multi MAC Selection \u2013 Auto",
    ("103", "zigbee_band"): "Sub-GHz Only",
}


@pytest.mark.parametrize(("fmt", "fill"), [("xlsx", fill_xlsx), ("csv", fill_csv)])
def test_a_filled_chase_list_changes_only_the_filled_fields_and_is_audited(
    catalogue: Engine, tmp_path: Path, fmt: ChaseListFormat, fill: Fill
) -> None:
    before = records(catalogue)
    path = write_chase_list(catalogue, tmp_path / f"chase.{fmt}", fmt)
    fill(path, FILLED)
    report = import_cpl_file(catalogue, path, actor="secas")
    assert (report.kind, report.fields_filled) == ("backfill", 5)
    assert (report.rows, report.created, report.updated, report.unchanged) == (2, 0, 2, 0)
    after = records(catalogue)
    changed = {
        (eid, field)
        for eid, fields in before.items()
        for field, value in fields.items()
        if after[eid][field] != value
    }
    assert changed == set(FILLED)
    assert show_entry(catalogue, "102").entry.upgrade_from == UpgradeFrom.of("101")
    assert show_entry(catalogue, "102").entry.zigbee_band is ZigbeeBand.MULTI_MAC_AUTO
    assert show_entry(catalogue, "103").entry.missing_new_fields == ()
    assert show_entry(catalogue, "103").entry.release_notes == "fixes"  # not on the chase list
    with catalogue.connect() as conn:
        change = audit.history(conn, "cpl_entry", "103")[-1]
    assert (change.action, change.actor) == ("update", "secas")
    assert change.before == {"zigbee_band": "MULTI_MAC_UNSTATED"}
    assert change.after == {"zigbee_band": "SUB_GHZ_ONLY"}


def test_a_returned_chase_list_with_nothing_filled_changes_nothing(
    catalogue: Engine, tmp_path: Path
) -> None:
    audited = audit_count(catalogue)
    path = write_chase_list(catalogue, tmp_path / "chase.xlsx", "xlsx")
    report = import_cpl_file(catalogue, path, actor="secas")
    assert (report.kind, report.fields_filled, report.unchanged) == ("backfill", 0, 2)
    assert audit_count(catalogue) == audited


def test_a_back_fill_dry_run_says_what_it_would_fill_and_writes_nothing(
    catalogue: Engine, tmp_path: Path
) -> None:
    before = records(catalogue)
    path = write_chase_list(catalogue, tmp_path / "chase.csv", "csv")
    fill_csv(path, {("102", "zigbee_stack_version"): "EmberZNet 7.4.3"})
    report = import_cpl_file(catalogue, path, actor="secas", dry_run=True)
    assert (report.dry_run, report.fields_filled, report.updated) == (True, 1, 1)
    assert records(catalogue) == before


def test_a_file_of_ids_and_one_new_field_is_a_back_fill_too(
    catalogue: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "bands.csv"
    path.write_text("CPL Entry ID,ZigBee Band Join Option\n103,2.4 GHz Only\n")
    report = import_cpl_file(catalogue, path, actor="secas")
    assert (report.kind, report.fields_filled, report.updated) == ("backfill", 1, 1)
    assert show_entry(catalogue, "103").entry.zigbee_band is ZigbeeBand.ONLY_2_4GHZ


BAD_FILLS = [
    pytest.param(
        ("102", "model_id"), "0003", ("model_id", "102", "0003"), "does not match", id="model_id"
    ),
    pytest.param(
        ("103", "zigbee_band"),
        "Triple Band",
        ("zigbee_band", "103", "Triple Band"),
        "unknown band option",
        id="bad band label",
    ),
    pytest.param(
        ("102", "upgrade_from"),
        "151",
        ("upgrade_from", "102", "151"),
        "of device model 1234/0003/0002",
        id="upgrade_from of another model",
    ),
    pytest.param(
        ("102", "upgrade_from"),
        "103",
        ("upgrade_from", "102", "103"),
        ("which is later than 102's own firmware", "upgrade cycle: 102 -> 103 -> 102"),
        id="upgrade_from naming later firmware, making a cycle",
    ),
]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(("cell", "value", "named", "message"), BAD_FILLS)
def test_a_bad_back_fill_is_refused_whole_naming_row_column_id_and_value(
    catalogue: Engine,
    tmp_path: Path,
    fmt: ChaseListFormat,
    cell: tuple[str, str],
    value: str,
    named: tuple[str, str, str],
    message: str | tuple[str, ...],
) -> None:
    before, audited = records(catalogue), audit_count(catalogue)
    path = write_chase_list(catalogue, tmp_path / f"chase.{fmt}", fmt)
    good = {("103", "zigbee_chipset_vendor"): "NXP"}  # a good cell elsewhere does not land
    (fill_xlsx if fmt == "xlsx" else fill_csv)(path, good | {cell: value})
    with pytest.raises(InvalidInput) as refused:
        import_cpl_file(catalogue, path, actor="secas")
    messages = (message,) if isinstance(message, str) else message
    defects = refused.value.defects
    assert len(defects) == len(messages), defects
    row = 2 if cell[0] == "102" else 3
    for defect, expected in zip(defects, messages, strict=True):
        assert (defect.row, defect.field, defect.entry_id) == (row, *named[:2])
        assert expected in defect.message
    assert defects[0].value == named[2]
    assert records(catalogue) == before and audit_count(catalogue) == audited


def test_an_id_that_is_not_stored_is_refused_because_chase_lists_never_create(
    catalogue: Engine, tmp_path: Path
) -> None:
    path = write_chase_list(catalogue, tmp_path / "chase.csv", "csv")
    fill_csv(path, {("102", "cpl_entry_id"): "999", ("103", "zigbee_stack_version"): "7.4"})
    with pytest.raises(InvalidInput) as refused:
        import_cpl_file(catalogue, path, actor="secas")
    (defect,) = refused.value.defects
    assert (defect.row, defect.field, defect.entry_id, defect.value) == (
        2,
        "cpl_entry_id",
        "999",
        "999",
    )
    assert show_entry(catalogue, "103").entry.zigbee_stack_version == "EmberZNet 6.7.8"


def test_a_changed_identifying_cell_names_the_stored_value(
    catalogue: Engine, tmp_path: Path
) -> None:
    path = write_chase_list(catalogue, tmp_path / "chase.xlsx", "xlsx")
    fill_xlsx(path, {("103", "firmware_version_name"): "v9"})
    with pytest.raises(InvalidInput) as refused:
        import_cpl_file(catalogue, path, actor="secas")
    (defect,) = refused.value.defects
    assert (defect.row, defect.field, defect.value) == (3, "firmware_version_name", "v9")
    assert "'v01000200'" in defect.message


def test_a_back_fill_file_with_another_cpl_column_is_a_cpl_file_missing_columns(
    catalogue: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "not-a-chase-list.csv"
    path.write_text("cpl_entry_id,zigbee_band,notes\n103,Sub-GHz Only,x\n")
    with pytest.raises(InvalidInput) as refused:
        import_cpl_file(catalogue, path, actor="secas")
    assert "device_type" in {d.field for d in refused.value.defects}
