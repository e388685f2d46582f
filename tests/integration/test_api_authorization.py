"""Who may call what: every caller against every endpoint, the status each gets from one table
(DESIGN section 8). A route of /api/v1 without a row in the table fails the test, so an
endpoint added later must say who may call it."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from firpath.api.app import create_app
from firpath.api.auth import CSRF_HEADER, SESSION_COOKIE
from tests.api_harness import DemoRegistry, in_process
from tests.conftest import BACKENDS, demo_database
from tests.integration.image_files import entry, image_of
from tests.integration.submission_data import own_model, proposal
from tests.integration.test_web_authorization import WEB_PAGES

# one server (per backend) for the whole module under `--dist loadgroup`
pytestmark = pytest.mark.xdist_group("authorization matrix")

ROLES: Final = ("secas", "ssc", "supplier", "manufacturer", "reader")
# callers whose credentials are no good: 401 wherever sign-in is needed
NOT_SIGNED_IN: Final = (
    "anonymous",
    "revoked token",
    "disabled user's token",
    "garbage token",
    "empty bearer",
    "basic auth",
    "session secret as bearer",
)
# SECAS signed in with a password: the cookie and the CSRF token, or the cookie alone
COOKIE_WITH_CSRF: Final = "secas cookie + csrf"
COOKIE_WITHOUT_CSRF: Final = "secas cookie, no csrf"
CALLERS: Final = (*ROLES, *NOT_SIGNED_IN, COOKIE_WITH_CSRF, COOKIE_WITHOUT_CSRF)

OPEN_PATHS: Final = frozenset({"/healthz", "/openapi.json", "/docs", "/docs/oauth2-redirect"})
UNKNOWN_SUBMISSION: Final = "999999"


@dataclass
class Probe:
    """The server and the registry a row's request is built against."""

    api: TestClient
    demo: DemoRegistry

    def entry_id(self) -> str:
        found = self.api.get(
            "/api/v1/entries", headers=self.demo.headers("secas"), params={"per_page": 1}
        )
        return str(found.json()["entries"][0]["cpl_entry_id"])

    def etag(self, entry_id: str) -> str:
        shown = self.api.get(f"/api/v1/entries/{entry_id}", headers=self.demo.headers("secas"))
        return shown.headers["ETag"]

    def device_model(self) -> dict[str, str]:
        shown = self.api.get(
            f"/api/v1/entries/{self.entry_id()}", headers=self.demo.headers("secas")
        ).json()
        return {k: shown[k] for k in ("manufacturer_id", "model_id", "hardware_version")}

    def manufacturers_submission(self) -> int:
        """A submission of the demo manufacturer's account (made once)."""
        mine = self.demo.headers("manufacturer")
        listed = self.api.get("/api/v1/submissions", headers=mine).json()["submissions"]
        if listed:
            return int(listed[0]["id"])
        made = self.api.post("/api/v1/submissions", headers=mine, json=proposal(*own_model()))
        assert made.status_code == 201, made.text
        return int(made.json()["id"])


@dataclass(frozen=True)
class Request:
    """What one row sends."""

    url: str
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None


def _entry(probe: Probe) -> Request:
    return Request(f"/api/v1/entries/{probe.entry_id()}")


def _history(probe: Probe) -> Request:
    return Request(f"/api/v1/entries/{probe.entry_id()}/history")


def _correction(probe: Probe) -> Request:
    entry_id = probe.entry_id()
    return Request(
        f"/api/v1/entries/{entry_id}",
        json={"reason": "authorisation matrix", "set": {"notes": secrets.token_hex(4)}},
        headers={"If-Match": probe.etag(entry_id)},
    )


def _sign_in(probe: Probe) -> Request:
    reader = probe.demo.emails["reader"]
    return Request("/api/v1/session", json={"email": reader, "password": "demo-reader-pass"})


def _graph(probe: Probe) -> Request:
    return Request("/api/v1/graph", probe.device_model())


def _fleet_plan(probe: Probe) -> Request:
    fleet = f"device_id,cpl_entry_id\nMTR-0001,{probe.entry_id()}\n".encode()
    return Request("/api/v1/fleet-plans", content=fleet, headers={"Content-Type": "text/csv"})


def _image(probe: Probe) -> Request:
    image = image_of(entry(probe.demo, probe.entry_id()))
    body = (
        b'--matrix\r\nContent-Disposition: form-data; name="file"; filename="image.ota"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + image + b"\r\n--matrix--\r\n"
    )
    kind = {"Content-Type": "multipart/form-data; boundary=matrix"}
    return Request("/api/v1/images/verify", content=body, headers=kind)


def _submission(probe: Probe) -> Request:
    return Request(f"/api/v1/submissions/{probe.manufacturers_submission()}")


