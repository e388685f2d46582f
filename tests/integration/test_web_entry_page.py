"""The entry page `/entries/{id}` in process, on SQLite and PostgreSQL: every field, links
both ways, "not provided" apart from N/A, history, hostile text shown as text, unknown IDs."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from firpath.domain.entry import CplEntry
from firpath.domain.upgrade_from import UpgradeFromKind
from firpath.samples.catalogue import demo_catalogue
from firpath.services.accounts import sign_in
from firpath.services.corrections import correct_entry
from firpath.services.history import removals
from firpath.services.registry import show_entry
from tests.api_harness import DemoRegistry, in_process

pytestmark = pytest.mark.xdist_group("web entry page")

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def client(registry: DemoRegistry) -> Iterator[TestClient]:
    with in_process(registry) as signed_in:
        session = sign_in(registry.engine, registry.emails["reader"], registry.passwords["reader"])
        signed_in.cookies.set("firpath_session", session.secret)
        yield signed_in


def demo_entry(kind: UpgradeFromKind, *, complete: bool = True) -> CplEntry:
    """The first demo entry whose upgrade-from is of `kind` (with every optional field given,
    unless told not), an active one."""
    return next(
        e
        for e in demo_catalogue().entries
        if e.upgrade_from.kind is kind
        and e.is_active
        and (not complete or (e.release_notes and e.zigbee_band and e.gbcs_version))
    )


def demo_entries_of(entry: CplEntry) -> list[CplEntry]:
    """Every demo entry of the entry's device model."""
    return [e for e in demo_catalogue().entries if e.device_model == entry.device_model]


