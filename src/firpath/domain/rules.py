"""The rules every CPL entry must meet (DESIGN section 3), checked over a set of entries."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Final

from firpath.domain.band import ZigbeeBand
from firpath.domain.entry import NEW_FIELDS as NEW_FIELDS  # the four fields, named here too
from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.errors import Defect
from firpath.domain.upgrade_from import UpgradeFromKind
from firpath.domain.values import DeviceType

# What people type for "don't know" in a free-text field; stored, it would count as provided.
NOT_A_VALUE: Final = frozenset(
    {"n/a", "na", "n.a.", "none", "unknown", "-", "--", "?", "tbc", "tbd", "not provided"}
)


def check_entry(
    entry: CplEntry, row: int | None = None, *, new_submission: bool = False
) -> list[Defect]:
    """Rules that one entry meets on its own: 2 (not itself), 5 (Dual Band) and 6 (new fields)."""
    defects: list[Defect] = []
    eid = entry.cpl_entry_id
    uf = entry.upgrade_from
    if uf.kind is UpgradeFromKind.IDS and eid in uf.ids:
        defects.append(
            Defect("an entry cannot be upgraded from itself", row, "upgrade_from", eid, eid)
        )
    if entry.zigbee_band is ZigbeeBand.DUAL_BAND and entry.device_type is not DeviceType.CH:
        defects.append(
            Defect(
                "Dual Band (both bands at once) is only for Communications Hubs (CH), "
                f"not {entry.device_type.value}",
                row,
                "zigbee_band",
                eid,
                entry.zigbee_band.value,
            )
        )
    if entry.device_type.in_scope:
        for field in ("zigbee_chipset_vendor", "zigbee_stack_version"):
            value = getattr(entry, field)
            if value is not None and value.strip().lower() in NOT_A_VALUE:
                defects.append(
                    Defect(
                        f"{value!r} is not a {field.replace('_', ' ')}: leave the cell empty "
                        "while it is not known (only upgrade_from takes N/A)",
                        row,
                        field,
                        eid,
                        value,
                    )
                )
    if new_submission and entry.device_type.in_scope:
        for field in entry.missing_new_fields:
            what = (
                "must give the CPL Entry IDs it upgrades from, or N/A"
                if field == "upgrade_from"
                else "must state the join option (legacy 'Dual Band' is not enough)"
                if field == "zigbee_band" and entry.zigbee_band is not None
                else "is required on a new submission"
            )
            value = entry.zigbee_band.value if field == "zigbee_band" and entry.zigbee_band else ""
            defects.append(
                Defect(f"{what} for device type {entry.device_type.value}", row, field, eid, value)
            )
    return defects


def check_unique_ids(ids_by_row: Sequence[tuple[int, str]]) -> list[Defect]:
    """Rule 1 within one input: a CPL Entry ID appears on one row only."""
    first: dict[str, int] = {}
    defects: list[Defect] = []
    for row, eid in ids_by_row:
        seen = first.get(eid)
        if seen is None:
            first[eid] = row
        else:
            defects.append(
                Defect(f"CPL Entry ID already used on row {seen}", row, "cpl_entry_id", eid, eid)
            )
    return defects


def check_catalogue(
    entries: Mapping[str, CplEntry],
    rows: Mapping[str, int] | None = None,
    *,
    unresolved: Collection[str] = (),
) -> list[Defect]:
    """Rules over a whole set of entries: 2 (references: stored, same device model, not later
    firmware), 3 (no cycle), 4 (unique builds), and one device type per device model.

    `entries` must hold every entry that the checked entries reference or share a device
    model with; `rows` names the input row of each entry that came from a file;
    `unresolved` holds IDs of input rows that failed to parse (not reported again here).
    """
    rows = rows or {}
    defects = _check_references(entries, rows, unresolved)
    defects += _check_model_types(entries, rows)
    defects += _check_unique_builds(entries, rows)
    defects += _check_cycles(entries, rows)
    return defects


def _check_references(
    entries: Mapping[str, CplEntry], rows: Mapping[str, int], unresolved: Collection[str]
) -> list[Defect]:
    defects: list[Defect] = []
    for eid, entry in entries.items():
        uf = entry.upgrade_from
        if uf.kind is not UpgradeFromKind.IDS:
            continue
        for ref in uf.ids:
            if ref == eid:
                continue  # reported by check_entry
            target = entries.get(ref)
            if target is None:
                if ref in unresolved:
                    continue
                defects.append(
                    Defect(
                        f"upgrade_from names {ref}, which is not on the CPL nor in this input "
                        "(upgrade_from lists CPL Entry IDs, or N/A)",
                        rows.get(eid),
                        "upgrade_from",
                        eid,
                        ref,
                    )
                )
            elif (
                target.model_id != entry.model_id
                or target.manufacturer_id != entry.manufacturer_id
                or target.hardware_version != entry.hardware_version
            ):
                model = entry.device_model
                defects.append(
                    Defect(
                        f"upgrade_from names {ref} of device model {target.device_model}, but "
                        f"{eid} is device model {model}: firmware never changes hardware",
                        rows.get(eid),
                        "upgrade_from",
                        eid,
                        ref,
                    )
                )
            elif target.firmware_number > entry.firmware_number and (not rows or eid in rows):
                defects.append(
                    Defect(
                        f"upgrade_from names {ref} (firmware {_version(target)}), which is later "
                        f"than {eid}'s own firmware {_version(entry)}: upgrade from lists "
                        "earlier firmware, and a meter is never taken back to an older version",
                        rows.get(eid),
                        "upgrade_from",
                        eid,
                        ref,
                    )
                )
    return defects


def _version(entry: CplEntry) -> str:
    name = entry.firmware_version_name
    return f"{name} ({entry.firmware_version})" if name else entry.firmware_version


def _check_model_types(entries: Mapping[str, CplEntry], rows: Mapping[str, int]) -> list[Defect]:
    """One device model is one device type: an entry (of this input) whose type differs from
    the model's other entries (those already stored first) is refused."""
    types: dict[DeviceModel, Counter[DeviceType]] = defaultdict(Counter)
    stored: dict[DeviceModel, Counter[DeviceType]] = defaultdict(Counter)
    example: dict[tuple[DeviceModel, DeviceType], str] = {}
    for eid, entry in entries.items():
        types[entry.device_model][entry.device_type] += 1
        if eid not in rows:
            stored[entry.device_model][entry.device_type] += 1
        example.setdefault((entry.device_model, entry.device_type), eid)
    defects: list[Defect] = []
    for eid, entry in entries.items():
        model = entry.device_model
        if len(types[model]) < 2 or (rows and eid not in rows):
            continue
        usual = (stored[model] or types[model]).most_common(1)[0][0]
        if entry.device_type is not usual:
            defects.append(
                Defect(
                    f"device model {model} is {usual.value} on the CPL (e.g. "
                    f"{example[(model, usual)]}), not {entry.device_type.value}: one device "
                    "model is one device type",
                    rows.get(eid),
                    "device_type",
                    eid,
                    entry.device_type.value,
                )
            )
    return defects


