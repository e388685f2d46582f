"""The rules every CPL entry must meet (DESIGN section 3), each fed bad data and good data."""

from __future__ import annotations

import dataclasses
import hashlib

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firpath.domain.band import ZigbeeBand
from firpath.domain.entry import CplEntry
from firpath.domain.errors import Defect
from firpath.domain.rules import check_catalogue, check_entry, check_unique_ids, find_cycles
from firpath.domain.upgrade_from import UpgradeFrom, parse_upgrade_from
from firpath.domain.values import DeviceType, EntryStatus

MODEL = ("1A2B", "0001", "0002")
SAME = "01000000"  # one firmware version for every entry of a loop: only the loop is wrong
OTHER_MODEL = ("1A2B", "0001", "0003")
ALL_NEW_FIELDS = ("upgrade_from", "zigbee_chipset_vendor", "zigbee_stack_version", "zigbee_band")
IN_SCOPE = [
    DeviceType.ESME,
    DeviceType.GSME,
    DeviceType.CH,
    DeviceType.PPMID,
    DeviceType.HCALCS,
    DeviceType.SAPC,
]
OUT_OF_SCOPE = [DeviceType.IHD, DeviceType.GPF, DeviceType.CAD, DeviceType.ALT_HAN]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest().upper()


def entry(
    eid: str,
    upgrade_from: str = "",
    *,
    model: tuple[str, str, str] = MODEL,
    version: str | None = None,
    image_hash: str | None = None,
    device_type: DeviceType = DeviceType.ESME,
    status: EntryStatus = EntryStatus.ACTIVE,
    vendor: str | None = None,
    stack: str | None = None,
    band: ZigbeeBand | None = None,
) -> CplEntry:
    """An entry of `model`; `upgrade_from` in the file form (IDs, `N/A`, or empty = unknown)."""
    manufacturer, model_id, hardware = model
    return CplEntry(
        cpl_entry_id=eid,
        device_type=device_type,
        manufacturer_id=manufacturer,
        model_id=model_id,
        hardware_version=hardware,
        # numeric IDs in order are versions in order (upgrade from names earlier firmware)
        firmware_version=version
        or (f"{int(eid):08X}" if eid.isdigit() else f"{int(sha(eid)[:6], 16):08X}"),
        manufacturer_image_hash=image_hash or sha(eid),
        status=status,
        upgrade_from=parse_upgrade_from(upgrade_from),
        zigbee_chipset_vendor=vendor,
        zigbee_stack_version=stack,
        zigbee_band=band,
    )


def submission(device_type: DeviceType = DeviceType.ESME, **changes: object) -> CplEntry:
    """A new submission stating all four new fields, with `changes` applied."""
    fields: dict[str, object] = {
        "upgrade_from": "N/A",
        "vendor": "Silicon Labs",
        "stack": "EmberZNet 7.2.1",
        "band": ZigbeeBand.ONLY_2_4GHZ,
    }
    fields.update(changes)
    return entry("20001", device_type=device_type, **fields)  # type: ignore[arg-type]


def catalogue(*entries: CplEntry) -> dict[str, CplEntry]:
    return {e.cpl_entry_id: e for e in entries}


# Rule 1: CPL Entry ID unique


def test_a_cpl_entry_id_used_twice_is_refused_naming_the_first_row() -> None:
    defects = check_unique_ids([(2, "10001"), (3, "10002"), (4, "10001"), (7, "10001")])
    assert defects == [
        Defect("CPL Entry ID already used on row 2", 4, "cpl_entry_id", "10001", "10001"),
        Defect("CPL Entry ID already used on row 2", 7, "cpl_entry_id", "10001", "10001"),
    ]


def test_distinct_cpl_entry_ids_are_accepted() -> None:
    assert check_unique_ids([(2, "10001"), (3, "10002"), (4, "A-10001")]) == []


# Rule 2: upgrade-from IDs exist, are of the same device model, and are not the entry itself


def test_upgrade_from_naming_a_missing_entry_is_refused() -> None:
    entries = catalogue(entry("10002", "10001"))
    assert check_catalogue(entries, {"10002": 5}) == [
        Defect(
            "upgrade_from names 10001, which is not on the CPL nor in this input "
            "(upgrade_from lists CPL Entry IDs, or N/A)",
            row=5,
            field="upgrade_from",
            entry_id="10002",
            value="10001",
        )
    ]


