"""`/impact` in process on both databases: the page answers with the API's entries and counts
for the same query, names bad input, says when a pattern matches nothing, and shows stored
and typed text as text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from firpath.services.corrections import correct_entry
from tests.api_harness import DemoRegistry, in_process
from tests.integration.test_web_completeness import TableRows, signed_in

OUTCOMES = ("remediable", "stranded", "incomplete_data", "unknown_exposure")
OUTCOME_OF_STATUS = {
    "ok": "remediable",
    "no_path": "stranded",
    "incomplete_data": "incomplete_data",
}
TILE = re.compile(r'data-outcome="(\w+)">\s*<dt>[^<]*</dt><dd><span class="count">([\d,]+)</span>')
SECTION = re.compile(r'<section class="model" id="model-([0-9A-F-]+)"')


def outcome(entry: dict[str, Any]) -> str:
    if entry["exposure"] != "affected":
        return "unknown_exposure"
    return OUTCOME_OF_STATUS[entry["remediation"]["status"]]


def tiles(html: str) -> dict[str, int]:
    return {k: int(v.replace(",", "")) for k, v in TILE.findall(html)}


@pytest.fixture
def client(registry: DemoRegistry) -> Iterator[TestClient]:
    with in_process(registry) as c:
        yield signed_in(c, registry, "ssc")


QUERIES = [
    {"chipset_vendor": "silicon*", "stack_version": "EmberZNet 6.*"},
    {"stack_version": "BitCloud 3.3"},
    {"stack_version": "z-stack*"},
    {"chipset_vendor": "*"},
    {"chipset_vendor": "NXP", "stack_version": ""},
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
def test_the_page_answers_as_the_api_does(client: TestClient, query: dict[str, str]) -> None:
    api = client.get("/api/v1/impact", params=query)
    assert api.status_code == 200
    expected = api.json()
    answer = client.get("/impact", params=query)
    assert answer.status_code == 200
    html = answer.text
    every = [e for m in expected["models"] for e in m["entries"]]
    assert every, "the demo registry has exposed entries for this query"
    # totals, before the first model
    head, *sections = re.split(r'(?=<section class="model")', html)
    counted = Counter(outcome(e) for e in every)
    assert tiles(head) == {k: counted[k] for k in OUTCOMES}
    s = expected["summary"]
    assert f"{s['affected_entries']:,} affected " in head
    assert f"{s['unknown_exposure_entries']:,} entries of unknown exposure" in head
    # one section per model with an affected entry, in the API's order, with its entries
    affected = [
        m for m in expected["models"] if any(e["exposure"] == "affected" for e in m["entries"])
    ]
    assert SECTION.findall(html) == [m["device_model"].replace("/", "-") for m in affected]
    rows = {
        attrs["data-entry"]: cells
        for attrs, cells in TableRows(html).rows
        if attrs.get("data-entry")
    }
    for model, section in zip(affected, sections, strict=True):
        per_model = Counter(outcome(e) for e in model["entries"])
        assert tiles(section.split("<table")[0]) == {k: per_model[k] for k in OUTCOMES}
        for e in model["entries"]:
            cells = rows[e["cpl_entry_id"]]
            name = e["firmware_version_name"]
            assert cells[1] == (
                f"{name} ({e['firmware_version']})" if name else e["firmware_version"]
            )
            assert cells[2] == e["status"]
            r = e["remediation"]
            if r["status"] == "ok":
                assert f"to {r['target']}, version " in cells[5]
                assert cells[5].endswith(f"in {r['hops']} step{'s' if r['hops'] != 1 else ''}")
            elif r["status"] == "incomplete_data":
                assert f"ask the manufacturer about {r['missing_data'][0]}" in cells[5]
            elif model["fix_on_cpl"]:
                assert cells[5].endswith("no route over the air: a site visit")
            else:
                assert "no unaffected firmware of this model is on the CPL" in cells[5]
            asks_first = cells[5].startswith(
                "ask the manufacturer for its ZigBee data; if affected:"
            )
            assert asks_first is (e["exposure"] != "affected")
    # models of only unknown exposure
    unknown = [m for m in expected["models"] if m not in affected]
    listed = TableRows(html).by_id("model-")
    assert [k for k in listed if k.replace("-", "/") in {m["device_model"] for m in unknown}] == [
        m["device_model"].replace("/", "-") for m in unknown
    ]
    for m in unknown:
        assert listed[m["device_model"].replace("/", "-")][3] == str(len(m["entries"]))


def test_without_a_query_the_page_is_the_form_and_what_the_answer_means(
    client: TestClient,
) -> None:
    for address in ("/impact", "/impact?chipset_vendor=&stack_version=", "/impact?other=1"):
        answer = client.get(address)
        assert answer.status_code == 200
        assert "How to read the answer" in answer.text
        assert "Answer</h2>" not in answer.text
        assert '<label for="chipset_vendor">' in answer.text
        assert '<option value="Silicon Labs">' in answer.text  # stated values are suggested


@pytest.mark.parametrize(
    ("query", "field", "said"),
    [
        (
            {"chipset_vendor": "   "},
            "chipset_vendor",
            "ZigBee chipset vendor “   ”: must not be empty",
        ),
        ({"stack_version": " "}, "stack_version", "ZigBee stack version “ ”: must not be empty"),
        ({"chipset_vendor": "x" * 201}, "chipset_vendor", "at most 200 characters"),
        ({"stack_version": "6.\x1b[31m"}, "stack_version", "ZigBee stack version “6.\\x1b[31m”"),
        ({"chipset_vendor": "a\u202eb", "stack_version": "*"}, "chipset_vendor", "holds \\u202e"),
    ],
)
def test_bad_input_is_named_next_to_its_field_and_kept(
    client: TestClient, query: dict[str, str], field: str, said: str
) -> None:
    answer = client.get("/impact", params=query)
    assert answer.status_code == 422
    assert said in answer.text
    assert f'<p class="field-error" id="{field}-error">' in answer.text
    assert f'aria-describedby="{field}-error' in answer.text
    assert "Answer</h2>" not in answer.text
    # the API refuses the same query
    assert client.get("/api/v1/impact", params=query).status_code == 422


def test_a_pattern_matching_nothing_names_the_closest_stated_values(client: TestClient) -> None:
    query = {"stack_version": "EmberZNet 9*"}
    expected = client.get("/api/v1/impact", params=query).json()
    [miss] = expected["no_match"]
    assert miss["closest"]
    answer = client.get("/impact", params=query)
    assert answer.status_code == 200
    assert "No entry states a ZigBee stack version matching “<strong>EmberZNet 9*</strong>”" in (
        answer.text
    )
    links = re.findall(r'<a href="/impact\?([^"]+)">Ask for “([^”]+)”</a>', answer.text)
    assert [value for _, value in links] == miss["closest"]
    assert links[0][0] == "stack_version=" + miss["closest"][0].replace(" ", "+")
    not_stated = expected["not_provided"]["zigbee_stack_version"]
    assert f"{not_stated:,} in-scope entries do not state their ZigBee stack version" in answer.text
    assert '<section class="model"' not in answer.text


def test_typed_and_stored_text_is_shown_as_text(demo: DemoRegistry) -> None:
    correct_entry(
        demo.engine,
        "10039",
        [
            ("zigbee_chipset_vendor", "<script>alert(1)</script>"),
            ("zigbee_stack_version", "<i>1</i>"),
        ],
        reason="escaping test",
        actor="test",
    )
    with in_process(demo) as c:
        client = signed_in(c, demo, "ssc")
        typed = client.get("/impact", params={"chipset_vendor": '"><script>x()</script>'})
        stored = client.get("/impact", params={"chipset_vendor": "<script>*"})
    assert typed.status_code == 200
    assert "<script>x()" not in typed.text
    assert 'value="&#34;&gt;&lt;script&gt;x()&lt;/script&gt;"' in typed.text
    assert stored.status_code == 200
    assert "<script>alert" not in stored.text and "<i>1</i>" not in stored.text
    row = next(
        cells for attrs, cells in TableRows(stored.text).rows if attrs.get("data-entry") == "10039"
    )
    assert row[3] == "<script>alert(1)</script> / <i>1</i>"
