"""Why a path answer is what it is, in one or two sentences a Supplier can act on."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

from firpath.domain.entry import CplEntry
from firpath.domain.upgrade_from import UpgradeFromKind
from firpath.domain.upgrade_graph import ModelGraph, PathResult, PathStatus
from firpath.domain.values import entry_id_order


def entry_label(entry: CplEntry) -> str:
    """`10019 (3.4.0, 01030400)`: the ID with the version as name and hex."""
    name = f"{entry.firmware_version_name}, " if entry.firmware_version_name else ""
    return f"{entry.cpl_entry_id} ({name}{entry.firmware_version})"


def version_label(entry: CplEntry) -> str:
    """`3.4.0 (01030400)`: the version as name and hex."""
    if entry.firmware_version_name:
        return f"{entry.firmware_version_name} ({entry.firmware_version})"
    return entry.firmware_version


def _reach(start: str, links: Mapping[str, list[str]], avoid: str | None = None) -> set[str]:
    """Entries reachable from `start` over `links` (removed ones included), never through
    `avoid`."""
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in links.get(queue.popleft(), ()):
            if nxt not in seen and nxt != avoid:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _ids(items: Iterable[str]) -> str:
    return ", ".join(sorted(items, key=entry_id_order))


def blocking_entries(result: PathResult, graph: ModelGraph) -> list[str]:
    """Removed entries on known routes from the source to the target (they are never installed)."""
    if result.target is None:
        return []
    source, target = result.source.cpl_entry_id, result.target.cpl_entry_id
    forward = _reach(source, graph.successors)
    backward = _reach(target, graph.predecessors)
    between = (forward & backward) - {source}
    return sorted((eid for eid in between if not graph.entries[eid].is_active), key=entry_id_order)


def explain(result: PathResult, graph: ModelGraph | None) -> str:
    """One or two sentences on why the answer is what it is, naming the entries involved."""
    s, t = result.source, result.target
    if t is None:
        return (
            f"Device model {s.device_model} has no active entry on the CPL, so there is no "
            "firmware to upgrade to."
        )
    if result.status is PathStatus.UP_TO_DATE:
        if s.cpl_entry_id == t.cpl_entry_id:
            return f"{entry_label(s)} is already the target firmware."
        removed = ", a removed build" if not s.is_active else ""
        return (
            f"{entry_label(s)} already runs firmware {version_label(t)}, the latest version, in "
            f"another build (hash {s.manufacturer_image_hash[:12]}{removed}) than "
            f"{t.cpl_entry_id} (hash {t.manufacturer_image_hash[:12]}): nothing to install."
        )
    if result.status is PathStatus.OK:
        n = len(result.steps)
        return f"{n} image{'s' if n != 1 else ''} in this order, each one installed after the last."
    if graph is None or s.device_model != t.device_model:
        return (
            f"{s.cpl_entry_id} is device model {s.device_model} but {t.cpl_entry_id} is "
            f"{t.device_model}: firmware never changes hardware, so no image can take it there."
        )
    if result.status is PathStatus.INCOMPLETE_DATA:
        missing = result.missing_data
        n = len(missing)
        which = (
            "the target itself"
            if missing == (t.cpl_entry_id,)
            else (
                f"{n} entr{'y' if n == 1 else 'ies'} that lead{'s' if n == 1 else ''} to "
                f"{t.cpl_entry_id}: {_ids(missing)}"
            )
        )
        # ask about the newest firmware the meter can already reach, not where it starts
        furthest = max(
            (graph.entries[e] for e in _forward_active(s.cpl_entry_id, graph)),
            key=lambda e: (e.firmware_number, entry_id_order(e.cpl_entry_id)),
        )
        reach = (
            ""
            if furthest.cpl_entry_id == s.cpl_entry_id
            else f" A meter on {s.cpl_entry_id} can get as far as {entry_label(furthest)} over "
            "the known data."
        )
        return (
            f"No upgrade path to {t.cpl_entry_id} over the known data, and {which} "
            f"{'does' if n == 1 else 'do'} not say which firmware may be upgraded to "
            f"{'it' if n == 1 else 'them'}.{reach} Ask the manufacturer "
            f"({s.manufacturer_name or s.manufacturer_id}) whether {furthest.cpl_entry_id} may "
            f"be upgraded to {'it' if n == 1 else 'one of them'}."
        )
    return _no_path_reason(result, graph)


def _forward_active(start: str, graph: ModelGraph) -> set[str]:
    """Entries a meter on `start` can be brought to: every step an active entry."""
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in graph.successors.get(queue.popleft(), ()):
            if nxt not in seen and graph.entries[nxt].is_active:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _labels(ids: Iterable[str], graph: ModelGraph) -> str:
    return ", ".join(entry_label(graph.entries[e]) for e in sorted(ids, key=entry_id_order))


def _no_path_reason(result: PathResult, graph: ModelGraph) -> str:
    """The structural reason; when the meter already runs a newer version, that instead (no
    route back is missing: firmware only goes forward, so there is nothing to send)."""
    s, t = result.source, result.target
    if t is not None and t.is_active and s.firmware_number > t.firmware_number:
        withdrawn = ", a build withdrawn from the CPL," if not s.is_active else ""
        return (
            f"The meter runs {entry_label(s)}{withdrawn}, newer than {entry_label(t)}: "
            "firmware is never taken back to an older version over the air, so there is "
            "nothing to send; ask the manufacturer "
            f"({s.manufacturer_name or s.manufacturer_id}) whether it needs anything."
        )
    return _structural_reason(result, graph)


def _structural_reason(result: PathResult, graph: ModelGraph) -> str:
    """Why the meter cannot get there: where it gets stuck and what stops it, then what the
    target's own line of upgrades starts from."""
    s, t = result.source, result.target
    assert t is not None
    if not t.is_active:
        return f"{entry_label(t)} is removed from the CPL, so it is never installed."
    if t.upgrade_from.kind is UpgradeFromKind.NOT_APPLICABLE:
        return (
            f"Nothing may be upgraded to {entry_label(t)} (upgrade from N/A: a new base): "
            "a site visit is needed."
        )
    leads_to_target = _reach(t.cpl_entry_id, graph.predecessors)
    can_reach = _forward_active(s.cpl_entry_id, graph)
    stuck = {
        (at, removed)
        for at in can_reach
        for removed in graph.successors.get(at, ())
        if not graph.entries[removed].is_active and removed in leads_to_target
    }
    if stuck:
        ends = sorted({at for at, _ in stuck}, key=entry_id_order)
        first = _ids({r for _, r in stuck})
        where = (
            ""
            if ends == [s.cpl_entry_id]
            else f"A meter on {s.cpl_entry_id} can get as far as {_labels(ends, graph)}, but "
        )
        lead = "n" if where else "N"
        return (
            f"{where}{lead}o active entry lists {_ids(ends)} as upgrade-from on the way to "
            f"{t.cpl_entry_id} (only the removed {first}). {_through_removed(result, graph)}. "
            "Removed entries are never installed: a site visit is needed."
        )
    barrier = _removed_barrier(s, t, graph)
    if barrier is not None:
        return barrier
    onward = graph.successors.get(s.cpl_entry_id, [])
    if not onward:
        stop = (
            f"No entry lists {entry_label(s)} as upgrade-from: no image may be installed on a "
            "meter running it"
        )
    elif len(can_reach) == 1:
        stop = (
            f"No active entry lists {entry_label(s)} as upgrade-from (only the removed "
            f"{_ids(onward)}, never installed)"
        )
    else:
        furthest = max(
            (graph.entries[e] for e in can_reach - {s.cpl_entry_id}),
            key=lambda e: (e.firmware_number, entry_id_order(e.cpl_entry_id)),
        )
        stop = (
            f"A meter on {s.cpl_entry_id} can get as far as {entry_label(furthest)}, but no "
            f"known route leads on to {t.cpl_entry_id}"
        )
    bases = sorted(
        (
            eid
            for eid in leads_to_target
            if graph.entries[eid].upgrade_from.kind is UpgradeFromKind.NOT_APPLICABLE
        ),
        key=entry_id_order,
    )
    # the target is on another line only when the meter does not descend from its base
    own_line = any(s.cpl_entry_id in _reach(b, graph.successors) for b in bases)
    line = (
        f", and {t.cpl_entry_id} is on another line: it can only be reached from "
        f"{_ids(bases)} onwards (upgrade from N/A: a new base)"
        if bases and not own_line
        else ""
    )
    return f"{stop}{line}. A site visit is needed."