def test_each_missing_upgrade_from_id_is_reported_on_its_own() -> None:
    entries = catalogue(entry("10001", "N/A"), entry("10004", "10001;10002;10003"))
    defects = check_catalogue(entries)
    assert [(d.entry_id, d.value, d.row) for d in defects] == [
        ("10004", "10002", None),
        ("10004", "10003", None),
    ]


def test_upgrade_from_naming_an_entry_of_another_device_model_is_refused() -> None:
    entries = catalogue(
        entry("10001", "N/A", model=OTHER_MODEL),
        entry("10002", "10001"),
    )
    defects = check_catalogue(entries, {"10001": 2, "10002": 3})
    assert len(defects) == 1
    assert defects[0].row == 3
    assert defects[0].field == "upgrade_from"
    assert defects[0].entry_id == "10002"
    assert defects[0].value == "10001"
    assert defects[0].message == (
        "upgrade_from names 10001 of device model 1A2B/0001/0003, but 10002 is device model "
        "1A2B/0001/0002: firmware never changes hardware"
    )


@pytest.mark.parametrize(
    "other",
    [("FFFF", "0001", "0002"), ("1A2B", "0009", "0002"), ("1A2B", "0001", "0009")],
    ids=["manufacturer", "model", "hardware"],
)
def test_any_part_of_the_device_model_differing_makes_another_model(
    other: tuple[str, str, str],
) -> None:
    entries = catalogue(entry("10001", "N/A", model=other), entry("10002", "10001"))
    assert [d.value for d in check_catalogue(entries)] == ["10001"]


def test_upgrade_from_naming_the_entry_itself_is_refused() -> None:
    itself = entry("10002", "10001;10002")
    assert check_entry(itself, row=8) == [
        Defect("an entry cannot be upgraded from itself", 8, "upgrade_from", "10002", "10002")
    ]


def test_upgrade_from_itself_is_reported_once_not_again_by_the_catalogue_check() -> None:
    entries = catalogue(entry("10001", "N/A"), entry("10002", "10001;10002"))
    assert check_catalogue(entries) == []


def test_upgrade_from_a_row_that_failed_parsing_is_not_reported_again() -> None:
    entries = catalogue(entry("10003", "10001;10002"))
    defects = check_catalogue(entries, {"10003": 4}, unresolved={"10001"})
    assert [d.value for d in defects] == ["10002"]


def test_upgrade_from_entries_of_the_same_model_is_accepted_even_if_removed() -> None:
    entries = catalogue(
        entry("10001", "N/A", status=EntryStatus.REMOVED),
        entry("10002", "10001"),
        entry("10003", "10001;10002"),
    )
    assert check_catalogue(entries) == []


# Rule 3: no cycle in the upgrade graph of a device model


def test_a_two_entry_upgrade_cycle_is_refused_with_its_ids() -> None:
    entries = catalogue(
        entry("10001", "10002", version=SAME), entry("10002", "10001", version=SAME)
    )
    defects = check_catalogue(entries, {"10001": 2, "10002": 3})
    assert defects == [
        Defect(
            "upgrade cycle: 10001 -> 10002 -> 10001 (an upgrade graph must not loop)",
            row=2,
            field="upgrade_from",
            entry_id="10001",
            value="10002",
        )
    ]


def test_a_three_entry_upgrade_cycle_is_refused_with_its_ids_in_upgrade_order() -> None:
    entries = catalogue(
        entry("10000", "N/A", version=SAME),
        entry("10001", "10000;10003", version=SAME),
        entry("10002", "10001", version=SAME),
        entry("10003", "10002", version=SAME),
        entry("10004", "10003", version=SAME),
    )
    defects = check_catalogue(entries, {"10003": 4, "10002": 6, "10001": 9})
    assert len(defects) == 1
    assert defects[0].message == (
        "upgrade cycle: 10001 -> 10002 -> 10003 -> 10001 (an upgrade graph must not loop)"
    )
    # reported on the earliest input row of the cycle
    assert (defects[0].row, defects[0].entry_id, defects[0].value) == (4, "10003", "10002")


def test_a_cycle_among_stored_entries_is_reported_on_its_first_id() -> None:
    entries = catalogue(entry("B", "C", version=SAME), entry("C", "B", version=SAME))
    (defect,) = check_catalogue(entries)
    assert defect.row is None
    assert defect.entry_id == "B"
    assert "B -> C -> B" in defect.message


