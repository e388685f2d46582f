"""Reading ZigBee OTA files: the header with every optional field, both framings of the
Upgrade Image, the Manufacturer Image hash, and one clear error for each way a file is wrong."""

from __future__ import annotations

import hashlib
import io
import itertools
import struct

import pytest

from firpath.io.ota_image import (
    BASE_HEADER,
    CHUNK,
    Framing,
    UnreadableImage,
    read_ota_image,
)
from firpath.samples.ota_files import OtaFileSpec, ota_file, upgrade_image

IMAGE = b"manufacturer image \x00\x01\x02" * 10
HASH = hashlib.sha256(IMAGE).hexdigest().upper()
SPEC = OtaFileSpec(manufacturer_code=0x1234, file_version=0x01020A03, image_type=0x0042)


def read(data: bytes) -> object:
    return read_ota_image(io.BytesIO(data), "image.ota")


@pytest.mark.parametrize("framing", ["gbcs", "sub_element"])
def test_both_framings_give_the_header_and_the_manufacturer_image_hash(framing: str) -> None:
    found = read_ota_image(io.BytesIO(ota_file(SPEC, IMAGE, framing)))  # type: ignore[arg-type]
    assert found.framing is Framing(framing)
    assert found.manufacturer_image_hash == HASH
    assert found.header.manufacturer_id == "1234"
    assert found.header.firmware_version == "01020A03"
    assert found.header.image_type == 0x42
    assert found.header.stack_version == 0x0002
    assert found.header.header_text == "firpath sample image"
    assert found.manufacturer_image_size == len(IMAGE)
    assert found.upgrade_image_size == len(IMAGE) + 66


# every combination of the three optional header fields field control can announce
@pytest.mark.parametrize(
    ("credential", "destination", "hardware"),
    list(itertools.product([None, 0x02], [None, 0x0011223344556677], [None, (0x0102, 0x0304)])),
)
@pytest.mark.parametrize("framing", ["gbcs", "sub_element"])
def test_every_optional_field_that_field_control_announces_is_read(
    credential: int | None,
    destination: int | None,
    hardware: tuple[int, int] | None,
    framing: str,
) -> None:
    spec = OtaFileSpec(
        0x1234,
        0x01020A03,
        security_credential_version=credential,
        upgrade_file_destination=destination,
        hardware_versions=hardware,
    )
    data = ota_file(spec, IMAGE, framing)  # type: ignore[arg-type]
    found = read_ota_image(io.BytesIO(data))
    header = found.header
    assert header.security_credential_version == credential
    assert header.upgrade_file_destination == destination
    assert (
        None
        if hardware is None
        else (header.minimum_hardware_version, header.maximum_hardware_version)
    ) == (hardware if hardware is not None else None)
    assert header.header_length == 56 + (credential is not None) + 8 * (
        destination is not None
    ) + 4 * (hardware is not None)
    assert found.manufacturer_image_hash == HASH


def test_other_sub_elements_beside_the_upgrade_image_are_listed() -> None:
    data = ota_file(SPEC, IMAGE, "sub_element", [(0x0001, b"s" * 42), (0xF001, b"m" * 5)])
    found = read_ota_image(io.BytesIO(data))
    assert [(e.tag, e.length, e.name) for e in found.sub_elements] == [
        (0x0000, len(IMAGE) + 66, "Upgrade Image"),
        (0x0001, 42, "ECDSA signature"),
        (0xF001, 5, "manufacturer specific"),
    ]
    assert found.manufacturer_image_hash == HASH


def test_a_gbcs_image_that_starts_with_zero_octets_is_not_taken_for_sub_elements() -> None:
    zeros = bytes(12) + IMAGE  # tag 0000, length 0, tag 0000 ...: not a list of sub-elements
    found = read_ota_image(io.BytesIO(ota_file(SPEC, zeros)))
    assert found.framing is Framing.GBCS
    assert found.manufacturer_image_hash == hashlib.sha256(zeros).hexdigest().upper()


def test_a_device_specific_file_and_an_unknown_header_version_are_warned_about() -> None:
    spec = OtaFileSpec(0x1234, 1, header_version=0x0200, upgrade_file_destination=0xAB)
    warnings = read_ota_image(io.BytesIO(ota_file(spec, IMAGE))).warnings()
    assert any("0x0200" in w for w in warnings)
    assert any("00000000000000AB" in w for w in warnings)


def test_control_characters_in_the_header_string_are_shown_escaped() -> None:
    spec = OtaFileSpec(0x1234, 1, header_string=b"evil\x1b[31m\x00rest")
    assert read_ota_image(io.BytesIO(ota_file(spec, IMAGE))).header.header_text == "evil\\x1b[31m"


def _with_total(data: bytes, total: int) -> bytes:
    return data[:52] + struct.pack("<I", total) + data[56:]


