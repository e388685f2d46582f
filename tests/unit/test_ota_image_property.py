"""Whatever bytes arrive, reading an OTA file gives a result or one clear error: never another
exception. Random bytes, and valid files with octets changed, cut off or inserted."""

from __future__ import annotations

import hashlib
import io

from hypothesis import example, given, settings
from hypothesis import strategies as st

from firpath.io.ota_image import OtaImage, UnreadableImage, read_ota_image
from firpath.samples.ota_files import OtaFileSpec, ota_file

VALID = [
    ota_file(OtaFileSpec(0x1234, 0x01000000), b"image one"),
    ota_file(
        OtaFileSpec(
            0x1234,
            0x01000100,
            security_credential_version=2,
            upgrade_file_destination=7,
            hardware_versions=(1, 2),
        ),
        b"image two" * 20,
        "sub_element",
        [(0x0001, b"sig" * 10), (0xFFFF, b"")],
    ),
]


def _outcome(data: bytes) -> OtaImage | UnreadableImage:
    try:
        return read_ota_image(io.BytesIO(data), "fuzz.ota")
    except UnreadableImage as err:
        message = str(err)
        assert message.startswith("fuzz.ota") and "\n" not in message
        return err


def _consistent(found: OtaImage, data: bytes) -> None:
    """A result is only ever given for a file whose parts add up."""
    assert found.file_size == len(data) == found.header.total_image_size
    start, size = found.upgrade_image_offset, found.upgrade_image_size
    assert found.header.header_length <= start and start + size <= len(data)
    assert data[start + size - 65] == 0x40
    image = data[start : start + size - 66]
    assert found.manufacturer_image_hash == hashlib.sha256(image).hexdigest().upper()


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=400))
@example(b"\x1e\xf1\xee\x0b")
@example(b"\x1e\xf1\xee\x0b" + bytes(60))
def test_random_bytes_give_a_result_or_a_clear_error(data: bytes) -> None:
    found = _outcome(data)
    if isinstance(found, OtaImage):
        _consistent(found, data)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif data:
            del data[at : at + draw(st.integers(1, 8))]
    return bytes(data)


@settings(max_examples=600, deadline=None)
@given(mutated())
def test_valid_files_with_octets_changed_give_a_result_or_a_clear_error(data: bytes) -> None:
    found = _outcome(data)
    if isinstance(found, OtaImage):
        _consistent(found, data)
