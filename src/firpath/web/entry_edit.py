"""The entry edit form (SECAS): every correctable field pre-filled, a required reason, and
stale-edit detection: the form carries the entry's revision (the API's ETag) and the values
it was opened with, so a change made meanwhile is shown, not overwritten."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Final
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from firpath.api.auth import Caller
from firpath.api.params import EntryId
from firpath.domain.account import Permission
from firpath.domain.band import ZigbeeBand
from firpath.domain.errors import FieldInvalid, InvalidInput, StaleRevision
from firpath.domain.record import entry_to_record
from firpath.domain.values import DeviceType, EntryStatus
from firpath.error_codes import classify
from firpath.io.columns import LABELS
from firpath.services.corrections import SETTABLE
from firpath.services.history import HistoryItem
from firpath.services.registry import EntryDetail
from firpath.web.auth import Posted, form_page, page
from firpath.web.review import when
from firpath.web.templating import render

router = APIRouter(include_in_schema=False)
WHAT: Final = "correct entries"
WAS: Final = "was_"  # prefix of the hidden fields holding the values the form was opened with
REASON: Final = "reason"
REVISION: Final = "revision"


@dataclass(frozen=True, slots=True)
class FormField:
    """One correctable field of the form: its CPL column, label, kind and hint."""

    name: str
    label: str
    kind: str = "text"  # text, textarea, select
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()  # (value, label) of a select


_DATE = "YYYY-MM-DD; empty: not provided"
_OPTIONAL = "empty: not provided"
GROUPS: Final[tuple[tuple[str, tuple[FormField, ...]], ...]] = (
    (
        "Device model",
        (
            FormField(
                "device_type",
                LABELS["device_type"],
                "select",
                options=tuple((t.value, t.value) for t in DeviceType),
            ),
            FormField("manufacturer_id", LABELS["manufacturer_id"], hint="4 hex digits"),
            FormField("manufacturer_name", LABELS["manufacturer_name"], hint=_OPTIONAL),
            FormField("model_id", LABELS["model_id"], hint="4 hex digits"),
            FormField("model_name", LABELS["model_name"], hint=_OPTIONAL),
            FormField("hardware_version", LABELS["hardware_version"], hint="4 hex digits"),
        ),
    ),
    (
        "Firmware",
        (
            FormField(
                "firmware_version", LABELS["firmware_version"], hint="8 hex digits, e.g. 01020A03"
            ),
            FormField("firmware_version_name", LABELS["firmware_version_name"], hint=_OPTIONAL),
            FormField(
                "manufacturer_image_hash", LABELS["manufacturer_image_hash"], hint="64 hex digits"
            ),
            FormField(
                "status",
                LABELS["status"],
                "select",
                options=tuple((s.value, s.value) for s in EntryStatus),
            ),
            FormField(
                "upgrade_from",
                LABELS["upgrade_from"],
                hint="CPL Entry IDs of the same device model separated by “;”, or N/A "
                "(nothing may be upgraded to it); empty: not provided",
            ),
            FormField("date_added", LABELS["date_added"], hint=_DATE),
            FormField("release_date", LABELS["release_date"], hint=_DATE),
            FormField("release_notes", LABELS["release_notes"], "textarea", hint=_OPTIONAL),
            FormField("smets_chts_version", LABELS["smets_chts_version"], hint=_OPTIONAL),
            FormField("gbcs_version", LABELS["gbcs_version"], hint=_OPTIONAL),
        ),
    ),
    (
        "ZigBee",
        (
            FormField("zigbee_chipset_vendor", LABELS["zigbee_chipset_vendor"], hint=_OPTIONAL),
            FormField("zigbee_stack_version", LABELS["zigbee_stack_version"], hint=_OPTIONAL),
            FormField(
                "zigbee_band",
                LABELS["zigbee_band"],
                "select",
                options=(("", "not provided"), *((b.value, b.label) for b in ZigbeeBand)),
            ),
        ),
    ),
    ("Notes", (FormField("notes", LABELS["notes"], "textarea", hint=_OPTIONAL),)),
)
FIELDS: Final = tuple(f for _, group in GROUPS for f in group)
assert {f.name for f in FIELDS} == set(SETTABLE), "the form offers every correctable field"


@dataclass(frozen=True, slots=True)
class Changed:
    """A field changed by someone else since the form was opened, and what was typed."""

    name: str
    label: str
    then: str
    now: str
    typed: str

    @property
    def conflict(self) -> bool:
        """Whether the form changed it too, to something else."""
        return self.typed not in (self.then, self.now)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _form(
    request: Request,
    caller: Caller,
    detail: EntryDetail,
    *,
    values: Mapping[str, str],
    reason: str = "",
    status: int = 200,
    errors: Mapping[str, str] | None = None,
    problems: list[str] | None = None,
    message: str = "",
    changed: list[Changed] | None = None,
    yours: list[Changed] | None = None,
    latest: HistoryItem | None = None,
) -> Response:
    entry = detail.entry
    return render(
        request,
        caller,
        "entry_edit.html",
        status=status,
        title=f"Correct CPL entry {entry.cpl_entry_id}",
        entry=entry,
        groups=GROUPS,
        values=values,
        was=entry_to_record(entry),
        revision=detail.revision,
        reason=reason,
        errors=dict(errors or {}),
        problems=problems or [],
        message=message,
        changed=changed or [],
        yours=yours or [],
        latest=latest,
        when=when,
    )


@router.get("/entries/{entry_id}/edit")
def edit_form(
    request: Request,
    entry_id: EntryId,
    caller: Annotated[Caller, Depends(page(Permission.REVIEW, WHAT))],
) -> Response:
    from firpath.services.registry import show_entry

    detail = show_entry(caller.warm.engine, entry_id)
    return _form(request, caller, detail, values=entry_to_record(detail.entry))


def _stale(
    request: Request,
    caller: Caller,
    detail: EntryDetail,
    typed: Mapping[str, str],
    was: Mapping[str, str],
    reason: str,
    errors: Mapping[str, str],
) -> Response:
    """The form again at the entry's current revision: what changed meanwhile next to what
    was typed; fields the form did not change take the current value, typed ones are kept."""
    from firpath.services.history import entry_history

    now = entry_to_record(detail.entry)
    changed = [
        Changed(f.name, f.label, was.get(f.name, ""), now[f.name], typed[f.name])
        for f in FIELDS
        if was.get(f.name, now[f.name]) != now[f.name]
    ]
    yours = [
        Changed(f.name, f.label, was.get(f.name, now[f.name]), now[f.name], typed[f.name])
        for f in FIELDS
        if typed[f.name] != was.get(f.name, now[f.name]) and was.get(f.name) == now[f.name]
    ]
    values = {
        name: typed[name] if typed[name] != was.get(name, now[name]) else now[name]
        for name in SETTABLE
    }
    history = entry_history(caller.warm.engine, detail.entry.cpl_entry_id)
    message = (
        f"CPL entry {detail.entry.cpl_entry_id} changed after you opened this form "
        f"(it is now at revision {detail.revision}): nothing was saved. "
        "What changed is listed below; the form now holds the current values, with your "
        "changes kept. Check them, then save again."
    )
    _, status, _ = classify(StaleRevision(message))
    return _form(
        request,
        caller,
        detail,
        values=values,
        reason=reason,
        status=status,
        errors=errors,
        message=message,
        changed=changed,
        yours=yours,
        latest=history[0] if history else None,
    )


@router.post("/entries/{entry_id}/edit")
def save(
    request: Request,
    entry_id: EntryId,
    posted: Annotated[Posted, Depends(form_page(Permission.REVIEW, WHAT))],
) -> Response:
    from firpath.services.corrections import correct_entry
    from firpath.services.registry import show_entry

    caller, form = posted
    engine = caller.warm.engine
    detail = show_entry(engine, entry_id)
    key = detail.entry.cpl_entry_id
    now = entry_to_record(detail.entry)
    typed = {name: _text(form, name) if name in form else now[name] for name in SETTABLE}
    was = {name: _text(form, WAS + name) for name in SETTABLE if WAS + name in form}
    reason = _text(form, REASON)
    errors: dict[str, str] = {}
    if not reason.strip():
        errors[REASON] = "Reason for the change: required (it is kept in the entry's history)."
    sent_revision = _text(form, REVISION).strip()
    if not sent_revision.isdigit() or len(sent_revision) > 12:
        return _form(
            request,
            caller,
            detail,
            values=typed,
            reason=reason,
            status=422,
            errors=errors,
            message=f"The form does not say which revision of entry {key} it was opened at "
            f"(revision {sent_revision!r}): nothing was saved. The form below is at the "
            "current revision: check the values, then save again.",
        )
    revision = int(sent_revision)
    if revision != detail.revision:
        return _stale(request, caller, detail, typed, was, reason, errors)
    if errors:
        return _form(
            request, caller, detail, values=typed, reason=reason, status=422, errors=errors
        )
    changes = [(name, typed[name]) for name in SETTABLE if typed[name] != now[name]]
    if not changes:
        return _form(
            request,
            caller,
            detail,
            values=typed,
            reason=reason,
            status=422,
            message="Nothing to save: every field holds the entry's current value. "
            "Change a field, then save.",
        )
    try:
        done = correct_entry(
            engine, key, changes, reason=reason, actor=caller.account.email, if_revision=revision
        )
    except StaleRevision:  # changed between our read and the write
        return _stale(request, caller, show_entry(engine, key), typed, was, reason, {})
    except (InvalidInput, FieldInvalid) as err:
        return _refused(request, caller, detail, typed, reason, err)
    if not done.changes:
        return _form(
            request,
            caller,
            detail,
            values=typed,
            reason=reason,
            status=422,
            message="Nothing to save: the values you typed mean what the entry holds already.",
        )
    return RedirectResponse(
        f"/entries/{quote(key, safe='')}?corrected={done.revision}", status_code=303
    )


def _refused(
    request: Request,
    caller: Caller,
    detail: EntryDetail,
    typed: Mapping[str, str],
    reason: str,
    err: InvalidInput | FieldInvalid,
) -> Response:
    """The form again with each rule's message next to the field it names."""
    _, status, _ = classify(err)
    labels = {f.name: f.label for f in FIELDS} | {REASON: "Reason for the change"}
    errors: dict[str, str] = {}
    problems: list[str] = []
    defects = (
        [(err.field, err.value, err.message)]
        if isinstance(err, FieldInvalid)
        else [(d.field, d.value, d.message) for d in err.defects]
    )
    for name, value, text in defects:
        said = f"“{value}”: {text}" if value else text
        if name in labels:
            line = f"{labels[name]} {said}"
            errors[name] = f"{errors[name]} {line}" if name in errors else line
        else:
            problems.append(f"{name}: {said}" if name else said)
    message = err.summary if isinstance(err, InvalidInput) else "Correction refused, nothing saved."
    return _form(
        request,
        caller,
        detail,
        values=typed,
        reason=reason,
        status=status,
        errors=errors,
        problems=problems,
        message=message,
    )
