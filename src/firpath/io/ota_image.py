"""ZigBee OTA upgrade files, read streaming: the OTA header (ZigBee OTA cluster), the Upgrade
Image (GBCS 11.2.2/11.2.3) and the SHA-256 of the Manufacturer Image inside it.

An OTA file is the header, then the Upgrade Image either directly (the GBCS construction) or
inside a ZigBee OTA sub-element with tag 0x0000 (maybe beside other sub-elements, such as a
signature or a certificate). The Upgrade Image is Manufacturer Image ‖ 1 octet ‖ 0x40 ‖
64-octet signature, so the Manufacturer Image is all of it but the last 66 octets.

Images are megabytes: the file is never held in memory, only read in chunks and seeked over.
Every way a file can be wrong is an `UnreadableImage` saying where and what, never a traceback.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from enum import StrEnum
from typing import BinaryIO, Final

from firpath.domain.control_chars import visible
from firpath.domain.errors import UnreadableFile

OTA_FILE_IDENTIFIER: Final = 0x0BEEF11E
OTA_HEADER_VERSION: Final = 0x0100
# identifier, header version, header length, field control, manufacturer code, image type,
# file version, stack version, header string, total image size
BASE_HEADER: Final = struct.Struct("<IHHHHHIH32sI")
SECURITY_CREDENTIAL_PRESENT: Final = 0x0001
DEVICE_SPECIFIC_FILE: Final = 0x0002
HARDWARE_VERSIONS_PRESENT: Final = 0x0004
KNOWN_FIELD_CONTROL: Final = 0x0007
SUB_ELEMENT: Final = struct.Struct("<HI")  # tag, length
UPGRADE_IMAGE_TAG: Final = 0x0000
MAX_SUB_ELEMENTS: Final = 64  # more than any OTA file has: past this it is not a sub-element list
SIGNATURE_TRAILER: Final = 66  # 1 octet, 0x40, 64-octet signature (GBCS 11.2.2)
SIGNATURE_MARK: Final = 0x40
CHUNK: Final = 1 << 20

STACK_VERSIONS: Final = {0: "ZigBee 2006", 1: "ZigBee 2007", 2: "ZigBee PRO", 3: "ZigBee IP"}
SECURITY_CREDENTIAL_VERSIONS: Final = {0: "SE 1.0", 1: "SE 1.1", 2: "SE 2.0", 3: "SE 1.2"}
IMAGE_TYPES: Final = {
    0xFFC0: "security credential",
    0xFFC1: "configuration",
    0xFFC2: "log",
    0xFFFF: "wildcard",
}
SUB_ELEMENT_TAGS: Final = {
    0x0000: "Upgrade Image",
    0x0001: "ECDSA signature",
    0x0002: "ECDSA signing certificate",
    0x0003: "image integrity code",
    0x0004: "picture data",
    0x0005: "ECDSA signature (crypto suite 2)",
    0x0006: "ECDSA signing certificate (crypto suite 2)",
}


class UnreadableImage(UnreadableFile):
    """A file that is not a well-formed ZigBee OTA upgrade image."""


class Framing(StrEnum):
    """Where the Upgrade Image sits after the OTA header."""

    GBCS = "gbcs"  # directly after the header (GBCS 11.2.3)
    SUB_ELEMENT = "sub_element"  # inside a ZigBee OTA sub-element with tag 0x0000


@dataclass(frozen=True, slots=True)
class OtaHeader:
    """The OTA header's fields as the file states them (optional ones None when absent)."""

    header_version: int
    header_length: int
    field_control: int
    manufacturer_code: int
    image_type: int
    file_version: int
    stack_version: int
    header_string: bytes
    total_image_size: int
    security_credential_version: int | None = None
    upgrade_file_destination: int | None = None
    minimum_hardware_version: int | None = None
    maximum_hardware_version: int | None = None

    @property
    def manufacturer_id(self) -> str:
        """The manufacturer code written as a CPL manufacturer id (4 hex digits)."""
        return f"{self.manufacturer_code:04X}"

    @property
    def firmware_version(self) -> str:
        """The file version written as a CPL firmware version (8 hex digits)."""
        return f"{self.file_version:08X}"

    @property
    def header_text(self) -> str:
        """The header string as text: up to its first NUL, control characters escaped."""
        raw = self.header_string.split(b"\x00", 1)[0]
        return visible(raw.decode("utf-8", errors="backslashreplace"), one_line=True)


@dataclass(frozen=True, slots=True)
class SubElement:
    """One ZigBee OTA sub-element: its tag, where its data starts and how long it is."""

    tag: int
    offset: int
    length: int

    @property
    def name(self) -> str:
        """What the tag means (ZigBee OTA cluster), or "manufacturer specific"/"reserved"."""
        if self.tag in SUB_ELEMENT_TAGS:
            return SUB_ELEMENT_TAGS[self.tag]
        return "manufacturer specific" if self.tag >= 0xF000 else "reserved"


