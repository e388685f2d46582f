"""Value types of a CPL entry: ids, versions, hashes, device types, statuses."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

from firpath.domain.errors import FieldInvalid

_HEX: Final = re.compile(r"[0-9A-F]+")
ENTRY_ID_PATTERN: Final = re.compile(r"[A-Z0-9][A-Z0-9._/-]{0,63}")


def normalise_hex(field: str, value: str, digits: int) -> str:
    """Upper-case `value` and check it is exactly `digits` hex digits."""
    text = value.strip().upper()
    if text.startswith("0X"):
        text = text[2:]
    if len(text) != digits or _HEX.fullmatch(text) is None:
        raise FieldInvalid(field, value, f"must be {digits} hexadecimal digits")
    return text


def manufacturer_id(value: str) -> str:
    """A manufacturer id: 4 hex digits, upper case."""
    return normalise_hex("manufacturer_id", value, 4)


def model_id(value: str) -> str:
    """A model id: 4 hex digits, upper case."""
    return normalise_hex("model_id", value, 4)


def hardware_version(value: str) -> str:
    """A hardware version: 4 hex digits, upper case."""
    return normalise_hex("hardware_version", value, 4)


def firmware_version(value: str) -> str:
    """A GBCS firmware version: 8 hex digits, upper case (compare as unsigned via int(v, 16))."""
    return normalise_hex("firmware_version", value, 8)


def image_hash(value: str) -> str:
    """A manufacturer image hash (SHA-256): 64 hex digits, upper case."""
    return normalise_hex("manufacturer_image_hash", value, 64)


MIN_HASH_PREFIX = 4  # hex digits of a hash prefix that still says something


def image_hash_or_prefix(value: str) -> str:
    """A manufacturer image hash, or the start of one as pages and messages show it (at
    least 4 hex digits), upper case."""
    text = value.strip().upper()
    if not MIN_HASH_PREFIX <= len(text) <= 64 or _HEX.fullmatch(text) is None:
        raise FieldInvalid(
            "manufacturer_image_hash",
            value,
            f"must be 64 hexadecimal digits, or the first {MIN_HASH_PREFIX} or more of them",
        )
    return text


def cpl_entry_id(value: str, field: str = "cpl_entry_id") -> str:
    """A CPL Entry ID: ASCII letters, digits and . _ / -, up to 64, matched case-insensitively."""
    raw = value.strip()
    if not raw:
        raise FieldInvalid(field, value, "is required")
    text = raw.upper()
    if text == "N/A":
        raise FieldInvalid(field, value, "N/A is not a CPL Entry ID")
    if not raw.isascii() or ENTRY_ID_PATTERN.fullmatch(text) is None:
        raise FieldInvalid(
            field,
            value,
            "must be 1-64 letters, digits, '.', '_', '/' or '-', starting with a letter or digit",
        )
    return text


def entry_id_order(entry_id: str) -> tuple[int, int, str]:
    """Sort key for CPL Entry IDs: numeric ids by value, others by text, numeric first."""
    if entry_id.isdigit():
        return (0, int(entry_id), entry_id)
    return (1, 0, entry_id)


class DeviceType(StrEnum):
    """Device types that may be on the CPL."""

    ESME = "ESME"
    GSME = "GSME"
    CH = "CH"
    PPMID = "PPMID"
    HCALCS = "HCALCS"
    SAPC = "SAPC"
    IHD = "IHD"
    GPF = "GPF"
    CAD = "CAD"
    ALT_HAN = "ALT_HAN"

    @property
    def in_scope(self) -> bool:
        """Whether the four new fields are required on new submissions of this type."""
        return self in IN_SCOPE_DEVICE_TYPES

    @classmethod
    def parse(cls, value: str) -> DeviceType:
        """A device type from its code or a common name, case and spacing ignored."""
        key = re.sub(r"[\s\-]+", "_", value.strip().upper())
        found = _DEVICE_TYPE_ALIASES.get(key)
        if found is None:
            allowed = ", ".join(t.value for t in cls)
            raise FieldInvalid("device_type", value, f"unknown device type (one of {allowed})")
        return found


IN_SCOPE_DEVICE_TYPES: Final = frozenset(
    {
        DeviceType.ESME,
        DeviceType.GSME,
        DeviceType.CH,
        DeviceType.PPMID,
        DeviceType.HCALCS,
        DeviceType.SAPC,
    }
)

_DEVICE_TYPE_ALIASES: Final[dict[str, DeviceType]] = {t.value: t for t in DeviceType} | {
    "COMMUNICATIONS_HUB": DeviceType.CH,
    "COMMS_HUB": DeviceType.CH,
    "SMETS1_CH": DeviceType.CH,
    "SMETS2_CH": DeviceType.CH,
    "ALTHAN": DeviceType.ALT_HAN,
}


class EntryStatus(StrEnum):
    """Whether an entry is on the CPL (`active`) or withdrawn from it (`removed`)."""

    ACTIVE = "active"
    REMOVED = "removed"

    @classmethod
    def parse(cls, value: str) -> EntryStatus:
        """A status from its name, case ignored."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise FieldInvalid("status", value, "must be 'active' or 'removed'") from None