def _fixed(
    url: str, params: dict[str, str] | None = None, json: Any = None
) -> Callable[[Probe], Request]:
    return lambda _probe: Request(url, params or {}, json)


@dataclass(frozen=True)
class Row:
    """One endpoint: its request and the status each role gets (secas, ssc, supplier,
    manufacturer, reader)."""

    method: str
    path: str
    build: Callable[[Probe], Request]
    roles: tuple[int, int, int, int, int]
    open: bool = False  # no sign-in needed (signing in itself)

    @property
    def key(self) -> tuple[str, str]:
        return self.method, _shape(self.path)

    def expected(self, caller: str) -> int:
        """The status `caller` gets."""
        if caller in ROLES:
            return self.roles[ROLES.index(caller)]
        if self.open:
            return self.roles[0]
        if caller in NOT_SIGNED_IN:
            return 401
        if caller == COOKIE_WITHOUT_CSRF and self.method not in ("GET", "HEAD", "OPTIONS"):
            return 403
        return self.roles[0]  # SECAS by cookie: what SECAS gets with a token


# fmt: off
# DESIGN section 8: secas everything; ssc read + impact; supplier read + paths/plans + submit;
# manufacturer read + submit (its own manufacturer ids); reader read.
#                                                              secas ssc  suppl manuf reader
TABLE: Final = (
    Row("GET", "/api/v1/entries", _fixed("/api/v1/entries"),  (200, 200, 200, 200, 200)),
    Row("GET", "/api/v1/entries/{entry_id}", _entry,          (200, 200, 200, 200, 200)),
    Row("GET", "/api/v1/entries/{entry_id}/history", _history, (200, 200, 200, 200, 200)),
    Row("PATCH", "/api/v1/entries/{entry_id}", _correction,   (200, 403, 403, 403, 403)),
    Row("GET", "/api/v1/completeness", _fixed("/api/v1/completeness"),
                                                              (200, 200, 200, 200, 200)),
    Row("GET", "/api/v1/export", _fixed("/api/v1/export", {"format": "json"}),
                                                              (200, 200, 200, 200, 200)),
    # the matrix's server has no signing key: every signed-in role is told so
    Row("GET", "/api/v1/signing-key", _fixed("/api/v1/signing-key"),
                                                              (404, 404, 404, 404, 404)),
    Row("GET", "/api/v1/paths", _fixed("/api/v1/paths", {"from": "10039"}),
                                                              (200, 403, 200, 403, 403)),
    Row("GET", "/api/v1/impact", _fixed("/api/v1/impact", {"chipset_vendor": "*"}),
                                                              (200, 200, 403, 403, 403)),
    Row("POST", "/api/v1/session", _sign_in,                  (200, 200, 200, 200, 200),
        open=True),
    Row("GET", "/api/v1/session", _fixed("/api/v1/session"),  (200, 200, 200, 200, 200)),
    Row("DELETE", "/api/v1/session", _fixed("/api/v1/session"), (204, 204, 204, 204, 204)),
    Row("GET", "/api/v1/graph", _graph,                       (200, 200, 200, 200, 200)),
    Row("POST", "/api/v1/fleet-plans", _fleet_plan,           (200, 403, 200, 403, 403)),
    Row("POST", "/api/v1/images/verify", _image,              (200, 403, 200, 403, 403)),
    # an empty proposal: past sign-in and role, every missing field is 422
    Row("POST", "/api/v1/submissions", _fixed("/api/v1/submissions", json={}),
                                                              (422, 403, 422, 422, 403)),
    Row("GET", "/api/v1/submissions", _fixed("/api/v1/submissions"),
                                                              (200, 403, 200, 200, 403)),
    # the manufacturer's own: the supplier is told there is no such submission
    Row("GET", "/api/v1/submissions/{id}", _submission,       (200, 403, 404, 200, 403)),
    Row("POST", "/api/v1/submissions/{id}/approve",
        _fixed(f"/api/v1/submissions/{UNKNOWN_SUBMISSION}/approve", json={"reason": "matrix"}),
                                                              (404, 403, 403, 403, 403)),
    Row("POST", "/api/v1/submissions/{id}/reject",
        _fixed(f"/api/v1/submissions/{UNKNOWN_SUBMISSION}/reject", json={"reason": "matrix"}),
                                                              (404, 403, 403, 403, 403)),
)
# fmt: on


