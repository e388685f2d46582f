"""The append-only audit log and the change batches that group its records."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from firpath.store.bulk import bulk_insert, db_datetime
from firpath.store.tables import audit_log, change_batches


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One change to one thing: who, when, why, and the values before and after."""

    entity: str
    entity_id: str
    action: str
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A stored audit record, as read back."""

    audit_id: int
    batch_id: int | None
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    reason: str | None
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


def open_batch(
    conn: Connection, *, actor: str, action: str, source: str | None, at: dt.datetime
) -> int:
    """Start a change batch (an import, a submission) and return its id."""
    result = conn.execute(
        change_batches.insert().values(at=at, actor=actor, action=action, source=source)
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def close_batch(conn: Connection, batch_id: int, summary: Mapping[str, Any]) -> None:
    """Record what a batch did."""
    conn.execute(
        change_batches.update()
        .where(change_batches.c.batch_id == batch_id)
        .values(summary=dict(summary))
    )


def append(
    conn: Connection,
    records: Iterable[AuditRecord],
    *,
    actor: str,
    at: dt.datetime,
    batch_id: int | None = None,
) -> None:
    """Append records to the audit log (it is never updated or deleted)."""
    at_text = db_datetime(conn, at)
    rows = [
        (
            batch_id,
            at_text,
            actor,
            r.action,
            r.entity,
            r.entity_id,
            r.reason,
            _json(r.before),
            _json(r.after),
        )
        for r in records
    ]
    bulk_insert(conn, audit_log, _COLUMNS, rows)


_COLUMNS = ("batch_id", "at", "actor", "action", "entity", "entity_id", "reason", "before", "after")


def _json(value: Mapping[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(dict(value), ensure_ascii=False, sort_keys=True)


def history(conn: Connection, entity: str, entity_id: str) -> list[AuditEntry]:
    """Every audit record of one thing, oldest first."""
    rows = conn.execute(
        select(audit_log)
        .where(audit_log.c.entity == entity, audit_log.c.entity_id == entity_id)
        .order_by(audit_log.c.audit_id)
    ).mappings()
    return [AuditEntry(**dict(r)) for r in rows]
