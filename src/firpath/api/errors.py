"""Errors as HTTP answers: `{"error": {"code", "message", "details"}}` from the one error table."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Match

from firpath.documents import error_document
from firpath.domain.account import TooManyAttempts
from firpath.domain.errors import FirpathError, clip
from firpath.error_codes import classify
from firpath.io.columns import column_named

log = logging.getLogger("firpath.api")

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
_HTTP_CODES = {
    400: "bad_request",
    401: "not_signed_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    411: "length_required",
    413: "too_large",
    415: "unsupported_media_type",
}


def error_response(
    status: int, code: str, message: str, details: list[dict[str, Any]] | None = None
) -> JSONResponse:
    """A JSON error answer."""
    body = {"error": {"code": code, "message": message, "details": details or []}}
    return JSONResponse(body, status_code=status)


def _firpath_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FirpathError)
    _, status, _ = classify(exc)
    response = JSONResponse(error_document(exc), status_code=status)
    if isinstance(exc, TooManyAttempts):
        response.headers["Retry-After"] = str(exc.retry_after)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="firpath"'
    return response


_SECRET_FIELDS = ("password", "token", "secret")
_BODY_REQUIRED = "a JSON body is required (Content-Type: application/json)"


def _validation_detail(problem: Mapping[str, Any]) -> dict[str, Any]:
    """One request validation problem as `{"field", "value", "message"}`, said plainly."""
    loc = tuple(problem.get("loc", ()))
    where = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    field = ".".join(where) or None
    kind = str(problem.get("type", ""))
    message = str(problem.get("msg", "is not valid"))
    given = problem.get("input")
    if kind == "json_invalid":
        why = (problem.get("ctx") or {}).get("error", "cannot be decoded")
        at = f" (at character {loc[-1] + 1})" if loc and isinstance(loc[-1], int) else ""
        return {"field": "body", "value": None, "message": f"the body is not valid JSON: {why}{at}"}
    if field is None and kind in ("model_attributes_type", "dict_type", "model_type"):
        message = "the body must be a JSON object ({...}) sent as Content-Type: application/json"
    elif field is None and kind == "missing":
        message = _BODY_REQUIRED
    elif kind == "missing":
        message = "is required"
    elif kind == "extra_forbidden":
        meant = column_named(field or "")
        hint = f"; did you mean {meant}?" if meant and meant != field else ""
        message = f"is not a field of this request{hint} (fields: see /openapi.json)"
    elif kind == "string_type" and isinstance(given, (int, float, bool)):
        message = 'must be text in double quotes (e.g. "0101"), not a number or true/false'
    secret = any(s in (field or "").lower() for s in _SECRET_FIELDS)
    shown = None
    if field and not secret and kind != "missing" and isinstance(given, (str, int, float, bool)):
        shown = clip(json.dumps(given) if not isinstance(given, str) else given)
    return {"field": field, "value": shown, "message": message}


def _body_needs(request: Request) -> str:
    """The fields the route's JSON body must give (`, giving: reason`), if it has such a body."""
    body = getattr(request.scope.get("route"), "body_field", None)
    model = getattr(getattr(body, "field_info", None), "annotation", None)
    fields = getattr(model, "model_fields", {})
    required = [name for name, info in fields.items() if info.is_required()]
    return f", giving: {', '.join(required)}" if required else ""


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [_validation_detail(problem) for problem in exc.errors()]
    for detail in details:
        if detail["message"] == _BODY_REQUIRED:
            detail["message"] += _body_needs(request)
    fields = ", ".join(d["field"] or "body" for d in details)
    if len(details) == 1 and details[0]["value"] is not None:
        fields += f" {details[0]['value']!r}"  # the message names the value too
    first = details[0]["message"] if len(details) == 1 else f"{len(details)} problems"
    return error_response(422, "invalid_input", f"invalid request ({fields}): {first}", details)


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    response = error_response(exc.status_code, code, str(exc.detail))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    if exc.status_code == 405:
        # the router names only the first route of the path; a path may have several
        response.headers["Allow"] = ", ".join(allowed_methods(request))
    return response


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at the request's path."""
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # the traceback goes to the server's log, never to the caller
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "internal error; the server log has the details")


PageErrors = tuple[Callable[[Request], bool], Callable[[Request, Exception], Response]]


def install_error_handlers(app: FastAPI, pages: PageErrors | None = None) -> None:
    """Every error answered as JSON from the one table (error_codes); with `pages` (which
    requests are web pages, how a page shows an error) a page's errors are pages."""
    handlers: tuple[tuple[type[Exception], Callable[[Request, Exception], Response]], ...] = (
        (FirpathError, _firpath_error),
        (RequestValidationError, _validation_error),
        (HTTPException, _http_error),
        (Exception, _unexpected),
    )
    for kind, handler in handlers:
        app.add_exception_handler(kind, handler if pages is None else _either(handler, pages))


def _either(
    handler: Callable[[Request, Exception], Response], pages: PageErrors
) -> Callable[[Request, Exception], Response]:
    is_page, page_error = pages

    def answer(request: Request, exc: Exception) -> Response:
        return page_error(request, exc) if is_page(request) else handler(request, exc)

    return answer
