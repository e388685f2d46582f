"""What an import may do to an entry already on the CPL (pure rules).

An empty cell keeps the stored value (an old extract never erases back-filled data); the
identity of the image and its device type never change by import; a value SECAS set by a
correction is not silently put back by an older file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from firpath.domain.band import ZigbeeBand
from firpath.domain.entry import CplEntry
from firpath.domain.errors import Defect
from firpath.domain.record import entry_to_record
from firpath.domain.upgrade_from import UpgradeFrom

# Fields an import may leave empty: an empty cell (or a column the file lacks) keeps the stored
# value; going back to "not provided" is a correction (`firpath edit`).
KEPT_WHEN_EMPTY: Final = (
    "manufacturer_name",
    "model_name",
    "firmware_version_name",
    "upgrade_from",
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
# A CPL Entry ID names one image of one kind of device: an import may not change these.
FIXED_FIELDS: Final = (
    "device_type",
    "manufacturer_id",
    "model_id",
    "hardware_version",
    "firmware_version",
    "manufacturer_image_hash",
)


def _not_stated(value: object) -> bool:
    """Empty, unknown upgrade-from, or a band whose join behaviour is not stated."""
    if value is None:
        return True
    if isinstance(value, UpgradeFrom):
        return not value.is_known
    return isinstance(value, ZigbeeBand) and not value.is_complete


def keep_stored_values(entry: CplEntry, stored: CplEntry) -> tuple[CplEntry, int]:
    """The entry with every field the file does not state holding its stored value (legacy
    "Dual Band" never replaces a stated join option), and how many were kept."""
    kept = {
        name: getattr(stored, name)
        for name in KEPT_WHEN_EMPTY
        if _not_stated(getattr(entry, name)) and not _not_stated(getattr(stored, name))
    }
    return (dataclasses.replace(entry, **kept) if kept else entry), len(kept)


def fixed_field_changes(entry: CplEntry, stored: CplEntry, row: int) -> list[Defect]:
    """Defects for an import that would give a stored CPL Entry ID another image or type."""
    defects: list[Defect] = []
    for name in FIXED_FIELDS:
        was, now = getattr(stored, name), getattr(entry, name)
        if was != now:
            was_text = getattr(was, "value", was)
            defects.append(
                Defect(
                    f"CPL Entry ID {entry.cpl_entry_id} names one image: the CPL has {name} "
                    f"{was_text}; a different image needs a new CPL Entry ID (if the CPL is "
                    f"wrong, correct it with `firpath edit {entry.cpl_entry_id} --set "
                    f"{name}=... --reason ...`)",
                    row,
                    name,
                    entry.cpl_entry_id,
                    str(getattr(now, "value", now)),
                )
            )
    return defects


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one entry an import changes."""

    entry_id: str
    field: str
    before: str
    after: str


def field_changes(before: CplEntry, after: CplEntry) -> list[FieldChange]:
    """Each field whose value differs, as CPL file text."""
    old, new = entry_to_record(before), entry_to_record(after)
    return [FieldChange(after.cpl_entry_id, k, old[k], new[k]) for k in new if old[k] != new[k]]


@dataclass(frozen=True, slots=True)
class Correction:
    """The last correction of one field of one entry: when, who, why, and the value it set."""

    at: str
    actor: str
    reason: str
    value: str


def overwritten_corrections(
    changes: list[FieldChange],
    corrected: Mapping[tuple[str, str], Correction],
    rows: Mapping[str, int],
) -> list[Defect]:
    """Defects for changes that would replace a value a correction set (and nothing since)."""
    defects: list[Defect] = []
    for change in changes:
        last = corrected.get((change.entry_id, change.field))
        if last is None or last.value != change.before:
            continue
        defects.append(
            Defect(
                f"was corrected to {last.value!r} by {last.actor} on {last.at[:10]} "
                f"({last.reason}); this file would change it back: if the file is right, "
                "import it with --replace-corrections",
                rows.get(change.entry_id),
                change.field,
                change.entry_id,
                change.after,
            )
        )
    return defects
