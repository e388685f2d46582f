"""The review queue and the entry edit form (issue 10, item 7), in process on both databases:
decisions, a reason required, rule failures and decisions already made, stale edits, bad
input naming the field and value, and HTML escaping; nothing changes when refused."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from firpath.domain.account import Account
from firpath.domain.record import entry_to_record
from firpath.domain.submission import SubmissionState
from firpath.services.accounts import form_token, sign_in
from firpath.services.corrections import SETTABLE, correct_entry
from firpath.services.history import entry_history
from firpath.services.registry import show_entry
from firpath.services.submissions import (
    approval_problems,
    approve,
    get_submission,
    submit,
)
from tests.api_harness import DemoRegistry, in_process
from tests.integration.submission_data import own_model, proposal

ENTRY = "10039"


class _Form(HTMLParser):
    """The fields of the first form posting to `action` on a page, as a browser sends them."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields = action, False, dict[str, str]()
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action", "").split("#")[0] == self.action and not self.fields
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self.inside and self._textarea:
            self.fields[self._textarea] += data


def form_fields(html: str, action: str) -> dict[str, str]:
    """What the browser would post from the form to `action` on `html`."""
    parser = _Form(action)
    parser.feed(html)
    assert parser.fields, f"no form posting to {action}"
    return parser.fields


def signed_in(client: TestClient, demo: DemoRegistry, role: str) -> str:
    """Sign `client` in as `role`; the session's form token."""
    session = sign_in(demo.engine, demo.emails[role], demo.passwords[role])
    client.cookies.clear()
    client.cookies.set("firpath_session", session.secret)
    return form_token(session.secret)


def submitted(demo: DemoRegistry, step: int = 1, **fields: Any) -> int:
    """A new pending submission by the demo manufacturer; its number."""
    maker = sign_in(demo.engine, demo.emails["manufacturer"], demo.passwords["manufacturer"])
    model, entries = own_model()
    done = submit(demo.engine, maker.account, proposal(model, entries, step, **fields))
    return done.submission.submission_id


def secas(demo: DemoRegistry) -> Account:
    return sign_in(demo.engine, demo.emails["secas"], demo.passwords["secas"]).account


