"""The JSON shape of an image check: what `verify-image --json` prints and
`POST /api/v1/images/verify` answers (DESIGN section 9, issue 11)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from firpath.documents import step_document
from firpath.domain.entry import CplEntry
from firpath.io.ota_image import (
    IMAGE_TYPES,
    SECURITY_CREDENTIAL_VERSIONS,
    STACK_VERSIONS,
    OtaHeader,
    OtaImage,
)

if TYPE_CHECKING:  # the service loads the database layer: not at start-up
    from firpath.domain.image_step import NextStep
    from firpath.services.image_check import ImageCheck


def header_document(header: OtaHeader) -> dict[str, Any]:
    """The OTA header's fields: codes and versions in CPL notation (hex), sizes as numbers."""

    def hw(value: int | None) -> str | None:
        return None if value is None else f"{value:04X}"

    credential = header.security_credential_version
    destination = header.upgrade_file_destination
    return {
        "header_version": f"{header.header_version:04X}",
        "header_length": header.header_length,
        "field_control": f"{header.field_control:04X}",
        "manufacturer_code": header.manufacturer_id,
        "image_type": f"{header.image_type:04X}",
        "image_type_name": IMAGE_TYPES.get(header.image_type, "manufacturer specific"),
        "file_version": header.firmware_version,
        "stack_version": f"{header.stack_version:04X}",
        "stack_version_name": STACK_VERSIONS.get(header.stack_version),
        "header_string": header.header_text,
        "total_image_size": header.total_image_size,
        "security_credential_version": None if credential is None else f"{credential:02X}",
        "security_credential_version_name": (
            None if credential is None else SECURITY_CREDENTIAL_VERSIONS.get(credential)
        ),
        "upgrade_file_destination": None if destination is None else f"{destination:016X}",
        "minimum_hardware_version": hw(header.minimum_hardware_version),
        "maximum_hardware_version": hw(header.maximum_hardware_version),
    }


def layout_document(image: OtaImage) -> dict[str, Any]:
    """Where the Upgrade Image sits in the file and how big each part is."""
    return {
        "framing": image.framing.value,
        "file_size": image.file_size,
        "upgrade_image_offset": image.upgrade_image_offset,
        "upgrade_image_size": image.upgrade_image_size,
        "manufacturer_image_size": image.manufacturer_image_size,
        "sub_elements": [
            {"tag": f"{e.tag:04X}", "name": e.name, "length": e.length} for e in image.sub_elements
        ],
    }


def _entry(entry: CplEntry) -> dict[str, Any]:
    return step_document(entry) | {
        "status": entry.status.value,
        "manufacturer_id": entry.manufacturer_id,
        "manufacturer_name": entry.manufacturer_name,
        "model_id": entry.model_id,
        "model_name": entry.model_name,
        "hardware_version": entry.hardware_version,
    }


def next_step_document(step: NextStep) -> dict[str, Any]:
    """Whether the image is the meter's next step, the path looked at, and what to send."""
    return {
        "from": step.source.cpl_entry_id,
        "is_next_step": step.is_next_step,
        "path_status": step.path.status.value,
        "path_to": step.path.target.cpl_entry_id if step.path.target else None,
        "steps": [step_document(e) for e in step.path.steps],
        "next_image": None if step.next_entry is None else step_document(step.next_entry),
        "reason": step.reason,
    }


def image_check_document(check: ImageCheck) -> dict[str, Any]:
    """`{"header", "manufacturer_image_hash", "match": {"status", "cpl_entry_id", "problems"}}`
    and what else a person needs: the file's layout, the entry, warnings, the next step."""
    found, image = check.match, check.image
    return {
        "header": header_document(image.header),
        "manufacturer_image_hash": image.manufacturer_image_hash,
        "image": layout_document(image),
        "match": {
            "status": found.status.value,
            "cpl_entry_id": found.entry.cpl_entry_id if found.entry else None,
            "problems": [
                {"field": p.field, "image": p.image, "cpl": p.cpl} for p in found.problems
            ],
            "entry": _entry(found.entry) if found.entry else None,
            "also_matching": [e.cpl_entry_id for e in found.also_matching],
            "same_version": [_entry(e) for e in found.same_version],
            "summary": check.summary,
        },
        "warnings": list(check.warnings),
        "next_step": None if check.next_step is None else next_step_document(check.next_step),
        "safe_to_send": check.safe_to_send,
        "contact": check.contact,
        "contact_manufacturer_id": check.contact_for,
    }
