"""Repository of accounts, their bearer tokens and browser sessions (secrets stored hashed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, func, select, update

from firpath.domain.account import Account, Role
from firpath.store.tables import (
    change_batches,
    counters,
    credentials,
    sign_in_failures,
    user_manufacturers,
    users,
)


@dataclass(frozen=True, slots=True)
class StoredUser:
    """An account with what only the store knows: its password hash."""

    account: Account
    password_hash: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Credential:
    """A valid token or session: whose it is, and (sessions) the hash of the CSRF token its
    changes must send."""

    account: Account
    kind: str
    csrf_hash: str | None
    expires_at: dt.datetime | None


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite gives back naive datetimes; every stored time is UTC
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _manufacturer_ids(conn: Connection, user_ids: list[int]) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = {u: set() for u in user_ids}
    if user_ids:
        rows = conn.execute(
            select(user_manufacturers.c.user_id, user_manufacturers.c.manufacturer_id).where(
                user_manufacturers.c.user_id.in_(user_ids)
            )
        )
        for user_id, manufacturer_id in rows:
            found[user_id].add(manufacturer_id)
    return {u: frozenset(ids) for u, ids in found.items()}


def _stored(row: object, ids: frozenset[str]) -> StoredUser:
    r = row._mapping  # type: ignore[attr-defined]
    account = Account(r["user_id"], r["email"], Role(r["role"]), ids, bool(r["disabled"]))
    return StoredUser(
        account,
        r["password_hash"],
        _aware(r["created_at"]) or dt.datetime.now(dt.UTC),
    )


def find_user(conn: Connection, email: str) -> StoredUser | None:
    """The account with this (normalised) email, or None."""
    row = conn.execute(select(users).where(users.c.email == email)).first()
    if row is None:
        return None
    return _stored(row, _manufacturer_ids(conn, [row.user_id])[row.user_id])


def list_users(conn: Connection) -> list[StoredUser]:
    """Every account, by email."""
    rows = conn.execute(select(users).order_by(users.c.email)).all()
    ids = _manufacturer_ids(conn, [r.user_id for r in rows])
    return [_stored(r, ids[r.user_id]) for r in rows]


def add_user(
    conn: Connection,
    email: str,
    role: Role,
    password_hash: str,
    manufacturer_ids: frozenset[str],
    at: dt.datetime,
) -> int:
    """Store a new account; returns its user id."""
    user_id = conn.execute(
        users.insert().values(
            email=email, role=role.value, password_hash=password_hash, created_at=at
        )
    ).inserted_primary_key
    assert user_id is not None
    if manufacturer_ids:
        conn.execute(
            user_manufacturers.insert(),
            [{"user_id": user_id[0], "manufacturer_id": m} for m in sorted(manufacturer_ids)],
        )
    bump_accounts(conn)
    return int(user_id[0])


def set_disabled(conn: Connection, user_id: int, disabled: bool) -> None:
    """Disable (or enable) an account; its tokens and sessions stop working with it."""
    conn.execute(update(users).where(users.c.user_id == user_id).values(disabled=int(disabled)))
    bump_accounts(conn)


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    """Replace an account's password hash (a new password, or a rehash with newer parameters)."""
    conn.execute(
        update(users).where(users.c.user_id == user_id).values(password_hash=password_hash)
    )


@dataclass(frozen=True, slots=True)
class StoredToken:
    """A bearer token as the store keeps it: its label and dates, never its secret."""

    label: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


def list_tokens(conn: Connection, user_id: int) -> list[StoredToken]:
    """An account's bearer tokens, oldest first (revoked and expired ones too)."""
    rows = conn.execute(
        select(
            credentials.c.label,
            credentials.c.created_at,
            credentials.c.expires_at,
            credentials.c.revoked_at,
        )
        .where(credentials.c.user_id == user_id, credentials.c.kind == "token")
        .order_by(credentials.c.created_at, credentials.c.label)
    )
    return [
        StoredToken(
            r.label or "",
            _aware(r.created_at) or dt.datetime.now(dt.UTC),
            _aware(r.expires_at),
            _aware(r.revoked_at),
        )
        for r in rows
    ]


