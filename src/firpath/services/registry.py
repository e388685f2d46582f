"""Reading the registry: export the FIR, browse entries, show one entry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from firpath.domain import values
from firpath.domain.band import ZigbeeBand
from firpath.domain.completeness import parse_missing_field
from firpath.domain.entry import CplEntry
from firpath.domain.errors import FieldInvalid, NotFound
from firpath.domain.manufacturer import Manufacturer
from firpath.domain.values import DeviceType, EntryStatus, cpl_entry_id, entry_id_order
from firpath.io.cpl_file import ExportFormat, render_cpl
from firpath.services.unit_of_work import read_transaction
from firpath.store import accounts, entries, manufacturers
from firpath.store.entries import EntryFilter
from firpath.store.entry_order import SORT_KEYS, EntryOrder


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


def _band_code(value: str) -> str:
    try:
        return ZigbeeBand(value.strip().upper()).value
    except ValueError:
        raise FieldInvalid(
            "band", value, "must be a band code: " + ", ".join(b.value for b in ZigbeeBand)
        ) from None


def entry_filter(
    *,
    device_type: str | None = None,
    manufacturer_id: str | None = None,
    model_id: str | None = None,
    hardware_version: str | None = None,
    status: str | None = None,
    text: str | None = None,
    missing: str | None = None,
    chipset_vendor: str | None = None,
    stack_version: str | None = None,
    band: str | None = None,
) -> EntryFilter:
    """The filter that command-line options or API query parameters name, each value checked
    and normalised (None or blank: any)."""
    given = {
        k: v.strip() if v is not None and v.strip() else None
        for k, v in {
            "device_type": device_type,
            "manufacturer_id": manufacturer_id,
            "model_id": model_id,
            "hardware_version": hardware_version,
            "status": status,
            "text": text,
            "missing": missing,
            "chipset_vendor": chipset_vendor,
            "stack_version": stack_version,
            "band": band,
        }.items()
    }

    def checked(name: str, check: Callable[[str], str]) -> str | None:
        value = given[name]
        return None if value is None else check(value)

    return EntryFilter(
        device_type=checked("device_type", lambda v: DeviceType.parse(v).value),
        manufacturer_id=checked("manufacturer_id", values.manufacturer_id),
        model_id=checked("model_id", values.model_id),
        hardware_version=checked("hardware_version", values.hardware_version),
        status=checked("status", lambda v: EntryStatus.parse(v).value),
        text=given["text"],
        missing=checked("missing", parse_missing_field),
        chipset_vendor=given["chipset_vendor"],
        stack_version=given["stack_version"],
        band=checked("band", _band_code),
    )


def entry_order(sort: str | None, direction: str | None = None) -> EntryOrder | None:
    """The order a page names: a sort key (None or blank: by device model and firmware
    version) and `asc` or `desc` (None or blank: asc)."""
    key = (sort or "").strip().lower()
    way = (direction or "").strip().lower() or "asc"
    if key and key not in SORT_KEYS:
        raise FieldInvalid("sort", sort or "", "must be one of " + ", ".join(SORT_KEYS))
    if way not in ("asc", "desc"):
        raise FieldInvalid("dir", direction or "", "must be asc or desc")
    return EntryOrder(key, way == "desc") if key else None


@dataclass(frozen=True, slots=True)
class ExportedFile:
    """An export's bytes and the registry state they were read at."""

    content: bytes
    entry_count: int
    registry_revision: int


def export_registry(
    engine: Engine, fmt: ExportFormat, flt: EntryFilter | None = None
) -> ExportedFile:
    """The FIR (or only the entries matching `flt`) as a file's bytes, entries ordered by
    CPL Entry ID, with their count and the registry revision read in the same snapshot."""
    with read_transaction(engine) as conn:
        revision, _ = accounts.read_state(conn)
        if flt is None:
            stored = list(entries.load_all(conn).values())
        else:
            stored = entries.find_entries(conn, flt)
    ordered = sorted(stored, key=lambda e: entry_id_order(e.cpl_entry_id))
    return ExportedFile(render_cpl(ordered, fmt), len(ordered), revision)


def export_cpl(engine: Engine, fmt: ExportFormat, flt: EntryFilter | None = None) -> bytes:
    """The FIR (or only the entries matching `flt`) as a file's bytes, entries ordered by
    CPL Entry ID."""
    return export_registry(engine, fmt, flt).content


def list_entries(engine: Engine, flt: EntryFilter, limit: int | None = None) -> list[CplEntry]:
    """Entries matching the filter, by device model and firmware version."""
    with read_transaction(engine) as conn:
        return entries.find_entries(conn, flt, limit)


def browse_entries(
    engine: Engine,
    flt: EntryFilter,
    page: int,
    per_page: int,
    order: EntryOrder | None = None,
) -> EntryPage:
    """Page `page` (from 1) of the entries matching the filter, `per_page` to a page, in
    `order` (None: by device model and firmware version)."""
    with read_transaction(engine) as conn:
        total = entries.count_matching(conn, flt)
        found = entries.find_entries(conn, flt, per_page, (page - 1) * per_page, order)
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