GOOD = ota_file(SPEC, IMAGE)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "image.ota is empty"),
        (b"\x1e\xf1", "not a ZigBee OTA upgrade image: it starts with 1E F1"),
        (b"PK\x03\x04" + bytes(80), "starts with 50 4B 03 04, not the OTA file identifier"),
        (GOOD[:40], "truncated: it ends inside the OTA header, after 40 of the header's 56"),
        (GOOD[:-1], "total image size is 342 octets but the file has 341 octets (truncated)"),
        (GOOD + b"x", "but the file has 343 octets (has extra octets at the end)"),
        (
            GOOD[:8] + struct.pack("<H", 0x0008) + GOOD[10:],
            "field control 0x0008 sets reserved bits (0x0008)",
        ),
        (
            GOOD[:6] + struct.pack("<H", 60) + GOOD[8:],
            "header length says 60 octets, but field control 0x0000 (announces no optional "
            "field) makes the header 56 octets",
        ),
        (
            GOOD[:8] + struct.pack("<H", 0x0004) + GOOD[10:],
            "field control 0x0004 (announces minimum and maximum hardware versions) makes the "
            "header 60 octets",
        ),
        (
            _with_total(GOOD[: BASE_HEADER.size] + b"x" * 66, BASE_HEADER.size + 66),
            "the Upgrade Image is 66 octets; it must be at least 67",
        ),
        (
            _with_total(GOOD[: BASE_HEADER.size], BASE_HEADER.size),
            "the Upgrade Image is 0 octets",
        ),
        (
            GOOD[:-65] + b"\x41" + GOOD[-64:],
            "does not end with a GBCS signature: the octet at offset 277 is 0x41, not 0x40",
        ),
    ],
    ids=[
        "empty",
        "two octets",
        "a zip file",
        "truncated header",
        "truncated body",
        "extra octets",
        "reserved field control bits",
        "header length too long",
        "header length too short",
        "no manufacturer image",
        "no upgrade image",
        "no signature mark",
    ],
)
def test_each_malformed_file_gets_one_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(UnreadableImage) as caught:
        read(data)
    assert message in str(caught.value)


def test_sub_elements_without_an_upgrade_image_say_so() -> None:
    body = struct.pack("<HI", 0x0001, 70) + b"s" * 70
    data = GOOD[: BASE_HEADER.size] + body
    data = _with_total(data, len(data))
    with pytest.raises(UnreadableImage) as caught:
        read(data)
    assert "sub-elements 0x0001 (ECDSA signature) after the header but none with tag 0x0000" in str(
        caught.value
    )


class _Pipe(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False


def test_a_stream_that_cannot_seek_is_refused_clearly() -> None:
    with pytest.raises(UnreadableImage, match="not a regular file"):
        read_ota_image(_Pipe(), "stdin")  # type: ignore[arg-type]


class _CountingReader(io.BytesIO):
    """Remembers the largest single read: the reader must never ask for the whole file."""

    largest = 0

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None and size >= 0, "the whole file was asked for"
        self.largest = max(self.largest, size)
        return super().read(size)


@pytest.mark.parametrize("framing", ["gbcs", "sub_element"])
def test_a_large_image_is_read_in_chunks(framing: str) -> None:
    big = bytes(range(256)) * (3 * CHUNK // 256 + 7)
    stream = _CountingReader(ota_file(SPEC, big, framing))  # type: ignore[arg-type]
    found = read_ota_image(stream)
    assert found.manufacturer_image_hash == hashlib.sha256(big).hexdigest().upper()
    assert stream.largest <= CHUNK


def test_upgrade_image_is_manufacturer_image_then_one_octet_0x40_and_the_signature() -> None:
    made = upgrade_image(b"abc", b"s" * 64)
    assert made[:3] == b"abc" and made[4] == 0x40 and made[5:] == b"s" * 64 and len(made) == 69


def test_a_sub_element_that_overruns_the_file_is_read_as_gbcs_with_a_note() -> None:
    payload = upgrade_image(IMAGE)
    body = struct.pack("<HI", 0x0000, 1_000_000) + payload
    data = GOOD[: BASE_HEADER.size] + body
    found = read_ota_image(io.BytesIO(_with_total(data, len(data))))
    assert found.framing is Framing.GBCS
    assert any(
        "begin like an Upgrade Image sub-element (tag 0x0000) but it says 1,000,000 octets" in w
        for w in found.warnings()
    )


def test_header_string_octets_that_are_not_utf8_keep_their_values() -> None:
    spec = OtaFileSpec(0x1234, 1, header_string=b"caf\xe9")
    assert read_ota_image(io.BytesIO(ota_file(spec, IMAGE))).header.header_text == "caf\\xe9"
