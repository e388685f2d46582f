"""A chase list come back filled in: each row checked against, and completed from, its entry."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from firpath.domain import values
from firpath.domain.band import BAND_LABELS, ZigbeeBand, parse_band
from firpath.domain.entry import NEW_FIELDS, CplEntry
from firpath.domain.errors import Defect, FieldInvalid
from firpath.domain.record import entry_to_record, parse_text
from firpath.domain.upgrade_from import parse_upgrade_from
from firpath.domain.values import DeviceType, EntryStatus

# What says which entry a row is about; a returned chase list must leave these as they were.
IDENTIFYING_FIELDS: Final = (
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
)
CHASE_LIST_FIELDS: Final = IDENTIFYING_FIELDS + NEW_FIELDS
# The six join options a manufacturer chooses from (legacy "not stated" is not one of them).
BAND_CHOICES: Final = tuple(label for b, label in BAND_LABELS.items() if b.is_complete)

_HEX_WIDTH: Final = {
    "manufacturer_id": 4,
    "model_id": 4,
    "hardware_version": 4,
    "firmware_version": 8,
    "manufacturer_image_hash": 64,
}


@dataclass(frozen=True, slots=True)
class Backfill:
    """The rows of a returned chase list as complete CPL records, and what they fill in."""

    records: list[tuple[int, dict[str, str]]]
    filled: int  # field values that differ from the stored entry's


def complete_backfill(
    rows: Sequence[tuple[int, Mapping[str, str]]], stored: Mapping[str, CplEntry]
) -> tuple[Backfill, list[Defect]]:
    """Check each row against its stored entry and complete it from that entry.

    A row names a stored entry by CPL Entry ID (a chase list never creates entries); every
    identifying column it has must match the stored value; a filled cell of the four new
    fields sets that field and an empty one keeps the stored value. The completed records
    then go through the ordinary import rules.
    """
    records: list[tuple[int, dict[str, str]]] = []
    defects: list[Defect] = []
    filled = 0
    for row, cells in rows:
        raw_id = cells.get("cpl_entry_id", "")
        try:
            eid = values.cpl_entry_id(raw_id)
        except FieldInvalid as err:
            defects.append(Defect(err.message, row, "cpl_entry_id", None, raw_id))
            continue
        entry = stored.get(eid)
        if entry is None:
            defects.append(
                Defect(
                    "is not on the CPL: this file has only chase-list columns, so it is read "
                    "as a back-fill, which fills in stored entries and never adds one (to add "
                    "entries, import a CPL file with every CPL column, e.g. as "
                    "`firpath export` writes it)",
                    row,
                    "cpl_entry_id",
                    eid,
                    raw_id,
                )
            )
            continue
        record = entry_to_record(entry)
        defects += _mismatches(row, cells, entry, record)
        changes, problems = _new_values(row, cells, entry)
        defects += problems
        filled += sum(record[field] != text for field, text in changes.items())
        record.update(changes)
        records.append((row, record))
    return Backfill(records, filled), defects


def _same_text(value: str) -> str:
    """Names compared with case and runs of spaces ignored."""
    return " ".join(value.split()).casefold()


def _identifying(field: str) -> Callable[[str], str]:
    """How an identifying cell is normalised before it is compared with the stored value."""
    width = _HEX_WIDTH.get(field)
    if width is not None:

        def hex_id(text: str) -> str:
            text = text.strip()
            if text.isdigit() and len(text) < width:  # a spreadsheet dropped leading zeros
                text = text.zfill(width)
            return values.normalise_hex(field, text, width)

        return hex_id
    if field == "device_type":
        return lambda text: DeviceType.parse(text).value
    if field == "status":
        return lambda text: EntryStatus.parse(text).value
    return _same_text


_NORMALISERS: Final = {field: _identifying(field) for field in IDENTIFYING_FIELDS[1:]}


def _mismatches(
    row: int, cells: Mapping[str, str], entry: CplEntry, record: Mapping[str, str]
) -> list[Defect]:
    defects: list[Defect] = []
    for field, normalise in _NORMALISERS.items():
        if field not in cells:
            continue
        given, kept = cells[field], record[field]
        try:
            same = normalise(given) == normalise(kept)
        except FieldInvalid:
            same = False
        if not same:
            defects.append(
                Defect(
                    f"does not match the stored entry, which has {kept!r}: a chase list "
                    f"changes only {', '.join(NEW_FIELDS)}",
                    row,
                    field,
                    entry.cpl_entry_id,
                    given,
                )
            )
    return defects


def _new_values(
    row: int, cells: Mapping[str, str], entry: CplEntry
) -> tuple[dict[str, str], list[Defect]]:
    """The four fields' filled cells as the text the ordinary import reads, or defects."""
    changes: dict[str, str] = {}
    defects: list[Defect] = []
    for field in NEW_FIELDS:
        cell = cells.get(field, "")
        if not cell.strip():
            continue  # left blank: the stored value stays
        try:
            if field == "upgrade_from":
                changes[field] = parse_upgrade_from(cell).to_text()
            elif field == "zigbee_band":
                changes[field] = _band(cell, entry.device_type).value
            else:
                changes[field] = parse_text(field, cell) or ""
        except FieldInvalid as err:
            defects.append(Defect(err.message, row, field, entry.cpl_entry_id, cell))
    return changes, defects


def _band(cell: str, device_type: DeviceType) -> ZigbeeBand:
    band = parse_band(cell, device_type)
    if band is not None and band.is_complete:
        return band
    options = "; ".join(BAND_CHOICES)
    if parse_band(cell, DeviceType.CH) is ZigbeeBand.DUAL_BAND:  # the label, on a non-hub
        raise FieldInvalid(
            "zigbee_band",
            cell,
            "Dual Band (both bands at once) is only for Communications Hubs (CH), not "
            f"{device_type.value}; choose the join option (one of: {options})",
        )
    raise FieldInvalid("zigbee_band", cell, f"must state the join option (one of: {options})")
