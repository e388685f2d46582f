"""Accounts, bearer tokens and sign-in (DESIGN section 8): passwords hashed with argon2,
token and session secrets stored only as SHA-256, failed logins slowed down per account."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine

from firpath.domain.account import (
    Account,
    NotSignedIn,
    Role,
    TooManyAttempts,
    acting_for,
    check_password,
    email_address,
    login_delay,
)
from firpath.domain.errors import FieldInvalid, NotFound
from firpath.services.unit_of_work import now, read_transaction, write_transaction
from firpath.store import accounts
from firpath.store.accounts import Credential, StoredUser

SESSION_HOURS: Final = 12
MAX_TOKEN_DAYS: Final = 3650  # a token's lifetime, when one is given, is 1 day to 10 years
_FORM_KEY: Final = b"firpath form"
TOKEN_PREFIX: Final = "fpt_"
_HASHER: Final = PasswordHasher()
# verified against when the email is unknown, so a wrong email costs what a wrong password does
_DUMMY_HASH: Final = _HASHER.hash("not a password of anyone's")


def secret_hash(secret: str) -> str:
    """How a token or session secret is stored and looked up: its SHA-256 in hex."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def form_token(session_secret: str) -> str:
    """The CSRF token of a session's web forms: derived from the session secret, so only a page
    served to that session knows it (the cookie is HttpOnly)."""
    return hmac.new(session_secret.encode(), _FORM_KEY, hashlib.sha256).hexdigest()


def is_csrf_token(session_secret: str, csrf_hash: str | None, sent: str) -> bool:
    """Whether `sent` is the session's CSRF token: the one given at sign-in through the API
    (stored as `csrf_hash`) or its web forms' token."""
    if not sent:
        return False
    if csrf_hash and secrets.compare_digest(secret_hash(sent), csrf_hash):
        return True
    return secrets.compare_digest(form_token(session_secret), sent)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new bearer token: shown once, stored only as a hash."""

    token: str
    label: str
    account: Account
    expires_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class TokenState:
    """One of an account's bearer tokens, as `tokens list` shows it: active, expired or
    revoked."""

    label: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    state: str


@dataclass(frozen=True, slots=True)
class Enabled:
    """An account enabled again, and how many of its earlier tokens work again with it."""

    account: Account
    tokens_back: int


@dataclass(frozen=True, slots=True)
class Session:
    """A browser session: the cookie's secret and the CSRF token its forms must send."""

    secret: str
    csrf_token: str
    account: Account
    expires_at: dt.datetime


def add_user(
    engine: Engine,
    email: str,
    role: str,
    password: str,
    manufacturer_ids: Iterable[str] = (),
) -> Account:
    """Create an account; a manufacturer account names the manufacturer ids it acts for."""
    address = email_address(email)
    kind = Role.parse(role)
    ids = acting_for(kind, manufacturer_ids)
    hashed = _HASHER.hash(check_password(password))
    with write_transaction(engine) as conn:
        if accounts.find_user(conn, address) is not None:
            raise FieldInvalid("email", address, "already has an account")
        user_id = accounts.add_user(conn, address, kind, hashed, ids, now())
    return Account(user_id, address, kind, ids)


def list_users(engine: Engine) -> list[StoredUser]:
    """Every account, by email."""
    with read_transaction(engine) as conn:
        return accounts.list_users(conn)


def disable_user(engine: Engine, email: str) -> Account:
    """Disable an account: it cannot sign in, and its tokens and sessions stop working."""
    address = email_address(email)
    with write_transaction(engine) as conn:
        found = _user(conn, address)
        accounts.set_disabled(conn, found.account.user_id, True)
        accounts.revoke_credentials(conn, found.account.user_id, now(), kind="session")
    return found.account


def enable_user(engine: Engine, email: str) -> Enabled:
    """Enable a disabled account again; says how many of its tokens (neither revoked nor
    expired) work again with it, since disabling only suspended them."""
    address = email_address(email)
    at = now()
    with write_transaction(engine) as conn:
        found = _user(conn, address)
        if not found.account.disabled:
            raise FieldInvalid("email", address, "the account is not disabled")
        accounts.set_disabled(conn, found.account.user_id, False)
        back = sum(
            1
            for t in accounts.list_tokens(conn, found.account.user_id)
            if _state(t, at) == "active"
        )
    return Enabled(found.account, back)


def set_password(engine: Engine, email: str, password: str) -> int:
    """Give an account a new password: its browser sessions end (it signs in again with the
    new one) and its failed sign-ins are forgotten; its bearer tokens keep working. Returns
    how many sessions ended."""
    address = email_address(email)
    hashed = _HASHER.hash(check_password(password))
    with write_transaction(engine) as conn:
        found = _user(conn, address)
        accounts.set_password_hash(conn, found.account.user_id, hashed)
        accounts.record_sign_in(conn, secret_hash(address), failed=False, at=now())
        ended = accounts.revoke_credentials(conn, found.account.user_id, now(), kind="session")
    return ended


