"""The JSON shapes the command line's `--json` and the HTTP API print, built from in-memory
domain objects (no database)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from firpath.documents import (
    completeness_document,
    entries_document,
    entry_detail_document,
    entry_document,
    error_document,
    history_document,
    path_document,
    step_document,
    submission_document,
    submissions_document,
)
from firpath.domain.completeness import Grouping, tally_completeness
from firpath.domain.errors import MAX_DEFECTS_KEPT, Defect, FieldInvalid, FirpathError, InvalidInput
from firpath.domain.firmware_ref import AmbiguousFirmware
from firpath.domain.record import entry_to_record
from firpath.domain.submission import Submission, SubmissionState
from firpath.domain.upgrade_graph import PathResult, PathStatus
from firpath.domain.values import DeviceType
from firpath.services.backfill import CompletenessReport
from firpath.services.history import FieldChange, HistoryItem
from firpath.services.paths import PathAnswer
from firpath.services.registry import EntryDetail
from tests.unit.test_rules import entry

# Errors


def test_an_invalid_input_lists_its_defects_and_counts_the_rest_by_kind() -> None:
    kept = [Defect("must be 4 hexadecimal digits", 2, "model_id", "X1", "XYZ")]
    counted = [Defect("is required", n, "device_type") for n in range(MAX_DEFECTS_KEPT + 2)]
    document = error_document(InvalidInput(kept + counted, "rows of the CPL file cannot be read"))
    error = document["error"]
    assert list(error) == ["code", "message", "details", "more"]
    assert error["code"] == "invalid_input"
    assert (
        error["message"]
        == f"rows of the CPL file cannot be read: {MAX_DEFECTS_KEPT + 3} problem(s)"
    )
    assert len(error["details"]) == MAX_DEFECTS_KEPT
    assert error["details"][0] == {
        "row": 2,
        "field": "model_id",
        "entry_id": "X1",
        "value": "XYZ",
        "message": "must be 4 hexadecimal digits",
    }
    assert error["more"] == [{"field": "device_type", "message": "is required", "count": 3}]


def test_a_good_file_error_has_an_empty_more() -> None:
    document = error_document(InvalidInput([Defect("unknown column", 1, "nonsense")]))
    assert document["error"]["more"] == []


def test_a_field_error_names_its_field_and_value() -> None:
    document = error_document(FieldInvalid("status", "weird", "must be 'active' or 'removed'"))
    assert document == {
        "error": {
            "code": "invalid_input",
            "message": "status 'weird': must be 'active' or 'removed'",
            "details": [
                {"field": "status", "value": "weird", "message": "must be 'active' or 'removed'"}
            ],
        }
    }


def test_an_ambiguous_firmware_lists_the_candidates() -> None:
    candidates = [entry("11", version="02010000"), entry("12", version="02010000")]
    document = error_document(AmbiguousFirmware("two builds of 2.1.0", candidates))
    assert document["error"]["code"] == "ambiguous_firmware"
    assert [d["cpl_entry_id"] for d in document["error"]["details"]] == ["11", "12"]
    assert set(document["error"]["details"][0]) == {
        "cpl_entry_id",
        "manufacturer_image_hash",
        "status",
    }


def test_any_other_error_has_no_details() -> None:
    assert error_document(FirpathError("anything else")) == {
        "error": {"code": "error", "message": "anything else", "details": []}
    }


# Paths


def test_a_no_path_answer_has_no_steps_and_says_whom_to_ask() -> None:
    source = entry("7", "N/A")
    target = entry("9", "8")
    result = PathResult(PathStatus.NO_PATH, source, target)
    answer = PathAnswer(result, "nothing leads from 7 to 9", "Ann <ann@example.com>")
    document = path_document(answer)
    assert document == {
        "status": "no_path",
        "from": "7",
        "to": "9",
        "steps": [],
        "missing_data": [],
        "reason": "nothing leads from 7 to 9",
        "manufacturer_name": None,
        "model_name": None,
        "contact": "Ann <ann@example.com>",
    }
    json.dumps(document)  # plain data


def test_a_model_without_an_active_entry_has_no_target() -> None:
    answer = PathAnswer(PathResult(PathStatus.NO_PATH, entry("7"), None), "no active entry")
    assert path_document(answer)["to"] is None


def test_an_ok_answer_lists_each_step_in_order() -> None:
    steps = (entry("2", "1", version="01000000"), entry("3", "2", version="02000000"))
    result = PathResult(PathStatus.OK, entry("1", "N/A"), steps[-1], steps)
    document = path_document(PathAnswer(result, "2 steps"))
    assert document["steps"] == [step_document(e) for e in steps]
    assert document["steps"][1] == {
        "cpl_entry_id": "3",
        "firmware_version": "02000000",
        "firmware_version_name": None,
        "manufacturer_image_hash": steps[1].manufacturer_image_hash,
    }


# Entries


def test_an_entry_in_a_list_says_what_it_misses_and_the_export_does_not() -> None:
    e = entry("5", "N/A", vendor="Silicon Labs")
    listed = entry_document(e)
    exported = entry_document(e, missing=False)
    assert listed["missing"] == ["zigbee_stack_version", "zigbee_band"]
    assert "missing" not in exported
    assert listed["upgrade_from"] == "N/A"
    assert listed["model_name"] is None  # an empty field is null, not ""
    assert list(listed)[:-1] == list(exported)


def test_an_unknown_upgrade_from_is_null_and_ids_are_a_list() -> None:
    assert entry_document(entry("5"))["upgrade_from"] is None
    assert entry_document(entry("6", "4;5"))["upgrade_from"] == ["4", "5"]


def test_the_entries_document_says_whether_it_was_cut_short() -> None:
    document = entries_document([entry("1"), entry("2")], truncated=True)
    assert [e["cpl_entry_id"] for e in document["entries"]] == ["1", "2"]
    assert document["truncated"] is True
    assert entries_document([], truncated=False) == {"entries": [], "truncated": False}


def test_an_entry_detail_adds_upgrade_to_missing_data_and_contact_last() -> None:
    e = entry("5", "N/A")
    document = entry_detail_document(EntryDetail(e, ["6", "7"], None))
    assert list(document)[-4:] == ["upgrade_to", "missing_data", "missing", "manufacturer_contact"]
    assert document["upgrade_to"] == ["6", "7"]
    assert document["missing"] == document["missing_data"] == list(e.missing_new_fields)
    assert document["manufacturer_contact"] is None


def test_a_history_is_under_the_canonical_id_newest_first_as_given() -> None:
    at = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
    item = HistoryItem(
        at, "ann", "update", "fix", None, "firpath edit", [FieldChange("zigbee_band", None, "2")]
    )
    document = history_document(" ab12 ", [item])
    assert document == {
        "cpl_entry_id": "AB12",
        "history": [
            {
                "at": "2024-05-01T12:30:00+00:00",
                "actor": "ann",
                "action": "update",
                "reason": "fix",
                "source": None,
                "command": "firpath edit",
                "changes": [{"field": "zigbee_band", "before": None, "after": "2"}],
            }
        ],
    }


# Back-fill


def test_completeness_by_device_type_has_shares_and_counts_out_of_scope() -> None:
    entries = [
        entry("1", "N/A", vendor="v", stack="s"),
        entry("2"),
        entry("3", device_type=DeviceType.IHD),
    ]
    report = CompletenessReport(tally_completeness(entries, Grouping.DEVICE_TYPE), {})
    document = completeness_document(report)
    assert document["by"] == "device-type"
    assert document["out_of_scope_entries"] == 1
    (group,) = document["groups"]
    assert group["device_type"] == "ESME"
    assert group["entries"] == 2 and group["complete"] == 0
    assert group["provided"]["upgrade_from"] == {"count": 1, "share": 0.5}
    assert document["total"]["complete_share"] == 0.0


# Start-up


def test_the_module_loads_no_database_file_or_interface_library() -> None:
    probe = (
        "import sys, firpath.documents\n"
        "heavy = ('sqlalchemy', 'polars', 'pyarrow', 'openpyxl', 'typer', 'rich', 'fastapi')\n"
        "print(','.join(m for m in sys.modules if m.split('.')[0] in heavy "
        "or m.startswith(('firpath.cli', 'firpath.api', 'firpath.services', 'firpath.io'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def _submission(state: str, upgrade_from: str, cpl_entry_id: str | None = None) -> Submission:
    record = entry_to_record(entry("X", upgrade_from))
    del record["cpl_entry_id"]
    return Submission(
        submission_id=7,
        state=SubmissionState(state),
        manufacturer_id=record["manufacturer_id"],
        submitted_by="maker@example.com",
        submitted_at=dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC),
        record=record,
        all_earlier=True,
        upgrade_from_given={"all_earlier": True},
        cpl_entry_id=cpl_entry_id,
    )


def test_a_pending_all_earlier_submission_shows_the_form_and_what_approval_checks() -> None:
    document = submission_document(_submission("pending", ""))
    assert document["id"] == 7 and document["state"] == "pending"
    assert document["entry"]["cpl_entry_id"] is None
    assert document["entry"]["upgrade_from"] == {"all_earlier": True}
    assert len(document["checked_again_at_approval"]) == 3
    assert json.loads(json.dumps(document)) == document


def test_an_approved_submission_shows_its_entry_id_and_the_expanded_ids() -> None:
    document = submission_document(_submission("approved", "1;2", cpl_entry_id="3"))
    assert document["cpl_entry_id"] == document["entry"]["cpl_entry_id"] == "3"
    assert document["entry"]["upgrade_from"] == ["1", "2"]
    assert document["checked_again_at_approval"] == []
    assert submissions_document([_submission("pending", "")])["submissions"][0]["id"] == 7