def test_each_looping_group_is_reported_once() -> None:
    entries = catalogue(
        entry("1", "2", version=SAME),
        entry("2", "1", version=SAME),
        entry("7", "9", model=OTHER_MODEL, version=SAME),
        entry("8", "7", model=OTHER_MODEL, version=SAME),
        entry("9", "8", model=OTHER_MODEL, version=SAME),
    )
    cycles = find_cycles(entries)
    assert sorted(sorted(c) for c in cycles) == [["1", "2"], ["7", "8", "9"]]
    assert len(check_catalogue(entries)) == 2


def test_branches_that_join_again_are_not_a_cycle() -> None:
    entries = catalogue(
        entry("1", "N/A"),
        entry("2", "1"),
        entry("3", "1"),
        entry("4", "2;3;1"),
        entry("5", "4;2"),
    )
    assert find_cycles(entries) == []
    assert check_catalogue(entries) == []


@pytest.mark.parametrize("length", [1_500, 5_000])
def test_a_long_upgrade_chain_has_no_defect_and_no_recursion_limit(length: int) -> None:
    chain = [entry("1", "N/A")] + [entry(str(i), str(i - 1)) for i in range(2, length + 1)]
    entries = catalogue(*chain)
    assert find_cycles(entries) == []
    assert check_catalogue(entries) == []


def test_a_long_upgrade_chain_closed_into_a_loop_is_one_cycle() -> None:
    length = 5_000
    chain = [entry("1", str(length), version=SAME)] + [
        entry(str(i), str(i - 1), version=SAME) for i in range(2, length + 1)
    ]
    (defect,) = check_catalogue(catalogue(*chain))
    assert defect.message.startswith("upgrade cycle: 1 -> 2 -> 3 -> 4 -> ")
    assert defect.message.count(" -> ") == length
    assert f"-> {length} -> 1 (" in defect.message


def test_a_long_chain_in_upgrade_order_of_many_sources_has_no_cycle() -> None:
    # every entry upgrades from all earlier ones: a dense graph with no loop
    entries = catalogue(
        entry("1", "N/A"), *(entry(str(i), ";".join(map(str, range(1, i)))) for i in range(2, 80))
    )
    assert check_catalogue(entries) == []


@settings(max_examples=200, deadline=None)
@given(
    edges=st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 7)).filter(lambda e: e[0] != e[1]),
        max_size=20,
    )
)
def test_cycles_are_found_exactly_when_the_graph_loops(edges: list[tuple[int, int]]) -> None:
    """Checked against networkx: one real cycle per strongly connected group of two or more."""
    sources: dict[str, list[str]] = {str(n): [] for n in range(8)}
    for source, target in edges:
        sources[str(target)].append(str(source))
    entries = catalogue(*(entry(eid, ";".join(refs)) for eid, refs in sources.items()))
    graph = nx.DiGraph()
    graph.add_nodes_from(sources)
    graph.add_edges_from((str(s), str(t)) for s, t in edges)
    groups = [g for g in nx.strongly_connected_components(graph) if len(g) > 1]

    cycles = find_cycles(entries)

    assert len(cycles) == len(groups)
    for cycle in cycles:
        assert len(set(cycle)) == len(cycle) >= 2
        assert any(set(cycle) <= group for group in groups)
        for here, after in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
            assert graph.has_edge(here, after)


# Rule 4: no two entries share device model + firmware version + hash


def test_two_entries_sharing_device_model_version_and_hash_are_refused() -> None:
    build = {"version": "01020A03", "image_hash": sha("build")}
    entries = catalogue(entry("10001", "N/A", **build), entry("10002", "N/A", **build))
    assert check_catalogue(entries, {"10001": 2, "10002": 3}) == [
        Defect(
            "same device model, firmware version and hash as 10001 (row 2)",
            row=3,
            field="manufacturer_image_hash",
            entry_id="10002",
            value=sha("build"),
        )
    ]


def test_a_repeated_build_of_a_stored_entry_names_it_without_a_row() -> None:
    build = {"version": "01020A03", "image_hash": sha("build")}
    entries = catalogue(entry("10001", "N/A", **build), entry("10002", "N/A", **build))
    (defect,) = check_catalogue(entries, {"10002": 3})
    assert defect.message == "same device model, firmware version and hash as 10001"