def text_of(answer: Response) -> str:
    """The page's text without tags (entities as written)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.text))


# The review queue


def test_the_queue_shows_each_pending_submission_readably_with_its_checks(
    demo: DemoRegistry,
) -> None:
    number = submitted(demo)
    record = get_submission(demo.engine, secas(demo), number).record
    with in_process(demo) as client:
        signed_in(client, demo, "secas")
        page = client.get("/review")
    assert page.status_code == 200
    text = text_of(page)
    assert f"Submission {number}:" in text
    assert f"{record['firmware_version_name']} ({record['firmware_version']})" in text
    assert record["manufacturer_image_hash"] in text
    assert f"submitted by {demo.emails['manufacturer']}" in text
    assert "Passes every CPL rule against the registry as it is now" in text
    assert f'action="/review/{number}/approve' in page.text
    assert f'action="/review/{number}/reject' in page.text


def test_approving_publishes_the_entry_and_says_its_id(demo: DemoRegistry) -> None:
    number = submitted(demo)
    with in_process(demo) as client:
        token = signed_in(client, demo, "secas")
        answer = client.post(
            f"/review/{number}/approve",
            data={"csrf_token": token, "reason": "Checked with the maker"},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/review?decided={number}"
        page = client.get(answer.headers["location"])
        decided = get_submission(demo.engine, secas(demo), number)
        # the entry's history names the submission and its submitter beside the reason
        history = text_of(client.get(f"/entries/{decided.cpl_entry_id}"))
        assert (
            f"Checked with the maker (from submission {number} by {demo.emails['manufacturer']})"
            in history
        )
    assert decided.state is SubmissionState.APPROVED and decided.cpl_entry_id
    entry_id = decided.cpl_entry_id
    assert (
        show_entry(demo.engine, entry_id).entry.firmware_version
        == decided.record["firmware_version"]
    )
    assert f"Submission {number} approved as CPL entry ID {entry_id}" in text_of(page)
    assert f'href="/entries/{entry_id}"' in page.text


def test_a_rejection_needs_a_reason_and_then_is_made(demo: DemoRegistry) -> None:
    number = submitted(demo)
    with in_process(demo) as client:
        token = signed_in(client, demo, "secas")
        for empty in ("", "   \n "):
            refused = client.post(
                f"/review/{number}/reject", data={"csrf_token": token, "reason": empty}
            )
            assert refused.status_code == 422
            assert f'id="reject-reason-{number}-error"' in refused.text
            assert "Reason for rejecting: a rejection needs a reason" in text_of(refused)
            assert get_submission(demo.engine, secas(demo), number).state is (
                SubmissionState.PENDING
            )
        answer = client.post(
            f"/review/{number}/reject",
            data={"csrf_token": token, "reason": "Image hash does not match the image"},
        )
    assert answer.status_code == 200  # followed to the queue
    assert f"Submission {number} rejected" in text_of(answer)
    decided = get_submission(demo.engine, secas(demo), number)
    assert decided.state is SubmissionState.REJECTED
    assert decided.decision_reason == "Image hash does not match the image"


def test_a_submission_decided_in_another_tab_is_not_decided_again(demo: DemoRegistry) -> None:
    number = submitted(demo)
    with in_process(demo) as client:
        token = signed_in(client, demo, "secas")
        first = client.post(f"/review/{number}/approve", data={"csrf_token": token})
        assert first.status_code == 200
        entry_id = get_submission(demo.engine, secas(demo), number).cpl_entry_id
        for action, data in (("approve", {}), ("reject", {"reason": "too late"})):
            again = client.post(f"/review/{number}/{action}", data={"csrf_token": token} | data)
            assert again.status_code == 409, action
            assert f"submission {number} is approved as CPL entry {entry_id}" in again.text
            assert "nothing changed" in again.text
    decided = get_submission(demo.engine, secas(demo), number)
    assert decided.state is SubmissionState.APPROVED and decided.cpl_entry_id == entry_id


def _clash(demo: DemoRegistry, number: int) -> None:
    """Make the CPL break a rule for the pending submission: its newest earlier entry takes
    the submission's own build (firmware version and image hash)."""
    record = get_submission(demo.engine, secas(demo), number).record
    _, entries = own_model()
    correct_entry(
        demo.engine,
        entries[-1].cpl_entry_id,
        [
            ("firmware_version", record["firmware_version"]),
            ("manufacturer_image_hash", record["manufacturer_image_hash"]),
        ],
        reason="test: the CPL moves under a pending submission",
        actor="test",
    )


def test_an_approval_that_now_breaks_a_rule_says_why_and_changes_nothing(
    demo: DemoRegistry,
) -> None:
    number = submitted(demo)
    _clash(demo, number)
    problems = approval_problems(demo.engine, secas(demo), [number])[number]
    assert problems, "the approval's own checks find the clash"
    before = len(demo_entries(demo))
    with in_process(demo) as client:
        token = signed_in(client, demo, "secas")
        queue = client.get("/review")
        assert "Approving it now would be refused" in text_of(queue)
        answer = client.post(f"/review/{number}/approve", data={"csrf_token": token})
    assert answer.status_code == 422
    text = text_of(answer)
    assert f"submission {number} not approved; it stays pending, nothing changed" in text
    assert problems[0].message.split(":")[0] in answer.text.replace("&#39;", "'")
    assert get_submission(demo.engine, secas(demo), number).state is SubmissionState.PENDING
    assert len(demo_entries(demo)) == before


def demo_entries(demo: DemoRegistry) -> list[str]:
    from firpath.services.registry import browse_entries, entry_filter

    return [e.cpl_entry_id for e in browse_entries(demo.engine, entry_filter(), 1, 1000).entries]


