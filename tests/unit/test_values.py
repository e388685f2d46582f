"""Ids, device types and statuses: validated, normalised, and refused with the field named."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from firpath.domain import values
from firpath.domain.errors import FieldInvalid
from firpath.domain.values import DeviceType, EntryStatus, entry_id_order

HASH = "ab" * 32

# (parser, field it names, a valid value, what it becomes)
HEX_IDS = [
    (values.manufacturer_id, "manufacturer_id", "1a2b", "1A2B"),
    (values.model_id, "model_id", "00ff", "00FF"),
    (values.hardware_version, "hardware_version", "000a", "000A"),
    (values.firmware_version, "firmware_version", "01020a03", "01020A03"),
    (values.image_hash, "manufacturer_image_hash", HASH, HASH.upper()),
]
HEX_ID_NAMES = ["manufacturer_id", "model_id", "hardware_version", "firmware_version", "hash"]


@pytest.mark.parametrize(("parse", "field", "raw", "expected"), HEX_IDS, ids=HEX_ID_NAMES)
def test_hex_id_is_upper_cased(
    parse: Callable[[str], str], field: str, raw: str, expected: str
) -> None:
    assert parse(raw) == expected


@pytest.mark.parametrize(("parse", "field", "raw", "expected"), HEX_IDS, ids=HEX_ID_NAMES)
def test_hex_id_has_surrounding_whitespace_trimmed(
    parse: Callable[[str], str], field: str, raw: str, expected: str
) -> None:
    assert parse(f"  {raw}\t\n") == expected


@pytest.mark.parametrize(("parse", "field", "raw", "expected"), HEX_IDS, ids=HEX_ID_NAMES)
def test_hex_id_already_upper_case_is_unchanged(
    parse: Callable[[str], str], field: str, raw: str, expected: str
) -> None:
    assert parse(expected) == expected


@pytest.mark.parametrize(
    ("parse", "field", "bad"),
    [
        (values.manufacturer_id, "manufacturer_id", "123"),
        (values.manufacturer_id, "manufacturer_id", "12345"),
        (values.manufacturer_id, "manufacturer_id", "12G4"),
        (values.manufacturer_id, "manufacturer_id", ""),
        (values.manufacturer_id, "manufacturer_id", "   "),
        (values.manufacturer_id, "manufacturer_id", "12 34"),
        (values.manufacturer_id, "manufacturer_id", "-123"),
        (values.model_id, "model_id", "ABC"),
        (values.model_id, "model_id", "WXYZ"),
        (values.hardware_version, "hardware_version", "00001"),
        (values.hardware_version, "hardware_version", "1.00"),
        (values.firmware_version, "firmware_version", "0102A03"),
        (values.firmware_version, "firmware_version", "01020A030"),
        (values.firmware_version, "firmware_version", "1.2.3"),
        (values.firmware_version, "firmware_version", "0102OA03"),
        (values.image_hash, "manufacturer_image_hash", HASH[:-1]),
        (values.image_hash, "manufacturer_image_hash", HASH + "0"),
        (values.image_hash, "manufacturer_image_hash", "g" * 64),
        (values.image_hash, "manufacturer_image_hash", "not a hash"),
    ],
)
def test_hex_id_of_wrong_length_or_not_hex_is_refused_naming_field_and_value(
    parse: Callable[[str], str], field: str, bad: str
) -> None:
    with pytest.raises(FieldInvalid) as caught:
        parse(bad)
    assert caught.value.field == field
    assert caught.value.value == bad
    assert "hexadecimal digits" in caught.value.message
    assert field in str(caught.value)


@pytest.mark.parametrize(
    ("parse", "digits"),
    [
        (values.manufacturer_id, 4),
        (values.model_id, 4),
        (values.hardware_version, 4),
        (values.firmware_version, 8),
        (values.image_hash, 64),
    ],
)
def test_hex_id_error_says_how_many_digits(parse: Callable[[str], str], digits: int) -> None:
    with pytest.raises(FieldInvalid, match=f"must be {digits} hexadecimal digits"):
        parse("Z")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10001", "10001"),
        ("  10001  ", "10001"),
        ("abc-12", "ABC-12"),
        ("a.b/c_d-e", "A.B/C_D-E"),
        ("0", "0"),
        ("A" * 64, "A" * 64),
    ],
)
def test_cpl_entry_id_is_trimmed_and_upper_cased(raw: str, expected: str) -> None:
    assert values.cpl_entry_id(raw) == expected


@pytest.mark.parametrize("raw", ["N/A", "n/a", " N/a "])
def test_cpl_entry_id_na_is_refused(raw: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        values.cpl_entry_id(raw)
    assert caught.value.field == "cpl_entry_id"
    assert caught.value.value == raw
    assert caught.value.message == "N/A is not a CPL Entry ID"


@pytest.mark.parametrize("raw", ["", "   ", "\t"])
def test_cpl_entry_id_empty_is_refused_as_required(raw: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        values.cpl_entry_id(raw)
    assert caught.value.field == "cpl_entry_id"
    assert caught.value.message == "is required"


@pytest.mark.parametrize(
    "raw",
    [
        "100 01",
        "10001;10002",
        "10001,10002",
        "-10001",
        ".10001",
        "/A",
        "_A",
        "A#1",
        "A*",
        "É1",
        "A" * 65,
    ],
)
def test_cpl_entry_id_with_bad_characters_or_too_long_is_refused(raw: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        values.cpl_entry_id(raw)
    assert caught.value.field == "cpl_entry_id"
    assert caught.value.value == raw
    assert "1-64 letters, digits" in caught.value.message


def test_cpl_entry_id_error_names_the_field_it_was_read_from() -> None:
    with pytest.raises(FieldInvalid) as caught:
        values.cpl_entry_id("bad id", field="upgrade_from")
    assert caught.value.field == "upgrade_from"
    assert caught.value.value == "bad id"


def test_cpl_entry_id_with_non_ascii_letters_is_refused_not_rewritten() -> None:
    with pytest.raises(FieldInvalid):
        values.cpl_entry_id("straße")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ESME", DeviceType.ESME),
        ("esme", DeviceType.ESME),
        (" gsme ", DeviceType.GSME),
        ("CH", DeviceType.CH),
        ("ppmid", DeviceType.PPMID),
        ("HCALCS", DeviceType.HCALCS),
        ("Sapc", DeviceType.SAPC),
        ("IHD", DeviceType.IHD),
        ("gpf", DeviceType.GPF),
        ("CAD", DeviceType.CAD),
        ("ALT_HAN", DeviceType.ALT_HAN),
        ("alt-han", DeviceType.ALT_HAN),
        ("Alt HAN", DeviceType.ALT_HAN),
        ("ALTHAN", DeviceType.ALT_HAN),
        ("Communications Hub", DeviceType.CH),
        ("communications  hub", DeviceType.CH),
        ("Comms Hub", DeviceType.CH),
        ("comms-hub", DeviceType.CH),
        ("SMETS1 CH", DeviceType.CH),
        ("smets2_ch", DeviceType.CH),
    ],
)
def test_device_type_parses_codes_and_aliases(raw: str, expected: DeviceType) -> None:
    assert DeviceType.parse(raw) is expected


@pytest.mark.parametrize("raw", ["", "meter", "ESME2", "Electricity Meter", "CHUB"])
def test_unknown_device_type_is_refused_listing_the_allowed_types(raw: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        DeviceType.parse(raw)
    assert caught.value.field == "device_type"
    assert caught.value.value == raw
    assert "unknown device type" in caught.value.message
    for code in ("ESME", "GSME", "CH", "PPMID", "HCALCS", "SAPC", "IHD", "GPF", "CAD", "ALT_HAN"):
        assert code in caught.value.message


@pytest.mark.parametrize(
    ("device_type", "in_scope"),
    [
        (DeviceType.ESME, True),
        (DeviceType.GSME, True),
        (DeviceType.CH, True),
        (DeviceType.PPMID, True),
        (DeviceType.HCALCS, True),
        (DeviceType.SAPC, True),
        (DeviceType.IHD, False),
        (DeviceType.GPF, False),
        (DeviceType.CAD, False),
        (DeviceType.ALT_HAN, False),
    ],
)
def test_device_type_scope_of_the_new_fields(device_type: DeviceType, in_scope: bool) -> None:
    assert device_type.in_scope is in_scope


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("active", EntryStatus.ACTIVE),
        ("Active", EntryStatus.ACTIVE),
        (" ACTIVE ", EntryStatus.ACTIVE),
        ("removed", EntryStatus.REMOVED),
        ("REMOVED", EntryStatus.REMOVED),
    ],
)
def test_entry_status_parses_case_ignored(raw: str, expected: EntryStatus) -> None:
    assert EntryStatus.parse(raw) is expected


@pytest.mark.parametrize("raw", ["", "deleted", "withdrawn", "inactive", "act ive"])
def test_unknown_entry_status_is_refused(raw: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        EntryStatus.parse(raw)
    assert caught.value.field == "status"
    assert caught.value.value == raw
    assert caught.value.message == "must be 'active' or 'removed'"


def test_numeric_entry_ids_sort_by_value_before_text_ids() -> None:
    ids = ["A1", "100", "9", "10", "B", "10001", "2"]
    assert sorted(ids, key=entry_id_order) == ["2", "9", "10", "100", "10001", "A1", "B"]


@pytest.mark.parametrize(
    ("smaller", "larger"),
    [
        ("9", "10"),
        ("99999", "100000"),
        ("10001", "A"),
        ("99999999", "0A"),
        ("A10", "A9"),  # text ids compare as text
        ("ABC", "ABD"),
    ],
)
def test_entry_id_order_pairs(smaller: str, larger: str) -> None:
    assert entry_id_order(smaller) < entry_id_order(larger)


@pytest.mark.parametrize(
    ("parse", "raw", "expected"),
    [
        (values.manufacturer_id, "0x1a2b", "1A2B"),
        (values.firmware_version, "0X01020A03", "01020A03"),
    ],
)
def test_hex_id_may_carry_a_0x_prefix(parse: Callable[[str], str], raw: str, expected: str) -> None:
    assert parse(raw) == expected
