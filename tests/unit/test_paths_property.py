"""Every path answer, `latest` and firmware resolution checked against a brute-force search.

The strategy draws random device models as plain data (`Spec`); the brute force reads only
that data, enumerating simple paths by depth-first search, and shares no code with firpath.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from hypothesis import event, given, settings
from hypothesis import strategies as st

from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.firmware_lookup import FirmwareIndex, Resolution
from firpath.domain.path_explanation import blocking_entries, explain
from firpath.domain.upgrade_graph import ModelGraph, PathStatus
from firpath.domain.values import EntryStatus
from tests.unit.hidden_edges import could_reach
from tests.unit.test_rules import MODEL, entry, sha

FOREIGN_ID = "X-404"  # an upgrade-from reference to an entry outside the graph
SPECIAL_VERSIONS = ["00000000", "00000009", "0000000A", "7FFFFFFF", "80000000", "FFFFFFFF"]


@dataclass(frozen=True)
class Spec:
    """One entry as plain data: `upgrade_from` is referenced IDs, "N/A", or None (unknown)."""

    eid: str
    version: str
    active: bool
    upgrade_from: tuple[str, ...] | Literal["N/A"] | None

    def to_entry(self) -> CplEntry:
        text = (
            ""
            if self.upgrade_from is None
            else self.upgrade_from
            if self.upgrade_from == "N/A"
            else ";".join(self.upgrade_from)
        )
        status = EntryStatus.ACTIVE if self.active else EntryStatus.REMOVED
        return entry(self.eid, text, version=self.version, status=status)


@st.composite
def device_models(draw: st.DrawFn) -> list[Spec]:
    """3-12 entries of one model; an entry references only entries drawn before it (acyclic).

    IDs are random numbers, so edges run in any direction of ID and firmware version; versions
    come from a small pool, so builds often share a version (with different hashes).
    """
    n = draw(st.integers(3, 12))
    numbers = draw(st.lists(st.integers(1, 20_000), min_size=n, max_size=n, unique=True))
    eids = [str(x) for x in numbers]
    own = [f"{v:08X}" for v in draw(st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=3))]
    pool = SPECIAL_VERSIONS + own
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
                version=draw(st.sampled_from(pool)),
                active=draw(st.sampled_from([True, True, True, False])),
                upgrade_from=upgrade_from,
            )
        )
    return draw(st.permutations(specs))


# The brute force


class BruteForce:
    """Answers from the plain data alone, by enumerating simple paths."""

    def __init__(self, specs: list[Spec]) -> None:
        self.specs = {s.eid: s for s in specs}
        self.successors: dict[str, list[str]] = {eid: [] for eid in self.specs}
        for s in specs:
            if isinstance(s.upgrade_from, tuple):
                for ref in s.upgrade_from:
                    if ref in self.specs and ref != s.eid:
                        self.successors[ref].append(s.eid)

    def is_edge(self, a: str, b: str) -> bool:
        return b in self.successors[a]

    def paths(self, source: str, target: str, *, active_only: bool = True) -> Iterator[list[str]]:
        """Every simple path source -> target as its steps (source excluded)."""

        def walk(path: list[str]) -> Iterator[list[str]]:
            if path[-1] == target:
                yield path[1:]
                return
            for nxt in self.successors[path[-1]]:
                if nxt not in path and (self.specs[nxt].active or not active_only):
                    yield from walk([*path, nxt])

        return walk([source])

    def reaches(self, source: str, target: str, *, active_only: bool = True) -> bool:
        return next(self.paths(source, target, active_only=active_only), None) is not None

    def whom_to_ask(self, source: str, target: str) -> set[str]:
        """Active entries with unknown upgrade-from that are T or reach T through active ones,
        and that S could come to were every unknown upgrade-from filled in (an unknown one
        hides edges from firmware not later than its own: upgrade from lists earlier firmware,
        or a twin's)."""
        return {
            u
            for u, s in self.specs.items()
            if s.active
            and s.upgrade_from is None
            and self.reaches(u, target)
            and u in self.could_reach(source)
        }

    def could_reach(self, source: str) -> set[str]:
        return could_reach(self.specs, self.successors, source)

    def latest(self) -> str | None:
        """The active entry no other active entry beats on version, then on ID."""

        def beats(a: Spec, b: Spec) -> bool:
            va, vb = int(a.version, 16), int(b.version, 16)
            return va > vb or (va == vb and int(a.eid) > int(b.eid))

        active = [s for s in self.specs.values() if s.active]
        winners = [s.eid for s in active if not any(beats(o, s) for o in active if o is not s)]
        assert len(winners) <= 1
        return winners[0] if winners else None


def id_order(eid: str) -> tuple[bool, int, str]:
    return (not eid.isdigit(), int(eid) if eid.isdigit() else 0, eid)


def model_of(specs: list[Spec]) -> tuple[ModelGraph, BruteForce]:
    return ModelGraph(DeviceModel(*MODEL), [s.to_entry() for s in specs]), BruteForce(specs)


@st.composite
def models_with_twins(draw: st.DrawFn) -> list[Spec]:
    """A device model plus 1-3 twin builds (same version, another ID and hash) of entries at
    any position: the latest, a step, a removed entry, a source, another twin."""
    specs = list(draw(device_models()))
    taken = {s.eid for s in specs}
    for _ in range(draw(st.integers(1, 3))):
        latest = BruteForce(specs).latest()
        pool = specs + [s for s in specs if s.eid == latest] * 3
        original = draw(st.sampled_from(pool))
        eid = str(draw(st.integers(1, 20_000).filter(lambda n: str(n) not in taken)))
        taken.add(eid)
        kind = draw(st.sampled_from(["ids", "ids", "na", "unknown"]))
        upgrade_from: tuple[str, ...] | Literal["N/A"] | None
        if kind == "ids":
            refs = draw(st.lists(st.sampled_from([s.eid for s in specs]), min_size=1, max_size=3))
            upgrade_from = tuple(dict.fromkeys(refs))
        else:
            upgrade_from = "N/A" if kind == "na" else None
        active = draw(st.sampled_from([True, True, False]))
        specs.append(Spec(eid, original.version, active, upgrade_from))
    return draw(st.permutations(specs))


@settings(max_examples=300, deadline=None)
@given(models_with_twins())
def test_a_device_on_any_build_of_the_latest_version_is_up_to_date(specs: list[Spec]) -> None:
    graph, brute = model_of(specs)
    latest = brute.latest()
    for source, spec in brute.specs.items():
        result = graph.plan_to_latest(source)
        if latest is None:
            assert result.status is PathStatus.NO_PATH and result.target is None
        elif spec.version == brute.specs[latest].version:
            event("twin or latest itself")
            assert result.status is PathStatus.UP_TO_DATE
            assert result.target is not None and result.target.cpl_entry_id == latest
            assert result.steps == ()
        else:
            assert result == graph.plan_path(source, latest)
        assert explain(result, graph)


@settings(max_examples=300, deadline=None)
@given(models_with_twins())
def test_an_explicit_target_keeps_exact_entry_semantics_among_twins(specs: list[Spec]) -> None:
    check_every_path_answer(specs)


@settings(max_examples=300, deadline=None)
@given(device_models())
def test_every_path_answer_matches_a_brute_force_search(specs: list[Spec]) -> None:
    check_every_path_answer(specs)


def check_every_path_answer(specs: list[Spec]) -> None:
    """Every (source, target) answer of the graph against the brute force."""
    graph, brute = model_of(specs)
    for target in brute.specs:
        for source in brute.specs:
            ask = brute.whom_to_ask(source, target)
            result = graph.plan_path(source, target)
            event(result.status.value)
            shortest = min((len(p) for p in brute.paths(source, target)), default=None)
            if source == target:
                assert result.status is PathStatus.UP_TO_DATE
                assert result.steps == ()
            elif shortest is not None:
                assert result.status is PathStatus.OK
                steps = [e.cpl_entry_id for e in result.steps]
                assert len(steps) == shortest
                assert steps[-1] == target
                assert source not in steps
                assert all(brute.specs[eid].active for eid in steps)
                for a, b in zip([source, *steps], steps, strict=False):
                    assert brute.is_edge(a, b), f"{a} -> {b} is not a known edge"
                assert result.missing_data == ()
            elif ask:
                assert result.status is PathStatus.INCOMPLETE_DATA
                assert result.missing_data
                assert set(result.missing_data) == ask
                assert list(result.missing_data) == sorted(ask, key=id_order)
                assert result.steps == ()
            else:
                assert result.status is PathStatus.NO_PATH
                assert result.steps == ()
                assert result.missing_data == ()
            assert explain(result, graph)


@settings(max_examples=300, deadline=None)
@given(device_models())
def test_blocking_entries_are_the_removed_entries_on_known_routes(specs: list[Spec]) -> None:
    graph, brute = model_of(specs)
    for target, t in brute.specs.items():
        if not t.active:
            continue
        for source in brute.specs:
            result = graph.plan_path(source, target)
            if result.status is not PathStatus.NO_PATH:
                continue
            expected = {
                x
                for x, s in brute.specs.items()
                if not s.active
                and x != source
                and brute.reaches(source, x, active_only=False)
                and brute.reaches(x, target, active_only=False)
            }
            assert blocking_entries(result, graph) == sorted(expected, key=id_order)


@settings(max_examples=300, deadline=None)
@given(device_models())
def test_latest_matches_a_brute_force(specs: list[Spec]) -> None:
    graph, brute = model_of(specs)
    latest = graph.latest()
    assert (latest.cpl_entry_id if latest else None) == brute.latest()


@settings(max_examples=200, deadline=None)
@given(device_models())
def test_model_and_version_resolve_as_a_brute_force_count_says(specs: list[Spec]) -> None:
    index = FirmwareIndex([s.to_entry() for s in specs])
    m, mo, hw = MODEL
    for version in {s.version for s in specs} | {"12345678"}:
        builds = {s.eid for s in specs if s.version == version}
        match = index.by_model_version(m, mo, hw, version.lower())
        if not builds:
            assert match.resolution is Resolution.UNKNOWN_FIRMWARE
        elif len(builds) == 1:
            assert match.resolution is Resolution.FOUND
            assert match.entry is not None
            assert {match.entry.cpl_entry_id} == builds
        else:
            assert match.resolution is Resolution.AMBIGUOUS
            assert match.candidates == tuple(sorted(builds, key=id_order))
        for eid in builds:
            with_hash = index.by_model_version(m, mo, hw, version, sha(eid))
            assert with_hash.resolution is Resolution.FOUND
            assert with_hash.entry is not None
            assert with_hash.entry.cpl_entry_id == eid
        wrong = index.by_model_version(m, mo, hw, version, sha("not a build"))
        assert wrong.resolution is Resolution.UNKNOWN_FIRMWARE
