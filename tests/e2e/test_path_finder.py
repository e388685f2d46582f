"""The path finder without any ID (issue 10, item 4): a Supplier picks the meter's
manufacturer, model, hardware version and firmware by the labels people read, and gets the
API's answer; the address holds the question, so a colleague opening it sees the same."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from firpath.domain.catalogue import Catalogue
from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.upgrade_graph import PathStatus
from firpath.domain.values import entry_id_order
from firpath.samples.catalogue import DEMO_ENTRIES, demo_catalogue
from firpath.services.paths import find_path_in
from tests.e2e.conftest import WIDE, Site, check_page, sign_in

DEMO = demo_catalogue(DEMO_ENTRIES)  # what the served demo registry holds
CATALOGUE = Catalogue(
    {e.cpl_entry_id: e for e in DEMO.entries}, {m.manufacturer_id: m for m in DEMO.manufacturers}, 0
)


def builds_of(model: DeviceModel) -> list[CplEntry]:
    return sorted(
        CATALOGUE.model_entries(model),
        key=lambda e: (e.firmware_number, entry_id_order(e.cpl_entry_id)),
    )


def status_from(entry: CplEntry) -> PathStatus:
    return find_path_in(CATALOGUE, entry.cpl_entry_id).result.status


# what people read in the finder's drop-downs
def maker_label(model: DeviceModel) -> str:
    maker = CATALOGUE.manufacturer(model.manufacturer_id)
    assert maker is not None
    return f"{maker.manufacturer_name} ({model.manufacturer_id})"


def model_label(model: DeviceModel) -> str:
    return f"{builds_of(model)[0].model_name} ({model.model_id})"


def build_label(entry: CplEntry) -> str:
    twins = [
        b for b in builds_of(entry.device_model) if b.firmware_version == entry.firmware_version
    ]
    label = f"{entry.firmware_version_name} ({entry.firmware_version})"
    if len(twins) > 1:
        label += f", hash {entry.manufacturer_image_hash[:12]}"
    if not entry.is_active:
        label += " — removed from the CPL"
    return label


def choose(page: Page, field: str, option: str, *, script: bool = True) -> None:
    """Pick `option` (its label) in the drop-down labelled `field`; the page moves on."""
    select = page.get_by_label(field)
    if script:  # the page's script submits the finder on each change
        with page.expect_navigation():
            select.select_option(label=option)
    else:
        select.select_option(label=option)
        page.get_by_role("button", name=re.compile("Continue|Show the path")).click()
        page.wait_for_load_state()


def choose_meter(page: Page, entry: CplEntry, *, script: bool = True) -> None:
    """Manufacturer → model → hardware version → firmware, by label, from a fresh finder."""
    model = entry.device_model
    choose(page, "Manufacturer", maker_label(model), script=script)
    choose(page, "Device model", model_label(model), script=script)
    hardware = page.get_by_label("Hardware version")
    if hardware.input_value() != model.hardware_version:  # one version only: chosen already
        choose(page, "Hardware version", model.hardware_version, script=script)
    expect(page.get_by_label("Firmware the meter runs now")).to_be_visible()
    choose(page, "Firmware the meter runs now", build_label(entry), script=script)
    expect(page.locator("section.answer")).to_be_visible()


def shown(page: Page) -> dict[str, Any]:
    """The answer on the page."""
    section = page.locator("section.answer")
    contact = page.locator(".contact-line")
    return {
        "status": section.get_attribute("data-status"),
        "from": section.get_attribute("data-from"),
        "to": section.get_attribute("data-to") or None,
        "steps": page.locator("ol.path-steps > li").evaluate_all(
            "items => items.map(i => i.dataset.entry)"
        ),
        "missing_data": page.locator("ul.missing > li").evaluate_all(
            "items => items.map(i => i.dataset.entry)"
        ),
        "reason": " ".join(page.locator("p.reason").inner_text().split()),
        "contact": contact.inner_text() if contact.count() else None,
    }


def from_api(page: Page, site: Site, source: str, target: str) -> dict[str, Any]:
    """`GET /api/v1/paths` for the same question, in the page's terms."""
    answer = page.request.get(f"{site.url}/api/v1/paths", params={"from": source, "to": target})
    assert answer.ok, answer.text()
    doc = answer.json()
    return {
        "status": doc["status"],
        "from": doc["from"],
        "to": doc["to"],
        "steps": [s["cpl_entry_id"] for s in doc["steps"]],
        "missing_data": doc["missing_data"],
        "reason": " ".join(doc["reason"].split()),
        "contact": doc["contact"] if doc["status"] in ("no_path", "incomplete_data") else None,
    }


def target_in_url(page: Page) -> str:
    found = re.search(r"[?&]to=([^&#]+)", page.url)
    return found.group(1) if found else "latest"


