"""Signing in and out of the web pages: `/login` (Email, Password) and `/logout`."""

from __future__ import annotations

import secrets
from typing import Annotated, Final
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from firpath.api.auth import SESSION_COOKIE, Caller, warm_registry
from firpath.api.session import set_session_cookie
from firpath.domain.account import NotSignedIn, TooManyAttempts
from firpath.web.auth import LOGIN_CSRF_COOKIE, Posted, form_page, page, signed_in
from firpath.web.nav import home_for
from firpath.web.templating import render

router = APIRouter(include_in_schema=False)
MAX_EMAIL: Final = 254
MAX_PASSWORD: Final = 1024


def _local(target: str | None) -> str | None:
    """`target` if it is a path on this site (never another host: no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return None
    return target


def _login_page(
    request: Request,
    *,
    email: str = "",
    message: str = "",
    status: int = 200,
    wait: int = 0,
    back: str | None = None,
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        None,
        "login.html",
        status=status,
        title="Sign in",
        email=email,
        message=message,
        next=_local(back if back is not None else request.query_params.get("next")) or "",
        csrf_token=token,
        signed_out="signed_out" in request.query_params,
    )
    if wait:
        response.headers["Retry-After"] = str(wait)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/login",
    )
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    caller = signed_in(request)
    if caller is not None:
        target = _local(request.query_params.get("next")) or home_for(caller.account)
        return RedirectResponse(target, status_code=303)
    return _login_page(request)


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    from firpath.services.accounts import sign_in

    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _login_page(
            request,
            back=next,
            email=email,
            message="This sign-in form has expired: please sign in again.",
            status=400,
        )
    if len(email) > MAX_EMAIL or len(password) > MAX_PASSWORD:
        return _login_page(
            request,
            email=email[:MAX_EMAIL],
            message=f"Email: at most {MAX_EMAIL} characters; Password: at most {MAX_PASSWORD}.",
            status=422,
            back=next[:2000],
        )
    if not email.strip() or not password:
        missing = " and ".join(
            name for name, value in (("Email", email.strip()), ("Password", password)) if not value
        )
        return _login_page(
            request, email=email, message=f"{missing}: required.", status=422, back=next
        )
    try:
        session = sign_in(warm_registry(request).engine, email, password)
    except NotSignedIn:
        return _login_page(
            request, email=email, message="Wrong email or password.", status=401, back=next
        )
    except TooManyAttempts as exc:
        return _login_page(
            request,
            back=next,
            email=email,
            message=f"Too many failed attempts: wait {exc.retry_after} s, then try again.",
            status=429,
            wait=exc.retry_after,
        )
    target = _local(next) or home_for(session.account)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, session.secret)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.get("/logout")
def logout_form(
    request: Request, caller: Annotated[Caller, Depends(page(None, "sign out"))]
) -> Response:
    return render(request, caller, "logout.html", title="Sign out")


@router.post("/logout")
def logout(
    request: Request, posted: Annotated[Posted, Depends(form_page(None, "sign out"))]
) -> Response:
    from firpath.services.accounts import sign_out

    caller, _ = posted
    if caller.session_secret is not None:
        sign_out(caller.warm.engine, caller.session_secret)
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(
    request: Request, caller: Annotated[Caller, Depends(page(None, "open firpath"))]
) -> Response:
    return RedirectResponse(home_for(caller.account), status_code=303)