def test_same_firmware_version_with_a_different_hash_is_accepted() -> None:
    entries = catalogue(
        entry("10001", "N/A", version="01020A03", image_hash=sha("first build")),
        entry("10002", "N/A", version="01020A03", image_hash=sha("second build")),
    )
    assert check_catalogue(entries) == []


def test_same_version_and_hash_on_another_device_model_is_accepted() -> None:
    build = {"version": "01020A03", "image_hash": sha("build")}
    entries = catalogue(
        entry("10001", "N/A", **build), entry("10002", "N/A", model=OTHER_MODEL, **build)
    )
    assert check_catalogue(entries) == []


def test_same_hash_with_a_different_version_is_accepted() -> None:
    entries = catalogue(
        entry("10001", "N/A", version="01020A03", image_hash=sha("build")),
        entry("10002", "N/A", version="01020A04", image_hash=sha("build")),
    )
    assert check_catalogue(entries) == []


# Rule 5: Dual Band only on a Communications Hub


@pytest.mark.parametrize("device_type", [t for t in DeviceType if t is not DeviceType.CH])
def test_dual_band_on_a_device_that_is_not_a_hub_is_refused(device_type: DeviceType) -> None:
    meter = entry("10001", "N/A", device_type=device_type, band=ZigbeeBand.DUAL_BAND)
    assert check_entry(meter, row=6) == [
        Defect(
            "Dual Band (both bands at once) is only for Communications Hubs (CH), "
            f"not {device_type.value}",
            6,
            "zigbee_band",
            "10001",
            "DUAL_BAND",
        )
    ]


def test_dual_band_on_a_communications_hub_is_accepted() -> None:
    hub = entry("10001", "N/A", device_type=DeviceType.CH, band=ZigbeeBand.DUAL_BAND)
    assert check_entry(hub) == []
    assert (
        check_entry(submission(DeviceType.CH, band=ZigbeeBand.DUAL_BAND), new_submission=True) == []
    )


def test_legacy_multi_mac_unstated_on_a_meter_is_not_a_dual_band_defect() -> None:
    meter = entry("10001", band=ZigbeeBand.MULTI_MAC_UNSTATED)
    assert check_entry(meter) == []


# Rule 6: a new submission of an in-scope type gives all four new fields


@pytest.mark.parametrize("device_type", IN_SCOPE)
def test_new_submission_stating_all_four_fields_is_accepted(device_type: DeviceType) -> None:
    assert check_entry(submission(device_type), new_submission=True) == []
    with_ids = submission(device_type, upgrade_from="10001;10002")
    assert check_entry(with_ids, new_submission=True) == []


@pytest.mark.parametrize("device_type", IN_SCOPE)
def test_new_submission_of_an_in_scope_type_lists_every_missing_new_field(
    device_type: DeviceType,
) -> None:
    bare = entry("20001", device_type=device_type)
    defects = check_entry(bare, row=12, new_submission=True)
    assert [d.field for d in defects] == list(ALL_NEW_FIELDS)
    assert all(d.row == 12 and d.entry_id == "20001" for d in defects)
    assert all(d.message.endswith(f"for device type {device_type.value}") for d in defects)


def test_new_submission_with_unknown_upgrade_from_is_refused() -> None:
    (defect,) = check_entry(submission(upgrade_from=""), row=3, new_submission=True)
    assert defect == Defect(
        "must give the CPL Entry IDs it upgrades from, or N/A for device type ESME",
        3,
        "upgrade_from",
        "20001",
        "",
    )


@pytest.mark.parametrize(
    ("missing", "field"),
    [
        ({"vendor": None}, "zigbee_chipset_vendor"),
        ({"stack": None}, "zigbee_stack_version"),
        ({"band": None}, "zigbee_band"),
    ],
)
def test_new_submission_missing_a_zigbee_field_is_refused(
    missing: dict[str, object], field: str
) -> None:
    (defect,) = check_entry(submission(DeviceType.GSME, **missing), new_submission=True)
    assert defect.field == field
    assert defect.message == "is required on a new submission for device type GSME"


def test_new_submission_with_legacy_unstated_band_counts_as_missing() -> None:
    legacy = submission(band=ZigbeeBand.MULTI_MAC_UNSTATED)
    (defect,) = check_entry(legacy, new_submission=True)
    assert defect.field == "zigbee_band"
    assert defect.value == "MULTI_MAC_UNSTATED"
    assert defect.message == (
        "must state the join option (legacy 'Dual Band' is not enough) for device type ESME"
    )


