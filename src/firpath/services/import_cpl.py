"""Importing a CPL file: validate every row and rule, then apply the whole file or nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import Connection, Engine

from firpath.domain.entry import CplEntry
from firpath.domain.errors import DefectLog, InvalidInput
from firpath.domain.manufacturer import Manufacturer
from firpath.domain.record import entry_from_record, entry_to_record
from firpath.domain.rules import check_catalogue, check_entry, check_unique_ids
from firpath.io.columns import CPL_OPTIONAL_COLUMNS
from firpath.io.cpl_file import CplRecords, read_cpl
from firpath.services.progress import Stage, no_stages
from firpath.services.unit_of_work import now, transaction
from firpath.store import audit, entries, manufacturers


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    source: str
    file_format: str
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool
    batch_id: int | None


@dataclass(frozen=True, slots=True)
class _Plan:
    new: list[CplEntry]
    changed: list[tuple[CplEntry, CplEntry]]  # (before, after)
    unchanged: int


IMPORT_STAGES: Final = ("reading file", "checking rules", "writing")


def import_cpl_file(
    engine: Engine,
    path: Path,
    *,
    actor: str,
    dry_run: bool = False,
    on_stage: Stage = no_stages,
) -> ImportReport:
    """Import or update CPL entries from a file, all or nothing; InvalidInput lists every defect."""
    on_stage(IMPORT_STAGES[0])
    records = read_cpl(path)
    return import_cpl_records(
        engine, records, source=path.name, actor=actor, dry_run=dry_run, on_stage=on_stage
    )


def entries_as_records(items: list[CplEntry]) -> CplRecords:
    """Entries built in memory (the demo data) as records, to go through the same rules."""
    return CplRecords([(i, entry_to_record(e)) for i, e in enumerate(items, start=1)], "memory")


def import_entries(
    engine: Engine, items: list[CplEntry], *, source: str, actor: str
) -> ImportReport:
    """Import entries built in memory through the same rules as a file."""
    records = entries_as_records(items)
    return import_cpl_records(engine, records, source=source, actor=actor, dry_run=False)


Parsed = list[tuple[int, CplEntry, Container[str]]]  # row, entry, the fields its record gave


def _parse(records: CplRecords) -> tuple[Parsed, set[str], DefectLog]:
    parsed: Parsed = []
    failed_ids: set[str] = set()
    defects = DefectLog()  # the first defects in full, then counts: a bad file can be huge
    for row, record in records.records:
        entry, problems = entry_from_record(record, row)
        if entry is None:
            defects += problems
            failed_ids.add(record.get("cpl_entry_id", "").strip().upper())
        else:
            parsed.append((row, entry, record))
    ids = [(row, record.get("cpl_entry_id", "").strip().upper()) for row, record in records.records]
    defects += check_unique_ids([(row, eid) for row, eid in ids if eid])
    return parsed, failed_ids, defects


def _keep_absent_columns(entry: CplEntry, stored: CplEntry, present: Container[str]) -> CplEntry:
    """Optional columns a record does not have keep their stored values on update."""
    absent = {c: getattr(stored, c) for c in CPL_OPTIONAL_COLUMNS if c not in present}
    return dataclasses.replace(entry, **absent) if absent else entry


def _plan(merged: list[CplEntry], existing: dict[str, CplEntry]) -> _Plan:
    new: list[CplEntry] = []
    changed: list[tuple[CplEntry, CplEntry]] = []
    unchanged = 0
    for entry in merged:
        stored = existing.get(entry.cpl_entry_id)
        if stored is None:
            new.append(entry)
        elif entry == stored:
            unchanged += 1
        else:
            changed.append((stored, entry))
    return _Plan(new, changed, unchanged)


def _audit_change(before: CplEntry, after: CplEntry) -> audit.AuditRecord:
    old, new = entry_to_record(before), entry_to_record(after)
    fields = [k for k in new if old[k] != new[k]]
    return audit.AuditRecord(
        entity="cpl_entry",
        entity_id=after.cpl_entry_id,
        action="update",
        before={k: old[k] for k in fields},
        after={k: new[k] for k in fields},
    )


def import_cpl_records(
    engine: Engine,
    records: CplRecords,
    *,
    source: str,
    actor: str,
    dry_run: bool,
    on_stage: Stage = no_stages,
) -> ImportReport:
    """Validate records against every rule and the stored CPL, then apply them in one go."""
    with transaction(engine) as conn:
        return apply_cpl_records(
            conn, records, source=source, actor=actor, dry_run=dry_run, on_stage=on_stage
        )


def apply_cpl_records(
    conn: Connection,
    records: CplRecords,
    *,
    source: str,
    actor: str,
    dry_run: bool,
    on_stage: Stage = no_stages,
) -> ImportReport:
    """`import_cpl_records` within the caller's transaction (raises before writing anything)."""
    on_stage(IMPORT_STAGES[1])
    parsed, failed_ids, defects = _parse(records)
    existing = entries.load_all(conn)
    universe = dict(existing)
    rows: dict[str, int] = {}
    merged: list[CplEntry] = []
    for row, parsed_entry, present in parsed:
        stored = existing.get(parsed_entry.cpl_entry_id)
        entry = (
            parsed_entry if stored is None else _keep_absent_columns(parsed_entry, stored, present)
        )
        merged.append(entry)
        universe[entry.cpl_entry_id] = entry
        rows[entry.cpl_entry_id] = row
        defects += check_entry(entry, row)
    for failed in failed_ids:
        universe.pop(failed, None)
    defects += check_catalogue(universe, rows, unresolved=failed_ids)
    if defects:
        defects.sort(key=lambda d: (d.row or 0, d.field or ""))
        raise InvalidInput(defects, f"{source}: nothing imported")
    plan = _plan(merged, existing)
    report = ImportReport(
        source=source,
        file_format=records.file_format,
        rows=len(records.records),
        created=len(plan.new),
        updated=len(plan.changed),
        unchanged=plan.unchanged,
        dry_run=dry_run,
        batch_id=None,
    )
    if dry_run or (not plan.new and not plan.changed):
        return report
    on_stage(IMPORT_STAGES[2])
    at = now()
    batch = audit.open_batch(conn, actor=actor, action="import", source=source, at=at)
    made = _add_manufacturers(conn, plan.new)
    entries.insert_entries(conn, plan.new)
    entries.update_entries(
        conn,
        [after for _, after in plan.changed],
        rekeyed=[a.cpl_entry_id for b, a in plan.changed if a.build_key != b.build_key],
    )
    audit.append(
        conn,
        made
        + [audit.AuditRecord("cpl_entry", e.cpl_entry_id, "create") for e in plan.new]
        + [_audit_change(b, a) for b, a in plan.changed],
        actor=actor,
        at=at,
        batch_id=batch,
    )
    summary = {"created": report.created, "updated": report.updated, "rows": report.rows}
    audit.close_batch(conn, batch, summary)
    return dataclasses.replace(report, batch_id=batch)


def _add_manufacturers(conn: Connection, new: list[CplEntry]) -> list[audit.AuditRecord]:
    """Manufacturer ids seen for the first time get a contacts record with their name."""
    known = manufacturers.load_all(conn)
    fresh: dict[str, Manufacturer] = {}
    for e in new:
        if e.manufacturer_id not in known and e.manufacturer_id not in fresh:
            fresh[e.manufacturer_id] = Manufacturer(e.manufacturer_id, e.manufacturer_name)
    manufacturers.insert(conn, list(fresh.values()))
    return [
        audit.AuditRecord("manufacturer", m.manufacturer_id, "create", after=m.as_dict())
        for m in fresh.values()
    ]
