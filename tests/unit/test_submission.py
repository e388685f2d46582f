"""Submissions before they have IDs: the forms of *upgrade from*, resolving names and hex in
the device model, what {"all_earlier": true} means, and the next CPL Entry ID."""

from __future__ import annotations

import dataclasses

import pytest

from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.errors import FieldInvalid
from firpath.domain.submission import PLACEHOLDER_ID, next_entry_id, submission_record
from firpath.domain.upgrade_from_forms import (
    UpgradeFromForm,
    UpgradeFromRequest,
    earlier_entries,
    resolve_references,
    upgrade_from_request,
)
from firpath.domain.values import EntryStatus
from firpath.io.columns import CPL_ALL_COLUMNS
from tests.unit.test_rules import MODEL, OTHER_MODEL, entry, sha

ENTRIES = UpgradeFromForm.ENTRIES


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, UpgradeFromRequest(UpgradeFromForm.NOT_GIVEN)),
        ("  ", UpgradeFromRequest(UpgradeFromForm.NOT_GIVEN)),
        ("n/a", UpgradeFromRequest(UpgradeFromForm.NOT_APPLICABLE)),
        (["N/A"], UpgradeFromRequest(UpgradeFromForm.NOT_APPLICABLE)),
        ({"all_earlier": True}, UpgradeFromRequest(UpgradeFromForm.ALL_EARLIER)),
        ("101; 102,103", UpgradeFromRequest(ENTRIES, ("101", "102", "103"))),
        (["2.1.0", " 2.1.0 ", "10001"], UpgradeFromRequest(ENTRIES, ("2.1.0", "10001"))),
        (["2.1.0 beta"], UpgradeFromRequest(ENTRIES, ("2.1.0 beta",))),
    ],
)
def test_upgrade_from_forms_are_read(given: object, expected: UpgradeFromRequest) -> None:
    assert upgrade_from_request(given) == expected


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ([], "empty list says nothing"),
        (["10001", ""], "non-empty string"),
        ([10001], "non-empty string"),
        ({"all_earlier": False}, "must be true"),
        ({"all_earlier": True, "except": ["1"]}, 'exactly {"all_earlier": true}'),
        ("all earlier", '{"all_earlier": true}'),
        (["N/A", "10001"], "N/A must stand alone"),
        (10001, "must be a list"),
    ],
)
def test_upgrade_from_forms_that_fit_none_say_what_fits(given: object, says: str) -> None:
    with pytest.raises(FieldInvalid) as err:
        upgrade_from_request(given)
    assert err.value.field == "upgrade_from"
    assert says in err.value.message


def named(eid: str, version: str, name: str, **kwargs: object) -> CplEntry:
    return dataclasses.replace(
        entry(eid, "N/A", version=version, **kwargs),  # type: ignore[arg-type]
        firmware_version_name=name,
    )


MODEL_ENTRIES = [
    named("1", "01000000", "1.0.0"),
    named("2", "01010000", "1.1.0"),
    named("3", "01020000", "1.2.0", image_hash=sha("twin a")),
    named("4", "01020000", "1.2.0", image_hash=sha("twin b")),
    named("5", "01030000", "1.3.0", status=EntryStatus.REMOVED),
]
OTHER = named("9", "01000000", "1.0.0", model=OTHER_MODEL)
KNOWN = {e.cpl_entry_id: e for e in [*MODEL_ENTRIES, OTHER]}


def resolve(*refs: str, entries: list[CplEntry] = MODEL_ENTRIES) -> tuple[list[str], list[str]]:
    matches, defects = resolve_references(refs, DeviceModel(*MODEL), entries, KNOWN)
    return [m.entry.cpl_entry_id for m in matches], [d.message for d in defects]


@pytest.mark.parametrize(
    ("given", "entry_id"),
    [
        ("2", "2"),  # a CPL Entry ID of the model
        ("1.1.0", "2"),  # a firmware version name
        ("01010000", "2"),  # its hex
        ("0x01010000", "2"),  # hex the way programmers write it
        ("1.3.0", "5"),  # a removed build may still be what meters run
        (f"1.2.0#{sha('twin b')[:6]}", "4"),  # one of twin builds by a hash prefix
    ],
)
def test_a_reference_names_one_build_of_the_model(given: str, entry_id: str) -> None:
    assert resolve(given) == ([entry_id], [])


def test_a_name_of_two_builds_lists_both_with_id_and_hash_prefix() -> None:
    ids, defects = resolve("1.2.0")
    assert ids == []
    (message,) = defects
    assert "names 2 builds" in message
    assert f"3 (version 1.2.0 = 01020000, hash {sha('twin a')[:12]}" in message
    assert f"4 (version 1.2.0 = 01020000, hash {sha('twin b')[:12]}" in message


def test_an_id_of_another_device_model_is_refused_naming_both_models() -> None:
    _, (message,) = resolve("9")
    assert "9 is an entry of device model 1A2B/0001/0003" in message
    assert "this submission is device model 1A2B/0001/0002" in message


def test_an_unknown_version_lists_the_models_versions() -> None:
    _, (message,) = resolve("7.7.7")
    assert "'7.7.7' is neither a CPL Entry ID nor a firmware version" in message
    assert "1.0.0 (01000000)" in message and "1.3.0 (01030000)" in message


def test_a_model_with_no_entries_says_a_first_release_takes_na() -> None:
    _, (message,) = resolve("1.0.0", entries=[])
    assert 'first release takes "N/A"' in message


def test_every_bad_reference_is_reported_and_the_good_ones_resolved() -> None:
    ids, defects = resolve("1.0.0", "1.2.0", "9", "nope")
    assert ids == ["1"]
    assert len(defects) == 3


def test_all_earlier_is_every_active_entry_with_a_lower_version() -> None:
    earlier = earlier_entries(MODEL_ENTRIES, "01030000")
    assert [e.cpl_entry_id for e in earlier] == ["1", "2", "3", "4"]
    assert [e.cpl_entry_id for e in earlier_entries(MODEL_ENTRIES, "01020000")] == ["1", "2"]
    assert earlier_entries(MODEL_ENTRIES, "01000000") == []


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (["10001", "11610", "ABC-7", "999"], "11611"),
        ([], "1"),
        (["X-1", "FW.2"], "1"),
        (["0099", "12"], "0100"),  # leading zeros kept: the CPL's IDs line up
    ],
)
def test_the_next_id_follows_the_highest_numeric_id(ids: list[str], expected: str) -> None:
    assert next_entry_id(ids) == expected


def test_a_submission_record_refuses_what_secas_sets_and_unknown_keys() -> None:
    record, given, defects = submission_record(
        {
            "cpl_entry_id": "12345",
            "date_added": "2026-01-01",
            "status": "removed",
            "model_id": 101,
            "colour": "blue",
            "upgrade_from": ["1.0.0"],
        },
        CPL_ALL_COLUMNS,
    )
    assert given == ["1.0.0"]
    assert {d.field for d in defects} == {
        "cpl_entry_id",
        "date_added",
        "status",
        "model_id",
        "colour",
    }
    assert record["cpl_entry_id"] == PLACEHOLDER_ID and record["status"] == "active"
    assert record["date_added"] == ""


def test_a_submission_record_is_active_unless_said_otherwise() -> None:
    record, _, defects = submission_record({"status": "Active", "notes": None}, CPL_ALL_COLUMNS)
    assert defects == []
    assert record["status"] == "active" and record["notes"] == ""
