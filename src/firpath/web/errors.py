"""Errors on a page, from the one error table (error_codes): a page asking to sign in sends
the browser to /login, anything else is a page saying what went wrong and what to do."""

from __future__ import annotations

import logging
from typing import Any, Final
from urllib.parse import quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from firpath.documents import error_document
from firpath.domain.account import NotSignedIn, TooManyAttempts
from firpath.domain.errors import FieldInvalid, FirpathError
from firpath.error_codes import classify
from firpath.web.auth import FormExpired, signed_in
from firpath.web.templating import render

log = logging.getLogger("firpath.web")

_TITLES: Final = {
    400: "This request cannot be answered",
    401: "Please sign in",
    403: "You may not open this page",
    404: "Not found",
    405: "Not here",
    409: "This needs a choice",
    412: "Someone changed this first",
    413: "The file is too large",
    422: "Please check what you entered",
    429: "Too many attempts",
    500: "Something went wrong on our side",
    503: "The registry is busy or unavailable",
}
_NEXT_STEPS: Final = {
    403: "Your account's role does not include this. Ask SECAS if you need it.",
    404: "Check the address, or find it from the navigation bar.",
    412: "Reload the page to see the current values, then make your change again.",
    413: "Split the file, or ask the operator to raise the upload limit.",
    429: "Wait a moment, then try again.",
    500: "The server log has the details; tell the operator what you were doing.",
    503: "Try again in a moment.",
}


def is_page(request: Request) -> bool:
    """Whether the request is for a web page (not the API, its documents or /healthz)."""
    path = request.url.path
    return not (
        path.startswith("/api/")
        or path in ("/healthz", "/openapi.json")
        or path.startswith("/docs")
        or path.startswith("/static/")
    )


def to_login(request: Request) -> RedirectResponse:
    """Send the browser to /login, coming back to this page (a GET) afterwards."""
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        back = request.headers.get("referer", "") or request.url.path
        back = back if back.startswith("/") else request.url.path
    return RedirectResponse(f"/login?next={quote(back, safe='/')}", status_code=303)


def error_page(
    request: Request,
    status: int,
    message: str,
    details: list[dict[str, Any]] | None = None,
    *,
    title: str | None = None,
    next_step: str | None = None,
) -> Response:
    """A page for an error: its title, the message, details and the next step."""
    return render(
        request,
        signed_in(request),
        "error.html",
        status=status,
        title=title or _TITLES.get(status, "This request cannot be answered"),
        message=message,
        details=details or [],
        next_step=_NEXT_STEPS.get(status, "") if next_step is None else next_step,
    )


def page_error(request: Request, exc: Exception) -> Response:
    """Any error raised while answering a page, as a page (or a redirect to /login)."""
    if isinstance(exc, NotSignedIn):
        return to_login(request)
    if isinstance(exc, FormExpired):
        return error_page(
            request,
            403,
            str(exc),
            title="This form has expired",
            next_step="Go back, reload the page and send the form again.",
        )
    if isinstance(exc, FirpathError):
        _, status, _ = classify(exc)
        document = error_document(exc)["error"]
        message = str(exc)
        if isinstance(exc, FieldInvalid):  # the detail names the field, the value and why
            message = "A value in the address or the form is not valid; nothing was changed."
        response = error_page(request, status, message, document.get("details"))
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, RequestValidationError):
        details = [
            {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "message": e.get("msg")}
            for e in exc.errors()
        ]
        return error_page(request, 422, "The address or form is not valid.", details)
    if isinstance(exc, HTTPException):
        message = "There is no page here." if exc.status_code == 404 else str(exc.detail)
        return error_page(request, exc.status_code, message)
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(request, 500, "Internal error.")
