"""Manufacturer contact details: import (atomic, audited), export and list."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine

from firpath.domain.errors import Defect, DefectLog, InvalidInput
from firpath.domain.manufacturer import (
    MANUFACTURER_FIELDS,
    Manufacturer,
    manufacturer_from_record,
)
from firpath.io.manufacturer_file import read_manufacturers, render_manufacturers
from firpath.services.unit_of_work import now, read_transaction, write_transaction
from firpath.store import audit, manufacturers


@dataclass(frozen=True, slots=True)
class ContactsReport:
    """What a contacts import did."""

    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool


def import_contacts(
    engine: Engine, path: Path, *, actor: str, dry_run: bool = False
) -> ContactsReport:
    """Add or update manufacturers from a contacts file, all rows or none."""
    records = read_manufacturers(path)
    parsed: list[Manufacturer] = []
    defects = DefectLog()
    first_row: dict[str, int] = {}
    for row, record in records:
        item, problems = manufacturer_from_record(record, row)
        defects += problems
        if item is None:
            continue
        seen = first_row.setdefault(item.manufacturer_id, row)
        if seen != row:
            defects.add(
                Defect(
                    f"manufacturer id already given on row {seen}",
                    row,
                    "manufacturer_id",
                    item.manufacturer_id,
                    item.manufacturer_id,
                )
            )
        parsed.append(item)
    if defects:
        raise InvalidInput(defects, f"{path.name}: nothing imported")
    with write_transaction(engine) as conn:
        return save_contacts(
            conn,
            parsed,
            rows=len(records),
            source=path.name,
            actor=actor,
            dry_run=dry_run,
        )


def _keep_stored(item: Manufacturer, stored: Manufacturer) -> Manufacturer:
    """An empty cell (or a column the file lacks) keeps the stored value: never erased."""
    kept = {
        f: getattr(stored, f)
        for f in MANUFACTURER_FIELDS
        if getattr(item, f) is None and getattr(stored, f) is not None
    }
    return dataclasses.replace(item, **kept) if kept else item


def save_contacts(
    conn: Connection,
    items: list[Manufacturer],
    *,
    rows: int,
    source: str,
    actor: str,
    dry_run: bool = False,
    action: str = "import_contacts",
) -> ContactsReport:
    """Add or update validated manufacturers, audited, in the caller's transaction."""
    known = manufacturers.load_all(conn)
    parsed = [
        _keep_stored(m, known[m.manufacturer_id]) if m.manufacturer_id in known else m
        for m in items
    ]
    new = [m for m in parsed if m.manufacturer_id not in known]
    changed = [
        (known[m.manufacturer_id], m)
        for m in parsed
        if m.manufacturer_id in known and known[m.manufacturer_id] != m
    ]
    report = ContactsReport(
        rows, len(new), len(changed), len(parsed) - len(new) - len(changed), dry_run
    )
    if dry_run or (not new and not changed):
        return report
    manufacturers.insert(conn, new)
    manufacturers.update_all(conn, [after for _, after in changed])
    audit.record_batch(
        conn,
        audit.ChangeBatch(
            actor=actor,
            action=action,
            command="demo" if action == "demo" else "manufacturers import",
            at=now(),
            source=source,
        ),
        [
            audit.AuditRecord("manufacturer", m.manufacturer_id, "create", after=m.as_dict())
            for m in new
        ]
        + [
            audit.AuditRecord(
                "manufacturer",
                a.manufacturer_id,
                "update",
                before=b.as_dict(),
                after=a.as_dict(),
            )
            for b, a in changed
        ],
        {"created": len(new), "updated": len(changed), "rows": rows},
    )
    return report


def list_manufacturers(engine: Engine) -> list[Manufacturer]:
    """Every manufacturer with contacts, by id."""
    with read_transaction(engine) as conn:
        return list(manufacturers.load_all(conn).values())


def export_contacts(engine: Engine) -> bytes:
    """The contacts file (CSV)."""
    return render_manufacturers(list_manufacturers(engine))
