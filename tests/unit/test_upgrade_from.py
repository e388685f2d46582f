"""The *upgrade from* field: CPL Entry IDs, N/A (nothing may upgrade) or unknown (not given)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from firpath.domain.errors import FieldInvalid
from firpath.domain.upgrade_from import (
    UpgradeFrom,
    UpgradeFromKind,
    parse_upgrade_from,
    upgrade_from_json,
)

NA = UpgradeFrom.NOT_APPLICABLE
UNKNOWN = UpgradeFrom.UNKNOWN


@pytest.mark.parametrize("raw", ["N/A", "n/a", "N/a", "  N/A  ", "\tn/A\n"])
def test_na_in_any_case_means_nothing_may_be_upgraded(raw: str) -> None:
    parsed = parse_upgrade_from(raw)
    assert parsed == NA
    assert parsed.kind is UpgradeFromKind.NOT_APPLICABLE
    assert parsed.ids == ()
    assert parsed.is_known


@pytest.mark.parametrize("raw", ["", " ", "\t\n"])
def test_empty_means_unknown(raw: str) -> None:
    parsed = parse_upgrade_from(raw)
    assert parsed == UNKNOWN
    assert parsed.kind is UpgradeFromKind.UNKNOWN
    assert not parsed.is_known


@pytest.mark.parametrize(
    ("raw", "ids"),
    [
        ("10001", ("10001",)),
        ("10001;10002", ("10001", "10002")),
        ("10001; 10002 ;10003", ("10001", "10002", "10003")),
        ("10001,10002", ("10001", "10002")),
        ("10001, 10002", ("10001", "10002")),
        ("10001 10002", ("10001", "10002")),
        ("10001;;10002;", ("10001", "10002")),
        ("10001,\n10002\t10003", ("10001", "10002", "10003")),
        ("abc-1;def.2", ("ABC-1", "DEF.2")),
        ("10003;10001;10002", ("10003", "10001", "10002")),
    ],
)
def test_ids_are_split_on_semicolons_commas_and_spaces_and_upper_cased(
    raw: str, ids: tuple[str, ...]
) -> None:
    parsed = parse_upgrade_from(raw)
    assert parsed.kind is UpgradeFromKind.IDS
    assert parsed.ids == ids
    assert parsed.is_known


@pytest.mark.parametrize(
    ("raw", "ids"),
    [
        ("10001;10001", ("10001",)),
        ("10002;10001;10002", ("10002", "10001")),
        ("a1;A1;b2;a1", ("A1", "B2")),
    ],
)
def test_duplicate_ids_are_removed_keeping_first_order(raw: str, ids: tuple[str, ...]) -> None:
    assert parse_upgrade_from(raw).ids == ids


@pytest.mark.parametrize("raw", ["N/A;10001", "10001;n/a", "10001, N/A, 10002", "N/A N/A"])
def test_na_mixed_with_ids_is_refused(raw: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        parse_upgrade_from(raw)
    assert caught.value.field == "upgrade_from"
    assert caught.value.value == raw
    assert "N/A must stand alone" in caught.value.message


def test_a_bad_id_is_refused_naming_upgrade_from_and_the_id() -> None:
    with pytest.raises(FieldInvalid) as caught:
        parse_upgrade_from("10001;#2")
    assert caught.value.field == "upgrade_from"
    assert caught.value.value == "#2"


@pytest.mark.parametrize("raw", [";", " , ", ";;"])
def test_separators_without_ids_are_refused_as_invalid(raw: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        parse_upgrade_from(raw)
    assert caught.value.field == "upgrade_from"


@settings(max_examples=200)
@given(
    ids=st.lists(st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9._/-]{0,10}", fullmatch=True), min_size=1),
    separators=st.lists(st.sampled_from([";", ",", " ", "; ", " , ", "\t", ";;"]), min_size=1),
    edges=st.sampled_from(["", " ", ";", " ; "]),
)
def test_any_ids_with_any_separators_parse_to_those_ids_and_round_trip(
    ids: list[str], separators: list[str], edges: str
) -> None:
    assume(all(i.upper() != "N/A" for i in ids))
    gaps = [separators[n % len(separators)] for n in range(len(ids) - 1)]
    text = edges + "".join(i + gap for i, gap in zip(ids, [*gaps, ""], strict=True)) + edges
    parsed = parse_upgrade_from(text)
    assert parsed == UpgradeFrom.of(*(i.upper() for i in ids))
    assert parse_upgrade_from(parsed.to_text()) == parsed
    assert upgrade_from_json(parsed.to_json()) == parsed


def test_of_needs_at_least_one_id() -> None:
    with pytest.raises(ValueError, match="at least one id"):
        UpgradeFrom.of()


def test_of_removes_duplicates_keeping_order() -> None:
    assert UpgradeFrom.of("B", "A", "B").ids == ("B", "A")


def test_na_and_unknown_are_different_facts() -> None:
    assert NA != UNKNOWN
    assert NA.is_known and not UNKNOWN.is_known
    assert NA.to_text() == "N/A"
    assert UNKNOWN.to_text() == ""
    assert NA.to_json() == "N/A"
    assert UNKNOWN.to_json() is None


@pytest.mark.parametrize(
    ("value", "text", "json"),
    [
        (NA, "N/A", "N/A"),
        (UNKNOWN, "", None),
        (UpgradeFrom.of("10001"), "10001", ["10001"]),
        (UpgradeFrom.of("10002", "10001", "A-3"), "10002;10001;A-3", ["10002", "10001", "A-3"]),
    ],
    ids=["na", "unknown", "one id", "several ids"],
)
def test_text_and_json_forms_round_trip(
    value: UpgradeFrom, text: str, json: list[str] | str | None
) -> None:
    assert value.to_text() == text
    assert value.to_json() == json
    assert parse_upgrade_from(value.to_text()) == value
    assert upgrade_from_json(value.to_json()) == value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, UNKNOWN),
        ("N/A", NA),
        ("n/a", NA),
        (["10001"], UpgradeFrom.of("10001")),
        (["10001", "10002"], UpgradeFrom.of("10001", "10002")),
        (["a1", "10002", "A1"], UpgradeFrom.of("A1", "10002")),
    ],
)
def test_json_form_is_a_list_na_or_null(value: object, expected: UpgradeFrom) -> None:
    assert upgrade_from_json(value) == expected


def test_json_empty_list_is_refused() -> None:
    with pytest.raises(FieldInvalid) as caught:
        upgrade_from_json([])
    assert caught.value.field == "upgrade_from"
    assert caught.value.value == "[]"
    assert "empty list" in caught.value.message


def test_json_list_mixing_na_and_ids_is_refused() -> None:
    with pytest.raises(FieldInvalid, match="N/A must stand alone"):
        upgrade_from_json(["N/A", "10001"])


@pytest.mark.parametrize("value", [42, True, {"ids": ["10001"]}, ["10001", 2], [None]])
def test_json_of_another_shape_is_refused(value: object) -> None:
    with pytest.raises(FieldInvalid) as caught:
        upgrade_from_json(value)
    assert caught.value.field == "upgrade_from"
    assert caught.value.value == repr(value)


def test_json_list_of_an_empty_id_is_refused() -> None:
    with pytest.raises(FieldInvalid):
        upgrade_from_json([""])


def test_a_non_ascii_id_in_upgrade_from_is_refused_not_rewritten() -> None:
    with pytest.raises(FieldInvalid) as caught:
        parse_upgrade_from("10001;straße")
    assert caught.value.field == "upgrade_from"
    assert caught.value.value == "straße"