def part(page: str, element_id: str) -> str:
    """The HTML inside the `<dd>` (or other element) with this id, up to its end tag."""
    found = re.search(rf'<(\w+)[^>]* id="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert found, f"no element #{element_id}"
    return found.group(2)


def text(fragment: str) -> str:
    """The text of an HTML fragment, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def test_every_field_is_shown_with_the_version_by_name_and_hex(
    client: TestClient, registry: DemoRegistry
) -> None:
    entry = demo_entry(UpgradeFromKind.IDS)
    detail = show_entry(registry.engine, entry.cpl_entry_id)
    answer = client.get(f"/entries/{entry.cpl_entry_id}")
    assert answer.status_code == 200
    page = answer.text
    shown = text(page)
    assert f"firmware {entry.firmware_version_name} ({entry.firmware_version})" in shown
    assert f"{entry.firmware_version_name} (hex {entry.firmware_version})" in shown
    assert entry.manufacturer_image_hash in shown  # whole, not cut
    for value in (
        entry.zigbee_chipset_vendor,
        entry.zigbee_stack_version,
        entry.release_notes,
        entry.gbcs_version,
        entry.smets_chts_version,
        entry.model_name,
        entry.manufacturer_name,
        entry.device_type.value,
    ):
        assert value and value in shown, value
    assert entry.zigbee_band is not None and entry.zigbee_band.label in shown
    assert entry.date_added is not None
    assert f'<time datetime="{entry.date_added.isoformat()}">' in page
    # upgrade from and upgrade to: links to the entries' pages, named with their versions
    for entry_id in entry.upgrade_from.ids:
        assert f'<a href="/entries/{entry_id}">{entry_id} (' in part(page, "upgrade-from")
    for entry_id in detail.upgrade_to:
        assert f'<a href="/entries/{entry_id}">{entry_id} (' in part(page, "upgrade-to")
    # whom to ask
    maker = detail.manufacturer
    assert maker is not None and maker.contact_email and maker.contact_name
    contact = part(page, "manufacturer-contact")
    assert f'href="mailto:{maker.contact_email}"' in contact and maker.contact_name in contact
    assert f'href="/paths?firmware={entry.cpl_entry_id}"' not in page  # a reader may not plan
    assert "your role (reader) may read the FIR but not plan" in shown
    # the graph: an image with a title, this entry's box highlighted, a link per box
    assert re.search(r'<svg id="upgrade-graph"[^>]*role="img"', page)
    assert f'class="node here" data-entry="{entry.cpl_entry_id}"' in page
    boxes = re.findall(r'<g class="node[^"]*" data-entry="([^"]+)"', page)
    assert re.findall(r'class="node-link" data-entry="([^"]+)"', page) == boxes
    assert len(boxes) == len(demo_entries_of(entry))


def test_not_provided_is_shown_apart_from_n_a(client: TestClient) -> None:
    unknown = demo_entry(UpgradeFromKind.UNKNOWN, complete=False)
    not_applicable = demo_entry(UpgradeFromKind.NOT_APPLICABLE)
    page = client.get(f"/entries/{unknown.cpl_entry_id}").text
    said = part(page, "upgrade-from")
    assert '<span class="not-provided">not provided</span>' in said and "N/A" not in said
    assert unknown.zigbee_chipset_vendor is None
    assert re.search(
        r'ZigBee chipset vendor</dt><dd><span class="not-provided">not provided</span>', page
    )
    page = client.get(f"/entries/{not_applicable.cpl_entry_id}").text
    said = part(page, "upgrade-from")
    assert '<strong class="na">N/A</strong>' in said and "not provided" not in said


def test_history_has_who_when_why_and_before_after(
    client: TestClient, registry: DemoRegistry
) -> None:
    entry = demo_entry(UpgradeFromKind.IDS)
    correct_entry(
        registry.engine,
        entry.cpl_entry_id,
        [("gbcs_version", "v4.1-fixed")],
        reason="GBCS version corrected from the release note",
        actor=registry.emails["secas"],
    )
    page = client.get(f"/entries/{entry.cpl_entry_id}").text
    rows = re.findall(r"<tr>\s*<td data-label=\"When\">.*?</tr>", page, re.S)
    assert len(rows) >= 2  # the creation and the correction
    newest = text(rows[0])
    assert registry.emails["secas"] in newest
    assert "GBCS version corrected from the release note" in newest
    assert f"GBCS Version: {entry.gbcs_version} → v4.1-fixed" in newest
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", newest)


def test_hostile_text_is_shown_as_text_everywhere(
    client: TestClient, registry: DemoRegistry
) -> None:
    entry = demo_entry(UpgradeFromKind.NOT_APPLICABLE)
    correct_entry(
        registry.engine,
        entry.cpl_entry_id,
        [
            ("notes", HOSTILE),
            ("model_name", HOSTILE),
            ("firmware_version_name", HOSTILE),
            ("status", "removed"),
        ],
        reason=HOSTILE,
        actor=registry.emails["secas"],
    )
    page = client.get(f"/entries/{entry.cpl_entry_id}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page
    # the model, the version name, the notes and the status (its removal reason)
    assert text(part(page, "fields-list")).count(HOSTILE) == 4
    # in the removal's reason, the graph's tooltips and the history
    assert text(part(page, "removed-notice")).count(HOSTILE) == 1
    assert HOSTILE in text(page.split('class="graph-links"')[1].split("</svg>")[0])


def test_an_unknown_id_is_a_404_naming_it_and_how_to_find_entries(client: TestClient) -> None:
    answer = client.get("/entries/no-such-7")
    assert answer.status_code == 404
    assert "NO-SUCH-7" in text(answer.text)
    assert 'href="/entries?q=NO-SUCH-7"' in answer.text
    assert 'href="/paths"' not in answer.text  # a reader may not plan


@pytest.mark.parametrize(
    "entry_id", ["%3Cscript%3E", "-starts-with-a-dash", "a" * 70, "%20", "caf%C3%A9"]
)
def test_a_malformed_id_gets_a_page_naming_it_never_a_500(
    client: TestClient, entry_id: str
) -> None:
    answer = client.get(f"/entries/{entry_id}")
    assert 400 <= answer.status_code < 500, answer.status_code
    assert "<script>" not in answer.text
    assert "cpl_entry_id" in answer.text or "CPL Entry ID" in answer.text


def test_signed_out_goes_to_login(registry: DemoRegistry) -> None:
    with in_process(registry) as anonymous:
        answer = anonymous.get("/entries/10039", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/entries/10039"


def test_removals_give_the_latest_change_that_removed_each_entry(registry: DemoRegistry) -> None:
    removed = next(e for e in demo_catalogue().entries if not e.is_active)
    active = demo_entry(UpgradeFromKind.UNKNOWN, complete=False)
    loaded = removals(registry.engine, [removed.cpl_entry_id, active.cpl_entry_id])
    assert list(loaded) == [removed.cpl_entry_id]
    assert loaded[removed.cpl_entry_id].source == "demo"
    assert loaded[removed.cpl_entry_id].reason is None
    for status, why in (("active", "put back: a mistake"), ("removed", "withdrawn again")):
        correct_entry(
            registry.engine,
            removed.cpl_entry_id,
            [("status", status)],
            reason=why,
            actor=registry.emails["secas"],
        )
    again = removals(registry.engine, [removed.cpl_entry_id])[removed.cpl_entry_id]
    assert (again.reason, again.actor) == ("withdrawn again", registry.emails["secas"])


@pytest.mark.parametrize("role", ["supplier", "secas"])
def test_who_may_plan_gets_plan_from_here_to_latest(registry: DemoRegistry, role: str) -> None:
    entry = next(e for e in demo_catalogue().entries if not e.is_active)  # removed: still
    with in_process(registry) as client:
        session = sign_in(registry.engine, registry.emails[role], registry.passwords[role])
        client.cookies.set("firpath_session", session.secret)
        page = client.get(f"/entries/{entry.cpl_entry_id}").text
    assert f'<a class="button" href="/paths?firmware={entry.cpl_entry_id}">' in page
    assert 'id="no-plan"' not in page
