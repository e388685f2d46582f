"""Explained fleet plans (issue 8, item 4): version names, a reason for every status, whom
to ask, and the names of device models: worked out in memory from a small CPL."""

from __future__ import annotations

import dataclasses

import pytest

from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.firmware_lookup import FirmwareGiven, FirmwareIndex
from firpath.domain.fleet_plan import DeviceStatus, FleetPlanner
from firpath.domain.manufacturer import Manufacturer
from firpath.domain.plan_explanation import PlanExplainer, PlanExplanation, device_model_label
from firpath.domain.values import EntryStatus
from tests.unit.test_rules import MODEL, OTHER_MODEL, entry, sha


def named(e: CplEntry, version_name: str | None = None) -> CplEntry:
    return dataclasses.replace(
        e,
        manufacturer_name="Halden Meters",
        model_name="Smart Meter X",
        firmware_version_name=version_name,
    )


# 1 -> 2 -> 4 (latest, 01000300); 3 removed (from 2); 5 a second build of 2's version;
# other model: 21 (N/A) and 22 (upgrade from not provided).
ENTRIES = [
    named(entry("1", "N/A", version="01000000"), "1.0.0"),
    named(entry("2", "1", version="01000100"), "1.1.0"),
    named(entry("3", "2", version="01000200", status=EntryStatus.REMOVED), "1.2.0"),
    named(entry("4", "2", version="01000300"), "1.3.0"),
    named(entry("5", "1", version="01000100", image_hash=sha("other build")), "1.1.0"),
    entry("21", "N/A", model=OTHER_MODEL, version="02000000"),
    entry("22", "", model=OTHER_MODEL, version="02000100"),
]
ID_HEX = "01000100"


def explainer(target: str = "latest") -> PlanExplainer:
    return PlanExplainer(FleetPlanner(FirmwareIndex(ENTRIES), target))


def by_id(raw: str, target: str = "latest") -> PlanExplanation:
    planner = explainer(target)
    given = FirmwareGiven(True, raw)
    return planner.explain(planner.planner.index.resolve(given), given)


def by_model(*fields: str) -> PlanExplanation:
    planner = explainer()
    given = FirmwareGiven(False, "", *fields)
    return planner.explain(planner.planner.index.resolve(given), given)


@pytest.mark.parametrize(
    ("manufacturer", "contact"),
    [
        (
            Manufacturer("1A2B", "Halden", "Jane Doe", "jane@h.example", "+44 1"),
            "Jane Doe <jane@h.example>, +44 1",
        ),
        (Manufacturer("1A2B", "Halden", "Jane Doe", "jane@h.example"), "Jane Doe <jane@h.example>"),
        (Manufacturer("1A2B", "Halden", None, "jane@h.example", "+44 1"), "jane@h.example, +44 1"),
        (Manufacturer("1A2B", "Halden", "Jane Doe", None, "+44 1"), "Jane Doe, +44 1"),
        (Manufacturer("1A2B", "Halden", None, None, "+44 1"), "+44 1"),
        (Manufacturer("1A2B", "Halden"), None),
    ],
)
def test_a_contact_is_one_line_of_name_email_and_phone(
    manufacturer: Manufacturer, contact: str | None
) -> None:
    assert manufacturer.contact == contact


def test_an_upgrade_names_each_version_and_the_manufacturer() -> None:
    explained = by_id("1")
    assert explained == PlanExplanation(
        "1.0.0",
        "1.3.0",
        "1.1.0;1.3.0",
        "2 images in this order, each one installed after the last.",
        "1A2B",
    )


def test_a_version_without_a_name_is_shown_as_hex() -> None:
    explained = by_id("21")
    assert explained.current_version_name == "02000000"
    assert explained.target_version_name == "02000100"


def test_up_to_date_says_it_is_already_the_target() -> None:
    explained = by_id("4")
    assert explained.step_version_names is None
    assert explained.reason.endswith("is already the target firmware.")


def test_no_path_says_where_the_meter_is_stuck() -> None:
    assert "site visit" in by_id("3").reason
    assert by_id("5").reason == (
        "No entry lists 5 (1.1.0, 01000100) as upgrade-from: no image may be installed on a "
        "meter running it. A site visit is needed."
    )


def test_incomplete_data_names_the_entry_to_ask_about() -> None:
    assert by_id("21").reason.startswith("No upgrade path to 22 over the known data")


