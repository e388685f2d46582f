"""ZigBee OTA upgrade files made to order: for the demo (an image of a demo CPL entry, to try
`verify-image` on) and for tests. Real images come from manufacturers; these carry a tiny
Manufacturer Image and a dummy signature."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.upgrade_graph import ModelGraph, PathStatus
from firpath.io.ota_image import (
    BASE_HEADER,
    DEVICE_SPECIFIC_FILE,
    HARDWARE_VERSIONS_PRESENT,
    OTA_FILE_IDENTIFIER,
    OTA_HEADER_VERSION,
    SECURITY_CREDENTIAL_PRESENT,
    SIGNATURE_MARK,
    SUB_ELEMENT,
    UPGRADE_IMAGE_TAG,
)

DUMMY_SIGNATURE: Final = bytes(range(64))
ZIGBEE_PRO: Final = 0x0002


def upgrade_image(manufacturer_image: bytes, signature: bytes = DUMMY_SIGNATURE) -> bytes:
    """Manufacturer Image ‖ 1 octet ‖ 0x40 ‖ 64-octet signature (GBCS 11.2.2)."""
    return manufacturer_image + bytes([0x00, SIGNATURE_MARK]) + signature


@dataclass(frozen=True, slots=True)
class OtaFileSpec:
    """The header fields of an OTA file to make (optional fields None: absent)."""

    manufacturer_code: int
    file_version: int
    image_type: int = 0x0001
    stack_version: int = ZIGBEE_PRO
    header_string: bytes = b"firpath sample image"
    header_version: int = OTA_HEADER_VERSION
    security_credential_version: int | None = None
    upgrade_file_destination: int | None = None
    hardware_versions: tuple[int, int] | None = None


def ota_file(
    spec: OtaFileSpec,
    manufacturer_image: bytes,
    framing: Literal["gbcs", "sub_element"] = "gbcs",
    other_sub_elements: Iterable[tuple[int, bytes]] = (),
) -> bytes:
    """A whole OTA file: the header, then the Upgrade Image directly (GBCS) or in a tag 0x0000
    sub-element followed by `other_sub_elements` (tag, data)."""
    payload = upgrade_image(manufacturer_image)
    if framing == "sub_element":
        payload = SUB_ELEMENT.pack(UPGRADE_IMAGE_TAG, len(payload)) + payload
        for tag, data in other_sub_elements:
            payload += SUB_ELEMENT.pack(tag, len(data)) + data
    control, optional = 0, b""
    if spec.security_credential_version is not None:
        control |= SECURITY_CREDENTIAL_PRESENT
        optional += bytes([spec.security_credential_version])
    if spec.upgrade_file_destination is not None:
        control |= DEVICE_SPECIFIC_FILE
        optional += spec.upgrade_file_destination.to_bytes(8, "little")
    if spec.hardware_versions is not None:
        control |= HARDWARE_VERSIONS_PRESENT
        optional += struct.pack("<HH", *spec.hardware_versions)
    length = BASE_HEADER.size + len(optional)
    header = BASE_HEADER.pack(
        OTA_FILE_IDENTIFIER,
        spec.header_version,
        length,
        control,
        spec.manufacturer_code,
        spec.image_type,
        spec.file_version,
        spec.stack_version,
        spec.header_string.ljust(32, b"\x00")[:32],
        length + len(payload),
    )
    return header + optional + payload


def entry_spec(entry: CplEntry, **changes: object) -> OtaFileSpec:
    """The header of an image for `entry`: its manufacturer id and firmware version."""
    fields: dict[str, object] = {
        "manufacturer_code": int(entry.manufacturer_id, 16),
        "file_version": int(entry.firmware_version, 16),
        "header_string": f"{entry.model_name or entry.model_id} "
        f"{entry.firmware_version_name or entry.firmware_version}".encode()[:32],
    }
    fields.update(changes)
    return OtaFileSpec(**fields)  # type: ignore[arg-type]


def demo_manufacturer_image(entry: CplEntry, seed: int = 231) -> bytes | None:
    """The Manufacturer Image whose SHA-256 is a demo CPL entry's hash (the demo catalogue
    hashes a short text per build), or None for an entry the demo did not make."""
    version = int(entry.firmware_version, 16)
    parts = ((version >> 16) & 0xFF, (version >> 8) & 0xFF, version & 0xFF)
    for variant in range(4):
        text = "|".join(map(str, (seed, entry.device_model, parts, variant))).encode()
        if hashlib.sha256(text).hexdigest().upper() == entry.manufacturer_image_hash:
            return text
    return None


@dataclass(frozen=True, slots=True)
class SampleImage:
    """One sample OTA file: its name, its bytes and what `verify-image` should say of it."""

    name: str
    content: bytes
    about: str


def demo_images(entries: Iterable[CplEntry], seed: int = 231) -> list[SampleImage]:
    """OTA files for trying `verify-image` on the demo CPL: a match in each framing, a
    mismatch, an image not on the CPL and a removed entry's image."""
    by_model: dict[DeviceModel, list[CplEntry]] = {}
    for e in entries:
        by_model.setdefault(e.device_model, []).append(e)
    latest, before, far = _two_step_route(by_model)
    removed = next((e for es in by_model.values() for e in es if not e.is_active), None)
    made: list[SampleImage] = []

    def add(
        name: str,
        entry: CplEntry,
        about: str,
        header: dict[str, object] | None = None,
        framing: Literal["gbcs", "sub_element"] = "gbcs",
        extra: Iterable[tuple[int, bytes]] = (),
        suffix: bytes = b"",
    ) -> None:
        image = demo_manufacturer_image(entry, seed)
        if image is not None:
            spec = entry_spec(entry, **(header or {}))
            made.append(SampleImage(name, ota_file(spec, image + suffix, framing, extra), about))

    add(
        f"{latest.cpl_entry_id}-match.ota",
        latest,
        f"match: CPL entry {latest.cpl_entry_id}; with --from {before.cpl_entry_id} it is the "
        f"next step, with --from {far.cpl_entry_id} not yet",
    )
    add(
        f"{latest.cpl_entry_id}-match-sub-element.ota",
        latest,
        f"match (Upgrade Image in sub-element 0x0000 beside a signature): {latest.cpl_entry_id}",
        {"hardware_versions": (int(latest.hardware_version, 16),) * 2},
        "sub_element",
        [(0x0001, bytes(50))],
    )
    add(
        f"{latest.cpl_entry_id}-wrong-version.ota",
        latest,
        f"mismatch: {latest.cpl_entry_id}'s image under another file version in its header",
        {"file_version": int(latest.firmware_version, 16) + 1},
    )
    add(
        f"{latest.cpl_entry_id}-rebuilt.ota",
        latest,
        f"no_match: a rebuild of {latest.cpl_entry_id}'s version, a hash on no entry",
        suffix=b" rebuilt",
    )
    if removed is not None:
        add(
            f"{removed.cpl_entry_id}-removed.ota",
            removed,
            f"match with a warning: {removed.cpl_entry_id} is removed from the CPL",
        )
    return made


def _two_step_route(
    by_model: dict[DeviceModel, list[CplEntry]],
) -> tuple[CplEntry, CplEntry, CplEntry]:
    """(latest, an entry one step before it, an entry two or more steps before it) of the
    first device model that has them (else the largest model's latest three times)."""
    for model in sorted(by_model):
        graph = ModelGraph(model, by_model[model])
        latest = graph.latest()
        if latest is None:
            continue
        for source in sorted(by_model[model], key=lambda e: e.firmware_number):
            path = graph.plan_path(source.cpl_entry_id, latest.cpl_entry_id)
            if path.status is PathStatus.OK and len(path.steps) >= 2:
                return latest, path.steps[-2], source
    biggest = max(by_model.values(), key=len)
    top = max(biggest, key=lambda e: e.firmware_number)
    return top, top, top
