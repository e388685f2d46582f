"""Entries of the FIR: list with filters and pages, one entry (with its ETag), its history,
SECAS corrections, completeness and the export."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from firpath.api.auth import Caller, allowed
from firpath.api.downloads import attachment
from firpath.api.params import HEX4, MISSING, TEXT, EntryId
from firpath.api.shapes import (
    ETAG,
    SIGNATURE,
    SIGNED_IN,
    Completeness,
    CorrectedEntry,
    EntryDetail,
    EntryPage,
    History,
    answers,
)
from firpath.api.signing import SIGNATURE_HEADER, signature_header, signing_key
from firpath.documents import (
    completeness_document,
    entry_detail_document,
    entry_document,
    history_document,
)
from firpath.domain import values
from firpath.domain.account import Permission
from firpath.domain.band import ZigbeeBand
from firpath.domain.completeness import Grouping
from firpath.domain.errors import FieldInvalid, PreconditionRequired
from firpath.domain.values import DeviceType, EntryStatus

router = APIRouter(tags=["entries"])
Reader = Annotated[Caller, Depends(allowed(Permission.READ, "read the FIR"))]
Secas = Annotated[Caller, Depends(allowed(Permission.REVIEW, "correct entries"))]

EXPORT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def etag(revision: int) -> str:
    """The ETag of an entry at `revision`."""
    return f'"r{revision}"'


def revision_of(if_match: str | None, entry_id: str) -> int:
    """The revision an If-Match header names (428 when there is none)."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            f"a correction must send If-Match with the ETag of entry {entry_id} as read "
            f"(GET /api/v1/entries/{entry_id}); nothing was saved"
        )
    text = if_match.strip().removeprefix("W/").strip('"').strip()
    digits = text.removeprefix("r")
    if not digits.isdigit() or len(digits) > 12:
        raise FieldInvalid(
            "If-Match",
            if_match,
            f'must be the ETag header of GET /api/v1/entries/{entry_id} as read: "r" and the '
            "entry's revision number, in double quotes",
        )
    return int(digits)


@router.get(
    "/entries",
    summary="CPL entries matching every filter, a page at a time",
    response_model=None,
    responses=answers(EntryPage, *SIGNED_IN),
)
def list_entries(
    caller: Reader,
    device_type: DeviceType | None = None,
    manufacturer_id: Annotated[str | None, Query(pattern=HEX4)] = None,
    model_id: Annotated[str | None, Query(pattern=HEX4)] = None,
    hardware_version: Annotated[str | None, Query(pattern=HEX4)] = None,
    status: EntryStatus | None = None,
    chipset_vendor: Annotated[str | None, Query(description="`*` wildcards", **TEXT)] = None,
    stack_version: Annotated[str | None, Query(description="`*` wildcards", **TEXT)] = None,
    band: Annotated[ZigbeeBand | None, Query(description="a ZigBee band code")] = None,
    missing: Annotated[
        str | None, Query(pattern=MISSING, description="entries missing this new field (any: one)")
    ] = None,
    q: Annotated[str | None, Query(description="free text", **TEXT)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    from firpath.services.registry import browse_entries, entry_filter

    flt = entry_filter(
        device_type=device_type.value if device_type else None,
        manufacturer_id=manufacturer_id,
        model_id=model_id,
        hardware_version=hardware_version,
        status=status.value if status else None,
        text=q,
        missing=missing,
        chipset_vendor=chipset_vendor,
        stack_version=stack_version,
        band=band.value if band else None,
    )
    found = browse_entries(caller.warm.engine, flt, page, per_page)
    return {
        "entries": [entry_document(e) for e in found.entries],
        "page": found.page,
        "per_page": found.per_page,
        "total": found.total,
        "pages": (found.total + per_page - 1) // per_page,
    }


@router.get(
    "/entries/{entry_id}",
    summary="One entry, its upgrade-to IDs and contact",
    response_model=None,
    responses=answers(EntryDetail, *SIGNED_IN, 404, headers=ETAG),
)
def get_entry(entry_id: EntryId, caller: Reader) -> JSONResponse:
    from firpath.services.registry import show_entry

    detail = show_entry(caller.warm.engine, entry_id)
    document = entry_detail_document(detail) | {"revision": detail.revision}
    return JSONResponse(document, headers={"ETag": etag(detail.revision)})


@router.get(
    "/entries/{entry_id}/history",
    summary="Every change of one entry, newest first",
    response_model=None,
    responses=answers(History, *SIGNED_IN, 404),
)
def entry_history(entry_id: EntryId, caller: Reader) -> dict[str, Any]:
    from firpath.services.history import entry_history as history

    key = values.cpl_entry_id(entry_id)
    items = history(caller.warm.engine, key)
    return history_document(key, items)


class CorrectionBody(BaseModel):
    """A SECAS correction: the fields to set (as in the CPL file; "" clears) and why."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)
    set: dict[str, str | list[str] | None] = Field(min_length=1, max_length=40)


def _file_value(value: str | list[str] | None) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    return value


@router.patch(
    "/entries/{entry_id}",
    summary="Correct an entry (SECAS): If-Match ETag and a reason required",
    response_model=None,
    responses=answers(CorrectedEntry, *SIGNED_IN, 400, 404, 409, 412, 428, headers=ETAG),
)
def correct_entry(
    entry_id: EntryId,
    body: CorrectionBody,
    caller: Secas,
    if_match: Annotated[
        str | None, Header(description='the ETag of the entry as read, like "r3"')
    ] = None,
) -> JSONResponse:
    from firpath.services.corrections import correct_entry as correct
    from firpath.services.registry import show_entry

    key = values.cpl_entry_id(entry_id)
    revision = revision_of(if_match, key)
    done = correct(
        caller.warm.engine,
        key,
        [(name, _file_value(value)) for name, value in body.set.items()],
        reason=body.reason,
        actor=caller.account.email,
        if_revision=revision,
    )
    detail = show_entry(caller.warm.engine, key)
    document = entry_detail_document(detail) | {
        "revision": detail.revision,
        "changes": [{"field": f, "before": b, "after": a} for f, b, a in done.changes],
    }
    return JSONResponse(document, headers={"ETag": etag(detail.revision)})


@router.get(
    "/completeness",
    summary="Back-fill progress per manufacturer or device type",
    response_model=None,
    responses=answers(Completeness, *SIGNED_IN),
)
def completeness(
    caller: Reader, by: Literal["manufacturer", "device-type"] = "manufacturer"
) -> dict[str, Any]:
    from firpath.services.backfill import completeness as tally

    return completeness_document(tally(caller.warm.engine, Grouping(by)))


@router.get(
    "/export",
    summary="The whole FIR as a CSV, XLSX or JSON file (signed when the server has a key)",
    response_class=Response,
    responses=answers(None, *SIGNED_IN)
    | {
        200: {
            "description": "the file",
            "content": {t: {} for t in EXPORT_TYPES.values()},
            "headers": SIGNATURE,
        }
    },
)
def export(
    caller: Reader, request: Request, format: Literal["csv", "xlsx", "json"] = "csv"
) -> Response:
    name = f"fir.{format}"
    headers = {"Content-Disposition": attachment(name)}
    key = signing_key(request)
    if key is None:
        from firpath.services.registry import export_cpl

        body = export_cpl(caller.warm.engine, format)
    else:
        from firpath.services.signed_export import export_signed

        signed = export_signed(caller.warm.engine, format, name, key)
        body = signed.exported.content
        headers[SIGNATURE_HEADER] = signature_header(signed.signature)
    return Response(body, media_type=EXPORT_TYPES[format], headers=headers)
