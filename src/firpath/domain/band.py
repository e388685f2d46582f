"""ZigBee band join options: the six of SECMP0231 and the legacy CPL values."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from firpath.domain.errors import FieldInvalid
from firpath.domain.values import DeviceType


class ZigbeeBand(StrEnum):
    """How a device uses the ZigBee bands when joining the HAN (the value is the code)."""

    ONLY_2_4GHZ = "2_4GHZ_ONLY"
    SUB_GHZ_ONLY = "SUB_GHZ_ONLY"
    MULTI_MAC_AUTO = "MULTI_MAC_AUTO"
    MULTI_MAC_MANUAL = "MULTI_MAC_MANUAL"
    MULTI_MAC_EITHER = "MULTI_MAC_EITHER"
    DUAL_BAND = "DUAL_BAND"
    # Legacy "Dual Band" on a device that is not a Communications Hub: it is multi-MAC,
    # but the old CPL never said how it joins. Counted as incomplete data.
    MULTI_MAC_UNSTATED = "MULTI_MAC_UNSTATED"

    @property
    def label(self) -> str:
        """The label people see."""
        return BAND_LABELS[self]

    @property
    def description(self) -> str:
        """What the option means, in one plain line."""
        return BAND_DESCRIPTIONS[self]

    @property
    def is_complete(self) -> bool:
        """Whether this value fully states the join behaviour."""
        return self is not ZigbeeBand.MULTI_MAC_UNSTATED


BAND_LABELS: Final[dict[ZigbeeBand, str]] = {
    ZigbeeBand.ONLY_2_4GHZ: "2.4 GHz Only",
    ZigbeeBand.SUB_GHZ_ONLY: "Sub-GHz Only",
    ZigbeeBand.MULTI_MAC_AUTO: "Multi MAC Selection \u2013 Auto",
    ZigbeeBand.MULTI_MAC_MANUAL: "Multi MAC Selection \u2013 Manual",
    ZigbeeBand.MULTI_MAC_EITHER: "Multi MAC Selection \u2013 Either",
    ZigbeeBand.DUAL_BAND: "Dual Band",
    ZigbeeBand.MULTI_MAC_UNSTATED: "Multi MAC \u2013 join behaviour not stated",
}
# The six options (and the legacy value) in plain words, for people choosing one.
BAND_DESCRIPTIONS: Final[dict[ZigbeeBand, str]] = {
    ZigbeeBand.ONLY_2_4GHZ: "uses the 2.4 GHz ZigBee band only",
    ZigbeeBand.SUB_GHZ_ONLY: "uses the sub-GHz (868 MHz) ZigBee band only",
    ZigbeeBand.MULTI_MAC_AUTO: "can use either band, and picks one itself while joining",
    ZigbeeBand.MULTI_MAC_MANUAL: "can use either band; the band is set by hand before joining",
    ZigbeeBand.MULTI_MAC_EITHER: "can use either band, picked by itself or set by hand",
    ZigbeeBand.DUAL_BAND: "uses both bands at the same time (Communications Hubs only)",
    ZigbeeBand.MULTI_MAC_UNSTATED: "can use either band; how it joins was never stated",
}
# The options a new entry may take (the legacy "not stated" value only comes from old CPLs).
BAND_OPTIONS: Final = tuple(b for b in ZigbeeBand if b.is_complete)


def _key(text: str) -> str:
    """Case, spacing and dash style ignored."""
    folded = text.strip().lower().replace("\u2013", "-").replace("\u2014", "-")
    return "".join(folded.split())


_BY_CODE: Final = {_key(b.value): b for b in ZigbeeBand}
_BY_LABEL: Final = {_key(label): b for b, label in BAND_LABELS.items()}
_LEGACY: Final = {
    _key("Single Band (2.4GHz)"): ZigbeeBand.ONLY_2_4GHZ,
    _key("Single Band (Sub-GHz)"): ZigbeeBand.SUB_GHZ_ONLY,
}
_LEGACY_DUAL: Final = _key("Dual Band")


def is_legacy_dual_band(value: str, device_type: DeviceType | None) -> bool:
    """Whether `value` is the old CPL's `Dual Band` on a device that is not a Communications
    Hub (read as multi-MAC, join behaviour not stated): right for importing an old CPL, never
    for stating a band now."""
    return _key(value) == _LEGACY_DUAL and device_type is not DeviceType.CH


def legacy_dual_band_refusal(device_type: DeviceType) -> str:
    """Why `Dual Band` cannot be stated for a device that is not a Communications Hub, and the
    options it may take instead."""
    options = "; ".join(
        f"{b.label} ({b.value})" for b in BAND_OPTIONS if b is not ZigbeeBand.DUAL_BAND
    )
    return (
        f"Dual Band is for Communications Hubs only (rule 5); a {device_type.value} that can "
        f"use either band is multi-MAC: state how it joins (one of: {options})"
    )


def parse_band(value: str, device_type: DeviceType | None) -> ZigbeeBand | None:
    """A band from a code, a label or a legacy CPL value; empty means not provided.

    The label `Dual Band` is also the legacy value: on a Communications Hub it is the
    new option, on any other device it is legacy multi-MAC with join behaviour not stated.
    The code `DUAL_BAND` is always the new option (rule 5 checks it).
    """
    key = _key(value)
    if not key:
        return None
    if key == _LEGACY_DUAL:
        if device_type is DeviceType.CH:
            return ZigbeeBand.DUAL_BAND
        return ZigbeeBand.MULTI_MAC_UNSTATED
    found = _BY_CODE.get(key) or _BY_LABEL.get(key) or _LEGACY.get(key)
    if found is None:
        allowed = "; ".join(f"{b.label} ({b.value})" for b in ZigbeeBand)
        raise FieldInvalid("zigbee_band", value, f"unknown band option (one of: {allowed})")
    return found
