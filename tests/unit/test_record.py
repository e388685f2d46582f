"""Turning a record of text values (a file row, a form) into a CplEntry, or every defect in it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from firpath.domain.band import ZigbeeBand
from firpath.domain.entry import CplEntry
from firpath.domain.errors import Defect, FieldInvalid
from firpath.domain.record import (
    MAX_TEXT,
    REQUIRED_FIELDS,
    entry_from_record,
    entry_to_record,
    parse_date,
    parse_text,
)
from firpath.domain.upgrade_from import UpgradeFrom
from firpath.domain.values import DeviceType, EntryStatus

HASH = "0123456789abcdef" * 4


def record(**changes: str) -> dict[str, str]:
    """A valid ESME record as a user would write it, with `changes` applied."""
    base = {
        "cpl_entry_id": "10002",
        "device_type": "ESME",
        "manufacturer_id": "1a2b",
        "manufacturer_name": "Northbridge Metering",
        "model_id": "0001",
        "model_name": "Single Phase A1",
        "hardware_version": "0002",
        "firmware_version": "01020a03",
        "firmware_version_name": "2.10.3",
        "manufacturer_image_hash": HASH,
        "status": "active",
        "upgrade_from": "10001",
        "zigbee_chipset_vendor": "Silicon Labs",
        "zigbee_stack_version": "EmberZNet 6.7.8",
        "zigbee_band": "2.4 GHz Only",
        "date_added": "2025-07-01",
        "notes": "",
    }
    base.update(changes)
    return base


def entry(**changes: object) -> CplEntry:
    """A fully stated ESME entry, with `changes` applied."""
    base = CplEntry(
        cpl_entry_id="10002",
        device_type=DeviceType.ESME,
        manufacturer_id="1A2B",
        model_id="0001",
        hardware_version="0002",
        firmware_version="01020A03",
        manufacturer_image_hash=HASH.upper(),
        status=EntryStatus.ACTIVE,
        upgrade_from=UpgradeFrom.of("10001"),
        manufacturer_name="Northbridge Metering",
        model_name="Single Phase A1",
        firmware_version_name="2.10.3",
        zigbee_chipset_vendor="Silicon Labs",
        zigbee_stack_version="EmberZNet 6.7.8",
        zigbee_band=ZigbeeBand.ONLY_2_4GHZ,
        date_added=dt.date(2025, 7, 1),
        notes="first build",
        release_date=dt.date(2025, 6, 1),
        release_notes="Release 2.10.3: fixes",
        smets_chts_version="SMETS2 v5.0",
        gbcs_version="v4.1",
    )
    return dataclasses.replace(base, **changes)


def test_good_record_gives_a_normalised_entry() -> None:
    parsed, defects = entry_from_record(record(), row=2)
    assert defects == []
    assert parsed == CplEntry(
        cpl_entry_id="10002",
        device_type=DeviceType.ESME,
        manufacturer_id="1A2B",
        model_id="0001",
        hardware_version="0002",
        firmware_version="01020A03",
        manufacturer_image_hash=HASH.upper(),
        status=EntryStatus.ACTIVE,
        upgrade_from=UpgradeFrom.of("10001"),
        manufacturer_name="Northbridge Metering",
        model_name="Single Phase A1",
        firmware_version_name="2.10.3",
        zigbee_chipset_vendor="Silicon Labs",
        zigbee_stack_version="EmberZNet 6.7.8",
        zigbee_band=ZigbeeBand.ONLY_2_4GHZ,
        date_added=dt.date(2025, 7, 1),
    )


def test_record_with_only_required_fields_leaves_the_rest_not_provided() -> None:
    minimal = {field: record()[field] for field in REQUIRED_FIELDS}
    parsed, defects = entry_from_record(minimal)
    assert defects == []
    assert parsed is not None
    assert parsed.upgrade_from == UpgradeFrom.UNKNOWN
    assert parsed.zigbee_band is None
    assert parsed.zigbee_chipset_vendor is None
    assert parsed.date_added is None
    assert parsed.missing_new_fields == (
        "upgrade_from",
        "zigbee_chipset_vendor",
        "zigbee_stack_version",
        "zigbee_band",
    )


def test_text_fields_are_trimmed_and_empty_means_not_provided() -> None:
    parsed, _ = entry_from_record(record(zigbee_chipset_vendor="  NXP  ", zigbee_stack_version=" "))
    assert parsed is not None
    assert parsed.zigbee_chipset_vendor == "NXP"
    assert parsed.zigbee_stack_version is None


def test_legacy_dual_band_is_read_with_the_records_device_type() -> None:
    hub, _ = entry_from_record(record(device_type="CH", zigbee_band="Dual Band"))
    meter, _ = entry_from_record(record(device_type="ESME", zigbee_band="Dual Band"))
    assert hub is not None and meter is not None
    assert hub.zigbee_band is ZigbeeBand.DUAL_BAND
    assert meter.zigbee_band is ZigbeeBand.MULTI_MAC_UNSTATED


@pytest.mark.parametrize(
    "original",
    [
        entry(),
        entry(upgrade_from=UpgradeFrom.NOT_APPLICABLE),
        entry(upgrade_from=UpgradeFrom.UNKNOWN, zigbee_band=None, zigbee_chipset_vendor=None),
        entry(upgrade_from=UpgradeFrom.of("10001", "A-7", "9")),
        entry(status=EntryStatus.REMOVED, notes=None, release_date=None, date_added=None),
        entry(device_type=DeviceType.CH, zigbee_band=ZigbeeBand.DUAL_BAND),
        entry(zigbee_band=ZigbeeBand.MULTI_MAC_UNSTATED),
        entry(zigbee_band=ZigbeeBand.MULTI_MAC_EITHER),
        entry(device_type=DeviceType.ALT_HAN, release_notes="x" * MAX_TEXT),
    ],
    ids=[
        "full",
        "na",
        "unknown",
        "several ids",
        "removed",
        "hub dual band",
        "unstated",
        "either",
        "longest text",
    ],
)
def test_entry_to_record_and_back_gives_an_equal_entry(original: CplEntry) -> None:
    parsed, defects = entry_from_record(entry_to_record(original))
    assert defects == []
    assert parsed == original


def test_record_with_several_bad_fields_returns_every_defect() -> None:
    bad = record(
        manufacturer_id="12345",
        model_id="XYZ",
        firmware_version="1.2.3",
        status="deleted",
        upgrade_from="N/A;10001",
        zigbee_band="Triple Band",
        date_added="31/02/2025",
    )
    parsed, defects = entry_from_record(bad, row=7)
    assert parsed is None
    assert {(d.field, d.value) for d in defects} == {
        ("manufacturer_id", "12345"),
        ("model_id", "XYZ"),
        ("firmware_version", "1.2.3"),
        ("status", "deleted"),
        ("upgrade_from", "N/A;10001"),
        ("zigbee_band", "Triple Band"),
        ("date_added", "31/02/2025"),
    }
    assert len(defects) == 7
    assert all(d.row == 7 for d in defects)
    assert all(d.entry_id == "10002" for d in defects)


def test_a_defect_says_what_is_wrong_and_describes_itself_in_one_line() -> None:
    _, defects = entry_from_record(record(cpl_entry_id=" abc-1 ", firmware_version="0102"), row=4)
    assert defects == [
        Defect(
            "must be 8 hexadecimal digits",
            row=4,
            field="firmware_version",
            entry_id="ABC-1",
            value="0102",
        )
    ]
    assert defects[0].describe() == (
        "row 4, column firmware_version, entry ABC-1, value '0102': must be 8 hexadecimal digits"
    )


def test_a_bad_cpl_entry_id_is_a_defect_of_that_field() -> None:
    _, defects = entry_from_record(record(cpl_entry_id="N/A"), row=3)
    assert [(d.field, d.value, d.message) for d in defects] == [
        ("cpl_entry_id", "N/A", "N/A is not a CPL Entry ID")
    ]


@pytest.mark.parametrize("field", REQUIRED_FIELDS)
def test_a_required_field_left_empty_is_a_defect(field: str) -> None:
    parsed, defects = entry_from_record(record(**{field: "  "}), row=5)
    assert parsed is None
    assert len(defects) == 1
    assert defects[0].field == field
    assert defects[0].message == "is required"
    assert defects[0].row == 5


@pytest.mark.parametrize("field", REQUIRED_FIELDS)
def test_a_required_field_absent_from_the_record_is_a_defect(field: str) -> None:
    incomplete = record()
    del incomplete[field]
    parsed, defects = entry_from_record(incomplete)
    assert parsed is None
    assert [(d.field, d.message) for d in defects] == [(field, "is required")]


def test_an_empty_record_lists_every_required_field() -> None:
    parsed, defects = entry_from_record({}, row=9)
    assert parsed is None
    assert [d.field for d in defects] == list(REQUIRED_FIELDS)
    assert all(d.entry_id is None and d.row == 9 for d in defects)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-31", dt.date(2024, 3, 31)),
        (" 2024-03-31 ", dt.date(2024, 3, 31)),
        ("2024-03-31T10:15:00", dt.date(2024, 3, 31)),
        ("2024-03-31 10:15:00", dt.date(2024, 3, 31)),
        ("31/03/2024", dt.date(2024, 3, 31)),
        ("1/2/2024", dt.date(2024, 2, 1)),
        ("29/02/2024", dt.date(2024, 2, 29)),
        ("", None),
        ("   ", None),
    ],
)
def test_dates_are_iso_or_day_month_year(raw: str, expected: dt.date | None) -> None:
    assert parse_date("date_added", raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "31/02/2024",
        "29/02/2023",
        "03/31/2024",
        "2024-13-01",
        "2024-02-30",
        "yesterday",
        "31-03-2024",
        "31/03",
        "1/2/3/2024",
        "31.03.2024",
    ],
)
def test_a_bad_date_is_refused_naming_field_and_value(raw: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        parse_date("release_date", raw)
    assert caught.value.field == "release_date"
    assert caught.value.value == raw
    assert caught.value.message == "must be a date, YYYY-MM-DD or DD/MM/YYYY"


def test_a_two_digit_year_is_refused_not_read_as_the_first_century() -> None:
    with pytest.raises(FieldInvalid):
        parse_date("date_added", "31/03/24")


def test_a_date_followed_by_junk_is_refused() -> None:
    with pytest.raises(FieldInvalid):
        parse_date("date_added", "2024-03-31 not checked")


def test_bad_dates_in_a_record_are_defects_of_their_fields() -> None:
    _, defects = entry_from_record(record(date_added="2025-02-30", release_date="someday"), row=11)
    assert [(d.field, d.value, d.row) for d in defects] == [
        ("date_added", "2025-02-30", 11),
        ("release_date", "someday", 11),
    ]


def test_text_of_exactly_the_limit_is_kept() -> None:
    assert parse_text("notes", "n" * MAX_TEXT) == "n" * MAX_TEXT
    assert parse_text("notes", f"  {'n' * MAX_TEXT}  ") == "n" * MAX_TEXT


def test_text_over_4000_characters_is_refused() -> None:
    assert MAX_TEXT == 4000
    with pytest.raises(FieldInvalid) as caught:
        parse_text("release_notes", "r" * 4001)
    assert caught.value.field == "release_notes"
    assert caught.value.message == "is longer than 4000 characters"
    assert caught.value.value == "r" * 40 + "..."


@pytest.mark.parametrize(
    "field",
    [
        "manufacturer_name",
        "model_name",
        "firmware_version_name",
        "zigbee_chipset_vendor",
        "zigbee_stack_version",
        "notes",
        "release_notes",
        "smets_chts_version",
        "gbcs_version",
    ],
)
def test_overlong_text_in_a_record_is_a_defect_of_that_field(field: str) -> None:
    parsed, defects = entry_from_record(record(**{field: "x" * (MAX_TEXT + 1)}), row=3)
    assert parsed is None
    assert [(d.field, d.row, d.entry_id, d.message) for d in defects] == [
        (field, 3, "10002", "is longer than 4000 characters")
    ]


def test_upgrade_from_of_separators_only_is_a_defect() -> None:
    parsed, defects = entry_from_record(record(upgrade_from=";"), row=6)
    assert parsed is None
    assert [(d.field, d.row) for d in defects] == [("upgrade_from", 6)]


@pytest.mark.parametrize("bad", ["bell\x07", "nul\x00here", "esc\x1b[0m"])
def test_control_characters_in_text_are_refused(bad: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        parse_text("notes", bad)
    assert caught.value.field == "notes"
    assert "control character" in caught.value.message


def test_tabs_and_newlines_in_text_are_kept() -> None:
    assert parse_text("release_notes", " line one\n\tline two ") == "line one\n\tline two"
