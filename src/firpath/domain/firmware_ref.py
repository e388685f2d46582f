"""How people name a firmware: a CPL Entry ID, or `MFR/MODEL/HW@VERSION[#HASHPREFIX]` where
VERSION is the firmware version name (`2.1.0`) or its hex (`02010000`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from firpath.domain import values
from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.errors import FieldInvalid, FirpathError, NotFound
from firpath.domain.values import entry_id_order

_HEX_VERSION: Final = re.compile(r"[0-9A-Fa-f]{8}")
_HASH_PREFIX: Final = re.compile(r"[0-9A-Fa-f]{1,64}")
HASH_SHOWN: Final = 12


class AmbiguousFirmware(FirpathError):
    """A version names several builds; the message lists them and how to pick one."""

    def __init__(self, message: str, candidates: list[CplEntry]) -> None:
        super().__init__(message)
        self.candidates = candidates


@dataclass(frozen=True, slots=True)
class FirmwareRef:
    """A firmware as written: an entry ID, or a device model and a version (+ hash prefix)."""

    text: str
    entry_id: str | None = None
    device_model: DeviceModel | None = None
    version: str = ""  # a name or 8 hex digits, as written (trimmed)
    hash_prefix: str = ""  # upper case


def parse_firmware_ref(text: str, role: str) -> FirmwareRef:
    """`ID` or `MFR/MODEL/HW@VERSION[#HASHPREFIX]` (ids case-insensitive, version as written)."""
    raw = text.strip()
    if "@" not in raw:
        return FirmwareRef(raw, entry_id=values.cpl_entry_id(raw, role))
    model_text, _, version_text = raw.partition("@")
    parts = [p.strip() for p in model_text.split("/")]
    if len(parts) != 3:
        raise FieldInvalid(
            role,
            text,
            "write a firmware as a CPL Entry ID or MANUFACTURER/MODEL/HW@VERSION "
            "(e.g. 1234/0001/0002@2.1.0 or 1234/0001/0002@02010000)",
        )
    model = DeviceModel(
        values.manufacturer_id(parts[0]),
        values.model_id(parts[1]),
        values.hardware_version(parts[2]),
    )
    version, _, prefix = version_text.partition("#")
    version, prefix = version.strip(), prefix.strip()
    if not version:
        raise FieldInvalid(role, text, "give the version after @ (its name, or 8 hex digits)")
    if prefix and _HASH_PREFIX.fullmatch(prefix) is None:
        raise FieldInvalid(role, text, "after # give the first hex digits of the image hash")
    return FirmwareRef(raw, device_model=model, version=version, hash_prefix=prefix.upper())


def _name_matches(entry: CplEntry, version: str) -> bool:
    name = entry.firmware_version_name
    return name is not None and name.strip().lower() == version.lower()


def resolve_in_model(ref: FirmwareRef, entries: Iterable[CplEntry], role: str) -> CplEntry:
    """The one entry of the device model that `ref` names, or a clear error.

    A hex version is matched first; when it matches nothing, the same text is tried as a name.
    """
    assert ref.device_model is not None
    own = [e for e in entries if e.device_model == ref.device_model]
    if not own:
        raise NotFound(f"device model {ref.device_model} ({role}) has no entry on the CPL")
    hex_version = ref.version.upper() if _HEX_VERSION.fullmatch(ref.version) else None
    builds = [e for e in own if e.firmware_version == hex_version]
    if not builds:
        builds = [e for e in own if _name_matches(e, ref.version)]
    if not builds:
        known = sorted(own, key=lambda e: (e.firmware_number, entry_id_order(e.cpl_entry_id)))
        names = ", ".join(
            dict.fromkeys(f"{e.firmware_version_name or '?'} ({e.firmware_version})" for e in known)
        )
        raise NotFound(
            f"device model {ref.device_model} has no firmware {ref.version!r} ({role}); "
            f"its versions: {names}"
        )
    if ref.hash_prefix:
        builds = [e for e in builds if e.manufacturer_image_hash.startswith(ref.hash_prefix)]
        if not builds:
            raise NotFound(
                f"no build of {ref.device_model}@{ref.version} has an image hash starting "
                f"{ref.hash_prefix} ({role})"
            )
    if len(builds) > 1:
        builds.sort(key=lambda e: entry_id_order(e.cpl_entry_id))
        listed = "; ".join(
            f"{e.cpl_entry_id} (hash {e.manufacturer_image_hash[:HASH_SHOWN]}, {e.status.value})"
            for e in builds
        )
        example = f"{ref.device_model}@{ref.version}#{builds[0].manufacturer_image_hash[:8]}"
        raise AmbiguousFirmware(
            f"{ref.text} ({role}) names {len(builds)} builds: {listed}. Pick one by its CPL "
            f"Entry ID or by a hash prefix, e.g. {example}",
            builds,
        )
    return builds[0]
