"""A device manufacturer and whom to contact there."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Final

from firpath.domain import values
from firpath.domain.errors import Defect, FieldInvalid
from firpath.domain.record import parse_text

MANUFACTURER_FIELDS: Final = (
    "manufacturer_id",
    "manufacturer_name",
    "contact_name",
    "contact_email",
    "contact_phone",
)
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE: Final = re.compile(r"\+?[0-9 ()-]{6,24}")


@dataclass(frozen=True, slots=True)
class Manufacturer:
    """A manufacturer id with its name and contact details (maintained by SECAS and itself)."""

    manufacturer_id: str
    manufacturer_name: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        """The manufacturer as plain data."""
        return asdict(self)

    @property
    def contact(self) -> str | None:
        """Whom to ask, on one line: `Name <email>, phone` (None: no contact details)."""
        person = self.contact_name or ""
        if self.contact_email:
            person = f"{person} <{self.contact_email}>" if person else self.contact_email
        line = ", ".join(p for p in (person, self.contact_phone or "") if p)
        return line or None


def manufacturer_from_record(
    record: Mapping[str, str], row: int | None = None
) -> tuple[Manufacturer | None, list[Defect]]:
    """Parse a contacts-file row, returning the manufacturer or every defect in it."""
    defects: list[Defect] = []
    raw_id = record.get("manufacturer_id", "")
    parsed: dict[str, str | None] = {}
    try:
        parsed["manufacturer_id"] = values.manufacturer_id(raw_id)
    except FieldInvalid as err:
        defects.append(Defect(err.message, row, err.field, None, err.value))
    for field in MANUFACTURER_FIELDS[1:]:
        try:
            parsed[field] = parse_text(field, record.get(field, ""))
        except FieldInvalid as err:
            defects.append(Defect(err.message, row, err.field, raw_id.strip().upper(), err.value))
    email = parsed.get("contact_email")
    if email and _EMAIL.fullmatch(email) is None:
        defects.append(
            Defect("is not an e-mail address", row, "contact_email", raw_id.upper(), email)
        )
    phone = parsed.get("contact_phone")
    if phone and _PHONE.fullmatch(phone) is None:
        defects.append(
            Defect(
                "is not a phone number (digits, spaces, + ( ) -)",
                row,
                "contact_phone",
                raw_id.upper(),
                phone,
            )
        )
    if defects:
        return None, defects
    return Manufacturer(**parsed), []  # type: ignore[arg-type]