def test_the_checks_pass_until_the_cpl_moves(demo: DemoRegistry) -> None:
    number = submitted(demo)
    assert approval_problems(demo.engine, secas(demo), [number]) == {number: []}
    done = approve(demo.engine, secas(demo), number)
    assert approval_problems(demo.engine, secas(demo), [number]) == {}, "decided: left out"
    assert done.entry.cpl_entry_id


@pytest.mark.parametrize(
    ("address", "status", "says"),
    [
        ("/review/999999/approve", 404, "submission 999999 does not exist"),
        ("/review/999999/reject", 404, "submission 999999 does not exist"),
        ("/review/0/approve", 422, "The address or form is not valid"),
        ("/review/abc/approve", 422, "The address or form is not valid"),
        ("/review/99999999999/reject", 422, "The address or form is not valid"),
    ],
)
def test_a_decision_on_no_submission_is_a_clear_page(
    demo: DemoRegistry, address: str, status: int, says: str
) -> None:
    with in_process(demo) as client:
        token = signed_in(client, demo, "secas")
        answer = client.post(address, data={"csrf_token": token, "reason": "why"})
    assert answer.status_code == status
    assert says in answer.text
    assert "Traceback" not in answer.text


def test_a_decision_without_the_form_token_is_refused(demo: DemoRegistry) -> None:
    number = submitted(demo)
    with in_process(demo) as client:
        signed_in(client, demo, "secas")
        answer = client.post(f"/review/{number}/approve", data={"csrf_token": "0" * 64})
    assert answer.status_code == 403
    assert get_submission(demo.engine, secas(demo), number).state is SubmissionState.PENDING


def test_text_from_submitters_and_reviewers_is_shown_as_text(demo: DemoRegistry) -> None:
    hostile = "<script>alert(1)</script>"
    number = submitted(demo, release_notes=f"notes {hostile}")
    with in_process(demo) as client:
        token = signed_in(client, demo, "secas")
        queue = client.get("/review")
        assert "notes &lt;script&gt;alert(1)&lt;/script&gt;" in queue.text
        refused = client.post(
            f"/review/{number}/approve", data={"csrf_token": token, "reason": "\x07" + hostile}
        )
        assert refused.status_code == 422
        assert "contains control character U+0007" in refused.text
        assert "&lt;script&gt;" in refused.text  # what was typed, kept, as text
        answer = client.post(
            f"/review/{number}/reject", data={"csrf_token": token, "reason": hostile}
        )
    assert answer.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text
    assert hostile not in answer.text


# The entry edit form


def _open(client: TestClient, entry_id: str = ENTRY) -> dict[str, str]:
    page = client.get(f"/entries/{entry_id}/edit")
    assert page.status_code == 200, page.text
    return form_fields(page.text, f"/entries/{entry_id}/edit")


def test_the_edit_form_offers_every_correctable_field_filled_in(demo: DemoRegistry) -> None:
    detail = show_entry(demo.engine, ENTRY)
    record = entry_to_record(detail.entry)
    with in_process(demo) as client:
        signed_in(client, demo, "secas")
        page = client.get(f"/entries/{ENTRY}/edit")
        fields = form_fields(page.text, f"/entries/{ENTRY}/edit")
    for name in SETTABLE:
        assert fields[name] == record[name], name
        assert f'<label for="{name}">' in page.text, name
    assert fields["revision"] == str(detail.revision)
    assert fields["reason"] == ""
    assert '<label for="reason">Reason for the change' in page.text


