"""The forms a submission's *upgrade from* may take before the entry has an ID: earlier
firmware by CPL Entry ID, by firmware version name or hex of the same device model, "N/A", or
every earlier active entry; and resolving them to CPL Entry IDs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from firpath.domain import values
from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.errors import Defect, FieldInvalid, NotFound, clip
from firpath.domain.firmware_ref import (
    HASH_SHOWN,
    AmbiguousFirmware,
    FirmwareRef,
    resolve_in_model,
)
from firpath.domain.upgrade_from import NOT_APPLICABLE_TEXT
from firpath.domain.values import entry_id_order

ALL_EARLIER: Final = "all_earlier"
MAX_REFERENCES: Final = 1000  # earlier builds one submission may name
VERSIONS_LISTED: Final = 20  # of a device model, in a "no such firmware" message
_SEPARATORS: Final = re.compile(r"[;,\s]+")
_PREFIXED_HEX: Final = re.compile(r"0[xX][0-9A-Fa-f]{8}")
UPGRADE_FROM_FORMS: Final = (
    "a list of CPL Entry IDs or firmware versions (name or 8 hex digits) of the same device "
    'model, "N/A" (nothing may be upgraded to it), or {"all_earlier": true}'
)


class UpgradeFromForm(StrEnum):
    """How a submitter stated which earlier firmware may be upgraded to the new entry."""

    ENTRIES = "entries"  # CPL Entry IDs, firmware version names or hex: resolved to IDs
    NOT_APPLICABLE = "na"  # nothing may be upgraded to it
    ALL_EARLIER = "all_earlier"  # every active entry with a lower version, when approved
    NOT_GIVEN = "not_given"


@dataclass(frozen=True, slots=True)
class UpgradeFromRequest:
    """A submission's *upgrade from* as given, before resolution to CPL Entry IDs."""

    form: UpgradeFromForm
    references: tuple[str, ...] = ()


