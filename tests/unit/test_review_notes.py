"""What the review page asks SECAS to look at before approving (the rules allow each)."""

from __future__ import annotations

from firpath.domain.catalogue import Catalogue
from firpath.domain.review_notes import things_to_check
from firpath.domain.values import EntryStatus
from tests.unit.test_rules import MODEL, OTHER_MODEL, entry, sha

REMOVED = EntryStatus.REMOVED


def _catalogue(*entries: object) -> Catalogue:
    return Catalogue({e.cpl_entry_id: e for e in entries}, {}, 1)  # type: ignore[attr-defined]


def _record(version: str, image_hash: str, model: tuple[str, str, str] = MODEL) -> dict[str, str]:
    manufacturer, model_id, hardware = model
    return {
        "manufacturer_id": manufacturer,
        "model_id": model_id,
        "hardware_version": hardware,
        "firmware_version": version,
        "manufacturer_image_hash": image_hash,
    }


def test_a_proposal_reachable_only_from_removed_entries_is_pointed_out() -> None:
    catalogue = _catalogue(entry("10", "N/A"), entry("11", "10", status=REMOVED))
    notes = things_to_check(_record("00000012", sha("12")), ["11"], catalogue)
    assert len(notes) == 1 and notes[0].startswith(
        "Every entry its upgrade-from names is removed from the CPL (11)"
    )
    # one active entry among those named: meters can reach it, nothing to say
    assert things_to_check(_record("00000012", sha("12")), ["10", "11"], catalogue) == []
    assert things_to_check(_record("00000012", sha("12")), [], catalogue) == []  # N/A


def test_a_second_build_of_a_version_and_a_hash_of_another_model_are_pointed_out() -> None:
    catalogue = _catalogue(
        entry("10", "N/A"),
        entry("11", "10"),
        entry("20", "N/A", model=OTHER_MODEL),
    )
    twin = things_to_check(_record("0000000B", sha("new build")), ["10"], catalogue)
    assert twin == [
        "A second build of a version this device model already has: 11 (0000000B). Meters "
        "on either build will count as being on that version."
    ]
    reused = things_to_check(_record("00000012", sha("20")), ["11"], catalogue)
    assert reused == [
        f"The same image hash is on another device model's entry: 20 (device model "
        f"{catalogue.entry('20').device_model})."  # type: ignore[union-attr]
    ]
