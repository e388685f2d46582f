"""What a submission is checked against when it is made: its fields, its *upgrade from*
resolved in its device model, the new-submission rules, and the CPL and the pending
submissions as they are now (so the submitter learns early; the approval checks again)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection

from firpath.domain.entry import CplEntry
from firpath.domain.errors import Defect, FieldInvalid, InvalidInput
from firpath.domain.record import entry_from_record
from firpath.domain.rules import check_against_model, check_entry
from firpath.domain.submission import SubmissionState, unplaced
from firpath.domain.upgrade_from import UpgradeFrom
from firpath.domain.upgrade_from_forms import (
    UPGRADE_FROM_FORMS,
    ReferenceMatch,
    UpgradeFromForm,
    UpgradeFromRequest,
    earlier_entries,
    nothing_earlier,
    resolve_references,
)
from firpath.domain.values import cpl_entry_id, entry_id_order
from firpath.store import entries, manufacturers
from firpath.store import submissions as stored

REFUSED: Final = "submission refused, nothing saved"
_MODEL_FIELDS: Final = frozenset({"manufacturer_id", "model_id", "hardware_version"})
_BUILD_FIELDS: Final = _MODEL_FIELDS | {"firmware_version", "manufacturer_image_hash"}
# Valid stand-ins for fields that failed to parse, so every other rule can still be checked
# (and every defect reported at once); device type IHD needs none of the new fields.
_STAND_INS: Final = {
    "device_type": "IHD",
    "manufacturer_id": "0000",
    "model_id": "0000",
    "hardware_version": "0000",
    "firmware_version": "00000000",
    "manufacturer_image_hash": "0" * 64,
}


# What a disagreement with the device model is measured against besides its own field: a
# stand-in there (a field that failed, already reported) would make it up.
_MEASURED_AGAINST: Final = {
    "upgrade_from": frozenset({"firmware_version"}),
    "firmware_version_name": frozenset({"firmware_version"}),
}


def _about_stand_ins(defect: Defect, bad: set[str]) -> bool:
    """Whether `defect` is about a stand-in value rather than anything the submitter gave."""
    field = defect.field or ""
    return field in bad or bool(_MEASURED_AGAINST.get(field, frozenset()) & bad)


def refused(defects: Sequence[Defect]) -> str:
    """The summary of a refused submission, naming the fields to fix."""
    fields = ", ".join(dict.fromkeys(d.field or "?" for d in defects))
    return f"{REFUSED}; fix {fields}"


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed entry as checked now: *upgrade from* as it resolves today, names the
    submission left out taken from the CPL, and every defect found."""

    entry: CplEntry
    matches: list[ReferenceMatch]
    all_earlier_now: list[CplEntry]
    defects: list[Defect]


def check_proposal(
    conn: Connection, record: Mapping[str, str], request: UpgradeFromRequest | None
) -> Proposal:
    """Check a submission's record (and its *upgrade from* request; None when that could not
    be read) against every rule that can be checked now, collecting every defect."""
    entry, bad, defects = _parsed(record)
    model_entries = (
        [] if bad & _MODEL_FIELDS else entries.entries_of_model(conn, entry.device_model)
    )
    upgrade_from, matches, earlier, found = _resolve(conn, entry, bad, request, model_entries)
    defects += found
    proposed = dataclasses.replace(entry, upgrade_from=upgrade_from)
    defects += _rule_defects(proposed, bad, request)
    if not bad & _BUILD_FIELDS:
        defects += _already_proposed(conn, proposed, model_entries)
    if not bad & _MODEL_FIELDS:
        found = model_disagreements(conn, proposed, model_entries)
        defects += [d for d in found if not _about_stand_ins(d, bad)]
    if not defects:
        proposed = _with_known_names(conn, proposed, model_entries)
    return Proposal(proposed, matches, earlier, defects)


def _parsed(record: Mapping[str, str]) -> tuple[CplEntry, set[str], list[Defect]]:
    """The proposed entry, the fields that failed (given stand-ins) and their defects."""
    entry, problems = entry_from_record(record)
    if entry is not None:
        return entry, set(), []
    bad = {d.field for d in problems if d.field}
    stand_in = dict(record) | {f: _STAND_INS.get(f, "") for f in bad}
    entry, _ = entry_from_record(stand_in)
    if entry is None:  # every field has a valid stand-in: only a bug gets here
        raise InvalidInput([unplaced(d) for d in problems], REFUSED)
    return entry, bad, [_with_hint(unplaced(d), record) for d in problems]


def _with_hint(defect: Defect, record: Mapping[str, str]) -> Defect:
    """A firmware version written as its name (2.10.3) is told where the name goes."""
    value = (defect.value or "").strip()
    if defect.field != "firmware_version" or "." not in value:
        return defect
    named = bool(record.get("firmware_version_name", "").strip())
    where = "" if named else f"; {value!r} goes in firmware_version_name"
    return dataclasses.replace(
        defect, message=f"{defect.message}, the GBCS version (e.g. 01020A03){where}"
    )


