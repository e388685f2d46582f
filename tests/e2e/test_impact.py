"""The ZigBee impact query (issue 10, item 9): as the SSC, a query found from the demo data
answers by device model with the same entries and counts as `GET /api/v1/impact`; a pattern
matching nothing says so with the closest stated values."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Site, check_page, sign_in

OUTCOME_OF_STATUS = {
    "ok": "remediable",
    "no_path": "stranded",
    "incomplete_data": "incomplete_data",
}


def outcome(entry: dict[str, Any]) -> str:
    """What the API's entry means for its devices (the page's outcome)."""
    if entry["exposure"] != "affected":
        return "unknown_exposure"
    return OUTCOME_OF_STATUS[entry["remediation"]["status"]]


def api_impact(page: Page, site: Site, **query: str) -> dict[str, Any]:
    answer = page.request.get(f"{site.url}/api/v1/impact?{urlencode(query)}")
    assert answer.ok, answer.text()
    found: dict[str, Any] = answer.json()
    return found


def shown_counts(block: Any) -> dict[str, int]:
    """The outcome tiles of a `dl.outcomes`, as numbers."""
    tiles = block.locator("[data-outcome]")
    return {
        tiles.nth(i).get_attribute("data-outcome"): int(
            tiles.nth(i).locator(".count").inner_text().replace(",", "")
        )
        for i in range(tiles.count())
    }


def test_an_impact_query_answers_by_device_model_as_the_api_does(
    browser: Browser, site: Site
) -> None:
    page = sign_in(browser, site, "ssc")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="ZigBee impact").click()
    expect(page.get_by_role("heading", name="How to read the answer")).to_be_visible()
    check_page(page, "impact-form")
    # a stack version the demo registry states (the form suggests them)
    stacks = page.locator("#stack_version-values option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert len(stacks) > 3
    for stack in stacks:  # the first with remediable, stranded and unknown entries
        expected = api_impact(page, site, stack_version=stack)
        kinds = {outcome(e) for m in expected["models"] for e in m["entries"]}
        if {"remediable", "stranded", "unknown_exposure"} <= kinds:
            break
    else:
        raise AssertionError("no stated stack version has entries of every outcome")

    page.get_by_label("ZigBee stack version").fill(stack)
    page.get_by_role("button", name="Find affected devices").click()
    expect(page).to_have_url(re.compile(r"/impact\?.*stack_version="))
    expect(page.get_by_role("heading", name="Answer")).to_be_visible()
    every = [e for m in expected["models"] for e in m["entries"]]
    assert shown_counts(page.locator("dl.outcomes.totals")) == {
        k: Counter(outcome(e) for e in every)[k]
        for k in ("remediable", "stranded", "incomplete_data", "unknown_exposure")
    }
    s = expected["summary"]
    assert s["affected_entries"] > 0
    summary = page.locator("p.summary").inner_text()
    assert summary.startswith(f"{s['affected_entries']:,} affected ")
    assert f"in {s['models']:,} device model" in summary
    assert f"{s['unknown_exposure_entries']:,} entries of unknown exposure" in summary
    # each affected model: its entries (version names and hex) and its counts
    affected = [
        m for m in expected["models"] if any(e["exposure"] == "affected" for e in m["entries"])
    ]
    sections = page.locator("section.model")
    assert sections.count() == len(affected)
    for i, model in enumerate(affected):
        section = sections.nth(i)
        anchor = f"model-{model['device_model'].replace('/', '-')}"
        assert section.get_attribute("id") == anchor
        rows = section.locator("table > tbody > tr").evaluate_all(
            """rows => rows.map(r => [r.dataset.entry, r.cells[1].innerText,
                r.querySelector('td[data-outcome]').dataset.outcome])"""
        )
        assert [r[0] for r in rows] == [e["cpl_entry_id"] for e in model["entries"]]
        for (_, version, shown), e in zip(rows, model["entries"], strict=True):
            assert e["firmware_version"] in version
            assert (e["firmware_version_name"] or "") in version
            assert shown == outcome(e)
        per_model = Counter(outcome(e) for e in model["entries"])
        assert {k: v for k, v in shown_counts(section.locator("dl.outcomes")).items() if v} == (
            dict(per_model)
        )
        expect(section.get_by_role("heading", level=3)).not_to_be_empty()
    # models of only unknown exposure: listed with their entries
    unknown = [m for m in expected["models"] if m not in affected]
    rows = page.locator("table.unknown > tbody > tr")
    assert rows.evaluate_all("rows => rows.map(r => r.id)") == [
        f"model-{m['device_model'].replace('/', '-')}" for m in unknown
    ]
    check_page(page, "impact-results")
    page.context.close()


def test_a_pattern_matching_nothing_says_so_with_the_closest_values(
    browser: Browser, site: Site
) -> None:
    page = sign_in(browser, site, "ssc")
    page.goto(f"{site.url}/impact")
    page.get_by_label("ZigBee chipset vendor").fill("Silicon Labz*")
    page.get_by_role("button", name="Find affected devices").click()
    expected = api_impact(page, site, chipset_vendor="Silicon Labz*")
    [miss] = expected["no_match"]
    assert miss["closest"], "the demo registry states a vendor close to Silicon Labz"
    message = page.locator(".no-match")
    expect(message).to_contain_text("No entry states a ZigBee chipset vendor matching")
    expect(message).to_contain_text("Silicon Labz*")
    links = message.get_by_role("link")
    assert links.all_inner_texts() == [f"Ask for “{v}”" for v in miss["closest"]]
    expect(page.get_by_label("ZigBee chipset vendor")).to_have_value("Silicon Labz*")
    assert page.locator("section.model").count() == 0
    check_page(page, "impact-no-match")
    # the closest value, one click away
    links.first.click()
    expect(page.get_by_label("ZigBee chipset vendor")).to_have_value(miss["closest"][0])
    expect(page.locator(".no-match")).to_have_count(0)
    assert page.locator("section.model").count() > 0
    page.context.close()
