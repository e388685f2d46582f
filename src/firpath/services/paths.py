"""One upgrade path: from what a meter runs to a target entry or the model's latest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection, Engine

from firpath.domain.entry import CplEntry
from firpath.domain.errors import NotFound
from firpath.domain.path_explanation import explain
from firpath.domain.upgrade_graph import ModelGraph, PathResult, PathStatus
from firpath.domain.values import cpl_entry_id
from firpath.services.unit_of_work import read_transaction
from firpath.store import entries

LATEST: Final = "latest"


@dataclass(frozen=True, slots=True)
class PathAnswer:
    """A path result with its explanation."""

    result: PathResult
    reason: str


def find_path(engine: Engine, source_id: str, target: str = LATEST) -> PathAnswer:
    """The fewest-steps upgrade path from `source_id` to `target` (an ID or `latest`)."""
    source_key = cpl_entry_id(source_id, "from")
    with read_transaction(engine) as conn:
        source = entries.get_entry(conn, source_key)
        if source is None:
            raise NotFound(f"CPL entry {source_key} (from) is not on the CPL")
        graph = ModelGraph(source.device_model, entries.entries_of_model(conn, source.device_model))
        target_entry = None if _is_latest(target) else _target(conn, graph, target)
    if target_entry is None:  # the model's latest version, in any build
        result = graph.plan_to_latest(source.cpl_entry_id)
        return PathAnswer(result, explain(result, graph))
    if target_entry.device_model != source.device_model:
        result = PathResult(PathStatus.NO_PATH, source, target_entry)
        return PathAnswer(result, explain(result, None))
    result = graph.plan_path(source.cpl_entry_id, target_entry.cpl_entry_id)
    return PathAnswer(result, explain(result, graph))


def _is_latest(target: str) -> bool:
    return target.strip().lower() == LATEST


def _target(conn: Connection, graph: ModelGraph, target: str) -> CplEntry:
    key = cpl_entry_id(target, "to")
    found = graph.entries.get(key) or entries.get_entry(conn, key)
    if found is None:
        raise NotFound(f"CPL entry {key} (to) is not on the CPL")
    return found
