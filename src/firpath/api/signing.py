"""The server's export signing key: published at /signing-key, and the signature header that
/export adds when the server has one."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Annotated, Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from firpath.api.auth import Caller, allowed
from firpath.api.shapes import SIGNED_IN, PublicSigningKey, answers
from firpath.domain.account import Permission
from firpath.domain.errors import SigningKeyNotConfigured
from firpath.domain.export_manifest import ALGORITHM

if TYPE_CHECKING:  # cryptography loads with the key, not with the app
    from firpath.domain.export_manifest import SignatureDocument
    from firpath.io.signing_keys import SigningKey

SIGNATURE_HEADER: Final = "X-Firpath-Signature"

router = APIRouter(tags=["exports"])
Reader = Annotated[Caller, Depends(allowed(Permission.READ, "read the FIR"))]


def signing_key(request: Request) -> SigningKey | None:
    """The key this server signs exports with (None: it signs nothing)."""
    key: SigningKey | None = getattr(request.app.state, "signing_key", None)
    return key


def signature_header(document: SignatureDocument) -> str:
    """The signature header's value: the `.sig` file's bytes as base64."""
    return base64.b64encode(document.to_bytes()).decode("ascii")


_ANSWERS = answers(PublicSigningKey, 404, *SIGNED_IN)
_ANSWERS[404] = _ANSWERS[404] | {
    "description": "the server has no signing key (started without --signing-key): its "
    "exports are not signed"
}


@router.get(
    "/signing-key",
    summary="The public key the server signs exports with",
    response_model=None,
    responses=_ANSWERS,
)
def published_key(caller: Reader, request: Request) -> JSONResponse:
    key = signing_key(request)
    if key is None:
        raise SigningKeyNotConfigured(
            "this server signs no exports: it was started without a signing key "
            "(`firpath serve --signing-key KEY` or FIRPATH_SIGNING_KEY)"
        )
    public = key.public
    return JSONResponse(
        {"algorithm": ALGORITHM, "key_id": public.key_id, "public_key_pem": public.pem()}
    )
