"""Column names of firpath's files: canonical snake_case, human labels, header matching."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from firpath.domain.errors import Defect
from firpath.domain.record import REQUIRED_FIELDS

CPL_COLUMNS: Final = (
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
    "upgrade_from",
    "zigbee_chipset_vendor",
    "zigbee_stack_version",
    "zigbee_band",
    "date_added",
    "notes",
)
CPL_OPTIONAL_COLUMNS: Final = (
    "release_date",
    "release_notes",
    "smets_chts_version",
    "gbcs_version",
)
CPL_ALL_COLUMNS: Final = CPL_COLUMNS + CPL_OPTIONAL_COLUMNS
# What a CPL file must have: which image each row is, and its status (the fields every entry
# needs). Every other column may be absent (an extract from before SECMP0231 has no new
# fields): stored values are kept.
CPL_REQUIRED_COLUMNS: Final = REQUIRED_FIELDS

MANUFACTURER_COLUMNS: Final = (
    "manufacturer_id",
    "manufacturer_name",
    "contact_name",
    "contact_email",
    "contact_phone",
)

LABELS: Final[dict[str, str]] = {
    "cpl_entry_id": "CPL Entry ID",
    "device_type": "Device Type",
    "manufacturer_id": "Manufacturer ID",
    "manufacturer_name": "Manufacturer Name",
    "model_id": "Model ID",
    "model_name": "Model Name",
    "hardware_version": "Hardware Version",
    "firmware_version": "Firmware Version",
    "firmware_version_name": "Firmware Version Name",
    "manufacturer_image_hash": "Manufacturer Image Hash",
    "status": "Status",
    "upgrade_from": "Upgrade From",
    "zigbee_chipset_vendor": "ZigBee Chipset Vendor",
    "zigbee_stack_version": "ZigBee Stack Version",
    "zigbee_band": "ZigBee Band Join Option",
    "date_added": "Date Added",
    "notes": "Notes",
    "release_date": "Release Date",
    "release_notes": "Release Notes",
    "smets_chts_version": "SMETS/CHTS Version",
    "gbcs_version": "GBCS Version",
    "contact_name": "Contact Name",
    "contact_email": "Contact E-mail",
    "contact_phone": "Contact Phone",
}

# Other spellings seen on CPL extracts, keyed like `header_key`.
_ALIASES: Final[dict[str, str]] = {
    "zigbeeband": "zigbee_band",
    "upgradefromcplentryids": "upgrade_from",
    "upgradefromcplentryid": "upgrade_from",
    "hash": "manufacturer_image_hash",
    "imagehash": "manufacturer_image_hash",
    "smetsversion": "smets_chts_version",
    "chtsversion": "smets_chts_version",
    "contactemail": "contact_email",
}


def header_key(name: str) -> str:
    """A header name with case, spacing and punctuation ignored."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


@dataclass(frozen=True, slots=True)
class HeaderMap:
    """Which canonical column each position of a header row holds."""

    columns: list[str]


def _lookup(allowed: Sequence[str]) -> Mapping[str, str]:
    return (
        {header_key(c): c for c in allowed}
        | {header_key(LABELS[c]): c for c in allowed if c in LABELS}
        | {k: v for k, v in _ALIASES.items() if v in allowed}
    )


def column_named(name: str, allowed: Sequence[str] = CPL_ALL_COLUMNS) -> str | None:
    """The canonical column a name means (its label, another spelling, case and spacing
    ignored), or None."""
    return _lookup(allowed).get(header_key(name))


def match_header(
    header: Sequence[str], allowed: Sequence[str], required: Sequence[str]
) -> tuple[HeaderMap, list[Defect]]:
    """Map a header row to canonical columns; unknown, duplicate or missing ones are defects."""
    lookup = _lookup(allowed)
    columns: list[str] = []
    defects: list[Defect] = []
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        canonical = lookup.get(header_key(name))
        if canonical is None:
            defects.append(
                Defect(
                    f"unknown column (header cell {position}); expected columns: "
                    + ", ".join(allowed),
                    1,
                    name,
                    None,
                    name,
                )
            )
            columns.append("")
            continue
        if canonical in seen:
            defects.append(
                Defect(
                    f"column {canonical} appears twice (header cells {seen[canonical]} and "
                    f"{position})",
                    1,
                    name,
                    None,
                    name,
                )
            )
        seen[canonical] = position
        columns.append(canonical)
    for column in required:
        if column not in seen:
            defects.append(Defect("required column is missing", 1, column, None, None))
    return HeaderMap(columns), defects


# Fixed-width hex columns whose leading zeros a spreadsheet drops (`0101` saved as `101`).
ZERO_PADDED: Final = {
    "manufacturer_id": 4,
    "model_id": 4,
    "hardware_version": 4,
    "firmware_version": 8,
}