def _shape(path: str) -> str:
    """A route path with its parameters' names left out (`{entry_id}` and `{id}` match)."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def served_routes(app: FastAPI) -> dict[tuple[str, str], str]:
    """(method, path shape) -> path of every route the app serves."""
    found: dict[tuple[str, str], str] = {}
    for route in iter_route_contexts(app.routes):
        for method in route.methods or ():
            if method != "HEAD":
                found[method, _shape(str(route.path))] = str(route.path)
    return found


def test_every_api_route_has_a_row_and_every_other_route_is_open_on_purpose() -> None:
    served = served_routes(create_app(create_engine("sqlite://")))
    rows = {row.key for row in TABLE}
    missing = sorted(
        f"{method} {path}"
        for (method, shape), path in served.items()
        if path.startswith("/api/v1/") and (method, shape) not in rows
    )
    assert not missing, f"add a row to TABLE (who may call it) for: {missing}"
    outside = sorted(
        path
        for (method, shape), path in served.items()
        if not path.startswith("/api/v1/") and (method, shape) not in WEB_PAGES
    )
    assert set(outside) <= OPEN_PATHS, f"a route outside /api/v1 is open to anyone: {outside}"
    assert len(rows) == len(TABLE), "two rows for one route"
    # every row names a route that exists
    gone = [f"{r.method} {r.path}" for r in TABLE if r.key not in served]
    assert not gone, f"rows for routes the app does not serve: {gone}"


@pytest.fixture(scope="module", params=BACKENDS)
def registry(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoRegistry]:
    """The demo registry, shared by the rows of this module (per backend)."""
    with demo_database(request, request.param, tmp_path_factory.mktemp("matrix")) as demo:
        yield demo


@pytest.fixture(scope="module")
def credentials(registry: DemoRegistry) -> dict[str, dict[str, str]]:
    """The headers of every caller that is not a fresh session."""
    from firpath.services.accounts import (
        add_user,
        create_token,
        disable_user,
        revoke_tokens,
        sign_in,
    )

    demo = registry
    revoked = create_token(demo.engine, demo.emails["reader"])
    revoke_tokens(demo.engine, demo.emails["reader"], revoked.label)
    add_user(demo.engine, "gone@demo.firpath.example", "secas", "a long password of gone")
    disabled = create_token(demo.engine, "gone@demo.firpath.example").token
    disable_user(demo.engine, "gone@demo.firpath.example")
    session = sign_in(demo.engine, demo.emails["secas"], demo.passwords["secas"])
    bearer = {role: demo.headers(role) for role in ROLES}
    return bearer | {
        "anonymous": {},
        "revoked token": {"Authorization": f"Bearer {revoked.token}"},
        "disabled user's token": {"Authorization": f"Bearer {disabled}"},
        "garbage token": {"Authorization": "Bearer fpt_" + secrets.token_urlsafe(32)},
        "empty bearer": {"Authorization": "Bearer "},
        "basic auth": {"Authorization": "Basic c2VjYXNAZGVtbzpkZW1vLXNlY2FzLXBhc3M="},
        "session secret as bearer": {"Authorization": f"Bearer {session.secret}"},
    }


def _headers(
    caller: str, credentials: dict[str, dict[str, str]], demo: DemoRegistry
) -> dict[str, str]:
    if caller not in (COOKIE_WITH_CSRF, COOKIE_WITHOUT_CSRF):
        return credentials[caller]
    from firpath.services.accounts import sign_in

    # a fresh session per request: a row may sign the session out
    session = sign_in(demo.engine, demo.emails["secas"], demo.passwords["secas"])
    cookie = {"Cookie": f"{SESSION_COOKIE}={session.secret}"}
    return cookie | ({CSRF_HEADER: session.csrf_token} if caller == COOKIE_WITH_CSRF else {})


@pytest.mark.parametrize("row", TABLE, ids=[f"{r.method} {r.path}" for r in TABLE])
def test_every_caller_gets_the_status_the_table_gives(
    row: Row, registry: DemoRegistry, credentials: dict[str, dict[str, str]]
) -> None:
    with in_process(registry) as api:
        probe = Probe(api, registry)
        wrong = []
        for caller in CALLERS:
            request = row.build(probe)
            answer = api.request(
                row.method,
                request.url,
                params=request.params,
                json=request.json,
                content=request.content,
                headers=request.headers | _headers(caller, credentials, registry),
            )
            api.cookies.clear()  # a sign-in's cookie must not carry over to the next caller
            expected = row.expected(caller)
            if answer.status_code != expected:
                wrong.append(f"{caller}: {answer.status_code} (table: {expected}) {answer.text}")
            elif answer.status_code in (401, 403):
                assert answer.json()["error"]["code"] in ("not_signed_in", "forbidden")
    assert not wrong, "\n".join(wrong)


def test_a_row_fails_when_a_caller_gets_another_status() -> None:
    # the table is what the test checks: a role allowed by mistake would not match its row
    row = next(r for r in TABLE if r.key == ("PATCH", "/api/v1/entries/{}"))
    assert [row.expected(c) for c in ROLES] == [200, 403, 403, 403, 403]
    assert row.expected("anonymous") == 401
    assert row.expected(COOKIE_WITHOUT_CSRF) == 403
    assert row.expected(COOKIE_WITH_CSRF) == 200
