"""The brute forces' rule for what an unknown upgrade-from may hide: an edge into its entry
from any firmware not later than its own (upgrade from lists earlier firmware, or a twin's)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class EntrySpec(Protocol):
    """What the rule needs of an entry as plain test data."""

    eid: str
    version: str
    active: bool
    upgrade_from: object  # referenced IDs, "N/A", or None (unknown)


def could_reach(
    specs: Mapping[str, EntrySpec], successors: Mapping[str, Sequence[str]], source: str
) -> set[str]:
    """Active entries other than `source` it could come to over known edges and the edges
    unknown upgrade-froms may hide."""
    seen: set[str] = set()
    todo = [source]
    while todo:
        here = specs[todo.pop()]
        for eid, s in specs.items():
            hidden = s.upgrade_from is None and int(s.version, 16) >= int(here.version, 16)
            if (
                (eid in successors[here.eid] or hidden)
                and s.active
                and eid != source
                and eid not in seen
            ):
                seen.add(eid)
                todo.append(eid)
    return seen