def test_a_correction_is_saved_with_its_reason_and_goes_back_to_the_entry(
    demo: DemoRegistry,
) -> None:
    with in_process(demo) as client:
        token = signed_in(client, demo, "secas")
        fields = _open(client)
        fields |= {"notes": "checked with the manufacturer", "reason": "ticket 42"}
        assert fields["csrf_token"] == token
        answer = client.post(f"/entries/{ENTRY}/edit", data=fields, follow_redirects=False)
    assert answer.status_code == 303
    detail = show_entry(demo.engine, ENTRY)
    assert answer.headers["location"] == f"/entries/{ENTRY}?corrected={detail.revision}"
    assert detail.entry.notes == "checked with the manufacturer"
    newest = entry_history(demo.engine, ENTRY)[0]
    assert newest.reason == "ticket 42" and newest.actor == demo.emails["secas"]
    assert [(c.field, c.after) for c in newest.changes] == [
        ("notes", "checked with the manufacturer")
    ]


def test_a_correction_without_a_reason_is_refused(demo: DemoRegistry) -> None:
    before = show_entry(demo.engine, ENTRY)
    with in_process(demo) as client:
        signed_in(client, demo, "secas")
        fields = _open(client) | {"notes": "kept as typed", "reason": "  "}
        answer = client.post(f"/entries/{ENTRY}/edit", data=fields)
    assert answer.status_code == 422
    assert 'id="reason-error"' in answer.text
    assert "Reason for the change: required" in answer.text
    assert form_fields(answer.text, f"/entries/{ENTRY}/edit")["notes"] == "kept as typed"
    assert show_entry(demo.engine, ENTRY) == before


def test_a_stale_form_is_refused_showing_what_changed_and_keeping_what_was_typed(
    demo: DemoRegistry,
) -> None:
    with in_process(demo) as client:
        signed_in(client, demo, "secas")
        fields = _open(client)
        old_notes = fields["notes"]
        correct_entry(
            demo.engine,
            ENTRY,
            [("notes", "changed in another tab"), ("gbcs_version", "4.1")],
            reason="the other tab",
            actor=demo.emails["secas"],
        )
        after_other = show_entry(demo.engine, ENTRY)
        typed = fields | {"notes": "mine", "release_notes": "mine too", "reason": "mine"}
        stale = client.post(f"/entries/{ENTRY}/edit", data=typed)
        assert stale.status_code == 412
        text = text_of(stale)
        assert f"CPL entry {ENTRY} changed after you opened this form" in text
        assert "nothing was saved" in text
        assert "changed in another tab" in text and "4.1" in text
        assert f"The latest change was made by {demo.emails['secas']}" in text
        assert "reason: “the other tab”" in text
        assert "you both changed it: yours is kept in the form" in text  # notes
        assert "Your changes, kept in the form Field Now What you typed Release Notes" in text
        assert show_entry(demo.engine, ENTRY) == after_other, "nothing saved"
        again = form_fields(stale.text, f"/entries/{ENTRY}/edit")
        assert again["notes"] == "mine" and again["release_notes"] == "mine too"
        assert again["gbcs_version"] == "4.1", "a field not typed in takes the new value"
        assert again["reason"] == "mine"
        assert again["revision"] == str(after_other.revision)
        assert old_notes != "mine"
        saved = client.post(f"/entries/{ENTRY}/edit", data=again, follow_redirects=False)
    assert saved.status_code == 303
    entry = show_entry(demo.engine, ENTRY).entry
    assert (entry.notes, entry.release_notes, entry.gbcs_version) == ("mine", "mine too", "4.1")
    assert entry_history(demo.engine, ENTRY)[0].reason == "mine"


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("firmware_version", "1.2.3", "Firmware Version “1.2.3”"),
        ("manufacturer_image_hash", "ABC", "Manufacturer Image Hash “ABC”"),
        ("date_added", "31/31/2020", "Date Added “31/31/2020”"),
        ("release_date", "yesterday", "Release Date “yesterday”"),
        ("zigbee_band", "NOPE", "ZigBee Band Join Option “NOPE”"),
        ("status", "gone", "Status “gone”"),
        ("device_type", "TOASTER", "Device Type “TOASTER”"),
        ("upgrade_from", "99999", "Upgrade From"),
        ("manufacturer_id", "XYZ", "Manufacturer ID “XYZ”"),
        ("notes", "bell\x07", "Notes"),
    ],
)
def test_a_bad_value_is_named_next_to_its_field_and_nothing_is_saved(
    demo: DemoRegistry, field: str, value: str, says: str
) -> None:
    before = show_entry(demo.engine, ENTRY)
    with in_process(demo) as client:
        signed_in(client, demo, "secas")
        fields = _open(client) | {field: value, "reason": "try it"}
        answer = client.post(f"/entries/{ENTRY}/edit", data=fields)
    assert answer.status_code == 422, answer.text
    assert f'id="{field}-error"' in answer.text
    error = re.search(rf'id="{field}-error">([^<]*)<', answer.text)
    assert error and says in error.group(1).replace("&#34;", '"'), error
    kept = form_fields(answer.text, f"/entries/{ENTRY}/edit")
    assert kept[field] == value
    assert show_entry(demo.engine, ENTRY) == before


