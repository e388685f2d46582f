"""One entry's page (issue 10, item 3): its fields, links, history and its device model's
upgrade graph, in a real browser against a real server."""

from __future__ import annotations

import re
from collections import Counter

from playwright.sync_api import Browser, expect

from firpath.domain.entry import CplEntry
from firpath.domain.upgrade_graph import ModelGraph, group_by_model
from firpath.samples.catalogue import demo_catalogue
from firpath.services.corrections import correct_entry
from tests.e2e.conftest import Site, check_page, sign_in


def _graph_with_every_kind_of_node() -> tuple[ModelGraph, CplEntry]:
    """The demo's largest device model with twin builds, removed entries and entries whose
    upgrade-from is not provided, and in it an active entry with links both ways."""
    graphs = [ModelGraph(m, es) for m, es in group_by_model(demo_catalogue().entries).items()]

    def every_kind(g: ModelGraph) -> bool:
        versions = Counter(e.firmware_version for e in g.entries.values())
        return (
            max(versions.values()) > 1
            and any(not e.is_active for e in g.entries.values())
            and any(not e.upgrade_from.is_known for e in g.entries.values())
            and any(g.predecessors.values())
        )

    graph = max(filter(every_kind, graphs), key=lambda g: len(g.entries))
    entry = next(
        e
        for e in sorted(graph.entries.values(), key=lambda e: e.firmware_number)
        if e.is_active
        and graph.predecessors[e.cpl_entry_id]
        and graph.successors.get(e.cpl_entry_id)
    )
    return graph, entry


def test_entry_page_draws_its_models_graph_and_links_both_ways(
    browser: Browser, site: Site
) -> None:
    graph, entry = _graph_with_every_kind_of_node()
    page = sign_in(browser, site, "supplier")
    page.goto(f"{site.url}/entries/{entry.cpl_entry_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"{entry.cpl_entry_id}: firmware {entry.firmware_version_name} ({entry.firmware_version})"
    )
    expect(page.locator("dd.hash")).to_have_text(entry.manufacturer_image_hash)
    picture = page.locator("svg#upgrade-graph")
    expect(picture).to_have_attribute("role", "img")
    expect(picture.locator("title")).to_have_text(f"Upgrade graph of device model {graph.model}")
    # this entry highlighted; every entry of the model a box, every allowed upgrade an arrow
    expect(picture.locator(".node.here")).to_have_count(1)
    expect(picture.locator(".node.here")).to_have_attribute("data-entry", entry.cpl_entry_id)
    expect(picture.locator(".node")).to_have_count(len(graph.entries))
    expect(picture.locator("path.edge")).to_have_count(
        sum(len(p) for p in graph.predecessors.values())
    )
    # removed entries greyed, their reason in the tooltip and in the list below the graph
    removed = sorted(e.cpl_entry_id for e in graph.entries.values() if not e.is_active)
    assert sorted(
        picture.locator(".node.removed").evaluate_all("ns => ns.map(n => n.dataset.entry)")
    ) == sorted(removed)
    for entry_id in removed:
        tooltip = page.locator(f'a.node-link[data-entry="{entry_id}"] title')
        expect(tooltip).to_contain_text("removed from the CPL when loaded from demo on ")
        expect(page.locator("ul.removed-list li", has_text=entry_id)).to_contain_text(
            "removed from the CPL when loaded from demo on "
        )
    # entries whose upgrade-from is not provided are marked (dashed, a question mark)
    unknown = {e.cpl_entry_id for e in graph.entries.values() if not e.upgrade_from.is_known}
    marked = picture.locator(".node.unknown").evaluate_all("ns => ns.map(n => n.dataset.entry)")
    assert set(marked) == unknown
    assert picture.locator(".node.unknown").first.locator("text.mark").text_content() == "?"
    # twin builds share their version's column
    twins = Counter(e.firmware_version for e in graph.entries.values())
    version = next(v for v, n in twins.items() if n > 1)
    xs = {
        picture.locator(f'.node[data-entry="{e.cpl_entry_id}"] rect.box').get_attribute("x")
        for e in graph.entries.values()
        if e.firmware_version == version
    }
    assert len(xs) == 1
    check_page(page, "entry")
    # a box is a link to its entry's page
    first = min(graph.entries.values(), key=lambda e: e.firmware_number)
    page.locator(f'a.node-link[data-entry="{first.cpl_entry_id}"]').click()
    expect(page).to_have_url(f"{site.url}/entries/{first.cpl_entry_id}")
    page.go_back()
    # follow an upgrade-to link (named by ID and version)
    onward = graph.entries[graph.successors[entry.cpl_entry_id][0]]
    link = page.locator("#upgrade-to").get_by_role(
        "link", name=f"{onward.cpl_entry_id} ({onward.firmware_version_name}, "
    )
    link.click()
    expect(page).to_have_url(f"{site.url}/entries/{onward.cpl_entry_id}")
    expect(page.locator("#upgrade-from")).to_contain_text(entry.cpl_entry_id)
    expect(page.get_by_role("link", name="Plan from here to latest")).to_have_attribute(
        "href", f"/paths?firmware={onward.cpl_entry_id}"
    )
    page.context.close()