@dataclass(frozen=True, slots=True)
class OtaImage:
    """What an OTA file holds: its header, where the Upgrade Image is, and the hash."""

    header: OtaHeader
    framing: Framing
    file_size: int
    upgrade_image_offset: int
    upgrade_image_size: int
    manufacturer_image_hash: str  # SHA-256 of the Manufacturer Image, 64 upper-case hex
    sub_elements: tuple[SubElement, ...] = ()
    framing_note: str | None = None  # why a body that looks like sub-elements was read as GBCS

    @property
    def manufacturer_image_size(self) -> int:
        """Octets of the Manufacturer Image (the Upgrade Image less its signature trailer)."""
        return self.upgrade_image_size - SIGNATURE_TRAILER

    def warnings(self) -> list[str]:
        """What is unusual but not wrong, for people to look at."""
        found: list[str] = []
        if self.header.header_version != OTA_HEADER_VERSION:
            found.append(
                f"OTA header version 0x{self.header.header_version:04X} is not 0x0100, the "
                "version this reader knows; its fields were read as version 0x0100's"
            )
        if self.framing_note is not None:
            found.append(self.framing_note)
        if self.header.upgrade_file_destination is not None:
            found.append(
                "the file is for one device only (upgrade file destination "
                f"{self.header.upgrade_file_destination:016X})"
            )
        return found


def read_ota_image(stream: BinaryIO, name: str = "the file") -> OtaImage:
    """The OTA file's header, framing and Manufacturer Image hash, read from a seekable binary
    stream in chunks (never whole)."""
    try:
        size = stream.seek(0, 2)
        stream.seek(0)
    except OSError:  # a pipe or a terminal: the layout needs the file's size and seeking
        raise UnreadableImage(f"{name} cannot be read: it is not a regular file") from None
    if size == 0:
        raise UnreadableImage(
            f"{name} is empty: a ZigBee OTA upgrade image starts with the OTA header "
            "(file identifier 0x0BEEF11E)"
        )
    header = _read_header(stream, size, name)
    body_start, body_end = header.header_length, size
    elements = _sub_elements(stream, body_start, body_end)
    images = [e for e in elements or () if e.tag == UPGRADE_IMAGE_TAG]
    if elements is not None and len(images) == 1:
        framing, start, length = Framing.SUB_ELEMENT, images[0].offset, images[0].length
    else:
        framing, start, length = Framing.GBCS, body_start, body_end - body_start
    try:
        digest = _manufacturer_image_hash(stream, start, length, name)
    except UnreadableImage as err:
        if elements is not None and not images:
            tags = ", ".join(f"0x{e.tag:04X} ({e.name})" for e in elements)
            raise UnreadableImage(
                f"{name} has sub-elements {tags} after the header but none with tag 0x0000 "
                "(the Upgrade Image), and read as a GBCS file instead: " + str(err)
            ) from None
        raise
    note = None
    if framing is Framing.GBCS:
        note = _sub_element_lookalike(stream, body_start, body_end)
    return OtaImage(
        framing_note=note,
        header=header,
        framing=framing,
        file_size=size,
        upgrade_image_offset=start,
        upgrade_image_size=length,
        manufacturer_image_hash=digest,
        sub_elements=tuple(elements or ()) if framing is Framing.SUB_ELEMENT else (),
    )


def _read_exact(stream: BinaryIO, count: int) -> bytes:
    """`count` octets, or fewer when the file ends first."""
    got = stream.read(count)
    return got if got is not None else b""


def _read_header(stream: BinaryIO, size: int, name: str) -> OtaHeader:
    head = _read_exact(stream, BASE_HEADER.size)
    if len(head) < 4 or int.from_bytes(head[:4], "little") != OTA_FILE_IDENTIFIER:
        first = " ".join(f"{b:02X}" for b in head[:4])
        raise UnreadableImage(
            f"{name} is not a ZigBee OTA upgrade image: it starts with {first}, not the OTA "
            "file identifier 0x0BEEF11E (octets 1E F1 EE 0B)"
        )
    if len(head) < BASE_HEADER.size:
        raise UnreadableImage(
            f"{name} is truncated: it ends inside the OTA header, after {len(head)} of the "
            f"header's {BASE_HEADER.size} fixed octets"
        )
    (_, version, length, control, maker, image_type, file_version, stack, text, total) = (
        BASE_HEADER.unpack(head)
    )
    unknown = control & ~KNOWN_FIELD_CONTROL
    if unknown:
        raise UnreadableImage(
            f"{name}: the OTA header's field control 0x{control:04X} sets reserved bits "
            f"(0x{unknown:04X}), so the header's layout is unknown"
        )
    expected = BASE_HEADER.size + _optional_size(control)
    if length != expected:
        raise UnreadableImage(
            f"{name}: the OTA header length says {length} octets, but field control "
            f"0x{control:04X} ({_announced(control)}) makes the header {expected} octets"
        )
    if total != size:
        cause = "truncated" if size < total else "has extra octets at the end"
        raise UnreadableImage(
            f"{name}: the OTA header's total image size is {total:,} octets but the file has "
            f"{size:,} octets ({cause})"
        )
    optional = _read_exact(stream, expected - BASE_HEADER.size)
    if len(optional) < expected - BASE_HEADER.size:  # only when total == size < expected
        raise UnreadableImage(f"{name} is truncated: it ends inside the OTA header")
    credential = destination = minimum = maximum = None
    at = 0
    if control & SECURITY_CREDENTIAL_PRESENT:
        credential = optional[at]
        at += 1
    if control & DEVICE_SPECIFIC_FILE:
        destination = int.from_bytes(optional[at : at + 8], "little")
        at += 8
    if control & HARDWARE_VERSIONS_PRESENT:
        minimum, maximum = struct.unpack_from("<HH", optional, at)
    return OtaHeader(
        header_version=version,
        header_length=length,
        field_control=control,
        manufacturer_code=maker,
        image_type=image_type,
        file_version=file_version,
        stack_version=stack,
        header_string=text,
        total_image_size=total,
        security_credential_version=credential,
        upgrade_file_destination=destination,
        minimum_hardware_version=minimum,
        maximum_hardware_version=maximum,
    )


