"""Submissions on the web: `/submissions/new`, the form proposing a CPL entry (the same submit
service as the API), and `/submissions`, one's own submissions and what became of them."""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from firpath.api.auth import Caller
from firpath.domain.account import NotAllowed, Permission, Role
from firpath.domain.catalogue import Catalogue
from firpath.domain.errors import InvalidInput
from firpath.domain.submission import Submission, SubmissionState
from firpath.web.auth import Posted, form_page, page
from firpath.web.submission_form import (
    LABELS,
    LOAD_BUTTON,
    UPGRADE_FROM,
    FormErrors,
    SubmissionForm,
    UpgradeChoice,
    band_choices,
    band_descriptions,
    band_label,
    device_type_choices,
    firmware_options,
    form_errors,
    maker_choices,
)
from firpath.web.templating import render

router = APIRouter(include_in_schema=False)
Submitter = Annotated[Caller, Depends(page(Permission.SUBMIT, "make or see submissions"))]
PostedSubmission = Annotated[Posted, Depends(form_page(Permission.SUBMIT, "make submissions"))]
LOAD: Final = "load"  # the form's "Show this model's firmware" button


def _form_page(
    request: Request,
    caller: Caller,
    form: SubmissionForm,
    *,
    errors: FormErrors | None = None,
    loaded: bool = False,
    status: int = 200,
) -> Response:
    catalogue = caller.warm.catalogue(caller.state)
    model = form.device_model()
    model_entries = catalogue.model_entries(model) if model is not None else []
    account = caller.account
    names = {m: _maker_name(caller, m) for m in account.manufacturer_ids}
    return render(
        request,
        caller,
        "submission_form.html",
        status=status,
        title="New submission" if not errors else "New submission: please check what you entered",
        form=form,
        v=form.values,
        labels=LABELS,
        errors=errors or FormErrors(),
        device_types=device_type_choices(form.values.get("device_type", "")),
        bands=band_choices(form.values.get("zigbee_band", "")),
        band_meanings=band_descriptions(),
        makers=maker_choices(account, form.values.get("manufacturer_id", ""), names)
        if account.role is Role.MANUFACTURER
        else None,
        model=model,
        model_known=bool(model_entries),
        loaded=loaded,
        firmware=firmware_options(model_entries, form.chosen),
        choice=form.choice.value,
        choices=UpgradeChoice,
        load_button=LOAD_BUTTON,
    )


def _maker_name(caller: Caller, manufacturer_id: str) -> str | None:
    found = caller.warm.catalogue(caller.state).manufacturer(manufacturer_id)
    return found.manufacturer_name if found else None


@router.get("/submissions/new")
def new_submission(request: Request, caller: Submitter) -> Response:
    given = {k: v for k, v in request.query_params.items() if isinstance(v, str)}
    return _form_page(request, caller, SubmissionForm.blank(caller.account, given))


@router.post("/submissions/new")
def make_submission(request: Request, posted: PostedSubmission) -> Response:
    from firpath.services.submissions import submit

    caller, data = posted
    form = SubmissionForm.posted(data)
    if data.get("action") == LOAD:
        return _form_page(request, caller, form, loaded=True)
    try:
        done = submit(caller.warm.engine, caller.account, form.payload())
    except InvalidInput as err:
        return _form_page(request, caller, form, errors=form_errors(err, form), status=422)
    except NotAllowed as err:
        refused = FormErrors()
        refused.add("manufacturer_id", f"{LABELS['manufacturer_id']}: {err}")
        return _form_page(request, caller, form, errors=refused, status=403)
    number = done.submission.submission_id
    return RedirectResponse(f"/submissions?received={number}", status_code=303)


@router.get("/submissions")
def submissions(request: Request, caller: Submitter) -> Response:
    from firpath.services.submissions import list_submissions

    raw_state = request.query_params.get("state", "")
    state = SubmissionState.parse(raw_state) if raw_state else None
    found = list_submissions(caller.warm.engine, caller.account, state)
    catalogue = caller.warm.catalogue(caller.state)
    received = request.query_params.get("received", "")
    notice = next((s for s in found if str(s.submission_id) == received), None)
    return render(
        request,
        caller,
        "submissions.html",
        title="Submissions",
        rows=[_row(s, catalogue) for s in found],
        state=state.value if state else "",
        states=[s.value for s in SubmissionState],
        received=notice.submission_id if notice else None,
        reviewer=caller.account.may(Permission.REVIEW),
    )


def _row(s: Submission, catalogue: Catalogue) -> dict[str, Any]:
    """One submission as the list shows it (its upgrade-from entries by version)."""
    r = s.record
    given = r.get(UPGRADE_FROM, "")
    upgrade_from = "every earlier active version" if s.all_earlier and not given else given
    earlier = []
    if upgrade_from not in ("", "N/A") and not upgrade_from.startswith("every"):
        for entry_id in upgrade_from.split(";"):
            known = catalogue.entry(entry_id)
            name = (
                f"{known.firmware_version_name or '(no name)'} = {known.firmware_version}"
                if known
                else f"entry {entry_id}"
            )
            earlier.append((entry_id, name))
    return {
        "id": s.submission_id,
        "state": s.state.value,
        "device_type": r.get("device_type", ""),
        "model": f"{r.get('manufacturer_id', '')}/{r.get('model_id', '')}/"
        f"{r.get('hardware_version', '')}",
        "maker": r.get("manufacturer_name", ""),
        "model_name": r.get("model_name", ""),
        "version_name": r.get("firmware_version_name", ""),
        "version": r.get("firmware_version", ""),
        "upgrade_from": upgrade_from,
        "earlier": earlier,
        "band": band_label(r.get("zigbee_band", "")),
        "submitted_by": s.submitted_by,
        "submitted_at": s.submitted_at,
        "decided_by": s.decided_by,
        "decided_at": s.decided_at,
        "reason": s.decision_reason,
        "entry_id": s.cpl_entry_id,
    }
