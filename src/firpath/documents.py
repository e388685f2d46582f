"""The JSON shapes of entries, paths, plans, impact and errors: the one module that the
command line's `--json` and the HTTP API both print.

Each function turns a domain object, or a service's result, into plain data (dicts, lists,
strings, numbers, None) ready for `json.dumps`. Only the domain is imported at run time:
services' results are named for type checking only, so the command line starts fast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Final

from firpath.domain.completeness import Grouping, Tally
from firpath.domain.entry import NEW_FIELDS, CplEntry
from firpath.domain.errors import FieldInvalid, FirpathError, InvalidInput
from firpath.domain.firmware_ref import AmbiguousFirmware
from firpath.domain.impact import Remediation
from firpath.domain.manufacturer import Manufacturer
from firpath.domain.path_explanation import entry_label
from firpath.domain.record import entry_to_record
from firpath.domain.submission import (
    Submission,
    SubmissionState,
    checked_at_approval,
)
from firpath.domain.upgrade_from import UpgradeFrom, UpgradeFromKind, parse_upgrade_from
from firpath.domain.upgrade_from_forms import ALL_EARLIER
from firpath.domain.upgrade_graph import ModelGraph
from firpath.domain.values import entry_id_order
from firpath.error_codes import classify

if TYPE_CHECKING:  # the services load the database layer: not at start-up
    from firpath.services.backfill import CompletenessReport
    from firpath.services.fleet_summary import FleetSummary
    from firpath.services.history import HistoryItem
    from firpath.services.impact import ImpactReport
    from firpath.services.paths import PathAnswer
    from firpath.services.registry import EntryDetail
    from firpath.services.submissions import Submitted

__all__ = [
    "completeness_document",
    "entries_document",
    "entry_detail_document",
    "entry_document",
    "error_document",
    "fleet_counts_document",
    "fleet_summary_document",
    "graph_document",
    "history_document",
    "impact_document",
    "path_document",
    "step_document",
    "submission_document",
    "submissions_document",
    "submitted_document",
]


# Entries


def entry_document(entry: CplEntry, *, missing: bool = True) -> dict[str, Any]:
    """One entry as in the JSON export (DESIGN section 5), plus `missing` unless told not."""
    document: dict[str, Any] = {
        k: (v if v != "" else None) for k, v in entry_to_record(entry).items()
    }
    document["upgrade_from"] = entry.upgrade_from.to_json()
    if missing:
        document["missing"] = list(entry.missing_new_fields)
    return document


def entries_document(entries: Sequence[CplEntry], truncated: bool) -> dict[str, Any]:
    """A list of entries as `entries --json` prints it: `{"entries", "truncated"}`."""
    return {"entries": [entry_document(e) for e in entries], "truncated": truncated}


def entry_detail_document(detail: EntryDetail) -> dict[str, Any]:
    """One entry with its upgrade-to IDs, missing data and manufacturer contact (`show`)."""
    document = entry_document(detail.entry, missing=False)
    document["upgrade_to"] = detail.upgrade_to
    document["missing_data"] = list(detail.entry.missing_new_fields)
    document["missing"] = list(detail.entry.missing_new_fields)  # the key of a listed entry
    document["manufacturer_contact"] = (
        detail.manufacturer.as_dict() if detail.manufacturer else None
    )
    return document


def history_document(entry_id: str, items: Sequence[HistoryItem]) -> dict[str, Any]:
    """Every change of one entry, newest first, under its CPL Entry ID (upper case)."""
    return {
        "cpl_entry_id": entry_id.strip().upper(),
        "history": [
            {
                "at": i.at.isoformat(),
                "actor": i.actor,
                "action": i.action,
                "reason": i.reason,
                "source": i.source,
                "command": i.command,
                "changes": [
                    {"field": c.field, "before": c.before, "after": c.after} for c in i.changes
                ],
            }
            for i in items
        ],
    }


# Paths and plans


def step_document(entry: CplEntry) -> dict[str, Any]:
    """One step of a path: its CPL Entry ID, firmware version, name and image hash."""
    return {
        "cpl_entry_id": entry.cpl_entry_id,
        "firmware_version": entry.firmware_version,
        "firmware_version_name": entry.firmware_version_name,
        "manufacturer_image_hash": entry.manufacturer_image_hash,
    }


def path_document(answer: PathAnswer) -> dict[str, Any]:
    """A path answer as DESIGN section 6 shapes it (plus `reason`, names and `contact`)."""
    r = answer.result
    return {
        "status": r.status.value,
        "from": r.source.cpl_entry_id,
        "to": r.target.cpl_entry_id if r.target else None,
        "steps": [step_document(e) for e in r.steps],
        "missing_data": list(r.missing_data),
        "reason": answer.reason,
        "manufacturer_name": r.source.manufacturer_name,
        "model_name": r.source.model_name,
        "contact": answer.contact,
    }


def fleet_summary_document(summary: FleetSummary) -> dict[str, Any]:
    """What a fleet plan found, every field of the summary as plain data."""
    return asdict(summary)


FLEET_COUNTS: Final = (
    "devices",
    "mode",
    "target",
    "distinct_firmware",
    "by_status",
    "other_model_devices",
    "past_target_devices",
    "explained",
    "blank_rows",
    "empty_device_ids",
    "duplicate_device_ids",
)


def fleet_counts_document(summary: FleetSummary) -> dict[str, Any]:
    """The counts of a fleet summary (no sentences, no device ids): small enough for a header."""
    whole = fleet_summary_document(summary)
    return {k: whole[k] for k in FLEET_COUNTS}


# The upgrade graph, shaped as a Cincinnati update graph

NOT_PROVIDED: Final = "not provided"
REMOVED_RISK: Final = "RemovedFromCPL"


def _upgrade_from_text(upgrade_from: UpgradeFrom) -> str:
    """`not provided`, `N/A`, or the IDs joined by `;` (as in the CPL file)."""
    if upgrade_from.kind is UpgradeFromKind.UNKNOWN:
        return NOT_PROVIDED
    return upgrade_from.to_text()


def _node(entry: CplEntry) -> dict[str, Any]:
    """A Cincinnati node: version (hex), payload (image hash), metadata (all strings)."""
    return {
        "version": entry.firmware_version,
        "payload": entry.manufacturer_image_hash,
        "metadata": {
            "cpl_entry_id": entry.cpl_entry_id,
            "firmware_version": entry.firmware_version,
            "firmware_version_name": entry.firmware_version_name or "",
            "status": entry.status.value,
            "upgrade_from": _upgrade_from_text(entry.upgrade_from),
            "device_type": entry.device_type.value,
            "release_date": entry.release_date.isoformat() if entry.release_date else "",
            "release_notes": entry.release_notes or "",
        },
    }


def graph_document(graph: ModelGraph, history_url: Callable[[str], str]) -> dict[str, Any]:
    """A device model's upgrade graph shaped as a Cincinnati update graph.

    `nodes`: every entry of the model (removed ones too: a meter may run one), ordered by
    firmware version, then CPL Entry ID. `version` is the firmware version in hex; two builds
    of one version (twins) share it, so a client tells nodes apart by `payload` (the image
    hash) or `metadata.cpl_entry_id`, and follows edges by node index, never by version.
    `edges`: `[from, to]` indices, A -> B when A is in B's *upgrade from* and B is active.
    An edge into a removed entry is never taken: it is under `conditionalEdges`, one group per
    removed entry, with the risk saying so (`url`: `history_url(ID)`, its audit trail) and
    each edge's index pair. Metadata values are strings, as in Cincinnati.
    """
    ordered = sorted(
        graph.entries.values(), key=lambda e: (e.firmware_number, entry_id_order(e.cpl_entry_id))
    )
    index = {e.cpl_entry_id: i for i, e in enumerate(ordered)}
    edges: list[list[int]] = []
    conditional: list[dict[str, Any]] = []
    for target in ordered:
        into = [
            [index[p], index[target.cpl_entry_id]] for p in graph.predecessors[target.cpl_entry_id]
        ]
        if not into:
            continue
        if target.is_active:
            edges.extend(into)
            continue
        conditional.append(
            {
                "edges": [
                    {
                        "from": ordered[i].firmware_version,
                        "to": target.firmware_version,
                        "index": [i, j],
                    }
                    for i, j in sorted(into)
                ],
                "risks": [
                    {
                        "url": history_url(target.cpl_entry_id),
                        "name": REMOVED_RISK,
                        "message": f"CPL entry {entry_label(target)} was removed from the CPL: "
                        "it is never installed, so no meter is upgraded to it (its history "
                        "says why)",
                        "matchingRules": [{"type": "Always"}],
                    }
                ],
            }
        )
    return {
        "nodes": [_node(e) for e in ordered],
        "edges": sorted(edges),
        "conditionalEdges": conditional,
    }


# Impact and back-fill


def _remediation(r: Remediation) -> dict[str, Any]:
    return {
        "status": r.status.value,
        "target": r.target.cpl_entry_id if r.target else None,
        "hops": r.hops,
        "steps": [e.cpl_entry_id for e in r.steps],
        "missing_data": list(r.missing_data),
    }


def impact_document(report: ImpactReport) -> dict[str, Any]:
    """An impact report: query, summary, misses, exposed entries by model, fleet counts."""
    return {
        "query": {
            "chipset_vendor": report.query.chipset_vendor,
            "stack_version": report.query.stack_version,
        },
        "summary": report.summary,
        "not_provided": report.not_provided,
        "no_match": [
            {"field": m.field, "pattern": m.pattern, "closest": list(m.closest)}
            for m in report.misses
        ],
        "models": [
            {
                "device_model": str(m.device_model),
                "manufacturer_id": m.device_model.manufacturer_id,
                "model_id": m.device_model.model_id,
                "hardware_version": m.device_model.hardware_version,
                "fix_on_cpl": m.fix_on_cpl,
                "entries": [
                    {
                        "cpl_entry_id": x.entry.cpl_entry_id,
                        "firmware_version": x.entry.firmware_version,
                        "firmware_version_name": x.entry.firmware_version_name,
                        "status": x.entry.status.value,
                        "zigbee_chipset_vendor": x.entry.zigbee_chipset_vendor,
                        "zigbee_stack_version": x.entry.zigbee_stack_version,
                        "exposure": x.exposure.value,
                        "remediation": _remediation(x.remediation),
                    }
                    for x in m.entries
                ],
            }
            for m in report.models
        ],
        "fleet": report.fleet_devices,
    }


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _tally(tally: Tally) -> dict[str, Any]:
    """Counts and shares (0..1, null when there are no entries)."""
    return {
        "entries": tally.entries,
        "complete": tally.complete,
        "complete_share": _share(tally.complete_share),
        "provided": {
            f: {"count": tally.count(f), "share": _share(tally.share(f))} for f in NEW_FIELDS
        },
    }


def completeness_document(report: CompletenessReport) -> dict[str, Any]:
    """Back-fill progress: a tally per manufacturer (with contact) or device type, and all."""
    done = report.completeness
    groups: list[dict[str, Any]] = []
    for group in done.groups:
        if done.by is Grouping.MANUFACTURER:
            m = report.manufacturers.get(group.key) or Manufacturer(group.key)
            head: dict[str, Any] = m.as_dict()
        else:
            head = {"device_type": group.key}
        groups.append(head | _tally(group.tally))
    return {
        "by": done.by.value,
        "fields": list(NEW_FIELDS),
        "groups": groups,
        "total": _tally(done.total),
        "out_of_scope_entries": done.out_of_scope,
    }


# Submissions


def submission_document(submission: Submission) -> dict[str, Any]:
    """A submission: its number, state, who and when, the proposed entry (as in the JSON
    export; `cpl_entry_id` null until approved) and SECAS's decision."""
    s = submission
    entry: dict[str, Any] = {"cpl_entry_id": s.cpl_entry_id}
    entry |= {k: (v if v != "" else None) for k, v in s.record.items()}
    pending_all_earlier = s.all_earlier and s.state is SubmissionState.PENDING
    entry["upgrade_from"] = (
        {ALL_EARLIER: True}
        if pending_all_earlier
        else parse_upgrade_from(s.record.get("upgrade_from", "")).to_json()
    )
    return {
        "id": s.submission_id,
        "state": s.state.value,
        "manufacturer_id": s.manufacturer_id,
        "submitted_by": s.submitted_by,
        "submitted_at": s.submitted_at.isoformat(),
        "cpl_entry_id": s.cpl_entry_id,
        "upgrade_from_given": s.upgrade_from_given,
        "all_earlier": s.all_earlier,
        "entry": entry,
        "decided_by": s.decided_by,
        "decided_at": s.decided_at.isoformat() if s.decided_at else None,
        "decision_reason": s.decision_reason,
        "checked_again_at_approval": (
            list(checked_at_approval(s.all_earlier)) if s.state is SubmissionState.PENDING else []
        ),
    }


