"""A realistic generated CPL: manufacturers, device models and their firmware histories.

Every pattern the upgrade semantics must handle appears: linear chains, "any earlier to
any later" models, required stepping-stone versions, a model re-based with N/A, removed
entries, one firmware version built twice (two hashes), and legacy entries whose
*upgrade from* and ZigBee fields were never provided.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from firpath.domain.band import ZigbeeBand
from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.manufacturer import Manufacturer
from firpath.domain.upgrade_from import UpgradeFrom
from firpath.domain.values import DeviceType, EntryStatus

DEMO_ENTRIES: Final = 1600  # the demo CPL's size
DEMO_SEED: Final = 231  # the demo CPL's seed (load_demo's default)

# The day SECMP0231 took effect in this demo: entries added before it are "existing".
NEW_FIELDS_FROM: Final = dt.date(2025, 6, 26)
FIRST_DAY: Final = dt.date(2016, 3, 1)
LAST_DAY: Final = dt.date(2026, 10, 30)

_MANUFACTURERS: Final = (
    ("Northbridge Metering", "Priya Shah"),
    ("Kelvin Smart Devices", "Tom Ellery"),
    ("Albion Energy Systems", "Grace Okafor"),
    ("Severn Instruments", "Huw Morgan"),
    ("Caledon Meters", "Fiona Reid"),
    ("Pennine Utility Tech", "Sam Whitaker"),
    ("Thames Grid Devices", "Amara Bello"),
    ("Lumen Home Displays", "Josh Patel"),
    ("Solent Comms", "Nadia Rahman"),
    ("Halden Gas Technology", "Owen Price"),
    ("Brightwater HAN", "Leah Fitzgerald"),
    ("Meridian Load Control", "Ian Campbell"),
)
_STACKS: Final = (
    ("Silicon Labs", ("EmberZNet 5.7.4", "EmberZNet 6.7.8", "EmberZNet 7.2.1", "EmberZNet 7.4.3")),
    ("Texas Instruments", ("Z-Stack 1.2.2", "Z-Stack 3.0.2", "Z-Stack 3.2.0")),
    ("NXP", ("JN-SW-4170 1.0", "JN-SW-4170 1.2")),
    ("Microchip", ("BitCloud 3.3", "BitCloud 4.0")),
    ("DSR", ("ZBOSS 3.5", "ZBOSS 3.11")),
)
# (device type, share of models, names)
_TYPES: Final = (
    (DeviceType.ESME, 0.30, ("Single Phase Meter", "Polyphase Meter", "Credit/Prepay Meter")),
    (DeviceType.GSME, 0.22, ("Gas Meter", "Ultrasonic Gas Meter")),
    (DeviceType.CH, 0.10, ("Comms Hub North", "Comms Hub Central/South")),
    (DeviceType.PPMID, 0.14, ("Prepayment Display",)),
    (DeviceType.HCALCS, 0.08, ("Auxiliary Load Switch",)),
    (DeviceType.SAPC, 0.06, ("EV Charger Controller", "Heat Pump Controller")),
    (DeviceType.IHD, 0.07, ("In-Home Display",)),
    (DeviceType.CAD, 0.03, ("Consumer Access Device",)),
)


class Pattern(StrEnum):
    """How a model's manufacturer allows upgrades."""

    CHAIN = "chain"  # each version from the one before (sometimes also from two before)
    ANY_EARLIER = "any_earlier"  # any earlier version to any later one
    STEPPING_STONE = "stepping_stone"  # later versions only from a required middle version
    REBASED = "rebased"  # a new base (N/A) part-way: older devices cannot follow


@dataclass
class _Build:
    key: int
    version: tuple[int, int, int]
    variant: int
    day: dt.date
    removed: bool
    sources: list[int] | None  # None = N/A
    legacy: bool
    entry_id: str = ""


@dataclass(frozen=True, slots=True)
class Catalogue:
    """A generated CPL."""

    entries: list[CplEntry]
    manufacturers: list[Manufacturer]
    patterns: dict[DeviceModel, Pattern] = field(default_factory=dict)