def test_a_device_of_another_model_than_the_target_is_told_so() -> None:
    explained = by_id("21", target="2")
    assert explained.reason.startswith(
        f"Device model {DeviceModel(*OTHER_MODEL)} is not the target's model "
        f"{DeviceModel(*MODEL)} (target 2)"
    )
    assert explained.target_version_name == "1.1.0"


def test_two_builds_of_a_version_are_ambiguous_with_their_ids() -> None:
    explained = by_model(*MODEL, ID_HEX)
    assert explained.reason == (
        f"Firmware 1.1.0 ({ID_HEX}) of device model {DeviceModel(*MODEL)} is two builds "
        "(2, 5): give manufacturer_image_hash to pick one."
    )
    assert explained.current_version_name == "1.1.0"
    assert explained.target_version_name == "1.3.0"
    assert explained.manufacturer_id == MODEL[0]


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        (FirmwareGiven(True, "99999"), "No CPL entry has ID 99999."),
        (FirmwareGiven(True, "  "), "The row gives no CPL Entry ID."),
        (
            FirmwareGiven(True, "bad id!"),
            "The row's CPL Entry ID 'bad id!' is not valid: it must be 1-64 letters, digits, "
            "'.', '_', '/' or '-', starting with a letter or digit.",
        ),
        (
            FirmwareGiven(False, "", "1a2b", "0001", "0002", "01000500"),
            "Device model 1A2B/0001/0002 has no firmware 01000500 on the CPL.",
        ),
        (
            FirmwareGiven(False, "", "1A2B", "0009", "0002", "01000000"),
            "Device model 1A2B/0009/0002 is not on the CPL.",
        ),
        (
            FirmwareGiven(False, "", "XYZ", "0001", "0002", "0100"),
            "The row's manufacturer_id 'XYZ' must be 4 hexadecimal digits; firmware_version "
            "'0100' must be 8 hexadecimal digits.",
        ),
        (
            FirmwareGiven(False, "", "1A2B", "", "0002", " "),
            "The row gives no model_id, firmware_version.",
        ),
        (
            FirmwareGiven(False, "", "1A2B", "0001", "0002", "01000000", sha("nothing")),
            f"No build of firmware 1.0.0 (01000000) of device model 1A2B/0001/0002 has image "
            f"hash {sha('nothing')[:12]}...: the CPL has 1 (hash {sha('1')[:12]}).",
        ),
    ],
)
def test_unknown_firmware_says_what_the_row_gave(given: FirmwareGiven, reason: str) -> None:
    planner = explainer()
    match = planner.planner.index.resolve(given)
    assert planner.planner.for_match(match).status is DeviceStatus.UNKNOWN_FIRMWARE
    assert planner.explain(match, given).reason == reason


def test_a_long_value_given_is_cut_in_the_reason() -> None:
    reason = by_id("x" * 500 + "!").reason
    assert len(reason) < 250 and "..." in reason


def test_unknown_firmware_of_a_valid_manufacturer_keeps_its_id_for_the_contact() -> None:
    assert by_model("1a2b", "0001", "0002", "0F000000").manufacturer_id == "1A2B"
    assert by_model("ZZZZ", "0001", "0002", "0F000000").manufacturer_id is None
    assert by_id("99999").manufacturer_id is None


def test_a_device_model_is_named_by_manufacturer_and_model_name() -> None:
    model = DeviceModel(*MODEL)
    assert device_model_label(model, ENTRIES[:5]) == f"Halden Meters Smart Meter X ({model})"
    assert device_model_label(DeviceModel(*OTHER_MODEL), ENTRIES[5:]) == str(
        DeviceModel(*OTHER_MODEL)
    )


def test_the_newest_named_entry_names_the_model() -> None:
    renamed = dataclasses.replace(ENTRIES[3], model_name="Smart Meter X2")
    model = DeviceModel(*MODEL)
    assert device_model_label(model, [*ENTRIES[:3], renamed]) == (
        f"Halden Meters Smart Meter X2 ({model})"
    )


def test_a_removed_target_is_a_warning_and_an_active_one_is_not() -> None:
    index = FirmwareIndex(ENTRIES)
    assert FleetPlanner(index, "2").warnings == []
    assert FleetPlanner(index).warnings == []
    (warning,) = FleetPlanner(index, "3").warnings
    assert warning.startswith("target 3 (1.2.0, 01000200) is removed from the CPL")


def test_an_explanation_is_worked_out_once_per_entry() -> None:
    planner = explainer()
    given = FirmwareGiven(True, "1")
    match = planner.planner.index.resolve(given)
    first = planner.explain(match, given)
    assert planner.explain(match, FirmwareGiven(False, "", *MODEL, "01000000")) is first
