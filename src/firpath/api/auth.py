"""Who is calling: a bearer token or a session cookie (whose writes must carry the CSRF
token), and whether their role allows what they ask."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import Request, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from firpath.api.params import given_once
from firpath.domain.account import Account, NotAllowed, NotSignedIn, Permission
from firpath.services.accounts import is_csrf_token
from firpath.services.warm_registry import RegistryState, WarmRegistry

SESSION_COOKIE: Final = "firpath_session"
CSRF_HEADER: Final = "X-CSRF-Token"
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})

# How the OpenAPI document names the two ways to sign in; `identify` does the checking
BEARER: Final = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="A token from `firpath tokens create EMAIL`.",
)
SESSION: Final = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    scheme_name="session",
    description=f"The cookie POST /api/v1/session sets; every change made with it must send "
    f"the {CSRF_HEADER} header given at sign-in.",
)


@dataclass(frozen=True, slots=True)
class Caller:
    """The signed-in account and the registry state this request is answered at."""

    account: Account
    state: RegistryState
    warm: WarmRegistry
    session_secret: str | None = None


def warm_registry(request: Request) -> WarmRegistry:
    """The worker's warm registry."""
    warm = request.app.state.warm
    assert isinstance(warm, WarmRegistry)
    return warm


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise NotSignedIn("the Authorization header must be `Bearer TOKEN`")
    return value.strip()


def identify(request: Request) -> Caller:
    """The caller of this request, or NotSignedIn."""
    warm = warm_registry(request)
    token = _bearer(request)
    cookie = request.cookies.get(SESSION_COOKIE) if token is None else None
    if token is None and not cookie:
        raise NotSignedIn(
            "sign in first: send `Authorization: Bearer TOKEN` (see `firpath tokens create`) "
            "or sign in at POST /api/v1/session"
        )
    state = warm.state()
    secret, kind = (token, "token") if token is not None else (cookie or "", "session")
    credential = warm.credential(secret, state)
    if credential is None or credential.kind != kind:
        raise NotSignedIn(f"the {kind} is not valid (unknown, revoked, expired or disabled)")
    if kind == "session" and request.method not in _SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not is_csrf_token(secret, credential.csrf_hash, sent):
            raise NotAllowed(
                f"a change made with a session cookie must send the {CSRF_HEADER} header "
                "given at sign-in"
            )
    return Caller(credential.account, state, warm, secret if kind == "session" else None)


def authorised(request: Request, permission: Permission | None, what: str) -> Caller:
    """The caller of this request, if signed in and allowed `permission` (None: anyone signed
    in)."""
    caller = identify(request)
    if permission is not None:
        caller.account.require(permission, what)
    return caller


# The OpenAPI security of a route that checks its caller inline (`authorised`), as `allowed`
# declares it through its dependencies
SIGNED_IN_SECURITY: Final[list[dict[str, Any]]] = [
    {BEARER.scheme_name: []},
    {SESSION.scheme_name: []},
]


def allowed(permission: Permission | None, what: str) -> Callable[..., Coroutine[Any, Any, Caller]]:
    """A route dependency: the caller, if signed in and allowed `permission` (None: anyone
    signed in)."""

    async def dependency(
        request: Request,
        _token: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
        _cookie: Annotated[str | None, Security(SESSION)],
    ) -> Caller:
        caller = authorised(request, permission, what)
        given_once(request)  # the caller may call the route: now its parameters
        return caller

    return dependency