def _check_unique_builds(entries: Mapping[str, CplEntry], rows: Mapping[str, int]) -> list[Defect]:
    seen: dict[tuple[str, str, str, str, str], str] = {}
    defects: list[Defect] = []
    for eid, entry in entries.items():
        other = seen.setdefault(entry.build_key, eid)
        if other != eid:
            where = f" (row {rows[other]})" if other in rows else ""
            defects.append(
                Defect(
                    f"same device model, firmware version and hash as {other}{where}",
                    rows.get(eid),
                    "manufacturer_image_hash",
                    eid,
                    entry.manufacturer_image_hash,
                )
            )
    return defects


def _check_cycles(entries: Mapping[str, CplEntry], rows: Mapping[str, int]) -> list[Defect]:
    defects: list[Defect] = []
    for cycle in find_cycles(entries):
        in_input = [eid for eid in cycle if eid in rows]
        at = min(in_input, key=lambda e: rows[e]) if in_input else cycle[0]
        path = " -> ".join([*cycle, cycle[0]])
        defects.append(
            Defect(
                f"upgrade cycle: {path} (an upgrade graph must not loop)",
                rows.get(at),
                "upgrade_from",
                at,
                entries[at].upgrade_from.to_text(),
            )
        )
    return defects


def find_cycles(entries: Mapping[str, CplEntry]) -> list[list[str]]:
    """One cycle (as IDs in upgrade order) for each looping group of entries."""
    successors: dict[str, list[str]] = {}
    for eid, entry in entries.items():
        if entry.upgrade_from.kind is UpgradeFromKind.IDS:
            for ref in entry.upgrade_from.ids:
                if ref in entries and ref != eid:
                    successors.setdefault(ref, []).append(eid)
    cycles: list[list[str]] = []
    for component in _strongly_connected(_after_peeling(successors)):
        if len(component) > 1:
            cycles.append(_cycle_within(component, successors))
    return cycles


