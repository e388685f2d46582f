"""The entries page (issue 10, item 2): filter by facets and text, sort, page, download."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from firpath.services.registry import browse_entries, entry_filter, entry_order, list_entries
from firpath.store.entries import EntryFilter
from tests.e2e.conftest import Site, check_page, sign_in


def _shown_ids(page: Page) -> list[str]:
    return [
        t.strip() for t in page.locator("table.entries tbody tr td:first-child").all_inner_texts()
    ]


def _ids_of(found: list[object]) -> list[str]:
    return [e.cpl_entry_id for e in found]  # type: ignore[attr-defined]


def _downloaded(page: Page, link: str, folder: Path) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link, exact=False).first.click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


def test_filter_sort_page_and_download_the_matching_entries(
    browser: Browser, site: Site, tmp_path: Path
) -> None:
    engine = site.demo.engine
    everything = list_entries(engine, EntryFilter())
    page = sign_in(browser, site, "supplier")
    page.goto(f"{site.url}/entries")
    expect(page.get_by_role("heading", level=1)).to_have_text("Entries")
    expect(page.locator("#match-count")).to_have_text(
        f"{len(everything):,} entries match; showing 1 to 50."
    )
    expect(page.locator("table.entries > tbody > tr")).to_have_count(50)
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Manufacturer")
    check_page(page, "entries")

    # facets and free text, as a person chooses them
    page.get_by_label("Device type").select_option("GSME")
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Chipset vendor").select_option("NXP")
    page.get_by_label("Search").fill("gas")
    page.get_by_label("Entries per page").select_option("25")
    page.get_by_role("button", name="Show matching entries").click()
    flt = entry_filter(device_type="GSME", status="active", chipset_vendor="NXP", text="gas")
    matching = list_entries(engine, flt)
    assert len(matching) > 50, "the demo should give this filter more than two pages"
    assert len(matching) < len([e for e in everything if e.device_type.value == "GSME"])
    expect(page.locator("#match-count")).to_have_text(
        f"{len(matching)} entries match; showing 1 to 25."
    )
    expect(page.get_by_label("Device type")).to_have_value("GSME")
    expect(page.get_by_label("Search")).to_have_value("gas")
    in_use = page.get_by_role("list", name="Filters in use")
    expect(in_use).to_contain_text("Device type: GSME")
    expect(in_use).to_contain_text("Chipset vendor: NXP")
    check_page(page, "entries-filtered")

    # sort by firmware version: the column says so, the rows are the service's order
    page.get_by_role("link", name=re.compile("^Firmware version")).click()
    expect(page).to_have_url(re.compile(r"sort=firmware"))
    header = page.locator("th[aria-sort]")
    expect(header).to_have_count(1)
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(header).to_contain_text("Firmware version")
    ascending = browse_entries(engine, flt, 1, 25, entry_order("firmware"))
    assert _shown_ids(page) == _ids_of(ascending.entries)  # type: ignore[arg-type]
    page.get_by_role("link", name=re.compile("^Firmware version")).click()
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    descending = browse_entries(engine, flt, 1, 25, entry_order("firmware", "desc"))
    assert _shown_ids(page) == _ids_of(descending.entries)  # type: ignore[arg-type]

    # the next page keeps the filter and the order
    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.get_by_text("Page 2 of")).to_be_visible()
    expect(page.get_by_label("Chipset vendor")).to_have_value("NXP")
    second = browse_entries(engine, flt, 2, 25, entry_order("firmware", "desc"))
    assert _shown_ids(page) == _ids_of(second.entries)  # type: ignore[arg-type]
    check_page(page, "entries-sorted-page-2")

    # the downloads hold exactly the matching entries (every page, not just this one)
    wanted = sorted(e.cpl_entry_id for e in matching)
    text = _downloaded(page, "CSV", tmp_path).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["cpl_entry_id"] for r in rows) == wanted
    assert {r["device_type"] for r in rows} == {"GSME"}
    workbook = load_workbook(io.BytesIO(_downloaded(page, "XLSX", tmp_path)), read_only=True)
    sheet = workbook.worksheets[0]
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    id_column = cells[0].index("cpl_entry_id")
    assert sorted(str(r[id_column]) for r in cells[1:] if any(r)) == wanted
    document = json.loads(_downloaded(page, "JSON", tmp_path))
    assert document["entry_count"] == len(matching)
    assert sorted(e["cpl_entry_id"] for e in document["entries"]) == wanted
    page.context.close()


def test_nothing_matches_and_bad_values_are_said_plainly(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site, "reader")
    page.goto(f"{site.url}/entries?q=no+such+firmware+anywhere&device_type=ESME")
    expect(page.locator("#match-count")).to_have_text("No entries match these filters.")
    expect(page.locator("table.entries")).to_have_count(0)
    check_page(page, "entries-empty")
    page.get_by_role("link", name="Clear all filters").first.click()
    expect(page).to_have_url(f"{site.url}/entries")
    expect(page.locator("table.entries > tbody > tr")).to_have_count(50)

    page.goto(f"{site.url}/entries?band=bogus&page=-1&sort=nonsense&status=active")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Band (band) “bogus”")
    expect(alert).to_contain_text("Page (page) “-1”")
    expect(alert).to_contain_text("Sort by (sort) “nonsense”")
    # what was valid still counts
    active = list_entries(site.demo.engine, entry_filter(status="active"))
    expect(page.locator("#match-count")).to_contain_text(f"{len(active):,} entries match")
    check_page(page, "entries-bad-values")
    page.context.close()


def test_the_model_list_narrows_to_the_chosen_manufacturer(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site, "manufacturer")
    page.goto(f"{site.url}/entries")
    models = page.get_by_label("Model")
    every = models.locator("option").count()
    maker = page.get_by_label("Manufacturer").locator("option").nth(1).get_attribute("value")
    assert maker
    page.get_by_label("Manufacturer").select_option(maker)
    own = list_entries(site.demo.engine, entry_filter(manufacturer_id=maker))
    their_models = {f"{e.manufacturer_id}/{e.model_id}" for e in own}
    expect(models.locator("option")).to_have_count(len(their_models) + 1)
    assert models.locator("option").count() < every
    chosen = sorted(their_models)[0]
    models.select_option(chosen)
    page.get_by_role("button", name="Show matching entries").click()
    of_model = [e for e in own if f"{e.manufacturer_id}/{e.model_id}" == chosen]
    expect(page.locator("#match-count")).to_contain_text(
        f"{len(of_model)} {'entry matches' if len(of_model) == 1 else 'entries match'}"
    )
    page.context.close()
