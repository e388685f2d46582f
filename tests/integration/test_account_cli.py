"""`firpath users`, `firpath tokens` and `firpath init --admin` on SQLite and PostgreSQL:
passwords from standard input, bad input refused before the password is asked, tokens
printed once and revoked one by one or all."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import select
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, update
from typer.testing import CliRunner

from firpath.cli.main import app
from firpath.domain.account import NotSignedIn
from firpath.services.accounts import find_credential, sign_in
from firpath.store.engine import open_engine
from firpath.store.tables import credentials

runner = CliRunner()
PASSWORD = "correct horse battery staple"


def firpath(url: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", url, *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(database_url: str) -> str:
    code, _, err = firpath(database_url, "init")
    assert code == 0, err
    return database_url


def users(url: str) -> dict[str, dict[str, object]]:
    code, out, err = firpath(url, "users", "list", "--json")
    assert code == 0, err
    return {u["email"]: u for u in json.loads(out)["users"]}


def token_works(url: str, token: str) -> bool:
    engine = open_engine(url)
    try:
        return find_credential(engine, token) is not None
    finally:
        engine.dispose()


def test_users_add_list_and_disable(db: str) -> None:
    code, out, err = firpath(db, "users", "add", "Ann@Example.org", "--role", "ssc", stdin=PASSWORD)
    assert code == 0, err
    assert "added ann@example.org (ssc)" in out
    code, out, err = firpath(
        db,
        "users",
        "add",
        "maker@example.org",
        "--role",
        "manufacturer",
        "--manufacturer-id",
        "12ab",
        "--manufacturer-id",
        "00FF",
        "--json",
        stdin=PASSWORD + "\n",
    )
    assert code == 0, err
    assert json.loads(out) == {
        "email": "maker@example.org",
        "role": "manufacturer",
        "manufacturer_ids": ["00FF", "12AB"],
    }
    listed = users(db)
    assert list(listed) == ["ann@example.org", "maker@example.org"]
    assert listed["ann@example.org"]["role"] == "ssc"
    assert listed["ann@example.org"]["disabled"] is False
    code, out, _ = firpath(db, "users", "list")
    assert code == 0 and "2 accounts" in out and "12AB" in out and "active" in out
    code, out, err = firpath(db, "users", "disable", "ann@example.org")
    assert code == 0, err
    assert "disabled ann@example.org" in out
    assert users(db)["ann@example.org"]["disabled"] is True
    code, out, _ = firpath(db, "users", "list")
    assert "disabled" in out
    code, _, err = firpath(db, "users", "disable", "nobody@example.org")
    assert code == 3 and "no account for nobody@example.org" in err


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("not-an-email", "--role", "ssc"), ["email", "not-an-email"]),
        (("a@example.org", "--role", "king"), ["role", "king", "secas"]),
        (("a@example.org", "--role", "manufacturer"), ["--manufacturer-id", "needs"]),
        (("a@example.org", "--role", "reader", "--manufacturer-id", "1234"), ["only manufacturer"]),
        (("a@example.org", "--role", "manufacturer", "--manufacturer-id", "XYZ"), ["XYZ"]),
    ],
    ids=["bad email", "bad role", "maker without id", "id for a reader", "bad id"],
)
def test_bad_input_is_refused_before_the_password_is_asked(
    db: str, args: tuple[str, ...], names: list[str]
) -> None:
    # nothing on standard input: had the password been asked, the error would be about it
    code, _, err = firpath(db, "users", "add", *args)
    assert code == 1
    assert all(name in err for name in names), err
    assert "password" not in err.lower()
    assert users(db) == {}


def test_a_short_password_and_a_second_account_are_refused(db: str) -> None:
    code, _, err = firpath(db, "users", "add", "a@example.org", "--role", "ssc", stdin="short\n")
    assert code == 1 and "at least 12 characters" in err and "short" not in err
    code, _, err = firpath(db, "users", "add", "a@example.org", "--role", "ssc", stdin="\n")
    assert code == 1 and "password" in err
    assert users(db) == {}
    assert firpath(db, "users", "add", "a@example.org", "--role", "ssc", stdin=PASSWORD)[0] == 0
    code, _, err = firpath(db, "users", "add", "A@example.org", "--role", "reader", stdin=PASSWORD)
    assert code == 1 and "a@example.org" in err and "already has an account" in err
    assert users(db)["a@example.org"]["role"] == "ssc"


def test_a_token_is_printed_once_and_works_until_revoked(db: str) -> None:
    firpath(db, "users", "add", "s@example.org", "--role", "supplier", stdin=PASSWORD)
    code, out, err = firpath(db, "tokens", "create", "s@example.org")
    assert code == 0, err
    first = out.strip()
    assert out == first + "\n" and first.startswith("fpt_")  # stdout: the token alone
    assert "shown once" in err and first not in err
    label = first[:10]
    assert f"--label {label}" in err
    code, out, err = firpath(db, "tokens", "create", "s@example.org", "--json")
    assert code == 0, err
    second = json.loads(out)
    assert set(second) == {"token", "label", "email", "expires_at"}
    assert second["expires_at"] is None  # no --expires-days: never
    assert second["email"] == "s@example.org" and second["token"].startswith(second["label"])
    assert token_works(db, first) and token_works(db, second["token"])
    # one token by its label; the other keeps working
    code, out, err = firpath(db, "tokens", "revoke", "s@example.org", "--label", label)
    assert code == 0, err
    assert "revoked 1 token(s)" in out
    assert not token_works(db, first) and token_works(db, second["token"])
    code, _, err = firpath(db, "tokens", "revoke", "s@example.org", "--label", label)
    assert code == 3 and f"no active token {label}" in err
    # all of them
    third = firpath(db, "tokens", "create", "s@example.org")[1].strip()
    code, out, _ = firpath(db, "tokens", "revoke", "S@example.org")
    assert code == 0 and "revoked 2 token(s) of s@example.org" in out
    assert not token_works(db, second["token"]) and not token_works(db, third)


def test_tokens_only_for_accounts_that_exist_and_are_enabled(db: str) -> None:
    code, out, err = firpath(db, "tokens", "create", "nobody@example.org")
    assert code == 3 and out == "" and "no account for nobody@example.org" in err
    firpath(db, "users", "add", "r@example.org", "--role", "reader", stdin=PASSWORD)
    token = firpath(db, "tokens", "create", "r@example.org")[1].strip()
    firpath(db, "users", "disable", "r@example.org")
    assert not token_works(db, token)  # disabling ends its tokens
    code, out, err = firpath(db, "tokens", "create", "r@example.org")
    assert code == 1 and out == "" and "disabled" in err
    code, _, err = firpath(db, "tokens", "create", "r@example.org", "--json")
    assert code == 1 and json.loads(err)["error"]["code"] == "invalid_input"


def _tables(url: str) -> list[str]:
    engine = open_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_init_admin_creates_the_database_and_a_secas_account(database_url: str) -> None:
    code, out, err = firpath(database_url, "init", "--admin", "Boss@Example.org", stdin=PASSWORD)
    assert code == 0, err
    assert "SECAS account boss@example.org added" in out
    assert users(database_url)["boss@example.org"]["role"] == "secas"
    # again: the database is current, the account exists already
    code, _, err = firpath(database_url, "init", "--admin", "boss@example.org", stdin=PASSWORD)
    assert code == 1 and "already has an account" in err
    code, out, err = firpath(
        database_url, "init", "--admin", "second@example.org", "--json", stdin=PASSWORD
    )
    assert code == 0, err
    assert json.loads(out)["admin"] == "second@example.org"


@pytest.mark.parametrize(
    ("email", "stdin", "names"),
    [
        ("not-an-email", None, "email"),
        ("boss@example.org", "short\n", "at least 12 characters"),
        ("boss@example.org", "", "password"),
    ],
    ids=["bad email", "short password", "no password"],
)
def test_init_admin_refuses_bad_input_before_creating_anything(
    database_url: str, tmp_path: Path, email: str, stdin: str | None, names: str
) -> None:
    code, _, err = firpath(database_url, "init", "--admin", email, stdin=stdin)
    assert code == 1
    assert names in err
    if database_url.startswith("sqlite"):
        assert not (tmp_path / "firpath.db").exists()
    else:
        assert _tables(database_url) == []


class Terminal:
    """A program run on a terminal of its own (a pseudo-terminal), read as it writes."""

    def __init__(self, argv: list[str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: becomes the program, or ends at once
            try:
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.seen = bytearray()
        self.mark = 0

    def expect(self, wanted: bytes) -> None:
        """Read until `wanted` appears after the last thing expected."""
        deadline = time.monotonic() + 60
        while wanted not in self.seen[self.mark :] and time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:  # the program ended
                break
            if not chunk:
                break
            self.seen.extend(chunk)
        assert wanted in self.seen[self.mark :], self.seen.decode(errors="replace")
        self.mark = self.seen.index(wanted, self.mark) + len(wanted)

    def type(self, line: str) -> None:
        """Type a line."""
        os.write(self.fd, line.encode() + b"\n")

    def wait(self) -> int:
        """The program's exit code once it has ended."""
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def test_on_a_terminal_the_password_is_asked_twice_and_not_shown(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'firpath.db'}"
    assert firpath(url, "init")[0] == 0
    add = ["users", "add", "t@example.org", "--role", "reader"]
    terminal = Terminal([sys.executable, "-m", "firpath.cli.main", "--db", url, *add])
    terminal.expect(b"Password: ")  # the space: written once echo is off
    terminal.type(PASSWORD)
    terminal.expect(b"confirmation: ")
    terminal.type("a different password")
    terminal.expect(b"do not match")
    terminal.expect(b"Password: ")  # the space: written once echo is off
    terminal.type(PASSWORD)
    terminal.expect(b"confirmation: ")
    terminal.type(PASSWORD)
    terminal.expect(b"added t@example.org (reader)")
    assert terminal.wait() == 0
    text = terminal.seen.decode(errors="replace")
    assert PASSWORD not in text and "a different password" not in text  # never echoed
    assert users(url)["t@example.org"]["role"] == "reader"


