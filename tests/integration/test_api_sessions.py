"""Signing in with a password: the session cookie (HttpOnly, SameSite=Strict), the CSRF token
every cookie-authenticated change must send, signing out, and failed logins slowing down."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from firpath.api.auth import CSRF_HEADER, SESSION_COOKIE
from firpath.domain.account import FREE_ATTEMPTS, NotSignedIn, TooManyAttempts, login_delay
from firpath.services.accounts import secret_hash, sign_in
from firpath.store.tables import sign_in_failures
from tests.api_harness import DemoRegistry, in_process

CORRECTION = {"reason": "checked with the manufacturer", "set": {"notes": "checked"}}


def signed_in(api: TestClient, demo: DemoRegistry, role: str) -> str:
    """Sign `role` in on `api` (the client keeps the cookie); the CSRF token it was given."""
    answer = api.post(
        "/api/v1/session", json={"email": demo.emails[role], "password": demo.passwords[role]}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["csrf_header"] == CSRF_HEADER
    return str(answer.json()["csrf_token"])


def an_entry(api: TestClient, demo: DemoRegistry) -> tuple[str, str]:
    """The ID and ETag of the first entry (read with SECAS's bearer token)."""
    first = api.get("/api/v1/entries", headers=demo.headers("secas"), params={"per_page": 1})
    entry_id = first.json()["entries"][0]["cpl_entry_id"]
    return entry_id, api.get(f"/api/v1/entries/{entry_id}", headers=demo.headers("secas")).headers[
        "ETag"
    ]


def test_the_session_cookie_is_httponly_and_samesite_strict(
    api: TestClient, demo: DemoRegistry
) -> None:
    answer = api.post(
        "/api/v1/session", json={"email": demo.emails["reader"], "password": "demo-reader-pass"}
    )
    assert answer.status_code == 200
    cookie = answer.headers["set-cookie"]
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert attributes[0].startswith(f"{SESSION_COOKIE}=")
    assert "httponly" in attributes
    assert "samesite=strict" in attributes
    assert "path=/" in attributes
    # the cookie's secret is not the CSRF token, and neither is in the answer twice
    secret = attributes[0].split("=", 1)[1]
    assert secret and secret not in answer.text


def test_a_cookie_write_needs_the_csrf_token_from_sign_in(
    api: TestClient, demo: DemoRegistry
) -> None:
    csrf = signed_in(api, demo, "secas")
    entry_id, tag = an_entry(api, demo)
    url = f"/api/v1/entries/{entry_id}"
    # reads need no CSRF token
    assert api.get(url).status_code == 200
    missing = api.patch(url, headers={"If-Match": tag}, json=CORRECTION)
    assert missing.status_code == 403, missing.text
    assert CSRF_HEADER in missing.json()["error"]["message"]
    wrong = api.patch(
        url, headers={"If-Match": tag, CSRF_HEADER: csrf[:-2] + "xx"}, json=CORRECTION
    )
    assert wrong.status_code == 403
    empty = api.patch(url, headers={"If-Match": tag, CSRF_HEADER: ""}, json=CORRECTION)
    assert empty.status_code == 403
    # nothing was changed by the refused writes
    assert api.get(url).headers["ETag"] == tag
    done = api.patch(url, headers={"If-Match": tag, CSRF_HEADER: csrf}, json=CORRECTION)
    assert done.status_code == 200, done.text
    assert done.json()["notes"] == "checked"
    history = api.get(f"{url}/history").json()["history"]
    assert history[0]["actor"] == demo.emails["secas"]


def test_the_csrf_token_of_one_session_does_not_work_with_another(
    api: TestClient, demo: DemoRegistry
) -> None:
    other_csrf = signed_in(api, demo, "secas")
    api.cookies.clear()
    signed_in(api, demo, "secas")
    entry_id, tag = an_entry(api, demo)
    answer = api.patch(
        f"/api/v1/entries/{entry_id}",
        headers={"If-Match": tag, CSRF_HEADER: other_csrf},
        json=CORRECTION,
    )
    assert answer.status_code == 403


def test_a_session_secret_is_not_a_bearer_token(api: TestClient, demo: DemoRegistry) -> None:
    # otherwise the cookie's secret, sent as a bearer token, would skip the CSRF check
    signed_in(api, demo, "secas")
    secret = api.cookies[SESSION_COOKIE]
    api.cookies.clear()
    entry_id, tag = an_entry(api, demo)
    answer = api.patch(
        f"/api/v1/entries/{entry_id}",
        headers={"If-Match": tag, "Authorization": f"Bearer {secret}"},
        json=CORRECTION,
    )
    assert answer.status_code == 401
    # and a bearer token is not a session cookie
    api.cookies.set(SESSION_COOKIE, demo.tokens["reader"])
    assert api.get("/api/v1/session").status_code == 401


def test_sign_out_makes_the_cookie_useless(api: TestClient, demo: DemoRegistry) -> None:
    csrf = signed_in(api, demo, "reader")
    secret = api.cookies[SESSION_COOKIE]
    assert api.get("/api/v1/session").json()["email"] == demo.emails["reader"]
    without_csrf = api.delete("/api/v1/session")
    assert without_csrf.status_code == 403  # signing out is a change too
    assert api.get("/api/v1/session").status_code == 200
    done = api.delete("/api/v1/session", headers={CSRF_HEADER: csrf})
    assert done.status_code == 204
    assert SESSION_COOKIE in done.headers["set-cookie"]  # the browser is told to drop it
    # the old secret, sent again (as a browser that kept it would), no longer signs in
    api.cookies.clear()
    api.cookies.set(SESSION_COOKIE, secret)
    assert api.get("/api/v1/session").status_code == 401
    assert api.get("/api/v1/entries").status_code == 401


def test_disabling_an_account_ends_its_sessions(api: TestClient, demo: DemoRegistry) -> None:
    from firpath.services.accounts import disable_user

    signed_in(api, demo, "ssc")
    assert api.get("/api/v1/entries").status_code == 200
    disable_user(demo.engine, demo.emails["ssc"])
    assert api.get("/api/v1/entries").status_code == 401
    again = api.post(
        "/api/v1/session", json={"email": demo.emails["ssc"], "password": demo.passwords["ssc"]}
    )
    assert again.status_code == 401
    assert again.json()["error"]["message"] == "wrong email or password"


# Failed logins


def _attempt(api: TestClient, demo: DemoRegistry, password: str) -> tuple[int, dict[str, str]]:
    answer = api.post(
        "/api/v1/session", json={"email": demo.emails["reader"], "password": password}
    )
    return answer.status_code, dict(answer.headers)


def _key(email: str) -> str:
    return secret_hash(email)


def _last_failure(demo: DemoRegistry, seconds_ago: float, email: str | None = None) -> None:
    """Move an email's (the reader's) last failed login `seconds_ago` into the past."""
    at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds_ago)
    key = _key(email or demo.emails["reader"])
    with demo.engine.begin() as conn:
        conn.execute(
            update(sign_in_failures)
            .where(sign_in_failures.c.email_key == key)
            .values(last_failed_at=at)
        )


