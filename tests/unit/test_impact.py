"""ZigBee vulnerability impact: wildcards, exposure, and OTA remediation (DESIGN sections 4, 6).

Graphs use the notation of `test_paths`, one entry a line, with its exposure after a `|`:

    "2 <- 1 | fixed"      1 may be upgraded to 2; 2 states a stack the query does not match
    "(3) <- 2 | affected" 3 is removed and carries the vulnerable chipset and stack
    "4 <- ? | unknown"    upgrade from not provided; 4 does not state its stack version
    "5 <- 4 | other"      5 states another chipset vendor and no stack: unaffected all the same
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.errors import FieldInvalid
from firpath.domain.impact import (
    Exposure,
    ModelRemedies,
    Outcome,
    Remediation,
    VulnerabilityQuery,
    assess_model,
    count_outcomes,
    wildcard,
)
from firpath.domain.upgrade_graph import ModelGraph, PathStatus
from firpath.domain.values import EntryStatus
from tests.unit.hidden_edges import could_reach
from tests.unit.test_paths import ids, parse_line
from tests.unit.test_rules import MODEL, entry

AFFECTED = Exposure.AFFECTED
UNKNOWN = Exposure.UNKNOWN
UNAFFECTED = Exposure.UNAFFECTED
OK = PathStatus.OK
INCOMPLETE = PathStatus.INCOMPLETE_DATA
NO_PATH = PathStatus.NO_PATH

# wildcard: one pattern, one value, as a table

WILDCARDS = [
    # exact, whole value
    pytest.param("Silicon Labs", "Silicon Labs", True, id="exact"),
    pytest.param("Silicon Labs", "Silicon Labs Inc", False, id="exact-is-not-a-prefix-match"),
    pytest.param("Labs", "Silicon Labs", False, id="exact-is-not-a-suffix-match"),
    pytest.param("icon La", "Silicon Labs", False, id="exact-is-not-a-substring-match"),
    pytest.param("Silicon Labs", "Silicon Lab", False, id="exact-needs-every-character"),
    # `*` at the start, the end, the middle
    pytest.param("*Labs", "Silicon Labs", True, id="star-prefix"),
    pytest.param("*Labs", "Labs", True, id="star-prefix-matches-nothing-too"),
    pytest.param("*Labs", "Silicon Labs Inc", False, id="star-prefix-still-anchored-at-the-end"),
    pytest.param("Silicon*", "Silicon Labs", True, id="star-suffix"),
    pytest.param("Silicon*", "NXP Silicon", False, id="star-suffix-still-anchored-at-the-start"),
    pytest.param("EmberZNet *.2.*", "EmberZNet 7.2.1", True, id="star-middle"),
    pytest.param("EmberZNet *.2.*", "EmberZNet 7.3.1", False, id="star-middle-rest-must-match"),
    pytest.param("S*s", "Silicon Labs", True, id="star-between-first-and-last-letter"),
    pytest.param("*ZNet*", "EmberZNet 7", True, id="star-both-ends-is-a-substring-search"),
    pytest.param("*", "anything at all", True, id="star-alone-matches-any-value"),
    pytest.param("a**b", "ab", True, id="two-stars-are-one"),
    # case-insensitive
    pytest.param("silicon labs", "SILICON LABS", True, id="lower-pattern-upper-value"),
    pytest.param("EMBERZNET*", "EmberZNet 7.2", True, id="upper-pattern-mixed-value"),
    pytest.param("ti z-stack", "TI Z-Stack", True, id="case-ignored-around-punctuation"),
    # regular-expression characters are literal
    pytest.param("6.10", "6.10", True, id="dot-matches-a-dot"),
    pytest.param("6.10", "6x10", False, id="dot-is-not-any-character"),
    pytest.param("R2 (beta)", "R2 (beta)", True, id="parentheses-match-themselves"),
    pytest.param("R2 (beta)", "R2 beta", False, id="parentheses-are-not-a-group"),
    pytest.param("Z-Stack 3.0+", "Z-Stack 3.0+", True, id="plus-matches-a-plus"),
    pytest.param("Z-Stack 3.0+", "Z-Stack 3.00", False, id="plus-is-not-a-repeat"),
    pytest.param("a?b", "ab", False, id="question-mark-is-not-optional"),
    pytest.param("a?b", "a?b", True, id="question-mark-matches-itself"),
    pytest.param("[ab]", "a", False, id="brackets-are-not-a-class"),
    pytest.param("[ab]", "[AB]", True, id="brackets-match-themselves"),
    pytest.param("a|b", "a", False, id="bar-is-not-alternation"),
    pytest.param("^v1$", "^V1$", True, id="anchors-match-themselves"),
    pytest.param(r"v\d", "v1", False, id="backslash-is-not-an-escape"),
    pytest.param(r"v\d", r"v\d", True, id="backslash-matches-itself"),
    pytest.param("v{2}", "vv", False, id="braces-are-not-a-count"),
    pytest.param("*(beta)", "R2 (BETA)", True, id="star-with-literal-parentheses"),
    # spaces around the pattern are trimmed, as every value is
    pytest.param("  Silicon Labs  ", "Silicon Labs", True, id="pattern-trimmed"),
]


@pytest.mark.parametrize(("pattern", "value", "matches"), WILDCARDS)
def test_a_wildcard_matches_the_whole_value_case_insensitively(
    pattern: str, value: str, matches: bool
) -> None:
    assert (wildcard("zigbee_chipset_vendor", pattern).fullmatch(value) is not None) is matches


def test_a_star_matches_a_line_break_inside_a_value() -> None:
    assert wildcard("zigbee_chipset_vendor", "Silicon*").fullmatch("Silicon\nLabs") is not None


@pytest.mark.parametrize("pattern", ["", " ", "\t \n"])
def test_an_empty_wildcard_is_refused_naming_its_field(pattern: str) -> None:
    with pytest.raises(FieldInvalid) as raised:
        wildcard("zigbee_stack_version", pattern)
    assert raised.value.field == "zigbee_stack_version"


def test_a_query_with_neither_vendor_nor_stack_is_refused() -> None:
    with pytest.raises(FieldInvalid):
        VulnerabilityQuery()


@pytest.mark.parametrize(
    ("vendor", "stack", "field"),
    [
        pytest.param("", None, "zigbee_chipset_vendor", id="empty-vendor"),
        pytest.param(None, "  ", "zigbee_stack_version", id="blank-stack"),
        pytest.param("Silicon Labs", "", "zigbee_stack_version", id="good-vendor-empty-stack"),
    ],
)
def test_a_query_with_an_empty_pattern_is_refused_naming_its_field(
    vendor: str | None, stack: str | None, field: str
) -> None:
    with pytest.raises(FieldInvalid) as raised:
        VulnerabilityQuery(chipset_vendor=vendor, stack_version=stack)
    assert raised.value.field == field


def test_a_query_is_a_comparable_value() -> None:
    assert VulnerabilityQuery("Silicon*") == VulnerabilityQuery("Silicon*")
    assert VulnerabilityQuery("Silicon*") != VulnerabilityQuery(stack_version="Silicon*")


# exposure: query fields x entry fields, as a table

SL, TI = "Silicon Labs", "Texas Instruments"
EZ6, EZ7 = "EmberZNet 6.10.3", "EmberZNet 7.2.1"

EXPOSURES = [
    # vendor only: the stack is not needed
    pytest.param("silicon*", None, SL, EZ7, AFFECTED, id="vendor-only-match"),
    pytest.param("silicon*", None, SL, None, AFFECTED, id="vendor-only-match-stack-not-needed"),
    pytest.param("silicon*", None, TI, EZ7, UNAFFECTED, id="vendor-only-mismatch"),
    pytest.param("silicon*", None, TI, None, UNAFFECTED, id="vendor-only-mismatch-no-stack"),
    pytest.param("silicon*", None, None, EZ7, UNKNOWN, id="vendor-only-vendor-not-provided"),
    pytest.param("silicon*", None, None, None, UNKNOWN, id="vendor-only-nothing-provided"),
    pytest.param("*", None, TI, None, AFFECTED, id="vendor-star-matches-any-stated-vendor"),
    pytest.param("*", None, None, EZ7, UNKNOWN, id="vendor-star-does-not-match-not-provided"),
    # stack only: the vendor is not needed
    pytest.param(None, "emberznet 6.*", None, EZ6, AFFECTED, id="stack-only-match"),
    pytest.param(None, "emberznet 6.*", TI, EZ6, AFFECTED, id="stack-only-vendor-ignored"),
    pytest.param(None, "emberznet 6.*", SL, EZ7, UNAFFECTED, id="stack-only-mismatch"),
    pytest.param(None, "emberznet 6.*", SL, None, UNKNOWN, id="stack-only-stack-not-provided"),
    # both: every given field must match
    pytest.param("silicon*", "*6.*", SL, EZ6, AFFECTED, id="both-match"),
    pytest.param("silicon*", "*6.*", SL, EZ7, UNAFFECTED, id="both-stack-mismatch"),
    pytest.param("silicon*", "*6.*", TI, EZ6, UNAFFECTED, id="both-vendor-mismatch"),
    pytest.param("silicon*", "*6.*", TI, EZ7, UNAFFECTED, id="both-mismatch"),
    pytest.param("silicon*", "*6.*", SL, None, UNKNOWN, id="both-stack-not-provided"),
    pytest.param("silicon*", "*6.*", None, EZ6, UNKNOWN, id="both-vendor-not-provided"),
    pytest.param("silicon*", "*6.*", None, None, UNKNOWN, id="both-not-provided"),
    pytest.param("silicon*", "*6.*", TI, None, UNAFFECTED, id="vendor-mismatch-beats-unknown"),
    pytest.param("silicon*", "*6.*", None, EZ7, UNAFFECTED, id="stack-mismatch-beats-unknown"),
]


@pytest.mark.parametrize(("q_vendor", "q_stack", "vendor", "stack", "exposure"), EXPOSURES)
def test_exposure_needs_every_given_field_to_match_and_one_mismatch_clears_it(
    q_vendor: str | None,
    q_stack: str | None,
    vendor: str | None,
    stack: str | None,
    exposure: Exposure,
) -> None:
    query = VulnerabilityQuery(chipset_vendor=q_vendor, stack_version=q_stack)
    assert query.exposure(entry("1", "N/A", vendor=vendor, stack=stack)) is exposure


@pytest.mark.parametrize("status", [EntryStatus.ACTIVE, EntryStatus.REMOVED])
def test_exposure_does_not_depend_on_status_or_upgrade_from(status: EntryStatus) -> None:
    query = VulnerabilityQuery("Silicon*", "*6.*")
    for upgrade_from in ("", "N/A", "7"):
        exposed = entry("1", upgrade_from, status=status, vendor=SL, stack=EZ6)
        assert query.exposure(exposed) is AFFECTED


# remediation: small named graphs, as a table

QUERY = VulnerabilityQuery(chipset_vendor="Acme*", stack_version="3.*")
ZIGBEE: dict[str, tuple[str | None, str | None]] = {
    "affected": ("ACME Radio", "3.1"),
    "fixed": ("Acme Radio", "4.0"),
    "unknown": ("ACME Radio", None),
    "other": ("Nordic", None),
}


def impact_line(line: str) -> CplEntry:
    """One entry from the `ID <- upgrade from | exposure` notation of this module."""
    path_line, kind = (part.strip() for part in line.split("|"))
    vendor, stack = ZIGBEE[kind]
    return dataclasses.replace(
        parse_line(path_line), zigbee_chipset_vendor=vendor, zigbee_stack_version=stack
    )


def impact_graph(*lines: str) -> ModelGraph:
    return ModelGraph(DeviceModel(*MODEL), [impact_line(line) for line in lines])


REMEDIATIONS = [
    # ok: the nearest unaffected active entry
    pytest.param(
        ("1 <- N/A | affected", "2 <- 1 | fixed"), "1", OK, ("2",), (), id="fixed-successor"
    ),
    pytest.param(
        ("1 <- N/A | affected", "2 <- 1 | other"),
        "1",
        OK,
        ("2",),
        (),
        id="another-vendor-without-a-stack-is-a-target",
    ),
    pytest.param(
        ("1 <- N/A | affected", "2 <- 1 | affected", "3 <- 2 | fixed"),
        "1",
        OK,
        ("2", "3"),
        (),
        id="steps-may-pass-through-affected-entries",
    ),
    pytest.param(
        (
            "1 <- N/A | affected",
            "2 <- 1 | affected",
            "3 <- 2 | affected",
            "4 <- 3 | fixed",
            "5 <- 1 | affected",
            "6 <- 5 | fixed",
            "7 <- 6;4 | fixed",
        ),
        "1",
        OK,
        ("5", "6"),
        (),
        id="nearest-of-several-fixed-entries",
    ),
    pytest.param(
        ("1 <- N/A | affected", "2 <- 1 | affected", "3 <- 2 | fixed", "4 <- 1;3 | fixed"),
        "1",
        OK,
        ("4",),
        (),
        id="a-direct-upgrade-to-a-later-fix-beats-a-chain-to-an-earlier-one",
    ),
    pytest.param(
        ("1 <- N/A | fixed", "2 <- 1 | affected", "3 <- 2 | affected", "4 <- 3 | fixed"),
        "2",
        OK,
        ("3", "4"),
        (),
        id="an-earlier-fix-is-not-a-downgrade-target",
    ),
    pytest.param(
        ("1 <- N/A | affected", "2 <- 1 | affected", "3 <- 2 | fixed"),
        "2",
        OK,
        ("3",),
        (),
        id="each-exposed-entry-counts-its-own-steps",
    ),
    # a removed entry is never a step, nor a target
    pytest.param(
        (
            "1 <- N/A | affected",
            "(2) <- 1 | affected",
            "3 <- 2 | fixed",
            "4 <- 1 | affected",
            "5 <- 4 | affected",
            "6 <- 5 | fixed",
        ),
        "1",
        OK,
        ("4", "5", "6"),
        (),
        id="shorter-route-through-a-removed-entry-is-not-used",
    ),
    pytest.param(
        ("1 <- N/A | affected", "(2) <- 1 | affected", "3 <- 2 | fixed"),
        "1",
        NO_PATH,
        (),
        (),
        id="only-route-through-a-removed-entry",
    ),
    pytest.param(
        ("1 <- N/A | affected", "(2) <- 1 | fixed", "3 <- 1 | affected", "4 <- 3 | fixed"),
        "1",
        OK,
        ("3", "4"),
        (),
        id="a-removed-fixed-entry-is-not-a-target",
    ),
    pytest.param(
        ("1 <- N/A | affected", "(2) <- 1 | fixed"),
        "1",
        NO_PATH,
        (),
        (),
        id="only-fix-removed",
    ),
    pytest.param(
        ("1 <- N/A | affected", "(2) <- ? | fixed"),
        "1",
        NO_PATH,
        (),
        (),
        id="a-removed-fix-with-unknown-data-is-not-asked",
    ),
    # the start may be removed, or of unknown exposure
    pytest.param(
        ("(1) <- N/A | affected", "2 <- 1 | fixed"),
        "1",
        OK,
        ("2",),
        (),
        id="a-removed-affected-entry-starts",
    ),
    pytest.param(
        ("(1) <- N/A | affected", "(2) <- 1 | affected", "3 <- 2 | fixed"),
        "1",
        NO_PATH,
        (),
        (),
        id="a-removed-start-does-not-pass-another-removed-entry",
    ),
    pytest.param(
        ("1 <- N/A | unknown", "2 <- 1 | fixed"),
        "1",
        OK,
        ("2",),
        (),
        id="an-unknown-exposure-entry-is-remediated-too",
    ),
    # unknown exposure is no fix, but it may be one: ask for its ZigBee data
    pytest.param(
        ("1 <- N/A | affected", "2 <- 1 | unknown", "3 <- 2 | unknown"),
        "1",
        INCOMPLETE,
        (),
        ("2", "3"),
        id="reachable-unknown-exposure-entries-make-it-incomplete",
    ),
    pytest.param(
        ("1 <- N/A | affected", "2 <- 1 | unknown", "3 <- 2 | fixed"),
        "1",
        OK,
        ("2", "3"),
        (),
        id="an-unknown-exposure-entry-is-a-step-not-a-target",
    ),
    pytest.param(
        ("1 <- N/A | affected", "2 <- 1 | unknown", "3 <- 1 | affected", "4 <- 3 | fixed"),
        "1",
        OK,
        ("3", "4"),
        (),
        id="a-nearer-unknown-exposure-entry-is-passed-over",
    ),
    pytest.param(
        ("1 <- N/A | affected", "2 <- ? | unknown"),
        "1",
        INCOMPLETE,
        (),
        ("2",),
        id="an-unknown-exposure-entry-with-unknown-upgrade-from-is-asked",
    ),
    pytest.param(
        ("1 <- N/A | affected", "2 <- N/A | unknown"),
        "1",
        NO_PATH,
        (),
        (),
        id="an-unreachable-unknown-exposure-base-is-no-remedy",
    ),
    pytest.param(
        ("1 <- ? | unknown", "2 <- N/A | affected"),
        "1",
        NO_PATH,
        (),
        (),
        id="an-unknown-exposure-start-is-not-asked-about-itself",
    ),
    # incomplete_data: whom to ask
    pytest.param(
        ("1 <- N/A | affected", "2 <- ? | fixed"),
        "1",
        INCOMPLETE,
        (),
        ("2",),
        id="the-fix-has-unknown-upgrade-from",
    ),
    pytest.param(
        ("1 <- N/A | affected", "2 <- ? | affected", "3 <- 2 | fixed"),
        "1",
        INCOMPLETE,
        (),
        ("2",),
        id="an-entry-leading-to-the-fix-has-unknown-upgrade-from",
    ),
    pytest.param(
        (
            "1 <- N/A | affected",
            "2 <- ? | fixed",
            "10 <- ? | affected",
            "11 <- 10 | fixed",
            "5 <- ? | affected",
            "(6) <- ? | affected",
            "7 <- 6 | fixed",
            "8 <- ? | affected",
            "(9) <- 8 | affected",
            "12 <- 9 | fixed",
        ),
        "1",
        INCOMPLETE,
        (),
        ("2", "10"),
        id="only-active-entries-that-are-or-reach-a-fix-are-asked-in-numeric-order",
    ),
    pytest.param(
        ("(1) <- N/A | affected", "2 <- N/A | affected", "3 <- ? | affected", "4 <- 2;3 | fixed"),
        "1",
        INCOMPLETE,
        (),
        ("3",),
        id="a-removed-start-is-told-whom-to-ask",
    ),
    # no_path
    pytest.param(
        ("1 <- N/A | affected", "2 <- N/A | fixed"),
        "1",
        NO_PATH,
        (),
        (),
        id="the-fix-is-a-new-base",
    ),
    pytest.param(
        ("1 <- N/A | affected", "2 <- 1 | affected"),
        "1",
        NO_PATH,
        (),
        (),
        id="no-unaffected-entry-at-all",
    ),
    pytest.param(
        ("1 <- ? | affected", "2 <- N/A | fixed"),
        "1",
        NO_PATH,
        (),
        (),
        id="the-starts-own-unknown-upgrade-from-cannot-help-it",
    ),
    pytest.param(
        ("1 <- N/A | fixed", "2 <- 1 | affected"),
        "2",
        NO_PATH,
        (),
        (),
        id="no-downgrade-to-an-earlier-fix",
    ),
    pytest.param(
        ("1 <- N/A | affected", "2 <- 1;X-404 | affected", "3 <- 999 | fixed"),
        "1",
        NO_PATH,
        (),
        (),
        id="ids-outside-the-model-are-not-edges",
    ),
]


@pytest.mark.parametrize(("lines", "start", "status", "steps", "missing"), REMEDIATIONS)
def test_remediation_is_the_nearest_unaffected_active_entry_or_why_not(
    lines: tuple[str, ...],
    start: str,
    status: PathStatus,
    steps: tuple[str, ...],
    missing: tuple[str, ...],
) -> None:
    graph = impact_graph(*lines)
    result = ModelRemedies(graph, QUERY).remediation(start)
    assert result.status is status
    assert ids(result.steps) == steps
    assert result.missing_data == missing
    if status is OK:
        assert result.target is result.steps[-1]
        assert result.hops == len(steps)
        assert QUERY.exposure(result.target) is UNAFFECTED
    else:
        assert result.target is None
        assert result.hops is None


@pytest.mark.parametrize(("lines", "start", "status", "steps", "missing"), REMEDIATIONS)
def test_every_remediation_step_is_active_and_follows_a_known_edge(
    lines: tuple[str, ...],
    start: str,
    status: PathStatus,
    steps: tuple[str, ...],
    missing: tuple[str, ...],
) -> None:
    graph = impact_graph(*lines)
    previous = start
    for step in ModelRemedies(graph, QUERY).remediation(start).steps:
        assert step.is_active
        assert previous in step.upgrade_from.ids
        previous = step.cpl_entry_id


def test_the_answer_does_not_depend_on_the_order_entries_are_given_in() -> None:
    lines = ("1 <- N/A | affected", "2 <- 1 | affected", "3 <- 2 | fixed", "4 <- 1;3 | fixed")
    forward = ModelRemedies(impact_graph(*lines), QUERY)
    backward = ModelRemedies(impact_graph(*reversed(lines)), QUERY)
    for eid in ("1", "2"):
        assert ids(forward.remediation(eid).steps) == ids(backward.remediation(eid).steps)


def test_remedies_record_the_exposure_of_every_entry_of_the_model() -> None:
    graph = impact_graph(
        "1 <- N/A | affected", "2 <- 1 | unknown", "(3) <- 2 | fixed", "4 <- 2 | other"
    )
    assert ModelRemedies(graph, QUERY).exposure == {
        "1": AFFECTED,
        "2": UNKNOWN,
        "3": UNAFFECTED,
        "4": UNAFFECTED,
    }


def test_hops_are_given_only_when_remediable() -> None:
    assert Remediation(NO_PATH).hops is None
    assert Remediation(INCOMPLETE, missing_data=("2",)).hops is None


# assess_model: the exposed entries of one model


def versioned(
    eid: str, version: str, kind: str, *, upgrade_from: str = "N/A", removed: bool = False
) -> CplEntry:
    vendor, stack = ZIGBEE[kind]
    status = EntryStatus.REMOVED if removed else EntryStatus.ACTIVE
    return entry(eid, upgrade_from, version=version, status=status, vendor=vendor, stack=stack)


def test_a_model_with_nothing_exposed_is_not_assessed() -> None:
    graph = impact_graph("1 <- N/A | fixed", "(2) <- 1 | other", "3 <- ? | fixed")
    assert assess_model(ModelRemedies(graph, QUERY)) is None


def test_a_model_lists_affected_and_unknown_exposure_entries_active_and_removed_by_version() -> (
    None
):
    graph = ModelGraph(
        DeviceModel(*MODEL),
        [
            versioned("30", "00000300", "fixed", upgrade_from="4"),
            versioned("4", "00000200", "unknown", upgrade_from="7"),
            versioned("7", "00000100", "affected", removed=True),
            versioned("9", "80000000", "affected", upgrade_from=""),
            versioned("8", "00000100", "unknown", removed=True, upgrade_from=""),
            versioned("12", "0000000A", "affected"),
            versioned("5", "00000050", "other", removed=True),
        ],
    )
    impact = assess_model(ModelRemedies(graph, QUERY))
    assert impact is not None
    assert impact.device_model == DeviceModel(*MODEL)
    listed = [(x.entry.cpl_entry_id, x.exposure) for x in impact.entries]
    assert listed == [
        ("12", AFFECTED),
        ("7", AFFECTED),
        ("8", UNKNOWN),
        ("4", UNKNOWN),
        ("9", AFFECTED),
    ]
    by_id = {x.entry.cpl_entry_id: x for x in impact.entries}
    assert by_id["7"].remediation.status is OK
    assert ids(by_id["7"].remediation.steps) == ("4", "30")
    assert by_id["4"].remediation.status is OK
    assert ids(by_id["4"].remediation.steps) == ("30",)
    assert by_id["12"].remediation.status is NO_PATH
    assert by_id["8"].remediation.status is NO_PATH
    assert all(x.entry is graph.entries[x.entry.cpl_entry_id] for x in impact.entries)


def test_an_unknown_exposure_entry_is_never_left_out_even_when_nothing_is_affected() -> None:
    graph = impact_graph("1 <- N/A | unknown", "(2) <- 1 | unknown", "3 <- 2 | fixed")
    impact = assess_model(ModelRemedies(graph, QUERY))
    assert impact is not None
    assert [(x.entry.cpl_entry_id, x.exposure) for x in impact.entries] == [
        ("1", UNKNOWN),
        ("2", UNKNOWN),
    ]


def test_exposed_entries_sharing_a_version_are_ordered_by_numeric_id() -> None:
    graph = ModelGraph(
        DeviceModel(*MODEL),
        [versioned(eid, "01000000", "affected") for eid in ("100", "20", "3", "B-1", "A-9")],
    )
    impact = assess_model(ModelRemedies(graph, QUERY))
    assert impact is not None
    assert [x.entry.cpl_entry_id for x in impact.entries] == ["3", "20", "100", "A-9", "B-1"]


# Property: every remediation checked against a brute force over plain data

VENDORS = ["Acme", "ACME Radio", "Nordic", None]
STACKS = ["3.1", "3.2", "4.0", None]
VENDOR_PATTERNS = ["acme", "ACME*", "*o*", "*", "nordic", None]
STACK_PATTERNS = ["3.*", "3.1", "*.0", "*", None]
VERSIONS = ["00000001", "00000002", "0000000A", "7FFFFFFF", "80000000", "FFFFFFFF"]
FOREIGN_ID = "X-404"


@dataclass(frozen=True)
class Spec:
    """One entry as plain data: `upgrade_from` is referenced IDs, "N/A", or None (unknown)."""

    eid: str
    version: str
    active: bool
    upgrade_from: tuple[str, ...] | Literal["N/A"] | None
    vendor: str | None
    stack: str | None

    def to_entry(self) -> CplEntry:
        text = (
            ""
            if self.upgrade_from is None
            else self.upgrade_from
            if self.upgrade_from == "N/A"
            else ";".join(self.upgrade_from)
        )
        status = EntryStatus.ACTIVE if self.active else EntryStatus.REMOVED
        return entry(
            self.eid,
            text,
            version=self.version,
            status=status,
            vendor=self.vendor,
            stack=self.stack,
        )


@st.composite
def device_models(draw: st.DrawFn) -> list[Spec]:
    """3-10 entries of one model; an entry references only entries drawn before it (acyclic)."""
    n = draw(st.integers(3, 10))
    numbers = draw(st.lists(st.integers(1, 500), min_size=n, max_size=n, unique=True))
    eids = [str(x) for x in numbers]
    specs: list[Spec] = []
    for i, eid in enumerate(eids):
        kind = draw(st.sampled_from(["ids", "ids", "ids", "na", "unknown"]))
        upgrade_from: tuple[str, ...] | Literal["N/A"] | None
        if kind == "na":
            upgrade_from = "N/A"
        elif kind == "unknown":
            upgrade_from = None
        else:
            picks = draw(st.lists(st.booleans(), min_size=i, max_size=i))
            refs = [ref for ref, picked in zip(eids[:i], picks, strict=True) if picked]
            if not refs or draw(st.integers(0, 9)) == 0:
                refs.append(FOREIGN_ID)
            upgrade_from = tuple(refs)
        specs.append(
            Spec(
                eid,
                version=draw(st.sampled_from(VERSIONS)),
                active=draw(st.sampled_from([True, True, True, False])),
                upgrade_from=upgrade_from,
                vendor=draw(st.sampled_from(VENDORS)),
                stack=draw(st.sampled_from(STACKS)),
            )
        )
    return draw(st.permutations(specs))


queries = st.tuples(st.sampled_from(VENDOR_PATTERNS), st.sampled_from(STACK_PATTERNS)).filter(
    lambda q: q != (None, None)
)


def star_match(pattern: str, value: str) -> bool:
    """Whole-value match where `*` is any run of characters, letters compared case-blind."""
    p, v = pattern.lower(), value.lower()
    if not p:
        return not v
    if p[0] == "*":
        return any(star_match(p[1:], v[k:]) for k in range(len(v) + 1))
    return bool(v) and p[0] == v[0] and star_match(p[1:], v[1:])


class BruteForce:
    """Answers from the plain data alone, by enumerating simple paths."""

    def __init__(self, specs: list[Spec], vendor: str | None, stack: str | None) -> None:
        self.specs = {s.eid: s for s in specs}
        self.successors: dict[str, list[str]] = {eid: [] for eid in self.specs}
        for s in specs:
            if isinstance(s.upgrade_from, tuple):
                for ref in s.upgrade_from:
                    if ref in self.specs and ref != s.eid:
                        self.successors[ref].append(s.eid)
        self.exposure = {
            eid: self.exposure_of([(vendor, s.vendor), (stack, s.stack)])
            for eid, s in self.specs.items()
        }
        self.fixes = {
            eid for eid, s in self.specs.items() if s.active and self.exposure[eid] == "unaffected"
        }

    @staticmethod
    def exposure_of(asked: list[tuple[str | None, str | None]]) -> str:
        given = [(p, v) for p, v in asked if p is not None]
        if any(v is not None and not star_match(p, v) for p, v in given):
            return "unaffected"
        if any(v is None for _, v in given):
            return "unknown_exposure"
        return "affected"

    def paths(self, source: str, target: str) -> Iterator[list[str]]:
        """Every simple path source -> target through active entries, as its steps."""

        def walk(path: list[str]) -> Iterator[list[str]]:
            if path[-1] == target:
                yield path[1:]
                return
            for nxt in self.successors[path[-1]]:
                if nxt not in path and self.specs[nxt].active:
                    yield from walk([*path, nxt])

        return walk([source])

    def reaches(self, source: str, target: str) -> bool:
        return next(self.paths(source, target), None) is not None

    def fewest_steps(self, source: str) -> int | None:
        lengths = [len(p) for fix in self.fixes if fix != source for p in self.paths(source, fix)]
        return min(lengths, default=None)

    def whom_to_ask(self, source: str) -> set[str]:
        """For a device on `source` with no fix in reach: active entries of unknown exposure it
        can reach, and active entries other than it with unknown upgrade-from that are, or
        reach, a possibly unaffected active entry other than it, and that it could come to
        were every unknown upgrade-from filled in."""
        maybe = {
            eid
            for eid, s in self.specs.items()
            if s.active and self.exposure[eid] != "affected" and eid != source
        }
        unknown_in_reach = {p for p in maybe if self.reaches(source, p)}
        upgrade_unknown = {
            u
            for u, s in self.specs.items()
            if u != source
            and s.active
            and s.upgrade_from is None
            and (u in maybe or any(self.reaches(u, p) for p in maybe))
            and u in could_reach(self.specs, self.successors, source)
        }
        return unknown_in_reach | upgrade_unknown


def id_order(eid: str) -> tuple[bool, int, str]:
    return (not eid.isdigit(), int(eid) if eid.isdigit() else 0, eid)


@settings(max_examples=300, deadline=None)
@given(device_models(), queries)
def test_every_remediation_matches_a_brute_force_search(
    specs: list[Spec], asked: tuple[str | None, str | None]
) -> None:
    vendor, stack = asked
    graph = ModelGraph(DeviceModel(*MODEL), [s.to_entry() for s in specs])
    remedies = ModelRemedies(graph, VulnerabilityQuery(vendor, stack))
    brute = BruteForce(specs, vendor, stack)
    assert {eid: e.value for eid, e in remedies.exposure.items()} == brute.exposure
    for source, exposure in brute.exposure.items():
        if exposure == "unaffected":
            continue
        ask = brute.whom_to_ask(source)
        result = remedies.remediation(source)
        event(result.status.value)
        shortest = brute.fewest_steps(source)
        if shortest is not None:
            assert result.status is OK
            steps = [e.cpl_entry_id for e in result.steps]
            assert len(steps) == shortest == result.hops
            assert result.target is not None
            assert result.target.cpl_entry_id == steps[-1]
            assert steps[-1] in brute.fixes
            assert source not in steps
            assert all(brute.specs[eid].active for eid in steps)
            for a, b in zip([source, *steps], steps, strict=False):
                assert b in brute.successors[a], f"{a} -> {b} is not a known edge"
            assert result.missing_data == ()
        elif ask:
            assert result.status is INCOMPLETE
            assert set(result.missing_data) == ask
            assert list(result.missing_data) == sorted(ask, key=id_order)
            assert result.steps == ()
            assert result.target is None
        else:
            assert result.status is NO_PATH
            assert result.steps == ()
            assert result.missing_data == ()
            assert result.target is None


@settings(max_examples=200, deadline=None)
@given(device_models(), queries)
def test_assess_model_lists_exactly_the_exposed_entries_in_version_order(
    specs: list[Spec], asked: tuple[str | None, str | None]
) -> None:
    vendor, stack = asked
    graph = ModelGraph(DeviceModel(*MODEL), [s.to_entry() for s in specs])
    remedies = ModelRemedies(graph, VulnerabilityQuery(vendor, stack))
    brute = BruteForce(specs, vendor, stack)
    exposed = [
        s
        for s in sorted(specs, key=lambda s: (int(s.version, 16), id_order(s.eid)))
        if brute.exposure[s.eid] != "unaffected"
    ]
    impact = assess_model(remedies)
    if not exposed:
        assert impact is None
        return
    assert impact is not None
    assert [x.entry.cpl_entry_id for x in impact.entries] == [s.eid for s in exposed]
    for x in impact.entries:
        assert x.exposure.value == brute.exposure[x.entry.cpl_entry_id]
        assert x.remediation == remedies.remediation(x.entry.cpl_entry_id)


def test_the_brute_force_wildcard_agrees_with_the_table() -> None:
    for param in WILDCARDS:
        pattern, value, matches = param.values
        assert isinstance(pattern, str)
        assert isinstance(value, str)
        if not re.search(r"^\s|\s$", pattern):
            assert star_match(pattern, value) is matches


def test_each_exposed_entry_has_one_outcome_counted_per_model() -> None:
    graph = impact_graph(
        "1 <- N/A | affected",  # reaches 3 over the air
        "2 <- 1 | unknown",  # does not say its stack
        "3 <- 1 | fixed",
        "4 <- N/A | affected",  # leads only to 5, which may be unaffected: ask
        "5 <- 4 | unknown",
        "6 <- N/A | affected",  # nothing leads on from it: a site visit
    )
    impact = assess_model(ModelRemedies(graph, QUERY))
    assert impact is not None
    outcomes = {x.entry.cpl_entry_id: x.outcome for x in impact.entries}
    assert outcomes == {
        "1": Outcome.REMEDIABLE,
        "2": Outcome.UNKNOWN_EXPOSURE,
        "4": Outcome.INCOMPLETE,
        "5": Outcome.UNKNOWN_EXPOSURE,
        "6": Outcome.STRANDED,
    }
    assert impact.outcomes == {
        Outcome.REMEDIABLE: 1,
        Outcome.STRANDED: 1,
        Outcome.INCOMPLETE: 1,
        Outcome.UNKNOWN_EXPOSURE: 2,
    }
    assert count_outcomes([]) == dict.fromkeys(Outcome, 0)
