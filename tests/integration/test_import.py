"""Importing CPL files: every rule, every defect listed, all or nothing, audited updates."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from firpath.domain.band import ZigbeeBand
from firpath.domain.errors import InvalidInput, UnreadableFile
from firpath.domain.upgrade_from import UpgradeFrom, UpgradeFromKind
from firpath.io.columns import LABELS
from firpath.services.import_cpl import import_cpl_file
from firpath.services.registry import show_entry
from firpath.store import audit
from firpath.store.tables import audit_log, cpl_entries, upgrade_edges
from tests.integration.cpl_rows import row, write_cpl


def count(engine: Engine, table: object = cpl_entries) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def load(engine: Engine, path: Path, **kw: bool) -> object:
    return import_cpl_file(engine, path, actor="tester", **kw)


def test_new_ids_are_added_with_references_within_the_same_file(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_cpl(
        tmp_path / "cpl.csv",
        [row("101", "01000000"), row("102", "01000100", "101"), row("103", "01000200", "101;102")],
    )
    report = load(engine, path)
    assert (report.created, report.updated, report.rows) == (3, 0, 3)  # type: ignore[attr-defined]
    detail = show_entry(engine, "103")
    assert detail.entry.upgrade_from == UpgradeFrom.of("101", "102")
    assert show_entry(engine, "101").upgrade_to == ["102", "103"]
    assert count(engine, upgrade_edges) == 3


def test_references_may_point_to_entries_already_stored(engine: Engine, tmp_path: Path) -> None:
    load(engine, write_cpl(tmp_path / "a.csv", [row("101", "01000000")]))
    load(engine, write_cpl(tmp_path / "b.csv", [row("102", "01000100", "101")]))
    assert show_entry(engine, "102").entry.upgrade_from.ids == ("101",)


def test_na_and_unknown_are_stored_and_read_back_as_different_facts(
    engine: Engine, tmp_path: Path
) -> None:
    load(
        engine,
        write_cpl(tmp_path / "a.csv", [row("101", "01000000", "N/A"), row("102", "01000100", "")]),
    )
    assert show_entry(engine, "101").entry.upgrade_from.kind is UpgradeFromKind.NOT_APPLICABLE
    assert show_entry(engine, "102").entry.upgrade_from.kind is UpgradeFromKind.UNKNOWN


def test_csv_with_bom_and_human_labels_in_any_case_and_spacing(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [row("101", "01000000")]
    cols = list(rows[0])
    header = ["  " + LABELS[c].upper().replace(" ", "  ") + " " for c in cols]
    report = load(engine, write_cpl(tmp_path / "a.csv", rows, cols, header, bom=True))
    assert report.created == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolon", "tab"])
def test_a_csv_split_by_semicolons_or_tabs_imports_as_the_comma_one_does(
    engine: Engine, tmp_path: Path, delimiter: str
) -> None:
    """Excel's "CSV" where the decimal separator is a comma (semicolons), or tab-separated text,
    with a BOM and Windows line ends; a comma in a cell stays in the cell."""
    rows = [
        row("101", "01000000", notes="first, with a comma"),
        row("102", "01000100", "101", notes="a; b"),
    ]
    comma = write_cpl(tmp_path / "comma.csv", rows)
    with comma.open(encoding="utf-8", newline="") as file:
        table = list(csv.reader(file))
    other = tmp_path / "other.csv"
    with other.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file, delimiter=delimiter, lineterminator="\r\n").writerows(table)
    report = load(engine, other)
    assert report.created == 2  # type: ignore[attr-defined]
    first, second = show_entry(engine, "101").entry, show_entry(engine, "102").entry
    assert (first.notes, second.notes) == ("first, with a comma", "a; b")
    assert second.upgrade_from.ids == ("101",)


def test_ids_are_normalised_to_upper_case(engine: Engine, tmp_path: Path) -> None:
    rows = [
        row("ab-1", "0a0b0c0d", manufacturer_id="abcd", model_id="00ff", hardware_version="000a"),
        row(
            "ab-2",
            "0a0b0c0e",
            "ab-1",
            manufacturer_id="abcd",
            model_id="00ff",
            hardware_version="000a",
        ),
    ]
    load(engine, write_cpl(tmp_path / "a.csv", rows))
    entry = show_entry(engine, "Ab-2").entry
    assert (entry.cpl_entry_id, entry.manufacturer_id, entry.firmware_version) == (
        "AB-2",
        "ABCD",
        "0A0B0C0E",
    )
    assert entry.upgrade_from.ids == ("AB-1",)


def test_xlsx_first_sheet_is_imported(engine: Engine, tmp_path: Path) -> None:
    rows = [row("101", "01000000"), row("102", "01000100", "101")]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    cols = list(rows[0])
    sheet.append([LABELS[c] for c in cols])
    for r in rows:
        sheet.append([r[c] for c in cols])
    book.create_sheet("ignored").append(["nonsense"])
    path = tmp_path / "cpl.xlsx"
    book.save(path)
    assert load(engine, path).created == 2  # type: ignore[attr-defined]


def test_legacy_band_values_map_as_design_says(engine: Engine, tmp_path: Path) -> None:
    rows = [
        row("101", "01000000", zigbee_band="Single Band (2.4GHz)"),
        row("102", "01000100", zigbee_band="Single Band (Sub-GHz)"),
        row("103", "01000200", zigbee_band="Dual Band"),
        row("201", "01000000", device_type="CH", model_id="0009", zigbee_band="Dual Band"),
    ]
    load(engine, write_cpl(tmp_path / "a.csv", rows))
    bands = {i: show_entry(engine, i).entry.zigbee_band for i in ("101", "102", "103", "201")}
    assert bands == {
        "101": ZigbeeBand.ONLY_2_4GHZ,
        "102": ZigbeeBand.SUB_GHZ_ONLY,
        "103": ZigbeeBand.MULTI_MAC_UNSTATED,
        "201": ZigbeeBand.DUAL_BAND,
    }
    assert "zigbee_band" in show_entry(engine, "103").entry.missing_new_fields


def test_every_defect_is_listed_and_nothing_changes(engine: Engine, tmp_path: Path) -> None:
    load(engine, write_cpl(tmp_path / "ok.csv", [row("100", "00FF0000")]))
    audited = count(engine, audit_log)
    rows = [
        row("101", "0100000G"),  # row 2: bad firmware version
        row("102", "01000100", "999"),  # row 3: unknown reference
        row("103", "01000200", manufacturer_id="12345"),  # row 4: bad manufacturer id
        row("101", "01000300"),  # row 5: duplicate id
        row("104", "01000400", "N/A;101"),  # row 6: N/A with ids
        row("105", "01000500", zigbee_band="DUAL_BAND"),  # row 7: Dual Band on ESME
        row("106", "01000600", "100", model_id="0002"),  # row 8: other device model
        row("107", "01000700", "107"),  # row 9: itself
    ]
    with pytest.raises(InvalidInput) as caught:
        load(engine, write_cpl(tmp_path / "bad.csv", rows))
    found = {(d.row, d.field) for d in caught.value.defects}
    assert {
        (2, "firmware_version"),
        (3, "upgrade_from"),
        (4, "manufacturer_id"),
        (5, "cpl_entry_id"),
        (6, "upgrade_from"),
        (7, "zigbee_band"),
        (8, "upgrade_from"),
        (9, "upgrade_from"),
    } <= found
    by_row = {d.row: d for d in caught.value.defects}
    assert by_row[3].value == "999" and by_row[3].entry_id == "102"
    assert by_row[4].value == "12345"
    assert "row 2" in by_row[5].message
    assert count(engine) == 1 and count(engine, audit_log) == audited


def test_a_cycle_is_reported_with_its_ids(engine: Engine, tmp_path: Path) -> None:
    rows = [
        row("101", "01000000", "103"),
        row("102", "01000100", "101"),
        row("103", "01000200", "102"),
    ]
    with pytest.raises(InvalidInput) as caught:
        load(engine, write_cpl(tmp_path / "cycle.csv", rows))
    later, cycle = caught.value.defects  # 101 names 103, a later version, which closes a loop
    assert (later.entry_id, later.value) == ("101", "103")
    assert "later than 101's own firmware v01000000 (01000000)" in later.message
    assert "101 -> 102 -> 103 -> 101" in cycle.message
    assert count(engine) == 0


def test_an_update_that_would_close_a_cycle_with_stored_entries_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    load(
        engine,
        write_cpl(tmp_path / "a.csv", [row("101", "01000000"), row("102", "01000100", "101")]),
    )
    with pytest.raises(InvalidInput, match="problem"):
        load(engine, write_cpl(tmp_path / "b.csv", [row("101", "01000000", "102")]))
    assert show_entry(engine, "101").entry.upgrade_from == UpgradeFrom.NOT_APPLICABLE


def test_same_model_version_and_hash_twice_is_refused_but_two_hashes_are_fine(
    engine: Engine, tmp_path: Path
) -> None:
    same = row("101", "01000000")
    twin = dict(same, cpl_entry_id="102")
    with pytest.raises(InvalidInput) as caught:
        load(engine, write_cpl(tmp_path / "a.csv", [same, twin]))
    assert "101" in caught.value.defects[0].message
    other_build = row("102", "01000000", manufacturer_image_hash="ab" * 32)
    assert load(engine, write_cpl(tmp_path / "b.csv", [same, other_build])).created == 2  # type: ignore[attr-defined]


def test_updates_are_audited_with_who_when_and_before_after(engine: Engine, tmp_path: Path) -> None:
    load(
        engine, write_cpl(tmp_path / "a.csv", [row("101", "01000000"), row("102", "01000100", "")])
    )
    report = load(
        engine,
        write_cpl(
            tmp_path / "b.csv",
            [
                row("101", "01000000"),
                row("102", "01000100", "101", zigbee_stack_version="EmberZNet 7.4.3"),
            ],
        ),
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)  # type: ignore[attr-defined]
    with engine.connect() as conn:
        records = audit.history(conn, "cpl_entry", "102")
    assert [r.action for r in records] == ["create", "update"]
    change = records[1]
    assert change.actor == "tester" and change.at is not None
    assert change.before == {"upgrade_from": "", "zigbee_stack_version": "EmberZNet 6.7.8"}
    assert change.after == {"upgrade_from": "101", "zigbee_stack_version": "EmberZNet 7.4.3"}


def test_optional_columns_absent_from_the_file_keep_their_stored_values(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, write_cpl(tmp_path / "a.csv", [row("101", "01000000", release_notes="Fixes")]))
    base_columns = [c for c in row("x", "0") if c != "release_notes"]
    report = load(engine, write_cpl(tmp_path / "b.csv", [row("101", "01000000")], base_columns))
    assert report.unchanged == 1  # type: ignore[attr-defined]
    assert show_entry(engine, "101").entry.release_notes == "Fixes"


def test_dry_run_validates_without_writing(engine: Engine, tmp_path: Path) -> None:
    report = load(engine, write_cpl(tmp_path / "a.csv", [row("101", "01000000")]), dry_run=True)
    assert report.created == 1 and report.dry_run  # type: ignore[attr-defined]
    assert count(engine) == 0


def test_unknown_and_missing_columns_are_errors(engine: Engine, tmp_path: Path) -> None:
    r = dict(row("101", "01000000"), colour="blue")
    r.pop("status")
    with pytest.raises(InvalidInput) as caught:
        load(engine, write_cpl(tmp_path / "a.csv", [r], list(r)))
    problems = {(d.field, d.message.split(" (")[0]) for d in caught.value.defects}
    assert ("colour", "unknown column") in problems
    assert ("status", "required column is missing") in problems


def test_a_row_with_too_many_cells_is_named(engine: Engine, tmp_path: Path) -> None:
    path = write_cpl(tmp_path / "a.csv", [row("101", "01000000")])
    path.write_text(
        path.read_text() + "102,ESME,1234,,0001,,0002,01000100,,AA,active,,,,,,,x,y,z\n"
    )
    with pytest.raises(InvalidInput) as caught:
        load(engine, path)
    assert caught.value.defects[0].row == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bin.csv", bytes(range(256)) * 4, "binary file"),
        ("latin1.csv", "cpl_entry_id\nCaf\xe9\n".encode("latin-1"), "not UTF-8"),
        ("fake.xlsx", b"PK\x03\x04 not really a zip", "not a valid XLSX"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel"),
        ("empty.csv", b"", "empty file"),
        ("bad.json", b"{not json", "not valid JSON"),
    ],
)
def test_unreadable_files_get_a_one_line_error(
    engine: Engine, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message) as caught:
        load(engine, path)
    assert "\n" not in str(caught.value)
    assert count(engine) == 0


def test_json_entries_without_an_optional_key_keep_the_stored_value(
    engine: Engine, tmp_path: Path
) -> None:
    import json

    from firpath.services.registry import export_cpl

    load(
        engine,
        write_cpl(
            tmp_path / "a.csv",
            [row("101", "01000000", release_notes="Fixes"), row("102", "01000100", "101")],
        ),
    )
    document = json.loads(export_cpl(engine, "json"))
    first, second = document["entries"]
    del first["release_notes"], first["release_date"]
    second["release_notes"] = "New notes"
    path = tmp_path / "partial.json"
    path.write_text(json.dumps({"entries": [first, second]}))
    report = load(engine, path)
    assert (report.updated, report.unchanged) == (1, 1)  # type: ignore[attr-defined]
    assert show_entry(engine, "101").entry.release_notes == "Fixes"
    assert show_entry(engine, "102").entry.release_notes == "New notes"


def test_two_entries_may_not_swap_builds_in_one_import(engine: Engine, tmp_path: Path) -> None:
    """A CPL Entry ID names one image (issue 7): a swap is two re-keyed IDs, so it is refused."""
    first, second = row("101", "01000000"), row("102", "01000100", "101")
    load(engine, write_cpl(tmp_path / "a.csv", [first, second]))
    swapped = [
        dict(
            first,
            firmware_version=second["firmware_version"],
            manufacturer_image_hash=second["manufacturer_image_hash"],
        ),
        dict(
            second,
            firmware_version=first["firmware_version"],
            manufacturer_image_hash=first["manufacturer_image_hash"],
        ),
    ]
    with pytest.raises(InvalidInput) as caught:
        load(engine, write_cpl(tmp_path / "b.csv", swapped))
    refused = {(d.entry_id, d.field) for d in caught.value.defects}
    assert {("101", "firmware_version"), ("102", "manufacturer_image_hash")} <= refused
    assert show_entry(engine, "101").entry.firmware_version == "01000000"


def test_an_empty_last_header_cell_from_a_spreadsheet_is_ignored(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_cpl(tmp_path / "a.csv", [row("101", "01000000")])
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",", lines[1] + ","]) + "\n")
    assert load(engine, path).created == 1  # type: ignore[attr-defined]


def test_import_reports_its_stages_for_a_progress_bar(engine: Engine, tmp_path: Path) -> None:
    path = write_cpl(tmp_path / "a.csv", [row("101", "01000000")])
    seen: list[str] = []
    import_cpl_file(engine, path, actor="t", dry_run=True, on_stage=seen.append)
    assert seen == ["reading file", "checking rules"]
    seen.clear()
    import_cpl_file(engine, path, actor="t", on_stage=seen.append)
    assert seen == ["reading file", "checking rules", "writing"]


@pytest.mark.parametrize(("value", "message"), [([], "empty list"), (["N/A", "101"], "N/A")])
def test_a_bad_json_upgrade_from_list_is_a_defect_on_its_entry(
    engine: Engine, tmp_path: Path, value: list[str], message: str
) -> None:
    import json

    entry = row("102", "01000100")
    entry["upgrade_from"] = value  # type: ignore[assignment]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"entries": [entry]}))
    with pytest.raises(InvalidInput) as caught:
        load(engine, path)
    (defect,) = caught.value.defects
    assert (defect.row, defect.field) == (1, "upgrade_from") and message in defect.message
    assert count(engine) == 0