def create_token(engine: Engine, email: str, expires_days: int | None = None) -> IssuedToken:
    """A new bearer token for an account (shown once); with `expires_days` it stops working
    that many days from now."""
    address = email_address(email)
    if expires_days is not None and not 1 <= expires_days <= MAX_TOKEN_DAYS:
        raise FieldInvalid(
            "--expires-days",
            str(expires_days),
            f"must be a whole number from 1 to {MAX_TOKEN_DAYS}",
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    label = token[: len(TOKEN_PREFIX) + 6]
    at = now()
    expires = None if expires_days is None else at + dt.timedelta(days=expires_days)
    with write_transaction(engine) as conn:
        found = _user(conn, address)
        if found.account.disabled:
            raise FieldInvalid(
                "email", address, "the account is disabled (`firpath users enable` first)"
            )
        accounts.add_credential(
            conn,
            secret_hash=secret_hash(token),
            kind="token",
            user_id=found.account.user_id,
            at=at,
            expires_at=expires,
            label=label,
        )
    return IssuedToken(token, label, found.account, expires)


def list_tokens(engine: Engine, email: str) -> tuple[Account, list[TokenState]]:
    """An account's bearer tokens (labels and dates, never secrets), each active, expired or
    revoked."""
    address = email_address(email)
    at = now()
    with read_transaction(engine) as conn:
        found = _user(conn, address)
        stored = accounts.list_tokens(conn, found.account.user_id)
    return found.account, [
        TokenState(t.label, t.created_at, t.expires_at, t.revoked_at, _state(t, at)) for t in stored
    ]


def _state(token: accounts.StoredToken, at: dt.datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= at:
        return "expired"
    return "active"


def _user(conn: Connection, address: str) -> StoredUser:
    found = accounts.find_user(conn, address)
    if found is None:
        raise NotFound(f"no account for {address}")
    return found


def revoke_tokens(engine: Engine, email: str, label: str | None = None) -> int:
    """Revoke an account's bearer tokens (only the one starting `label`, when given)."""
    address = email_address(email)
    with write_transaction(engine) as conn:
        found = _user(conn, address)
        count = accounts.revoke_credentials(
            conn, found.account.user_id, now(), kind="token", label=label
        )
    if label is not None and not count:
        raise NotFound(f"{address} has no active token {label}")
    return count


def sign_in(engine: Engine, email: str, password: str) -> Session:
    """Check a password and open a session; after FREE_ATTEMPTS failures each further attempt
    on the account waits longer (TooManyAttempts says how long)."""
    wrong = NotSignedIn("wrong email or password")
    try:
        address = email_address(email)
    except FieldInvalid:
        raise wrong from None
    at = now()
    key = secret_hash(address)
    with write_transaction(engine) as conn:
        found = accounts.find_user(conn, address)
        # every email waits alike, an account or not: a wait never says that one exists
        _refuse_within_wait(*accounts.failures(conn, key), at)
        # counted as failed before the password is checked (and cleared if it is right):
        # guesses sent at once wait their turn here, none slips through the same free
        # attempt or the same end of a wait
        accounts.record_sign_in(conn, key, failed=True, at=at)
    if found is None or found.account.disabled:
        _verify(_DUMMY_HASH, password)
        raise wrong
    if not _verify(found.password_hash, password):
        raise wrong
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = at + dt.timedelta(hours=SESSION_HOURS)
    with write_transaction(engine) as conn:
        accounts.record_sign_in(conn, key, failed=False, at=at)
        if _HASHER.check_needs_rehash(found.password_hash):
            accounts.set_password_hash(conn, found.account.user_id, _HASHER.hash(password))
        accounts.add_credential(
            conn,
            secret_hash=secret_hash(secret),
            kind="session",
            user_id=found.account.user_id,
            at=at,
            expires_at=expires,
            csrf_hash=secret_hash(csrf),
        )
    return Session(secret, csrf, found.account, expires)


def _refuse_within_wait(failed: int, last_failed_at: dt.datetime | None, at: dt.datetime) -> None:
    """TooManyAttempts while the email's last failed sign-in is younger than its wait."""
    wait = login_delay(failed)
    if not wait or last_failed_at is None:
        return
    left = (last_failed_at + dt.timedelta(seconds=wait) - at).total_seconds()
    if left > 0:
        raise TooManyAttempts(
            f"too many failed sign-ins for this email: try again in {int(left) + 1} s",
            int(left) + 1,
        )


def sign_out(engine: Engine, secret: str) -> None:
    """End a browser session."""
    with write_transaction(engine) as conn:
        found = accounts.find_credential(conn, secret_hash(secret), now())
        if found is not None:
            accounts.revoke_credentials(
                conn, found.account.user_id, now(), secret_hash=secret_hash(secret)
            )


def find_credential(engine: Engine, secret: str) -> Credential | None:
    """The valid token or session with this secret, or None."""
    with read_transaction(engine) as conn:
        return accounts.find_credential(conn, secret_hash(secret), now())


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
