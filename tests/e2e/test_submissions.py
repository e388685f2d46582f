"""Submissions in a real browser (issue 10, item 6): the form with a validation error, then
success, and the submission listed as pending; with JavaScript and without it."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import WIDE, Site, check_page, sign_in
from tests.integration.submission_data import image_hash, other_maker_model, own_model


def field_error(page: Page, field: str) -> str:
    """The message shown next to `field` (the first, if there are several)."""
    return page.locator(f"#{field}-error1").inner_text()


def test_a_manufacturer_submits_with_an_error_then_succeeds(browser: Browser, site: Site) -> None:
    model, entries = own_model()
    newest, before = entries[-1], entries[-2]
    version = f"{newest.firmware_number + 1:08X}"
    page = sign_in(browser, site, "manufacturer")
    page.goto(f"{site.url}/submissions")
    page.get_by_role("link", name="Make a new submission").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New submission")
    check_page(page, "submission-new")
    # the manufacturer's own id is the only one offered, and already chosen
    maker = page.get_by_label("Manufacturer ID")
    expect(maker).to_have_value(model.manufacturer_id)
    expect(maker.locator("option")).to_have_count(1)
    page.get_by_label("Device type").select_option(newest.device_type.value)
    page.get_by_label("Model ID").fill(model.model_id)
    page.get_by_label("Hardware version").fill(model.hardware_version)
    page.get_by_label("Hardware version").press("Tab")  # the list fills from the API
    earlier = page.locator("#upgrade_from")
    expect(earlier.locator("option")).to_have_count(len(entries))
    expect(earlier.locator("option").first).to_have_text(
        f"{newest.firmware_version_name} = {newest.firmware_version}, entry {newest.cpl_entry_id}"
    )
    page.get_by_label("Firmware version (hex)").fill("01XY0000")  # not hex
    page.get_by_label("Firmware version name").fill(f"{newest.firmware_version_name}-e2e")
    page.get_by_label("Manufacturer image hash").fill(image_hash(f"e2e {model} {version}"))
    page.get_by_label("ZigBee stack version").fill("EmberZNet 7.4.3")  # the vendor left out
    page.get_by_label("ZigBee band join option").select_option("2_4GHZ_ONLY")
    earlier.select_option([newest.cpl_entry_id, before.cpl_entry_id])
    expect(page.get_by_label("These earlier versions (chosen below)")).to_be_checked()
    page.get_by_role("button", name="Send submission").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Nothing was saved: 2 things to fix")
    assert "“01XY0000”: must be 8 hexadecimal digits" in field_error(page, "firmware_version")
    assert "is required on a new submission for device type" in field_error(
        page, "zigbee_chipset_vendor"
    )
    # everything typed is kept
    expect(page.get_by_label("Firmware version (hex)")).to_have_value("01XY0000")
    expect(page.get_by_label("Model ID")).to_have_value(model.model_id)
    expect(page.get_by_label("ZigBee stack version")).to_have_value("EmberZNet 7.4.3")
    expect(page.get_by_label("ZigBee band join option")).to_have_value("2_4GHZ_ONLY")
    expect(earlier.locator("option:checked")).to_have_count(2)
    check_page(page, "submission-errors")
    # the summary links to the field
    summary.get_by_role("link", name=re.compile("Firmware version")).click()
    expect(page.get_by_label("Firmware version (hex)")).to_be_focused()

    page.get_by_label("Firmware version (hex)").fill(version)
    page.get_by_label("ZigBee chipset vendor").fill("Silicon Labs")
    page.get_by_role("button", name="Send submission").click()
    expect(page).to_have_url(re.compile(r"/submissions\?received=\d+$"))
    number = page.url.rsplit("=", 1)[1]
    expect(page.get_by_role("status")).to_contain_text(f"Submission {number} received")
    row = page.locator(f"#submission-{number}")
    expect(row.get_by_text("pending", exact=True)).to_be_visible()
    expect(row).to_contain_text(f"{newest.firmware_version_name}-e2e = {version}")
    upgraded_from = row.get_by_role("link", name=f"{newest.firmware_version_name} = ")
    expect(upgraded_from).to_have_attribute("href", f"/entries/{newest.cpl_entry_id}")
    check_page(page, "submissions-list")
    page.context.close()


def test_a_supplier_submits_without_javascript(browser: Browser, site: Site) -> None:
    model, entries = other_maker_model()
    newest = entries[-1]
    version = f"{newest.firmware_number + 1:08X}"
    context = browser.new_context(viewport=WIDE, java_script_enabled=False)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{site.url}/login?next=/submissions/new")
    page.get_by_label("Email").fill(site.demo.emails["supplier"])
    page.get_by_label("Password").fill(site.demo.passwords["supplier"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.url}/submissions/new")
    page.get_by_label("Device type").select_option(newest.device_type.value)
    page.get_by_label("Manufacturer ID").fill(model.manufacturer_id)
    page.get_by_label("Model ID").fill(model.model_id)
    page.get_by_label("Hardware version").fill(model.hardware_version)
    page.get_by_label("Firmware version (hex)").fill(version)
    page.get_by_label("Notes", exact=True).fill("typed before the list was filled")
    earlier = page.locator("#upgrade_from")
    expect(earlier.locator("option")).to_have_count(0)
    page.get_by_role("button", name="Show this model's firmware").click()
    # the page comes back with the list filled and everything typed kept
    expect(earlier.locator("option")).to_have_count(len(entries))
    expect(page.get_by_label("Firmware version (hex)")).to_have_value(version)
    expect(page.get_by_label("Notes", exact=True)).to_have_value("typed before the list was filled")
    expect(page.locator(".field-error")).to_have_count(0)
    page.get_by_label("Manufacturer image hash").fill("not a hash")
    page.get_by_label("ZigBee chipset vendor").fill("Silicon Labs")
    page.get_by_label("ZigBee stack version").fill("EmberZNet 7.4.3")
    page.get_by_label("ZigBee band join option").select_option("MULTI_MAC_AUTO")
    page.get_by_label("Every earlier active version").check()
    page.get_by_role("button", name="Send submission").click()
    assert "must be 64 hexadecimal digits" in field_error(page, "manufacturer_image_hash")
    expect(page.get_by_label("Every earlier active version")).to_be_checked()
    page.get_by_label("Manufacturer image hash").fill(image_hash(f"e2e {model} {version}"))
    page.get_by_role("button", name="Send submission").click()
    expect(page).to_have_url(re.compile(r"/submissions\?received=\d+$"))
    number = page.url.rsplit("=", 1)[1]
    row = page.locator(f"#submission-{number}")
    expect(row).to_contain_text("pending")
    expect(row).to_contain_text("every earlier active version")
    context.close()
