"""The review queue (SECAS): each pending submission, readable, with what the approval's
checks say against the CPL now, and Approve / Reject (a rejection needs a reason); the
submissions already decided after them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine
from starlette.datastructures import FormData

from firpath.api.auth import Caller
from firpath.domain.account import Account, Permission
from firpath.domain.band import ZigbeeBand
from firpath.domain.catalogue import Catalogue
from firpath.domain.entry import DeviceModel
from firpath.domain.errors import (
    AlreadyDecided,
    Defect,
    FieldInvalid,
    FirpathError,
    InvalidInput,
    NotFound,
)
from firpath.domain.path_explanation import entry_label
from firpath.domain.review_notes import things_to_check
from firpath.domain.submission import Submission, SubmissionState
from firpath.domain.upgrade_from import UpgradeFromKind, parse_upgrade_from
from firpath.domain.upgrade_from_forms import earlier_entries
from firpath.error_codes import classify
from firpath.io.columns import LABELS
from firpath.web.auth import Posted, form_page, page
from firpath.web.templating import render

router = APIRouter(include_in_schema=False)
WHAT: Final = "review submissions"
DECIDED_SHOWN: Final = 50  # the most recently decided submissions listed under the queue
SubmissionId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@dataclass(frozen=True, slots=True)
class Link:
    """An entry the page links to, by ID and version."""

    entry_id: str
    label: str


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One field of a proposed entry as the page shows it (None: not provided)."""

    label: str
    value: str | None
    mono: bool = False
    upgrade_from: bool = False  # the place of the *upgrade from* (shown apart)


@dataclass(frozen=True, slots=True)
class UpgradeFromView:
    """A submission's *upgrade from*: in words, the entries it names today, and as given."""

    text: str | None
    links: list[Link]
    given: str


