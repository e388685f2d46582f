"""Back-fill chasing: how complete the four new fields are, chase lists, and their return."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from firpath.domain import values
from firpath.domain.backfill import complete_backfill
from firpath.domain.completeness import Completeness, Grouping, tally_completeness
from firpath.domain.entry import CplEntry
from firpath.domain.errors import FieldInvalid, InvalidInput, NotFound
from firpath.domain.manufacturer import Manufacturer
from firpath.io.cpl_file import CplRecords
from firpath.services.unit_of_work import read_transaction
from firpath.store import entries, manufacturers
from firpath.store.entries import EntryFilter


@dataclass(frozen=True, slots=True)
class CompletenessReport:
    """Back-fill progress, with the contact details of every manufacturer."""

    completeness: Completeness
    manufacturers: dict[str, Manufacturer]


def completeness(engine: Engine, by: Grouping) -> CompletenessReport:
    """How many in-scope entries state each new field, per manufacturer or device type."""
    with read_transaction(engine) as conn:
        stored = entries.load_all(conn)
        contacts = manufacturers.load_all(conn)
    return CompletenessReport(tally_completeness(stored.values(), by), contacts)


@dataclass(frozen=True, slots=True)
class ChaseList:
    """A manufacturer's entries that miss data, and the entries *upgrade from* may name."""

    manufacturer: Manufacturer
    entries: list[CplEntry]  # by device model, then firmware version
    references: list[CplEntry]  # every entry of the device models in `entries`

    @property
    def heading(self) -> str:
        """Whose chase list this is."""
        m = self.manufacturer
        name = f" {m.manufacturer_name}" if m.manufacturer_name else ""
        return f"Chase list of manufacturer {m.manufacturer_id}{name}"


def chase_list(engine: Engine, manufacturer_id: str) -> ChaseList:
    """The in-scope entries of one manufacturer that miss any of the four new fields."""
    key = values.manufacturer_id(manufacturer_id)
    with read_transaction(engine) as conn:
        known = manufacturers.load_all(conn).get(key)
        own = entries.find_entries(conn, EntryFilter(manufacturer_id=key))
    if known is None and not own:
        raise NotFound(f"manufacturer {key} has no entries on the CPL")
    chase = [e for e in own if e.missing_new_fields]
    models = {e.device_model for e in chase}
    return ChaseList(
        manufacturer=known or Manufacturer(key, own[0].manufacturer_name),
        entries=chase,
        references=[e for e in own if e.device_model in models],
    )


def complete_backfill_records(
    conn: Connection, records: CplRecords, *, source: str
) -> tuple[CplRecords, int]:
    """A returned chase list's rows completed from their stored entries, as full CPL records,
    and how many field values it fills in; InvalidInput names every row that does not fit."""
    ids: list[str] = []
    for _, cells in records.records:
        try:
            ids.append(values.cpl_entry_id(cells.get("cpl_entry_id", "")))
        except FieldInvalid:
            continue  # complete_backfill names it
    stored = entries.entries_by_id(conn, ids)
    backfill, defects = complete_backfill(records.records, stored)
    if defects:
        defects.sort(key=lambda d: (d.row or 0, d.field or ""))
        raise InvalidInput(defects, f"{source}: back-fill (chase list) file, nothing imported")
    return CplRecords(backfill.records, records.file_format), backfill.filled