def upgrade_from_request(value: object) -> UpgradeFromRequest:
    """Read the JSON forms of a submission's *upgrade from* (FieldInvalid when none fits).

    A list holds one earlier firmware per item; a string is split like the CPL file's cell
    (`;`, `,` or spaces); null or "" is not given.
    """
    if value is None:
        return UpgradeFromRequest(UpgradeFromForm.NOT_GIVEN)
    if isinstance(value, dict):
        return _all_earlier(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return UpgradeFromRequest(UpgradeFromForm.NOT_GIVEN)
        if text.upper() == NOT_APPLICABLE_TEXT:
            return UpgradeFromRequest(UpgradeFromForm.NOT_APPLICABLE)
        if text.lower().replace(" ", "_") in (ALL_EARLIER, "all"):
            raise FieldInvalid(
                "upgrade_from", value, 'for every earlier version write {"all_earlier": true}'
            )
        return _references("upgrade_from", value, [p for p in _SEPARATORS.split(text) if p])
    if isinstance(value, list):
        if not value:
            raise FieldInvalid(
                "upgrade_from", "[]", f"an empty list says nothing: give {UPGRADE_FROM_FORMS}"
            )
        items = [item.strip() for item in value if isinstance(item, str) and item.strip()]
        if len(items) != len(value):
            raise FieldInvalid(
                "upgrade_from",
                _shown(value),
                "every item of the list must be a non-empty string (a CPL Entry ID or a "
                "firmware version)",
            )
        if len(items) == 1 and items[0].upper() == NOT_APPLICABLE_TEXT:
            return UpgradeFromRequest(UpgradeFromForm.NOT_APPLICABLE)
        return _references("upgrade_from", ";".join(items), items)
    raise FieldInvalid("upgrade_from", _shown(value), f"must be {UPGRADE_FROM_FORMS}")


def _all_earlier(value: dict[Any, Any]) -> UpgradeFromRequest:
    if set(value) != {ALL_EARLIER}:
        raise FieldInvalid(
            "upgrade_from",
            _shown(value),
            'an object here must be exactly {"all_earlier": true}; otherwise give '
            + UPGRADE_FROM_FORMS,
        )
    if value[ALL_EARLIER] is not True:
        raise FieldInvalid(
            "upgrade_from",
            _shown(value),
            '"all_earlier" must be true; to name some earlier versions list them instead',
        )
    return UpgradeFromRequest(UpgradeFromForm.ALL_EARLIER)


def _shown(value: object) -> str:
    """A JSON value as the submitter wrote it (clipped)."""
    try:
        return clip(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError):
        return clip(repr(value))


def _references(field: str, raw: str, items: Sequence[str]) -> UpgradeFromRequest:
    if any(item.upper() == NOT_APPLICABLE_TEXT for item in items):
        raise FieldInvalid(field, raw, "N/A must stand alone, not with earlier firmware")
    if len(items) > MAX_REFERENCES:
        raise FieldInvalid(
            field, raw, f"names {len(items)} earlier builds; at most {MAX_REFERENCES}"
        )
    return UpgradeFromRequest(UpgradeFromForm.ENTRIES, tuple(dict.fromkeys(items)))


@dataclass(frozen=True, slots=True)
class ReferenceMatch:
    """One earlier firmware as the submitter wrote it, and the entry it names."""

    given: str
    entry: CplEntry


def resolve_references(
    references: Sequence[str],
    model: DeviceModel,
    model_entries: Sequence[CplEntry],
    known: Mapping[str, CplEntry],
) -> tuple[list[ReferenceMatch], list[Defect]]:
    """Resolve each reference within the submission's device model: a CPL Entry ID of it, a
    firmware version (hex first, then name; `NAME#HASHPREFIX` picks one of twin builds).

    `known` holds any entry of another device model whose ID a reference spells, so the
    error can say which model it is of. A defect per reference that names no build, two or
    more builds, or an entry of another model.
    """
    by_id = {e.cpl_entry_id: e for e in model_entries}
    matches: list[ReferenceMatch] = []
    defects: list[Defect] = []
    for given in references:
        text = given.strip()
        entry_id = _as_entry_id(text)
        candidates = [by_id[entry_id]] if entry_id in by_id else []
        for build in _builds_named(text, model, model_entries):
            if build not in candidates:
                candidates.append(build)
        if len(candidates) == 1:
            matches.append(ReferenceMatch(text, candidates[0]))
        elif candidates:
            defects.append(_ambiguous(text, model, candidates))
        elif entry_id is not None and entry_id in known:
            other = known[entry_id]
            defects.append(
                _defect(
                    text,
                    f"{entry_id} is an entry of device model {other.device_model}, but this "
                    f"submission is device model {model}: firmware never changes hardware, "
                    "so an upgrade never leaves its device model",
                )
            )
        else:
            defects.append(_defect(text, _unknown(text, model, model_entries)))
    return matches, defects


def _as_entry_id(text: str) -> str | None:
    try:
        return values.cpl_entry_id(text, "upgrade_from")
    except FieldInvalid:
        return None


def _builds_named(
    text: str, model: DeviceModel, model_entries: Sequence[CplEntry]
) -> list[CplEntry]:
    """The builds a firmware version (hex, `0x` hex or name; `#HASHPREFIX` narrows) names."""
    version, _, prefix = text.partition("#")
    version, prefix = version.strip(), prefix.strip().upper()
    if _PREFIXED_HEX.fullmatch(version):
        version = version[2:]
    if not version or not model_entries or not re.fullmatch(r"[0-9A-F]{0,64}", prefix):
        return []
    ref = FirmwareRef(text, device_model=model, version=version, hash_prefix=prefix)
    try:
        return [resolve_in_model(ref, model_entries, "upgrade_from")]
    except AmbiguousFirmware as err:
        return list(err.candidates)
    except NotFound:
        return []


def _ambiguous(text: str, model: DeviceModel, candidates: list[CplEntry]) -> Defect:
    ordered = sorted(candidates, key=lambda e: entry_id_order(e.cpl_entry_id))
    listed = "; ".join(
        f"{e.cpl_entry_id} (version {e.firmware_version_name or '?'} = {e.firmware_version}, "
        f"hash {e.manufacturer_image_hash[:HASH_SHOWN]}, {e.status.value})"
        for e in ordered
    )
    first = ordered[0]
    name = first.firmware_version_name or first.firmware_version
    return _defect(
        text,
        f"{text!r} names {len(ordered)} builds of device model {model}: {listed}. Give the "
        f"CPL Entry ID of each one meant, or the version with a hash prefix, e.g. "
        f"{name}#{first.manufacturer_image_hash[:8]}",
    )


def _unknown(text: str, model: DeviceModel, model_entries: Sequence[CplEntry]) -> str:
    if not model_entries:
        return (
            f"device model {model} has no entry on the CPL yet, so nothing can be upgraded to "
            'this one: a first release takes "N/A"'
        )
    known = sorted(model_entries, key=lambda e: (e.firmware_number, entry_id_order(e.cpl_entry_id)))
    versions = list(
        dict.fromkeys(f"{e.firmware_version_name or '?'} ({e.firmware_version})" for e in known)
    )
    shown = versions[-VERSIONS_LISTED:]
    more = f"{len(versions) - len(shown)} older, then " if len(shown) < len(versions) else ""
    return (
        f"{text!r} is neither a CPL Entry ID nor a firmware version (name or 8 hex digits) of "
        f"device model {model}; its versions: {more}{', '.join(shown)}"
    )


def _defect(given: str, message: str) -> Defect:
    return Defect(message, None, "upgrade_from", None, given)


def earlier_entries(model_entries: Iterable[CplEntry], firmware_version: str) -> list[CplEntry]:
    """Every active entry with a lower firmware version (what {"all_earlier": true} means),
    oldest first."""
    limit = int(firmware_version, 16)
    earlier = [e for e in model_entries if e.is_active and e.firmware_number < limit]
    return sorted(earlier, key=lambda e: (e.firmware_number, entry_id_order(e.cpl_entry_id)))


def nothing_earlier(entry: CplEntry) -> Defect:
    """The defect of {"all_earlier": true} when the device model has nothing earlier."""
    return Defect(
        f"device model {entry.device_model} has no active entry with a firmware version lower "
        f"than {entry.firmware_version}, so there is nothing earlier to upgrade from: a first "
        'release takes "N/A"',
        None,
        "upgrade_from",
        None,
        '{"all_earlier": true}',
    )