def failures(conn: Connection, email_key: str) -> tuple[int, dt.datetime | None]:
    """Failed sign-ins for one email (by key) since its last good one, and when the last was."""
    row = conn.execute(
        select(sign_in_failures.c.failed, sign_in_failures.c.last_failed_at).where(
            sign_in_failures.c.email_key == email_key
        )
    ).first()
    return (0, None) if row is None else (int(row.failed), _aware(row.last_failed_at))


def record_sign_in(conn: Connection, email_key: str, *, failed: bool, at: dt.datetime) -> None:
    """Count a failed sign-in for an email (or clear its count after a good one); within the
    caller's write transaction, so attempts are counted one at a time."""
    table = sign_in_failures
    if not failed:
        conn.execute(table.delete().where(table.c.email_key == email_key))
        return
    count, _ = failures(conn, email_key)
    if count:
        conn.execute(
            update(table)
            .where(table.c.email_key == email_key)
            .values(failed=count + 1, last_failed_at=at)
        )
    else:
        conn.execute(table.insert().values(email_key=email_key, failed=1, last_failed_at=at))


def add_credential(
    conn: Connection,
    *,
    secret_hash: str,
    kind: str,
    user_id: int,
    at: dt.datetime,
    expires_at: dt.datetime | None = None,
    label: str | None = None,
    csrf_hash: str | None = None,
) -> None:
    """Store a token or session by the hash of its secret (and of its CSRF token)."""
    conn.execute(
        credentials.insert().values(
            secret_hash=secret_hash,
            kind=kind,
            user_id=user_id,
            created_at=at,
            expires_at=expires_at,
            label=label,
            csrf_token=csrf_hash,
        )
    )


def find_credential(conn: Connection, secret_hash: str, at: dt.datetime) -> Credential | None:
    """The token or session with this hash if it is valid now (not revoked, expired, or of a
    disabled account)."""
    row = conn.execute(
        select(credentials, users.c.email, users.c.role, users.c.disabled)
        .join(users, users.c.user_id == credentials.c.user_id)
        .where(credentials.c.secret_hash == secret_hash, credentials.c.revoked_at.is_(None))
    ).first()
    if row is None or row.disabled:
        return None
    expires = _aware(row.expires_at)
    if expires is not None and expires <= at:
        return None
    ids = _manufacturer_ids(conn, [row.user_id])[row.user_id]
    account = Account(row.user_id, row.email, Role(row.role), ids)
    return Credential(account, row.kind, row.csrf_token, expires)


def revoke_credentials(
    conn: Connection,
    user_id: int,
    at: dt.datetime,
    *,
    kind: str | None = None,
    label: str | None = None,
    secret_hash: str | None = None,
) -> int:
    """Revoke an account's credentials (of one kind, label or secret); returns how many."""
    query = update(credentials).where(
        credentials.c.user_id == user_id, credentials.c.revoked_at.is_(None)
    )
    if kind is not None:
        query = query.where(credentials.c.kind == kind)
    if label is not None:
        query = query.where(credentials.c.label == label)
    if secret_hash is not None:
        query = query.where(credentials.c.secret_hash == secret_hash)
    count = conn.execute(query.values(revoked_at=at)).rowcount
    if count:
        bump_accounts(conn)
    return int(count)


def bump_accounts(conn: Connection) -> None:
    """Tell every worker its cached credentials may be out of date."""
    conn.execute(
        update(counters).where(counters.c.name == "accounts").values(value=counters.c.value + 1)
    )


# the registry revision (newest audit batch) and the accounts revision, in one query
STATE = select(
    select(func.max(change_batches.c.batch_id)).scalar_subquery(),
    select(counters.c.value).where(counters.c.name == "accounts").scalar_subquery(),
)


def read_state(conn: Connection) -> tuple[int, int]:
    """(registry revision, accounts revision): both only ever go up."""
    row = conn.execute(STATE).one()
    return int(row[0] or 0), int(row[1] or 0)