def _through_removed(result: PathResult, graph: ModelGraph) -> str:
    """Which removed entries the known routes pass through: those every route needs first
    (restoring one of the others alone would not help), then any others on some routes."""
    s, t = result.source.cpl_entry_id, result.target.cpl_entry_id if result.target else ""
    removed = blocking_entries(result, graph)
    needed = [r for r in removed if t not in _reach(s, graph.successors, avoid=r)]
    route = f"Every known route from {s} to {t} passes through"
    if not needed:
        return f"{route} at least one of the removed entries {_ids(removed)}"
    others = [r for r in removed if r not in needed]
    also = f" (some also through the removed {_ids(others)})" if others else ""
    return f"{route} the removed {'entry' if len(needed) == 1 else 'entries'} {_ids(needed)}{also}"


def _backward_active(target: str, graph: ModelGraph) -> set[str]:
    """Active entries from which `target` can be reached, every step active (and itself)."""
    seen = {target}
    queue = deque([target])
    while queue:
        for before in graph.predecessors.get(queue.popleft(), ()):
            if before not in seen and graph.entries[before].is_active:
                seen.add(before)
                queue.append(before)
    return seen


def _removed_barrier(s: CplEntry, t: CplEntry, graph: ModelGraph) -> str | None:
    """When the only way into the entries that lead to the target is through removed ones
    (and none of them is a new base), that barrier: it is why no meter gets there, wherever
    it starts."""
    leads = _backward_active(t.cpl_entry_id, graph)
    if s.cpl_entry_id in leads or any(
        graph.entries[e].upgrade_from.kind is UpgradeFromKind.NOT_APPLICABLE for e in leads
    ):
        return None
    removed = {p for e in leads for p in graph.predecessors.get(e, ()) if p not in leads}
    if not removed:
        return None
    others = leads - {t.cpl_entry_id}
    into = sorted(
        {e for e in leads for p in graph.predecessors.get(e, ()) if p in removed},
        key=entry_id_order,
    )
    via = (
        f"Only {_ids(others)} lead{'s' if len(others) == 1 else ''} on to {t.cpl_entry_id}, and the"
        if others
        else "The"
    )
    who = (
        f"only meters already on {_ids(others)} can reach {t.cpl_entry_id} over the air, and "
        f"{s.cpl_entry_id} is not one of them"
        if others
        else f"no meter can reach {t.cpl_entry_id} over the air"
    )
    return (
        f"{via} only firmware that may be upgraded to {_ids(into)} is the removed "
        f"{_labels(removed, graph)}, never installed: {who}. A site visit is needed."
    )
