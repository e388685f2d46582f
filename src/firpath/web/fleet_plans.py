"""`/fleet-plans/new`: upload a fleet file, see its plan's summary (devices by status as a
chart and a table, the stranded device models, what to do), download the plan.

Stateless: nothing is kept between requests, so any worker on any host answers. The summary
and the downloads each post the same file again (the page keeps the chosen file); without
JavaScript the form's choice says which answer to send. The upload is received as the API's
`POST /api/v1/fleet-plans` receives it: streamed to disk, at most the server's upload limit,
planned by the service of `firpath plan`, removed once answered."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Final

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.exceptions import HTTPException

from firpath.api.auth import CSRF_HEADER, Caller
from firpath.api.downloads import attachment
from firpath.api.fleet_plans import PLAN_TYPES, PlanFile
from firpath.api.params import ENTRY_ID
from firpath.api.uploads import FILE_FIELD, receive_form, remove
from firpath.documents import error_document
from firpath.domain.account import NotAllowed, Permission
from firpath.domain.catalogue import Catalogue
from firpath.domain.entry import DeviceModel
from firpath.domain.errors import FieldInvalid, FirpathError
from firpath.domain.fleet_plan import LATEST
from firpath.domain.manufacturer import Manufacturer
from firpath.error_codes import classify
from firpath.io.fleet_file import FLEET_TEXT_SUFFIXES
from firpath.io.uploads import Upload, limit_mb_text
from firpath.services.fleet_summary import OTHER_MODEL, PAST_TARGET, FleetSummary, ModelTally
from firpath.web.auth import FORM_CSRF_FIELD, check_form_token, page
from firpath.web.templating import SECURITY_HEADERS, render

router = APIRouter(include_in_schema=False)
Planner = Annotated[Caller, Depends(page(Permission.PLAN, "plan fleets"))]

WHAT: Final = "fleet file"
ADVICE: Final = (
    "save the fleet as Parquet (several times smaller than CSV) or split it into parts and "
    "plan each part"
)
DOWNLOADS: Final = {"": None, "summary": None, "plain": False, "explained": True}
FIELDS: Final = frozenset({FORM_CSRF_FIELD, "target", "download"})
EXAMPLE_MODELS: Final = 3  # device models in the example fleet file
ENTRY_LINKS: Final = 20  # entries linked in a "what to do" line (the rest counted)

# each status in words, with what it means for the devices (the code is shown beside it)
STATUS_TEXT: Final = {
    "up_to_date": ("Up to date", "already on the target firmware"),
    "upgrade": ("Can be upgraded", "a safe over-the-air path to the target exists"),
    "no_path": ("No path (stranded)", "no over-the-air path: a site visit is needed"),
    "incomplete_data": (
        "Incomplete data",
        "the path depends on an upgrade-from the manufacturer has not provided",
    ),
    "unknown_firmware": ("Firmware not on the CPL", "the row names no CPL entry"),
    "ambiguous": ("Ambiguous firmware", "two builds share the version: give the image hash"),
    OTHER_MODEL: ("Other device model", "not of the target's device model"),
    PAST_TARGET: ("Past the target", "already on newer firmware than the target: nothing to send"),
}


@dataclass(frozen=True, slots=True)
class StrandedModel:
    """A stranded device model as the page shows it: its manufacturer by name, with contact."""

    tally: ModelTally
    manufacturer: str
    model: str
    contact: Manufacturer | None  # None: no contact details on file


def status_rows(summary: FleetSummary) -> list[dict[str, Any]]:
    """Devices per status, as the chart and the table show them (statuses with none too)."""
    total = summary.devices
    rows: list[dict[str, Any]] = []
    for status, count in summary.status_rows():
        label, meaning = STATUS_TEXT.get(status, (status, ""))
        share = 100 * count / total if total else 0.0
        rows.append(
            {
                "status": status,
                "label": label,
                "meaning": meaning,
                "value": count,
                "share": f"{share:.1f} %",
                "text": f"{count:,} ({share:.1f} %)",
                "kind": status,
            }
        )
    return rows


def stranded_models(summary: FleetSummary, catalogue: Catalogue) -> list[StrandedModel]:
    """The stranded device models with their manufacturer's name and contact."""
    shown: list[StrandedModel] = []
    for tally in summary.stranded_models:
        maker_id = tally.device_model.split("/")[0]
        maker = catalogue.manufacturer(maker_id)
        name = maker.manufacturer_name if maker is not None else None
        model = tally.name or tally.device_model
        if name and model.startswith(f"{name} "):
            model = model[len(name) + 1 :]
        shown.append(
            StrandedModel(
                tally,
                name or f"manufacturer {maker_id}",
                model,
                maker if maker is not None and maker.contact else None,
            )
        )
    return shown


def step_rows(summary: FleetSummary) -> list[dict[str, Any]]:
    """What to do, one line per status (per manufacturer for incomplete data)."""
    rows: list[dict[str, Any]] = []
    for step in summary.next_steps:
        label, _ = STATUS_TEXT.get(step.status, (step.status, ""))
        rows.append(
            {
                "step": step,
                "label": label,
                "entries": step.entry_ids[:ENTRY_LINKS],
                "more": max(0, len(step.entry_ids) - ENTRY_LINKS),
            }
        )
    return rows


