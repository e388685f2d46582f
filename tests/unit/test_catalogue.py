"""The generated demo CPL: big, varied, deterministic, and within every rule."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firpath.domain import values
from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.record import entry_from_record, entry_to_record
from firpath.domain.rules import check_catalogue, check_entry, check_unique_ids
from firpath.domain.upgrade_from import UpgradeFrom, UpgradeFromKind
from firpath.domain.values import IN_SCOPE_DEVICE_TYPES, EntryStatus
from firpath.samples.catalogue import NEW_FIELDS_FROM, Catalogue, Pattern, demo_catalogue

SEED = 231
NA_KIND = UpgradeFromKind.NOT_APPLICABLE


@pytest.fixture(scope="module")
def demo() -> Catalogue:
    return demo_catalogue(1600, SEED)


def rule_defects(catalogue: Catalogue) -> list[str]:
    """Every rule defect of the catalogue, described (empty when it meets every rule)."""
    entries = {e.cpl_entry_id: e for e in catalogue.entries}
    defects = check_unique_ids(list(enumerate((e.cpl_entry_id for e in catalogue.entries), 1)))
    defects += check_catalogue(entries)
    for e in catalogue.entries:
        defects += check_entry(e)
    return [d.describe() for d in defects]


def by_model(entries: list[CplEntry]) -> dict[DeviceModel, list[CplEntry]]:
    """Each device model's entries, lowest firmware version first."""
    models: dict[DeviceModel, list[CplEntry]] = defaultdict(list)
    for e in sorted(entries, key=lambda e: (e.firmware_number, e.cpl_entry_id)):
        models[e.device_model].append(e)
    return models


def fully_stated(entries: list[CplEntry]) -> bool:
    return all(e.upgrade_from.is_known for e in entries)


def test_demo_catalogue_meets_every_rule(demo: Catalogue) -> None:
    assert rule_defects(demo) == []


def test_demo_entries_added_since_the_new_fields_pass_as_new_submissions(demo: Catalogue) -> None:
    recent = [e for e in demo.entries if e.date_added and e.date_added >= NEW_FIELDS_FROM]
    assert len(recent) >= 100
    assert [d.describe() for e in recent for d in check_entry(e, new_submission=True)] == []


def test_demo_catalogue_is_large(demo: Catalogue) -> None:
    assert len(demo.entries) >= 1_600
    assert len({e.cpl_entry_id for e in demo.entries}) == len(demo.entries)


def test_demo_catalogue_has_at_least_ten_manufacturers_with_contacts(demo: Catalogue) -> None:
    assert len({e.manufacturer_id for e in demo.entries}) >= 10
    makers = {m.manufacturer_id: m for m in demo.manufacturers}
    assert len(makers) >= 10
    for e in demo.entries:
        assert makers[e.manufacturer_id].manufacturer_name == e.manufacturer_name
    for m in demo.manufacturers:
        assert m.contact_name and m.contact_email and m.contact_phone


def test_demo_catalogue_has_every_in_scope_device_type(demo: Catalogue) -> None:
    present = {e.device_type for e in demo.entries}
    assert present >= IN_SCOPE_DEVICE_TYPES
    assert any(not t.in_scope for t in present)


def test_demo_ids_are_already_normalised(demo: Catalogue) -> None:
    for e in demo.entries:
        assert values.cpl_entry_id(e.cpl_entry_id) == e.cpl_entry_id
        assert values.manufacturer_id(e.manufacturer_id) == e.manufacturer_id
        assert values.model_id(e.model_id) == e.model_id
        assert values.hardware_version(e.hardware_version) == e.hardware_version
        assert values.firmware_version(e.firmware_version) == e.firmware_version
        assert values.image_hash(e.manufacturer_image_hash) == e.manufacturer_image_hash


def test_demo_catalogue_has_every_pattern(demo: Catalogue) -> None:
    assert set(demo.patterns.values()) == set(Pattern)
    assert set(demo.patterns) == {e.device_model for e in demo.entries}


def test_demo_chain_models_upgrade_from_one_or_two_versions_before(demo: Catalogue) -> None:
    for model, entries in by_model(demo.entries).items():
        if demo.patterns[model] is not Pattern.CHAIN:
            continue
        versions = sorted({e.firmware_number for e in entries})
        number = {e.cpl_entry_id: e.firmware_number for e in entries}
        for e in entries:
            if e.upgrade_from.kind is not UpgradeFromKind.IDS:
                continue
            below = [v for v in versions if v < e.firmware_number]
            named = {number[i] for i in e.upgrade_from.ids}
            assert below[-1] in named, e.cpl_entry_id
            assert named <= set(below[-2:]), e.cpl_entry_id


def test_demo_any_earlier_models_upgrade_from_every_earlier_entry(demo: Catalogue) -> None:
    for model, entries in by_model(demo.entries).items():
        if demo.patterns[model] is not Pattern.ANY_EARLIER:
            continue
        for e in entries:
            if e.upgrade_from.kind is UpgradeFromKind.IDS:
                earlier = {x.cpl_entry_id for x in entries if x.firmware_number < e.firmware_number}
                assert set(e.upgrade_from.ids) == earlier, e.cpl_entry_id


