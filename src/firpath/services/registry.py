"""Reading the registry: export the FIR, browse entries, show one entry."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from firpath.domain.entry import CplEntry
from firpath.domain.errors import NotFound
from firpath.domain.manufacturer import Manufacturer
from firpath.domain.values import cpl_entry_id, entry_id_order
from firpath.io.cpl_file import ExportFormat, render_cpl
from firpath.services.unit_of_work import read_transaction
from firpath.store import entries, manufacturers
from firpath.store.entries import EntryFilter


@dataclass(frozen=True, slots=True)
class EntryDetail:
    """One entry with what upgrades to it, what it upgrades to, and whom to ask."""

    entry: CplEntry
    upgrade_to: list[str]
    manufacturer: Manufacturer | None
    revision: int = 1  # goes up with every change; an HTTP ETag


@dataclass(frozen=True, slots=True)
class EntryPage:
    """One page of the entries matching a filter, and how many match in all."""

    entries: list[CplEntry]
    total: int
    page: int
    per_page: int


def export_cpl(engine: Engine, fmt: ExportFormat) -> bytes:
    """The whole FIR as a file's bytes, entries ordered by CPL Entry ID."""
    with read_transaction(engine) as conn:
        stored = entries.load_all(conn)
    ordered = [stored[k] for k in sorted(stored, key=entry_id_order)]
    return render_cpl(ordered, fmt)


def list_entries(engine: Engine, flt: EntryFilter, limit: int | None = None) -> list[CplEntry]:
    """Entries matching the filter, by device model and firmware version."""
    with read_transaction(engine) as conn:
        return entries.find_entries(conn, flt, limit)


def browse_entries(engine: Engine, flt: EntryFilter, page: int, per_page: int) -> EntryPage:
    """Page `page` (from 1) of the entries matching the filter, `per_page` to a page."""
    with read_transaction(engine) as conn:
        total = entries.count_matching(conn, flt)
        found = entries.find_entries(conn, flt, per_page, (page - 1) * per_page)
    return EntryPage(found, total, page, per_page)


def show_entry(engine: Engine, entry_id: str) -> EntryDetail:
    """One entry by CPL Entry ID (case ignored), with its upgrade-to IDs and contacts."""
    key = cpl_entry_id(entry_id)
    with read_transaction(engine) as conn:
        entry = entries.get_entry(conn, key)
        if entry is None:
            raise NotFound(f"CPL entry {key} is not on the CPL")
        return EntryDetail(
            entry=entry,
            upgrade_to=entries.upgrade_to_ids(conn, key),
            manufacturer=manufacturers.load_all(conn).get(entry.manufacturer_id),
            revision=entries.revisions(conn, [key])[key],
        )