def example_fleet(catalogue: Catalogue) -> str:
    """A small fleet file of this registry's entries: the oldest and newest firmware of a
    few device models, one device each."""
    lines = ["device_id,cpl_entry_id"]
    models: list[DeviceModel] = catalogue.device_models()[:EXAMPLE_MODELS]
    for model in models:
        graph = catalogue.graph(model)
        ordered = sorted(graph.entries.values(), key=lambda e: e.firmware_number)
        for entry in (ordered[0], ordered[-1]) if len(ordered) > 1 else ordered:
            lines.append(f"MTR-{len(lines):04d},{entry.cpl_entry_id}")
    return "\r\n".join(lines) + "\r\n"


def _form_page(
    request: Request,
    caller: Caller,
    *,
    status: int = 200,
    target: str = "",
    download: str = "",
    error: dict[str, Any] | None = None,
    summary: FleetSummary | None = None,
    file_name: str = "",
) -> Response:
    catalogue = caller.warm.catalogue(caller.state)
    return render(
        request,
        caller,
        "fleet_plan.html",
        status=status,
        title=f"Fleet plan of {file_name}" if summary is not None else "Plan a fleet",
        target=target,
        download=download,
        error=error,
        summary=summary,
        file_name=file_name,
        posted=summary is not None or error is not None,
        rows=status_rows(summary) if summary is not None else [],
        stranded=stranded_models(summary, catalogue) if summary is not None else [],
        steps=step_rows(summary) if summary is not None else [],
        target_entry=catalogue.entry(summary.target) if summary is not None else None,
        limit=limit_mb_text(request.app.state.upload_limit),
        file_field=FILE_FIELD,
    )


def _error(err: FirpathError) -> tuple[int, dict[str, Any]]:
    """The status of an error and what the page shows of it: the message and the rows,
    columns and values at fault, as the service says them."""
    _, status, _ = classify(err)
    document = error_document(err)["error"]
    shown = {
        "message": document["message"],
        "details": document.get("details") or [],
        "more": document.get("more") or [],
    }
    shown["too_large"] = status == 413
    if status == 413:
        shown["next_step"] = f"Then send it again; {ADVICE}, or ask the operator to raise it."
    return status, shown


def _options(values: dict[str, str]) -> tuple[str, bool | None]:
    """The target (`latest` when not given) and which plan file to send (None: the summary)."""
    target = values.get("target", "").strip() or LATEST
    if target.lower() == LATEST:
        target = LATEST
    elif not re.match(ENTRY_ID, target):
        raise FieldInvalid(
            "target", target, "is not a CPL Entry ID: give one (e.g. 10039) or leave it empty"
        )
    download = values.get("download", "")
    if download not in DOWNLOADS:
        raise FieldInvalid("download", download, "is not one of summary, plain, explained")
    return target, DOWNLOADS[download]


@router.get("/fleet-plans/new")
def new_fleet_plan(request: Request, caller: Planner) -> Response:
    """The upload form: what a fleet file holds, an example, the target."""
    return _form_page(request, caller)


@router.get("/fleet-plans/example.csv")
def example_fleet_file(caller: Planner) -> Response:
    """A small fleet file of this registry's entries, to start from."""
    text = example_fleet(caller.warm.catalogue(caller.state))
    return PlainTextResponse(
        text,
        media_type=PLAN_TYPES["csv"],
        headers=SECURITY_HEADERS | {"Content-Disposition": attachment("fleet-example.csv")},
    )


@router.post("/fleet-plans")
async def plan_fleet_page(request: Request, caller: Planner) -> Response:
    """Plan the posted fleet file: the summary page, or the plan file as a download."""
    header_token = request.headers.get(CSRF_HEADER)
    if header_token is not None:  # a script's upload: refused before a byte is read
        check_form_token(caller, header_token)
    upload = Upload(request.app.state.upload_limit, WHAT, ADVICE)
    values: dict[str, str] = {}
    try:
        given, values = await receive_form(request, upload, FIELDS)
        check_form_token(caller, header_token or values.get(FORM_CSRF_FIELD, ""))
        target, explain = _options(values)
        await to_thread.run_sync(upload.finish, given, "fleet", FLEET_TEXT_SUFFIXES)
        plan = partial(plan_uploaded_fleet_csv, caller, upload, target, bool(explain))
        summary, plan_path = await to_thread.run_sync(plan)
    except NotAllowed:
        await remove(upload)
        raise
    except (FirpathError, HTTPException) as err:
        await remove(upload)
        if isinstance(err, HTTPException):
            status, shown = (
                err.status_code,
                {
                    "message": str(err.detail),
                    "details": [],
                    "too_large": False,
                },
            )
        else:
            status, shown = _error(err)
        return _form_page(
            request,
            caller,
            status=status,
            target=values.get("target", ""),
            download=values.get("download", ""),
            error=shown,
        )
    except BaseException:
        await remove(upload)
        raise
    if explain is None:
        await remove(upload)
        return _form_page(
            request,
            caller,
            target=values.get("target", ""),
            summary=summary,
            file_name=upload.name,
        )
    name = f"{plan_path.stem}-explained{plan_path.suffix}" if explain else plan_path.name
    return PlanFile(
        upload,
        path=plan_path,
        media_type=PLAN_TYPES["csv"],
        headers=SECURITY_HEADERS | {"Content-Disposition": attachment(name)},
    )


def plan_uploaded_fleet_csv(
    caller: Caller, upload: Upload, target: str, explain: bool
) -> tuple[FleetSummary, Path]:
    """The plan service on the finished upload: a CSV plan file next to it."""
    from firpath.services.fleet_plan import plan_uploaded_fleet

    return plan_uploaded_fleet(caller.warm.engine, upload, "csv", target=target, explain=explain)