def _resolve(
    conn: Connection,
    entry: CplEntry,
    bad: set[str],
    request: UpgradeFromRequest | None,
    model_entries: list[CplEntry],
) -> tuple[UpgradeFrom, list[ReferenceMatch], list[CplEntry], list[Defect]]:
    """The *upgrade from* the request names today, its matches, the all-earlier expansion,
    and the defects of references that name nothing, several builds or another model."""
    if request is None or request.form is UpgradeFromForm.NOT_APPLICABLE:
        return UpgradeFrom.NOT_APPLICABLE, [], [], []  # (None: its defect is reported)
    if request.form is UpgradeFromForm.NOT_GIVEN:
        return UpgradeFrom.UNKNOWN, [], [], []
    if bad & _MODEL_FIELDS:  # no device model to look in
        return UpgradeFrom.NOT_APPLICABLE, [], [], []
    if request.form is UpgradeFromForm.ALL_EARLIER:
        if "firmware_version" in bad:
            return UpgradeFrom.NOT_APPLICABLE, [], [], []
        earlier = earlier_entries(model_entries, entry.firmware_version)
        if not earlier:
            return UpgradeFrom.NOT_APPLICABLE, [], [], [nothing_earlier(entry)]
        return UpgradeFrom.of(*(e.cpl_entry_id for e in earlier)), [], earlier, []
    known = entries.entries_by_id(conn, _spelled_ids(request.references))
    matches, defects = resolve_references(
        request.references, entry.device_model, model_entries, known
    )
    if not matches:
        return UpgradeFrom.NOT_APPLICABLE, [], [], defects
    return UpgradeFrom.of(*(m.entry.cpl_entry_id for m in matches)), matches, [], defects


def _spelled_ids(references: Sequence[str]) -> list[str]:
    """The references that could be CPL Entry IDs, as IDs."""
    ids = []
    for ref in references:
        try:
            ids.append(cpl_entry_id(ref, "upgrade_from"))
        except FieldInvalid:
            continue
    return ids


def _rule_defects(
    proposed: CplEntry, bad: set[str], request: UpgradeFromRequest | None
) -> list[Defect]:
    """Rules 2, 5 and 6 of the proposed entry alone (fields already reported are skipped)."""
    found: list[Defect] = []
    for defect in check_entry(proposed, new_submission=True):
        if defect.field in bad:
            continue
        if defect.field in ("zigbee_chipset_vendor", "zigbee_stack_version") and defect.value:
            what = (defect.field or "").replace("_", " ")
            defect = dataclasses.replace(
                defect,
                message=f"{defect.value!r} is not a {what}: a new submission for device type "
                f"{proposed.device_type.value} must name it (e.g. Silicon Labs, EmberZNet 7.4.3)",
            )
        if defect.field == "upgrade_from":
            if request is None or request.form is not UpgradeFromForm.NOT_GIVEN:
                continue  # given, but wrongly: reported while reading or resolving it
            defect = dataclasses.replace(
                defect,
                message=f"is required for device type {proposed.device_type.value}: give "
                + UPGRADE_FROM_FORMS,
            )
        found.append(unplaced(defect))
    return found


def _already_proposed(
    conn: Connection, proposed: CplEntry, model_entries: list[CplEntry]
) -> list[Defect]:
    """The build is on the CPL already, or waits in another pending submission (rule 4)."""
    build = proposed.build_key
    what = (
        f"this build (device model {proposed.device_model}, firmware version "
        f"{proposed.firmware_version}, this image hash)"
    )
    on_cpl = [
        f"is on the CPL already as entry {e.cpl_entry_id}"
        for e in model_entries
        if e.build_key == build
    ]
    pending = stored.find(
        conn, state=SubmissionState.PENDING, manufacturer_id=proposed.manufacturer_id
    )
    waiting = [
        f"waits for SECAS already as submission {s.submission_id} (pending)"
        for s in pending
        if s.build_key == build
    ]
    return [
        Defect(
            f"{what} {where}",
            None,
            "manufacturer_image_hash",
            None,
            proposed.manufacturer_image_hash,
        )
        for where in on_cpl + waiting
    ]


def model_disagreements(
    conn: Connection, proposed: CplEntry, model_entries: list[CplEntry]
) -> list[Defect]:
    """Where a proposed entry disagrees with its device model on the CPL (type, later
    firmware in *upgrade from*, a version name of another version, the names)."""
    maker = manufacturers.load_all(conn).get(proposed.manufacturer_id)
    known = maker.manufacturer_name if maker is not None else None
    return [unplaced(d) for d in check_against_model(proposed, model_entries, known)]


def _with_known_names(
    conn: Connection, proposed: CplEntry, model_entries: list[CplEntry]
) -> CplEntry:
    """Names the submission leaves out taken from the CPL: the manufacturer's name from its
    contact record, the model's name from its newest named entry (the answer shows them)."""
    manufacturer_name, model_name = proposed.manufacturer_name, proposed.model_name
    if manufacturer_name is None:
        maker = manufacturers.load_all(conn).get(proposed.manufacturer_id)
        manufacturer_name = maker.manufacturer_name if maker is not None else None
    if model_name is None:
        named = [e for e in model_entries if e.model_name]
        if named:
            newest = max(named, key=lambda e: (e.firmware_number, entry_id_order(e.cpl_entry_id)))
            model_name = newest.model_name
    return dataclasses.replace(proposed, manufacturer_name=manufacturer_name, model_name=model_name)