def test_demo_stepping_stone_models_route_later_versions_through_an_active_stone(
    demo: Catalogue,
) -> None:
    shown = 0
    for model, entries in by_model(demo.entries).items():
        if demo.patterns[model] is not Pattern.STEPPING_STONE or not fully_stated(entries):
            continue
        latest = entries[-1]
        named = [x for x in entries if x.cpl_entry_id in latest.upgrade_from.ids]
        stone = min(x.firmware_number for x in named)
        assert entries[0] not in named
        assert all(x.is_active for x in entries if x.firmware_number == stone)
        assert {x.cpl_entry_id for x in named} == {
            x.cpl_entry_id for x in entries if stone <= x.firmware_number < latest.firmware_number
        }
        shown += 1
    assert shown >= 1


def rebased_models(demo: Catalogue) -> list[tuple[list[CplEntry], int]]:
    """Each fully stated re-based model's entries with the firmware number of its new base."""
    found = []
    for model, entries in by_model(demo.entries).items():
        if demo.patterns[model] is not Pattern.REBASED or not fully_stated(entries):
            continue
        bases = {e.firmware_number for e in entries[1:] if e.upgrade_from.kind is NA_KIND}
        assert len(bases) == 1, model  # one version (maybe built twice) past the first
        found.append((entries, bases.pop()))
    return found


def test_demo_rebased_models_have_a_new_base_past_their_first_release(demo: Catalogue) -> None:
    assert len(rebased_models(demo)) >= 1


def test_demo_rebased_models_let_no_older_device_follow_past_the_new_base(
    demo: Catalogue,
) -> None:
    crossing = []
    for entries, base in rebased_models(demo):
        number = {e.cpl_entry_id: e.firmware_number for e in entries}
        crossing += [
            e.cpl_entry_id
            for e in entries
            if e.firmware_number > base and any(number[i] < base for i in e.upgrade_from.ids)
        ]
    assert crossing == []


def test_demo_upgrades_always_go_to_a_higher_firmware_version(demo: Catalogue) -> None:
    entries = {e.cpl_entry_id: e for e in demo.entries}
    for e in demo.entries:
        for source in e.upgrade_from.ids:
            assert entries[source].firmware_number < e.firmware_number


def test_demo_catalogue_has_removed_entries(demo: Catalogue) -> None:
    removed = [e for e in demo.entries if e.status is EntryStatus.REMOVED]
    assert 10 <= len(removed) < len(demo.entries) // 4


def test_demo_catalogue_has_a_firmware_version_built_twice(demo: Catalogue) -> None:
    hashes: dict[tuple[DeviceModel, str], set[str]] = defaultdict(set)
    for e in demo.entries:
        hashes[(e.device_model, e.firmware_version)].add(e.manufacturer_image_hash)
    assert any(len(h) == 2 for h in hashes.values())


def test_demo_catalogue_has_na_entries_beyond_first_releases(demo: Catalogue) -> None:
    na = [e for e in demo.entries if e.upgrade_from == UpgradeFrom.NOT_APPLICABLE]
    assert len(na) >= 10
    lowest = {m: entries[0].firmware_number for m, entries in by_model(demo.entries).items()}
    assert any(e.firmware_number > lowest[e.device_model] for e in na)


def test_demo_catalogue_has_legacy_entries_with_nothing_new_provided(demo: Catalogue) -> None:
    unknown = [e for e in demo.entries if e.upgrade_from == UpgradeFrom.UNKNOWN]
    assert len(unknown) >= 100
    assert all(e.zigbee_chipset_vendor is None for e in unknown)
    assert all(e.zigbee_stack_version is None for e in unknown)
    assert all(e.date_added and e.date_added < NEW_FIELDS_FROM for e in unknown)
    assert any(e.zigbee_band is None for e in unknown)
    assert any(
        e.device_type.in_scope
        and e.missing_new_fields
        == (
            "upgrade_from",
            "zigbee_chipset_vendor",
            "zigbee_stack_version",
            "zigbee_band",
        )
        for e in unknown
    )


def test_demo_entries_round_trip_through_records(demo: Catalogue) -> None:
    for row, e in enumerate(demo.entries, start=2):
        parsed, defects = entry_from_record(entry_to_record(e), row)
        assert defects == []
        assert parsed == e


def test_same_seed_gives_the_same_catalogue(demo: Catalogue) -> None:
    again = demo_catalogue(1600, SEED)
    assert again == demo
    assert [entry_to_record(e) for e in again.entries] == [entry_to_record(e) for e in demo.entries]


def test_a_different_seed_gives_a_different_catalogue(demo: Catalogue) -> None:
    other = demo_catalogue(1600, SEED + 1)
    assert other.entries != demo.entries
    assert {e.manufacturer_image_hash for e in other.entries}.isdisjoint(
        {e.manufacturer_image_hash for e in demo.entries}
    )


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(60, 400))
def test_any_seed_and_size_gives_a_catalogue_within_every_rule(seed: int, size: int) -> None:
    generated = demo_catalogue(size, seed)
    assert len(generated.entries) >= size
    assert rule_defects(generated) == []
