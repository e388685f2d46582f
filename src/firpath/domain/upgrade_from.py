"""The *upgrade from* field: CPL Entry IDs, `N/A`, or not provided."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, Final

from firpath.domain.errors import FieldInvalid
from firpath.domain.values import ENTRY_ID_PATTERN as _ENTRY_ID
from firpath.domain.values import cpl_entry_id

NOT_APPLICABLE_TEXT: Final = "N/A"
_SEPARATORS: Final = re.compile(r"[;,\s]+")


class UpgradeFromKind(StrEnum):
    """Which of the three facts an *upgrade from* states."""

    IDS = "ids"  # these earlier entries may be upgraded directly to this one
    NOT_APPLICABLE = "na"  # nothing may be upgraded to this one (first release, new base)
    UNKNOWN = "unknown"  # not provided (yet)


@dataclass(frozen=True, slots=True)
class UpgradeFrom:
    """Which earlier firmware may be upgraded directly to an entry."""

    kind: UpgradeFromKind
    ids: tuple[str, ...] = ()

    NOT_APPLICABLE: ClassVar[UpgradeFrom]
    UNKNOWN: ClassVar[UpgradeFrom]

    @classmethod
    def of(cls, *ids: str) -> UpgradeFrom:
        """Upgrade from these CPL Entry IDs (at least one)."""
        if not ids:
            raise ValueError("UpgradeFrom.of needs at least one id")
        return cls(UpgradeFromKind.IDS, tuple(dict.fromkeys(ids)))

    @property
    def is_known(self) -> bool:
        """Whether the manufacturer has stated it (IDs or N/A)."""
        return self.kind is not UpgradeFromKind.UNKNOWN

    def to_text(self) -> str:
        """As in the CPL file: IDs joined by `;`, `N/A`, or empty."""
        if self.kind is UpgradeFromKind.NOT_APPLICABLE:
            return NOT_APPLICABLE_TEXT
        return ";".join(self.ids)

    def to_json(self) -> list[str] | str | None:
        """As in the JSON export: a list of IDs, "N/A", or null."""
        if self.kind is UpgradeFromKind.NOT_APPLICABLE:
            return NOT_APPLICABLE_TEXT
        if self.kind is UpgradeFromKind.UNKNOWN:
            return None
        return list(self.ids)


UpgradeFrom.NOT_APPLICABLE = UpgradeFrom(UpgradeFromKind.NOT_APPLICABLE)
UpgradeFrom.UNKNOWN = UpgradeFrom(UpgradeFromKind.UNKNOWN)


def parse_upgrade_from(value: str) -> UpgradeFrom:
    """Parse the file form: `N/A`, nothing, or IDs separated by `;` (`,` and spaces too)."""
    text = value.strip()
    if not text:
        return UpgradeFrom.UNKNOWN
    if text.upper() == NOT_APPLICABLE_TEXT:
        return UpgradeFrom.NOT_APPLICABLE
    parts = [p for p in _SEPARATORS.split(text) if p]
    if not parts:
        raise FieldInvalid(
            "upgrade_from", value, "has separators but no CPL Entry IDs (use N/A or leave empty)"
        )
    upper = [p.upper() for p in parts]
    fast = text.isascii() and NOT_APPLICABLE_TEXT not in upper
    if fast and all(_ENTRY_ID.fullmatch(p) for p in upper):
        return UpgradeFrom(UpgradeFromKind.IDS, tuple(dict.fromkeys(upper)))
    if NOT_APPLICABLE_TEXT in upper:
        raise FieldInvalid("upgrade_from", value, "N/A must stand alone, not with CPL Entry IDs")
    return UpgradeFrom.of(*(cpl_entry_id(p, "upgrade_from") for p in parts))


def upgrade_from_json(value: object) -> UpgradeFrom:
    """Parse the JSON form: a list of IDs, "N/A", or null."""
    if value is None:
        return UpgradeFrom.UNKNOWN
    if isinstance(value, str):
        return parse_upgrade_from(value)
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        if not value:
            raise FieldInvalid(
                "upgrade_from", "[]", 'an empty list says nothing: use null (not provided) or "N/A"'
            )
        return parse_upgrade_from(";".join(value))
    raise FieldInvalid(
        "upgrade_from", repr(value), 'must be a list of non-empty IDs, "N/A" or null'
    )
