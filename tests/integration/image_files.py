"""OTA image files of demo CPL entries for the image-check tests (API and page): a matching
image in either framing, one whose header disagrees with its hash's entry, and files that are
no OTA image at all."""

from __future__ import annotations

import hashlib
from typing import Final, Literal

from firpath.domain.catalogue import Catalogue
from firpath.domain.entry import CplEntry
from firpath.samples.ota_files import OtaFileSpec, demo_manufacturer_image, entry_spec, ota_file
from firpath.services.warm_registry import WarmRegistry
from tests.api_harness import DemoRegistry

# demo entries (seed 231), all of device model 1555/0100/0003: 10039 -> 10047 -> 10104 ...;
# 10391 is removed; 11598 and 11599 are twin builds of firmware 01040402
SOURCE: Final = "10039"
NEXT: Final = "10047"
LATER: Final = "10104"
REMOVED: Final = "10391"
TWINS: Final = ("11598", "11599")
TWIN_VERSION: Final = "1555/0100/0003@01040402"
NOT_ON_THE_CPL: Final = b"a manufacturer image no CPL entry has"

Framing = Literal["gbcs", "sub_element"]


def catalogue(demo: DemoRegistry) -> Catalogue:
    """The demo registry's entries as the server holds them."""
    warm = WarmRegistry(demo.engine)
    return warm.catalogue(warm.state())


def entry(demo: DemoRegistry, entry_id: str) -> CplEntry:
    """One demo entry."""
    found = catalogue(demo).entry(entry_id)
    assert found is not None, entry_id
    return found


def image_of(found: CplEntry, framing: Framing = "gbcs", **header: object) -> bytes:
    """An OTA file whose Manufacturer Image hashes to the entry's hash; `header` changes the
    OTA header's fields (manufacturer_code, file_version, ...)."""
    made = demo_manufacturer_image(found)
    assert made is not None and hashlib.sha256(made).hexdigest().upper() == (
        found.manufacturer_image_hash
    )
    return ota_file(entry_spec(found, **header), made, framing)


def unknown_image(manufacturer_code: int, file_version: int) -> bytes:
    """An OTA file of a Manufacturer Image on no CPL entry, with this header."""
    return ota_file(OtaFileSpec(manufacturer_code, file_version), NOT_ON_THE_CPL)


def unreadable_files(demo: DemoRegistry) -> dict[str, tuple[bytes, str]]:
    """Files that are no OTA image, each with what its error message says."""
    good = image_of(entry(demo, SOURCE))
    return {
        "empty": (b"", "is empty"),
        "wrong magic": (b"PK\x03\x04" + good[4:], "not the OTA file identifier 0x0BEEF11E"),
        "truncated": (good[:-10], "truncated"),
        "inside the header": (good[:20], "truncated"),
    }
