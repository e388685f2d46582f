"""Turning one record of text values (a file row, a form) into a valid `CplEntry`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import lru_cache, partial
from typing import Final

from firpath.domain import values
from firpath.domain.band import parse_band
from firpath.domain.control_chars import find_control
from firpath.domain.entry import CplEntry
from firpath.domain.errors import Defect, FieldInvalid
from firpath.domain.upgrade_from import parse_upgrade_from
from firpath.domain.values import DeviceType, EntryStatus

REQUIRED_FIELDS: Final = (
    "cpl_entry_id",
    "device_type",
    "manufacturer_id",
    "model_id",
    "hardware_version",
    "firmware_version",
    "manufacturer_image_hash",
    "status",
)
TEXT_FIELDS: Final = (
    "manufacturer_name",
    "model_name",
    "firmware_version_name",
    "zigbee_chipset_vendor",
    "zigbee_stack_version",
    "notes",
    "release_notes",
    "smets_chts_version",
    "gbcs_version",
)
DATE_FIELDS: Final = ("date_added", "release_date")
MAX_TEXT: Final = 4000

_PARSERS: Final[dict[str, Callable[[str], object]]] = {
    "cpl_entry_id": values.cpl_entry_id,
    "device_type": DeviceType.parse,
    "manufacturer_id": values.manufacturer_id,
    "model_id": values.model_id,
    "hardware_version": values.hardware_version,
    "firmware_version": values.firmware_version,
    "manufacturer_image_hash": values.image_hash,
    "status": EntryStatus.parse,
}


def parse_date(field: str, value: str) -> dt.date | None:
    """An ISO date (2024-03-31) or a UK one (31/03/2024); empty means not given."""
    text = value.strip()
    if not text:
        return None
    try:
        if "/" in text:
            day, month, year = text.split("/")
            if len(year) != 4:
                raise ValueError("two-digit year")
            return dt.date(int(year), int(month), int(day))
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text).date()  # a spreadsheet's date-time cell
    except ValueError:
        raise FieldInvalid(field, value, "must be a date, YYYY-MM-DD or DD/MM/YYYY") from None


def parse_text(field: str, value: str) -> str | None:
    """Free text, trimmed; empty means not provided; no control characters (tab, LF, CR are
    text; C0, DEL, C1 and bidirectional controls are not)."""
    text = value.strip()
    if not text:
        return None
    if len(text) > MAX_TEXT:
        raise FieldInvalid(field, value[:40] + "...", f"is longer than {MAX_TEXT} characters")
    bad = find_control(text)
    if bad is not None:
        raise FieldInvalid(
            field, value, f"contains control character U+{ord(bad.group()):04X} at {bad.start()}"
        )
    return text


# Low-cardinality fields repeat on every row: parse each distinct value once.
_device_type = lru_cache(maxsize=256)(DeviceType.parse)
_status = lru_cache(maxsize=64)(EntryStatus.parse)
_band = lru_cache(maxsize=512)(parse_band)
_manufacturer_id = lru_cache(maxsize=4096)(values.manufacturer_id)
_model_id = lru_cache(maxsize=65536)(values.model_id)
_hardware_version = lru_cache(maxsize=4096)(values.hardware_version)
_vendor = lru_cache(maxsize=4096)(partial(parse_text, "zigbee_chipset_vendor"))
_stack = lru_cache(maxsize=4096)(partial(parse_text, "zigbee_stack_version"))


def entry_from_record(
    record: Mapping[str, str], row: int | None = None
) -> tuple[CplEntry | None, list[Defect]]:
    """Parse every field of `record`, returning the entry or every defect found in it."""
    get = record.get
    try:  # fast path for a good record; any problem re-parses field by field below
        device_type = _device_type(get("device_type", ""))
        entry = CplEntry(
            values.cpl_entry_id(get("cpl_entry_id", "")),
            device_type,
            _manufacturer_id(get("manufacturer_id", "")),
            _model_id(get("model_id", "")),
            _hardware_version(get("hardware_version", "")),
            values.firmware_version(get("firmware_version", "")),
            values.image_hash(get("manufacturer_image_hash", "")),
            _status(get("status", "")),
            parse_upgrade_from(get("upgrade_from", "")),
            parse_text("manufacturer_name", get("manufacturer_name", "")),
            parse_text("model_name", get("model_name", "")),
            parse_text("firmware_version_name", get("firmware_version_name", "")),
            _vendor(get("zigbee_chipset_vendor", "")),
            _stack(get("zigbee_stack_version", "")),
            _band(get("zigbee_band", ""), device_type),
            parse_date("date_added", get("date_added", "")),
            parse_text("notes", get("notes", "")),
            parse_date("release_date", get("release_date", "")),
            parse_text("release_notes", get("release_notes", "")),
            parse_text("smets_chts_version", get("smets_chts_version", "")),
            parse_text("gbcs_version", get("gbcs_version", "")),
        )
    except FieldInvalid:
        return None, _every_defect(record, row)
    return entry, []


def _every_defect(record: Mapping[str, str], row: int | None) -> list[Defect]:
    """Parse field by field, collecting a defect for each bad field."""
    defects: list[Defect] = []
    raw_id = record.get("cpl_entry_id", "")
    entry_id = raw_id.strip().upper() or None
    parsed: dict[str, object] = {}

    def bad(err: FieldInvalid) -> None:
        defects.append(Defect(err.message, row, err.field, entry_id, err.value))

    for field, parser in _PARSERS.items():
        raw = record.get(field, "")
        if not raw.strip():
            defects.append(Defect("is required", row, field, entry_id, raw))
            continue
        try:
            parsed[field] = parser(raw)
        except FieldInvalid as err:
            bad(err)
    for field in TEXT_FIELDS:
        try:
            parsed[field] = parse_text(field, record.get(field, ""))
        except FieldInvalid as err:
            bad(err)
    for field in DATE_FIELDS:
        try:
            parsed[field] = parse_date(field, record.get(field, ""))
        except FieldInvalid as err:
            bad(err)
    try:
        parsed["upgrade_from"] = parse_upgrade_from(record.get("upgrade_from", ""))
    except FieldInvalid as err:
        bad(err)
    device_type = parsed.get("device_type")
    try:
        parsed["zigbee_band"] = parse_band(
            record.get("zigbee_band", ""),
            device_type if isinstance(device_type, DeviceType) else None,
        )
    except FieldInvalid as err:
        bad(err)
    if not defects:  # the fast path failed, so something is wrong: never drop a row silently
        defects.append(Defect("could not be read", row, None, entry_id, None))
    return defects


def entry_to_record(entry: CplEntry) -> dict[str, str]:
    """The entry as text values in the CPL file's columns (the inverse of parsing)."""
    return {
        "cpl_entry_id": entry.cpl_entry_id,
        "device_type": entry.device_type.value,
        "manufacturer_id": entry.manufacturer_id,
        "manufacturer_name": entry.manufacturer_name or "",
        "model_id": entry.model_id,
        "model_name": entry.model_name or "",
        "hardware_version": entry.hardware_version,
        "firmware_version": entry.firmware_version,
        "firmware_version_name": entry.firmware_version_name or "",
        "manufacturer_image_hash": entry.manufacturer_image_hash,
        "status": entry.status.value,
        "upgrade_from": entry.upgrade_from.to_text(),
        "zigbee_chipset_vendor": entry.zigbee_chipset_vendor or "",
        "zigbee_stack_version": entry.zigbee_stack_version or "",
        "zigbee_band": entry.zigbee_band.value if entry.zigbee_band else "",
        "date_added": entry.date_added.isoformat() if entry.date_added else "",
        "notes": entry.notes or "",
        "release_date": entry.release_date.isoformat() if entry.release_date else "",
        "release_notes": entry.release_notes or "",
        "smets_chts_version": entry.smets_chts_version or "",
        "gbcs_version": entry.gbcs_version or "",
    }
