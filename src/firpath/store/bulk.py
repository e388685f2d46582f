"""Bulk inserts straight to the driver's executemany (imports write 100,000s of rows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table


def _placeholder(paramstyle: str, index: int) -> str:
    if paramstyle == "qmark":
        return "?"
    if paramstyle in ("format", "pyformat"):
        return "%s"
    if paramstyle == "numeric":
        return f":{index}"
    raise ValueError(f"unsupported paramstyle {paramstyle}")


def bulk_insert(
    conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert `rows` (tuples in `columns` order) with one driver executemany.

    Values must already be plain: str, int or None; dates as ISO text, timestamps from
    `db_datetime`, JSON as text (both databases cast text parameters to the column type).
    """
    if not rows:
        return
    dialect = conn.dialect
    marks = ", ".join(_placeholder(dialect.paramstyle, i + 1) for i in range(len(columns)))
    names = ", ".join(dialect.identifier_preparer.quote(c) for c in columns)
    statement = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
    conn.exec_driver_sql(statement, rows)


def db_datetime(conn: Connection, value: dt.datetime) -> str:
    """A timestamp as bulk_insert must pass it: SQLite stores naive UTC text, PostgreSQL ISO."""
    if conn.dialect.name == "sqlite":
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value.isoformat()