def _failed_logins(demo: DemoRegistry, email: str | None = None) -> int:
    key = _key(email or demo.emails["reader"])
    with demo.engine.connect() as conn:
        found = conn.execute(
            select(sign_in_failures.c.failed).where(sign_in_failures.c.email_key == key)
        ).scalar_one_or_none()
    return int(found or 0)


def test_failed_logins_slow_down_even_the_right_password(
    api: TestClient, demo: DemoRegistry
) -> None:
    right = demo.passwords["reader"]
    for _ in range(FREE_ATTEMPTS):
        assert _attempt(api, demo, "not the password")[0] == 401
    waits = []
    for failures in (FREE_ATTEMPTS, FREE_ATTEMPTS + 1, FREE_ATTEMPTS + 2):
        # the last failure just now: the next attempt is within its wait, however slow the host
        _last_failure(demo, 0)
        status, headers = _attempt(api, demo, right)
        assert status == 429
        retry_after = int(headers["retry-after"])
        wait = login_delay(failures)
        assert wait <= retry_after <= wait + 1
        waits.append(retry_after)
        # the wait has passed: one more wrong password is answered, and counted
        _last_failure(demo, wait + 1)
        assert _attempt(api, demo, "still not the password")[0] == 401
        assert _failed_logins(demo) == failures + 1
    assert waits == sorted(set(waits)) and len(waits) == 3  # the wait grows
    # refused attempts were not counted as failures, and the right password works once waited
    _last_failure(demo, MAX_WAIT_PASSED)
    status, _ = _attempt(api, demo, right)
    assert status == 200
    assert _failed_logins(demo) == 0
    # success resets: the free attempts are free again
    for _ in range(FREE_ATTEMPTS):
        assert _attempt(api, demo, "wrong again")[0] == 401
    _last_failure(demo, 0)
    assert _attempt(api, demo, right)[0] == 429


