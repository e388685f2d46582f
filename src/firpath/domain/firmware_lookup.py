"""Resolving what a meter runs: by CPL Entry ID, or by device model + version (+ hash)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from firpath.domain import values
from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.errors import FieldInvalid
from firpath.domain.upgrade_graph import ModelGraph, group_by_model
from firpath.domain.values import entry_id_order


class Resolution(StrEnum):
    """How a meter's firmware matched the CPL."""

    FOUND = "found"
    UNKNOWN_FIRMWARE = "unknown_firmware"  # nothing on the CPL matches
    AMBIGUOUS = "ambiguous"  # the version matches several builds and no hash tells them apart


@dataclass(frozen=True, slots=True)
class Match:
    """The result of resolving one meter's firmware."""

    resolution: Resolution
    entry: CplEntry | None = None
    candidates: tuple[str, ...] = ()
    device_model: DeviceModel | None = None  # known even when the build is ambiguous


@dataclass(frozen=True, slots=True)
class FirmwareGiven:
    """What a fleet row says its meter runs, as given: its CPL Entry ID (`by_entry_id`), or
    its device model and firmware version (hex, or else its name) with an optional image hash
    ("" = not given)."""

    by_entry_id: bool
    cpl_entry_id: str = ""
    manufacturer_id: str = ""
    model_id: str = ""
    hardware_version: str = ""
    firmware_version: str = ""
    manufacturer_image_hash: str = ""
    firmware_version_name: str = ""

    @property
    def by_name(self) -> bool:
        """Whether the row names its firmware only by its version name (a hex version, even a
        malformed one, decides when both are given)."""
        return (
            not self.by_entry_id
            and not self.firmware_version.strip()
            and bool(self.firmware_version_name.strip())
        )


def name_key(name: str) -> str:
    """A firmware version name as it is matched: trimmed, case ignored."""
    return name.strip().lower()


class FirmwareIndex:
    """Every entry, indexed for resolution, with one upgrade graph per device model."""

    def __init__(self, entries: Iterable[CplEntry]) -> None:
        self.by_id: dict[str, CplEntry] = {}
        self.by_version: dict[tuple[DeviceModel, str], list[CplEntry]] = defaultdict(list)
        self.by_name: dict[tuple[DeviceModel, str], list[CplEntry]] = defaultdict(list)
        for e in entries:
            self.by_id[e.cpl_entry_id] = e
            self.by_version[(e.device_model, e.firmware_version)].append(e)
            if e.firmware_version_name and e.firmware_version_name.strip():
                self.by_name[(e.device_model, name_key(e.firmware_version_name))].append(e)
        self.graphs: dict[DeviceModel, ModelGraph] = {
            model: ModelGraph(model, group)
            for model, group in group_by_model(self.by_id.values()).items()
        }

    def graph_of(self, entry: CplEntry) -> ModelGraph:
        """The upgrade graph of an entry's device model."""
        return self.graphs[entry.device_model]

    def resolve(self, given: FirmwareGiven) -> Match:
        """Resolve what a fleet row gives (its CPL Entry ID, or its model and version)."""
        if given.by_entry_id:
            return self.by_entry_id(given.cpl_entry_id)
        if given.by_name:
            return self.by_model_name(
                given.manufacturer_id,
                given.model_id,
                given.hardware_version,
                given.firmware_version_name,
                given.manufacturer_image_hash,
            )
        return self.by_model_version(
            given.manufacturer_id,
            given.model_id,
            given.hardware_version,
            given.firmware_version,
            given.manufacturer_image_hash,
        )

    def by_entry_id(self, raw: str) -> Match:
        """Resolve a CPL Entry ID (case ignored); malformed or absent is unknown firmware."""
        try:
            entry = self.by_id.get(values.cpl_entry_id(raw))
        except FieldInvalid:
            entry = None
        if entry is None:
            return Match(Resolution.UNKNOWN_FIRMWARE)
        return Match(Resolution.FOUND, entry, device_model=entry.device_model)

    def by_model_version(
        self,
        manufacturer_id: str,
        model_id: str,
        hardware_version: str,
        firmware_version: str,
        image_hash: str | None = None,
    ) -> Match:
        """Resolve device model + firmware version, using the hash when given or needed."""
        try:
            model = DeviceModel(
                values.manufacturer_id(manufacturer_id),
                values.model_id(model_id),
                values.hardware_version(hardware_version),
            )
            version = values.firmware_version(firmware_version)
            wanted = (
                values.image_hash_or_prefix(image_hash)
                if image_hash and image_hash.strip()
                else None
            )
        except FieldInvalid:
            return Match(Resolution.UNKNOWN_FIRMWARE)
        return _pick(model, self.by_version.get((model, version), []), wanted)

    def by_model_name(
        self,
        manufacturer_id: str,
        model_id: str,
        hardware_version: str,
        name: str,
        image_hash: str | None = None,
    ) -> Match:
        """Resolve device model + firmware version name (trimmed, case ignored), using the
        hash when given or needed."""
        try:
            model = DeviceModel(
                values.manufacturer_id(manufacturer_id),
                values.model_id(model_id),
                values.hardware_version(hardware_version),
            )
            wanted = (
                values.image_hash_or_prefix(image_hash)
                if image_hash and image_hash.strip()
                else None
            )
        except FieldInvalid:
            return Match(Resolution.UNKNOWN_FIRMWARE)
        return _pick(model, self.by_name.get((model, name_key(name)), []), wanted)


def _pick(model: DeviceModel, builds: list[CplEntry], wanted: str | None) -> Match:
    """The one build of `builds` (the one whose hash is or starts with `wanted` when given):
    found, ambiguous between several, or unknown when none is left."""
    if wanted is not None:
        builds = [b for b in builds if b.manufacturer_image_hash.startswith(wanted)]
    if not builds:
        return Match(Resolution.UNKNOWN_FIRMWARE)
    if len(builds) > 1:
        return Match(
            Resolution.AMBIGUOUS,
            candidates=tuple(sorted((b.cpl_entry_id for b in builds), key=entry_id_order)),
            device_model=model,
        )
    return Match(Resolution.FOUND, builds[0], device_model=model)
