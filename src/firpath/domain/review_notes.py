"""What SECAS should look at before approving a submission that breaks no rule: things the
rules allow but that change what meters are told."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from firpath.domain.catalogue import Catalogue
from firpath.domain.entry import DeviceModel
from firpath.domain.path_explanation import version_label


def things_to_check(
    record: Mapping[str, str], upgrade_from: Sequence[str], catalogue: Catalogue
) -> list[str]:
    """Plain sentences about a proposed entry (`record`: CPL columns; `upgrade_from`: the IDs
    it names, empty for N/A or not yet known) against the registry as `catalogue` holds it."""
    notes: list[str] = []
    model = DeviceModel(
        record.get("manufacturer_id", ""),
        record.get("model_id", ""),
        record.get("hardware_version", ""),
    )
    named = [e for e in (catalogue.entry(i) for i in upgrade_from) if e is not None]
    if named and all(not e.is_active for e in named):
        ids = ", ".join(e.cpl_entry_id for e in named)
        notes.append(
            f"Every entry its upgrade-from names is removed from the CPL ({ids}): no meter can "
            "be upgraded to it over the air. If it is the model's newest firmware, every meter "
            "of the model will be told there is no path to the latest."
        )
    version = record.get("firmware_version", "")
    twins = [
        e for e in catalogue.model_entries(model) if e.firmware_version == version and e.is_active
    ]
    if twins:
        builds = ", ".join(f"{e.cpl_entry_id} ({version_label(e)})" for e in twins)
        notes.append(
            f"A second build of a version this device model already has: {builds}. Meters on "
            "either build will count as being on that version."
        )
    image_hash = record.get("manufacturer_image_hash", "")
    elsewhere = [e for e in catalogue.with_hash(image_hash) if e.device_model != model]
    if elsewhere:
        ids = ", ".join(f"{e.cpl_entry_id} (device model {e.device_model})" for e in elsewhere)
        notes.append(f"The same image hash is on another device model's entry: {ids}.")
    return notes
