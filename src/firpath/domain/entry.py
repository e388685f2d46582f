"""A CPL entry: one firmware build of one device model, and the fields it carries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, NamedTuple

from firpath.domain.band import ZigbeeBand
from firpath.domain.upgrade_from import UpgradeFrom
from firpath.domain.values import DeviceType, EntryStatus

NEW_FIELDS: Final = ("upgrade_from", "zigbee_chipset_vendor", "zigbee_stack_version", "zigbee_band")


class DeviceModel(NamedTuple):
    """(manufacturer id, model id, hardware version): upgrade paths never leave one."""

    manufacturer_id: str
    model_id: str
    hardware_version: str

    def __str__(self) -> str:
        return f"{self.manufacturer_id}/{self.model_id}/{self.hardware_version}"


@dataclass(frozen=True, slots=True)
class CplEntry:
    """One CPL entry with the four SECMP0231 fields and the FIR release information."""

    cpl_entry_id: str
    device_type: DeviceType
    manufacturer_id: str
    model_id: str
    hardware_version: str
    firmware_version: str
    manufacturer_image_hash: str
    status: EntryStatus
    upgrade_from: UpgradeFrom = UpgradeFrom.UNKNOWN
    manufacturer_name: str | None = None
    model_name: str | None = None
    firmware_version_name: str | None = None
    zigbee_chipset_vendor: str | None = None
    zigbee_stack_version: str | None = None
    zigbee_band: ZigbeeBand | None = None
    date_added: dt.date | None = None
    notes: str | None = None
    release_date: dt.date | None = None
    release_notes: str | None = None
    smets_chts_version: str | None = None
    gbcs_version: str | None = None

    @property
    def device_model(self) -> DeviceModel:
        """The device model this build belongs to."""
        return DeviceModel(self.manufacturer_id, self.model_id, self.hardware_version)

    @property
    def build_key(self) -> tuple[str, str, str, str, str]:
        """Device model + firmware version + image hash: unique on the CPL (rule 4)."""
        return (
            self.manufacturer_id,
            self.model_id,
            self.hardware_version,
            self.firmware_version,
            self.manufacturer_image_hash,
        )

    @property
    def firmware_number(self) -> int:
        """The firmware version as an unsigned number (for ordering)."""
        return int(self.firmware_version, 16)

    @property
    def is_active(self) -> bool:
        """Whether the entry is on the CPL (only active entries are ever installed)."""
        return self.status is EntryStatus.ACTIVE

    @property
    def missing_new_fields(self) -> tuple[str, ...]:
        """The SECMP0231 fields this entry should state but does not (fully).

        The one rule of what is missing: only in-scope device types ever miss anything (the
        new fields are optional for IHD, GPF, CAD and ALT_HAN), N/A is a stated *upgrade
        from*, and legacy multi-MAC with its join behaviour not stated is a missing band.
        """
        if not self.device_type.in_scope:
            return ()
        missing: list[str] = []
        if not self.upgrade_from.is_known:
            missing.append("upgrade_from")
        if self.zigbee_chipset_vendor is None:
            missing.append("zigbee_chipset_vendor")
        if self.zigbee_stack_version is None:
            missing.append("zigbee_stack_version")
        if self.zigbee_band is None or not self.zigbee_band.is_complete:
            missing.append("zigbee_band")
        return tuple(missing)
