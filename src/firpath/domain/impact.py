"""ZigBee vulnerability impact: which entries carry a chipset/stack, and can they be fixed OTA."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum

from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.errors import FieldInvalid
from firpath.domain.upgrade_graph import ModelGraph, PathStatus
from firpath.domain.values import entry_id_order


class Exposure(StrEnum):
    """Whether an entry carries the vulnerable chipset/stack."""

    AFFECTED = "affected"
    UNKNOWN = "unknown_exposure"  # a ZigBee field the query needs is not provided
    UNAFFECTED = "unaffected"


def wildcard(field: str, pattern: str) -> re.Pattern[str]:
    """A case-insensitive whole-value pattern where `*` matches anything."""
    text = pattern.strip()
    if not text:
        raise FieldInvalid(field, pattern, "must not be empty (use * to match anything)")
    parts = (re.escape(part) for part in text.split("*"))
    return re.compile(".*".join(parts), re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class VulnerabilityQuery:
    """The chipset vendor and/or stack version a vulnerability concerns (`*` wildcards)."""

    chipset_vendor: str | None = None
    stack_version: str | None = None

    def __post_init__(self) -> None:
        if self.chipset_vendor is None and self.stack_version is None:
            raise FieldInvalid(
                "query", "", "give a chipset vendor, a stack version, or both (`*` wildcards)"
            )
        patterns = [
            (name, wildcard(name, value))
            for name, value in (
                ("zigbee_chipset_vendor", self.chipset_vendor),
                ("zigbee_stack_version", self.stack_version),
            )
            if value is not None
        ]
        object.__setattr__(self, "_patterns", patterns)  # derived once; the query stays frozen

    _patterns: list[tuple[str, re.Pattern[str]]] = field(init=False, repr=False, compare=False)

    def exposure(self, entry: CplEntry) -> Exposure:
        """Affected when every given field matches; unaffected when one cannot; else unknown."""
        unknown = False
        for name, pattern in self._patterns:
            value: str | None = getattr(entry, name)
            if value is None:
                unknown = True
            elif pattern.fullmatch(value) is None:
                return Exposure.UNAFFECTED
        return Exposure.UNKNOWN if unknown else Exposure.AFFECTED


@dataclass(frozen=True, slots=True)
class Remediation:
    """Can a device on an exposed entry reach an unaffected active entry over the air?"""

    status: PathStatus  # OK (remediable), NO_PATH or INCOMPLETE_DATA
    target: CplEntry | None = None
    steps: tuple[CplEntry, ...] = ()
    missing_data: tuple[str, ...] = ()

    @property
    def hops(self) -> int | None:
        """Images to send, when remediable."""
        return len(self.steps) if self.status is PathStatus.OK else None


class Outcome(StrEnum):
    """What can be done for a device on an exposed entry."""

    REMEDIABLE = "remediable"  # affected; an unaffected active entry is reachable over the air
    STRANDED = "stranded"  # affected; no route over the air: a site visit or a new release
    INCOMPLETE = "incomplete_data"  # affected; missing data may hide a route: ask for it
    UNKNOWN_EXPOSURE = "unknown_exposure"  # the entry does not state the ZigBee fields asked


@dataclass(frozen=True, slots=True)
class ExposedEntry:
    """An entry that is affected or of unknown exposure, with its remediation."""

    entry: CplEntry
    exposure: Exposure
    remediation: Remediation

    @property
    def outcome(self) -> Outcome:
        """What can be done for a device on this entry."""
        if self.exposure is not Exposure.AFFECTED:
            return Outcome.UNKNOWN_EXPOSURE
        return {
            PathStatus.OK: Outcome.REMEDIABLE,
            PathStatus.NO_PATH: Outcome.STRANDED,
        }.get(self.remediation.status, Outcome.INCOMPLETE)


def count_outcomes(exposed: Iterable[ExposedEntry]) -> dict[Outcome, int]:
    """How many of `exposed` have each outcome (every outcome, zero included)."""
    counts = dict.fromkeys(Outcome, 0)
    for x in exposed:
        counts[x.outcome] += 1
    return counts


@dataclass(frozen=True, slots=True)
class ModelImpact:
    """The exposed entries of one device model."""

    device_model: DeviceModel
    entries: tuple[ExposedEntry, ...]
    fix_on_cpl: bool = True  # an active unaffected entry exists in the model (reachable or not)

    @property
    def affected(self) -> bool:
        """Whether any entry of the model carries the chipset/stack (not only unknown ones)."""
        return any(x.exposure is Exposure.AFFECTED for x in self.entries)

    @property
    def outcomes(self) -> dict[Outcome, int]:
        """How many of the model's exposed entries have each outcome."""
        return count_outcomes(self.entries)


