"""Submissions for the demo registry: device models picked from the demo CPL and the JSON a
manufacturer would send for a new build of one."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import cache
from typing import Any

from firpath.domain.entry import CplEntry, DeviceModel
from firpath.samples.catalogue import DEMO_ENTRIES, Catalogue, demo_catalogue


@cache
def catalogue() -> Catalogue:
    """The demo CPL the `demo` fixture loads."""
    return demo_catalogue(DEMO_ENTRIES, 231)


def maker() -> str:
    """The manufacturer id the demo manufacturer account acts for."""
    return catalogue().manufacturers[0].manufacturer_id


def models() -> dict[DeviceModel, list[CplEntry]]:
    """Every demo device model's entries, oldest firmware first."""
    found: dict[DeviceModel, list[CplEntry]] = defaultdict(list)
    for e in sorted(catalogue().entries, key=lambda e: (e.firmware_number, e.cpl_entry_id)):
        found[e.device_model].append(e)
    return found


def _twins(entries: list[CplEntry]) -> bool:
    names = Counter(e.firmware_version_name for e in entries)
    return any(n > 1 for n in names.values())


def pick(test: Callable[[DeviceModel, list[CplEntry]], bool]) -> tuple[DeviceModel, list[CplEntry]]:
    """The first demo device model (in-scope device type, named versions) that passes `test`."""
    for model, entries in models().items():
        named = all(e.firmware_version_name for e in entries)
        if entries[0].device_type.in_scope and named and test(model, entries):
            return model, entries
    raise AssertionError("the demo CPL has no such device model")


def own_model() -> tuple[DeviceModel, list[CplEntry]]:
    """A device model of the demo manufacturer: no twin builds, a removed entry, 4+ entries."""
    return pick(
        lambda m, es: (
            m.manufacturer_id == maker()
            and len(es) >= 4
            and not _twins(es)
            and any(not e.is_active for e in es)
            and es[-1].is_active
        )
    )


def twin_model() -> tuple[DeviceModel, list[CplEntry]]:
    """A device model of the demo manufacturer with one version built twice."""
    return pick(lambda m, es: m.manufacturer_id == maker() and _twins(es))


def other_maker_model() -> tuple[DeviceModel, list[CplEntry]]:
    """A device model of another manufacturer."""
    return pick(lambda m, es: m.manufacturer_id != maker())


def image_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest().upper()


def proposal(
    model: DeviceModel, entries: list[CplEntry], step: int = 1, **fields: Any
) -> dict[str, Any]:
    """A new build `step` above the model's newest version, upgraded to from that newest
    one (by its version name), with the four new fields, as hand-written JSON."""
    newest = entries[-1]
    version = f"{newest.firmware_number + step:08X}"
    body: dict[str, Any] = {
        "device_type": newest.device_type.value,
        "manufacturer_id": model.manufacturer_id,
        "model_id": model.model_id,
        "hardware_version": model.hardware_version,
        "firmware_version": version,
        "firmware_version_name": f"{newest.firmware_version_name}-p{step}",
        "manufacturer_image_hash": image_hash(f"{model}@{version}"),
        "upgrade_from": [newest.firmware_version_name],
        "zigbee_chipset_vendor": "Silicon Labs",
        "zigbee_stack_version": "EmberZNet 7.4.3",
        "zigbee_band": "2_4GHZ_ONLY",
    }
    body.update(fields)
    return body
