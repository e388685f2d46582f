"""A returned chase list: each row checked against its stored entry and completed from it."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from firpath.domain.backfill import BAND_CHOICES, IDENTIFYING_FIELDS, complete_backfill
from firpath.domain.band import ZigbeeBand
from firpath.domain.entry import NEW_FIELDS, CplEntry
from firpath.domain.record import entry_to_record
from firpath.domain.values import DeviceType, EntryStatus


def stored_entry(eid: str, version: str, **changes: object) -> CplEntry:
    """A legacy ESME entry of model 00AB/0001/0002 with nothing new stated."""
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
        firmware_version_name=f"v{version}",
        notes="kept as it is",
    )
    return dataclasses.replace(entry, **changes)  # type: ignore[arg-type]


STORED = {
    "101": stored_entry("101", "01000000"),
    "102": stored_entry("102", "01000100", zigbee_band=ZigbeeBand.MULTI_MAC_UNSTATED),
    "H1": stored_entry("H1", "02000000", device_type=DeviceType.CH, model_id="0009"),
}


def chase_row(eid: str, **cells: str) -> dict[str, str]:
    """A chase-list row as written for `eid`, new fields blank, with `cells` filled in."""
    record = entry_to_record(STORED[eid]) if eid in STORED else {"cpl_entry_id": eid}
    row = {c: record.get(c, "") for c in IDENTIFYING_FIELDS} | dict.fromkeys(NEW_FIELDS, "")
    return row | cells


def test_filled_cells_set_their_fields_and_blank_ones_keep_the_stored_values() -> None:
    rows = [(2, chase_row("102", upgrade_from="101", zigbee_band=BAND_CHOICES[2]))]
    backfill, defects = complete_backfill(rows, STORED)
    assert defects == []
    ((row, record),) = backfill.records
    assert row == 2
    expected = entry_to_record(STORED["102"]) | {
        "upgrade_from": "101",
        "zigbee_band": "MULTI_MAC_AUTO",
    }
    assert record == expected
    assert record["notes"] == "kept as it is"  # columns the chase list lacks come from the store
    assert backfill.filled == 2


def test_a_row_with_nothing_filled_in_is_the_stored_entry_unchanged() -> None:
    backfill, defects = complete_backfill([(2, chase_row("101"))], STORED)
    assert defects == [] and backfill.filled == 0
    assert backfill.records == [(2, entry_to_record(STORED["101"]))]


def test_a_cell_equal_to_the_stored_value_is_not_counted_as_filled() -> None:
    stated = {"101": dataclasses.replace(STORED["101"], zigbee_chipset_vendor="NXP")}
    rows = [(2, chase_row("101", zigbee_chipset_vendor=" NXP ", upgrade_from="n/a"))]
    backfill, _ = complete_backfill(rows, stated)
    assert backfill.filled == 1
    assert backfill.records[0][1]["upgrade_from"] == "N/A"


def test_a_file_with_only_some_columns_checks_and_fills_just_those() -> None:
    rows = [(5, {"cpl_entry_id": " 101 ", "zigbee_stack_version": "EmberZNet 7.4.3"})]
    backfill, defects = complete_backfill(rows, STORED)
    assert defects == []
    assert backfill.records[0][1]["zigbee_stack_version"] == "EmberZNet 7.4.3"
    assert backfill.records[0][1]["cpl_entry_id"] == "101"


def test_identifying_columns_are_compared_after_normalising() -> None:
    row = chase_row(
        "101",
        device_type="esme",
        manufacturer_id="00ab",
        model_id="1",  # a spreadsheet dropped the leading zeros of 0001
        firmware_version="1000000",
        manufacturer_image_hash=STORED["101"].manufacturer_image_hash.lower(),
        manufacturer_name="  northbridge   METERING ",
        status="Active",
    )
    _, defects = complete_backfill([(2, row)], STORED)
    assert defects == []


def test_an_unknown_id_is_refused_because_a_chase_list_never_creates_entries() -> None:
    _, defects = complete_backfill([(3, chase_row("999", zigbee_stack_version="7"))], STORED)
    (defect,) = defects
    assert (defect.row, defect.field, defect.entry_id, defect.value) == (
        3,
        "cpl_entry_id",
        "999",
        "999",
    )
    assert "never adds one" in defect.message


def test_a_changed_identifying_column_names_row_column_id_and_both_values() -> None:
    _, defects = complete_backfill([(4, chase_row("101", model_id="0002"))], STORED)
    (defect,) = defects
    assert (defect.row, defect.field, defect.entry_id, defect.value) == (
        4,
        "model_id",
        "101",
        "0002",
    )
    assert "'0001'" in defect.message  # the stored value


def test_a_cleared_identifying_cell_is_a_mismatch_too() -> None:
    _, defects = complete_backfill([(2, chase_row("101", model_name=""))], STORED)
    assert [(d.field, d.value) for d in defects] == [("model_name", "")]


def test_a_bad_band_label_is_refused_with_the_six_options() -> None:
    _, defects = complete_backfill([(2, chase_row("101", zigbee_band="Triple Band"))], STORED)
    (defect,) = defects
    assert (defect.row, defect.field, defect.entry_id, defect.value) == (
        2,
        "zigbee_band",
        "101",
        "Triple Band",
    )


def test_dual_band_on_a_device_that_is_not_a_hub_is_refused_not_read_as_legacy() -> None:
    _, defects = complete_backfill([(2, chase_row("101", zigbee_band="Dual Band"))], STORED)
    (defect,) = defects
    assert defect.field == "zigbee_band" and "only for Communications Hubs" in defect.message


def test_dual_band_on_a_hub_is_accepted() -> None:
    backfill, defects = complete_backfill([(2, chase_row("H1", zigbee_band="Dual Band"))], STORED)
    assert defects == [] and backfill.records[0][1]["zigbee_band"] == "DUAL_BAND"


def test_the_legacy_not_stated_band_is_no_answer() -> None:
    label = ZigbeeBand.MULTI_MAC_UNSTATED.label
    _, defects = complete_backfill([(2, chase_row("101", zigbee_band=label))], STORED)
    assert [d.field for d in defects] == ["zigbee_band"]


def test_a_bad_upgrade_from_is_named_with_its_row_and_value() -> None:
    _, defects = complete_backfill([(7, chase_row("102", upgrade_from="101;N/A"))], STORED)
    (defect,) = defects
    assert (defect.row, defect.field, defect.entry_id, defect.value) == (
        7,
        "upgrade_from",
        "102",
        "101;N/A",
    )


def test_every_bad_row_is_reported_at_once() -> None:
    rows = [
        (2, chase_row("101", model_id="0002")),
        (3, chase_row("102", zigbee_band="nope")),
        (4, {"cpl_entry_id": "", "zigbee_band": "Sub-GHz Only"}),
    ]
    _, defects = complete_backfill(rows, STORED)
    assert [(d.row, d.field) for d in defects] == [
        (2, "model_id"),
        (3, "zigbee_band"),
        (4, "cpl_entry_id"),
    ]


@pytest.mark.parametrize("label", BAND_CHOICES)
def test_each_of_the_six_labels_is_a_complete_band(label: str) -> None:
    eid = "H1" if label == "Dual Band" else "101"
    backfill, defects = complete_backfill([(2, chase_row(eid, zigbee_band=label))], STORED)
    assert defects == []
    assert ZigbeeBand(backfill.records[0][1]["zigbee_band"]).label == label


def test_the_six_choices_are_the_six_options_of_secmp0231() -> None:
    assert len(BAND_CHOICES) == 6
    assert ZigbeeBand.MULTI_MAC_UNSTATED.label not in BAND_CHOICES
