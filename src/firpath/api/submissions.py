"""Submissions: a manufacturer (or Supplier) proposes a CPL entry; SECAS approves or rejects."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from firpath.api.auth import Caller, allowed
from firpath.api.shapes import LOCATION, SIGNED_IN, answers
from firpath.api.work_shapes import ApprovedSubmission, Submission, Submissions, Submitted
from firpath.documents import submission_document, submissions_document, submitted_document
from firpath.domain.account import Permission
from firpath.domain.control_chars import SOME_TEXT, WITHOUT_CONTROLS
from firpath.domain.record import MAX_TEXT
from firpath.domain.submission import SubmissionState

router = APIRouter(tags=["submissions"])
Submitter = Annotated[Caller, Depends(allowed(Permission.SUBMIT, "make or see submissions"))]
Reviewer = Annotated[Caller, Depends(allowed(Permission.REVIEW, "approve or reject submissions"))]
SubmissionId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the submission's number")]
STATES = "^(" + "|".join(s.value for s in SubmissionState) + ")$"

_TEXT = Field(default=None, max_length=MAX_TEXT)
_UPGRADE_FROM_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "minItems": 1,
            "description": "CPL Entry IDs, or firmware version names or hex (8 digits) of the "
            "same device model; NAME#HASHPREFIX picks one of two builds of one version",
        },
        {"type": "string", "description": '"N/A" (nothing may be upgraded to it), or IDs'},
        {
            "type": "object",
            "properties": {"all_earlier": {"type": "boolean", "enum": [True]}},
            "required": ["all_earlier"],
            "additionalProperties": False,
            "description": "every active entry of the device model with a lower firmware "
            "version, expanded to IDs when approved",
        },
        {"type": "null"},
    ]
}


class SubmissionBody(BaseModel):
    """A proposed CPL entry: the keys of the JSON export, without `cpl_entry_id` (SECAS
    assigns it) and `date_added` (the day of approval). Device types ESME, GSME, CH, PPMID,
    HCALCS and SAPC must give the four new fields."""

    model_config = ConfigDict(extra="forbid")
    cpl_entry_id: str | None = _TEXT
    device_type: str | None = _TEXT
    manufacturer_id: str | None = _TEXT
    manufacturer_name: str | None = _TEXT
    model_id: str | None = _TEXT
    model_name: str | None = _TEXT
    hardware_version: str | None = _TEXT
    firmware_version: str | None = _TEXT
    firmware_version_name: str | None = _TEXT
    manufacturer_image_hash: str | None = _TEXT
    status: str | None = _TEXT
    upgrade_from: Any = Field(default=None, json_schema_extra=_UPGRADE_FROM_SCHEMA)
    zigbee_chipset_vendor: str | None = _TEXT
    zigbee_stack_version: str | None = _TEXT
    zigbee_band: str | None = _TEXT
    date_added: str | None = _TEXT
    notes: str | None = _TEXT
    release_date: str | None = _TEXT
    release_notes: str | None = _TEXT
    smets_chts_version: str | None = _TEXT
    gbcs_version: str | None = _TEXT


class ApprovalBody(BaseModel):
    """Why SECAS approves (optional; kept in the entry's history)."""

    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(default=None, max_length=2000, pattern=WITHOUT_CONTROLS)


class RejectionBody(BaseModel):
    """Why SECAS rejects: the submitter reads it."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=2000, pattern=SOME_TEXT)


@router.post(
    "/submissions",
    status_code=201,
    summary="Propose a CPL entry (a manufacturer: only for its own manufacturer ids)",
    response_model=None,
    responses=answers(Submitted, *SIGNED_IN, 400, headers=LOCATION, ok=201),
)
def create_submission(body: SubmissionBody, caller: Submitter) -> JSONResponse:
    from firpath.services.submissions import submit

    done = submit(caller.warm.engine, caller.account, body.model_dump(exclude_unset=True))
    document = submitted_document(done)
    return JSONResponse(
        document,
        status_code=201,
        headers={"Location": f"/api/v1/submissions/{done.submission.submission_id}"},
    )


@router.get(
    "/submissions",
    summary="Your submissions (SECAS: everyone's), newest first",
    response_model=None,
    responses=answers(Submissions, *SIGNED_IN),
)
def list_submissions(
    caller: Submitter,
    state: Annotated[
        str | None, Query(pattern=STATES, description="pending, approved or rejected")
    ] = None,
) -> dict[str, Any]:
    from firpath.services.submissions import list_submissions as listed

    wanted = SubmissionState(state) if state else None
    return submissions_document(listed(caller.warm.engine, caller.account, wanted))


@router.get(
    "/submissions/{submission_id}",
    summary="One of your submissions (SECAS: any); another's is 404, as if there were none",
    response_model=None,
    responses=answers(Submission, *SIGNED_IN, 404),
)
def get_submission(submission_id: SubmissionId, caller: Submitter) -> dict[str, Any]:
    from firpath.services.submissions import get_submission as one

    return submission_document(one(caller.warm.engine, caller.account, submission_id))


@router.post(
    "/submissions/{submission_id}/approve",
    summary="Publish a pending submission as a new CPL entry (SECAS)",
    response_model=None,
    responses=answers(ApprovedSubmission, *SIGNED_IN, 400, 404, 409),
)
def approve_submission(
    submission_id: SubmissionId,
    caller: Reviewer,
    body: Annotated[ApprovalBody | None, Body()] = None,
) -> dict[str, Any]:
    from firpath.services.submissions import approve

    done = approve(caller.warm.engine, caller.account, submission_id, body.reason if body else None)
    return submission_document(done.submission) | {"batch_id": done.batch_id}


@router.post(
    "/submissions/{submission_id}/reject",
    summary="Refuse a pending submission, with a reason (SECAS)",
    response_model=None,
    responses=answers(Submission, *SIGNED_IN, 400, 404, 409),
)
def reject_submission(
    submission_id: SubmissionId,
    caller: Reviewer,
    body: RejectionBody,
) -> dict[str, Any]:
    from firpath.services.submissions import reject

    done = reject(caller.warm.engine, caller.account, submission_id, body.reason)
    return submission_document(done)