def same_answer_elsewhere(browser: Browser, site: Site, url: str, expected: dict[str, Any]) -> None:
    """A colleague, signed in, opening the shared address sees the same answer."""
    other = sign_in(browser, site, "supplier")
    other.goto(url)
    assert shown(other) == expected
    other.context.close()


def test_a_supplier_finds_a_path_of_several_steps_by_names(browser: Browser, site: Site) -> None:
    entry = max(
        (builds_of(m)[0] for m in CATALOGUE.device_models()),
        key=lambda e: len(find_path_in(CATALOGUE, e.cpl_entry_id).result.steps),
    )
    page = sign_in(browser, site, "supplier")
    expect(page).to_have_url(f"{site.url}/paths")  # the Supplier's first page
    expect(page.get_by_role("heading", level=1)).to_have_text("Find an upgrade path")
    check_page(page, "paths-start")
    choose(page, "Manufacturer", maker_label(entry.device_model))
    check_page(page, "paths-choose-model")
    choose(page, "Device model", model_label(entry.device_model))
    check_page(page, "paths-choose-firmware")
    choose(page, "Firmware the meter runs now", build_label(entry))
    answer = shown(page)
    assert answer["status"] == "ok" and len(answer["steps"]) >= 3
    assert answer == from_api(page, site, entry.cpl_entry_id, "latest")
    steps = page.locator("ol.path-steps > li")
    first = CATALOGUE.entry(answer["steps"][0])
    assert first is not None
    expect(steps.first).to_contain_text(f"{first.firmware_version_name}")
    expect(steps.first).to_contain_text(first.firmware_version)
    expect(steps.first).to_contain_text(first.manufacturer_image_hash)
    expect(steps.first).to_contain_text(str(first.date_added))
    expect(steps.first).to_contain_text(first.release_notes or "not provided")
    expect(steps.first.get_by_role("link", name=first.cpl_entry_id)).to_have_attribute(
        "href", f"/entries/{first.cpl_entry_id}"
    )
    check_page(page, "paths-ok")
    # the address holds every choice: a colleague sees the same answer
    for name in ("manufacturer", "model", "hardware", "firmware"):
        assert f"{name}=" in page.url
    same_answer_elsewhere(browser, site, page.url, answer)
    # the entry page's "plan from here to latest": the firmware alone fills in the rest
    page.goto(f"{site.url}/paths?firmware={entry.cpl_entry_id}")
    assert shown(page) == answer
    expect(page.get_by_label("Manufacturer")).to_have_value(entry.manufacturer_id)
    expect(page.get_by_label("Device model")).to_have_value(entry.model_id)
    page.context.close()


def test_twin_builds_are_chosen_by_their_hash(browser: Browser, site: Site) -> None:
    # a version built twice, with later versions to aim at
    twin = next(
        b
        for m in CATALOGUE.device_models()
        for b in builds_of(m)
        if b.is_active
        and b.notes == "second build of this version"
        and len([e for e in builds_of(m) if e.is_active and e.firmware_number > b.firmware_number])
        >= 2
    )
    page = sign_in(browser, site, "supplier")
    choose_meter(page, twin)
    assert ", hash " in build_label(twin)
    assert shown(page) == from_api(page, site, twin.cpl_entry_id, "latest")
    assert shown(page)["from"] == twin.cpl_entry_id
    # aim at a later version instead of the latest
    later = [
        e
        for e in builds_of(twin.device_model)
        if e.is_active and e.firmware_number > twin.firmware_number
    ]
    aim = later[0]
    choose(page, "Upgrade to", build_label(aim))
    assert target_in_url(page) == aim.cpl_entry_id
    answer = shown(page)
    assert answer["to"] == aim.cpl_entry_id
    assert answer == from_api(page, site, twin.cpl_entry_id, aim.cpl_entry_id)
    check_page(page, "paths-twin")
    same_answer_elsewhere(browser, site, page.url, answer)
    page.context.close()


def test_a_meter_on_a_twin_of_the_latest_version_is_up_to_date(
    browser: Browser, site: Site
) -> None:
    on_twin = next(
        b
        for m in CATALOGUE.device_models()
        if (latest := CATALOGUE.graph(m).latest()) is not None
        for b in builds_of(m)
        if b.firmware_version == latest.firmware_version and b.cpl_entry_id != latest.cpl_entry_id
    )
    page = sign_in(browser, site, "supplier")
    choose_meter(page, on_twin)
    answer = shown(page)
    assert answer["status"] == "up_to_date" and answer["steps"] == []
    assert answer == from_api(page, site, on_twin.cpl_entry_id, "latest")
    expect(page.get_by_role("heading", name=re.compile("up to date"))).to_be_visible()
    check_page(page, "paths-up-to-date")
    page.context.close()


