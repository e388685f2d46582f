"""Creating or upgrading the schema with Alembic (`firpath init`), on the caller's connection."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(conn: Connection) -> None:
    """Bring the database to the newest schema within the caller's (locked) transaction."""
    config = _config()
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


def alembic_revisions() -> list[str]:
    """Every revision Alembic knows, oldest first."""
    scripts = ScriptDirectory.from_config(_config())
    return [s.revision for s in reversed(list(scripts.walk_revisions()))]


def grant_runtime_role(conn: Connection, role: str) -> None:
    """PostgreSQL: a role that may read and change entries but only append to the audit log.

    It owns nothing, so it cannot alter tables or disable triggers; it has no TRUNCATE, and no
    UPDATE or DELETE on the audit tables.
    """
    quoted = conn.dialect.identifier_preparer.quote(role)
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if exists is None:
        conn.exec_driver_sql(f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT INSERT, UPDATE, DELETE ON cpl_entries, upgrade_edges, manufacturers, users, "
        f"user_manufacturers, credentials, submissions, counters, sign_in_failures TO {quoted}",
        f"GRANT INSERT ON change_batches, audit_log TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
    ]
    for statement in statements:
        conn.exec_driver_sql(statement)
