"""No password, token, session secret or CSRF token in a log, in the output of a command (but
the one print of `tokens create`), in an answer that does not hand it out, or in the database:
a real `firpath serve` and real `firpath` commands, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import MetaData, select

from firpath.api.auth import CSRF_HEADER, SESSION_COOKIE
from firpath.store.engine import open_engine
from tests.api_harness import start_server

ADMIN = "admin@example.org"
ADMIN_PASSWORD = "admin passphrase 4 the FIR"
READER = "reader@example.org"
READER_PASSWORD = "reader passphrase 4 the FIR"
WRONG_PASSWORD = "a wrong guess at the passphrase"
WINDOW = 16  # characters: no piece of a secret this long may show


def firpath(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the real `firpath` command."""
    command = [sys.executable, "-m", "firpath.cli.main", "--db", url, *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120)


def pieces(secret: str) -> list[str]:
    """Every WINDOW-character piece of a secret (the whole of a shorter one)."""
    if len(secret) <= WINDOW:
        return [secret]
    return [secret[i : i + WINDOW] for i in range(len(secret) - WINDOW + 1)]


def leaks(text: str, secrets: dict[str, str]) -> list[str]:
    """The names of the secrets any piece of which is in `text`."""
    return [name for name, secret in secrets.items() if any(p in text for p in pieces(secret))]


def stored_text(url: str) -> str:
    """Every value of every row of every table, as text."""
    engine = open_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    parts = []
    try:
        with engine.connect() as conn:
            for table in metadata.sorted_tables:
                for row in conn.execute(select(table)):
                    parts.extend(
                        json.dumps(v, default=str) if isinstance(v, dict | list) else str(v)
                        for v in row
                    )
    finally:
        engine.dispose()
    return "\n".join(parts)


def test_no_secret_in_logs_outputs_answers_or_the_database(
    database_url: str, tmp_path: Path
) -> None:
    secrets: dict[str, str] = {"admin password": ADMIN_PASSWORD, "reader password": READER_PASSWORD}
    secrets["wrong password"] = WRONG_PASSWORD
    outputs: list[str] = []

    init = firpath(database_url, "init", "--admin", ADMIN, stdin=ADMIN_PASSWORD + "\n")
    assert init.returncode == 0, init.stderr
    added = firpath(database_url, "users", "add", READER, "--role", "reader", stdin=READER_PASSWORD)
    assert added.returncode == 0, added.stderr
    short = firpath(database_url, "users", "add", "x@example.org", "--role", "ssc", stdin="tiny")
    assert short.returncode == 1
    secrets["short password"] = "tiny"
    created = firpath(database_url, "tokens", "create", ADMIN)
    assert created.returncode == 0, created.stderr
    admin_token = created.stdout.strip()
    as_json = firpath(database_url, "tokens", "create", READER, "--json")
    reader_token = json.loads(as_json.stdout)["token"]
    revoked = firpath(database_url, "tokens", "create", READER)
    revoked_token = revoked.stdout.strip()
    secrets |= {"admin token": admin_token, "reader token": reader_token}
    secrets["revoked token"] = revoked_token
    revoke = firpath(database_url, "tokens", "revoke", READER, "--label", revoked_token[:10])
    assert revoke.returncode == 0, revoke.stderr
    listed = firpath(database_url, "users", "list", "--json")
    # the print of `tokens create` is the one place a token is shown (on stdout only)
    outputs += [created.stderr, as_json.stderr, revoked.stderr]
    for done in (init, added, short, revoke, listed):
        outputs += [done.stdout, done.stderr]

    server = start_server(database_url, tmp_path)
    answers: list[str] = []
    try:
        with server.client() as client:
            # passwords: right, wrong, for an unknown email, too long to be one
            wrong = client.post(
                "/api/v1/session", json={"email": READER, "password": WRONG_PASSWORD}
            )
            assert wrong.status_code == 401
            unknown = client.post(
                "/api/v1/session", json={"email": "no@example.org", "password": WRONG_PASSWORD}
            )
            assert unknown.status_code == 401
            huge = WRONG_PASSWORD * 40
            too_long = client.post("/api/v1/session", json={"email": READER, "password": huge})
            assert too_long.status_code == 422
            signed_in = client.post(
                "/api/v1/session", json={"email": ADMIN, "password": ADMIN_PASSWORD}
            )
            assert signed_in.status_code == 200, signed_in.text
            csrf = signed_in.json()["csrf_token"]
            session = client.cookies[SESSION_COOKIE]
            secrets |= {"csrf token": csrf, "session secret": session}
            # the cookie's calls: a read, a change without and with the CSRF token, sign-out
            entries = client.get("/api/v1/entries")
            assert entries.status_code == 200
            refused = client.delete("/api/v1/session", headers={CSRF_HEADER: "not-the-token"})
            assert refused.status_code == 403
            out = client.delete("/api/v1/session", headers={CSRF_HEADER: csrf})
            assert out.status_code == 204
            client.cookies.clear()
            after = client.get("/api/v1/entries", headers={"Cookie": f"{SESSION_COOKIE}={session}"})
            assert after.status_code == 401
            answers += [wrong.text, unknown.text, too_long.text, entries.text, refused.text]
            answers += [out.text, after.text, signed_in.text]
            # bearer calls: good, revoked, garbage, in the wrong scheme
            for token, status in ((admin_token, 200), (reader_token, 200), (revoked_token, 401)):
                answer = client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"})
                assert answer.status_code == status, answer.text
                answers.append(answer.text + json.dumps(dict(answer.headers)))
            basic = client.get("/api/v1/entries", headers={"Authorization": f"Basic {admin_token}"})
            assert basic.status_code == 401
            answers.append(basic.text)
            completeness = client.get(
                "/api/v1/completeness", headers={"Authorization": f"Bearer {reader_token}"}
            )
            assert completeness.status_code == 200
    finally:
        log = server.stop()

    assert "Traceback" not in log and '" 500' not in log  # no unexpected error on the way
    assert "POST /api/v1/session" in log  # the log is the server's, and has the requests
    assert leaks(log, secrets) == [], log
    assert leaks("\n".join(outputs), secrets) == []
    # the answers hand out no secret: not the password sent, not the cookie's secret
    assert leaks("\n".join(answers), {k: v for k, v in secrets.items() if k != "csrf token"}) == []
    stored = stored_text(database_url)
    assert leaks(stored, secrets) == []
    # the database was read: it holds the hashes of the tokens and the accounts' argon2 hashes
    for name in ("admin token", "reader token", "session secret", "csrf token"):
        assert hashlib.sha256(secrets[name].encode()).hexdigest() in stored, name
    assert stored.count("$argon2id$") == 2