MAX_WAIT_PASSED = 10_000  # seconds: longer than any login delay


def test_a_wrong_email_answers_like_a_wrong_password(api: TestClient, demo: DemoRegistry) -> None:
    wrong_password = api.post(
        "/api/v1/session", json={"email": demo.emails["reader"], "password": "not the password"}
    )
    unknown = api.post(
        "/api/v1/session",
        json={"email": "nobody@demo.firpath.example", "password": "not the password"},
    )
    not_an_email = api.post(
        "/api/v1/session", json={"email": "nobody", "password": "not the password"}
    )
    for answer in (wrong_password, unknown, not_an_email):
        assert answer.status_code == 401
        assert answer.json() == wrong_password.json()
        assert answer.headers["www-authenticate"] == wrong_password.headers["www-authenticate"]
    assert wrong_password.json()["error"]["message"] == "wrong email or password"


def test_parallel_guesses_do_not_skip_the_wait(demo: DemoRegistry) -> None:
    # every attempt is counted before the password is checked, so guesses sent at once cannot
    # all slip through the same free attempt or the same end of a wait
    email = demo.emails["reader"]

    def guess(n: int) -> str:
        try:
            sign_in(demo.engine, email, f"guess number {n}")
        except TooManyAttempts:
            return "wait"
        except NotSignedIn:
            return "wrong"
        return "in"

    # the free attempts: 16 guesses released together (the wait after the third is 1 s, far
    # longer than 16 small transactions take)
    outcomes = _all_at_once(guess, 16)
    assert outcomes.count("wrong") == FREE_ATTEMPTS
    assert outcomes.count("wait") == 16 - FREE_ATTEMPTS
    assert _failed_logins(demo) == FREE_ATTEMPTS
    # the end of a long wait: one guess, not sixteen
    _set_failures(demo, 10, seconds_ago=login_delay(10) + 1)
    outcomes = _all_at_once(guess, 16)
    assert outcomes.count("wrong") == 1
    assert outcomes.count("wait") == 15
    assert _failed_logins(demo) == 11


def _all_at_once(guess: Callable[[int], str], count: int) -> list[str]:
    start = threading.Barrier(count)

    def released(n: int) -> str:
        start.wait()
        return guess(n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(released, range(count)))


def _set_failures(demo: DemoRegistry, count: int, *, seconds_ago: float) -> None:
    at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds_ago)
    with demo.engine.begin() as conn:
        conn.execute(
            update(sign_in_failures)
            .where(sign_in_failures.c.email_key == _key(demo.emails["reader"]))
            .values(failed=count, last_failed_at=at)
        )


def test_an_unknown_email_waits_like_an_account_so_a_wait_tells_nothing(
    api: TestClient, demo: DemoRegistry
) -> None:
    nobody = "nobody@demo.firpath.example"
    answers = {}
    for email in (demo.emails["reader"], nobody):
        for _ in range(FREE_ATTEMPTS):
            got = api.post("/api/v1/session", json={"email": email, "password": "wrong guess"})
            assert got.status_code == 401
        _last_failure(demo, 0, email)
        answers[email] = api.post(
            "/api/v1/session", json={"email": email, "password": "wrong guess"}
        )
    known, unknown = answers[demo.emails["reader"]], answers[nobody]
    assert known.status_code == unknown.status_code == 429
    assert known.json() == unknown.json()
    assert "nobody" not in unknown.text and "reader" not in known.text
    with demo.engine.connect() as conn:  # only a hash of the email is kept
        stored = [r.email_key for r in conn.execute(select(sign_in_failures))]
    assert stored and all("@" not in k for k in stored)


@pytest.mark.parametrize("role", ["secas", "manufacturer"])
def test_sign_in_answers_who_and_for_which_manufacturers(demo: DemoRegistry, role: str) -> None:
    with in_process(demo) as api:
        signed_in(api, demo, role)
        who = api.get("/api/v1/session").json()
    assert who["email"] == demo.emails[role]
    assert who["role"] == role
    assert bool(who["manufacturer_ids"]) == (role == "manufacturer")
