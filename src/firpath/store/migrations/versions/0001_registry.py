"""The CPL registry: manufacturers, entries, upgrade edges, change batches, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_PG_APPEND_ONLY = """
CREATE FUNCTION firpath_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION firpath_audit_append_only();
"""

_SQLITE_APPEND_ONLY = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
)


def upgrade() -> None:
    op.create_table(
        "manufacturers",
        sa.Column("manufacturer_id", sa.String(4), nullable=False),
        sa.Column("manufacturer_name", sa.Text()),
        sa.Column("contact_name", sa.Text()),
        sa.Column("contact_email", sa.Text()),
        sa.Column("contact_phone", sa.Text()),
        sa.PrimaryKeyConstraint("manufacturer_id", name="pk_manufacturers"),
    )
    op.create_table(
        "cpl_entries",
        sa.Column("cpl_entry_id", sa.String(64), nullable=False),
        sa.Column("device_type", sa.String(16), nullable=False),
        sa.Column("manufacturer_id", sa.String(4), nullable=False),
        sa.Column("manufacturer_name", sa.Text()),
        sa.Column("model_id", sa.String(4), nullable=False),
        sa.Column("model_name", sa.Text()),
        sa.Column("hardware_version", sa.String(4), nullable=False),
        sa.Column("firmware_version", sa.String(8), nullable=False),
        sa.Column("firmware_version_name", sa.Text()),
        sa.Column("manufacturer_image_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("upgrade_from_kind", sa.String(8), nullable=False),
        sa.Column("zigbee_chipset_vendor", sa.Text()),
        sa.Column("zigbee_stack_version", sa.Text()),
        sa.Column("zigbee_band", sa.String(32)),
        sa.Column("date_added", sa.Date()),
        sa.Column("notes", sa.Text()),
        sa.Column("release_date", sa.Date()),
        sa.Column("release_notes", sa.Text()),
        sa.Column("smets_chts_version", sa.Text()),
        sa.Column("gbcs_version", sa.Text()),
        sa.Column("revision", sa.Integer(), nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("cpl_entry_id", name="pk_cpl_entries"),
        sa.UniqueConstraint(
            "manufacturer_id",
            "model_id",
            "hardware_version",
            "firmware_version",
            "manufacturer_image_hash",
            name="uq_cpl_entries_build",
        ),
        sa.CheckConstraint("status IN ('active', 'removed')", name="ck_cpl_entries_status"),
        sa.CheckConstraint(
            "upgrade_from_kind IN ('ids', 'na', 'unknown')", name="ck_cpl_entries_upgrade_from"
        ),
    )
    op.create_index(
        "ix_cpl_entries_device_model",
        "cpl_entries",
        ["manufacturer_id", "model_id", "hardware_version"],
    )
    op.create_table(
        "upgrade_edges",
        sa.Column("cpl_entry_id", sa.String(64), nullable=False),
        sa.Column("from_entry_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("cpl_entry_id", "from_entry_id", name="pk_upgrade_edges"),
        sa.ForeignKeyConstraint(
            ["cpl_entry_id"],
            ["cpl_entries.cpl_entry_id"],
            name="fk_upgrade_edges_cpl_entry_id_cpl_entries",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_entry_id"],
            ["cpl_entries.cpl_entry_id"],
            name="fk_upgrade_edges_from_entry_id_cpl_entries",
        ),
    )
    op.create_index("ix_upgrade_edges_from", "upgrade_edges", ["from_entry_id"])
    op.create_table(
        "change_batches",
        sa.Column("batch_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("source", sa.Text()),
        sa.Column("summary", sa.JSON()),
        sa.PrimaryKeyConstraint("batch_id", name="pk_change_batches"),
    )
    op.create_table(
        "audit_log",
        sa.Column("audit_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.Integer()),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("before", sa.JSON()),
        sa.Column("after", sa.JSON()),
        sa.PrimaryKeyConstraint("audit_id", name="pk_audit_log"),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["change_batches.batch_id"],
            name="fk_audit_log_batch_id_change_batches",
        ),
    )
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_APPEND_ONLY)
    else:
        for statement in _SQLITE_APPEND_ONLY:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS firpath_audit_append_only()")
    op.drop_table("audit_log")
    op.drop_table("change_batches")
    op.drop_table("upgrade_edges")
    op.drop_table("cpl_entries")
    op.drop_table("manufacturers")