@dataclass
class Card:
    """A submission on the page, with what a decision on it just said."""

    submission: Submission
    title: str
    fields: list[FieldRow]
    upgrade_from: UpgradeFromView
    checks: list[Defect] | None = None  # None: not checked (decided)
    notes: list[str] = field(default_factory=list)  # allowed, but worth a look
    problem: str = ""
    problem_details: list[Defect] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a decision posted from the page came to, when it did not go through."""

    submission_id: int
    message: str
    details: list[Defect]
    errors: dict[str, str]
    typed: dict[str, str]


def when(at: dt.datetime | None) -> str:
    """A moment as people read it: `4 Dec 2026, 14:28 UTC`."""
    if at is None:
        return "not provided"
    utc = at.astimezone(dt.UTC) if at.tzinfo else at
    return f"{utc.day} {utc:%b %Y, %H:%M} UTC"


def _title(record: Mapping[str, str]) -> str:
    model = record.get("model_name") or f"model {record.get('model_id', '?')}"
    name = record.get("firmware_version_name")
    version = record.get("firmware_version", "?")
    return f"{model}, firmware {name} ({version})" if name else f"{model}, firmware {version}"


def _band(code: str) -> str | None:
    if not code:
        return None
    try:
        return f"{ZigbeeBand(code).label} ({code})"
    except ValueError:
        return code


def _fields(submission: Submission, catalogue: Catalogue) -> list[FieldRow]:
    r = submission.record
    maker = catalogue.manufacturer(submission.manufacturer_id)
    maker_name = r.get("manufacturer_name") or (maker.manufacturer_name if maker else None)
    name = r.get("firmware_version_name")
    version = r.get("firmware_version", "")
    rows = [
        FieldRow(LABELS["device_type"], r.get("device_type") or None),
        FieldRow(
            "Manufacturer",
            f"{maker_name} ({submission.manufacturer_id})"
            if maker_name
            else submission.manufacturer_id,
        ),
        FieldRow(
            "Model",
            f"{r['model_name']} ({r.get('model_id')})"
            if r.get("model_name")
            else r.get("model_id"),
        ),
        FieldRow(LABELS["hardware_version"], r.get("hardware_version") or None),
        FieldRow("Firmware version", f"{name} ({version})" if name else version or None),
        FieldRow(LABELS["manufacturer_image_hash"], r.get("manufacturer_image_hash"), mono=True),
        FieldRow("Upgrade from", None, upgrade_from=True),
        FieldRow(LABELS["zigbee_chipset_vendor"], r.get("zigbee_chipset_vendor") or None),
        FieldRow(LABELS["zigbee_stack_version"], r.get("zigbee_stack_version") or None),
        FieldRow(LABELS["zigbee_band"], _band(r.get("zigbee_band", ""))),
    ]
    for key in ("release_date", "release_notes", "smets_chts_version", "gbcs_version", "notes"):
        rows.append(FieldRow(LABELS[key], r.get(key) or None))
    if submission.cpl_entry_id:
        rows.append(FieldRow(LABELS["date_added"], r.get("date_added") or None))
    return rows


def _given(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "every earlier active version"
    return str(value)


def _upgrade_from(submission: Submission, catalogue: Catalogue) -> UpgradeFromView:
    r = submission.record
    given = _given(submission.upgrade_from_given)

    def link(entry_id: str) -> Link:
        found = catalogue.entry(entry_id)
        return Link(entry_id, entry_label(found) if found else entry_id)

    if submission.all_earlier and submission.state is SubmissionState.PENDING:
        model = DeviceModel(r["manufacturer_id"], r["model_id"], r["hardware_version"])
        today = earlier_entries(catalogue.model_entries(model), r["firmware_version"])
        text = "every earlier active version of the device model, as it is when approved"
        text += "; today:" if today else "; today there is none"
        return UpgradeFromView(text, [link(e.cpl_entry_id) for e in today], given)
    parsed = parse_upgrade_from(r.get("upgrade_from", ""))
    if parsed.kind is UpgradeFromKind.UNKNOWN:
        return UpgradeFromView(None, [], given)
    if parsed.kind is UpgradeFromKind.NOT_APPLICABLE:
        return UpgradeFromView("N/A: nothing may be upgraded to it", [], given)
    return UpgradeFromView("", [link(i) for i in parsed.ids], given)


def _card(submission: Submission, catalogue: Catalogue) -> Card:
    view = _upgrade_from(submission, catalogue)
    notes = (
        things_to_check(submission.record, [link.entry_id for link in view.links], catalogue)
        if submission.state is SubmissionState.PENDING
        else []
    )
    return Card(
        submission,
        _title(submission.record),
        _fields(submission, catalogue),
        view,
        notes=notes,
    )


def _notice(caller: Caller, decided: str | None) -> tuple[str, Submission | None]:
    """The decision the page was sent back after (`?decided=N`), as it stands now."""
    from firpath.services.submissions import get_submission

    if not decided or not decided.isdigit() or len(decided) > 10:
        return "", None
    try:
        found = get_submission(caller.warm.engine, caller.account, int(decided))
    except NotFound:
        return "", None
    if found.state is SubmissionState.PENDING:
        return "", None
    return found.state.value, found


def _queue(
    request: Request,
    caller: Caller,
    *,
    status: int = 200,
    outcome: Outcome | None = None,
    decided: str | None = None,
) -> Response:
    from firpath.services.submissions import approval_problems, list_submissions

    engine = caller.warm.engine
    catalogue = caller.warm.catalogue(caller.state)
    everything = list_submissions(engine, caller.account)
    pending = sorted(
        (s for s in everything if s.state is SubmissionState.PENDING),
        key=lambda s: (s.submitted_at, s.submission_id),
    )
    done = [s for s in everything if s.state is not SubmissionState.PENDING][:DECIDED_SHOWN]
    checks = approval_problems(engine, caller.account, [s.submission_id for s in pending])
    cards = [_card(s, catalogue) for s in pending]
    for card in cards:
        card.checks = checks.get(card.submission.submission_id)
        if outcome is not None and outcome.submission_id == card.submission.submission_id:
            card.errors, card.typed = outcome.errors, outcome.typed
            if not outcome.errors:  # a field's error is said next to the field
                card.problem, card.problem_details = outcome.message, outcome.details
    notice_kind, notice = _notice(caller, decided)
    return render(
        request,
        caller,
        "review.html",
        status=status,
        title="Review submissions",
        cards=cards,
        decided=[_card(s, catalogue) for s in done],
        decided_shown=DECIDED_SHOWN,
        outcome=outcome,
        outcome_on_card=outcome is not None
        and any(c.submission.submission_id == outcome.submission_id for c in cards),
        notice_kind=notice_kind,
        notice=notice,
        when=when,
    )


@router.get("/review")
def review(
    request: Request, caller: Annotated[Caller, Depends(page(Permission.REVIEW, WHAT))]
) -> Response:
    return _queue(request, caller, decided=request.query_params.get("decided"))


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _refused(
    request: Request,
    caller: Caller,
    submission_id: int,
    err: FirpathError,
    *,
    field_name: str,
    typed: dict[str, str],
) -> Response:
    """The queue again, saying why the decision did not go through (nothing changed)."""
    _, status, _ = classify(err)
    errors: dict[str, str] = {}
    details: list[Defect] = []
    message = str(err)
    if isinstance(err, FieldInvalid) and err.field == "reason":
        errors[field_name] = err.message
        label = "Reason for rejecting" if field_name == "reject" else "Note on approving"
        message = f"Submission {submission_id} not decided. {label}: {err.message}."
    elif isinstance(err, InvalidInput):
        message, details = err.summary, list(err.defects)
    outcome = Outcome(submission_id, message, details, errors, typed)
    return _queue(request, caller, status=status, outcome=outcome)


@router.post("/review/{submission_id}/approve")
def approve(
    request: Request,
    submission_id: SubmissionId,
    posted: Annotated[Posted, Depends(form_page(Permission.REVIEW, WHAT))],
) -> Response:
    from firpath.services.submissions import approve as publish

    return _decide(request, submission_id, posted, "approve", publish)


@router.post("/review/{submission_id}/reject")
def reject(
    request: Request,
    submission_id: SubmissionId,
    posted: Annotated[Posted, Depends(form_page(Permission.REVIEW, WHAT))],
) -> Response:
    from firpath.services.submissions import reject as refuse

    return _decide(request, submission_id, posted, "reject", refuse)


def _decide(
    request: Request,
    submission_id: int,
    posted: Posted,
    field_name: str,
    decide: Callable[[Engine, Account, int, str], object],
) -> Response:
    """Approve or reject (`decide`) with the form's reason; the queue again if refused."""
    caller, form = posted
    reason = _text(form, "reason")
    try:
        decide(caller.warm.engine, caller.account, submission_id, reason)
    except (AlreadyDecided, NotFound, InvalidInput, FieldInvalid) as err:
        return _refused(
            request, caller, submission_id, err, field_name=field_name, typed={field_name: reason}
        )
    return RedirectResponse(f"/review?decided={submission_id}", status_code=303)
