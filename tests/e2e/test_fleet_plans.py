"""Planning a fleet on the web page (issue 10, item 5): upload with progress, the summary by
status as a chart and a table, the stranded models and what to do, the plan downloads (the
same bytes as the API's), a bad file's message; and the same without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e.conftest import SCREENSHOTS, WIDE, Site, check_page, sign_in

# demo entries: 10039 and 10001 upgrade, 10021 and 10030 have no path to their model's newest,
# 10008 depends on an upgrade-from never provided, 10771 is its model's newest
FLEET: Final = (
    "device_id,cpl_entry_id\r\n"
    "MTR-0001,10039\r\nMTR-0002,10001\r\nMTR-0003,10021\r\nMTR-0004,10030\r\n"
    "MTR-0005,10008\r\nMTR-0006,10771\r\nMTR-0007,not-on-the-cpl\r\n"
)
PLANS: Final = "/api/v1/fleet-plans"


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    path = tmp_path / "fleet.csv"
    path.write_bytes(FLEET.encode())
    return path


def api_summary(site: Site, fleet: Path) -> dict[str, Any]:
    with site.server.client(site.demo.headers("supplier")) as client:
        answer = client.post(
            PLANS,
            files={"file": (fleet.name, fleet.read_bytes(), "text/csv")},
            headers={"Accept": "application/json"},
        )
    assert answer.status_code == 200, answer.text
    summary: dict[str, Any] = answer.json()
    return summary


def api_plan(site: Site, fleet: Path, *, explain: bool) -> bytes:
    with site.server.client(site.demo.headers("supplier")) as client:
        answer = client.post(
            PLANS,
            params={"explain": "true"} if explain else {},
            files={"file": (fleet.name, fleet.read_bytes(), "text/csv")},
        )
    assert answer.status_code == 200, answer.text
    return answer.content


def table_rows(page: Page, selector: str) -> list[list[str]]:
    """The text of each body row's cells of the table `selector`."""
    rows = page.locator(f"{selector} tbody tr")
    return [[cell.strip() for cell in row.locator("td").all_inner_texts()] for row in rows.all()]


def check_summary(page: Page, summary: dict[str, Any]) -> None:
    """The page's summary says what the API's summary document says."""
    expect(page.get_by_role("heading", name=re.compile(r"7 devices planned from fleet\.csv")))
    chart = page.locator("svg#fleet-status-chart[role=img]")
    expect(chart).to_be_visible()
    expect(chart.locator("title")).to_have_text("Devices by status")
    by_status = {s: n for s, n in summary["by_status"].items()}
    shown = {
        re.search(r"\b([a-z_]+)$", row[0]).group(1): int(row[2].replace(",", ""))  # type: ignore[union-attr]
        for row in table_rows(page, "table.status-table")
    }
    assert shown == by_status
    assert shown["no_path"] == 2 and shown["incomplete_data"] == 1 and shown["upgrade"] == 2
    for status, count in by_status.items():  # the chart writes each count beside its bar
        expect(chart.locator(f"g.bar.{status} text").last).to_contain_text(f"{count:,} (")
    stranded = table_rows(page, "table.stranded-table")
    assert len(stranded) == len(summary["stranded_models"]) >= 2
    for row, model in zip(stranded, summary["stranded_models"], strict=True):
        assert f"{row[0]} {row[1]}" == model["name"]  # manufacturer and model by name
        assert [int(c) for c in row[2:5]] == [
            model["no_path"],
            model["incomplete_data"],
            model["devices"],
        ]
    steps = page.locator("ul.next-steps > li")
    expect(steps).to_have_count(len(summary["next_steps"]))
    for item, step in zip(steps.all(), summary["next_steps"], strict=True):
        expect(item).to_contain_text(step["action"])
        for entry_id in step["entry_ids"]:
            expect(item.get_by_role("link", name=entry_id)).to_have_attribute(
                "href", f"/entries/{entry_id}"
            )
    asking = next(s for s in summary["next_steps"] if s["status"] == "incomplete_data")
    assert asking["contact"] and asking["contact"] in page.locator("ul.next-steps").inner_text()