def submissions_document(items: Sequence[Submission]) -> dict[str, Any]:
    """A list of submissions, newest first."""
    return {"submissions": [submission_document(s) for s in items]}


def submitted_document(done: Submitted) -> dict[str, Any]:
    """A new submission with how each earlier firmware it names was resolved and what
    {"all_earlier": true} means today."""
    document = submission_document(done.submission)
    document["upgrade_from_resolved"] = [
        {"given": m.given} | step_document(m.entry) | {"status": m.entry.status.value}
        for m in done.matches
    ]
    if done.submission.all_earlier:
        document["all_earlier_today"] = [e.cpl_entry_id for e in done.all_earlier_now]
    return document


# Errors


def error_document(error: FirpathError) -> dict[str, Any]:
    """An error as `{"error": {"code", "message", "details"}}`, bad input adding `more`."""
    # `more`: the defects beyond the first MAX_DEFECTS_KEPT, as `{"field", "message", "count"}`
    _, _, code = classify(error)
    details: list[dict[str, object]] = []
    message = str(error)
    if isinstance(error, InvalidInput):
        details = [d.as_dict() for d in error.defects]
        more = [m.as_dict() for m in error.more]
        return {"error": {"code": code, "message": message, "details": details, "more": more}}
    if isinstance(error, FieldInvalid):
        details = [{"field": error.field, "value": error.value, "message": error.message}]
    elif isinstance(error, AmbiguousFirmware):
        details = [
            {
                "cpl_entry_id": e.cpl_entry_id,
                "manufacturer_image_hash": e.manufacturer_image_hash,
                "status": e.status.value,
            }
            for e in error.candidates
        ]
    return {"error": {"code": code, "message": message, "details": details}}
