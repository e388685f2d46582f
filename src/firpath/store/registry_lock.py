"""The registry's one write lock and read snapshots, per database.

SQLite: a writer's transaction starts with BEGIN IMMEDIATE (the database's write lock, waited
for up to the busy timeout); a reader's BEGIN pins a WAL snapshot at its first read.
PostgreSQL: a writer takes a transaction-level advisory lock before its first read; a reader
runs at REPEATABLE READ, so every statement sees the same snapshot. PostgreSQL releases the
lock only after the commit is visible to new snapshots, so writers' commits are seen in the
order they took the lock (what the warm registry's revision counter relies on).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, text

from firpath.store.engine import WRITE_OPTION, lock_wait

REGISTRY_LOCK_KEY: Final = 0x46495250  # "FIRP": the one lock every firpath writer takes


def prepare_write(conn: Connection) -> None:
    """Mark `conn` so its next transaction is a writer's (call before `begin`)."""
    conn.execution_options(**{WRITE_OPTION: True})
    if conn.dialect.name == "postgresql":
        conn.execution_options(isolation_level="READ COMMITTED")


def take_write_lock(conn: Connection) -> None:
    """Hold the registry's write lock until the transaction ends (first thing after `begin`)."""
    if conn.dialect.name == "postgresql":
        milliseconds = int(lock_wait() * 1000)
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {milliseconds}")
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REGISTRY_LOCK_KEY})
    # SQLite: BEGIN IMMEDIATE (store.engine) has taken it already


def prepare_read(conn: Connection) -> None:
    """Mark `conn` so its next transaction reads one snapshot (call before `begin`)."""
    if conn.dialect.name == "postgresql":
        conn.execution_options(isolation_level="REPEATABLE READ")
