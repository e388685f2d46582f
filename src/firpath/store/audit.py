"""The append-only audit log: change batches written once, complete, each with its records,
every row a link of one hash chain (domain.audit_trail)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from firpath.domain.audit_trail import (
    GENESIS,
    ChainLink,
    LoggedChange,
    canonical,
    link_hash,
    utc_text,
)
from firpath.domain.control_chars import visible
from firpath.domain.entry import CplEntry
from firpath.domain.reimport import Correction, field_changes
from firpath.store.bulk import bulk_insert, db_datetime
from firpath.store.tables import audit_log, change_batches

CHUNK = 5000  # audit rows written per executemany (bounds memory on huge imports)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One change to one thing: what it was before and after (a create: its values)."""

    entity: str
    entity_id: str
    action: str
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ChangeBatch:
    """One use case's changes: who, when, which command, from which file, and why."""

    actor: str
    action: str  # import | import_contacts | correction | demo | baseline
    command: str
    at: dt.datetime
    source: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A stored audit record with its batch, as read back."""

    audit_id: int
    batch_id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    reason: str | None
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    command: str | None
    source: str | None


_BATCH_COLUMNS = (
    "batch_id",
    "at",
    "actor",
    "action",
    "command",
    "source",
    "reason",
    "summary",
    "chain_seq",
    "chain_hash",
)
_AUDIT_COLUMNS = (
    "audit_id",
    "batch_id",
    "at",
    "actor",
    "action",
    "entity",
    "entity_id",
    "reason",
    "before",
    "after",
    "chain_seq",
    "chain_hash",
)


def batch_content(
    batch_id: int,
    at: str,
    actor: str,
    action: str,
    command: str | None,
    source: str | None,
    reason: str | None,
    summary: Any,
) -> tuple[Any, ...]:
    """The fields of a change batch that its chain hash covers."""
    return (batch_id, at, actor, action, command, source, reason, summary)


def record_content(
    audit_id: int,
    batch_id: int | None,
    at: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    reason: str | None,
    before: Any,
    after: Any,
) -> tuple[Any, ...]:
    """The fields of an audit record that its chain hash covers (before/after as canonical
    JSON text, so each is serialised once when written)."""
    return (audit_id, batch_id, at, actor, action, entity, entity_id, reason, before, after)


def entry_update(before: CplEntry, after: CplEntry, reason: str | None = None) -> AuditRecord:
    """The audit record of an entry update: each changed field's value before and after."""
    changes = field_changes(before, after)
    return AuditRecord(
        entity="cpl_entry",
        entity_id=after.cpl_entry_id,
        action="update",
        before={c.field: c.before for c in changes},
        after={c.field: c.after for c in changes},
        reason=reason,
    )


def _head(conn: Connection) -> tuple[int, str, int, int]:
    """(last chain position, its hash, last batch id, last audit id) — under the write lock."""
    seq_b, hash_b = conn.execute(
        select(change_batches.c.chain_seq, change_batches.c.chain_hash)
        .where(change_batches.c.chain_seq.is_not(None))
        .order_by(change_batches.c.chain_seq.desc())
        .limit(1)
    ).first() or (0, "")
    seq_a, hash_a = conn.execute(
        select(audit_log.c.chain_seq, audit_log.c.chain_hash)
        .where(audit_log.c.chain_seq.is_not(None))
        .order_by(audit_log.c.chain_seq.desc())
        .limit(1)
    ).first() or (0, "")
    seq, last = max((seq_b or 0, hash_b or ""), (seq_a or 0, hash_a or ""))
    top_batch = conn.execute(select(func.max(change_batches.c.batch_id))).scalar() or 0
    top_audit = conn.execute(select(func.max(audit_log.c.audit_id))).scalar() or 0
    return int(seq), (last or GENESIS), int(top_batch), int(top_audit)


def record_batch(
    conn: Connection,
    batch: ChangeBatch,
    records: Iterable[AuditRecord],
    summary: Mapping[str, Any],
) -> int:
    """Write one change batch, complete, and its records, chained to the log's head.

    Must run inside a write transaction (the registry's write lock keeps the chain linear).
    Records may come from a generator: they are written in chunks, never all held at once.
    """
    pending = iter(records)
    first = next(pending, None)
    if first is None:
        raise ValueError("a change batch records at least one change")
    # who and from which file come from the environment: never store control characters
    batch = dataclasses.replace(
        batch,
        actor=visible(batch.actor, one_line=True),
        source=None if batch.source is None else visible(batch.source, one_line=True),
    )
    seq, previous, top_batch, top_audit = _head(conn)
    batch_id = top_batch + 1
    at = utc_text(batch.at)
    summary_json = json.loads(canonical(dict(summary)))
    seq += 1
    content = batch_content(
        batch_id,
        at,
        batch.actor,
        batch.action,
        batch.command,
        batch.source,
        batch.reason,
        summary_json,
    )
    previous = link_hash(previous, "change_batches", seq, content)
    stamp = db_datetime(conn, batch.at)
    bulk_insert(
        conn,
        change_batches,
        _BATCH_COLUMNS,
        [
            (
                batch_id,
                stamp,
                batch.actor,
                batch.action,
                batch.command,
                batch.source,
                batch.reason,
                canonical(summary_json),
                seq,
                previous,
            )
        ],
    )
    rows: list[tuple[Any, ...]] = []
    for offset, r in enumerate(itertools.chain([first], pending), start=1):
        audit_id = top_audit + offset
        before = None if r.before is None else canonical(r.before)
        after = None if r.after is None else canonical(r.after)
        reason = r.reason if r.reason is not None else batch.reason
        seq += 1
        content = record_content(
            audit_id,
            batch_id,
            at,
            batch.actor,
            r.action,
            r.entity,
            r.entity_id,
            reason,
            before,
            after,
        )
        previous = link_hash(previous, "audit_log", seq, content)
        rows.append(
            (
                audit_id,
                batch_id,
                stamp,
                batch.actor,
                r.action,
                r.entity,
                r.entity_id,
                reason,
                before,
                after,
                seq,
                previous,
            )
        )
        if len(rows) == CHUNK:
            bulk_insert(conn, audit_log, _AUDIT_COLUMNS, rows)
            rows = []
    bulk_insert(conn, audit_log, _AUDIT_COLUMNS, rows)
    return batch_id


