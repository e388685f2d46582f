"""An entry's history and the audit trail's verification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine

from firpath.domain.audit_trail import ChainProblem, replay, walk_chain
from firpath.domain.errors import NotFound
from firpath.domain.record import entry_to_record
from firpath.domain.values import cpl_entry_id
from firpath.services.unit_of_work import read_transaction
from firpath.store import audit, entries, manufacturers
from firpath.store.audit import AuditEntry


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one change: its value before and after (None before a creation)."""

    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One change of an entry: when, who, what kind, why (or from which file), which fields."""

    at: dt.datetime
    actor: str
    action: str
    reason: str | None
    source: str | None
    command: str | None
    changes: list[FieldChange] = field(default_factory=list)


def _items(records: Sequence[AuditEntry]) -> list[HistoryItem]:
    """Audit records (oldest first) as history items, newest first."""
    items = []
    for r in reversed(records):
        before, after = dict(r.before or {}), dict(r.after or {})
        names = list(after) if r.action != "update" else [n for n in after if n in before]
        items.append(
            HistoryItem(
                at=r.at if r.at.tzinfo else r.at.replace(tzinfo=dt.UTC),
                actor=r.actor,
                action=r.action,
                reason=r.reason,
                source=r.source,
                command=r.command,
                changes=[
                    FieldChange(n, before.get(n) if r.action == "update" else None, after[n])
                    for n in names
                    if r.action == "update" or after[n] not in ("", None)
                ],
            )
        )
    return items


def entry_history(engine: Engine, entry_id: str) -> list[HistoryItem]:
    """Every change of one entry, newest first."""
    key = cpl_entry_id(entry_id)
    with read_transaction(engine) as conn:
        records = audit.history(conn, "cpl_entry", key)
        if not records and entries.get_entry(conn, key) is None:
            raise NotFound(f"CPL entry {key} is not on the CPL and has no history")
    return _items(records)


def removals(engine: Engine, entry_ids: Iterable[str]) -> dict[str, HistoryItem]:
    """For each of these entries, the latest change that made it `removed` (when, who, why or
    from which file); an entry no recorded change removed has no item."""
    found: dict[str, HistoryItem] = {}
    with read_transaction(engine) as conn:
        for entry_id in entry_ids:
            key = cpl_entry_id(entry_id)
            for item in _items(audit.history(conn, "cpl_entry", key)):
                if any(c.field == "status" and c.after == "removed" for c in item.changes):
                    found[key] = item
                    break
    return found


@dataclass(frozen=True, slots=True)
class AuditVerification:
    """What replaying the audit trail found; `ok` only when the chain and the replay agree."""

    links: int
    legacy_rows: int
    head_seq: int
    head_hash: str
    problems: list[ChainProblem]

    @property
    def ok(self) -> bool:
        """Whether every link checks out and every stored entry matches the replay."""
        return not self.problems


def verify_audit(engine: Engine) -> AuditVerification:
    """Walk the hash chain and replay the log against the stored entries and manufacturers."""
    with read_transaction(engine) as conn:
        log = audit.read_log(conn)
        stored_entries = entries.load_all(conn)
        makers = manufacturers.load_all(conn)
        stray = entries.stray_edges(conn)
    chain = walk_chain(log.links)
    stored = {("cpl_entry", k): entry_to_record(e) for k, e in stored_entries.items()} | {
        ("manufacturer", k): dict(m.as_dict()) for k, m in makers.items()
    }
    problems = chain.problems + replay(log.changes, stored)
    problems += [
        ChainProblem(
            "changed_outside_log",
            "cpl_entry",
            entry_id,
            f"an upgrade edge {from_id} -> {entry_id} is stored, but {entry_id}'s upgrade-from "
            f"is {stored_entries[entry_id].upgrade_from.to_text() or 'not provided'}: "
            "added outside the log",
        )
        for entry_id, from_id in stray
    ]
    return AuditVerification(
        chain.links, log.legacy_rows, chain.head_seq, chain.head_hash, problems
    )
