"""A submission: a proposed CPL entry waiting for SECAS, what its submitter may and may not
set, and what an approval checks and assigns."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from firpath.domain.entry import DeviceModel
from firpath.domain.errors import Defect, FieldInvalid, clip
from firpath.domain.values import EntryStatus

# A record is parsed (domain.record) before SECAS assigns its CPL Entry ID: it stands in.
PLACEHOLDER_ID: Final = "SUBMISSION"

# Fields SECAS sets when approving: a submitter leaves them out (or null).
SET_AT_APPROVAL: Final = {
    "cpl_entry_id": "SECAS assigns the CPL Entry ID when it approves the submission",
    "date_added": "the date added is the day SECAS approves the submission",
}
APPROVAL_CHECKS: Final = (
    "the CPL Entry ID is assigned: the next number after the highest numeric CPL Entry ID "
    "on the CPL",
    "every CPL rule is checked again against the CPL as it is then: each upgrade-from entry "
    "still exists in this device model, no upgrade cycle, and no other entry has the same "
    "device model, firmware version and image hash",
)
ALL_EARLIER_CHECK: Final = (
    '{"all_earlier": true} becomes the CPL Entry IDs of every active entry of the device '
    "model with a lower firmware version at that moment (entries added before the approval "
    "are included)"
)


def checked_at_approval(all_earlier: bool) -> tuple[str, ...]:
    """What an approval checks again, so a pending submission's answer can say so."""
    return APPROVAL_CHECKS + ((ALL_EARLIER_CHECK,) if all_earlier else ())


class SubmissionState(StrEnum):
    """Where a submission is: waiting for SECAS, or decided."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @classmethod
    def parse(cls, value: str) -> SubmissionState:
        """A state by name (case ignored)."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise FieldInvalid(
                "state", value, "must be one of " + ", ".join(s.value for s in cls)
            ) from None


def next_entry_id(entry_ids: Iterable[str]) -> str:
    """The CPL Entry ID an approval assigns: one more than the highest numeric ID (as many
    digits as that ID, for CPLs whose IDs have leading zeros); "1" on a CPL without one."""
    highest, width = 0, 0
    for entry_id in entry_ids:
        if entry_id.isascii() and entry_id.isdigit():
            number = int(entry_id)
            if number > highest:
                highest, width = number, len(entry_id)
    return str(highest + 1).zfill(width)


def submission_record(
    payload: Mapping[str, object], columns: Sequence[str]
) -> tuple[dict[str, str], object, list[Defect]]:
    """The CPL record (text by column, as a file row) a submission's JSON gives, its
    *upgrade from* as given (read by `upgrade_from_request`), and the defects of its shape."""
    defects: list[Defect] = []
    record: dict[str, str] = {}
    allowed = set(columns)
    for key, value in payload.items():
        if key not in allowed:
            defects.append(
                Defect("unknown field; fields: " + ", ".join(columns), None, key, None, key)
            )
        elif key == "upgrade_from":
            continue
        elif value is None:
            record[key] = ""
        elif isinstance(value, str):
            record[key] = value
        else:
            defects.append(
                Defect(
                    'must be a string in quotes (e.g. "0101"), or null',
                    None,
                    key,
                    None,
                    clip(json.dumps(value, default=str)),
                )
            )
    for key, why in SET_AT_APPROVAL.items():
        if record.get(key, "").strip():
            defects.append(
                Defect(f"{why}: leave {key} out (or null)", None, key, None, record[key])
            )
        record[key] = ""
    status = record.get("status", "").strip()
    if status and status.lower() != EntryStatus.ACTIVE.value:
        defects.append(
            Defect(
                "a submission proposes a new entry for the CPL, which is active: leave status "
                'out or give "active"',
                None,
                "status",
                None,
                status,
            )
        )
    record["status"] = EntryStatus.ACTIVE.value
    record["cpl_entry_id"] = PLACEHOLDER_ID
    return record, payload.get("upgrade_from"), defects


def unplaced(defect: Defect) -> Defect:
    """A defect of a submission: no file row, and not about the stand-in CPL Entry ID."""
    entry_id = None if defect.entry_id == PLACEHOLDER_ID else defect.entry_id
    return dataclasses.replace(defect, row=None, entry_id=entry_id)


@dataclass(frozen=True, slots=True)
class Submission:
    """A proposed entry and what became of it.

    `record` is the entry as a CPL file row without its CPL Entry ID, its *upgrade from*
    resolved to IDs (or N/A; empty while {"all_earlier": true} waits for the approval).
    """

    submission_id: int
    state: SubmissionState
    manufacturer_id: str
    submitted_by: str
    submitted_at: dt.datetime
    record: Mapping[str, str]
    all_earlier: bool
    upgrade_from_given: Any
    cpl_entry_id: str | None = None
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    decision_reason: str | None = None

    @property
    def device_model(self) -> DeviceModel:
        """The device model the proposed entry belongs to."""
        r = self.record
        return DeviceModel(r["manufacturer_id"], r["model_id"], r["hardware_version"])

    @property
    def build_key(self) -> tuple[str, str, str, str, str]:
        """Device model + firmware version + image hash of the proposed entry."""
        r = self.record
        return (*self.device_model, r["firmware_version"], r["manufacturer_image_hash"])