def test_removed_entry_says_why_and_still_offers_a_plan(browser: Browser, site: Site) -> None:
    graph, _ = _graph_with_every_kind_of_node()
    removed = min(
        (e for e in graph.entries.values() if not e.is_active), key=lambda e: e.firmware_number
    )
    page = sign_in(browser, site, "supplier")
    page.goto(f"{site.url}/entries/{removed.cpl_entry_id}")
    expect(page.locator("#removed-notice")).to_contain_text("removed from the CPL when loaded")
    expect(page.locator("svg#upgrade-graph .node.here.removed")).to_have_count(1)
    expect(page.get_by_role("link", name="Plan from here to latest")).to_have_attribute(
        "href", f"/paths?firmware={removed.cpl_entry_id}"
    )
    if not removed.upgrade_from.is_known:
        expect(page.locator("#upgrade-from .not-provided")).to_have_text("not provided")
    check_page(page, "entry-removed")
    page.context.close()


def test_history_shows_who_when_why_and_before_after(browser: Browser, site: Site) -> None:
    _, entry = _graph_with_every_kind_of_node()
    secas = site.demo.emails["secas"]
    before = entry.release_notes or ""
    correct_entry(
        site.demo.engine,
        entry.cpl_entry_id,
        [("release_notes", "Fixes <script>alert(1)</script> the join bug"), ("status", "removed")],
        reason="withdrawn: bricks meters that join on sub-GHz",
        actor=secas,
    )
    page = sign_in(browser, site, "manufacturer")
    page.goto(f"{site.url}/entries/{entry.cpl_entry_id}")
    newest = page.locator("table.history tbody tr").first
    expect(newest.locator('td[data-label="Who"]')).to_have_text(secas)
    expect(newest.locator('td[data-label="Why"]')).to_have_text(
        "withdrawn: bricks meters that join on sub-GHz"
    )
    expect(newest.locator('td[data-label="When"] time')).to_have_text(re.compile(r"UTC$"))
    changes = newest.locator('td[data-label="Before → after"]')
    expect(changes).to_contain_text(
        f"Release Notes: {before} → Fixes <script>alert(1)</script> the join bug"
    )
    expect(changes).to_contain_text("Status: active → removed")
    # the removal's reason is now the entry's, in the notice and in its box's tooltip
    expect(page.locator("#removed-notice")).to_contain_text("bricks meters")
    tooltip = page.locator(f'a.node-link[data-entry="{entry.cpl_entry_id}"] title')
    expect(tooltip).to_contain_text("bricks meters")
    # a manufacturer may not plan: no link to a page it may not open, but the reason
    expect(page.get_by_role("link", name="Plan from here to latest")).to_have_count(0)
    expect(page.locator("#no-plan")).to_contain_text("your role (manufacturer)")
    check_page(page, "entry-history")
    page.context.close()


def test_an_unknown_entry_id_says_which_and_how_to_find_entries(
    browser: Browser, site: Site
) -> None:
    page = sign_in(browser, site, "ssc")
    answer = page.goto(f"{site.url}/entries/NO-SUCH-9")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("alert")).to_contain_text("NO-SUCH-9")
    expect(page.get_by_role("link", name="search the entries for “NO-SUCH-9”")).to_have_attribute(
        "href", "/entries?q=NO-SUCH-9"
    )
    expect(page.get_by_role("link", name="find a path")).to_have_count(0)  # SSC may not plan
    check_page(page, "entry-missing")
    page.context.close()
