"""Submissions (the CPL Tool's job): an account proposes a CPL entry; SECAS approves it onto
the CPL, every rule checked against the CPL as it is at that moment, or rejects it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from firpath.domain.account import Account, NotAllowed, Permission
from firpath.domain.entry import CplEntry
from firpath.domain.errors import (
    AlreadyDecided,
    Defect,
    FieldInvalid,
    InvalidInput,
    NotFound,
    StorageConflict,
)
from firpath.domain.record import entry_from_record, entry_to_record, parse_text
from firpath.domain.rules import check_entry
from firpath.domain.submission import (
    PLACEHOLDER_ID,
    Submission,
    SubmissionState,
    next_entry_id,
    submission_record,
    unplaced,
)
from firpath.domain.upgrade_from_forms import (
    ReferenceMatch,
    UpgradeFromForm,
    UpgradeFromRequest,
    earlier_entries,
    nothing_earlier,
    upgrade_from_request,
)
from firpath.domain.values import manufacturer_id as parse_manufacturer_id
from firpath.io.columns import CPL_ALL_COLUMNS
from firpath.io.cpl_file import CplRecords
from firpath.services.import_cpl import ImportReport, apply_cpl_records
from firpath.services.proposal_checks import check_proposal, model_disagreements, refused
from firpath.services.unit_of_work import now, read_transaction, write_transaction
from firpath.store import entries
from firpath.store import submissions as stored


@dataclass(frozen=True, slots=True)
class Submitted:
    """A stored submission with what its *upgrade from* names today."""

    submission: Submission
    matches: list[ReferenceMatch]
    all_earlier_now: list[CplEntry]


@dataclass(frozen=True, slots=True)
class Approved:
    """An approved submission, the entry it put on the CPL and the audit batch that did."""

    submission: Submission
    entry: CplEntry
    batch_id: int


def submit(engine: Engine, account: Account, payload: Mapping[str, object]) -> Submitted:
    """Store a proposed entry (its fields as in the JSON export), checked as far as it can be
    now; InvalidInput lists every defect, NotAllowed another manufacturer's entry."""
    account.require(Permission.SUBMIT, "make submissions")
    record, given, defects = submission_record(payload, CPL_ALL_COLUMNS)
    _check_manufacturer(account, record.get("manufacturer_id", ""))
    request: UpgradeFromRequest | None = None
    try:
        request = upgrade_from_request(given)
    except FieldInvalid as err:
        defects.append(Defect(err.message, None, err.field, None, err.value))
    with write_transaction(engine) as conn:
        proposal = check_proposal(conn, record, request)
        defects += proposal.defects
        if defects:
            raise InvalidInput(defects, refused(defects))
        all_earlier = request is not None and request.form is UpgradeFromForm.ALL_EARLIER
        submission = stored.add(
            conn,
            submitted_by=account.email,
            at=now(),
            record=_stored_record(proposal.entry, keep_upgrade_from=not all_earlier),
            all_earlier=all_earlier,
            upgrade_from_given=given,
        )
    return Submitted(submission, proposal.matches, proposal.all_earlier_now)


def _check_manufacturer(account: Account, raw: str) -> None:
    try:
        maker = parse_manufacturer_id(raw)
    except FieldInvalid:
        return  # reported with the other field defects
    if not account.may_submit_for(maker):
        own = ", ".join(sorted(account.manufacturer_ids)) or "none"
        raise NotAllowed(
            f"account {account.email} submits only for its own manufacturer ids ({own}), "
            f"not {maker}; nothing saved"
        )


def _stored_record(entry: CplEntry, *, keep_upgrade_from: bool) -> dict[str, str]:
    """The entry as a record without its CPL Entry ID (and, pending, its date added)."""
    record = entry_to_record(entry)
    del record["cpl_entry_id"]
    if entry.cpl_entry_id == PLACEHOLDER_ID:
        record["date_added"] = ""
    if not keep_upgrade_from:
        record["upgrade_from"] = ""
    return record


def list_submissions(
    engine: Engine, account: Account, state: SubmissionState | None = None
) -> list[Submission]:
    """The account's own submissions (SECAS: everyone's), newest first, in `state` if given."""
    reviewer = account.may(Permission.REVIEW)
    if not reviewer:
        account.require(Permission.SUBMIT, "see submissions")
    with read_transaction(engine) as conn:
        return stored.find(conn, submitted_by=None if reviewer else account.email, state=state)


def get_submission(engine: Engine, account: Account, submission_id: int) -> Submission:
    """One submission, if it is the account's own (SECAS: any); NotFound otherwise."""
    with read_transaction(engine) as conn:
        found = stored.get(conn, submission_id)
    if found is None or not _visible(account, found):
        raise NotFound(f"submission {submission_id} does not exist (or is not yours)")
    return found


def _visible(account: Account, submission: Submission) -> bool:
    return account.may(Permission.REVIEW) or submission.submitted_by == account.email


def _pending(conn: Connection, submission_id: int, doing: str) -> Submission:
    found = stored.get(conn, submission_id)
    if found is None:
        raise NotFound(f"submission {submission_id} does not exist")
    if found.state is not SubmissionState.PENDING:
        entry = f" as CPL entry {found.cpl_entry_id}" if found.cpl_entry_id else ""
        when = found.decided_at.date().isoformat() if found.decided_at else "?"
        raise AlreadyDecided(
            f"submission {submission_id} is {found.state.value}{entry} (by {found.decided_by} "
            f"on {when}): only a pending submission can be {doing}; nothing changed"
        )
    return found


