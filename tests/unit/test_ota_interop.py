"""Interoperability: OTA files serialised by an independent library (zigpy's ZCL OTA image
types) read the same in firpath, and firpath's sample files read the same in zigpy."""

from __future__ import annotations

import hashlib
import io

import pytest
from zigpy.ota.image import (
    ElementTagId,
    FieldControl,
    HeaderString,
    OTAImage,
    OTAImageHeader,
    SubElement,
)
from zigpy.types import EUI64

from firpath.io.ota_image import Framing, read_ota_image
from firpath.samples.ota_files import OtaFileSpec, ota_file, upgrade_image

MANUFACTURER_IMAGE = bytes(range(256)) * 40 + b"end of image"


def _zigpy_file(control: FieldControl, with_signature_element: bool) -> bytes:
    elements = [
        SubElement(tag_id=ElementTagId.UPGRADE_IMAGE, data=upgrade_image(MANUFACTURER_IMAGE))
    ]
    if with_signature_element:
        elements.append(
            SubElement(tag_id=ElementTagId.ECDSA_SIGNATURE_CRYPTO_SUITE_1, data=b"s" * 50)
        )
    optional: dict[str, object] = {}
    length = 56
    if FieldControl.SECURITY_CREDENTIAL_VERSION_PRESENT in control:
        optional["security_credential_version"] = 2
        length += 1
    if FieldControl.DEVICE_SPECIFIC_FILE_PRESENT in control:
        optional["upgrade_file_destination"] = EUI64.convert("00:11:22:33:44:55:66:77")
        length += 8
    if FieldControl.HARDWARE_VERSIONS_PRESENT in control:
        optional["minimum_hardware_version"] = 0x0102
        optional["maximum_hardware_version"] = 0x0304
        length += 4
    body = sum(6 + len(e.data) for e in elements)
    header = OTAImageHeader(
        upgrade_file_id=OTAImageHeader.MAGIC_VALUE,
        header_version=0x0100,
        header_length=length,
        field_control=control,
        manufacturer_id=0x1BBB,
        image_type=0x0107,
        file_version=0x01020602,
        stack_version=2,
        header_string=HeaderString("Comms Hub North R4 2.6.2"),
        image_size=length + body,
        **optional,
    )
    return OTAImage(header=header, subelements=elements).serialize()  # type: ignore[no-any-return]


@pytest.mark.parametrize("control", [FieldControl(v) for v in range(8)], ids=str)
@pytest.mark.parametrize("signed", [False, True], ids=["image only", "with signature element"])
def test_a_file_zigpy_serialises_reads_the_same_in_firpath(
    control: FieldControl, signed: bool
) -> None:
    data = _zigpy_file(control, signed)
    parsed, rest = OTAImage.deserialize(data)
    assert rest == b""
    found = read_ota_image(io.BytesIO(data))
    h = found.header
    assert found.framing is Framing.SUB_ELEMENT
    assert found.manufacturer_image_hash == hashlib.sha256(MANUFACTURER_IMAGE).hexdigest().upper()
    assert (h.manufacturer_code, h.image_type, h.file_version, h.stack_version) == (
        parsed.header.manufacturer_id,
        parsed.header.image_type,
        parsed.header.file_version,
        parsed.header.stack_version,
    )
    assert h.header_length == parsed.header.header_length
    assert h.total_image_size == parsed.header.image_size == len(data)
    assert h.header_text == "Comms Hub North R4 2.6.2"
    assert h.security_credential_version == parsed.header.security_credential_version
    zigpy_destination = parsed.header.upgrade_file_destination
    assert h.upgrade_file_destination == (
        None
        if zigpy_destination is None
        else int.from_bytes(zigpy_destination.serialize(), "little")
    )
    assert h.minimum_hardware_version == parsed.header.minimum_hardware_version
    assert h.maximum_hardware_version == parsed.header.maximum_hardware_version
    assert [e.tag for e in found.sub_elements] == [int(e.tag_id) for e in parsed.subelements]


@pytest.mark.parametrize(
    "spec",
    [
        OtaFileSpec(0x1BBB, 0x01020602),
        OtaFileSpec(
            0x1BBB,
            0x01020602,
            security_credential_version=1,
            upgrade_file_destination=0x0011223344556677,
            hardware_versions=(1, 9),
        ),
    ],
    ids=["no optional field", "every optional field"],
)
def test_firpaths_sample_files_read_the_same_in_zigpy(spec: OtaFileSpec) -> None:
    data = ota_file(spec, MANUFACTURER_IMAGE, "sub_element", [(0x0001, b"s" * 50)])
    parsed, rest = OTAImage.deserialize(data)
    assert rest == b""
    ours = read_ota_image(io.BytesIO(data)).header
    assert parsed.header.header_length == ours.header_length
    assert parsed.header.manufacturer_id == ours.manufacturer_code
    assert parsed.header.file_version == ours.file_version
    assert parsed.header.image_size == len(data)
    assert parsed.header.minimum_hardware_version == ours.minimum_hardware_version
    assert parsed.subelements[0].data == upgrade_image(MANUFACTURER_IMAGE)
