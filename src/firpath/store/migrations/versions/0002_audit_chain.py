"""Tamper-evident audit trail: batches carry command and reason; every batch and record is a
link of a hash chain; both tables refuse UPDATE, DELETE, TRUNCATE and replacing inserts.

Entries and manufacturers stored before this revision get one `baseline` batch recording
their values as they stand, so the log replays to the stored state from here on.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TABLES = (("change_batches", "batch_id"), ("audit_log", "audit_id"))

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION firpath_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: firpath never changes or removes audit rows',
        TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql
"""


def _pg_triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION firpath_audit_append_only()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION firpath_audit_append_only()",
    ]


def _sqlite_triggers(table: str, key: str) -> list[str]:
    refuse = f"SELECT RAISE(ABORT, '{table} is append-only: firpath never changes or removes "
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN {refuse}audit rows'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN {refuse}audit rows'); END",
        # INSERT OR REPLACE deletes the old row without firing DELETE triggers: refuse any
        # insert at or below the highest id (rows only ever append; a max() is one b-tree step,
        # far cheaper per row than an EXISTS lookup on a 100,000-row import)
        f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
        f"WHEN NEW.{key} > 0 AND NEW.{key} <= (SELECT max({key}) FROM {table}) "
        f"BEGIN {refuse}audit rows (no replacing insert)'); END",
    ]


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    op.add_column("change_batches", sa.Column("command", sa.Text()))
    op.add_column("change_batches", sa.Column("reason", sa.Text()))
    for table, _ in _TABLES:
        op.add_column(table, sa.Column("chain_seq", sa.Integer()))
        op.add_column(table, sa.Column("chain_hash", sa.String(64)))
        # not unique: a replacing insert could then delete the row holding a position; a
        # repeated position is reported by `audit verify` as forged
        op.create_index(f"ix_{table}_chain_seq", table, ["chain_seq"])
    _baseline(bind)
    if postgres:
        op.execute(_PG_FUNCTION)
        for table, _ in _TABLES:
            for statement in _pg_triggers(table):
                op.execute(statement)
    else:
        for table, key in _TABLES:
            for statement in _sqlite_triggers(table, key):
                op.execute(statement)


def _baseline(bind: sa.Connection) -> None:
    """Record the values of everything already stored, so the replay starts from them."""
    from firpath.domain.record import entry_to_record
    from firpath.store import audit, entries, manufacturers

    stored = entries.load_all(bind)
    makers = manufacturers.load_all(bind)
    if not stored and not makers:
        return
    top_batch = bind.execute(sa.text("SELECT max(batch_id) FROM change_batches")).scalar() or 0
    top_audit = bind.execute(sa.text("SELECT max(audit_id) FROM audit_log")).scalar() or 0
    records = [
        audit.AuditRecord("manufacturer", m.manufacturer_id, "baseline", after=m.as_dict())
        for m in makers.values()
    ] + [
        audit.AuditRecord("cpl_entry", e.cpl_entry_id, "baseline", after=entry_to_record(e))
        for e in stored.values()
    ]
    audit.record_batch(
        bind,
        audit.ChangeBatch(
            actor="firpath",
            action="baseline",
            command="init",
            at=dt.datetime.now(dt.UTC),
            reason="the audit hash chain starts here: values as stored at schema 0002",
        ),
        records,
        {
            "entries": len(stored),
            "manufacturers": len(makers),
            "legacy_batches_up_to": int(top_batch),
            "legacy_records_up_to": int(top_audit),
        },
    )


def downgrade() -> None:
    raise NotImplementedError("the audit chain cannot be removed: restore a backup instead")