def _after_peeling(successors: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Drop every node that no cycle passes through (Kahn's peeling), keeping the rest.

    Usually the graph is acyclic and nothing is left, which is much cheaper than Tarjan.
    """
    indegree: dict[str, int] = dict.fromkeys(successors, 0)
    for children in successors.values():
        for child in children:
            indegree[child] = indegree.get(child, 0) + 1
    ready = [node for node, degree in indegree.items() if degree == 0]
    while ready:
        node = ready.pop()
        del indegree[node]
        for child in successors.get(node, ()):
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    return {node: [c for c in successors.get(node, ()) if c in indegree] for node in indegree}


def _strongly_connected(successors: Mapping[str, list[str]]) -> Iterable[list[str]]:
    """Tarjan's algorithm, iterative (graphs here can be long chains)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    counter = 0
    for root in successors:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child_i = work.pop()
            if child_i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = successors.get(node, ())
            recurse = False
            while child_i < len(children):
                child = children[child_i]
                child_i += 1
                if child not in index:
                    work.append((node, child_i))
                    work.append((child, 0))
                    recurse = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if recurse:
                continue
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                yield component
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])


def _cycle_within(component: list[str], successors: Mapping[str, list[str]]) -> list[str]:
    """Walk inside a strongly connected group until a node repeats: that loop is a cycle."""
    members = set(component)
    start = min(component)
    order: dict[str, int] = {}
    path: list[str] = []
    node = start
    while node not in order:
        order[node] = len(path)
        path.append(node)
        node = min(s for s in successors.get(node, ()) if s in members)
    return path[order[node] :]


def check_against_model(
    entry: CplEntry, model_entries: Iterable[CplEntry], manufacturer_name: str | None
) -> list[Defect]:
    """What a new entry (a submission) must agree on with its device model's entries: the
    device type, no later firmware in *upgrade from*, a version name that names one version,
    and the manufacturer's and model's names as the CPL has them."""
    others = [e for e in model_entries if e.cpl_entry_id != entry.cpl_entry_id]
    eid = entry.cpl_entry_id
    defects: list[Defect] = []
    types = Counter(e.device_type for e in others)
    if types and entry.device_type not in types:
        usual, _ = types.most_common(1)[0]
        defects.append(
            Defect(
                f"device model {entry.device_model} is {usual.value} on the CPL, not "
                f"{entry.device_type.value}: one device model is one device type",
                None,
                "device_type",
                eid,
                entry.device_type.value,
            )
        )
    by_id = {e.cpl_entry_id: e for e in others}
    if entry.upgrade_from.kind is UpgradeFromKind.IDS:
        for ref in entry.upgrade_from.ids:
            named = by_id.get(ref)
            if named is not None and named.firmware_number > entry.firmware_number:
                defects.append(
                    Defect(
                        f"upgrade_from names {ref} (firmware {_version(named)}), which is later "
                        f"than this entry's firmware {_version(entry)}: upgrade from lists "
                        "earlier firmware",
                        None,
                        "upgrade_from",
                        eid,
                        ref,
                    )
                )
    name = (entry.firmware_version_name or "").strip().casefold()
    clash = [
        e
        for e in others
        if name
        and (e.firmware_version_name or "").strip().casefold() == name
        and e.firmware_version != entry.firmware_version
    ]
    if clash:
        defects.append(
            Defect(
                f"the version name {entry.firmware_version_name!r} is already firmware "
                f"{clash[0].firmware_version} of this device model ({clash[0].cpl_entry_id}): "
                "one name names one firmware version",
                None,
                "firmware_version_name",
                eid,
                entry.firmware_version_name,
            )
        )
    for field, given, known in (
        ("manufacturer_name", entry.manufacturer_name, manufacturer_name),
        ("model_name", entry.model_name, _model_name(others)),
    ):
        if given and known and given.strip().casefold() != known.strip().casefold():
            defects.append(
                Defect(
                    f"the CPL names it {known!r}: leave {field} out, or give that name",
                    None,
                    field,
                    eid,
                    given,
                )
            )
    return defects


def _model_name(entries: Sequence[CplEntry]) -> str | None:
    """The model's name as its newest named entry gives it."""
    named = [e for e in entries if e.model_name]
    if not named:
        return None
    return max(named, key=lambda e: (e.firmware_number, e.cpl_entry_id)).model_name
