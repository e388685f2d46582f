"""The database schema (SQLAlchemy Core); Alembic migrations create and evolve it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

manufacturers = Table(
    "manufacturers",
    metadata,
    Column("manufacturer_id", String(4), primary_key=True),
    Column("manufacturer_name", Text),
    Column("contact_name", Text),
    Column("contact_email", Text),
    Column("contact_phone", Text),
)

cpl_entries = Table(
    "cpl_entries",
    metadata,
    Column("cpl_entry_id", String(64), primary_key=True),
    Column("device_type", String(16), nullable=False),
    Column("manufacturer_id", String(4), nullable=False),
    Column("manufacturer_name", Text),
    Column("model_id", String(4), nullable=False),
    Column("model_name", Text),
    Column("hardware_version", String(4), nullable=False),
    Column("firmware_version", String(8), nullable=False),
    Column("firmware_version_name", Text),
    Column("manufacturer_image_hash", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    # 'ids' (see upgrade_edges), 'na' (nothing may be upgraded to it), 'unknown' (not provided)
    Column("upgrade_from_kind", String(8), nullable=False),
    Column("zigbee_chipset_vendor", Text),
    Column("zigbee_stack_version", Text),
    Column("zigbee_band", String(32)),
    Column("date_added", Date),
    Column("notes", Text),
    Column("release_date", Date),
    Column("release_notes", Text),
    Column("smets_chts_version", Text),
    Column("gbcs_version", Text),
    Column("revision", Integer, nullable=False, server_default="1"),
    UniqueConstraint(
        "manufacturer_id",
        "model_id",
        "hardware_version",
        "firmware_version",
        "manufacturer_image_hash",
        name="uq_cpl_entries_build",
    ),
    Index("ix_cpl_entries_device_model", "manufacturer_id", "model_id", "hardware_version"),
)

# One row per ID in an entry's *upgrade from*: the edge from_entry_id -> cpl_entry_id.
upgrade_edges = Table(
    "upgrade_edges",
    metadata,
    Column(
        "cpl_entry_id",
        String(64),
        ForeignKey("cpl_entries.cpl_entry_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "from_entry_id",
        String(64),
        ForeignKey("cpl_entries.cpl_entry_id"),
        primary_key=True,
    ),
    Column("position", Integer, nullable=False),
    Index("ix_upgrade_edges_from", "from_entry_id"),
)

change_batches = Table(
    "change_batches",
    metadata,
    Column("batch_id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(32), nullable=False),
    Column("source", Text),
    Column("summary", JSON),
    Column("command", Text),
    Column("reason", Text),
    Column("chain_seq", Integer, index=True),
    Column("chain_hash", String(64)),
)

# Append-only (triggers refuse UPDATE, DELETE, TRUNCATE and replacing inserts); every row is a
# link of the audit hash chain (domain.audit_trail).
audit_log = Table(
    "audit_log",
    metadata,
    Column("audit_id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", Integer, ForeignKey("change_batches.batch_id")),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(16), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("reason", Text),
    Column("before", JSON),
    Column("after", JSON),
    Column("chain_seq", Integer, index=True),
    Column("chain_hash", String(64)),
    Index("ix_audit_log_entity", "entity", "entity_id"),
)

# Accounts (DESIGN section 8): who may sign in, with which role, for which manufacturer ids.
users = Table(
    "users",
    metadata,
    Column("user_id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("disabled", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

user_manufacturers = Table(
    "user_manufacturers",
    metadata,
    Column("user_id", Integer, ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True),
    Column("manufacturer_id", String(4), primary_key=True),
)

# Bearer tokens and browser sessions: only a SHA-256 of the secret is stored.
credentials = Table(
    "credentials",
    metadata,
    Column("secret_hash", String(64), primary_key=True),
    Column("kind", String(8), nullable=False),  # 'token' or 'session'
    Column("user_id", Integer, ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("label", Text),  # tokens: the first characters, to tell them apart when revoking
    # sessions: the SHA-256 of the CSRF token every cookie-authenticated change sends
    Column("csrf_token", String(64)),
    Index("ix_credentials_user", "user_id"),
)

# Submissions (the CPL Tool's job): a proposed entry waiting for SECAS.
submissions = Table(
    "submissions",
    metadata,
    Column("submission_id", Integer, primary_key=True, autoincrement=True),
    Column("submitted_by", Text, nullable=False),  # the account's email
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("manufacturer_id", String(4), nullable=False),
    Column("state", String(16), nullable=False),  # pending, approved, rejected
    # the CPL record as submitted, normalised, without its CPL Entry ID; upgrade_from resolved
    # to IDs or N/A (empty while all_earlier waits for the approval)
    Column("entry", JSON, nullable=False),
    Column("all_earlier", Integer, nullable=False, server_default="0"),
    Column("upgrade_from_given", JSON),  # as the submitter wrote it
    Column("cpl_entry_id", String(64)),  # assigned when approved
    Column("decided_by", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("decision_reason", Text),
    Index("ix_submissions_state", "state"),
    Index("ix_submissions_submitted_by", "submitted_by"),
)

# Counters read on every API request to tell whether a worker's caches are current:
# 'accounts' goes up whenever a user, token or session changes.
counters = Table(
    "counters",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", Integer, nullable=False),
)

# Failed sign-ins by email, known account or not (so a wait never tells that an account
# exists); the email is kept only as the SHA-256 of its normalised form.
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("email_key", String(64), primary_key=True),
    Column("failed", Integer, nullable=False),
    Column("last_failed_at", DateTime(timezone=True), nullable=False),
)
