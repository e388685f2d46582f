"""`/completeness` in process on both databases: the table equals the service's counts worst
first, a chase list equals the file `firpath chase-list` writes, bad input is named, and
stored text is shown as text."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from firpath.domain.completeness import Grouping, Tally, percent
from firpath.domain.entry import NEW_FIELDS
from firpath.services.accounts import sign_in
from firpath.services.backfill import completeness
from tests.api_harness import DemoRegistry, in_process
from tests.integration.test_cli import firpath


class TableRows(HTMLParser):
    """Every `<tr>` of a page: its attributes and its cells' text (white space collapsed)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.rows: list[tuple[dict[str, str | None], list[str]]] = []
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append((dict(attrs), []))
        elif tag in ("td", "th") and self.rows:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1][1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def by_id(self, prefix: str) -> dict[str, list[str]]:
        """The cells of each row whose id starts with `prefix`, by the rest of the id."""
        return {
            str(attrs["id"]).removeprefix(prefix): cells
            for attrs, cells in self.rows
            if str(attrs.get("id") or "").startswith(prefix)
        }


def signed_in(client: TestClient, demo: DemoRegistry, role: str = "reader") -> TestClient:
    session = sign_in(demo.engine, demo.emails[role], demo.passwords[role])
    client.cookies.set("firpath_session", session.secret)
    return client


@pytest.fixture
def client(registry: DemoRegistry) -> Iterator[TestClient]:
    with in_process(registry) as c:
        yield signed_in(c, registry)


def cells(tally: Tally) -> list[str]:
    shown = [f"{tally.entries:,}"]
    shown += [f"{tally.count(f):,} ({percent(tally.count(f), tally.entries)})" for f in NEW_FIELDS]
    shown.append(f"{tally.complete:,} ({percent(tally.complete, tally.entries)})")
    return shown


@pytest.mark.parametrize(
    ("asked", "grouping"),
    [
        ("", Grouping.MANUFACTURER),
        ("?by=manufacturer", Grouping.MANUFACTURER),
        ("?by=device_type", Grouping.DEVICE_TYPE),
        ("?by=device-type", Grouping.DEVICE_TYPE),
        ("?by=%20Device_Type%20", Grouping.DEVICE_TYPE),
    ],
)
def test_the_table_has_the_services_counts_least_complete_first(
    client: TestClient, registry: DemoRegistry, asked: str, grouping: Grouping
) -> None:
    answer = client.get(f"/completeness{asked}")
    assert answer.status_code == 200
    report = completeness(registry.engine, grouping)
    done = report.completeness
    rows = TableRows(answer.text).by_id("group-")
    total = rows.pop("all")
    assert list(rows) == [g.key for g in done.worst_first()]
    for group in done.groups:
        assert rows[group.key][1:7] == cells(group.tally)
        if grouping is Grouping.MANUFACTURER:
            m = report.manufacturers[group.key]
            assert rows[group.key][0] == f"{m.manufacturer_name} {group.key}"
            assert m.contact_email and m.contact_email in rows[group.key][7]
            to_chase = group.tally.entries - group.tally.complete
            assert rows[group.key][8].endswith(f" {to_chase:,} to chase")
        else:
            assert rows[group.key][0].endswith(f"({group.key})")
    assert total[1:7] == cells(done.total)
    # the charts: one bar per field and "all four", one per group
    assert answer.text.count('<g class="bar') == len(NEW_FIELDS) + 1 + len(done.groups)
    assert f"{done.out_of_scope:,} entries of IHD, GPF, CAD, ALT_HAN" in answer.text


@pytest.mark.parametrize("by", ["model", "", "manufacturers", "<b>x</b>"])
def test_an_unknown_grouping_is_named_with_the_choices(client: TestClient, by: str) -> None:
    answer = client.get("/completeness", params={"by": by})
    assert answer.status_code == 422
    assert "must be manufacturer or device_type" in answer.text
    assert "<strong>by</strong>" in answer.text
    assert "<b>x</b>" not in answer.text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_chase_list_is_the_file_the_cli_writes(
    client: TestClient, registry: DemoRegistry, fmt: str, tmp_path: Path
) -> None:
    worst = completeness(registry.engine, Grouping.MANUFACTURER).completeness.worst_first()[0]
    answer = client.get(f"/completeness/chase-list/{worst.key.lower()}", params={"format": fmt})
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="chase-list-{worst.key}.{fmt}"'
    )
    cli = tmp_path / f"cli.{fmt}"
    code, _, err = firpath(
        registry.url, "chase-list", "--manufacturer-id", worst.key, "--out", str(cli)
    )
    assert code == 0, err
    got = tmp_path / f"web.{fmt}"
    got.write_bytes(answer.content)
    if fmt == "csv":
        assert answer.headers["content-type"].startswith("text/csv")
        assert got.read_bytes() == cli.read_bytes()
        assert got.read_text().count("\n") == 1 + worst.tally.entries - worst.tally.complete
    else:
        assert sheets(got) == sheets(cli)


def sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path)
    return {s.title: list(s.iter_rows(values_only=True)) for s in book.worksheets}


def test_a_chase_list_without_a_format_is_csv(client: TestClient) -> None:
    answer = client.get("/completeness/chase-list/1000")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("address", "status", "said"),
    [
        ("/completeness/chase-list/XYZ", 422, "manufacturer_id"),
        ("/completeness/chase-list/10000", 422, "manufacturer_id"),
        ("/completeness/chase-list/2FFF", 404, "manufacturer 2FFF has no entries on the CPL"),
        ("/completeness/chase-list/1000?format=pdf", 422, "a chase list downloads as csv or xlsx"),
        ("/completeness/chase-list/1000?format=", 422, "a chase list downloads as csv or xlsx"),
    ],
)
def test_a_bad_chase_list_request_says_what_is_wrong(
    client: TestClient, address: str, status: int, said: str
) -> None:
    answer = client.get(address)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html")
    assert said in answer.text


def test_stored_text_is_shown_as_text(demo: DemoRegistry, tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "manufacturer_id,manufacturer_name,contact_name,contact_email,contact_phone\n"
        '1000,<script>alert(1)</script>,<b>Eve</b>,"eve@x.example",\n'
    )
    code, _, err = firpath(demo.url, "manufacturers", "import", str(contacts))
    assert code == 0, err
    with in_process(demo) as c:
        answer = signed_in(c, demo).get("/completeness")
    assert answer.status_code == 200
    assert "<script>alert(1)" not in answer.text and "<b>Eve" not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text
    assert "&lt;b&gt;Eve&lt;/b&gt;" in answer.text
    row = TableRows(answer.text).by_id("group-")["1000"]
    assert row[0] == "<script>alert(1)</script> 1000"
