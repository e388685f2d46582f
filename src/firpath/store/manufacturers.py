"""Repository of manufacturers and their contact details."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, select, update

from firpath.domain.manufacturer import Manufacturer
from firpath.store.tables import manufacturers

_FIELDS = ("manufacturer_name", "contact_name", "contact_email", "contact_phone")


def load_all(conn: Connection) -> dict[str, Manufacturer]:
    """Every manufacturer, by manufacturer id."""
    rows = conn.execute(select(manufacturers).order_by(manufacturers.c.manufacturer_id))
    return {r.manufacturer_id: Manufacturer(**r._asdict()) for r in rows}


def insert(conn: Connection, items: Sequence[Manufacturer]) -> None:
    """Add new manufacturers."""
    if items:
        conn.execute(manufacturers.insert(), [m.as_dict() for m in items])


def update_all(conn: Connection, items: Sequence[Manufacturer]) -> None:
    """Overwrite stored manufacturers (same ids)."""
    if not items:
        return
    rows = []
    for m in items:
        row = m.as_dict()
        row["b_id"] = row.pop("manufacturer_id")
        rows.append(row)
    conn.execute(
        update(manufacturers)
        .where(manufacturers.c.manufacturer_id == bindparam("b_id"))
        .values(**{f: bindparam(f) for f in _FIELDS}),
        rows,
    )
