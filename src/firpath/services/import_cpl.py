"""Importing a CPL file: validate every row and rule, then apply the whole file or nothing."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from sqlalchemy import Connection, Engine

from firpath.domain.entry import CplEntry
from firpath.domain.errors import DefectLog, InvalidInput
from firpath.domain.manufacturer import Manufacturer
from firpath.domain.record import entry_from_record, entry_to_record
from firpath.domain.reimport import (
    FieldChange,
    field_changes,
    fixed_field_changes,
    keep_stored_values,
    overwritten_corrections,
)
from firpath.domain.rules import check_catalogue, check_entry, check_unique_ids
from firpath.io.cpl_file import CplRecords, read_cpl
from firpath.services.backfill import complete_backfill_records
from firpath.services.progress import Stage, no_stages
from firpath.services.unit_of_work import now, write_transaction
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
    kept: int = 0  # stored values an empty cell (or an absent column) did not erase
    changes: list[FieldChange] = field(default_factory=list)  # each updated field, before/after
    kind: str = "cpl"  # "backfill": a returned chase list
    fields_filled: int | None = None  # by a back-fill: field values it set


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
    replace_corrections: bool = False,
) -> ImportReport:
    """Import or update CPL entries from a file, all or nothing; InvalidInput lists every defect.

    A value set by a SECAS correction is changed back only with `replace_corrections`.
    """
    on_stage(IMPORT_STAGES[0])
    records = read_cpl(path)
    return import_cpl_records(
        engine,
        records,
        source=path.name,
        actor=actor,
        dry_run=dry_run,
        on_stage=on_stage,
        replace_corrections=replace_corrections,
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


def import_cpl_records(
    engine: Engine,
    records: CplRecords,
    *,
    source: str,
    actor: str,
    dry_run: bool,
    on_stage: Stage = no_stages,
    replace_corrections: bool = False,
) -> ImportReport:
    """Validate records against every rule and the stored CPL, then apply them in one go."""
    with write_transaction(engine) as conn:
        return apply_cpl_records(
            conn,
            records,
            source=source,
            actor=actor,
            dry_run=dry_run,
            on_stage=on_stage,
            replace_corrections=replace_corrections,
        )


def apply_cpl_records(
    conn: Connection,
    records: CplRecords,
    *,
    source: str,
    actor: str,
    dry_run: bool,
    on_stage: Stage = no_stages,
    action: str = "import",
    replace_corrections: bool = False,
    command: str | None = None,
    reason: str | None = None,
) -> ImportReport:
    """`import_cpl_records` within the caller's write transaction (raises before writing).

    `command` names what the audit batch was made by (default: import, or demo) and `reason`
    says why (an approval's), on the batch and on each entry's audit record.
    """
    if records.kind == "backfill":  # a returned chase list: complete its rows, then as usual
        completed, filled = complete_backfill_records(conn, records, source=source)
        report = apply_cpl_records(
            conn,
            completed,
            source=source,
            actor=actor,
            dry_run=dry_run,
            on_stage=on_stage,
            action="backfill",
            replace_corrections=replace_corrections,
        )
        return dataclasses.replace(report, kind=records.kind, fields_filled=filled)
    on_stage(IMPORT_STAGES[1])
    parsed, failed_ids, defects = _parse(records)
    existing = entries.load_all(conn)
    universe = dict(existing)
    rows: dict[str, int] = {}
    merged: list[CplEntry] = []
    kept = 0
    for row, entry, _present in parsed:
        stored = existing.get(entry.cpl_entry_id)
        if stored is not None:
            defects += fixed_field_changes(entry, stored, row)
            entry, kept_here = keep_stored_values(entry, stored)
            kept += kept_here
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
    changes = [c for b, a in plan.changed for c in field_changes(b, a)]
    if not replace_corrections:
        corrected = audit.last_corrections(conn, {c.entry_id for c in changes})
        refused = overwritten_corrections(changes, corrected, rows)
        if refused:
            raise InvalidInput(refused, f"{source}: nothing imported")
    report = ImportReport(
        source=source,
        file_format=records.file_format,
        rows=len(records.records),
        created=len(plan.new),
        updated=len(plan.changed),
        unchanged=plan.unchanged,
        dry_run=dry_run,
        batch_id=None,
        kept=kept,
        changes=changes,
    )
    if dry_run or (not plan.new and not plan.changed):
        return report
    on_stage(IMPORT_STAGES[2])
    made = _add_manufacturers(conn, plan.new)
    entries.insert_entries(conn, plan.new)
    stored_revisions = entries.revisions(conn, [a.cpl_entry_id for _, a in plan.changed])
    entries.update_entries(
        conn, [(after, stored_revisions[after.cpl_entry_id]) for _, after in plan.changed]
    )
    batch = audit.record_batch(
        conn,
        audit.ChangeBatch(
            actor=actor,
            action=action,
            command=command or ("demo" if action == "demo" else "import"),
            at=now(),
            source=source,
            reason=reason,
        ),
        itertools.chain(
            made,
            (
                audit.AuditRecord(
                    "cpl_entry", e.cpl_entry_id, "create", after=entry_to_record(e), reason=reason
                )
                for e in plan.new
            ),
            (audit.entry_update(b, a, reason=reason) for b, a in plan.changed),
        ),
        {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "kept": report.kept,
            "rows": report.rows,
        },
    )
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
