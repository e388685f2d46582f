"""One upgrade path: from what a meter runs to a target entry or the model's latest."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Final, Protocol

from sqlalchemy import Connection, Engine

from firpath.domain.catalogue import Catalogue
from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.errors import NotFound
from firpath.domain.firmware_ref import (
    AmbiguousFirmware,
    FirmwareRef,
    parse_firmware_ref,
    resolve_in_model,
)
from firpath.domain.fleet_plan import LATEST
from firpath.domain.manufacturer import Manufacturer
from firpath.domain.path_explanation import explain
from firpath.domain.upgrade_graph import ModelGraph, PathResult, PathStatus
from firpath.services.unit_of_work import read_transaction
from firpath.store import entries, manufacturers


@dataclass(frozen=True, slots=True)
class PathAnswer:
    """A path result with its explanation."""

    result: PathResult
    reason: str
    contact: str | None = None  # whom to ask at the device model's manufacturer


class EntryLookup(Protocol):
    """Where a path question finds its entries: the database, or a warm in-memory catalogue."""

    def entry(self, entry_id: str) -> CplEntry | None: ...

    def model_entries(self, model: DeviceModel) -> list[CplEntry]: ...

    def manufacturer(self, manufacturer_id: str) -> Manufacturer | None: ...

    def graph(self, model: DeviceModel) -> ModelGraph: ...


class StoredEntries:
    """The lookup over one read transaction (the CLI: one question, one snapshot)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._graphs: dict[DeviceModel, ModelGraph] = {}

    def entry(self, entry_id: str) -> CplEntry | None:
        for graph in self._graphs.values():
            if entry_id in graph.entries:
                return graph.entries[entry_id]
        return entries.get_entry(self._conn, entry_id)

    def model_entries(self, model: DeviceModel) -> list[CplEntry]:
        return list(self.graph(model).entries.values())

    def manufacturer(self, manufacturer_id: str) -> Manufacturer | None:
        return manufacturers.load_all(self._conn).get(manufacturer_id)

    def graph(self, model: DeviceModel) -> ModelGraph:
        if model not in self._graphs:
            self._graphs[model] = ModelGraph(model, entries.entries_of_model(self._conn, model))
        return self._graphs[model]


def find_path(engine: Engine, source: str, target: str = LATEST) -> PathAnswer:
    """The fewest-steps upgrade path from what a meter runs to `target` (or `latest`).

    FROM and TO are CPL Entry IDs or `MFR/MODEL/HW@VERSION[#HASHPREFIX]` (name or hex).
    """
    source_ref = parse_firmware_ref(source, "from")
    target_ref = None if _is_latest(target) else parse_firmware_ref(target, "to")
    with read_transaction(engine) as conn:
        return answer_path(StoredEntries(conn), source_ref, target_ref)


def find_path_in(lookup: EntryLookup, source: str, target: str = LATEST) -> PathAnswer:
    """`find_path` answered from an in-memory catalogue (the server's warm graphs)."""
    source_ref = parse_firmware_ref(source, "from")
    target_ref = None if _is_latest(target) else parse_firmware_ref(target, "to")
    return answer_path(lookup, source_ref, target_ref)


def answer_path(
    lookup: EntryLookup, source_ref: FirmwareRef, target_ref: FirmwareRef | None
) -> PathAnswer:
    """The path answer for parsed FROM and TO (None: the model's latest)."""
    try:
        starts = [resolve_entry(lookup, source_ref, "from")]
        ambiguity = None
    except AmbiguousFirmware as err:  # the builds may all get the same answer
        starts, ambiguity = err.candidates, err
    model = starts[0].device_model
    graph = lookup.graph(model)
    goal = None if target_ref is None else resolve_entry(lookup, target_ref, "to", graph)
    maker = lookup.manufacturer(model.manufacturer_id)
    contact = maker.contact if maker is not None else None
    answers = [
        dataclasses.replace(_answer(start, goal, graph), contact=contact) for start in starts
    ]
    if ambiguity is not None:
        outcomes = {(a.result.status, a.result.target, tuple(a.result.steps)) for a in answers}
        if len(outcomes) > 1:
            raise ambiguity
        ids = ", ".join(s.cpl_entry_id for s in starts)
        first = answers[0]
        return PathAnswer(
            first.result,
            f"The version runs as {len(starts)} builds ({ids}); each gets "
            f"the same answer. {first.reason}",
            contact,
        )
    return answers[0]


def _answer(start: CplEntry, goal: CplEntry | None, graph: ModelGraph) -> PathAnswer:
    if goal is None:  # the model's latest version, in any build
        result = graph.plan_to_latest(start.cpl_entry_id)
        return PathAnswer(result, explain(result, graph))
    if goal.device_model != start.device_model:
        result = PathResult(PathStatus.NO_PATH, start, goal)
        return PathAnswer(result, explain(result, None))
    result = graph.plan_path(start.cpl_entry_id, goal.cpl_entry_id)
    return PathAnswer(result, explain(result, graph))


MODELS_NAMED: Final = 10  # device models a "not on the CPL" message names


def model_graph_in(catalogue: Catalogue, model: DeviceModel) -> ModelGraph:
    """The upgrade graph of one device model; NotFound naming it (and the manufacturer's
    device models that are on the CPL) when it has no entry."""
    if catalogue.model_entries(model):  # asked first: no empty graph is kept for a stranger
        return catalogue.graph(model)
    same_maker = [str(m) for m in catalogue.device_models() if m[0] == model.manufacturer_id]
    if not same_maker:
        hint = f"no device model of manufacturer {model.manufacturer_id} is on the CPL"
    else:
        more = len(same_maker) - MODELS_NAMED
        hint = (
            f"manufacturer {model.manufacturer_id}'s device models on the CPL are "
            + ", ".join(same_maker[:MODELS_NAMED])
            + (f" and {more} more" if more > 0 else "")
        )
    raise NotFound(f"device model {model} has no entry on the CPL; {hint}")


_MODEL_LIKE: Final = re.compile(r"[0-9A-F]{4}/[0-9A-F]{4}/[0-9A-F]{4}")


def _is_latest(target: str) -> bool:
    return target.strip().lower() == LATEST


def resolve_entry(
    lookup: EntryLookup, ref: FirmwareRef, role: str, graph: ModelGraph | None = None
) -> CplEntry:
    """The entry a FROM/TO names (an ID, or a version of a device model); NotFound or
    AmbiguousFirmware saying why not."""
    if ref.entry_id is not None:
        found = (graph.entries.get(ref.entry_id) if graph else None) or lookup.entry(ref.entry_id)
        if found is None:
            hint = (
                f"; if {ref.entry_id} is a device model, add the version: "
                f"{ref.entry_id}@2.1.0 (its name) or @02010000 (hex)"
                if _MODEL_LIKE.fullmatch(ref.entry_id)
                else ""
            )
            raise NotFound(f"CPL entry {ref.entry_id} ({role}) is not on the CPL{hint}")
        return found
    assert ref.device_model is not None
    own = (
        graph.entries.values()
        if graph is not None and graph.model == ref.device_model
        else lookup.model_entries(ref.device_model)
    )
    return resolve_in_model(ref, own, role)
