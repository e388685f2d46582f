"""`/images/verify`: upload an OTA upgrade image and see, in words, whether it is the CPL entry
it should be (match, mismatch, not on the CPL), what disagrees, and for the firmware a meter
runs now whether it is the next image to send, and if not which image is.

Stateless, as the API's `POST /api/v1/images/verify` (whose receiving and checking it uses):
the image is streamed to disk, at most the server's upload limit, checked by the service of
`firpath verify-image`, and removed once answered. The page shows the same document the API
answers (`firpath.image_document`)."""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from firpath.api.auth import CSRF_HEADER, Caller
from firpath.api.images import FROM_FIELD, MAX_FIRMWARE, WHAT, image_source, run_check
from firpath.api.uploads import FILE_FIELD, receive_form, remove
from firpath.documents import error_document
from firpath.domain.account import NotAllowed, Permission
from firpath.domain.entry import CplEntry
from firpath.domain.errors import FieldInvalid, FirpathError
from firpath.error_codes import classify
from firpath.io.uploads import Upload, limit_mb_text
from firpath.web.auth import FORM_CSRF_FIELD, check_form_token, page
from firpath.web.templating import render

router = APIRouter(include_in_schema=False)
Planner = Annotated[Caller, Depends(page(Permission.PLAN, "check OTA images"))]

FIELDS: Final = frozenset({FORM_CSRF_FIELD, FROM_FIELD})

# each verdict in words: the heading, and whether the image may be sent
VERDICTS: Final = {
    "match": "Match: this image is on the CPL",
    "mismatch": "Mismatch: the image's header disagrees with its CPL entry",
    "no_match": "Not on the CPL: no entry has this image",
}
FRAMINGS: Final = {
    "gbcs": "directly after the OTA header (the GBCS construction)",
    "sub_element": "inside a ZigBee OTA sub-element with tag 0x0000",
}
COLUMNS: Final = {"manufacturer_id": "Manufacturer ID", "firmware_version": "Firmware version"}


def _error(err: FirpathError | HTTPException) -> tuple[int, dict[str, Any]]:
    """The status of an error and what the page shows of it (the message, the field and
    value at fault)."""
    if isinstance(err, HTTPException):
        return err.status_code, {"message": str(err.detail), "details": [], "too_large": False}
    _, status, code = classify(err)
    document = error_document(err)["error"]
    if isinstance(err, FieldInvalid) and err.field == FILE_FIELD and not err.value:
        document = {"message": "Choose an OTA image file to check.", "details": []}
    return status, {
        "message": document["message"],
        "details": [  # only those that say something (candidates of an ambiguity do not)
            d
            for d in document.get("details") or []
            if d.get("message") and d.get("field") != FROM_FIELD
        ],
        "too_large": status == 413,
        "unreadable": code == "unreadable_file",
        "field": err.field if isinstance(err, FieldInvalid) else None,
    }


def _meter(document: dict[str, Any], caller: Caller) -> CplEntry | None:
    """The entry the meter runs (given `from`), as the catalogue has it, for its names."""
    step = document.get("next_step")
    return caller.warm.catalogue(caller.state).entry(step["from"]) if step else None


def _page(
    request: Request,
    caller: Caller,
    *,
    status: int = 200,
    source: str = "",
    error: dict[str, Any] | None = None,
    document: dict[str, Any] | None = None,
    file_name: str = "",
) -> Response:
    return render(
        request,
        caller,
        "image_verify.html",
        status=status,
        title=f"Check of {file_name}" if document is not None else "Check an OTA image",
        source=source,
        error=error,
        check=document,
        file_name=file_name,
        meter=_meter(document, caller) if document is not None else None,
        verdicts=VERDICTS,
        framings=FRAMINGS,
        columns=COLUMNS,
        limit=limit_mb_text(request.app.state.upload_limit),
        file_field=FILE_FIELD,
        from_field=FROM_FIELD,
        max_firmware=MAX_FIRMWARE,
    )


@router.get("/images/verify")
def image_form(request: Request, caller: Planner) -> Response:
    """The upload form (`?from=ID` fills in the firmware the meter runs)."""
    source = request.query_params.get(FROM_FIELD, "")[:MAX_FIRMWARE]
    return _page(request, caller, source=source)


@router.post("/images/verify")
async def verify_image_page(request: Request, caller: Planner) -> Response:
    """Check the posted image: the verdict, the entry, what disagrees, the next step."""
    from firpath.image_document import image_check_document

    header_token = request.headers.get(CSRF_HEADER)
    if header_token is not None:  # a script's upload: refused before a byte is read
        check_form_token(caller, header_token)
    upload = Upload(request.app.state.upload_limit, WHAT)
    values: dict[str, str] = {}
    try:
        try:
            given, values = await receive_form(request, upload, FIELDS)
            check_form_token(caller, header_token or values.get(FORM_CSRF_FIELD, ""))
            check = await run_check(caller, upload, given, image_source(values, None))
            name = upload.name
        finally:
            await remove(upload)
    except NotAllowed:
        raise
    except (FirpathError, HTTPException) as err:
        status, shown = _error(err)
        source = values.get(FROM_FIELD, "")
        return _page(request, caller, status=status, source=source, error=shown)
    return _page(
        request,
        caller,
        source=values.get(FROM_FIELD, ""),
        document=image_check_document(check),
        file_name=name,
    )
