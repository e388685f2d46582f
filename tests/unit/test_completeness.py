"""What an entry misses, and back-fill progress counted by manufacturer and by device type."""

from __future__ import annotations

import hashlib

import pytest

from firpath.domain.band import ZigbeeBand
from firpath.domain.completeness import (
    Grouping,
    Tally,
    misses,
    parse_missing_field,
    percent,
    tally_completeness,
)
from firpath.domain.entry import NEW_FIELDS, CplEntry
from firpath.domain.errors import FieldInvalid
from firpath.domain.upgrade_from import parse_upgrade_from
from firpath.domain.values import DeviceType, EntryStatus

OUT_OF_SCOPE = [DeviceType.IHD, DeviceType.GPF, DeviceType.CAD, DeviceType.ALT_HAN]


def entry(
    eid: str,
    upgrade_from: str = "",
    *,
    manufacturer: str = "1A2B",
    device_type: DeviceType = DeviceType.ESME,
    vendor: str | None = None,
    stack: str | None = None,
    band: ZigbeeBand | None = None,
) -> CplEntry:
    """An entry stating only what is given (`upgrade_from` in the file form)."""
    return CplEntry(
        cpl_entry_id=eid,
        device_type=device_type,
        manufacturer_id=manufacturer,
        model_id="0001",
        hardware_version="0002",
        firmware_version=f"{int(eid):08X}",
        manufacturer_image_hash=hashlib.sha256(eid.encode()).hexdigest().upper(),
        status=EntryStatus.ACTIVE,
        upgrade_from=parse_upgrade_from(upgrade_from),
        zigbee_chipset_vendor=vendor,
        zigbee_stack_version=stack,
        zigbee_band=band,
    )


def complete(eid: str, **changes: object) -> CplEntry:
    """An entry stating all four new fields, unless `changes` say otherwise."""
    fields: dict[str, object] = {
        "upgrade_from": "N/A",
        "vendor": "Silicon Labs",
        "stack": "EmberZNet 7.2.1",
        "band": ZigbeeBand.ONLY_2_4GHZ,
    }
    fields.update(changes)
    return entry(eid, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("stated", "missing"),
    [
        ({}, ()),
        ({"upgrade_from": ""}, ("upgrade_from",)),
        ({"upgrade_from": "7;8"}, ()),
        ({"vendor": None}, ("zigbee_chipset_vendor",)),
        ({"stack": None}, ("zigbee_stack_version",)),
        ({"band": None}, ("zigbee_band",)),
        ({"band": ZigbeeBand.MULTI_MAC_UNSTATED}, ("zigbee_band",)),
        ({"band": ZigbeeBand.MULTI_MAC_AUTO}, ()),
        ({"upgrade_from": "", "band": None}, ("upgrade_from", "zigbee_band")),
    ],
)
def test_an_in_scope_entry_misses_each_new_field_it_does_not_state(
    stated: dict[str, object], missing: tuple[str, ...]
) -> None:
    assert complete("1", **stated).missing_new_fields == missing


def test_n_a_is_a_stated_upgrade_from_not_a_missing_one() -> None:
    assert "upgrade_from" not in complete("1", upgrade_from="N/A").missing_new_fields


@pytest.mark.parametrize("device_type", OUT_OF_SCOPE)
def test_an_out_of_scope_entry_never_misses_anything(device_type: DeviceType) -> None:
    bare = entry("1", device_type=device_type, band=ZigbeeBand.MULTI_MAC_UNSTATED)
    assert bare.missing_new_fields == ()
    assert not any(misses(bare, field) for field in (*NEW_FIELDS, "any"))


def test_any_means_at_least_one_new_field_is_missing() -> None:
    assert misses(complete("1", stack=None), "any")
    assert misses(complete("1", stack=None), "zigbee_stack_version")
    assert not misses(complete("1", stack=None), "zigbee_band")
    assert not misses(complete("1"), "any")


@pytest.mark.parametrize(
    ("given", "parsed"),
    [
        ("upgrade_from", "upgrade_from"),
        (" ZigBee_Band ", "zigbee_band"),
        ("zigbee-chipset-vendor", "zigbee_chipset_vendor"),
        ("ANY", "any"),
    ],
)
def test_a_missing_filter_names_a_new_field_or_any(given: str, parsed: str) -> None:
    assert parse_missing_field(given) == parsed


