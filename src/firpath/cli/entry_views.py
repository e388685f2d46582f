"""Rich renderings of CPL entries for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table

from firpath.cli.output import escape
from firpath.domain.entry import CplEntry
from firpath.domain.upgrade_from import UpgradeFromKind

if TYPE_CHECKING:  # loaded by the commands that use them, not at start-up
    from firpath.services.registry import EntryDetail


def version_text(entry: CplEntry) -> str:
    """Firmware version as name and hex, e.g. `2.10.3 (01020A03)`."""
    if entry.firmware_version_name:
        return f"{escape(entry.firmware_version_name)} ({entry.firmware_version})"
    return entry.firmware_version


def upgrade_from_text(entry: CplEntry) -> str:
    """*Upgrade from* as people read it: IDs, N/A, or 'not provided'."""
    uf = entry.upgrade_from
    if uf.kind is UpgradeFromKind.UNKNOWN:
        return "[yellow]not provided[/]"
    if uf.kind is UpgradeFromKind.NOT_APPLICABLE:
        return "N/A"
    return ", ".join(uf.ids)


def zigbee_text(entry: CplEntry) -> str:
    """The three ZigBee fields in one cell, 'not provided' where missing."""
    parts = [
        escape(entry.zigbee_chipset_vendor or "") or "[yellow]vendor ?[/]",
        escape(entry.zigbee_stack_version or "") or "[yellow]stack ?[/]",
        entry.zigbee_band.label if entry.zigbee_band else "[yellow]band ?[/]",
    ]
    return " / ".join(parts)


def missing_text(entry: CplEntry) -> str:
    """The new fields an entry misses, or why none are missing."""
    if not entry.device_type.in_scope:
        return f"none (the new fields are optional for {entry.device_type.value})"
    return ", ".join(entry.missing_new_fields) or "none"


def entries_table(items: Sequence[CplEntry], title: str) -> Table:
    """A table of entries, one row each."""
    table = Table(title=title, show_lines=False)
    for name in (
        "CPL Entry ID",
        "type",
        "device model",
        "firmware",
        "hash",
        "status",
        "upgrade from",
        "ZigBee vendor / stack / band",
    ):
        table.add_column(name, overflow="fold")
    for e in items:
        table.add_row(
            e.cpl_entry_id,
            e.device_type.value,
            escape(f"{e.manufacturer_name or ''} {e.device_model} {e.model_name or ''}".strip()),
            version_text(e),
            e.manufacturer_image_hash[:12] + "...",
            e.status.value if e.is_active else f"[red]{e.status.value}[/]",
            upgrade_from_text(e),
            zigbee_text(e),
        )
    return table


def entry_panel(detail: EntryDetail) -> Table:
    """One entry, every field, with upgrade-to IDs and manufacturer contacts."""
    e = detail.entry
    table = Table(title=f"CPL entry {e.cpl_entry_id}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    m = detail.manufacturer
    contact = escape(
        ", ".join(x for x in ((m.contact_name, m.contact_email, m.contact_phone) if m else ()) if x)
    )
    rows: list[tuple[str, str]] = [
        ("device type", e.device_type.value),
        ("manufacturer", escape(f"{e.manufacturer_id} {e.manufacturer_name or ''}".strip())),
        ("manufacturer contact", contact or "[yellow]not provided[/]"),
        ("model", escape(f"{e.model_id} {e.model_name or ''}".strip())),
        ("hardware version", e.hardware_version),
        ("firmware version", version_text(e)),
        ("manufacturer image hash", e.manufacturer_image_hash),
        ("status", e.status.value),
        ("upgrade from", upgrade_from_text(e)),
        ("upgrade to", ", ".join(detail.upgrade_to) or "none on the CPL"),
        (
            "ZigBee chipset vendor",
            escape(e.zigbee_chipset_vendor or "") or "[yellow]not provided[/]",
        ),
        ("ZigBee stack version", escape(e.zigbee_stack_version or "") or "[yellow]not provided[/]"),
        (
            "ZigBee band join option",
            f"{e.zigbee_band.label} ({e.zigbee_band.value})"
            if e.zigbee_band
            else "[yellow]not provided[/]",
        ),
        ("missing SECMP0231 data", missing_text(e)),
        ("date added", e.date_added.isoformat() if e.date_added else ""),
        ("release date", e.release_date.isoformat() if e.release_date else ""),
        ("release notes", escape(e.release_notes or "")),
        ("SMETS/CHTS version", escape(e.smets_chts_version or "")),
        ("GBCS version", escape(e.gbcs_version or "")),
        ("notes", escape(e.notes or "")),
    ]
    for name, value in rows:
        table.add_row(name, value)
    return table
