"""Upgrade semantics (DESIGN section 4): paths, `latest`, resolving what a meter runs, and why.

Graphs are written one entry a line, `ID <- upgrade from`:

    "2 <- 1"      1 may be upgraded directly to 2 (the edge 1 -> 2)
    "3 <- 1;2"    1 or 2 may be upgraded directly to 3
    "1 <- N/A"    nothing may be upgraded to 1 (a first release or a new base)
    "4 <- ?"      upgrade from not provided (unknown)
    "(5) <- 4"    5 is removed from the CPL
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.firmware_lookup import FirmwareIndex, Resolution
from firpath.domain.path_explanation import blocking_entries, explain
from firpath.domain.upgrade_graph import ModelGraph, PathResult, PathStatus
from firpath.domain.values import EntryStatus
from tests.unit.test_rules import MODEL, OTHER_MODEL, entry, sha

UP_TO_DATE = PathStatus.UP_TO_DATE
OK = PathStatus.OK
INCOMPLETE = PathStatus.INCOMPLETE_DATA
NO_PATH = PathStatus.NO_PATH


def parse_line(line: str, version: str | None = None) -> CplEntry:
    """One entry from the `ID <- upgrade from` notation of this module."""
    left, right = (part.strip() for part in line.split("<-"))
    removed = left.startswith("(")
    eid = left.strip("()")
    upgrade_from = "" if right == "?" else right
    status = EntryStatus.REMOVED if removed else EntryStatus.ACTIVE
    return entry(eid, upgrade_from, status=status, version=version)


def model_graph(*lines: str) -> ModelGraph:
    """The upgrade graph of one device model written in the notation of this module."""
    return ModelGraph(DeviceModel(*MODEL), [parse_line(line) for line in lines])


def ids(entries: Sequence[CplEntry]) -> tuple[str, ...]:
    return tuple(e.cpl_entry_id for e in entries)


# plan_path: every status, as a table


CHAIN = ("1 <- N/A", "2 <- 1", "3 <- 2", "4 <- 3")

PATHS = [
    # up_to_date
    pytest.param(CHAIN, "2", "2", UP_TO_DATE, (), (), id="source-is-target"),
    pytest.param(
        ("1 <- N/A", "(2) <- 1", "3 <- 2"),
        "2",
        "2",
        UP_TO_DATE,
        (),
        (),
        id="removed-source-is-target",
    ),
    pytest.param(
        ("1 <- N/A", "2 <- ?"),
        "2",
        "2",
        UP_TO_DATE,
        (),
        (),
        id="source-is-target-with-unknown-data",
    ),
    # ok
    pytest.param(CHAIN, "3", "4", OK, ("4",), (), id="one-step"),
    pytest.param(
        CHAIN, "1", "4", OK, ("2", "3", "4"), (), id="steps-exclude-source-end-with-target"
    ),
    pytest.param(
        ("1 <- N/A", "2 <- 1", "3 <- 2", "4 <- 3", "5 <- 4;2"),
        "1",
        "5",
        OK,
        ("2", "5"),
        (),
        id="fewest-steps-when-a-longer-route-exists",
    ),
    pytest.param(
        ("3 <- N/A", "1 <- 3", "4 <- 3", "2 <- 4", "5 <- 1;2"),
        "3",
        "5",
        OK,
        ("1", "5"),
        (),
        id="fewest-steps-whichever-branch-has-the-larger-id",
    ),
    pytest.param(
        ("3 <- N/A", "2 <- 3", "4 <- 3", "1 <- 4", "5 <- 1;2"),
        "3",
        "5",
        OK,
        ("2", "5"),
        (),
        id="fewest-steps-whichever-branch-has-the-smaller-id",
    ),
    pytest.param(
        ("1 <- N/A", "2 <- 1", "3 <- 2", "4 <- 3;1"),
        "1",
        "4",
        OK,
        ("4",),
        (),
        id="direct-upgrade-beats-chain",
    ),
    pytest.param(
        ("(1) <- N/A", "2 <- 1", "3 <- 2"), "1", "3", OK, ("2", "3"), (), id="removed-source-starts"
    ),
    pytest.param(
        ("1 <- N/A", "2 <- ?", "3 <- 1;2"),
        "1",
        "3",
        OK,
        ("3",),
        (),
        id="unknown-data-elsewhere-does-not-matter-when-a-path-exists",
    ),
    pytest.param(
        ("1 <- N/A", "2 <- 1;999", "3 <- 2;X-404"),
        "1",
        "3",
        OK,
        ("2", "3"),
        (),
        id="ids-not-in-the-graph-are-ignored",
    ),
    # a removed entry is never a step
    pytest.param(
        ("1 <- N/A", "(2) <- 1", "3 <- 1", "4 <- 3", "5 <- 2;4"),
        "1",
        "5",
        OK,
        ("3", "4", "5"),
        (),
        id="shorter-route-through-removed-entry-is-not-used",
    ),
    pytest.param(
        ("1 <- N/A", "(2) <- 1", "3 <- 2"), "1", "3", NO_PATH, (), (), id="only-route-removed"
    ),
    pytest.param(
        ("1 <- N/A", "(2) <- 1", "(3) <- 2", "4 <- 3"),
        "1",
        "4",
        NO_PATH,
        (),
        (),
        id="only-route-through-two-removed",
    ),
    pytest.param(
        ("1 <- N/A", "(2) <- 1", "4 <- ?", "3 <- 2;4"),
        "1",
        "3",
        INCOMPLETE,
        (),
        ("4",),
        id="only-route-removed-but-active-entry-leading-to-target-unknown",
    ),
    pytest.param(
        ("1 <- N/A", "(2) <- ?", "3 <- 2"),
        "1",
        "3",
        NO_PATH,
        (),
        (),
        id="removed-entry-with-unknown-data-is-not-asked",
    ),
    pytest.param(
        ("1 <- N/A", "2 <- ?", "(3) <- 2", "4 <- 3"),
        "1",
        "4",
        NO_PATH,
        (),
        (),
        id="unknown-entry-reaching-target-only-through-removed-is-not-asked",
    ),
    # target removed
    pytest.param(("1 <- N/A", "(2) <- 1"), "1", "2", NO_PATH, (), (), id="target-removed"),
    pytest.param(("1 <- N/A", "(2) <- ?"), "1", "2", NO_PATH, (), (), id="target-removed-unknown"),
    pytest.param(
        ("1 <- N/A", "2 <- ?", "(3) <- 2"),
        "1",
        "3",
        NO_PATH,
        (),
        (),
        id="target-removed-predecessor-unknown",
    ),
    # incomplete_data: whom to ask
    pytest.param(("1 <- N/A", "2 <- ?"), "1", "2", INCOMPLETE, (), ("2",), id="target-unknown"),
    pytest.param(
        ("1 <- N/A", "2 <- ?", "3 <- 2"), "1", "3", INCOMPLETE, (), ("2",), id="predecessor-unknown"
    ),
    pytest.param(
        ("1 <- N/A", "9 <- ?", "10 <- ?", "11 <- 9;10"),
        "1",
        "11",
        INCOMPLETE,
        (),
        ("9", "10"),
        id="several-unknown-listed-in-numeric-order",
    ),
    pytest.param(
        ("1 <- N/A", "2 <- ?", "3 <- ?", "4 <- 3"),
        "1",
        "4",
        INCOMPLETE,
        (),
        ("3",),
        id="unknown-entry-not-leading-to-target-is-not-asked",
    ),
    pytest.param(
        # 2's unknown upgrade-from can only name firmware up to 2's: never a way from 4
        ("1 <- N/A", "2 <- ?", "3 <- 2", "4 <- 3"),
        "4",
        "2",
        NO_PATH,
        (),
        (),
        id="unknown-older-target-is-not-asked-from-a-later-source",
    ),
    pytest.param(
        ("1 <- N/A", "2 <- ?", "3 <- 2", "4 <- 3"),
        "1",
        "2",
        INCOMPLETE,
        (),
        ("2",),
        id="unknown-target-is-asked-from-an-earlier-source",
    ),
    pytest.param(
        # only 4 (later than the source) could hide the missing link; 2 is older
        ("1 <- N/A", "2 <- ?", "3 <- N/A", "4 <- ?", "5 <- 2;4"),
        "3",
        "5",
        INCOMPLETE,
        (),
        ("4",),
        id="unknown-entries-older-than-the-source-are-not-asked",
    ),
    pytest.param(
        ("1 <- ?", "2 <- N/A", "3 <- ?", "4 <- 2;3", "5 <- ?", "6 <- 4"),
        "1",
        "6",
        INCOMPLETE,
        (),
        ("3",),
        id="only-ancestors-of-target-are-asked",
    ),
    pytest.param(
        ("1 <- N/A", "2 <- ?", "3 <- 2;1"),
        "2",
        "1",
        NO_PATH,
        (),
        (),
        id="unknown-source-leading-away-from-target-is-not-asked",
    ),
    # N/A vs unknown
    pytest.param(
        ("1 <- N/A", "2 <- 1", "3 <- N/A", "4 <- 3"), "2", "4", NO_PATH, (), (), id="na-base-blocks"
    ),
    pytest.param(
        ("1 <- N/A", "2 <- 1", "3 <- ?", "4 <- 3"),
        "2",
        "4",
        INCOMPLETE,
        (),
        ("3",),
        id="unknown-base-could-hide-a-link",
    ),
    pytest.param(("1 <- N/A", "2 <- N/A"), "1", "2", NO_PATH, (), (), id="na-target-blocks"),
    # only known edges
    pytest.param(CHAIN, "4", "1", NO_PATH, (), (), id="an-edge-is-one-way-no-downgrade"),
    pytest.param(("1 <- N/A", "2 <- 999"), "1", "2", NO_PATH, (), (), id="only-foreign-ids"),
    pytest.param(
        ("1 <- N/A", "2 <- 2;1"), "1", "2", OK, ("2",), (), id="self-reference-is-not-a-loop"
    ),
]


@pytest.mark.parametrize(("lines", "source", "target", "status", "steps", "missing"), PATHS)
def test_plan_path_answers_per_the_upgrade_semantics(
    lines: tuple[str, ...],
    source: str,
    target: str,
    status: PathStatus,
    steps: tuple[str, ...],
    missing: tuple[str, ...],
) -> None:
    graph = model_graph(*lines)
    result = graph.plan_path(source, target)
    assert result.status is status
    assert ids(result.steps) == steps
    assert result.missing_data == missing
    assert result.source is graph.entries[source]
    assert result.target is graph.entries[target]


@pytest.mark.parametrize(("lines", "source", "target", "status", "steps", "missing"), PATHS)
def test_every_step_of_a_path_is_active_and_follows_a_known_edge(
    lines: tuple[str, ...],
    source: str,
    target: str,
    status: PathStatus,
    steps: tuple[str, ...],
    missing: tuple[str, ...],
) -> None:
    result = model_graph(*lines).plan_path(source, target)
    previous = source
    for step in result.steps:
        assert step.is_active
        assert previous in step.upgrade_from.ids
        previous = step.cpl_entry_id


def test_the_order_entries_are_given_in_does_not_change_the_answer() -> None:
    lines = ("1 <- N/A", "2 <- 1", "3 <- 1", "4 <- 2;3", "(5) <- 1", "6 <- 4;5")
    forward = model_graph(*lines).plan_path("1", "6")
    backward = model_graph(*reversed(lines)).plan_path("1", "6")
    assert forward.status is backward.status is OK
    assert len(forward.steps) == len(backward.steps) == 3
    assert ids(forward.steps) == ids(backward.steps)


def test_routes_to_a_target_count_the_steps_from_every_entry_that_can_reach_it() -> None:
    graph = model_graph("1 <- N/A", "2 <- 1", "3 <- 2;1", "(4) <- 3", "5 <- ?")
    routes = graph.routes_to("3")
    assert routes.target is graph.entries["3"]
    assert dict(routes.hops) == {"3": 0, "2": 1, "1": 1}
    assert routes.missing_data == ()
    for source in ("1", "2", "3", "4", "5"):
        assert routes.path_from(source) == graph.plan_path(source, "3")


def test_routes_to_a_target_are_computed_once() -> None:
    graph = model_graph(*CHAIN)
    assert graph.routes_to("4") is graph.routes_to("4")


def test_a_removed_source_one_known_edge_before_an_active_route_is_counted_as_a_start() -> None:
    graph = model_graph("(1) <- N/A", "2 <- 1", "(3) <- 2", "4 <- 2")
    routes = graph.routes_to("4")
    assert dict(routes.hops) == {"4": 0, "2": 1, "1": 2}
    assert "3" not in routes.hops


# latest


def versioned_graph(*entries: tuple[str, str, EntryStatus]) -> ModelGraph:
    return ModelGraph(
        DeviceModel(*MODEL),
        [entry(eid, "N/A", version=version, status=status) for eid, version, status in entries],
    )


ACTIVE = EntryStatus.ACTIVE
REMOVED = EntryStatus.REMOVED


@pytest.mark.parametrize(
    ("entries", "latest"),
    [
        pytest.param(
            [("1", "7FFFFFFF", ACTIVE), ("2", "FFFFFFFF", ACTIVE)], "2", id="unsigned-ffffffff"
        ),
        pytest.param(
            [("1", "FFFFFFFF", ACTIVE), ("2", "7FFFFFFF", ACTIVE)], "1", id="unsigned-any-order"
        ),
        pytest.param(
            [("1", "80000000", ACTIVE), ("2", "7FFFFFFF", ACTIVE)], "1", id="sign-bit-is-a-digit"
        ),
        pytest.param(
            [("1", "0000000A", ACTIVE), ("2", "00000009", ACTIVE)], "1", id="hex-letters-count"
        ),
        pytest.param(
            [("1", "00000010", ACTIVE), ("2", "0000000F", ACTIVE)], "1", id="number-not-text"
        ),
        pytest.param(
            [("1", "01020A03", ACTIVE), ("2", "01020903", ACTIVE), ("3", "01000000", ACTIVE)],
            "1",
            id="highest-of-three",
        ),
        pytest.param(
            [("9999", "01000000", ACTIVE), ("10010", "01000000", ACTIVE)],
            "10010",
            id="tie-larger-id-numerically",
        ),
        pytest.param(
            [
                ("10010", "01000000", ACTIVE),
                ("9999", "01000000", ACTIVE),
                ("2", "01000000", ACTIVE),
            ],
            "10010",
            id="tie-of-three-any-order",
        ),
        pytest.param(
            [("9999", "01000000", ACTIVE), ("10010", "00FFFFFF", ACTIVE)],
            "9999",
            id="version-beats-id",
        ),
        pytest.param(
            [("1", "01000000", ACTIVE), ("2", "02000000", REMOVED)], "1", id="removed-never-latest"
        ),
        pytest.param(
            [("1", "01000000", ACTIVE), ("10010", "01000000", REMOVED)],
            "1",
            id="removed-never-wins-a-tie",
        ),
        pytest.param(
            [("1", "01000000", REMOVED), ("2", "02000000", REMOVED)], None, id="no-active-entry"
        ),
        pytest.param([], None, id="no-entry"),
    ],
)
def test_latest_is_the_active_entry_with_the_highest_version_then_the_larger_id(
    entries: list[tuple[str, str, EntryStatus]], latest: str | None
) -> None:
    found = versioned_graph(*entries).latest()
    assert (found.cpl_entry_id if found else None) == latest


# Resolving what a meter runs


H2, H3, H_OTHER = sha("build-2"), sha("build-3"), sha("other")

INDEX = FirmwareIndex(
    [
        entry("10001", "N/A", version="01020A03"),
        entry("10002", "10001", version="01030000", image_hash=H2),
        entry("10003", "10001", version="01030000", image_hash=H3),
        entry("AB-12", "10001", version="02000000"),
        entry("20001", "N/A", version="01020A03", model=OTHER_MODEL),
        entry("20002", "20001", version="01030000", model=OTHER_MODEL, image_hash=H_OTHER),
    ]
)


@pytest.mark.parametrize(
    ("raw", "found"),
    [
        ("10001", "10001"),
        (" 10001 ", "10001"),
        ("\t10002\n", "10002"),
        ("AB-12", "AB-12"),
        ("ab-12", "AB-12"),
        ("  aB-12 ", "AB-12"),
        ("20001", "20001"),
    ],
)
def test_a_cpl_entry_id_resolves_case_and_surrounding_spaces_ignored(raw: str, found: str) -> None:
    match = INDEX.by_entry_id(raw)
    assert match.resolution is Resolution.FOUND
    assert match.entry is INDEX.by_id[found]
    assert match.candidates == ()


@pytest.mark.parametrize(
    "raw", ["99999", "AB-13", "", "   ", "N/A", "10 001", "1000\u00e91", "-10001", "10001;10002"]
)
def test_an_absent_or_malformed_cpl_entry_id_is_unknown_firmware(raw: str) -> None:
    match = INDEX.by_entry_id(raw)
    assert match.resolution is Resolution.UNKNOWN_FIRMWARE
    assert match.entry is None


M, MO, HW = MODEL


@pytest.mark.parametrize(
    ("query", "resolution", "found", "candidates"),
    [
        pytest.param(
            (M, MO, HW, "01020A03", None), Resolution.FOUND, "10001", (), id="unique-version"
        ),
        pytest.param(
            (M.lower(), MO, HW, "01020a03", None),
            Resolution.FOUND,
            "10001",
            (),
            id="hex-case-ignored",
        ),
        pytest.param(
            (f" {M} ", MO, HW, " 01020A03 ", "  "),
            Resolution.FOUND,
            "10001",
            (),
            id="blank-hash-is-no-hash",
        ),
        pytest.param(
            (M, MO, HW, "01020A03", sha("10001")),
            Resolution.FOUND,
            "10001",
            (),
            id="unique-version-right-hash",
        ),
        pytest.param(
            (M, MO, HW, "01020A03", H2),
            Resolution.UNKNOWN_FIRMWARE,
            None,
            (),
            id="unique-version-wrong-hash",
        ),
        pytest.param(
            (M, MO, HW, "01030000", None),
            Resolution.AMBIGUOUS,
            None,
            ("10002", "10003"),
            id="shared-version-no-hash",
        ),
        pytest.param(
            (M, MO, HW, "01030000", H2), Resolution.FOUND, "10002", (), id="shared-version-hash-2"
        ),
        pytest.param(
            (M, MO, HW, "01030000", H3.lower()),
            Resolution.FOUND,
            "10003",
            (),
            id="shared-version-hash-3-lower-case",
        ),
        pytest.param(
            (M, MO, HW, "01030000", H_OTHER),
            Resolution.UNKNOWN_FIRMWARE,
            None,
            (),
            id="shared-version-hash-of-another-model",
        ),
        pytest.param(
            (M, MO, HW, "01030000", sha("nothing")),
            Resolution.UNKNOWN_FIRMWARE,
            None,
            (),
            id="shared-version-wrong-hash",
        ),
        pytest.param(
            (M, MO, HW, "09999999", None),
            Resolution.UNKNOWN_FIRMWARE,
            None,
            (),
            id="version-not-on-cpl",
        ),
        pytest.param(
            (*OTHER_MODEL, "01030000", None),
            Resolution.FOUND,
            "20002",
            (),
            id="same-version-on-another-model-is-not-ambiguous",
        ),
        pytest.param(
            ("FFFF", MO, HW, "01020A03", None),
            Resolution.UNKNOWN_FIRMWARE,
            None,
            (),
            id="model-not-on-cpl",
        ),
        pytest.param(
            (M, MO, HW, "1020A03", None),
            Resolution.UNKNOWN_FIRMWARE,
            None,
            (),
            id="malformed-version",
        ),
        pytest.param(
            (M, MO, HW, "01030000", "XYZ"),
            Resolution.UNKNOWN_FIRMWARE,
            None,
            (),
            id="malformed-hash",
        ),
        pytest.param(
            (M, MO, HW, "01030000", H2[:12].lower()),
            Resolution.FOUND,
            "10002",
            (),
            id="hash-prefix-as-pages-show-it",
        ),
        pytest.param(
            (M, MO, HW, "01030000", H3[:4]),
            Resolution.FOUND,
            "10003",
            (),
            id="shortest-hash-prefix",
        ),
        pytest.param(
            (M, MO, HW, "01030000", H2[:3]),
            Resolution.UNKNOWN_FIRMWARE,
            None,
            (),
            id="hash-prefix-too-short",
        ),
        pytest.param(
            (M, MO, HW, "01030000", H_OTHER[:12]),
            Resolution.UNKNOWN_FIRMWARE,
            None,
            (),
            id="hash-prefix-of-no-build",
        ),
        pytest.param(
            (M, MO, HW, "01030000", H2[:-1] + "G"),
            Resolution.UNKNOWN_FIRMWARE,
            None,
            (),
            id="hash-not-hex",
        ),
        pytest.param(
            ("1G2B", MO, HW, "01020A03", None),
            Resolution.UNKNOWN_FIRMWARE,
            None,
            (),
            id="malformed-manufacturer",
        ),
        pytest.param(
            (M, "01", HW, "01020A03", None),
            Resolution.UNKNOWN_FIRMWARE,
            None,
            (),
            id="malformed-model",
        ),
        pytest.param(
            (M, MO, "", "01020A03", None),
            Resolution.UNKNOWN_FIRMWARE,
            None,
            (),
            id="malformed-hardware",
        ),
    ],
)
def test_model_and_version_resolve_using_the_hash_when_given(
    query: tuple[str, str, str, str, str | None],
    resolution: Resolution,
    found: str | None,
    candidates: tuple[str, ...],
) -> None:
    match = INDEX.by_model_version(*query)
    assert match.resolution is resolution
    assert (match.entry.cpl_entry_id if match.entry else None) == found
    assert match.candidates == candidates


def test_each_entry_is_in_the_upgrade_graph_of_its_own_device_model() -> None:
    assert set(INDEX.graph_of(INDEX.by_id["10002"]).entries) == {"10001", "10002", "10003", "AB-12"}
    assert set(INDEX.graph_of(INDEX.by_id["20001"]).entries) == {"20001", "20002"}
    assert INDEX.graph_of(INDEX.by_id["10001"]).plan_path("10001", "AB-12").status is OK


# Why: path_explanation


def explained(lines: tuple[str, ...], source: str, target: str) -> tuple[PathResult, str]:
    graph = model_graph(*lines)
    result = graph.plan_path(source, target)
    return result, explain(result, graph)


def test_no_path_through_removed_entries_names_every_blocking_removed_entry() -> None:
    lines = ("1 <- N/A", "(2) <- 1", "(3) <- 2", "4 <- 3", "(5) <- 1")
    result, text = explained(lines, "1", "4")
    assert result.status is NO_PATH
    assert blocking_entries(result, model_graph(*lines)) == ["2", "3"]
    assert text.startswith(
        "No active entry lists 1 as upgrade-from on the way to 4 (only the removed 2). "
        "Every known route from 1 to 4 passes through the removed entries 2, 3. "
        "Removed entries are never installed: a site visit is needed."
    )


def test_a_removed_entry_every_route_needs_is_told_apart_from_ones_that_can_be_bypassed() -> None:
    lines = ("1 <- N/A", "(2) <- 1", "3 <- 2", "(4) <- 3", "(5) <- 3", "6 <- 4;5")
    result, text = explained(lines, "1", "6")
    assert result.status is NO_PATH
    assert (
        "Every known route from 1 to 6 passes through the removed entry 2 (some also through "
        "the removed 4, 5). Removed entries are never installed" in text
    )


def test_blocking_entries_are_listed_in_numeric_order_and_exclude_a_removed_source() -> None:
    lines = ("(1) <- N/A", "(10) <- 1", "(9) <- 1", "11 <- 9;10")
    graph = model_graph(*lines)
    result = graph.plan_path("1", "11")
    assert result.status is NO_PATH
    assert blocking_entries(result, graph) == ["9", "10"]
    assert "passes through at least one of the removed entries 9, 10." in explain(result, graph)


def test_incomplete_data_names_every_entry_to_ask_about() -> None:
    result, text = explained(("1 <- N/A", "9 <- ?", "10 <- ?", "11 <- 9;10"), "1", "11")
    assert result.status is INCOMPLETE
    assert "2 entries that lead to 11: 9, 10" in text
    assert "Ask the manufacturer" in text
    assert "whether 1 may be upgraded to one of them" in text


def test_incomplete_data_asks_about_the_newest_firmware_the_meter_can_reach() -> None:
    result, text = explained(("1 <- N/A", "2 <- 1", "3 <- 2", "4 <- ?"), "1", "4")
    assert result.status is INCOMPLETE
    assert "A meter on 1 can get as far as 3 " in text
    assert "whether 3 may be upgraded to it." in text


def test_incomplete_data_about_the_target_itself_says_so() -> None:
    result, text = explained(("1 <- N/A", "2 <- ?"), "1", "2")
    assert result.missing_data == ("2",)
    assert "the target itself does not say" in text
    assert "whether 1 may be upgraded to it." in text


def test_no_path_behind_a_new_base_names_the_na_base() -> None:
    lines = ("1 <- N/A", "2 <- 1", "(3) <- 2", "5 <- N/A", "6 <- 5")
    result, text = explained(lines, "2", "6")
    assert result.status is NO_PATH
    assert blocking_entries(result, model_graph(*lines)) == []
    assert "it can only be reached from 5 onwards (upgrade from N/A: a new base)" in text
    assert "site visit" in text


def test_no_path_to_a_removed_target_says_it_is_never_installed() -> None:
    result, text = explained(("1 <- N/A", "(2) <- 1"), "1", "2")
    assert result.status is NO_PATH
    assert text.startswith("2 (")
    assert "is removed from the CPL, so it is never installed." in text


def test_an_ok_path_is_explained_with_its_number_of_images() -> None:
    in_order = "in this order, each one installed after the last."
    assert explained(CHAIN, "1", "4")[1] == f"3 images {in_order}"
    assert explained(CHAIN, "3", "4")[1] == f"1 image {in_order}"


def test_up_to_date_is_explained_as_already_the_target() -> None:
    assert explained(CHAIN, "2", "2")[1].endswith("is already the target firmware.")


# Each no_path reason on a small model built for it (issue 8, item 2)


def test_a_meter_stuck_where_only_a_removed_entry_lists_its_firmware_is_told_so() -> None:
    # the tester's case: the line goes on past a removed entry, and a re-base lives elsewhere
    lines = (
        "30001 <- N/A",
        "30002 <- 30001",
        "30003 <- 30002",
        "(30004) <- 30003",
        "30005 <- 30004",
        "30010 <- N/A",
        "30011 <- 30010",
    )
    _, text = explained(lines, "30003", "30005")
    assert text.startswith(
        "No active entry lists 30003 as upgrade-from on the way to 30005 (only the removed 30004)"
    )
    assert "30010" not in text and "new base" not in text


def test_a_meter_further_back_is_told_how_far_it_can_get() -> None:
    lines = (
        "30001 <- N/A",
        "30002 <- 30001",
        "30003 <- 30002",
        "(30004) <- 30003",
        "30005 <- 30004",
    )
    _, text = explained(lines, "30001", "30005")
    assert text.startswith("A meter on 30001 can get as far as 30003 (")
    assert "no active entry lists 30003 as upgrade-from on the way to 30005" in text
    assert "(only the removed 30004)" in text


def test_firmware_nothing_lists_as_upgrade_from_is_a_dead_end_and_the_line_is_named() -> None:
    _, text = explained(("1 <- N/A", "3 <- N/A", "4 <- 3"), "1", "4")
    assert text.startswith("No entry lists 1 (")
    assert "no image may be installed on a meter running it" in text
    assert "4 is on another line: it can only be reached from 3 onwards" in text


def test_a_meter_that_gets_somewhere_else_is_told_how_far() -> None:
    _, text = explained(("1 <- N/A", "2 <- 1", "5 <- N/A", "6 <- 5"), "1", "6")
    assert text.startswith("A meter on 1 can get as far as 2 (")
    assert "but no known route leads on to 6, and 6 is on another line" in text
    assert text.endswith("A site visit is needed.")


def test_only_removed_successors_off_the_route_are_named_with_the_other_line() -> None:
    _, text = explained(("1 <- N/A", "2 <- 1", "(3) <- 2", "5 <- N/A", "6 <- 5"), "2", "6")
    assert text.startswith("No active entry lists 2 (")
    assert "as upgrade-from (only the removed 3, never installed)" in text


def test_a_removed_entry_that_is_the_only_way_into_the_targets_line_is_named_as_the_cut() -> None:
    # 2 does not say what it comes from, but cannot reach 5 anyway (3 is removed): no_path
    lines = ("1 <- N/A", "2 <- ?", "(3) <- 2", "4 <- 3", "5 <- 4")
    result, text = explained(lines, "1", "5")
    assert result.status is NO_PATH
    assert text == (
        "Only 4 leads on to 5, and the only firmware that may be upgraded to 4 is the removed "
        "3 (00000003), never installed: only meters already on 4 can reach 5 over the air, "
        "and 1 is not one of them. A site visit is needed."
    )


def test_a_target_whose_only_upgrade_from_is_removed_says_no_meter_reaches_it() -> None:
    _, text = explained(("1 <- N/A", "(2) <- N/A", "3 <- 2"), "1", "3")
    assert text.startswith("The only firmware that may be upgraded to 3 is the removed 2 (")
    assert text.endswith("no meter can reach 3 over the air. A site visit is needed.")


def test_a_target_that_is_a_new_base_says_nothing_may_be_upgraded_to_it() -> None:
    _, text = explained(("1 <- N/A", "2 <- 1", "3 <- N/A"), "2", "3")
    assert text.startswith("Nothing may be upgraded to 3 (") and "new base" in text


def test_a_meter_already_newer_than_the_target_is_told_so() -> None:
    from tests.unit.test_rules import entry

    lines = [
        entry("101", "N/A", version="01000000"),
        entry("103", "101", version="02000000"),
        entry("104", "103", version="02010000"),
        entry("805", "104", version="03000000", status=EntryStatus.REMOVED),
    ]
    graph = ModelGraph(lines[0].device_model, lines)
    for source, target, withdrawn in (("104", "103", False), ("805", "104", True)):
        text = explain(graph.plan_path(source, target), graph)
        assert text.startswith(f"The meter runs {source} (")
        assert "never taken back to an older version" in text and "nothing to send" in text
        assert "site visit" not in text
        assert ("withdrawn from the CPL" in text) is withdrawn
    assert "newer than" not in explain(graph.plan_path("101", "805"), graph)  # removed target
