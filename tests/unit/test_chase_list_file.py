"""The chase-list file: its columns, its CSV and XLSX forms, and how a returned one is known."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from firpath.domain.backfill import BAND_CHOICES
from firpath.domain.band import ZigbeeBand
from firpath.domain.entry import CplEntry
from firpath.domain.errors import FieldInvalid
from firpath.domain.upgrade_from import UpgradeFrom
from firpath.domain.values import DeviceType, EntryStatus
from firpath.io.chase_list_file import (
    CHASE_LIST_COLUMNS,
    SHEET_TITLES,
    chase_list_format,
    is_backfill_header,
    render_chase_list,
)
from firpath.io.columns import CPL_ALL_COLUMNS, LABELS

IDENTIFYING = [
    "cpl_entry_id",
    "device_type",
    "manufacturer_id",
    "manufacturer_name",
    "model_id",
    "model_name",
    "hardware_version",
    "firmware_version",
    "firmware_version_name",
    "manufacturer_image_hash",
    "status",
]
FOUR = ["upgrade_from", "zigbee_chipset_vendor", "zigbee_stack_version", "zigbee_band"]


def legacy(eid: str, version: str, **changes: object) -> CplEntry:
    entry = CplEntry(
        cpl_entry_id=eid,
        device_type=DeviceType.ESME,
        manufacturer_id="00AB",
        model_id="0001",
        hardware_version="0002",
        firmware_version=version,
        manufacturer_image_hash=hashlib.sha256(eid.encode()).hexdigest().upper(),
        status=EntryStatus.ACTIVE,
        manufacturer_name="Northbridge Metering",
        model_name="Single Phase A",
        firmware_version_name="2.1.0",
    )
    return dataclasses.replace(entry, **changes)  # type: ignore[arg-type]


PARTLY = legacy(
    "102",
    "01000100",
    upgrade_from=UpgradeFrom.of("101"),
    zigbee_chipset_vendor="Silicon Labs",
    zigbee_band=ZigbeeBand.MULTI_MAC_UNSTATED,
)
BARE = legacy("101", "01000000")
COMPLETE = legacy(
    "103",
    "01000200",
    upgrade_from=UpgradeFrom.of("102"),
    zigbee_chipset_vendor="Silicon Labs",
    zigbee_stack_version="EmberZNet 7.4.3",
    zigbee_band=ZigbeeBand.SUB_GHZ_ONLY,
)


def test_the_columns_are_the_identifying_ones_then_the_four_to_fill() -> None:
    assert list(CHASE_LIST_COLUMNS) == IDENTIFYING + FOUR


def test_csv_lists_stated_values_and_leaves_missing_ones_blank() -> None:
    content = render_chase_list([BARE, PARTLY], "csv", heading="x")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert [r["cpl_entry_id"] for r in rows] == ["101", "102"]
    assert [rows[0][c] for c in FOUR] == ["", "", "", ""]
    assert rows[1]["upgrade_from"] == "101"
    assert rows[1]["zigbee_chipset_vendor"] == "Silicon Labs"
    assert rows[1]["zigbee_stack_version"] == ""
    assert rows[1]["zigbee_band"] == ""  # legacy multi-MAC, join not stated, counts as missing
    assert rows[1]["firmware_version"] == "01000100" and rows[1]["status"] == "active"


def test_a_stated_band_is_written_as_its_label() -> None:
    no_stack = dataclasses.replace(COMPLETE, zigbee_stack_version=None)
    content = render_chase_list([no_stack], "csv", heading="x")
    (row,) = csv.DictReader(io.StringIO(content.decode("utf-8")))
    assert row["zigbee_band"] == "Sub-GHz Only"


def test_nothing_to_chase_is_a_csv_with_the_header_only() -> None:
    content = render_chase_list([], "csv", heading="x")
    assert content.decode("utf-8").splitlines() == [",".join(CHASE_LIST_COLUMNS)]


def test_xlsx_has_the_header_in_row_one_and_the_rows_below() -> None:
    book = load_workbook(io.BytesIO(render_chase_list([BARE, PARTLY], "xlsx", heading="x")))
    assert book.sheetnames == list(SHEET_TITLES)
    sheet = book.worksheets[0]
    rows = [[c or "" for c in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(CHASE_LIST_COLUMNS)
    assert rows[1][:2] == ["101", "ESME"] and rows[2][-4:] == ["101", "Silicon Labs", "", ""]
    assert all(isinstance(v, str) for v in rows[1][:11])  # ids stay text, never numbers


def test_xlsx_band_column_has_a_drop_down_of_the_six_labels() -> None:
    hub = dataclasses.replace(BARE, cpl_entry_id="109", device_type=DeviceType.CH)
    rows = [BARE, PARTLY, hub]
    book = load_workbook(io.BytesIO(render_chase_list(rows, "xlsx", heading="x")))
    sheet = book.worksheets[0]
    band = "O"
    assert sheet[f"{band}1"].value == "zigbee_band"
    by_range = {str(c.sqref): c for c in sheet.data_validations.dataValidation}
    assert set(by_range) == {f"{band}4", f"{band}2 {band}3"}
    hubs, others = by_range[f"{band}4"], by_range[f"{band}2 {band}3"]
    assert hubs.type == others.type == "list"
    assert hubs.formula1.strip('"').split(",") == list(BAND_CHOICES)  # a hub: all six
    assert others.formula1.strip('"').split(",") == [  # a meter: never Dual Band
        label for label in BAND_CHOICES if label != "Dual Band"
    ]


def test_xlsx_upgrade_from_cells_are_text() -> None:
    book = load_workbook(io.BytesIO(render_chase_list([BARE, PARTLY], "xlsx", heading="x")))
    sheet = book.worksheets[0]
    assert sheet["L1"].value == "upgrade_from"
    assert sheet["L2"].number_format == "@" and sheet["L3"].number_format == "@"


def test_xlsx_explains_how_to_fill_it_on_a_second_sheet() -> None:
    content = render_chase_list([BARE], "xlsx", heading="Chase list of manufacturer 00AB")
    guide = load_workbook(io.BytesIO(content))[SHEET_TITLES[1]]
    text = "\n".join(str(r[0] or "") for r in guide.iter_rows(values_only=True))
    assert text.startswith("Chase list of manufacturer 00AB")
    assert "separated by ';'" in text and "same device model" in text and "N/A" in text
    assert "Leave a cell blank to leave that field unchanged" in text
    assert all(label in text for label in BAND_CHOICES)


def test_xlsx_lists_the_entries_of_the_same_device_models_for_reference() -> None:
    content = render_chase_list([BARE], "xlsx", heading="x", references=[BARE, PARTLY, COMPLETE])
    model = load_workbook(io.BytesIO(content))[SHEET_TITLES[2]]
    rows = list(model.iter_rows(values_only=True))
    assert rows[0][-1] == "upgrade_from"
    assert [r[0] for r in rows[1:]] == ["101", "102", "103"]
    assert rows[3][-1] == "102"


def test_xlsx_with_nothing_to_chase_still_has_the_header_and_the_drop_down() -> None:
    book = load_workbook(io.BytesIO(render_chase_list([], "xlsx", heading="x")))
    sheet = book.worksheets[0]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [list(CHASE_LIST_COLUMNS)]
    assert len(sheet.data_validations.dataValidation) == 1


def test_a_value_that_looks_like_a_formula_stays_text() -> None:
    sneaky = dataclasses.replace(BARE, model_name="=HYPERLINK(1)")
    book = load_workbook(io.BytesIO(render_chase_list([sneaky], "xlsx", heading="x")))
    cell = book.worksheets[0]["F2"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


@pytest.mark.parametrize(("name", "fmt"), [("a.csv", "csv"), ("a.XLSX", "xlsx")])
def test_the_format_follows_the_extension(name: str, fmt: str) -> None:
    assert chase_list_format(Path(name)) == fmt


@pytest.mark.parametrize("name", ["a.xls", "a.json", "a", "a.csv.txt"])
def test_an_unknown_extension_is_refused(name: str) -> None:
    with pytest.raises(FieldInvalid, match=r"\.csv or \.xlsx"):
        chase_list_format(Path(name))


@pytest.mark.parametrize(
    ("header", "backfill"),
    [
        (IDENTIFYING + FOUR, True),
        (["cpl_entry_id", "zigbee_band"], True),
        ([LABELS["cpl_entry_id"], LABELS["upgrade_from"], "Model ID"], True),
        (["cpl_entry_id", "zigbee_band", "no such column"], True),  # the unknown one is reported
        (IDENTIFYING, False),  # nothing to fill
        (FOUR, False),  # no CPL Entry ID
        ([*IDENTIFYING, *FOUR, "notes"], False),  # another CPL column: a CPL file
        (list(CPL_ALL_COLUMNS), False),
    ],
)
def test_a_returned_chase_list_is_known_by_its_header(header: list[str], backfill: bool) -> None:
    assert is_backfill_header(header) is backfill
