"""The entries page in process, on both databases: the rows the service gives for each filter,
order and page; bad address values named and ignored; downloads of exactly the matching
entries; every value HTML-escaped."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from firpath.domain.values import entry_id_order
from firpath.services.accounts import sign_in
from firpath.services.corrections import correct_entry
from firpath.services.registry import browse_entries, entry_filter, entry_order, list_entries
from firpath.store.entries import EntryFilter
from tests.api_harness import DemoRegistry, in_process

_ROW_ID = re.compile(r'<tr>\s*<td data-label="CPL Entry ID"><a href="/entries/[^"]*">([^<]*)</a>')


@pytest.fixture
def client(registry: DemoRegistry) -> Iterator[TestClient]:
    with in_process(registry) as client:
        session = sign_in(registry.engine, registry.emails["reader"], registry.passwords["reader"])
        client.cookies.set("firpath_session", session.secret)
        yield client


def _ids(page: str) -> list[str]:
    return _ROW_ID.findall(page)


def _count_line(page: str) -> str:
    found = re.search(
        r'<p class="count" role="status" id="match-count">\s*(.*?)\s*</p>', page, re.S
    )
    assert found, "no count line"
    return " ".join(found.group(1).split())


def _alert(page: str) -> str:
    found = re.search(r'<div class="error" role="alert" id="problems">(.*?)</div>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))) if found else ""


# (query parameters, the filter they mean)
FILTERS: list[tuple[dict[str, str], EntryFilter]] = [
    ({}, EntryFilter()),
    ({"device_type": "GSME"}, entry_filter(device_type="GSME")),
    (
        {"device_type": "esme", "status": "removed"},
        entry_filter(device_type="ESME", status="removed"),
    ),
    ({"manufacturer_id": "1999"}, entry_filter(manufacturer_id="1999")),
    ({"model": "1000/0108"}, entry_filter(manufacturer_id="1000", model_id="0108")),
    (
        {"manufacturer_id": "1bbb", "model": "1BBB/0100"},
        entry_filter(manufacturer_id="1BBB", model_id="0100"),
    ),
    (
        {"manufacturer_id": "1000", "model": "1000/0108", "hardware_version": "0001"},
        entry_filter(manufacturer_id="1000", model_id="0108", hardware_version="0001"),
    ),
    ({"model_id": "0108"}, entry_filter(model_id="0108")),
    (
        {"manufacturer_id": "1000", "model_id": "0108", "hardware_version": "0001"},
        entry_filter(manufacturer_id="1000", model_id="0108", hardware_version="0001"),
    ),
    ({"chipset_vendor": "NXP"}, entry_filter(chipset_vendor="NXP")),
    ({"stack_version": "Z-Stack 3.2.0"}, entry_filter(stack_version="Z-Stack 3.2.0")),
    ({"band": "DUAL_BAND"}, entry_filter(band="DUAL_BAND")),
    ({"missing": "any"}, entry_filter(missing="any")),
    (
        {"missing": "zigbee_band", "device_type": "GSME"},
        entry_filter(missing="zigbee_band", device_type="GSME"),
    ),
    ({"q": "halden"}, entry_filter(text="halden")),
    ({"q": "0103", "status": "active"}, entry_filter(text="0103", status="active")),
]


@pytest.mark.parametrize(("params", "flt"), FILTERS, ids=[str(p) for p, _ in FILTERS])
def test_each_filter_lists_what_the_service_finds(
    client: TestClient, registry: DemoRegistry, params: dict[str, str], flt: EntryFilter
) -> None:
    answer = client.get("/entries", params=params)
    assert answer.status_code == 200
    found = browse_entries(registry.engine, flt, 1, 50, entry_order("manufacturer"))
    assert found.total > 0, "the demo should hold entries for every filter of this table"
    assert _ids(answer.text) == [e.cpl_entry_id for e in found.entries]
    noun = "entry matches" if found.total == 1 else "entries match"
    assert _count_line(answer.text).startswith(f"{found.total:,} {noun}")
    assert _alert(answer.text) == ""
    # the form shows what was chosen; the downloads carry the same filter
    for name, value in params.items():
        if name not in ("hardware_version", "model_id"):
            assert re.search(
                rf'<option value="{re.escape(value)}" selected>', answer.text, re.I
            ) or (f'name="{name}" type="search" value="{value}"' in answer.text), name


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("id", "CPL Entry ID"),
        ("device_type", "Device type"),
        ("model", "Model"),
        ("firmware", "Firmware version"),
        ("chipset_vendor", "Chipset vendor"),
        ("band", "Band"),
    ],
)
def test_sorting_and_paging_give_the_services_rows(
    client: TestClient, registry: DemoRegistry, key: str, label: str, descending: bool
) -> None:
    flt = entry_filter(status="active")
    order = entry_order(key, "desc" if descending else "asc")
    params: dict[str, Any] = {"status": "active", "sort": key, "per_page": 25, "page": 3}
    if descending:
        params["dir"] = "desc"
    answer = client.get("/entries", params=params)
    assert answer.status_code == 200
    expected = browse_entries(registry.engine, flt, 3, 25, order)
    assert _ids(answer.text) == [e.cpl_entry_id for e in expected.entries]
    sorted_th = re.findall(
        r'<th scope="col" aria-sort="(\w+)">\s*<a href="([^"]*)">([^<]*)', answer.text
    )
    assert len(sorted_th) == 1
    way, link, shown = sorted_th[0]
    assert (way, shown.strip()) == ("descending" if descending else "ascending", label)
    # the sorted column's heading sorts the other way, from the first page, same filter
    link = html.unescape(link)
    assert "status=active" in link and "per_page=25" in link
    assert not re.search(r"[?&]page=", link)
    assert ("dir=desc" in link) is not descending
    # the pager keeps filter, order and page size
    nxt = re.search(r'<a href="([^"]*)" rel="next">', answer.text)
    assert nxt
    assert f"sort={key}" in html.unescape(nxt.group(1)) and "page=4" in nxt.group(1)


def test_the_last_page_and_beyond(client: TestClient, registry: DemoRegistry) -> None:
    flt = entry_filter(device_type="CH")
    total = browse_entries(registry.engine, flt, 1, 25).total
    last = -(-total // 25)
    answer = client.get("/entries", params={"device_type": "CH", "per_page": "25", "page": "999"})
    assert answer.status_code == 200
    assert f"There is no page 999: {total} entries make {last} pages; this is page {last}." in (
        html.unescape(answer.text)
    )
    expected = browse_entries(registry.engine, flt, last, 25, entry_order("manufacturer"))
    assert _ids(answer.text) == [e.cpl_entry_id for e in expected.entries]
    assert 'rel="next"' not in answer.text


# (parameter, value, the field's label): each bad value is named and ignored
BAD_VALUES = [
    ("band", "bogus", "Band"),
    ("status", "gone", "Status"),
    ("device_type", "toaster", "Device type"),
    ("manufacturer_id", "XYZ", "Manufacturer"),
    ("model", "1000", "Model"),
    ("model", "1000/0108/0001", "Model"),
    ("model_id", "01080", "Model ID"),
    ("hardware_version", "12345", "Hardware version"),
    ("missing", "everything", "Missing data"),
    ("sort", "bogus", "Sort by"),
    ("sort", "id; drop table cpl_entries", "Sort by"),
    ("dir", "sideways", "Sort direction"),
    ("page", "-1", "Page"),
    ("page", "0", "Page"),
    ("page", "two", "Page"),
    ("page", "99999999999999999999", "Page"),
    ("per_page", "7", "Entries per page"),
    ("per_page", "100000", "Entries per page"),
    ("q", "x" * 201, "Search"),
    ("q", "nul\x00byte", "Search"),
    ("chipset_vendor", "esc\x1b[31m", "Chipset vendor"),
]


@pytest.mark.parametrize(
    ("name", "value", "label"), BAD_VALUES, ids=[f"{n}={v[:20]!r}" for n, v, _ in BAD_VALUES]
)
def test_a_bad_value_is_named_and_ignored(
    client: TestClient, registry: DemoRegistry, name: str, value: str, label: str
) -> None:
    valid = ("status", "removed") if name == "device_type" else ("device_type", "GSME")
    answer = client.get("/entries", params={name: value, valid[0]: valid[1]})
    assert answer.status_code == 200
    alert = _alert(answer.text)
    assert f"{label} ({name})" in alert
    assert value[:20].replace("\x00", "\\x00").replace("\x1b", "\\x1b") in alert
    # the valid filter still counts, the bad value does not
    found = browse_entries(
        registry.engine, entry_filter(**dict([valid])), 1, 50, entry_order("manufacturer")
    )
    assert _ids(answer.text) == [e.cpl_entry_id for e in found.entries]


def test_the_entry_pages_model_link_chooses_the_model(client: TestClient) -> None:
    # /entries/{id} links to its model with the API's names: manufacturer_id, model_id
    answer = client.get(
        "/entries",
        params={"manufacturer_id": "1000", "model_id": "0108", "hardware_version": "0001"},
    )
    assert '<option value="1000/0108" selected>' in answer.text
    assert '<input type="hidden" name="hardware_version" value="0001">' in answer.text
    assert 'name="model_id"' not in answer.text  # the Model drop-down carries it
    answer = client.get("/entries", params={"model_id": "0108"})
    assert '<input type="hidden" name="model_id" value="0108">' in answer.text


def test_a_model_of_another_manufacturer_is_named(client: TestClient) -> None:
    answer = client.get("/entries", params={"manufacturer_id": "1111", "model": "1000/0108"})
    assert answer.status_code == 200
    assert "is a model of manufacturer 1000, not of the manufacturer chosen (1111)" in _alert(
        answer.text
    )


def test_nothing_matching_says_so_and_offers_to_clear(client: TestClient) -> None:
    answer = client.get("/entries", params={"q": "firmware nobody ever wrote"})
    assert answer.status_code == 200
    assert _count_line(answer.text) == "No entries match these filters."
    assert _ids(answer.text) == [] and "<table" not in answer.text
    assert '<a href="/entries">clear all filters</a>' in answer.text


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@pytest.mark.parametrize(
    ("params", "flt"),
    [
        (
            {"device_type": "GSME", "status": "removed"},
            entry_filter(device_type="GSME", status="removed"),
        ),
        (
            {"model": "1777/0102", "missing": "any"},
            entry_filter(manufacturer_id="1777", model_id="0102", missing="any"),
        ),
    ],
)
def test_a_download_holds_exactly_the_matching_entries(
    client: TestClient, registry: DemoRegistry, fmt: str, params: dict[str, str], flt: EntryFilter
) -> None:
    wanted = sorted(
        (e.cpl_entry_id for e in list_entries(registry.engine, flt)), key=entry_id_order
    )
    assert wanted
    answer = client.get(f"/entries.{fmt}", params={**params, "sort": "firmware", "page": "2"})
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == f'attachment; filename="fir-entries.{fmt}"'
    if fmt == "csv":
        assert answer.headers["content-type"].startswith("text/csv")
        got = [r["cpl_entry_id"] for r in csv.DictReader(io.StringIO(answer.text))]
    elif fmt == "json":
        got = [e["cpl_entry_id"] for e in json.loads(answer.content)["entries"]]
    else:
        rows = list(
            load_workbook(io.BytesIO(answer.content), read_only=True)
            .worksheets[0]
            .iter_rows(values_only=True)
        )
        column = list(rows[0]).index("cpl_entry_id")
        got = [str(r[column]) for r in rows[1:] if any(v is not None for v in r)]
    assert got == wanted  # every page, in CPL Entry ID order, as `firpath export` writes


def test_the_page_links_its_downloads_with_its_filter(client: TestClient) -> None:
    answer = client.get(
        "/entries", params={"device_type": "GSME", "q": "gas", "sort": "band", "page": "2"}
    )
    links = {html.unescape(h) for h in re.findall(r'href="(/entries\.\w+[^"]*)"', answer.text)}
    assert links == {f"/entries.{f}?q=gas&device_type=GSME" for f in ("csv", "xlsx", "json")}


def test_a_download_with_a_bad_filter_makes_no_file(client: TestClient) -> None:
    answer = client.get("/entries.csv", params={"band": "bogus", "device_type": "GSME"})
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html")
    text = html.unescape(answer.text)
    assert "no file was made" in text and "Band</strong> “bogus”" in text


def test_an_unknown_download_format_is_not_found(client: TestClient) -> None:
    answer = client.get("/entries.pdf")
    assert answer.status_code == 404
    assert "choose CSV, XLSX or JSON" in answer.text


def test_values_are_escaped(client: TestClient, registry: DemoRegistry) -> None:
    hostile = '<script>alert("x")</script>'
    answer = client.get("/entries", params={"q": hostile})
    assert answer.status_code == 200
    assert "<script>alert" not in answer.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in answer.text
    # a stored value too: in the row, in the facet choices
    entry = list_entries(registry.engine, entry_filter(device_type="IHD"), limit=1)[0]
    correct_entry(
        registry.engine,
        entry.cpl_entry_id,
        [
            ("model_name", "<b>Display</b> <script>x()</script>"),
            ("zigbee_stack_version", "<i>1</i>"),
        ],
        reason="escaping test",
        actor="test",
    )
    answer = client.get("/entries", params={"q": entry.cpl_entry_id, "sort": "id"})
    assert entry.cpl_entry_id in _ids(answer.text)
    assert "<script>x()" not in answer.text and "<b>Display" not in answer.text
    assert "&lt;b&gt;Display&lt;/b&gt; &lt;script&gt;x()&lt;/script&gt;" in answer.text
    assert '<option value="&lt;i&gt;1&lt;/i&gt;">&lt;i&gt;1&lt;/i&gt; — 1</option>' in answer.text


def test_search_finds_a_model_and_a_manufacturer_by_id(
    client: TestClient, registry: DemoRegistry
) -> None:
    # trial finding: searching for a model's ID (`q=01EE`) found none of its entries
    from firpath.services.registry import browse_entries, entry_filter

    everything = browse_entries(registry.engine, entry_filter(), 1, 5000).entries
    entry = everything[len(everything) // 2]
    for field in ("model_id", "manufacturer_id", "manufacturer_image_hash"):
        value = getattr(entry, field)
        holders = {e.cpl_entry_id for e in everything if getattr(e, field) == value}
        found = browse_entries(registry.engine, entry_filter(text=value.lower()), 1, 5000)
        assert holders <= {e.cpl_entry_id for e in found.entries}, field
        answer = client.get("/entries", params={"q": value.lower(), "per_page": 25})
        said = f"{found.total:,} " + ("entry matches" if found.total == 1 else "entries match")
        assert _count_line(answer.text).startswith(said), field