def _hash(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest().upper()


def _versions(rng: random.Random, count: int) -> list[tuple[int, int, int]]:
    major, minor, patch = rng.randint(1, 3), rng.randint(0, 4), 0
    out: list[tuple[int, int, int]] = []
    for _ in range(count):
        step = rng.random()
        if step < 0.15:
            major, minor, patch = major + 1, 0, 0
        elif step < 0.55:
            minor, patch = minor + 1, 0
        else:
            patch += rng.randint(1, 3)
        out.append((min(major, 255), min(minor, 255), min(patch, 255)))
    return out


def _model_builds(
    rng: random.Random, pattern: Pattern, count: int, backfilled: bool, next_key: int
) -> list[_Build]:
    versions = _versions(rng, count)
    span = (LAST_DAY - FIRST_DAY).days
    start = rng.randint(0, span // 2)
    days = sorted(rng.randint(start, span) for _ in versions)
    builds: list[_Build] = []
    by_version: list[list[_Build]] = []
    stone = count // 2
    rebase = max(2, count * 2 // 3)
    for i, (version, offset) in enumerate(zip(versions, days, strict=True)):
        day = FIRST_DAY + dt.timedelta(days=offset)
        earlier = [b.key for group in by_version for b in group]
        previous = [b.key for b in by_version[-1]] if by_version else []
        sources: list[int] | None
        if i == 0 or (pattern is Pattern.REBASED and i == rebase):
            sources = None
        elif pattern is Pattern.ANY_EARLIER:
            sources = earlier
        elif pattern is Pattern.STEPPING_STONE and i > stone:
            sources = [b.key for group in by_version[stone:] for b in group]
        elif pattern is Pattern.STEPPING_STONE:
            sources = earlier
        else:
            # sometimes also from two versions back, but never past a new (N/A) base
            past_base = pattern is Pattern.REBASED and i == rebase + 1
            skip = len(by_version) > 1 and not past_base and rng.random() < 0.3
            sources = previous + ([b.key for b in by_version[-2]] if skip else [])
        legacy = day < NEW_FIELDS_FROM and not backfilled
        variants = 2 if i > 0 and rng.random() < 0.06 else 1
        group = []
        for variant in range(variants):
            removed = i < count - 1 and rng.random() < 0.06
            if pattern is Pattern.STEPPING_STONE and i == stone:
                removed = False
            group.append(_Build(next_key, version, variant, day, removed, sources, legacy))
            next_key += 1
        by_version.append(group)
        builds.extend(group)
    return builds


def _band(rng: random.Random, device_type: DeviceType, legacy: bool) -> ZigbeeBand | None:
    if device_type is DeviceType.CH:
        return rng.choice((ZigbeeBand.DUAL_BAND, ZigbeeBand.DUAL_BAND, ZigbeeBand.ONLY_2_4GHZ))
    if legacy:
        # the old optional field: often empty, sometimes the legacy values
        return rng.choice((None, None, ZigbeeBand.ONLY_2_4GHZ, ZigbeeBand.MULTI_MAC_UNSTATED))
    return rng.choice(
        (
            ZigbeeBand.ONLY_2_4GHZ,
            ZigbeeBand.ONLY_2_4GHZ,
            ZigbeeBand.MULTI_MAC_AUTO,
            ZigbeeBand.MULTI_MAC_MANUAL,
            ZigbeeBand.MULTI_MAC_EITHER,
            ZigbeeBand.SUB_GHZ_ONLY,
        )
    )


def demo_catalogue(entries: int = 1600, seed: int = 231) -> Catalogue:
    """A CPL of about `entries` entries (at least that many), the same for the same seed."""
    rng = random.Random(seed)
    makers = [
        Manufacturer(
            f"{0x1000 + 0x111 * i:04X}",
            name,
            contact,
            f"{contact.split()[0].lower()}@{name.split()[0].lower()}.example",
            f"+44 20 7946 {i:04d}",
        )
        for i, (name, contact) in enumerate(_MANUFACTURERS)
    ]
    all_builds: list[tuple[DeviceModel, DeviceType, str, str, tuple[str, str], _Build]] = []
    patterns: dict[DeviceModel, Pattern] = {}
    models_made = 0
    key = 0
    forced = list(Pattern)  # each pattern at least once, early
    while len(all_builds) < entries:
        maker = makers[models_made % len(makers)]
        device_type, names = _pick_type(rng, models_made)
        model = DeviceModel(
            maker.manufacturer_id,
            f"{0x0100 + models_made // len(makers):04X}",
            f"{rng.choice((1, 1, 2, 3)):04X}",
        )
        pattern = (
            forced.pop(0)
            if forced
            else rng.choices(list(Pattern), weights=(0.5, 0.2, 0.15, 0.15))[0]
        )
        count = rng.randint(6, 30) if pattern is not Pattern.CHAIN else rng.randint(3, 24)
        backfilled = rng.random() < 0.6 and models_made % 7 != 3
        vendor, stacks = rng.choice(_STACKS)
        builds = _model_builds(rng, pattern, count, backfilled, key)
        key += len(builds)
        patterns[model] = pattern
        model_name = f"{rng.choice(names)} {chr(65 + models_made % 26)}{models_made // 26 + 1}"
        stack_at = sorted(rng.sample(range(1, count + 1), k=min(len(stacks) - 1, count - 1)))
        for b in builds:
            stack = stacks[sum(1 for s in stack_at if s <= b.key - builds[0].key)]
            all_builds.append(
                (model, device_type, model_name, maker.manufacturer_name or "", (vendor, stack), b)
            )
        models_made += 1
    all_builds.sort(key=lambda t: (t[5].day, t[0], t[5].version, t[5].variant))
    by_key: dict[int, _Build] = {}
    for number, item in enumerate(all_builds, start=10001):
        item[5].entry_id = str(number)
        by_key[item[5].key] = item[5]
    made: list[CplEntry] = []
    for model, device_type, model_name, maker_name, (vendor, stack), b in all_builds:
        major, minor, patch = b.version
        if b.legacy:
            upgrade_from = UpgradeFrom.UNKNOWN
        elif b.sources is None or not b.sources:
            upgrade_from = UpgradeFrom.NOT_APPLICABLE
        else:
            upgrade_from = UpgradeFrom.of(*(by_key[k].entry_id for k in b.sources))
        made.append(
            CplEntry(
                cpl_entry_id=b.entry_id,
                device_type=device_type,
                manufacturer_id=model.manufacturer_id,
                model_id=model.model_id,
                hardware_version=model.hardware_version,
                firmware_version=f"01{major:02X}{minor:02X}{patch:02X}",
                manufacturer_image_hash=_hash(seed, model, b.version, b.variant),
                status=EntryStatus.REMOVED if b.removed else EntryStatus.ACTIVE,
                upgrade_from=upgrade_from,
                manufacturer_name=maker_name,
                model_name=model_name,
                firmware_version_name=f"{major}.{minor}.{patch}",
                zigbee_chipset_vendor=None if b.legacy else vendor,
                zigbee_stack_version=None if b.legacy else stack,
                zigbee_band=_band(rng, device_type, b.legacy),
                date_added=b.day,
                notes="second build of this version" if b.variant else None,
                release_date=None if b.legacy else b.day - dt.timedelta(days=rng.randint(7, 60)),
                release_notes=None
                if b.legacy
                else f"Release {major}.{minor}.{patch}: fixes and improvements",
                smets_chts_version=None
                if b.legacy
                else ("CHTS v1.2" if device_type is DeviceType.CH else "SMETS2 v5.0"),
                gbcs_version=None if b.legacy else rng.choice(("v3.2", "v4.0", "v4.1")),
            )
        )
    return Catalogue(made, makers, patterns)


def _pick_type(rng: random.Random, index: int) -> tuple[DeviceType, tuple[str, ...]]:
    if index < len(_TYPES):  # every device type at least once
        return _TYPES[index][0], _TYPES[index][2]
    weights = [t[1] for t in _TYPES]
    chosen = rng.choices(_TYPES, weights=weights)[0]
    return chosen[0], chosen[2]