def _signs_in(url: str, email: str, password: str) -> bool:
    engine = open_engine(url)
    try:
        sign_in(engine, email, password)
        return True
    except NotSignedIn:
        return False
    finally:
        engine.dispose()


def _session(url: str, email: str, password: str) -> str:
    engine = open_engine(url)
    try:
        return sign_in(engine, email, password).secret
    finally:
        engine.dispose()


def test_enable_brings_back_a_disabled_account_and_says_which_tokens_work_again(db: str) -> None:
    firpath(db, "users", "add", "e@example.org", "--role", "supplier", stdin=PASSWORD)
    token = firpath(db, "tokens", "create", "e@example.org")[1].strip()
    revoked = firpath(db, "tokens", "create", "e@example.org")[1].strip()
    assert firpath(db, "tokens", "revoke", "e@example.org", "--label", revoked[:10])[0] == 0
    code, _, err = firpath(db, "users", "enable", "e@example.org")
    assert code == 1 and "e@example.org" in err and "not disabled" in err
    firpath(db, "users", "disable", "e@example.org")
    assert not _signs_in(db, "e@example.org", PASSWORD) and not token_works(db, token)
    code, out, err = firpath(db, "users", "enable", "E@Example.org")
    assert code == 0, err
    assert "enabled e@example.org" in out
    # the one token neither revoked nor expired works again, and the operator is told
    assert "1 earlier token(s) of e@example.org work again" in out
    assert "firpath tokens revoke e@example.org" in out
    assert users(db)["e@example.org"]["disabled"] is False
    assert _signs_in(db, "e@example.org", PASSWORD)
    assert token_works(db, token) and not token_works(db, revoked)
    code, _, err = firpath(db, "users", "enable", "nobody@example.org")
    assert code == 3 and "no account for nobody@example.org" in err


