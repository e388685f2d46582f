"""Fleet ids a spreadsheet typed as numbers (issue 8, item 5) read back as the ids they were:
padded when only leading zeros were lost, an error when digits were."""

from __future__ import annotations

import pytest

from firpath.io.fleet_ids import NumberNotId, number_id, text_ids


@pytest.mark.parametrize(
    ("column", "number", "text"),
    [
        ("model_id", 101, "0101"),  # Excel read `0101` as 101
        ("manufacturer_id", 1234, "1234"),
        ("hardware_version", 2.0, "0002"),
        ("firmware_version", 1000000, "01000000"),
        ("firmware_version", 1000300.0, "01000300"),
        ("firmware_version", 0, "00000000"),
        ("cpl_entry_id", 30001.0, "30001"),
        ("cpl_entry_id", 101, "101"),
        ("device_id", 30001.0, "30001"),
        ("device_id", 12.5, "12.5"),
        ("manufacturer_image_hash", 7, "7"),
    ],
)
def test_a_whole_number_is_the_id_it_stood_for(column: str, number: int | float, text: str) -> None:
    assert number_id(column, number) == text


@pytest.mark.parametrize(
    ("column", "number", "problem"),
    [
        ("model_id", 12345, "5 digits, but a model_id has 4"),
        ("firmware_version", 123456789, "9 digits"),
        ("firmware_version", 1.2e20, "21 digits"),
        ("cpl_entry_id", 30001.5, "with a fraction"),
        ("hardware_version", 2.5, "with a fraction"),
        ("model_id", -1, "negative"),
        ("cpl_entry_id", float("nan"), "with a fraction"),
        ("firmware_version_name", 2.1, "turns 2.10 into 2.1"),
        ("firmware_version_name", 3, "is a number, not text"),
    ],
)
def test_a_number_that_cannot_be_the_id_is_an_error_naming_the_column(
    column: str, number: int | float, problem: str
) -> None:
    with pytest.raises(NumberNotId, match=problem) as caught:
        number_id(column, number)
    assert caught.value.column == column


@pytest.mark.parametrize(
    ("column", "texts", "changed"),
    [
        # digits shorter than a fixed width lost their leading zeros, whatever else is there
        ("model_id", ["101", "0009", "ABCD"], {"101": "0101"}),
        ("firmware_version", ["1000000", "0100000A"], {"1000000": "01000000"}),
        # a column of numbers written with `.0`: the `.0` goes, then the zeros come back
        (
            "firmware_version",
            ["1000000.0", "1000300.0"],
            {"1000000.0": "01000000", "1000300.0": "01000300"},
        ),
        ("cpl_entry_id", ["30001.0", "101.0", "7"], {"30001.0": "30001", "101.0": "101"}),
        ("cpl_entry_id", ["30001,0"], {"30001,0": "30001"}),  # a European decimal comma
        # among other text, `1.0` is an id that is not on the CPL, not a number
        ("cpl_entry_id", ["1.0", "A7"], {}),
        ("model_id", ["1.0", "ABCD"], {}),
        # full-width ids and text are left alone
        ("model_id", ["0001", "ABCD", "xyz"], {}),
        ("firmware_version", ["123456789", "0100000A"], {}),  # malformed: unknown firmware
        ("cpl_entry_id", ["101", "30001"], {}),
        ("device_id", ["101.0"], {}),
        ("manufacturer_image_hash", ["1.0"], {}),
        ("firmware_version_name", ["2.1"], {}),
    ],
)
def test_text_ids_are_read_back_only_when_nothing_else_can_be_meant(
    column: str, texts: list[str], changed: dict[str, str]
) -> None:
    assert text_ids(column, texts) == changed


@pytest.mark.parametrize(
    ("column", "texts", "problem"),
    [
        ("firmware_version", ["1.2E+07"], "scientific notation"),
        ("model_id", ["0001", "1E+03"], "scientific notation"),
        ("cpl_entry_id", ["3.0001e+04"], "scientific notation"),
        ("cpl_entry_id", ["30001.0", "30001.5"], "with a fraction"),
        ("firmware_version", ["101", "123456789"], "9 digits"),
        ("model_id", ["1.0", "12345.0"], "5 digits"),
    ],
)
def test_text_that_a_spreadsheet_turned_into_a_wrong_number_is_an_error(
    column: str, texts: list[str], problem: str
) -> None:
    with pytest.raises(NumberNotId, match=problem):
        text_ids(column, texts)


def test_hex_that_looks_like_scientific_notation_without_a_sign_is_an_id() -> None:
    assert text_ids("model_id", ["12E3", "1E12"]) == {}
