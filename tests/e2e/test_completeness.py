"""The back-fill tracker (issue 10, item 8): progress by manufacturer and by device type as a
chart and a table, and a manufacturer's chase list downloaded as `firpath chase-list` writes it."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from firpath.domain.completeness import Grouping, Tally, percent
from firpath.domain.entry import NEW_FIELDS
from firpath.services.backfill import completeness
from tests.e2e.conftest import Site, check_page, sign_in
from tests.integration.test_cli import firpath


def cells(tally: Tally) -> list[str]:
    """A group's row as the table should read: entries, each field, all four."""
    shown = [f"{tally.entries:,}"]
    shown += [f"{tally.count(f):,} ({percent(tally.count(f), tally.entries)})" for f in NEW_FIELDS]
    shown.append(f"{tally.complete:,} ({percent(tally.complete, tally.entries)})")
    return shown


def table_rows(page: Page) -> list[list[str]]:
    rows = page.locator("table.completeness > tbody > tr")
    return [
        [c.strip() for c in rows.nth(i).locator("td").all_inner_texts()]
        for i in range(rows.count())
    ]


def test_progress_toggles_between_manufacturers_and_device_types(
    browser: Browser, site: Site
) -> None:
    page = sign_in(browser, site, "reader")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Completeness").click()
    expect(page).to_have_url(f"{site.url}/completeness")
    expect(page.get_by_role("heading", level=1)).to_have_text("Back-fill progress")
    report = completeness(site.demo.engine, Grouping.MANUFACTURER)
    # the chart and the table: one bar and one row per manufacturer, least complete first
    expect(
        page.get_by_role("img", name=re.compile("by manufacturer, least complete first"))
    ).to_be_visible()
    worst = report.completeness.worst_first()
    assert page.locator("#chart-groups g.bar").count() == len(worst)
    rows = table_rows(page)
    assert len(rows) == len(worst) + 1  # and the total
    for group, row in zip(worst, rows, strict=False):
        m = report.manufacturers[group.key]
        assert row[0] == f"{m.manufacturer_name} {group.key}"
        assert row[1:7] == cells(group.tally)
        assert m.contact_email and m.contact_email in row[7]
    assert rows[-1][1:7] == cells(report.completeness.total)
    shares = [g.tally.complete / g.tally.entries for g in worst]
    assert shares == sorted(shares) and shares[0] < shares[-1]
    check_page(page, "completeness-by-manufacturer")

    page.get_by_role("navigation", name="Group by").get_by_role("link", name="Device type").click()
    expect(page).to_have_url(f"{site.url}/completeness?by=device_type")
    by_type = completeness(site.demo.engine, Grouping.DEVICE_TYPE).completeness
    expect(page.get_by_role("img", name=re.compile("by device type"))).to_be_visible()
    rows = table_rows(page)
    assert [r[0].split("(")[-1].rstrip(")") for r in rows[:-1]] == [
        g.key for g in by_type.worst_first()
    ]
    assert [r[1:7] for r in rows[:-1]] == [cells(g.tally) for g in by_type.worst_first()]
    assert page.get_by_role("link", name=re.compile("chase list")).count() == 0
    check_page(page, "completeness-by-device-type")
    page.get_by_role("navigation", name="Group by").get_by_role("link", name="Manufacturer").click()
    expect(page).to_have_url(f"{site.url}/completeness?by=manufacturer")
    page.context.close()


def test_a_chase_list_downloads_as_the_cli_writes_it(
    browser: Browser, site: Site, tmp_path: Path
) -> None:
    page = sign_in(browser, site, "manufacturer")
    page.goto(f"{site.url}/completeness")
    first = page.locator("table.completeness > tbody > tr").first
    manufacturer_id = first.locator("td").first.locator(".mono").inner_text()
    name = first.locator("td").first.inner_text().removesuffix(manufacturer_id).strip()

    with page.expect_download() as csv_download:
        first.get_by_role("link", name=f"CSV chase list of {name}").click()
    got = tmp_path / csv_download.value.suggested_filename
    csv_download.value.save_as(got)
    assert got.name == f"chase-list-{manufacturer_id}.csv"
    cli_file = tmp_path / "cli.csv"
    code, _, err = firpath(
        site.demo.url, "chase-list", "--manufacturer-id", manufacturer_id, "--out", str(cli_file)
    )
    assert code == 0, err
    assert got.read_bytes() == cli_file.read_bytes()
    assert got.read_bytes().count(b"\n") > 1  # the header and rows to chase

    with page.expect_download() as xlsx_download:
        first.get_by_role("link", name=f"Excel chase list of {name}").click()
    got_xlsx = tmp_path / xlsx_download.value.suggested_filename
    xlsx_download.value.save_as(got_xlsx)
    cli_xlsx = tmp_path / "cli.xlsx"
    assert (
        firpath(
            site.demo.url,
            "chase-list",
            "--manufacturer-id",
            manufacturer_id,
            "--out",
            str(cli_xlsx),
        )[0]
        == 0
    )
    assert sheets(got_xlsx) == sheets(cli_xlsx)
    page.context.close()


def sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet's cell values (an XLSX file's bytes hold the time it was written)."""
    book = load_workbook(path)
    return {s.title: list(s.iter_rows(values_only=True)) for s in book.worksheets}
