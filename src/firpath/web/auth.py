"""Who is looking at a page: the session cookie `POST /login` (or the API's `/session`) sets.
Every form carries a CSRF token derived from the session, checked before a change."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Final

from fastapi import Request
from starlette.datastructures import FormData

from firpath.api.auth import CSRF_HEADER, SESSION_COOKIE, Caller, warm_registry
from firpath.domain.account import NotAllowed, NotSignedIn, Permission
from firpath.services.accounts import is_csrf_token

FORM_CSRF_FIELD: Final = "csrf_token"
LOGIN_CSRF_COOKIE: Final = "firpath_login_csrf"


class FormExpired(NotAllowed):
    """A posted form without the session's CSRF token: opened before signing in again, or
    not sent from a firpath page (HTTP 403)."""


def signed_in(request: Request) -> Caller | None:
    """The account whose session cookie the request carries, if the session is valid."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    warm = warm_registry(request)
    state = warm.state()
    credential = warm.credential(cookie, state)
    if credential is None or credential.kind != "session":
        return None
    return Caller(credential.account, state, warm, cookie)


def page_caller(request: Request, permission: Permission | None, what: str) -> Caller:
    """The signed-in caller of a page, if allowed `permission` (NotSignedIn: the page sends
    the browser to /login; NotAllowed: a 403 page)."""
    caller = signed_in(request)
    if caller is None:
        raise NotSignedIn("sign in to see this page")
    if permission is not None:
        caller.account.require(permission, what)
    return caller


def page(permission: Permission | None, what: str) -> Callable[[Request], Caller]:
    """A route dependency for a page (GET): the signed-in caller allowed `permission`."""

    def dependency(request: Request) -> Caller:
        return page_caller(request, permission, what)

    return dependency


async def checked_form(request: Request, caller: Caller) -> FormData:
    """The posted form, if it carries the session's CSRF token (field `csrf_token` or the
    X-CSRF-Token header), else NotAllowed."""
    form = await request.form()
    sent = form.get(FORM_CSRF_FIELD)
    token = sent if isinstance(sent, str) else request.headers.get(CSRF_HEADER, "")
    check_form_token(caller, token)
    return form


def check_form_token(caller: Caller, token: str) -> None:
    """FormExpired unless `token` is the CSRF token of the caller's session."""
    if caller.session_secret is None or not is_csrf_token(caller.session_secret, None, token):
        raise FormExpired(
            "this form has expired (it was opened before you last signed in) or did not come "
            "from a firpath page, so nothing was changed"
        )


Posted = tuple[Caller, FormData]


def form_page(
    permission: Permission | None, what: str
) -> Callable[[Request], Coroutine[Any, Any, Posted]]:
    """A route dependency for a form post: the caller (allowed `permission`) and the form,
    its CSRF token checked."""

    async def dependency(request: Request) -> Posted:
        caller = page_caller(request, permission, what)
        return caller, await checked_form(request, caller)

    return dependency