def test_na_upgrade_from_counts_as_given_on_a_new_submission() -> None:
    first_release = submission(upgrade_from="N/A")
    assert first_release.upgrade_from == UpgradeFrom.NOT_APPLICABLE
    assert check_entry(first_release, new_submission=True) == []


@pytest.mark.parametrize("device_type", OUT_OF_SCOPE)
def test_new_submission_of_an_out_of_scope_type_needs_no_new_field(
    device_type: DeviceType,
) -> None:
    bare = entry("20001", device_type=device_type, band=ZigbeeBand.MULTI_MAC_UNSTATED)
    assert check_entry(bare, new_submission=True) == []


@pytest.mark.parametrize("device_type", IN_SCOPE + OUT_OF_SCOPE)
def test_existing_entry_may_leave_the_new_fields_empty(device_type: DeviceType) -> None:
    existing = entry("10001", device_type=device_type, band=ZigbeeBand.MULTI_MAC_UNSTATED)
    assert check_entry(existing, new_submission=False) == []
    assert check_entry(existing) == []


def test_one_entry_breaking_several_rules_gets_every_defect() -> None:
    bad = entry("10001", "10001", band=ZigbeeBand.DUAL_BAND)
    defects = check_entry(bad, row=2, new_submission=True)
    assert [d.field for d in defects] == [
        "upgrade_from",
        "zigbee_band",
        "zigbee_chipset_vendor",
        "zigbee_stack_version",
    ]


@pytest.mark.parametrize("typed", ["N/A", "n/a", "Unknown", "-", "TBC", " none "])
@pytest.mark.parametrize("field", ["zigbee_chipset_vendor", "zigbee_stack_version"])
def test_a_dont_know_placeholder_is_not_a_zigbee_value_for_an_in_scope_device(
    typed: str, field: str
) -> None:
    bad = dataclasses.replace(entry("101", "N/A"), **{field: typed.strip()})
    [defect] = check_entry(bad, 7)
    assert (defect.row, defect.field, defect.entry_id) == (7, field, "101")
    assert "leave the cell empty" in defect.message
    ihd = dataclasses.replace(bad, device_type=DeviceType.IHD)
    assert check_entry(ihd) == []


def test_upgrade_from_naming_later_firmware_is_refused_naming_both_versions() -> None:
    entries = catalogue(
        entry("1", "N/A", version="01000000"),
        entry("2", "1;3", version="01020000"),
        entry("3", "1", version="01030000"),
    )
    (defect,) = check_catalogue(entries, {"2": 7})
    assert (defect.row, defect.field, defect.entry_id, defect.value) == (
        7,
        "upgrade_from",
        "2",
        "3",
    )
    assert "later than 2's own firmware 01020000" in defect.message
    assert "01030000" in defect.message


def test_upgrade_from_a_twin_build_of_the_same_version_is_accepted() -> None:
    entries = catalogue(
        entry("1", "N/A", version="01000000", image_hash=sha("a")),
        entry("2", "1", version="01000000", image_hash=sha("b")),
    )
    assert check_catalogue(entries) == []


def test_a_loop_across_versions_is_refused_as_later_firmware_and_as_a_cycle() -> None:
    entries = catalogue(entry("1", "2"), entry("2", "1"))
    messages = [d.message for d in check_catalogue(entries)]
    assert any("later than 1's own firmware" in m for m in messages)
    assert any(m.startswith("upgrade cycle: 1 -> 2 -> 1") for m in messages)


def test_an_entry_of_another_device_type_than_its_device_model_is_refused() -> None:
    entries = catalogue(
        entry("1", "N/A"),
        entry("2", "1"),
        entry("3", "2", device_type=DeviceType.GSME),
    )
    (defect,) = check_catalogue(entries, {"3": 4})
    assert (defect.row, defect.field, defect.entry_id, defect.value) == (
        4,
        "device_type",
        "3",
        "GSME",
    )
    assert "is ESME on the CPL (e.g. 1), not GSME" in defect.message


def test_a_stored_device_type_wins_over_a_file_of_many_entries_of_another() -> None:
    entries = catalogue(
        entry("1", "N/A"),
        entry("2", "1", device_type=DeviceType.GSME),
        entry("3", "2", device_type=DeviceType.GSME),
    )
    defects = check_catalogue(entries, {"2": 2, "3": 3})
    assert sorted(d.entry_id or "" for d in defects) == ["2", "3"]
