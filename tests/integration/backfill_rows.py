"""A small CPL with back-fill to chase, for the completeness and chase-list tests.

Manufacturer 1234 (Northbridge Metering), ESME model 0001/0002:
  101 states everything (upgrade from N/A); 102 states nothing new; 103 upgrades from 102
  but has the legacy band "Dual Band", so its join behaviour is not stated (band missing).
  ESME model 0003/0002: 151 states everything. IHD model 0005/0001: 104 states nothing
  (out of scope: never missing).
Manufacturer 5678 (Kelvin Smart Devices): GSME 201 complete, GSME 202 without a stack
  version, CH 301 complete with Dual Band.
Manufacturer 9ABC (Lumen Home Displays): IHD 401 only, nothing new stated.
"""

from __future__ import annotations

from pathlib import Path

from tests.integration.cpl_rows import row, write_cpl

NOTHING_NEW = {
    "upgrade_from": "",
    "zigbee_chipset_vendor": "",
    "zigbee_stack_version": "",
    "zigbee_band": "",
}
KELVIN = {"manufacturer_id": "5678", "manufacturer_name": "Kelvin Smart Devices"}
LUMEN = {"manufacturer_id": "9ABC", "manufacturer_name": "Lumen Home Displays"}

CONTACTS = (
    "manufacturer_id,manufacturer_name,contact_name,contact_email,contact_phone\n"
    "1234,Northbridge Metering,Priya Shah,priya@northbridge.example,+44 20 7946 0000\n"
    "5678,Kelvin Smart Devices,Tom Ellery,tom@kelvin.example,\n"
)


def catalogue_rows() -> list[dict[str, str]]:
    return [
        row("101", "01000000", "N/A", notes="first release"),
        row("102", "01000100", **NOTHING_NEW),
        row("103", "01000200", "102", zigbee_band="Dual Band", release_notes="fixes"),
        row("151", "01000000", "N/A", model_id="0003"),
        row("104", "01000000", device_type="IHD", model_id="0005", **NOTHING_NEW),
        row("201", "02000000", device_type="GSME", model_id="0002", **KELVIN),
        row(
            "202",
            "02000100",
            "201",
            device_type="GSME",
            model_id="0002",
            zigbee_stack_version="",
            **KELVIN,
        ),
        row(
            "301", "03000000", device_type="CH", model_id="0009", zigbee_band="Dual Band", **KELVIN
        ),
        row("401", "04000000", device_type="IHD", model_id="0001", **NOTHING_NEW, **LUMEN),
    ]


def write_catalogue(folder: Path) -> tuple[Path, Path]:
    """The CPL file and the contacts file."""
    contacts = folder / "contacts.csv"
    contacts.write_text(CONTACTS)
    return write_cpl(folder / "cpl.csv", catalogue_rows()), contacts
