"""A fleet row may name its firmware by `firmware_version_name` (issue 8, item 3): matched
within the device model, trimmed and case ignored; the hex version decides when both are
given."""

from __future__ import annotations

import pytest

from firpath.domain.firmware_lookup import FirmwareGiven, FirmwareIndex, Resolution
from firpath.domain.fleet_plan import DeviceStatus, FleetPlanner
from firpath.domain.plan_explanation import PlanExplainer
from tests.unit.test_plan_explanation import ENTRIES, named
from tests.unit.test_rules import MODEL, OTHER_MODEL, entry, sha

# ENTRIES: 1 (1.0.0), 2 and 5 (two builds of 1.1.0), 3 (1.2.0, removed), 4 (1.3.0);
# 6 is a build named "Release 1.4 RC" in upper and lower case letters.
INDEX = FirmwareIndex([*ENTRIES, named(entry("6", "4", version="01000400"), "Release 1.4 RC")])


def by_name(name: str, model: tuple[str, str, str] = MODEL, image_hash: str = "") -> FirmwareGiven:
    return FirmwareGiven(False, "", *model, "", image_hash, name)


@pytest.mark.parametrize(
    ("given", "resolution", "entry_id"),
    [
        (by_name("1.0.0"), Resolution.FOUND, "1"),
        (by_name("  1.3.0 "), Resolution.FOUND, "4"),
        (by_name("release 1.4 rc"), Resolution.FOUND, "6"),
        (by_name("1.2.0"), Resolution.FOUND, "3"),  # a removed build is what a meter may run
        (by_name("1.1.0"), Resolution.AMBIGUOUS, None),  # two builds, no hash
        (by_name("1.1.0", image_hash=sha("other build")), Resolution.FOUND, "5"),
        (by_name("1.1.0", image_hash=sha("no such build")), Resolution.UNKNOWN_FIRMWARE, None),
        (by_name("9.9"), Resolution.UNKNOWN_FIRMWARE, None),
        (by_name("01000000"), Resolution.UNKNOWN_FIRMWARE, None),  # a name, not the hex
        (by_name("1.0.0", OTHER_MODEL), Resolution.UNKNOWN_FIRMWARE, None),  # another model's
        (by_name("1.0.0", ("XYZ", "0001", "0002")), Resolution.UNKNOWN_FIRMWARE, None),
        # both given: the hex version decides, even a malformed one
        (FirmwareGiven(False, "", *MODEL, "01000300", "", "1.0.0"), Resolution.FOUND, "4"),
        (FirmwareGiven(False, "", *MODEL, "zz", "", "1.0.0"), Resolution.UNKNOWN_FIRMWARE, None),
        (FirmwareGiven(False, "", *MODEL, " ", "", "1.0.0"), Resolution.FOUND, "1"),
    ],
)
def test_a_name_resolves_within_its_device_model(
    given: FirmwareGiven, resolution: Resolution, entry_id: str | None
) -> None:
    match = INDEX.resolve(given)
    assert match.resolution is resolution
    assert (match.entry.cpl_entry_id if match.entry else None) == entry_id


def test_two_builds_of_a_name_are_ambiguous_and_explained() -> None:
    planner = FleetPlanner(INDEX)
    given = by_name("1.1.0")
    match = INDEX.resolve(given)
    assert match.candidates == ("2", "5")
    plan = planner.for_match(match)
    assert plan.status is DeviceStatus.AMBIGUOUS and plan.target_entry_id == "6"  # the latest
    reason = PlanExplainer(planner).explain(match, given).reason
    assert reason.endswith("is two builds (2, 5): give manufacturer_image_hash to pick one.")


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        (by_name("9.9"), "Device model 1A2B/0001/0002 has no firmware named '9.9' on the CPL."),
        (
            by_name("1.0.0", ("1A2B", "0009", "0002")),
            "Device model 1A2B/0009/0002 is not on the CPL.",
        ),
        (by_name("1.0.0", ("1A2B", "", "0002")), "The row gives no model_id."),
        (FirmwareGiven(False, "", *MODEL), "The row gives no firmware_version."),
        (
            by_name("1.0.0", image_hash=sha("nothing")),
            f"No build of firmware 1.0.0 (01000000) of device model 1A2B/0001/0002 has image "
            f"hash {sha('nothing')[:12]}...: the CPL has 1 (hash {sha('1')[:12]}).",
        ),
    ],
)
def test_an_unknown_name_says_what_the_row_gave(given: FirmwareGiven, reason: str) -> None:
    explainer = PlanExplainer(FleetPlanner(INDEX))
    assert explainer.explain(INDEX.resolve(given), given).reason == reason
