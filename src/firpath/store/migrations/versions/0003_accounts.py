"""Accounts, bearer tokens and sessions (hashed), and submissions waiting for SECAS.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("disabled", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_table(
        "user_manufacturers",
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("manufacturer_id", sa.String(4), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "manufacturer_id", name="pk_user_manufacturers"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.user_id"],
            ondelete="CASCADE",
            name="fk_user_manufacturers_user_id_users",
        ),
    )
    op.create_table(
        "credentials",
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("label", sa.Text),
        sa.Column("csrf_token", sa.String(64)),
        sa.PrimaryKeyConstraint("secret_hash", name="pk_credentials"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], ondelete="CASCADE", name="fk_credentials_user_id_users"
        ),
    )
    op.create_index("ix_credentials_user", "credentials", ["user_id"])
    op.create_table(
        "submissions",
        sa.Column("submission_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("submitted_by", sa.Text, nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("manufacturer_id", sa.String(4), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("entry", sa.JSON, nullable=False),
        sa.Column("all_earlier", sa.Integer, nullable=False, server_default="0"),
        sa.Column("upgrade_from_given", sa.JSON),
        sa.Column("cpl_entry_id", sa.String(64)),
        sa.Column("decided_by", sa.Text),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decision_reason", sa.Text),
        sa.PrimaryKeyConstraint("submission_id", name="pk_submissions"),
    )
    op.create_index("ix_submissions_state", "submissions", ["state"])
    op.create_index("ix_submissions_submitted_by", "submissions", ["submitted_by"])
    op.create_table(
        "sign_in_failures",
        sa.Column("email_key", sa.String(64), nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("email_key", name="pk_sign_in_failures"),
    )
    counters = op.create_table(
        "counters",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("value", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_counters"),
    )
    op.bulk_insert(counters, [{"name": "accounts", "value": 0}])


def downgrade() -> None:
    op.drop_table("counters")
    op.drop_table("sign_in_failures")
    op.drop_table("submissions")
    op.drop_table("credentials")
    op.drop_table("user_manufacturers")
    op.drop_table("users")
