"""Checking an OTA image on the web page (issue 11, item 2): a match that is the meter's next
step, a mismatch with what disagrees, an image that is not the next step with the image to
send instead, an unreadable file; the page works without JavaScript."""

from __future__ import annotations

import re
from typing import Final

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import SCREENSHOTS, WIDE, Site, check_page, sign_in
from tests.integration.image_files import LATER, NEXT, SOURCE, entry, image_of

PAGE: Final = "/images/verify"


def upload(page: Page, name: str, image: bytes, source: str = "") -> None:
    """Choose the file, say what the meter runs, check."""
    page.get_by_label("OTA upgrade image").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": image}
    )
    page.get_by_label(re.compile("The firmware the meter runs now")).fill(source)
    page.get_by_role("button", name="Check the image").click()


def test_a_match_and_a_mismatch_are_said_in_words_first(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site, "supplier")
    page.get_by_role("link", name="Check an image").click()
    expect(page).to_have_url(f"{site.url}{PAGE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check an OTA image")
    check_page(page, "image-verify-form")

    upload(page, "next-step.ota", image_of(entry(site.demo, NEXT), "sub_element"), SOURCE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check of next-step.ota")
    verdict = page.locator("section.verdict")
    expect(verdict.get_by_role("heading")).to_have_text("Match: this image is on the CPL")
    expect(verdict).to_contain_text(f"Safe to send to a meter on CPL entry {SOURCE}.")
    expect(verdict).to_contain_text("this is the next image to send")
    expect(page.get_by_role("link", name=f"{NEXT} (open the entry)")).to_be_visible()
    expect(page.get_by_text("inside a ZigBee OTA sub-element with tag 0x0000")).to_be_visible()
    check_page(page, "image-verify-match")

    hashed = entry(site.demo, NEXT)
    mislabelled = image_of(hashed, manufacturer_code=0x1ABC, file_version=0x01030200)
    upload(page, "mislabelled.ota", mislabelled)
    expect(verdict.get_by_role("heading")).to_have_text(
        "Mismatch: the image's header disagrees with its CPL entry"
    )
    expect(verdict).to_contain_text("Do not send this image.")
    rows = page.locator("table.problems tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("manufacturer_id")
    expect(rows.nth(0)).to_contain_text("1ABC")
    expect(rows.nth(1)).to_contain_text("01030200")
    expect(rows.nth(1)).to_contain_text(hashed.firmware_version)
    expect(page.get_by_role("heading", name="Whom to ask")).to_be_visible()
    check_page(page, "image-verify-mismatch")
    page.context.close()


def test_an_image_that_is_not_the_next_step_names_the_one_to_send(
    browser: Browser, site: Site
) -> None:
    page = sign_in(browser, site, "secas")
    page.goto(f"{site.url}{PAGE}?from={SOURCE}")
    upload(page, "later.ota", image_of(entry(site.demo, LATER)), SOURCE)
    verdict = page.locator("section.verdict")
    expect(verdict).to_contain_text(f"Do not send this image to a meter on CPL entry {SOURCE}.")
    instead = page.locator("p.send-instead")
    expect(instead).to_contain_text(entry(site.demo, NEXT).manufacturer_image_hash)
    check_page(page, "image-verify-not-next")
    instead.get_by_role("link", name=f"CPL entry {NEXT}").click()
    expect(page).to_have_url(f"{site.url}/entries/{NEXT}")

    page.goto(f"{site.url}{PAGE}")
    upload(page, "broken.ota", b"\x1e\xf1\xee\x0b not a whole header")
    expect(page.get_by_role("alert")).to_contain_text("broken.ota is truncated")
    check_page(page, "image-verify-unreadable")
    page.context.close()


def test_without_javascript_the_form_checks_the_image(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport=WIDE, java_script_enabled=False)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{site.url}/login?next={PAGE}")
    page.get_by_label("Email").fill(site.demo.emails["supplier"])
    page.get_by_label("Password").fill(site.demo.passwords["supplier"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.url}{PAGE}")
    upload(page, "plain.ota", image_of(entry(site.demo, SOURCE)))
    expect(page.locator("section.verdict h2")).to_have_text("Match: this image is on the CPL")
    # (axe-core cannot run without JavaScript: the other tests check this layout with it)
    page.screenshot(path=SCREENSHOTS / "image-verify-match-nojs.png", full_page=True)
    context.close()
