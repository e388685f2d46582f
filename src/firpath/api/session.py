"""Signing in and out with a password: a session cookie (HttpOnly, SameSite=Strict) and the
CSRF token that every change made with it must send."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from firpath.api.auth import CSRF_HEADER, SESSION_COOKIE, Caller, allowed, warm_registry
from firpath.api.shapes import SIGNED_IN, NewSession, SignedIn, answers
from firpath.services.accounts import SESSION_HOURS

router = APIRouter(tags=["session"])
Anyone = Annotated[Caller, Depends(allowed(None, "be signed in"))]


def set_session_cookie(request: Request, response: Response, secret: str) -> None:
    """The session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS."""
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


class SignIn(BaseModel):
    """Email and password."""

    model_config = ConfigDict(extra="forbid")
    email: Annotated[str, Field(min_length=1, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


def _account(caller_account: Any) -> dict[str, Any]:
    return {
        "email": caller_account.email,
        "role": caller_account.role.value,
        "manufacturer_ids": sorted(caller_account.manufacturer_ids),
    }


@router.post(
    "/session",
    summary="Sign in: sets the session cookie, answers the CSRF token",
    response_model=None,
    responses=answers(NewSession, 400, 401, 422, 429, 503),
)
def sign_in(body: SignIn, request: Request, response: Response) -> dict[str, Any]:
    from firpath.services.accounts import sign_in as open_session

    session = open_session(warm_registry(request).engine, body.email, body.password)
    set_session_cookie(request, response, session.secret)
    return _account(session.account) | {
        "csrf_token": session.csrf_token,
        "csrf_header": CSRF_HEADER,
        "expires_at": session.expires_at.isoformat(),
    }


@router.get(
    "/session",
    summary="Who is signed in",
    response_model=None,
    responses=answers(SignedIn, *SIGNED_IN),
)
def who(caller: Anyone) -> dict[str, Any]:
    return _account(caller.account)


@router.delete(
    "/session",
    summary="Sign out (the session cookie stops working)",
    status_code=204,
    response_model=None,
    responses=answers(None, *SIGNED_IN, ok=204),
)
def sign_out(caller: Anyone, response: Response) -> None:
    from firpath.services.accounts import sign_out as close_session

    if caller.session_secret is not None:
        close_session(caller.warm.engine, caller.session_secret)
    response.delete_cookie(SESSION_COOKIE, path="/")