@pytest.mark.parametrize("given", ["", "band", "notes", "all"])
def test_a_missing_filter_naming_anything_else_is_refused_with_the_choices(given: str) -> None:
    with pytest.raises(FieldInvalid) as raised:
        parse_missing_field(given)
    assert raised.value.field == "missing"
    assert "upgrade_from, zigbee_chipset_vendor, zigbee_stack_version, zigbee_band, any" in str(
        raised.value
    )


def small_catalogue() -> list[CplEntry]:
    """Two manufacturers: 1A2B has 3 ESME and 1 CH, 3C4D has 2 GSME, 1 IHD and 1 CAD."""
    return [
        complete("1"),  # 1A2B ESME, complete
        complete("2", upgrade_from="", band=ZigbeeBand.MULTI_MAC_UNSTATED),  # misses two
        entry("3"),  # misses all four
        complete("4", device_type=DeviceType.CH, band=ZigbeeBand.DUAL_BAND),  # complete
        complete("11", manufacturer="3C4D", device_type=DeviceType.GSME),
        complete("12", manufacturer="3C4D", device_type=DeviceType.GSME, vendor=None),
        entry("13", manufacturer="3C4D", device_type=DeviceType.IHD),  # not counted
        entry("14", manufacturer="3C4D", device_type=DeviceType.CAD),  # not counted
    ]


def test_completeness_by_manufacturer_counts_each_field_by_hand() -> None:
    report = tally_completeness(small_catalogue(), Grouping.MANUFACTURER)
    assert [g.key for g in report.groups] == ["1A2B", "3C4D"]
    first, second = (g.tally for g in report.groups)
    # upgrade_from, vendor, stack, band
    assert first == Tally(entries=4, provided=(2, 3, 3, 2), complete=2)
    assert second == Tally(entries=2, provided=(2, 1, 2, 2), complete=1)
    assert report.total == Tally(entries=6, provided=(4, 4, 5, 4), complete=3)
    assert report.out_of_scope == 2


def test_completeness_by_device_type_lists_in_scope_types_only_in_cpl_order() -> None:
    report = tally_completeness(small_catalogue(), Grouping.DEVICE_TYPE)
    assert [g.key for g in report.groups] == ["ESME", "GSME", "CH"]
    esme = report.groups[0].tally
    assert esme == Tally(entries=3, provided=(1, 2, 2, 1), complete=1)
    assert report.total == Tally(entries=6, provided=(4, 4, 5, 4), complete=3)


def test_shares_are_fractions_of_the_in_scope_entries() -> None:
    total = tally_completeness(small_catalogue(), Grouping.MANUFACTURER).total
    assert total.count("zigbee_stack_version") == 5
    assert total.share("zigbee_stack_version") == pytest.approx(5 / 6)
    assert total.share("upgrade_from") == pytest.approx(4 / 6)
    assert total.complete_share == pytest.approx(0.5)


def test_nothing_in_scope_has_no_shares_rather_than_a_division_by_zero() -> None:
    only_ihd = [entry("1", device_type=DeviceType.IHD)]
    report = tally_completeness(only_ihd, Grouping.DEVICE_TYPE)
    assert report.groups == ()
    assert report.total.entries == 0
    assert report.total.share("zigbee_band") is None and report.total.complete_share is None
    assert report.out_of_scope == 1


def test_worst_first_puts_the_least_complete_group_first() -> None:
    report = tally_completeness(small_catalogue(), Grouping.DEVICE_TYPE)
    # ESME 1 of 3 complete, GSME 1 of 2, CH 1 of 1
    assert [g.key for g in report.worst_first()] == ["ESME", "GSME", "CH"]


def test_worst_first_breaks_a_tie_on_complete_entries_by_the_fields_stated() -> None:
    # both half complete; 0000 states 7 of 8 fields, AAAA 4 of 8: AAAA first, though 0000 < AAAA
    more = [complete("1", manufacturer="0000"), complete("2", manufacturer="0000", vendor=None)]
    fewer = [complete("3", manufacturer="AAAA"), entry("4", manufacturer="AAAA")]
    report = tally_completeness([*more, *fewer], Grouping.MANUFACTURER)
    assert [g.tally.complete_share for g in report.groups] == [0.5, 0.5]
    assert [g.key for g in report.worst_first()] == ["AAAA", "0000"]


@pytest.mark.parametrize(
    ("count", "entries", "shown"),
    [
        (0, 0, "-"),
        (0, 7, "0%"),
        (1, 1000, "<1%"),
        (999, 1000, ">99%"),
        (7, 7, "100%"),
        (1, 3, "33%"),
    ],
)
def test_a_percentage_says_none_or_all_only_when_it_is(
    count: int, entries: int, shown: str
) -> None:
    assert percent(count, entries) == shown
