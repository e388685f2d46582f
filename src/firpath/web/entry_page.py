"""One CPL entry's page, `/entries/{id}`: every field, what upgrades to it and what it
upgrades to, whom to ask, its history, and its device model's upgrade graph drawn in SVG."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Final
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from firpath.api.auth import Caller
from firpath.domain.account import Permission
from firpath.domain.entry import CplEntry
from firpath.domain.errors import NotFound
from firpath.domain.path_explanation import entry_label, version_label
from firpath.domain.upgrade_from import UpgradeFromKind
from firpath.domain.upgrade_graph import ModelGraph
from firpath.domain.values import cpl_entry_id, entry_id_order
from firpath.io.columns import LABELS
from firpath.services.history import HistoryItem, entry_history, removals
from firpath.services.registry import show_entry
from firpath.web.auth import page
from firpath.web.graph_svg import GraphLayout, layout_graph
from firpath.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Caller, Depends(page(Permission.READ, "read the FIR"))]

NOT_PROVIDED: Final = "not provided"
_ACTIONS: Final = {
    "create": "Added",
    "update": "Changed",
    "import": "Imported",
    "demo": "Loaded",
}


def entry_href(entry_id: str) -> str:
    """The address of an entry's page."""
    return "/entries/" + quote(entry_id, safe="")


@dataclass(frozen=True, slots=True)
class EntryLink:
    """A link to another entry, by ID and version (name and hex) when it is known here."""

    entry_id: str
    label: str
    status: str | None  # None: not an entry of this model's graph (as the catalogue holds it)

    @property
    def href(self) -> str:
        return entry_href(self.entry_id)


def _link(entry_id: str, known: Mapping[str, CplEntry]) -> EntryLink:
    entry = known.get(entry_id)
    if entry is None:
        return EntryLink(entry_id, entry_id, None)
    return EntryLink(entry_id, entry_label(entry), entry.status.value)


def removal_text(item: HistoryItem | None) -> str:
    """When, by whom (or from which file) and why an entry was removed, to follow "removed
    from the CPL"."""
    if item is None:
        return "(no recorded change says when or why)"
    when = item.at.date().isoformat()
    if item.reason:
        return f"on {when} by {item.actor}: {item.reason}"
    source = f" from {item.source}" if item.source else ""
    return f"when loaded{source} on {when} (no reason recorded)"


@dataclass(frozen=True, slots=True)
class GraphRow:
    """One entry of the graph as a row of its text alternative."""

    entry: CplEntry
    upgrade_from: list[EntryLink]
    upgrade_to: list[EntryLink]
    removal: str | None

    @property
    def href(self) -> str:
        return entry_href(self.entry.cpl_entry_id)


def _graph_rows(graph: ModelGraph, why_removed: Mapping[str, str]) -> list[GraphRow]:
    ordered = sorted(
        graph.entries.values(), key=lambda e: (e.firmware_number, entry_id_order(e.cpl_entry_id))
    )
    return [
        GraphRow(
            e,
            [_link(p, graph.entries) for p in graph.predecessors[e.cpl_entry_id]],
            [_link(s, graph.entries) for s in graph.successors.get(e.cpl_entry_id, [])],
            why_removed.get(e.cpl_entry_id),
        )
        for e in ordered
    ]


def _description(layout: GraphLayout, entry: CplEntry, graph: ModelGraph) -> str:
    removed = sum(1 for n in layout.nodes if n.removed)
    unknown = sum(1 for n in layout.nodes if n.upgrade_from_unknown)
    return (
        f"{len(layout.nodes)} entries of device model {graph.model} in "
        f"{len(layout.columns)} firmware versions, oldest on the left, and "
        f"{len(layout.edges)} allowed upgrades as arrows. This entry, "
        f"{entry_label(entry)}, has a double outline. {removed} removed "
        f"{'entry is' if removed == 1 else 'entries are'} grey and crossed; {unknown} "
        f"{'entry has' if unknown == 1 else 'entries have'} no upgrade-from provided "
        "(dashed outline, question mark). The table below lists the same entries and upgrades."
    )


def _plan_href(entry_id: str) -> str:
    return "/paths?" + urlencode({"firmware": entry_id})


def _model_href(entry: CplEntry) -> str:
    return "/entries?" + urlencode(
        {
            "manufacturer_id": entry.manufacturer_id,
            "model_id": entry.model_id,
            "hardware_version": entry.hardware_version,
        }
    )


@router.get("/entries/{entry_id}")
def entry_page(request: Request, entry_id: str, caller: Reader) -> Response:
    """One entry: its fields, links, contact, history and its model's upgrade graph."""
    key = cpl_entry_id(entry_id)  # a malformed ID: an error page naming the field and value
    engine = caller.warm.engine
    try:
        detail = show_entry(engine, key)
    except NotFound:
        return render(
            request,
            caller,
            "entry_missing.html",
            status=404,
            title="No such entry",
            entry_id=key,
            may_plan=caller.account.may(Permission.PLAN),
        )
    entry = detail.entry
    graph = caller.warm.catalogue(caller.state).graph(entry.device_model)
    known = dict(graph.entries) | {entry.cpl_entry_id: entry}
    removed = sorted(
        (e.cpl_entry_id for e in known.values() if not e.is_active), key=entry_id_order
    )
    found = removals(engine, removed)
    why_removed = {eid: removal_text(found.get(eid)) for eid in removed}
    layout = layout_graph(graph, entry.cpl_entry_id)
    upgrade_from = (
        [_link(i, known) for i in entry.upgrade_from.ids]
        if entry.upgrade_from.kind is UpgradeFromKind.IDS
        else []
    )
    return render(
        request,
        caller,
        "entry.html",
        title=f"CPL entry {entry.cpl_entry_id}",
        entry=entry,
        firmware=version_label(entry),
        revision=detail.revision,
        manufacturer=detail.manufacturer,
        upgrade_from_kind=entry.upgrade_from.kind.value,
        upgrade_from=upgrade_from,
        upgrade_to=[_link(i, known) for i in detail.upgrade_to],
        unknown_in_model=sum(1 for e in graph.entries.values() if not e.upgrade_from.is_known),
        removal=why_removed.get(entry.cpl_entry_id),
        missing=[LABELS.get(f, f) for f in entry.missing_new_fields],
        history=entry_history(engine, key),
        labels=LABELS,
        actions=_ACTIONS,
        layout=layout,
        graph_model=str(graph.model),
        graph_description=_description(layout, entry, graph),
        graph_rows=_graph_rows(graph, why_removed),
        why_removed=why_removed,
        entry_href=entry_href,
        plan_href=_plan_href(entry.cpl_entry_id),
        may_plan=caller.account.may(Permission.PLAN),
        may_edit=caller.account.may(Permission.REVIEW),
        corrected="corrected" in request.query_params,
        model_href=_model_href(entry),
        not_provided=NOT_PROVIDED,
    )
