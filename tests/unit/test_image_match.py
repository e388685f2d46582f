"""Matching an image against the CPL (DESIGN section 9) and whether it is a meter's next step:
worked out in memory from a small CPL."""

from __future__ import annotations

from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.image_match import (
    ImageFacts,
    MatchStatus,
    hardware_warning,
    match_image,
    match_summary,
)
from firpath.domain.image_step import next_step
from firpath.domain.upgrade_graph import ModelGraph
from firpath.domain.values import EntryStatus
from tests.unit.test_rules import MODEL, OTHER_MODEL, entry, sha

# 1 -> 2 -> 4; 3 removed (from 2); 5 unknown upgrade from; 6 reuses 2's image on another model
ENTRIES = [
    entry("1", "N/A"),
    entry("2", "1"),
    entry("3", "2", status=EntryStatus.REMOVED),
    entry("4", "2"),
    entry("6", "N/A", model=OTHER_MODEL, version="00000002", image_hash=sha("2")),
]
BY_ID = {e.cpl_entry_id: e for e in ENTRIES}
GRAPH = ModelGraph(
    DeviceModel(*MODEL), [e for e in ENTRIES if e.device_model == DeviceModel(*MODEL)]
)


def facts_of(e: CplEntry, **changes: str) -> ImageFacts:
    values = {
        "manufacturer_id": e.manufacturer_id,
        "firmware_version": e.firmware_version,
        "manufacturer_image_hash": e.manufacturer_image_hash,
    } | changes
    return ImageFacts(**values)


def carriers(image_hash: str) -> list[CplEntry]:
    return [e for e in ENTRIES if e.manufacturer_image_hash == image_hash]


def test_an_image_agreeing_on_all_three_fields_matches_its_entry() -> None:
    facts = facts_of(BY_ID["4"])
    found = match_image(facts, carriers(facts.manufacturer_image_hash))
    assert found.status is MatchStatus.MATCH and found.entry == BY_ID["4"]
    assert found.problems == ()
    assert "This image is CPL entry 4" in match_summary(found, facts)


def test_a_known_hash_with_another_version_is_a_mismatch_naming_the_column_and_both_values() -> (
    None
):
    facts = facts_of(BY_ID["4"], firmware_version="00000009")
    found = match_image(facts, carriers(facts.manufacturer_image_hash))
    assert found.status is MatchStatus.MISMATCH and found.entry == BY_ID["4"]
    assert [(p.field, p.image, p.cpl) for p in found.problems] == [
        ("firmware_version", "00000009", "00000004")
    ]


def test_both_fields_wrong_are_both_named() -> None:
    facts = facts_of(BY_ID["4"], firmware_version="00000009", manufacturer_id="FFFF")
    found = match_image(facts, carriers(facts.manufacturer_image_hash))
    assert [p.field for p in found.problems] == ["manufacturer_id", "firmware_version"]
    summary = match_summary(found, facts)
    assert "manufacturer_id: image FFFF, CPL 1A2B" in summary and "Do not send it" in summary


def test_a_hash_on_no_entry_is_no_match_listing_the_entries_of_that_version() -> None:
    facts = facts_of(BY_ID["4"], manufacturer_image_hash=sha("a rebuilt image"))
    same = [e for e in ENTRIES if e.firmware_version == facts.firmware_version]
    found = match_image(facts, [], same)
    assert found.status is MatchStatus.NO_MATCH and found.entry is None
    assert found.same_version == (BY_ID["4"],)
    assert (
        "The CPL lists manufacturer 1A2B's firmware 00000004 for model 1A2B/0001/0002: 4 (hash"
        in match_summary(found, facts)
    )


def test_an_image_on_two_device_models_prefers_the_meters_model() -> None:
    shared = BY_ID["2"].manufacturer_image_hash
    facts = ImageFacts("1A2B", "00000002", shared)
    plain = match_image(facts, carriers(shared))
    assert plain.entry == BY_ID["2"] and plain.also_matching == (BY_ID["6"],)
    preferred = match_image(facts, carriers(shared), prefer_model=DeviceModel(*OTHER_MODEL))
    assert preferred.entry == BY_ID["6"] and preferred.also_matching == (BY_ID["2"],)


