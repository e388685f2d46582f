"""SECAS's workbench (issue 10, item 7): the review queue (approve, reject with a reason),
the entry edit form with a stale form, and the 403 page for everyone else."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from firpath.domain.account import Account
from firpath.domain.submission import SubmissionState
from firpath.services.accounts import sign_in as account_sign_in
from firpath.services.corrections import correct_entry
from firpath.services.history import entry_history
from firpath.services.registry import show_entry
from firpath.services.submissions import get_submission, submit
from tests.e2e.conftest import Site, check_page, sign_in
from tests.integration.submission_data import own_model, proposal

ENTRY = "10039"


def _submitted(site: Site, step: int) -> int:
    """A pending submission by the demo manufacturer account (as the API would make it)."""
    demo = site.demo
    maker = account_sign_in(
        demo.engine, demo.emails["manufacturer"], demo.passwords["manufacturer"]
    )
    model, entries = own_model()
    done = submit(demo.engine, maker.account, proposal(model, entries, step))
    return done.submission.submission_id


def _secas_account(site: Site) -> Account:
    demo = site.demo
    return account_sign_in(demo.engine, demo.emails["secas"], demo.passwords["secas"]).account


def test_secas_approves_one_submission_and_rejects_another_with_a_reason(
    browser: Browser, site: Site
) -> None:
    first, second = _submitted(site, 1), _submitted(site, 2)
    page = sign_in(browser, site, "secas")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review").click()
    expect(page).to_have_url(f"{site.url}/review")
    card = page.locator(f"#submission-{first}")
    expect(card.get_by_role("heading", level=3)).to_contain_text(f"Submission {first}:")
    expect(card).to_contain_text(f"submitted by {site.demo.emails['manufacturer']}")
    expect(card).to_contain_text("Passes every CPL rule against the registry as it is now")
    check_page(page, "review-queue")

    card.get_by_role("button", name=f"Approve submission {first}").click()
    entry_id = get_submission(site.demo.engine, _secas_account(site), first).cpl_entry_id
    assert entry_id, "approved as a new CPL entry"
    notice = page.get_by_role("status")
    expect(notice).to_have_text(f"Submission {first} approved as CPL entry ID {entry_id}.")
    assert (
        show_entry(site.demo.engine, entry_id).entry.firmware_version
        == (proposal(*own_model(), 1)["firmware_version"])
    )
    expect(notice.get_by_role("link", name=entry_id)).to_have_attribute(
        "href", f"/entries/{entry_id}"
    )
    expect(page.locator(f"#submission-{first}")).to_have_count(0)  # decided: off the queue

    other = page.locator(f"#submission-{second}")
    other.get_by_role("button", name=f"Reject submission {second}").click()
    error = page.locator(f"#reject-reason-{second}-error")
    expect(error).to_contain_text("a rejection needs a reason")
    expect(page.get_by_label("Reason for rejecting").first).to_have_attribute(
        "aria-invalid", "true"
    )
    assert get_submission(site.demo.engine, _secas_account(site), second).state is (
        SubmissionState.PENDING
    )
    check_page(page, "review-reject-error")

    page.locator(f"#reject-reason-{second}").fill("The image hash is not the signed image's")
    page.get_by_role("button", name=f"Reject submission {second}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Submission {second} rejected")
    decided = get_submission(site.demo.engine, _secas_account(site), second)
    assert decided.state is SubmissionState.REJECTED
    assert decided.decision_reason == "The image hash is not the signed image's"
    expect(page.get_by_role("table")).to_contain_text(f"CPL entry {entry_id}")
    check_page(page, "review-decided")
    page.context.close()


def test_an_edit_from_a_stale_form_is_refused_then_saved_with_its_reason(
    browser: Browser, site: Site
) -> None:
    page = sign_in(browser, site, "secas")
    page.goto(f"{site.url}/entries/{ENTRY}")
    page.get_by_role("link", name="Edit this entry").click()  # reached from the entry page
    expect(page).to_have_url(f"{site.url}/entries/{ENTRY}/edit")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Correct CPL entry {ENTRY}")
    check_page(page, "entry-edit")
    page.get_by_label("Notes", exact=True).fill("Checked with the manufacturer")
    page.get_by_label("Reason for the change").fill("SECAS ticket 4711")
    # meanwhile, another SECAS tab changes the entry
    correct_entry(
        site.demo.engine,
        ENTRY,
        [("gbcs_version", "4.1")],
        reason="the other tab",
        actor=site.demo.emails["secas"],
    )
    meanwhile = show_entry(site.demo.engine, ENTRY)
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"CPL entry {ENTRY} changed after you opened this form"
    )
    changed = page.get_by_role("region", name="Changed by someone else since you opened the form")
    expect(changed.get_by_role("table")).to_contain_text("GBCS Version")
    expect(changed).to_contain_text("4.1")
    expect(changed).to_contain_text("reason: “the other tab”")
    yours = page.get_by_role("region", name="Your changes, kept in the form")
    expect(yours.get_by_role("table")).to_contain_text("Checked with the manufacturer")
    expect(page.get_by_label("Notes", exact=True)).to_have_value("Checked with the manufacturer")
    expect(page.get_by_label("GBCS Version")).to_have_value("4.1")
    assert show_entry(site.demo.engine, ENTRY) == meanwhile, "nothing saved"
    check_page(page, "entry-edit-stale")

    page.get_by_role("button", name="Save the correction").click()
    expect(page).to_have_url(re.compile(rf"/entries/{ENTRY}\?corrected=\d+$"))
    expect(page.get_by_role("status")).to_contain_text("Your correction is saved")
    expect(page.locator("#history")).to_be_visible()
    entry = show_entry(site.demo.engine, ENTRY).entry
    assert (entry.notes, entry.gbcs_version) == ("Checked with the manufacturer", "4.1")
    newest = entry_history(site.demo.engine, ENTRY)[0]
    assert newest.reason == "SECAS ticket 4711"
    assert [c.field for c in newest.changes] == ["notes"]

    page.goto(f"{site.url}/entries/{ENTRY}/edit")
    page.get_by_label("Notes", exact=True).fill("once more")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator("#reason-error")).to_contain_text("Reason for the change: required")
    expect(page.get_by_label("Notes", exact=True)).to_have_value("once more")
    assert show_entry(site.demo.engine, ENTRY).entry.notes == "Checked with the manufacturer"
    check_page(page, "entry-edit-reason-error")
    page.context.close()


def test_only_secas_may_review_or_edit(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site, "supplier")
    for address, name in (("/review", "review-denied"), (f"/entries/{ENTRY}/edit", "edit-denied")):
        answer = page.goto(f"{site.url}{address}")
        assert answer is not None and answer.status == 403, address
        expect(page.get_by_role("heading", level=1)).to_have_text("You may not open this page")
        expect(page.get_by_role("alert")).to_contain_text(
            "review submissions" if name.startswith("review") else "correct entries"
        )
        check_page(page, name)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Review")).to_have_count(0)
    page.goto(f"{site.url}/entries/{ENTRY}")
    expect(page.get_by_role("link", name="Edit this entry")).to_have_count(0)
    page.context.close()
