"""Repository of submissions: store one, read them back, record SECAS's decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Row, select, update

from firpath.domain.errors import AlreadyDecided
from firpath.domain.submission import Submission, SubmissionState
from firpath.store.tables import cpl_entries, submissions

MAX_LISTED = 10_000  # submissions one listing returns, newest first


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite gives back naive datetimes; every stored time is UTC
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _submission(row: Row[Any]) -> Submission:
    r = row._mapping
    submitted_at = _aware(r["submitted_at"])
    assert submitted_at is not None
    return Submission(
        submission_id=int(r["submission_id"]),
        state=SubmissionState(r["state"]),
        manufacturer_id=r["manufacturer_id"],
        submitted_by=r["submitted_by"],
        submitted_at=submitted_at,
        record=dict(r["entry"]),
        all_earlier=bool(r["all_earlier"]),
        upgrade_from_given=r["upgrade_from_given"],
        cpl_entry_id=r["cpl_entry_id"],
        decided_by=r["decided_by"],
        decided_at=_aware(r["decided_at"]),
        decision_reason=r["decision_reason"],
    )


def add(
    conn: Connection,
    *,
    submitted_by: str,
    at: dt.datetime,
    record: Mapping[str, str],
    all_earlier: bool,
    upgrade_from_given: Any,
) -> Submission:
    """Store a new pending submission and return it with its number."""
    key = conn.execute(
        submissions.insert().values(
            submitted_by=submitted_by,
            submitted_at=at,
            manufacturer_id=record["manufacturer_id"],
            state=SubmissionState.PENDING.value,
            entry=dict(record),
            all_earlier=int(all_earlier),
            upgrade_from_given=upgrade_from_given,
        )
    ).inserted_primary_key
    assert key is not None
    found = get(conn, int(key[0]))
    assert found is not None
    return found


def get(conn: Connection, submission_id: int) -> Submission | None:
    """One submission by number, or None."""
    row = conn.execute(
        select(submissions).where(submissions.c.submission_id == submission_id)
    ).first()
    return None if row is None else _submission(row)


def find(
    conn: Connection,
    *,
    submitted_by: str | None = None,
    state: SubmissionState | None = None,
    manufacturer_id: str | None = None,
) -> list[Submission]:
    """Submissions matching every filter given (None: any), newest first."""
    query = select(submissions).order_by(submissions.c.submission_id.desc()).limit(MAX_LISTED)
    if submitted_by is not None:
        query = query.where(submissions.c.submitted_by == submitted_by)
    if state is not None:
        query = query.where(submissions.c.state == state.value)
    if manufacturer_id is not None:
        query = query.where(submissions.c.manufacturer_id == manufacturer_id)
    return [_submission(r) for r in conn.execute(query)]


def all_entry_ids(conn: Connection) -> list[str]:
    """Every CPL Entry ID on the CPL (to number the next one)."""
    return list(conn.execute(select(cpl_entries.c.cpl_entry_id)).scalars())


def decide(
    conn: Connection,
    submission_id: int,
    *,
    state: SubmissionState,
    by: str,
    at: dt.datetime,
    reason: str | None,
    cpl_entry_id: str | None = None,
    record: Mapping[str, str] | None = None,
) -> None:
    """Record SECAS's decision on a pending submission (and, approved, the entry as published)."""
    values: dict[str, Any] = {
        "state": state.value,
        "decided_by": by,
        "decided_at": at,
        "decision_reason": reason,
        "cpl_entry_id": cpl_entry_id,
    }
    if record is not None:
        values["entry"] = dict(record)
    done = conn.execute(
        update(submissions)
        .where(
            submissions.c.submission_id == submission_id,
            submissions.c.state == SubmissionState.PENDING.value,
        )
        .values(**values)
    ).rowcount
    if done != 1:
        raise AlreadyDecided(f"submission {submission_id} was decided meanwhile; nothing saved")
