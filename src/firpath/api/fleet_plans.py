"""`POST /fleet-plans`: a fleet file in, its plan file (or the plan's summary) out: the plan
service of `firpath plan`, on the upload spooled to disk."""

from __future__ import annotations

import json
from functools import partial
from typing import Annotated, Any, Final, Literal

from anyio import to_thread
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send

from firpath.api.auth import Caller, allowed
from firpath.api.downloads import attachment
from firpath.api.params import ENTRY_ID
from firpath.api.shapes import SIGNED_IN, answers
from firpath.api.uploads import FILE_FIELD, receive_file, remove
from firpath.api.work_shapes import FleetSummary
from firpath.documents import fleet_counts_document, fleet_summary_document
from firpath.domain.account import Permission
from firpath.domain.fleet_plan import LATEST
from firpath.io.uploads import DEFAULT_LIMIT_MB, Upload

router = APIRouter(tags=["paths"])
Planner = Annotated[Caller, Depends(allowed(Permission.PLAN, "plan fleets"))]

PLAN_TYPES: Final = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}
SUMMARY_HEADER: Final = "X-Firpath-Summary"
_ADVICE: Final = "send it as Parquet (several times smaller than CSV) or in parts"
_XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BINARY: Final = {"schema": {"type": "string", "format": "binary"}}

_DESCRIPTION: Final = f"""Plans every device of a fleet file, as `firpath plan` does: one plan
row per fleet row, in order (blank rows skipped).

**Sending the fleet**: either the file itself as the request body (`Content-Type: text/csv`,
`application/vnd.apache.parquet`, or the .xlsx type; a `Content-Disposition` header may name
it; `curl --data-binary @fleet.csv` works as it is), or the `{FILE_FIELD}` field of a
`multipart/form-data` form (`curl -F file=@fleet.csv`). Its format is told from its content
(Parquet and XLSX by their signatures, else CSV text: UTF-8 or UTF-16, comma, semicolon or
tab, as Excel saves it), never from a name or media type. The fleet is streamed to disk and
may be at most the server's upload limit (`firpath serve --upload-limit-mb`,
{DEFAULT_LIMIT_MB} MB unless set): 413 past it. A fleet file that cannot be planned is 422
with the rows and columns at fault, as `firpath plan` reports them.

**The answer**, chosen by `Accept`:
- `Accept: application/json`: the plan's summary, the document `firpath plan --json` prints
  (devices by status, stranded device models, what to do); no plan file.
- anything else (`*/*`, `text/csv`, ...): the plan file (`format=csv` or `parquet`), as a
  download named after the fleet (`FLEET-plan.csv`), with the summary's counts as compact
  JSON in the `{SUMMARY_HEADER}` header: `devices`, `mode`, `target`, `distinct_firmware`,
  `by_status`, `other_model_devices`, `past_target_devices`, `explained`, `blank_rows`,
  `empty_device_ids`, `duplicate_device_ids`.

Files are removed from the server once answered.
"""

_REQUEST_BODY: Final = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": [FILE_FIELD],
                "properties": {FILE_FIELD: {"type": "string", "format": "binary"}},
            }
        },
        "text/csv": _BINARY | {"example": "device_id,cpl_entry_id\nMTR-0001,10039\n"},
        "application/vnd.apache.parquet": _BINARY,
        _XLSX: _BINARY,
    },
}

_RESPONSES: Final = answers(None, *SIGNED_IN, 400, 404, 413, 415) | {
    200: {
        "description": "The plan file, or with `Accept: application/json` its summary",
        "model": FleetSummary,  # the application/json answer
        "content": {
            "text/csv": _BINARY | {"example": "device_id,cpl_entry_id\nMTR-0001,10039\n"},
            "application/vnd.apache.parquet": _BINARY,
        },
        "headers": {
            SUMMARY_HEADER: {
                "description": "the summary's counts, compact JSON (with the plan file)",
                "schema": {"type": "string"},
            }
        },
    },
}


class PlanFile(FileResponse):
    """The plan file as a download; the upload's folder is removed once it is sent, or the
    client went away."""

    def __init__(self, upload: Upload, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.upload = upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await remove(self.upload)


def wants_summary(accept: str | None) -> bool:
    """Whether `Accept` names application/json (with q above 0): the summary, not the file."""
    for item in (accept or "").split(","):
        kind, _, params = item.partition(";")
        if kind.strip().lower() != "application/json":
            continue
        q = params.replace(" ", "").lower().partition("q=")[2].split(";")[0]
        try:
            return q == "" or float(q) > 0
        except ValueError:
            return True
    return False


@router.post(
    "/fleet-plans",
    summary="Plan a fleet file: its plan file, or the plan's summary",
    description=_DESCRIPTION,
    response_class=Response,
    openapi_extra={"requestBody": _REQUEST_BODY},
    responses=_RESPONSES,
)
async def plan_fleet(
    request: Request,
    caller: Planner,
    target: Annotated[
        str,
        Query(pattern=ENTRY_ID, description="latest (each model's newest) or a CPL Entry ID"),
    ] = LATEST,
    explain: Annotated[
        bool, Query(description="add version names, the reason and the contact to each row")
    ] = False,
    format: Annotated[Literal["csv", "parquet"], Query(description="the plan file's")] = "csv",
) -> Response:
    from firpath.io.fleet_file import FLEET_TEXT_SUFFIXES
    from firpath.services.fleet_plan import plan_uploaded_fleet

    upload = Upload(request.app.state.upload_limit, "fleet file", _ADVICE)
    try:
        given = await receive_file(request, upload)
        await to_thread.run_sync(upload.finish, given, "fleet", FLEET_TEXT_SUFFIXES)
        plan = partial(plan_uploaded_fleet, caller.warm.engine, upload, format)
        summary, plan_path = await to_thread.run_sync(partial(plan, target=target, explain=explain))
    except BaseException:
        await remove(upload)
        raise
    if wants_summary(request.headers.get("accept")):
        await remove(upload)
        return JSONResponse(fleet_summary_document(summary))
    counts = json.dumps(fleet_counts_document(summary), separators=(",", ":"), ensure_ascii=True)
    return PlanFile(
        upload,
        path=plan_path,
        media_type=PLAN_TYPES[format],
        headers={SUMMARY_HEADER: counts, "Content-Disposition": attachment(plan_path.name)},
    )