def approve(
    engine: Engine, account: Account, submission_id: int, reason: str | None = None
) -> Approved:
    """Publish a pending submission as a new CPL entry, in one transaction.

    The CPL Entry ID is the next number after the highest numeric CPL Entry ID on the CPL (as
    many digits as that one); {"all_earlier": true} becomes the IDs of every active entry of
    the device model with a lower firmware version now; every rule of the CPL is checked
    against the registry as it is now, by the import's own rules (InvalidInput when one
    fails: the submission stays pending and nothing changes). The audit batch names the
    approver, the reason and `submission N`.
    """
    account.require(Permission.REVIEW, "approve submissions")
    why = parse_text("reason", reason or "")
    with write_transaction(engine) as conn:
        submission = _pending(conn, submission_id, "approved")
        at = now()
        entry_id, report = _publish(conn, submission, account, why, at, dry_run=False)
        if report.created != 1 or report.batch_id is None:  # a fresh ID is always new
            raise StorageConflict(f"CPL entry {entry_id} exists already; nothing changed")
        published = entries.get_entry(conn, entry_id)
        assert published is not None
        stored.decide(
            conn,
            submission_id,
            state=SubmissionState.APPROVED,
            by=account.email,
            at=at,
            reason=why,
            cpl_entry_id=entry_id,
            record=_stored_record(published, keep_upgrade_from=True),
        )
        decided = stored.get(conn, submission_id)
    assert decided is not None
    return Approved(decided, published, report.batch_id)


def approval_problems(
    engine: Engine, account: Account, submission_ids: Iterable[int]
) -> dict[int, list[Defect]]:
    """What an approval of each pending submission would refuse if made now (an empty list:
    it would pass), by the approval's own checks; nothing changes. Decided ones are left out."""
    account.require(Permission.REVIEW, "check submissions")
    found: dict[int, list[Defect]] = {}
    with read_transaction(engine) as conn:
        for submission_id in submission_ids:
            submission = stored.get(conn, submission_id)
            if submission is None or submission.state is not SubmissionState.PENDING:
                continue
            try:
                _publish(conn, submission, account, None, now(), dry_run=True)
            except InvalidInput as err:
                found[submission_id] = list(err.defects)
            else:
                found[submission_id] = []
    return found


def _publish(
    conn: Connection,
    submission: Submission,
    account: Account,
    why: str | None,
    at: dt.datetime,
    *,
    dry_run: bool,
) -> tuple[str, ImportReport]:
    """The pending submission as the next CPL entry, checked by every rule against the CPL
    now and (unless `dry_run`) written; InvalidInput when a rule fails."""
    submission_id = submission.submission_id
    summary = f"submission {submission_id} not approved; it stays pending, nothing changed"
    record = dict(submission.record)
    if submission.all_earlier:
        model_entries = entries.entries_of_model(conn, submission.device_model)
        earlier = earlier_entries(model_entries, record["firmware_version"])
        if not earlier:
            proposed, _ = entry_from_record(record | {"cpl_entry_id": PLACEHOLDER_ID})
            assert proposed is not None
            raise InvalidInput([nothing_earlier(proposed)], summary)
        record["upgrade_from"] = ";".join(e.cpl_entry_id for e in earlier)
    entry_id = next_entry_id(stored.all_entry_ids(conn))
    record |= {"cpl_entry_id": entry_id, "date_added": at.date().isoformat()}
    entry, problems = entry_from_record(record)
    if entry is not None:
        problems += check_entry(entry, new_submission=True)
        model_entries = entries.entries_of_model(conn, entry.device_model)
        problems += model_disagreements(conn, entry, model_entries)
    try:
        if problems:
            raise InvalidInput(problems, summary)
        report = apply_cpl_records(
            conn,
            CplRecords([(1, record)], "submission"),
            source=f"submission {submission_id} by {submission.submitted_by}",
            actor=account.email,
            dry_run=dry_run,
            action="approval",
            command="approve",
            reason=why,
        )
    except InvalidInput as err:
        raise InvalidInput(
            [
                unplaced(d if d.entry_id != entry_id else dataclasses.replace(d, entry_id=None))
                for d in err.defects
            ],
            f"{summary} (it would have been CPL entry {entry_id})",
        ) from None
    return entry_id, report


def reject(engine: Engine, account: Account, submission_id: int, reason: str) -> Submission:
    """Refuse a pending submission, saying why (the submitter reads the reason)."""
    account.require(Permission.REVIEW, "reject submissions")
    why = parse_text("reason", reason)
    if why is None:
        raise FieldInvalid(
            "reason", reason, "a rejection needs a reason: say what the submitter must change"
        )
    with write_transaction(engine) as conn:
        _pending(conn, submission_id, "rejected")
        stored.decide(
            conn,
            submission_id,
            state=SubmissionState.REJECTED,
            by=account.email,
            at=now(),
            reason=why,
        )
        decided = stored.get(conn, submission_id)
    assert decided is not None
    return decided