def _optional_size(control: int) -> int:
    return (
        (1 if control & SECURITY_CREDENTIAL_PRESENT else 0)
        + (8 if control & DEVICE_SPECIFIC_FILE else 0)
        + (4 if control & HARDWARE_VERSIONS_PRESENT else 0)
    )


def _announced(control: int) -> str:
    parts = [
        text
        for bit, text in (
            (SECURITY_CREDENTIAL_PRESENT, "security credential version"),
            (DEVICE_SPECIFIC_FILE, "upgrade file destination"),
            (HARDWARE_VERSIONS_PRESENT, "minimum and maximum hardware versions"),
        )
        if control & bit
    ]
    return "announces " + " and ".join(parts) if parts else "announces no optional field"


def _sub_elements(stream: BinaryIO, start: int, end: int) -> list[SubElement] | None:
    """The sub-elements between `start` and `end` when they tile it exactly (at most one
    Upgrade Image among them); None when the octets are not a list of sub-elements."""
    found: list[SubElement] = []
    at = start
    while at < end:
        if len(found) == MAX_SUB_ELEMENTS or end - at < SUB_ELEMENT.size:
            return None
        stream.seek(at)
        tag, length = SUB_ELEMENT.unpack(_read_exact(stream, SUB_ELEMENT.size))
        data = at + SUB_ELEMENT.size
        if length > end - data:
            return None
        if tag == UPGRADE_IMAGE_TAG and any(e.tag == tag for e in found):
            return None
        found.append(SubElement(tag, data, length))
        at = data + length
    return found or None


def _manufacturer_image_hash(stream: BinaryIO, start: int, length: int, name: str) -> str:
    """SHA-256 of the Upgrade Image at `start` less its GBCS signature trailer."""
    if length <= SIGNATURE_TRAILER:
        raise UnreadableImage(
            f"{name}: the Upgrade Image is {length:,} octets; it must be at least "
            f"{SIGNATURE_TRAILER + 1} (a Manufacturer Image of at least 1 octet, then the GBCS "
            f"signature trailer of {SIGNATURE_TRAILER} octets)"
        )
    stream.seek(start)
    digest = hashlib.sha256()
    left = length - SIGNATURE_TRAILER
    while left:
        chunk = _read_exact(stream, min(CHUNK, left))
        if not chunk:  # the file shrank while it was read
            raise UnreadableImage(f"{name} is truncated: it ended while it was read")
        digest.update(chunk)
        left -= len(chunk)
    trailer = _read_exact(stream, SIGNATURE_TRAILER)
    if len(trailer) < SIGNATURE_TRAILER:
        raise UnreadableImage(f"{name} is truncated: it ended while it was read")
    if trailer[1] != SIGNATURE_MARK:
        where = start + length - SIGNATURE_TRAILER + 1
        raise UnreadableImage(
            f"{name}: the Upgrade Image does not end with a GBCS signature: the octet at "
            f"offset {where:,} is 0x{trailer[1]:02X}, not 0x40 (GBCS 11.2.2: Manufacturer "
            "Image ‖ 1 octet ‖ 0x40 ‖ 64-octet signature)"
        )
    return digest.hexdigest().upper()


def _sub_element_lookalike(stream: BinaryIO, start: int, end: int) -> str | None:
    """A note when octets read as a GBCS Upgrade Image begin like an Upgrade Image
    sub-element (tag 0x0000) that does not fit: a malformed sub-element file, most likely."""
    if end - start < SUB_ELEMENT.size:
        return None
    stream.seek(start)
    tag, length = SUB_ELEMENT.unpack(_read_exact(stream, SUB_ELEMENT.size))
    if tag != UPGRADE_IMAGE_TAG or length <= SIGNATURE_TRAILER:
        return None
    left = end - start - SUB_ELEMENT.size
    if length > left:
        why = f"it says {length:,} octets and {left:,} follow"
    else:
        why = "the sub-elements do not add up to the file's end, or two have tag 0x0000"
    return (
        "the octets after the header begin like an Upgrade Image sub-element (tag 0x0000) "
        f"but {why}; they were read as a GBCS Upgrade Image instead. If the file is meant to "
        "carry its image in sub-elements it is malformed: ask for it again"
    )
