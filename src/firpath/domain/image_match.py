"""Does an OTA image agree with the CPL? Match its manufacturer code, file version and
Manufacturer Image hash against the entries (DESIGN section 9)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.path_explanation import entry_label
from firpath.domain.values import entry_id_order


class MatchStatus(StrEnum):
    """How an image stands against the CPL."""

    MATCH = "match"  # one entry agrees on manufacturer id, firmware version and hash
    MISMATCH = "mismatch"  # the hash is on the CPL but a header field disagrees with it
    NO_MATCH = "no_match"  # the hash is on no entry


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One CPL column on which the image and the entry disagree, with both values."""

    field: str
    image: str
    cpl: str


@dataclass(frozen=True, slots=True)
class ImageMatch:
    """The entry the image is (or is closest to), what disagrees, and the entries to know of."""

    status: MatchStatus
    entry: CplEntry | None  # the matched entry, or the hash's entry closest to the header
    problems: tuple[FieldProblem, ...] = ()
    also_matching: tuple[CplEntry, ...] = ()  # other entries the same image agrees with
    same_version: tuple[CplEntry, ...] = ()  # no_match: entries of this maker and version


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """What the image says of itself: header fields in CPL notation and the computed hash."""

    manufacturer_id: str  # 4 hex
    firmware_version: str  # 8 hex
    manufacturer_image_hash: str  # 64 hex


def _problems(image: ImageFacts, entry: CplEntry) -> tuple[FieldProblem, ...]:
    pairs = (
        ("manufacturer_id", image.manufacturer_id, entry.manufacturer_id),
        ("firmware_version", image.firmware_version, entry.firmware_version),
    )
    return tuple(FieldProblem(f, mine, theirs) for f, mine, theirs in pairs if mine != theirs)


def hardware_fits(entry: CplEntry, minimum: int | None, maximum: int | None) -> bool:
    """Whether the entry's hardware version is inside the header's range (no range: yes)."""
    if minimum is None or maximum is None:
        return True
    return minimum <= int(entry.hardware_version, 16) <= maximum


def match_image(
    image: ImageFacts,
    with_hash: Iterable[CplEntry],
    same_version: Iterable[CplEntry] = (),
    prefer_model: DeviceModel | None = None,
    hardware: tuple[int | None, int | None] = (None, None),
) -> ImageMatch:
    """The image against the entries carrying its hash (`with_hash`) and, for a hash on no
    entry, the entries of its manufacturer and firmware version (`same_version`).

    Several entries may carry one image (one build for several hardware versions): the one of
    `prefer_model` (the meter's device model) comes first, then one whose hardware version is
    in the header's `hardware` range (minimum, maximum), then active before removed, then by
    CPL Entry ID; the rest are listed as also matching.
    """

    def rank(entry: CplEntry) -> tuple[int, int, int, int, tuple[int, int, str]]:
        return (
            len(_problems(image, entry)),
            0 if entry.device_model == prefer_model else 1,
            0 if hardware_fits(entry, *hardware) else 1,
            0 if entry.is_active else 1,
            entry_id_order(entry.cpl_entry_id),
        )

    carriers = sorted(with_hash, key=rank)
    if not carriers:
        others = sorted(  # the meter's device model first
            (e for e in same_version if e.manufacturer_image_hash != image.manufacturer_image_hash),
            key=lambda e: (e.device_model != prefer_model, entry_id_order(e.cpl_entry_id)),
        )
        return ImageMatch(MatchStatus.NO_MATCH, None, same_version=tuple(others))
    best = carriers[0]
    problems = _problems(image, best)
    if problems:
        return ImageMatch(MatchStatus.MISMATCH, best, problems)
    also = tuple(e for e in carriers[1:] if not _problems(image, e))
    return ImageMatch(MatchStatus.MATCH, best, also_matching=also)


def _entry_words(entry: CplEntry) -> str:
    names = " ".join(n for n in (entry.manufacturer_name, entry.model_name) if n)
    model = f"{names} ({entry.device_model})" if names else f"device model {entry.device_model}"
    return f"CPL entry {entry_label(entry)}, {model}"


def match_summary(found: ImageMatch, image: ImageFacts) -> str:
    """One or two sentences on what the image is and what to do, in the CPL's terms."""
    if found.status is MatchStatus.MATCH:
        assert found.entry is not None
        also = (
            " The same image is also "
            + ", ".join(e.cpl_entry_id for e in found.also_matching)
            + " (other device models or hardware versions)."
            if found.also_matching
            else ""
        )
        return (
            f"This image is {_entry_words(found.entry)}: manufacturer id, firmware version and "
            f"image hash agree.{also}"
        )
    if found.status is MatchStatus.MISMATCH:
        assert found.entry is not None
        fields = "; ".join(f"{p.field}: image {p.image}, CPL {p.cpl}" for p in found.problems)
        return (
            f"The image's hash is that of {_entry_words(found.entry)}, but its OTA header "
            f"disagrees with the entry ({fields}). Do not send it: the header is what the meter "
            "checks; ask the manufacturer for a correctly labelled image."
        )
    if found.same_version:
        listed = "; ".join(
            f"{e.model_name or 'model'} {e.device_model}: {e.cpl_entry_id} "
            f"(hash {e.manufacturer_image_hash[:12]}...)"
            for e in found.same_version
        )
        return (
            f"No CPL entry has this image's hash. The CPL lists manufacturer "
            f"{image.manufacturer_id}'s firmware {image.firmware_version} for {listed}; each "
            "is another image than this file. Do not send it; get the image the CPL lists for "
            "the meter's device model."
        )
    return (
        f"No CPL entry has this image's hash (manufacturer {image.manufacturer_id}, firmware "
        f"{image.firmware_version}): it is not an image on the CPL. Do not send it."
    )


def hardware_warning(entry: CplEntry, minimum: int | None, maximum: int | None) -> str | None:
    """A warning when the image's header limits it to hardware versions that leave out the
    entry's hardware version (both are 2-octet values: 4 hex digits)."""
    if minimum is None or maximum is None or hardware_fits(entry, minimum, maximum):
        return None
    return (
        f"the image's header limits it to hardware versions {minimum:04X} to {maximum:04X}, "
        f"but CPL entry {entry.cpl_entry_id} is hardware version {entry.hardware_version}: a "
        "meter of that hardware may refuse the image; ask the manufacturer"
    )