def test_saving_an_unchanged_form_says_there_is_nothing_to_save(demo: DemoRegistry) -> None:
    before = show_entry(demo.engine, ENTRY)
    with in_process(demo) as client:
        signed_in(client, demo, "secas")
        answer = client.post(f"/entries/{ENTRY}/edit", data=_open(client) | {"reason": "x"})
    assert answer.status_code == 422
    assert "Nothing to save" in answer.text
    assert show_entry(demo.engine, ENTRY) == before


@pytest.mark.parametrize(
    ("address", "data", "status", "says"),
    [
        ("/entries/99999/edit", {}, 404, "CPL entry 99999 is not on the CPL"),
        ("/entries/%3Cb%3E/edit", {}, 422, "The address or form is not valid"),
        (f"/entries/{ENTRY}/edit", {"revision": "r3"}, 422, "does not say which revision"),
        (f"/entries/{ENTRY}/edit", {"revision": ""}, 422, "does not say which revision"),
    ],
)
def test_an_edit_of_no_entry_or_without_a_revision_is_a_clear_page(
    demo: DemoRegistry, address: str, data: dict[str, str], status: int, says: str
) -> None:
    before = show_entry(demo.engine, ENTRY)
    with in_process(demo) as client:
        token = signed_in(client, demo, "secas")
        answer = client.post(
            address, data={"csrf_token": token, "reason": "x", "notes": "n"} | data
        )
    assert answer.status_code == status, answer.text
    assert says in answer.text
    assert show_entry(demo.engine, ENTRY) == before


def test_an_edited_value_is_shown_as_text(demo: DemoRegistry) -> None:
    hostile = '"><script>alert(1)</script>'
    with in_process(demo) as client:
        signed_in(client, demo, "secas")
        fields = _open(client) | {"notes": hostile, "reason": hostile}
        saved = client.post(f"/entries/{ENTRY}/edit", data=fields, follow_redirects=False)
        assert saved.status_code == 303
        page = client.get(f"/entries/{ENTRY}/edit")
    assert show_entry(demo.engine, ENTRY).entry.notes == hostile
    assert "<script>alert(1)" not in page.text
    assert form_fields(page.text, f"/entries/{ENTRY}/edit")["notes"] == hostile


def test_the_queue_points_out_a_proposal_no_meter_can_reach(demo: DemoRegistry) -> None:
    # trial finding: a proposal upgraded to only from removed firmware passed silently and,
    # approved, left every meter of its model without a path to the latest
    _, entries = own_model()
    removed = next(e for e in entries if not e.is_active)
    number = submitted(demo, upgrade_from=[removed.cpl_entry_id])
    reachable = submitted(demo, step=2)
    with in_process(demo) as client:
        signed_in(client, demo, "secas")
        page = client.get("/review")
    assert page.status_code == 200
    notes = re.findall(r'id="submission-(\d+)-notes"', page.text)
    assert notes == [str(number)], (notes, reachable)
    assert (
        f"Every entry its upgrade-from names is removed from the CPL ({removed.cpl_entry_id})"
        in text_of(page)
    )