def test_the_next_step_is_said_when_the_image_may_be_installed_directly() -> None:
    step = next_step(BY_ID["2"], BY_ID["4"], GRAPH)
    assert step.is_next_step and step.next_entry == BY_ID["4"]


def test_an_image_two_steps_away_names_the_image_to_send_first() -> None:
    step = next_step(BY_ID["1"], BY_ID["4"], GRAPH)
    assert not step.is_next_step and step.next_entry == BY_ID["2"]
    assert "Send 2 (00000002) first" in step.reason and "step 2 of 2" in step.reason


def test_a_removed_image_is_never_the_next_step_and_the_way_to_latest_is_given() -> None:
    step = next_step(BY_ID["2"], BY_ID["3"], GRAPH)
    assert not step.is_next_step and "removed from the CPL" in step.reason
    assert step.next_entry == BY_ID["4"]


def test_the_meter_already_on_the_image_is_told_so() -> None:
    step = next_step(BY_ID["4"], BY_ID["4"], GRAPH)
    assert not step.is_next_step and step.next_entry is None
    assert "already runs" in step.reason


def test_an_image_of_another_device_model_is_refused_and_the_right_next_image_named() -> None:
    step = next_step(BY_ID["1"], BY_ID["6"], GRAPH)
    assert not step.is_next_step and "firmware never changes hardware" in step.reason
    assert step.next_entry == BY_ID["2"]


def test_no_matching_entry_gives_the_meters_next_image_towards_latest() -> None:
    step = next_step(BY_ID["1"], None, GRAPH)
    assert not step.is_next_step and step.next_entry == BY_ID["2"]
    assert "step 1 of 2 towards the latest version 00000004" in step.reason


def test_an_older_image_than_the_meter_runs_says_the_meter_is_past_it_not_site_visit() -> None:
    step = next_step(BY_ID["4"], BY_ID["2"], GRAPH)
    assert not step.is_next_step and step.next_entry is None
    assert "already at or past this image's version" in step.reason
    assert "site visit" not in step.reason.lower()


# a twin build 5 of 2's version that leads nowhere: 1 -> 5 is allowed, but 5 is a dead end
DEAD_END = [*ENTRIES[:4], entry("5", "1", version="00000002", image_hash=sha("twin"))]
DEAD_END_GRAPH = ModelGraph(DeviceModel(*MODEL), DEAD_END)


def test_a_direct_upgrade_to_a_dead_end_twin_is_not_the_next_step() -> None:
    step = next_step(DEAD_END[0], DEAD_END[4], DEAD_END_GRAPH)
    assert not step.is_next_step
    assert "could go no further" in step.reason
    assert step.next_entry is not None and step.next_entry.cpl_entry_id == "2"


def test_a_dead_end_is_still_the_next_step_when_no_route_goes_further() -> None:
    graph = ModelGraph(DeviceModel(*MODEL), [entry("1", "N/A"), entry("2", "1"), entry("3", "N/A")])
    step = next_step(graph.entries["1"], graph.entries["2"], graph)
    assert step.is_next_step  # 3 (latest) cannot be reached from anywhere: 2 is as good as any


def test_an_image_for_several_hardware_versions_prefers_the_one_its_header_allows() -> None:
    hw3 = entry("7", "N/A", model=OTHER_MODEL, version="00000004", image_hash=sha("4"))
    facts = facts_of(BY_ID["4"])
    plain = match_image(facts, [BY_ID["4"], hw3])
    assert plain.entry == BY_ID["4"]
    ranged = match_image(facts, [BY_ID["4"], hw3], hardware=(0x0003, 0x0003))
    assert ranged.entry == hw3 and ranged.also_matching == (BY_ID["4"],)


def test_a_header_hardware_range_leaving_out_the_entrys_hardware_is_warned_about() -> None:
    four = BY_ID["4"]  # hardware version 0002
    assert hardware_warning(four, None, None) is None
    assert hardware_warning(four, 0x0001, 0x0002) is None
    warning = hardware_warning(four, 0x0003, 0x0009)
    assert warning is not None and "0003 to 0009" in warning and "hardware version 0002" in warning
