"""`POST /images/verify`: an OTA upgrade image in, the check `firpath verify-image --json`
prints out: its header, its Manufacturer Image hash, the CPL entry it is, and for a meter's
current firmware (`from`) whether it is the next image to send."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING, Annotated, Final

from anyio import to_thread
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from firpath.api.auth import Caller, allowed
from firpath.api.image_shapes import ImageCheckAnswer
from firpath.api.params import FIRMWARE
from firpath.api.shapes import SIGNED_IN, answers
from firpath.api.uploads import FILE_FIELD, MULTIPART, media_type, receive_form, remove
from firpath.domain.account import Permission
from firpath.domain.errors import FieldInvalid
from firpath.io.uploads import Upload

if TYPE_CHECKING:  # the service loads the path finder: not at start-up
    from firpath.services.image_check import ImageCheck

router = APIRouter(tags=["paths"])
Planner = Annotated[Caller, Depends(allowed(Permission.PLAN, "check OTA images"))]

WHAT: Final = "OTA image"
FROM_FIELD: Final = "from"
IMAGE_SUFFIXES: Final = (".ota", ".zigbee", ".bin", ".img")  # the name messages show
MAX_FIRMWARE: Final = 200
_FIRMWARE_RE: Final = re.compile(FIRMWARE)
_FROM_HELP: Final = (
    "What the meter runs now (a CPL Entry ID or MFR/MODEL/HW@VERSION): the answer also says "
    "whether this image is its next step, and if not which image is. In the query or as the "
    "form's `from` field (not both)."
)

_DESCRIPTION: Final = f"""Checks a ZigBee OTA upgrade image against the CPL before it is sent,
as `firpath verify-image --json` does (DESIGN section 9): the OTA header's fields, the
SHA-256 of the Manufacturer Image (the Upgrade Image is taken both directly after the header,
as GBCS builds it, and from a ZigBee OTA sub-element with tag 0x0000), and the match:

- `match`: one CPL entry agrees on manufacturer id, firmware version and image hash;
- `mismatch`: the hash is an entry's, but a header field disagrees (each problem names its
  CPL column, `manufacturer_id` or `firmware_version`, with both values);
- `no_match`: no entry has the hash (`same_version` lists the entries of the header's
  manufacturer and version, whose images are other files).

All three are 200: the verdict is `match.status`, and `safe_to_send` says whether to send
it (a match to an active entry, and the meter's next step when `from` is given). A removed
entry's image is a match with a warning, never safe to send.

**Sending the image**: the `{FILE_FIELD}` field of a `multipart/form-data` form
(`curl -F file=@image.ota`), streamed to disk, at most the server's upload limit (`firpath
serve --upload-limit-mb`): 413 past it. A file that is not a well-formed OTA image (empty,
truncated, a wrong magic number, a header length or total size that disagrees with the file)
is 422 `unreadable_file`, the message naming what is wrong; a `from` not on the CPL is 404,
one naming two builds 409. The file is removed once answered.
"""

_REQUEST_BODY: Final = {
    "required": True,
    "content": {
        MULTIPART: {
            "schema": {
                "type": "object",
                "required": [FILE_FIELD],
                "properties": {
                    FILE_FIELD: {"type": "string", "format": "binary"},
                    FROM_FIELD: {
                        "type": "string",
                        "maxLength": MAX_FIRMWARE,
                        "pattern": FIRMWARE,
                        "description": _FROM_HELP,
                    },
                },
            }
        }
    },
}


def firmware_value(value: str, field: str = FROM_FIELD) -> str | None:
    """A meter's firmware as given (None when empty), or FieldInvalid naming the field."""
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_FIRMWARE or _FIRMWARE_RE.fullmatch(value) is None:
        raise FieldInvalid(
            field,
            value[:MAX_FIRMWARE],
            "must be a CPL Entry ID (e.g. 10039) or MFR/MODEL/HW@VERSION "
            f"(at most {MAX_FIRMWARE} characters)",
        )
    return value


def check_upload(
    caller: Caller, upload: Upload, given: str | None, source: str | None
) -> ImageCheck:
    """The finished upload checked against the caller's catalogue (CPU work: in a thread)."""
    from firpath.services.image_check import check_image_in

    upload.finish(given, "image", IMAGE_SUFFIXES, sniff=False)
    catalogue = caller.warm.catalogue(caller.state)
    with upload.naming_errors(), upload.path.open("rb") as stream:
        return check_image_in(catalogue, stream, upload.name, source)


def image_source(values: dict[str, str], query_from: str | None) -> str | None:
    """The meter's firmware: the form's `from` or the query's (not both), None when neither."""
    form_from = firmware_value(values.get(FROM_FIELD, ""))
    if form_from is not None and query_from is not None:
        raise FieldInvalid(
            FROM_FIELD, form_from, "is given in the query and in the form: give it once"
        )
    return form_from if form_from is not None else query_from


async def run_check(
    caller: Caller, upload: Upload, given: str | None, source: str | None
) -> ImageCheck:
    """The received image checked, off the event loop (hashing megabytes is CPU work)."""
    return await to_thread.run_sync(partial(check_upload, caller, upload, given, source))


@router.post(
    "/images/verify",
    summary="Check an OTA image against the CPL: the entry it is, and the meter's next step",
    description=_DESCRIPTION,
    response_model=None,
    openapi_extra={"requestBody": _REQUEST_BODY},
    responses=answers(ImageCheckAnswer, *SIGNED_IN, 400, 404, 409, 413, 415),
)
async def verify_image(
    request: Request,
    caller: Planner,
    source: Annotated[
        str | None,
        Query(alias=FROM_FIELD, max_length=MAX_FIRMWARE, pattern=FIRMWARE, description=_FROM_HELP),
    ] = None,
) -> Response:
    from firpath.image_document import image_check_document

    kind = media_type(request)
    if kind != MULTIPART:
        raise HTTPException(
            415,
            f"an {WHAT} cannot be sent as {kind or 'a body without Content-Type'}: send it as "
            f"the `{FILE_FIELD}` field of a {MULTIPART} form (curl -F file=@image.ota)",
        )
    query_from = None if source is None else firmware_value(source)
    upload = Upload(request.app.state.upload_limit, WHAT)
    try:
        given, values = await receive_form(request, upload, frozenset({FROM_FIELD}))
        check = await run_check(caller, upload, given, image_source(values, query_from))
    finally:
        await remove(upload)
    return JSONResponse(image_check_document(check))