def history(conn: Connection, entity: str, entity_id: str) -> list[AuditEntry]:
    """Every audit record of one thing with its batch, oldest first."""
    a, b = audit_log.c, change_batches.c
    rows = conn.execute(
        select(
            a.audit_id,
            a.batch_id,
            a.at,
            a.actor,
            a.action,
            a.entity,
            a.entity_id,
            a.reason,
            a.before,
            a.after,
            b.command,
            b.source,
        )
        .select_from(audit_log.outerjoin(change_batches, a.batch_id == b.batch_id))
        .where(a.entity == entity, a.entity_id == entity_id)
        .order_by(a.audit_id)
    ).all()
    return [AuditEntry(*tuple(r)) for r in rows]


def _as_json(value: Any) -> Any:
    """A JSON column as read back (drivers give parsed values or, for raw text, a string)."""
    if isinstance(value, str):
        return json.loads(value)
    return value


@dataclass(frozen=True, slots=True)
class StoredLog:
    """The whole log read back for verification: chain links, changes in order, legacy rows."""

    links: list[ChainLink]
    changes: list[LoggedChange]
    legacy_rows: int


def read_log(conn: Connection) -> StoredLog:
    """Every batch and record as chain links, and the records as changes to replay."""
    legacy_batches, legacy_audit = _legacy_limits(conn)
    links: list[ChainLink] = []
    legacy = 0
    for row in conn.execute(select(*(change_batches.c[c] for c in _BATCH_COLUMNS))):
        batch_id, at, actor, action, command, source, reason, summary, seq, digest = row
        if seq is None and batch_id <= legacy_batches:
            legacy += 1
            continue
        content = batch_content(
            batch_id, utc_text(at), actor, action, command, source, reason, _as_json(summary)
        )
        links.append(ChainLink("change_batches", batch_id, seq, digest, content))
    changes: list[LoggedChange] = []
    query = select(*(audit_log.c[c] for c in _AUDIT_COLUMNS)).order_by(
        audit_log.c.chain_seq, audit_log.c.audit_id
    )
    for row in conn.execute(query):
        audit_id, batch_id, at, actor, action, entity, entity_id, reason, before, after = row[:10]
        seq, digest = row[10], row[11]
        if seq is None and audit_id <= legacy_audit:
            legacy += 1
            continue
        before, after = _as_json(before), _as_json(after)
        content = record_content(
            audit_id,
            batch_id,
            utc_text(at),
            actor,
            action,
            entity,
            entity_id,
            reason,
            None if before is None else canonical(before),
            None if after is None else canonical(after),
        )
        links.append(ChainLink("audit_log", audit_id, seq, digest, content))
        changes.append(LoggedChange(audit_id, entity, entity_id, action, before, after))
    return StoredLog(links, changes, legacy)


def _legacy_limits(conn: Connection) -> tuple[int, int]:
    """The last batch and audit ids written before the chain began (schema 0001 rows)."""
    summary = conn.execute(
        select(change_batches.c.summary)
        .where(change_batches.c.action == "baseline")
        .order_by(change_batches.c.batch_id)
        .limit(1)
    ).scalar()
    found = _as_json(summary) or {}
    return int(found.get("legacy_batches_up_to", 0)), int(found.get("legacy_records_up_to", 0))


def last_corrections(
    conn: Connection, entry_ids: Collection[str]
) -> dict[tuple[str, str], Correction]:
    """For each (entry, field) whose latest change was a SECAS correction: that correction."""
    if not entry_ids:
        return {}
    a, b = audit_log.c, change_batches.c
    latest: dict[tuple[str, str], Correction | None] = {}
    ids = sorted(entry_ids)
    for start in range(0, len(ids), 500):
        query = (
            select(a.entity_id, a.at, a.actor, b.action, a.reason, a.after)
            .select_from(audit_log.join(change_batches, a.batch_id == b.batch_id))
            .where(a.entity == "cpl_entry", a.entity_id.in_(ids[start : start + 500]))
            .order_by(a.audit_id)
        )
        for entity_id, at, actor, action, reason, after in conn.execute(query):
            for name, value in dict(_as_json(after) or {}).items():
                latest[(entity_id, name)] = (
                    Correction(utc_text(at), actor, reason or "", value)
                    if action == "correction"
                    else None
                )
    return {key: c for key, c in latest.items() if c is not None}
