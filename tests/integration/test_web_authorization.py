"""Who may open which web page: every role, and no one signed in, against every page route;
the status each gets from one table. A page route without a row fails the test (and the API's
matrix), so a page added later must say who may open it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from firpath.api.app import create_app
from firpath.domain.account import ROLE_PERMISSIONS, Permission, Role, roles_allowed
from firpath.services.accounts import form_token, sign_in
from tests.api_harness import DemoRegistry, in_process
from tests.conftest import BACKENDS, demo_database

pytestmark = pytest.mark.xdist_group("web authorization matrix")

OPEN: Final = "open"  # anyone, signed in or not
SIGNED_IN: Final = "signed in"  # any account


@dataclass(frozen=True)
class Page:
    """A page route, who may open it, and an address to try it at (GET) or post to."""

    method: str
    path: str
    who: Permission | str
    example: str = ""
    ok: int = 200  # what an allowed caller gets
    ok_signed_in: int | None = None  # an open page answering signed-in callers otherwise

    @property
    def key(self) -> tuple[str, str]:
        return self.method, re.sub(r"\{[^}]*\}", "{}", self.path)

    def expected(self, role: str | None) -> int:
        """The status `role` (None: not signed in) gets."""
        if self.who == OPEN:
            return self.ok if role is None or self.ok_signed_in is None else self.ok_signed_in
        if role is None:
            return 303  # to /login
        if self.who == SIGNED_IN or self.who in ROLE_PERMISSIONS[Role(role)]:
            return self.ok
        return 403


P = Permission
# --- sign-in (web/login.py) ---
_LOGIN = (
    Page("GET", "/login", OPEN, ok_signed_in=303),  # signed in: on to the first page
    Page("POST", "/login", OPEN, ok=400),  # no login CSRF cookie: the form has expired
    Page("GET", "/logout", SIGNED_IN),
    Page("POST", "/logout", SIGNED_IN, ok=303),
    Page("GET", "/", SIGNED_IN, ok=303),
)
# --- entries (web/entries.py, web/entry_page.py) ---
_ENTRIES = (
    Page("GET", "/entries", P.READ),
    Page("GET", "/entries.{fmt}", P.READ, "/entries.csv?device_type=GSME"),
    Page("GET", "/entries/{entry_id}", P.READ, "/entries/10039"),
)
# --- path finder (web/path_finder.py) ---
_PATHS = (
    # the finder with an answer (a firmware alone, as the entry page links it)
    Page("GET", "/paths", P.PLAN, "/paths?firmware=10039"),
)
# --- fleet plans (web/fleet_plans.py) ---
_FLEET = (
    Page("GET", "/fleet-plans/new", P.PLAN),
    Page("GET", "/fleet-plans/example.csv", P.PLAN),
    Page("POST", "/fleet-plans", P.PLAN, ok=422),  # not multipart (no file): said so
)
# --- submissions (web/submissions.py) ---
_SUBMISSIONS = (
    Page("GET", "/submissions", P.SUBMIT),
    Page("GET", "/submissions/new", P.SUBMIT),
    Page("POST", "/submissions/new", P.SUBMIT, ok=422),  # an empty form: every field to fix
)
# --- review (web/review.py) ---
_REVIEW = (
    Page("GET", "/review", P.REVIEW),
    Page("POST", "/review/{submission_id}/approve", P.REVIEW, "/review/999999/approve", ok=404),
    Page("POST", "/review/{submission_id}/reject", P.REVIEW, "/review/999999/reject", ok=422),
    Page("GET", "/entries/{entry_id}/edit", P.REVIEW, "/entries/10039/edit"),
    # a form without its revision (nor a reason): shown again, nothing saved
    Page("POST", "/entries/{entry_id}/edit", P.REVIEW, "/entries/10039/edit", ok=422),
)
# --- completeness (web/completeness.py) ---
_COMPLETENESS = (
    Page("GET", "/completeness", P.READ),
    Page(
        "GET",
        "/completeness/chase-list/{manufacturer_id}",
        P.READ,
        "/completeness/chase-list/1000?format=xlsx",
    ),
)
# --- OTA image check (web/images.py) ---
_IMAGES = (
    Page("GET", "/images/verify", P.PLAN, "/images/verify?from=10039"),
    Page("POST", "/images/verify", P.PLAN, ok=422),  # not multipart (no image): said so
)
# --- impact (web/impact.py) ---
_IMPACT = (Page("GET", "/impact", P.IMPACT, "/impact?chipset_vendor=silicon*"),)

TABLE: Final = (
    *_LOGIN,
    *_ENTRIES,
    *_PATHS,
    *_FLEET,
    *_IMAGES,
    *_SUBMISSIONS,
    *_REVIEW,
    *_COMPLETENESS,
    *_IMPACT,
)
WEB_PAGES: Final = frozenset(row.key for row in TABLE)
ROLES: Final = tuple(role.value for role in Role)


def _page_routes() -> dict[tuple[str, str], str]:
    app = create_app(create_engine("sqlite://"))
    found: dict[tuple[str, str], str] = {}
    for route in iter_route_contexts(app.routes):
        path = str(route.path)
        if path.startswith(("/api/", "/docs", "/openapi")) or path == "/healthz":
            continue
        for method in route.methods or ():
            if method != "HEAD":
                found[method, re.sub(r"\{[^}]*\}", "{}", path)] = path
    return found


def test_every_page_route_has_a_row() -> None:
    served = _page_routes()
    missing = sorted(
        f"{m} {path}" for (m, shape), path in served.items() if (m, shape) not in WEB_PAGES
    )
    assert not missing, f"add a row to TABLE (who may open it) for: {missing}"
    gone = sorted(f"{r.method} {r.path}" for r in TABLE if r.key not in served)
    assert not gone, f"rows for pages the app does not serve: {gone}"
    assert len(WEB_PAGES) == len(TABLE), "two rows for one page"


@pytest.fixture(scope="module", params=BACKENDS)
def registry(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoRegistry]:
    with demo_database(request, request.param, tmp_path_factory.mktemp("web")) as demo:
        yield demo


def _ask(client: TestClient, row: Page, demo: DemoRegistry, role: str | None) -> int:
    client.cookies.clear()
    data: dict[str, str] = {}
    if role is not None:
        session = sign_in(demo.engine, demo.emails[role], demo.passwords[role])
        client.cookies.set("firpath_session", session.secret)
        data["csrf_token"] = form_token(session.secret)
    address = row.example or row.path
    if row.method == "GET":
        answer = client.get(address, follow_redirects=False)
    else:
        answer = client.post(address, data=data, follow_redirects=False)
    if answer.status_code == 303 and role is None and row.who != OPEN:
        assert answer.headers["location"].startswith("/login?next="), answer.headers
    if answer.status_code == 403:
        assert "You may not open this page" in answer.text
        if isinstance(row.who, Permission):  # says which roles may, so the user knows what to ask
            assert f"this needs {roles_allowed(row.who)} account" in answer.text
    return answer.status_code


@pytest.mark.parametrize("row", TABLE, ids=[f"{r.method} {r.path}" for r in TABLE])
def test_every_role_gets_the_status_the_table_gives(row: Page, registry: DemoRegistry) -> None:
    with in_process(registry) as client:
        wrong = [
            f"{role or 'not signed in'}: {status} (table: {row.expected(role)})"
            for role in (None, *ROLES)
            if (status := _ask(client, row, registry, role)) != row.expected(role)
        ]
    assert not wrong, "\n".join(wrong)


def test_a_post_without_the_form_token_is_refused(registry: DemoRegistry) -> None:
    with in_process(registry) as client:
        session = sign_in(registry.engine, registry.emails["secas"], registry.passwords["secas"])
        client.cookies.set("firpath_session", session.secret)
        for sent in ({}, {"csrf_token": "0" * 64}, {"csrf_token": session.csrf_token[:-1] + "x"}):
            answer = client.post("/logout", data=sent, follow_redirects=False)
            assert answer.status_code == 403, sent
        # the session still works: nothing was signed out
        assert client.get("/logout", follow_redirects=False).status_code == 200
