"""Check an OTA upgrade image against the CPL before it is sent (DESIGN section 9): its header,
its Manufacturer Image hash, the entry it is, and for a meter's current firmware whether it is
the next image to send."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Protocol

from sqlalchemy import Engine

from firpath.domain.entry import CplEntry
from firpath.domain.firmware_ref import FirmwareRef, parse_firmware_ref
from firpath.domain.image_match import (
    ImageFacts,
    ImageMatch,
    MatchStatus,
    hardware_fits,
    hardware_warning,
    match_image,
    match_summary,
)
from firpath.domain.image_step import NextStep, next_step
from firpath.domain.path_explanation import entry_label, version_label
from firpath.domain.upgrade_graph import PathStatus
from firpath.io.ota_image import OtaImage, read_ota_image
from firpath.services.paths import EntryLookup, StoredEntries, resolve_entry
from firpath.services.unit_of_work import read_transaction
from firpath.store import entries


class ImageLookup(EntryLookup, Protocol):
    """Where an image check finds entries: by hash and by version, besides a path's needs."""

    def with_hash(self, image_hash: str) -> list[CplEntry]: ...

    def with_version(self, manufacturer_id: str, firmware_version: str) -> list[CplEntry]: ...


class _StoredImageEntries(StoredEntries):
    """The lookup over one read transaction (the CLI)."""

    def with_hash(self, image_hash: str) -> list[CplEntry]:
        return entries.entries_with_hash(self._conn, image_hash)

    def with_version(self, manufacturer_id: str, firmware_version: str) -> list[CplEntry]:
        return entries.entries_with_version(self._conn, manufacturer_id, firmware_version)


@dataclass(frozen=True, slots=True)
class ImageCheck:
    """An image's header and hash, the CPL entry it is, and (given a meter's firmware) whether
    it is the next image to send."""

    image: OtaImage
    match: ImageMatch
    warnings: tuple[str, ...]
    next_step: NextStep | None
    contact: str | None  # whom to ask at `contact_for`
    contact_for: str  # the manufacturer id asked: the meter's, else the entry's, else the header's
    summary: str  # what the image is and what to do, in the CPL's terms
    hardware_excluded: bool = False  # the header's hardware range leaves out the entry's

    @property
    def safe_to_send(self) -> bool:
        """A match to an active entry (a removed one is never installed), and the next step
        for the meter when a meter's firmware was given."""
        entry = self.match.entry
        return (
            self.match.status is MatchStatus.MATCH
            and entry is not None
            and entry.is_active
            and not self.hardware_excluded
            and (self.next_step is None or self.next_step.is_next_step)
        )


def check_image(
    engine: Engine, stream: BinaryIO, name: str = "the file", source: str | None = None
) -> ImageCheck:
    """The image in `stream` against the stored CPL; `source` is what the meter runs now (an
    ID or `MFR/MODEL/HW@VERSION`), or None."""
    source_ref = None if source is None else parse_firmware_ref(source, "from")
    image = read_ota_image(stream, name)  # before the transaction: megabytes to hash
    with read_transaction(engine) as conn:
        return judge_image(_StoredImageEntries(conn), image, source_ref)


def check_image_in(
    lookup: ImageLookup, stream: BinaryIO, name: str = "the file", source: str | None = None
) -> ImageCheck:
    """`check_image` answered from an in-memory catalogue (the server's)."""
    source_ref = None if source is None else parse_firmware_ref(source, "from")
    return judge_image(lookup, read_ota_image(stream, name), source_ref)


def judge_image(lookup: ImageLookup, image: OtaImage, source_ref: FirmwareRef | None) -> ImageCheck:
    """A read image against the entries of `lookup`."""
    source = None if source_ref is None else resolve_entry(lookup, source_ref, "from")
    header = image.header
    hardware = (header.minimum_hardware_version, header.maximum_hardware_version)
    facts = ImageFacts(
        header.manufacturer_id, header.firmware_version, image.manufacturer_image_hash
    )
    carriers = lookup.with_hash(facts.manufacturer_image_hash)
    same_version = (
        lookup.with_version(facts.manufacturer_id, facts.firmware_version) if not carriers else []
    )
    found = match_image(
        facts,
        carriers,
        same_version,
        source.device_model if source is not None else None,
        hardware,
    )
    warnings = list(image.warnings())
    entry = found.entry
    if entry is not None:
        warnings.extend(_entry_warnings(lookup, entry, hardware))
    step = None
    if source is not None:
        fits = entry is None or hardware_fits(source, *hardware)
        usable = entry if found.status is MatchStatus.MATCH and fits else None
        step = next_step(
            source, usable, lookup.graph(source.device_model), _not_usable(found, fits)
        )
    # whom to ask: the meter's manufacturer, else the image's entry's, else the header's
    named = source or entry or (found.same_version[0] if found.same_version else None)
    asked = named.manufacturer_id if named else header.manufacturer_id
    maker = lookup.manufacturer(asked)
    excluded = entry is not None and not hardware_fits(entry, *hardware)
    return ImageCheck(
        image,
        found,
        tuple(warnings),
        step,
        maker.contact if maker else None,
        asked,
        match_summary(found, facts),
        excluded,
    )


def _not_usable(found: ImageMatch, hardware_fits_meter: bool) -> str:
    """Why a meter's next step is not this image, when the match itself says so."""
    entry = found.entry
    if found.status is MatchStatus.MISMATCH and entry is not None:
        return (
            f"This file holds {entry.cpl_entry_id}'s image, but its OTA header disagrees with "
            "that entry: it is not to be sent as it is."
        )
    if found.status is MatchStatus.MATCH and not hardware_fits_meter:
        return (
            "The image's header leaves out this meter's hardware version: the meter may refuse it."
        )
    return "This image is not a CPL entry's image."


def _entry_warnings(
    lookup: ImageLookup, entry: CplEntry, hardware: tuple[int | None, int | None]
) -> list[str]:
    """What to know of the entry the image is: hardware range, removal, twin builds, and
    whether a meter given it could go further."""
    found: list[str] = []
    outside = hardware_warning(entry, *hardware)
    if outside is not None:
        found.append(outside)
    if not entry.is_active:
        found.append(
            f"{entry_label(entry)} has been removed from the CPL: its image must not be "
            "installed on any meter."
        )
        return found
    graph = lookup.graph(entry.device_model)
    twins = [
        e
        for e in graph.entries.values()
        if e.firmware_version == entry.firmware_version
        and e.cpl_entry_id != entry.cpl_entry_id
        and e.is_active
    ]
    if twins:
        found.append(
            f"the CPL has another build of version {version_label(entry)} for this device "
            "model: "
            + ", ".join(
                f"{e.cpl_entry_id} (hash {e.manufacturer_image_hash[:12]}...)" for e in twins
            )
            + "; check which build the meter should get"
        )
    if graph.plan_to_latest(entry.cpl_entry_id).status is PathStatus.NO_PATH:
        found.append(
            f"a meter on {entry.cpl_entry_id} could go no further over the air: no path from it "
            "to its device model's latest version"
        )
    return found