def test_a_new_password_ends_sessions_and_keeps_tokens(db: str) -> None:
    firpath(db, "users", "add", "p@example.org", "--role", "reader", stdin=PASSWORD)
    token = firpath(db, "tokens", "create", "p@example.org")[1].strip()
    session = _session(db, "p@example.org", PASSWORD)
    assert token_works(db, session)
    new = "a brand new passphrase"
    code, out, err = firpath(db, "users", "password", "P@example.org", stdin=new + "\n")
    assert code == 0, err
    assert "new password set for p@example.org; 1 browser session(s) ended" in out
    assert new not in out and new not in err
    assert not token_works(db, session)  # signed out everywhere
    assert token_works(db, token)  # integrations keep running
    assert not _signs_in(db, "p@example.org", PASSWORD)
    assert _signs_in(db, "p@example.org", new)


@pytest.mark.parametrize(
    ("email", "stdin", "names"),
    [
        ("p@example.org", "short\n", "at least 12 characters"),
        ("p@example.org", "\n", "password"),
        ("not-an-email", None, "not-an-email"),
    ],
    ids=["short password", "no password", "bad email"],
)
def test_a_bad_new_password_changes_nothing(
    db: str, email: str, stdin: str | None, names: str
) -> None:
    firpath(db, "users", "add", "p@example.org", "--role", "reader", stdin=PASSWORD)
    session = _session(db, "p@example.org", PASSWORD)
    code, _, err = firpath(db, "users", "password", email, stdin=stdin)
    assert code == 1 and names in err, err
    typed = (stdin or "").strip()
    assert not typed or typed not in err  # the password is never shown
    assert _signs_in(db, "p@example.org", PASSWORD) and token_works(db, session)