class ModelRemedies:
    """Fewest-step routes from any entry of a model to its nearest unaffected active entry.

    When none is reachable, the answer is `incomplete_data` if missing data could hide a
    remedy: an active entry of unknown exposure the device can reach (it may be unaffected:
    ask for its ZigBee data), or an active entry with *upgrade from* not provided that is, or
    leads to, a possibly unaffected entry (ask which firmware may be upgraded to it).
    """

    def __init__(self, graph: ModelGraph, query: VulnerabilityQuery) -> None:
        self.graph = graph
        self.exposure = {eid: query.exposure(e) for eid, e in graph.entries.items()}
        active = {eid for eid, e in graph.entries.items() if e.is_active}
        safe = sorted(
            (eid for eid in active if self.exposure[eid] is Exposure.UNAFFECTED),
            key=entry_id_order,
        )
        self.possibly_safe = frozenset(
            eid for eid in active if self.exposure[eid] is not Exposure.AFFECTED
        )
        self.has_fix = bool(safe)
        self.hops, self.next_hop = self._backwards(safe)

    def _backwards(self, sources: list[str]) -> tuple[dict[str, int], dict[str, str]]:
        """Steps from every entry to its nearest source; a removed entry is never passed."""
        hops: dict[str, int] = dict.fromkeys(sources, 0)
        next_hop: dict[str, str] = {}
        queue = deque(sources)
        while queue:
            node = queue.popleft()
            if not self.graph.entries[node].is_active:
                continue
            for pred in self.graph.predecessors[node]:
                if pred not in hops:
                    hops[pred] = hops[node] + 1
                    next_hop[pred] = node
                    queue.append(pred)
        return hops, next_hop

    def _forwards(self, start: str) -> set[str]:
        """Entries reachable from `start` in one step or more, every step active."""
        seen: set[str] = set()
        queue = deque([start])
        while queue:
            for nxt in self.graph.successors.get(queue.popleft(), ()):
                if nxt not in seen and self.graph.entries[nxt].is_active:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen

    def remediation(self, entry_id: str) -> Remediation:
        """The nearest unaffected active entry reachable from `entry_id`, or why there is none."""
        if self.hops.get(entry_id, 0) > 0:
            steps: list[CplEntry] = []
            node = entry_id
            while node in self.next_hop:
                node = self.next_hop[node]
                steps.append(self.graph.entries[node])
            return Remediation(PathStatus.OK, steps[-1], tuple(steps))
        targets = sorted(self.possibly_safe - {entry_id}, key=entry_id_order)
        leads_to_target, _ = self._backwards(targets)
        # only entries this one could come to, were their upgrade-from known, are asked
        could_reach = self.graph.could_reach(entry_id)
        ask_upgrade_from = {
            eid
            for eid in leads_to_target
            if eid != entry_id
            and self.graph.entries[eid].is_active
            and not self.graph.entries[eid].upgrade_from.is_known
            and eid in could_reach
        }
        ask_exposure = self._forwards(entry_id) & (self.possibly_safe - {entry_id})
        missing = tuple(sorted(ask_upgrade_from | ask_exposure, key=entry_id_order))
        if missing:
            return Remediation(PathStatus.INCOMPLETE_DATA, missing_data=missing)
        return Remediation(PathStatus.NO_PATH)


def assess_model(remedies: ModelRemedies) -> ModelImpact | None:
    """The exposed entries of one model with their remediation (None when none is exposed)."""
    graph = remedies.graph
    exposed = [
        ExposedEntry(graph.entries[eid], exposure, remedies.remediation(eid))
        for eid, exposure in remedies.exposure.items()
        if exposure is not Exposure.UNAFFECTED
    ]
    if not exposed:
        return None
    exposed.sort(key=lambda x: (x.entry.firmware_number, entry_id_order(x.entry.cpl_entry_id)))
    return ModelImpact(graph.model, tuple(exposed), remedies.has_fix)


@dataclass(frozen=True, slots=True)
class PatternMiss:
    """A query pattern that matches no stated value on the CPL, with the closest values."""

    field: str
    pattern: str
    closest: tuple[str, ...]


def _closeness(stem: str, value: str) -> float:
    lowered = value.lower()
    score = SequenceMatcher(None, stem, lowered).ratio()
    if stem and (stem in lowered or lowered in stem):
        score += 1.0
    elif stem and lowered.split()[:1] == stem.split()[:1]:
        score += 0.5
    return score


def pattern_misses(
    query: VulnerabilityQuery, entries: Iterable[CplEntry], limit: int = 5
) -> list[PatternMiss]:
    """Each given pattern that no stated value matches, with up to `limit` closest values."""
    stated: dict[str, set[str]] = {name: set() for name, _ in query._patterns}
    for e in entries:
        for name in stated:
            value = getattr(e, name)
            if value is not None:
                stated[name].add(value)
    misses: list[PatternMiss] = []
    given = {
        "zigbee_chipset_vendor": query.chipset_vendor,
        "zigbee_stack_version": query.stack_version,
    }
    for name, pattern in query._patterns:
        if any(pattern.fullmatch(v) for v in stated[name]):
            continue
        raw = given[name] or ""
        stem = " ".join(raw.replace("*", " ").lower().split())
        ranked = sorted(stated[name], key=lambda v: (-_closeness(stem, v), v.lower(), v))
        close = [v for v in ranked if _closeness(stem, v) >= 0.5][:limit]
        misses.append(PatternMiss(name, raw, tuple(close)))
    return misses


def fields_not_provided(query: VulnerabilityQuery, entries: Iterable[CplEntry]) -> dict[str, int]:
    """For each field the query asks about: how many in-scope entries do not state it."""
    counts = {name: 0 for name, _ in query._patterns}
    for e in entries:
        if not e.device_type.in_scope:
            continue
        for name in counts:
            if getattr(e, name) is None:
                counts[name] += 1
    return counts
