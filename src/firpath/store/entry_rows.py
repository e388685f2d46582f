"""Mapping `CplEntry` to and from rows of `cpl_entries` and `upgrade_edges`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from firpath.domain.band import ZigbeeBand
from firpath.domain.entry import CplEntry
from firpath.domain.upgrade_from import UpgradeFrom, UpgradeFromKind
from firpath.domain.values import DeviceType, EntryStatus

SCALAR_COLUMNS: tuple[str, ...] = (
    "cpl_entry_id",
    "device_type",
    "manufacturer_id",
    "manufacturer_name",
    "model_id",
    "model_name",
    "hardware_version",
    "firmware_version",
    "firmware_version_name",
    "manufacturer_image_hash",
    "status",
    "upgrade_from_kind",
    "zigbee_chipset_vendor",
    "zigbee_stack_version",
    "zigbee_band",
    "date_added",
    "notes",
    "release_date",
    "release_notes",
    "smets_chts_version",
    "gbcs_version",
)


def entry_row(entry: CplEntry) -> dict[str, Any]:
    """The `cpl_entries` row of an entry (edges go to `edge_rows`)."""
    return {
        "cpl_entry_id": entry.cpl_entry_id,
        "device_type": entry.device_type.value,
        "manufacturer_id": entry.manufacturer_id,
        "manufacturer_name": entry.manufacturer_name,
        "model_id": entry.model_id,
        "model_name": entry.model_name,
        "hardware_version": entry.hardware_version,
        "firmware_version": entry.firmware_version,
        "firmware_version_name": entry.firmware_version_name,
        "manufacturer_image_hash": entry.manufacturer_image_hash,
        "status": entry.status.value,
        "upgrade_from_kind": entry.upgrade_from.kind.value,
        "zigbee_chipset_vendor": entry.zigbee_chipset_vendor,
        "zigbee_stack_version": entry.zigbee_stack_version,
        "zigbee_band": entry.zigbee_band.value if entry.zigbee_band else None,
        "date_added": entry.date_added,
        "notes": entry.notes,
        "release_date": entry.release_date,
        "release_notes": entry.release_notes,
        "smets_chts_version": entry.smets_chts_version,
        "gbcs_version": entry.gbcs_version,
    }


def entry_values(e: CplEntry) -> tuple[Any, ...]:
    """The `cpl_entries` row of an entry as a tuple in SCALAR_COLUMNS order (for bulk_insert)."""
    band = e.zigbee_band
    return (
        e.cpl_entry_id,
        e.device_type.value,
        e.manufacturer_id,
        e.manufacturer_name,
        e.model_id,
        e.model_name,
        e.hardware_version,
        e.firmware_version,
        e.firmware_version_name,
        e.manufacturer_image_hash,
        e.status.value,
        e.upgrade_from.kind.value,
        e.zigbee_chipset_vendor,
        e.zigbee_stack_version,
        band.value if band else None,
        e.date_added.isoformat() if e.date_added else None,
        e.notes,
        e.release_date.isoformat() if e.release_date else None,
        e.release_notes,
        e.smets_chts_version,
        e.gbcs_version,
    )


EDGE_COLUMNS: tuple[str, ...] = ("cpl_entry_id", "from_entry_id", "position")


def edge_rows(entries: Iterable[CplEntry]) -> list[tuple[str, str, int]]:
    """The `upgrade_edges` rows (EDGE_COLUMNS order) of entries whose *upgrade from* lists IDs."""
    return [
        (e.cpl_entry_id, ref, i)
        for e in entries
        if e.upgrade_from.kind is UpgradeFromKind.IDS
        for i, ref in enumerate(e.upgrade_from.ids)
    ]


def _date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def entry_from_row(row: Sequence[Any] | Mapping[str, Any], edges: Sequence[str]) -> CplEntry:
    """Rebuild an entry from its row (in SCALAR_COLUMNS order, or by name) and edge IDs."""
    r = row if isinstance(row, Mapping) else dict(zip(SCALAR_COLUMNS, row, strict=True))
    kind = UpgradeFromKind(r["upgrade_from_kind"])
    if kind is UpgradeFromKind.IDS:
        upgrade_from = UpgradeFrom(kind, tuple(edges))
    elif kind is UpgradeFromKind.NOT_APPLICABLE:
        upgrade_from = UpgradeFrom.NOT_APPLICABLE
    else:
        upgrade_from = UpgradeFrom.UNKNOWN
    band = r["zigbee_band"]
    return CplEntry(
        cpl_entry_id=r["cpl_entry_id"],
        device_type=DeviceType(r["device_type"]),
        manufacturer_id=r["manufacturer_id"],
        model_id=r["model_id"],
        hardware_version=r["hardware_version"],
        firmware_version=r["firmware_version"],
        manufacturer_image_hash=r["manufacturer_image_hash"],
        status=EntryStatus(r["status"]),
        upgrade_from=upgrade_from,
        manufacturer_name=r["manufacturer_name"],
        model_name=r["model_name"],
        firmware_version_name=r["firmware_version_name"],
        zigbee_chipset_vendor=r["zigbee_chipset_vendor"],
        zigbee_stack_version=r["zigbee_stack_version"],
        zigbee_band=ZigbeeBand(band) if band else None,
        date_added=_date(r["date_added"]),
        notes=r["notes"],
        release_date=_date(r["release_date"]),
        release_notes=r["release_notes"],
        smets_chts_version=r["smets_chts_version"],
        gbcs_version=r["gbcs_version"],
    )
