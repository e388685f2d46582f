"""Rendering a page: one Jinja2 environment (autoescaped), the navigation bar, the CSRF token
of the session's forms and the security headers every page carries."""

from __future__ import annotations

from functools import cache
from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from firpath import __version__
from firpath.api.auth import Caller
from firpath.services.accounts import form_token
from firpath.web.nav import nav_for

# pages load their scripts and styles from /static only: no inline script can run
SECURITY_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@cache
def environment() -> Environment:
    """The templates of `firpath.web.templates`, every value HTML-escaped."""
    env = Environment(
        loader=PackageLoader("firpath.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    return env


def render(
    request: Request,
    caller: Caller | None,
    template: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """The page `template` for `caller` (None: signed out), with `context`."""
    account = caller.account if caller is not None else None
    secret = caller.session_secret if caller is not None else None
    csrf = context.pop("csrf_token", None) or (form_token(secret) if secret else "")
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            account=account,
            nav=nav_for(account) if account is not None else [],
            csrf_token=csrf,
            here=request.url.path,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS | (headers or {}))