def test_a_new_password_for_nobody_is_not_found(db: str) -> None:
    code, _, err = firpath(db, "users", "password", "nobody@example.org", stdin=PASSWORD)
    assert code == 3 and "no account for nobody@example.org" in err


def _expire(url: str, label: str) -> None:
    """Move a token's expiry into the past (a day passing, without waiting a day)."""
    engine = open_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                update(credentials)
                .where(credentials.c.label == label)
                .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
            )
    finally:
        engine.dispose()


def test_a_token_may_expire_and_tokens_list_shows_each_state(db: str) -> None:
    firpath(db, "users", "add", "x@example.org", "--role", "supplier", stdin=PASSWORD)
    before = dt.datetime.now(dt.UTC)
    code, out, err = firpath(db, "tokens", "create", "x@example.org", "--expires-days", "30")
    assert code == 0, err
    issued = out.strip()
    expires_line = err
    code, out, err = firpath(
        db, "tokens", "create", "x@example.org", "--expires-days", "1", "--json"
    )
    assert code == 0, err
    short = json.loads(out)
    expires = dt.datetime.fromisoformat(short["expires_at"])
    assert before + dt.timedelta(days=1) - dt.timedelta(seconds=2) <= expires
    assert expires <= dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert "expires 20" in expires_line and "shown once" in expires_line
    forever = json.loads(firpath(db, "tokens", "create", "x@example.org", "--json")[1])
    assert forever["expires_at"] is None
    firpath(db, "tokens", "revoke", "x@example.org", "--label", forever["label"])
    _expire(db, short["label"])
    assert not token_works(db, short["token"]) and token_works(db, issued)
    code, out, err = firpath(db, "tokens", "list", "x@example.org", "--json")
    assert code == 0, err
    listed = json.loads(out)
    states = {t["label"]: t["state"] for t in listed["tokens"]}
    assert states == {issued[:10]: "active", short["label"]: "expired", forever["label"]: "revoked"}
    assert issued not in out and short["token"] not in out  # never a secret
    code, out, _ = firpath(db, "tokens", "list", "x@example.org")
    assert code == 0 and "3 token(s), 1 active" in out and "never" in out
    assert issued not in out


@pytest.mark.parametrize("days", ["0", "3651", "-5"])
def test_a_token_lifetime_out_of_range_is_refused(db: str, days: str) -> None:
    firpath(db, "users", "add", "x@example.org", "--role", "supplier", stdin=PASSWORD)
    code, out, err = firpath(db, "tokens", "create", "x@example.org", "--expires-days", days)
    assert code == 1 and out == ""
    assert "--expires-days" in err and days in err and "1 to 3650" in err
    assert json.loads(firpath(db, "tokens", "list", "x@example.org", "--json")[1])["tokens"] == []


def test_tokens_of_a_disabled_account_are_listed_as_not_working(db: str) -> None:
    firpath(db, "users", "add", "d@example.org", "--role", "supplier", stdin=PASSWORD)
    firpath(db, "tokens", "create", "d@example.org")
    firpath(db, "users", "disable", "d@example.org")
    code, out, _ = firpath(db, "tokens", "list", "d@example.org")
    assert code == 0 and "disabled" in out and "none works until it is enabled" in out
    code, _, err = firpath(db, "tokens", "create", "d@example.org")
    assert code == 1 and "firpath users enable" in err
    code, _, err = firpath(db, "tokens", "list", "nobody@example.org")
    assert code == 3 and "no account for nobody@example.org" in err