def test_a_fleet_file_is_planned_with_progress_and_its_plans_download(
    browser: Browser, site: Site, fleet: Path
) -> None:
    page = sign_in(browser, site, "supplier")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Fleet plan").click()
    expect(page).to_have_url(f"{site.url}/fleet-plans/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan a fleet")
    expect(page.get_by_text("device_id", exact=True).first).to_be_visible()
    example = page.get_by_role("link", name=re.compile("example fleet file"))
    with page.expect_download() as example_download:
        example.click()
    assert example_download.value.suggested_filename == "fleet-example.csv"
    check_page(page, "fleet-plan-form")

    # the upload is held on its way until the progress indicator has been seen
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route(f"{site.url}/fleet-plans", hold)
    page.get_by_label("Fleet file").set_input_files(fleet)
    page.get_by_role("button", name="Plan the fleet").click()
    progress = page.locator("#fleet-progress")
    expect(progress).to_be_visible()
    expect(progress.locator("progress")).to_be_visible()
    expect(page.locator("#fleet-progress-label")).to_have_text(
        re.compile(r"(Uploading fleet\.csv: \d+ %|Planning fleet\.csv…)")
    )
    expect(page.get_by_role("button", name="Plan the fleet")).to_be_disabled()
    check_page(page, "fleet-plan-uploading")
    assert len(held) == 1
    held[0].continue_()
    page.unroute(f"{site.url}/fleet-plans", hold)

    expect(progress).to_be_hidden()
    check_summary(page, api_summary(site, fleet))
    expect(page).to_have_url(f"{site.url}/fleet-plans/new")  # shown in place: the file stays
    check_page(page, "fleet-plan-summary")

    for button, explain, name in (
        ("Download the plan (CSV)", False, "fleet-plan.csv"),
        ("Download the explained plan (CSV)", True, "fleet-plan-explained.csv"),
    ):
        with page.expect_download() as download:
            page.get_by_role("button", name=button).click()
        assert download.value.suggested_filename == name
        saved = download.value.path()
        assert saved.read_bytes() == api_plan(site, fleet, explain=explain), button
    expect(page.get_by_role("status")).to_have_text("Downloaded fleet-plan-explained.csv.")

    # a file that is not a fleet: the service's message, nothing else
    page.get_by_label("Fleet file").set_input_files(
        {"name": "meters.csv", "mimeType": "text/csv", "buffer": b"\x00\x01\x02 not text"}
    )
    expect(page.locator("#fleet-result")).to_be_empty()  # the old summary went with the file
    page.get_by_role("button", name="Plan the fleet").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("meters.csv: a binary file (NUL byte")
    expect(alert.get_by_role("heading")).to_have_text("The fleet file cannot be planned")
    expect(page.locator("table.status-table")).to_have_count(0)
    check_page(page, "fleet-plan-error")

    # an unknown target: said plainly, naming the ID
    page.get_by_label("Fleet file").set_input_files(fleet)
    page.get_by_label("Target firmware (optional)").fill("99999")
    page.get_by_role("button", name="Plan the fleet").click()
    expect(page.get_by_role("alert")).to_contain_text("99999")

    # the page a browser without JavaScript gets (the form sent as it is: no script runs)
    page.get_by_label("Target firmware (optional)").fill("")
    page.get_by_label("Show the summary on this page").check()
    page.evaluate("document.getElementById('fleet-form').submit()")
    expect(page).to_have_url(f"{site.url}/fleet-plans")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fleet plan of fleet.csv")
    check_summary(page, api_summary(site, fleet))
    check_page(page, "fleet-plan-summary-posted")
    page.context.close()


def test_without_javascript_the_form_shows_the_summary_and_downloads_the_plan(
    browser: Browser, site: Site, fleet: Path
) -> None:
    context = browser.new_context(viewport=WIDE, java_script_enabled=False)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{site.url}/login?next=/fleet-plans/new")
    page.get_by_label("Email").fill(site.demo.emails["supplier"])
    page.get_by_label("Password").fill(site.demo.passwords["supplier"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.url}/fleet-plans/new")

    page.get_by_label("Fleet file").set_input_files(fleet)
    page.get_by_label("Show the summary on this page").check()
    page.get_by_role("button", name="Plan the fleet").click()
    expect(page).to_have_url(f"{site.url}/fleet-plans")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fleet plan of fleet.csv")
    check_summary(page, api_summary(site, fleet))
    expect(page.get_by_text("The server keeps no copy of your file")).to_be_visible()
    expect(page.get_by_role("button", name="Download the plan (CSV)")).to_be_hidden()
    # (axe-core cannot run without JavaScript: the other test checks this layout with it)
    page.screenshot(path=SCREENSHOTS / "fleet-plan-summary-nojs.png", full_page=True)

    page.get_by_label("Fleet file").set_input_files(fleet)
    page.get_by_label(re.compile(r"^Download the explained plan")).check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Plan the fleet").click()
    assert download.value.suggested_filename == "fleet-plan-explained.csv"
    assert download.value.path().read_bytes() == api_plan(site, fleet, explain=True)

    page.get_by_label("Fleet file").set_input_files(
        {"name": "empty.csv", "mimeType": "text/csv", "buffer": b""}
    )
    page.get_by_label("Show the summary on this page").check()
    page.get_by_role("button", name="Plan the fleet").click()
    expect(page.get_by_role("alert")).to_contain_text("empty.csv: empty file, expected a header")
    page.screenshot(path=SCREENSHOTS / "fleet-plan-error-nojs.png", full_page=True)
    context.close()
