"""The upgrade graph: per device model, edge A -> B when A is in B's *upgrade from*."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.upgrade_from import UpgradeFromKind
from firpath.domain.values import entry_id_order


class PathStatus(StrEnum):
    """The answer to "can this meter get from S to T over the air?"."""

    UP_TO_DATE = "up_to_date"  # S is T
    OK = "ok"  # a path of known edges through active entries exists
    INCOMPLETE_DATA = "incomplete_data"  # no path, but missing *upgrade from* data could hide one
    NO_PATH = "no_path"  # the device cannot reach T over the air


@dataclass(frozen=True, slots=True)
class PathResult:
    """One path answer: status, the steps (excluding the source, ending with the target)."""

    status: PathStatus
    source: CplEntry
    target: CplEntry | None  # None: the device model has no active entry to reach
    steps: tuple[CplEntry, ...] = ()
    missing_data: tuple[str, ...] = ()  # active entries whose unknown *upgrade from* could help


@dataclass(frozen=True, slots=True)
class Routes:
    """Every fewest-step route to one target within one device model."""

    target: CplEntry
    next_hop: Mapping[str, str]  # entry -> the next step towards the target
    hops: Mapping[str, int]  # entry -> number of steps to the target (target: 0)
    missing_data: tuple[str, ...]  # for any source; path_from keeps those that can help it
    graph: ModelGraph

    def path_from(self, source_id: str) -> PathResult:
        """The answer for a device running `source_id` (an entry of this model)."""
        source = self.graph.entries[source_id]
        if source_id == self.target.cpl_entry_id:
            return PathResult(PathStatus.UP_TO_DATE, source, self.target)
        if source_id in self.hops:
            steps: list[CplEntry] = []
            node = source_id
            while node != self.target.cpl_entry_id:
                node = self.next_hop[node]
                steps.append(self.graph.entries[node])
            return PathResult(PathStatus.OK, source, self.target, tuple(steps))
        # only entries the meter could come to, were their upgrade-from known, are asked
        could_reach = self.graph.could_reach(source_id) if self.missing_data else frozenset()
        missing = tuple(eid for eid in self.missing_data if eid in could_reach)
        if missing:
            return PathResult(PathStatus.INCOMPLETE_DATA, source, self.target, missing_data=missing)
        return PathResult(PathStatus.NO_PATH, source, self.target)


class ModelGraph:
    """The upgrade graph of one device model (only known edges between its entries)."""

    def __init__(self, model: DeviceModel, entries: Iterable[CplEntry]) -> None:
        self.model = model
        self.entries: dict[str, CplEntry] = {e.cpl_entry_id: e for e in entries}
        predecessors: dict[str, list[str]] = {}
        successors: dict[str, list[str]] = defaultdict(list)
        for eid, entry in self.entries.items():
            uf = entry.upgrade_from
            refs = (
                [r for r in uf.ids if r in self.entries and r != eid]
                if uf.kind is UpgradeFromKind.IDS
                else []
            )
            refs.sort(key=entry_id_order)
            predecessors[eid] = refs
            for ref in refs:
                successors[ref].append(eid)
        self.predecessors = predecessors
        self.successors = {k: sorted(v, key=entry_id_order) for k, v in successors.items()}
        self._routes: dict[str, Routes] = {}
        self._could_reach: dict[str, frozenset[str]] = {}
        self._latest: CplEntry | None = None
        self._latest_known = False

    def latest(self) -> CplEntry | None:
        """The active entry with the highest firmware version (ties: larger CPL Entry ID)."""
        if not self._latest_known:  # asked once per device model, not once per entry
            active = [e for e in self.entries.values() if e.is_active]
            self._latest = (
                max(active, key=lambda e: (e.firmware_number, entry_id_order(e.cpl_entry_id)))
                if active
                else None
            )
            self._latest_known = True
        return self._latest

    def could_reach(self, source_id: str) -> frozenset[str]:
        """The active entries a meter on `source_id` might reach if every unknown *upgrade
        from* were filled in: known edges, plus an edge into each active entry of unknown
        *upgrade from* from any firmware not later than its own (upgrade from lists earlier
        firmware, or a twin's). Data missing on entries outside this set cannot help it."""
        cached = self._could_reach.get(source_id)
        if cached is not None:
            return cached
        # entries of unknown upgrade-from by firmware version: a node of version v may hide
        # an edge into each from `bisect_left(versions, v)` on; those from the lowest such
        # start so far are queued already, so each is taken once (linear, not quadratic)
        unknown = sorted(
            (e for e in self.entries.values() if e.is_active and not e.upgrade_from.is_known),
            key=lambda e: e.firmware_number,
        )
        versions = [e.firmware_number for e in unknown]
        taken_from = len(unknown)
        seen: set[str] = set()
        queue = deque([source_id])
        while queue:
            node = self.entries[queue.popleft()]
            onward = [
                e for e in self.successors.get(node.cpl_entry_id, ()) if self.entries[e].is_active
            ]
            start = bisect_left(versions, node.firmware_number)
            if start < taken_from:
                onward += [e.cpl_entry_id for e in unknown[start:taken_from]]
                taken_from = start
            for nxt in onward:
                if nxt not in seen and nxt != source_id:
                    seen.add(nxt)
                    queue.append(nxt)
        found = frozenset(seen)
        self._could_reach[source_id] = found
        return found

    def routes_to(self, target_id: str) -> Routes:
        """Fewest-step routes from every entry to `target_id` (computed once, then kept)."""
        cached = self._routes.get(target_id)
        if cached is not None:
            return cached
        target = self.entries[target_id]
        hops: dict[str, int] = {}
        next_hop: dict[str, str] = {}
        if target.is_active:
            # Backwards from the target: a node is expanded only if it may be a step
            # (active); a removed entry is reached as a possible start but never passed.
            hops[target_id] = 0
            queue = deque([target_id])
            while queue:
                node = queue.popleft()
                if not self.entries[node].is_active:
                    continue
                for pred in self.predecessors[node]:
                    if pred not in hops:
                        hops[pred] = hops[node] + 1
                        next_hop[pred] = node
                        queue.append(pred)
        missing = tuple(
            sorted(
                (
                    eid
                    for eid in hops
                    if self.entries[eid].is_active and not self.entries[eid].upgrade_from.is_known
                ),
                key=entry_id_order,
            )
        )
        routes = Routes(target, next_hop, hops, missing, self)
        self._routes[target_id] = routes
        return routes

    def plan_path(self, source_id: str, target_id: str) -> PathResult:
        """The fewest-steps path from one entry to another of this model (exactly that entry)."""
        return self.routes_to(target_id).path_from(source_id)

    def plan_to_latest(self, source_id: str) -> PathResult:
        """The path to the model's latest firmware: a device already on that version, in any
        build (a twin: same version, another hash), is up to date."""
        source = self.entries[source_id]
        latest = self.latest()
        if latest is None:
            return PathResult(PathStatus.NO_PATH, source, None)
        if source.firmware_version == latest.firmware_version:
            return PathResult(PathStatus.UP_TO_DATE, source, latest)
        return self.plan_path(source_id, latest.cpl_entry_id)


def group_by_model(entries: Iterable[CplEntry]) -> dict[DeviceModel, list[CplEntry]]:
    """Entries grouped by device model."""
    groups: dict[DeviceModel, list[CplEntry]] = defaultdict(list)
    for e in entries:
        groups[e.device_model].append(e)
    return groups
