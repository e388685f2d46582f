"""`firpath users`, `firpath tokens` and `firpath init --admin` on SQLite and PostgreSQL:
passwords from standard input, bad input refused before the password is asked, tokens
printed once and revoked one by one or all."""

from __future__ import annotations

import json
import os
import pty
import select
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from firpath.cli.main import app
from firpath.services.accounts import find_credential
from firpath.store.engine import open_engine

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
    assert set(second) == {"token", "label", "email"}
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