@pytest.mark.parametrize("status", [PathStatus.INCOMPLETE_DATA, PathStatus.NO_PATH])
def test_no_path_says_why_and_whom_to_ask(browser: Browser, site: Site, status: PathStatus) -> None:
    entry = next(
        builds_of(m)[0] for m in CATALOGUE.device_models() if status_from(builds_of(m)[0]) is status
    )
    maker = CATALOGUE.manufacturer(entry.manufacturer_id)
    assert maker is not None and maker.contact_email and maker.contact_name
    page = sign_in(browser, site, "supplier")
    choose_meter(page, entry)
    answer = shown(page)
    assert answer["status"] == status.value
    assert answer == from_api(page, site, entry.cpl_entry_id, "latest")
    ask = page.locator(".ask")
    expect(ask.get_by_role("heading", name="Whom to ask")).to_be_visible()
    expect(ask).to_contain_text(f"{maker.manufacturer_name} ({maker.manufacturer_id})")
    expect(ask).to_contain_text(maker.contact_email)
    expect(ask.get_by_role("link", name=f"Write to {maker.contact_name}")).to_have_attribute(
        "href", f"mailto:{maker.contact_email}"
    )
    if status is PathStatus.INCOMPLETE_DATA:
        assert answer["missing_data"]
    check_page(page, f"paths-{status.value}")
    same_answer_elsewhere(browser, site, page.url, answer)
    page.context.close()


def test_without_javascript_each_choice_is_a_step_and_stale_choices_are_named(
    browser: Browser, site: Site
) -> None:
    context = browser.new_context(viewport=WIDE, java_script_enabled=False)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{site.url}/login?next=/paths")
    page.get_by_label("Email").fill(site.demo.emails["supplier"])
    page.get_by_label("Password").fill(site.demo.passwords["supplier"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.url}/paths")
    entry = next(
        b
        for m in CATALOGUE.device_models()
        for b in builds_of(m)[:1]
        if status_from(b) is PathStatus.OK
    )
    choose_meter(page, entry, script=False)
    assert shown(page) == from_api(page, site, entry.cpl_entry_id, "latest")
    # another manufacturer, the rest left as it was: the stale firmware is named at its field
    other = next(m for m in CATALOGUE.device_models() if m.manufacturer_id != entry.manufacturer_id)
    page.get_by_label("Manufacturer").select_option(label=maker_label(other))
    page.get_by_role("button", name="Show the path").click()
    errors = page.locator(".field-error")
    expect(errors).to_have_count(1)
    expect(errors).to_contain_text(
        re.compile(r"is not (a model of|one of)|\) is firmware of .*, not of ")
    )
    expect(page.locator("section.answer")).to_have_count(0)
    stale = page.url
    context.close()
    # axe-core needs JavaScript: the same page, checked in a browser that runs it
    checked = sign_in(browser, site, "supplier")
    checked.goto(stale)
    expect(checked.locator(".field-error")).to_have_count(1)
    check_page(checked, "paths-stale")
    checked.context.close()


def test_a_target_older_than_the_meter_is_named_at_its_field(browser: Browser, site: Site) -> None:
    model = next(m for m in CATALOGUE.device_models() if len(builds_of(m)) > 3)
    active = [b for b in builds_of(model) if b.is_active]
    source, older = active[-1], active[0]
    page = sign_in(browser, site, "supplier")
    page.goto(f"{site.url}/paths?firmware={source.cpl_entry_id}&to={older.cpl_entry_id}")
    target = page.get_by_label("Upgrade to")
    expect(target).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#to-error")).to_contain_text(
        f"{older.cpl_entry_id} ({older.firmware_version_name}, {older.firmware_version}) is not "
        "later than the firmware the meter runs"
    )
    expect(page.locator("section.answer")).to_have_count(0)
    check_page(page, "paths-bad-target")
    # choosing a target from the list answers again
    choose(page, "Upgrade to", target.locator("option").first.inner_text())
    expect(page.locator("section.answer")).to_be_visible()
    page.context.close()


def test_arrow_keys_move_through_a_choice_without_reloading(browser: Browser, site: Site) -> None:
    # trial finding: the arrow keys on a closed drop-down changed it and reloaded the page at
    # once (WCAG 3.2.2); now the keyboard waits for Enter
    page = sign_in(browser, site, "supplier")
    start = page.url
    makers = page.get_by_label("Manufacturer")
    makers.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)  # a reload would have started by now
    assert page.url == start
    chosen = makers.input_value()
    assert chosen
    expect(makers).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"manufacturer={chosen}"))
    expect(page.get_by_label("Device model")).to_be_visible()
    page.context.close()
