"""The fleet plan page in process, on both databases: the summary says what the API's summary
says, the downloads are the API's plan files, bad files and options get the service's message
(never a 500), past the upload limit a page says the limit, nothing stays on the server."""

from __future__ import annotations

import codecs
import html as html_text
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any, Final

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from firpath.api.app import create_app
from firpath.io.uploads import FOLDER_PREFIX
from firpath.services.accounts import form_token, sign_in
from tests.api_harness import DemoRegistry, in_process

PAGE: Final = "/fleet-plans"
PLANS: Final = "/api/v1/fleet-plans"
# demo entries: 10039 and 10001 upgrade, 10021 and 10030 have no path, 10008 depends on an
# upgrade-from never provided, 10771 is its model's newest
FLEET: Final = (
    "device_id,cpl_entry_id\r\nm-1,10039\r\nm-2,10001\r\nm-3,10021\r\nm-4,10030\r\n"
    "m-5,10008\r\nm-6,10771\r\n,\r\nm-7,not-on-the-cpl\r\n"
)

pytestmark = pytest.mark.usefixtures("no_upload_left")


@pytest.fixture
def client(registry: DemoRegistry) -> Iterator[TestClient]:
    with in_process(registry) as served:
        yield served


def signed_in(client: TestClient, registry: DemoRegistry, role: str = "supplier") -> str:
    """Sign `client` in as `role`; the form token of its session."""
    session = sign_in(registry.engine, registry.emails[role], registry.passwords[role])
    client.cookies.set("firpath_session", session.secret)
    return form_token(session.secret)


def post_fleet(
    client: TestClient,
    token: str,
    fleet: bytes,
    name: str = "fleet.csv",
    **fields: str,
) -> Any:
    return client.post(
        PAGE,
        data={"csrf_token": token, **fields},
        files={"file": (name, fleet, "text/csv")},
    )


class Tables(HTMLParser):
    """The text of each cell of each body row of the page's tables, by the table's class."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = (dict(attrs).get("class") or "").split()[-1]
            self.tables[self._table] = []
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body and self._table:
            self.tables[self._table].append([])
        elif tag == "td" and self._in_body:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self._table:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def alert(html: str) -> str:
    """The text of the page's error block (tags dropped, white space folded)."""
    found = re.search(r'<div class="error fleet-error" role="alert">(.*?)</div>', html, re.S)
    assert found, html
    return html_text.unescape(" ".join(re.sub(r"<[^>]+>", "", found.group(1)).split()))


def test_the_form_says_what_a_fleet_file_needs_and_its_example_plans(
    client: TestClient, registry: DemoRegistry
) -> None:
    token = signed_in(client, registry)
    form = client.get("/fleet-plans/new")
    assert form.status_code == 200
    html = form.text
    assert 'enctype="multipart/form-data"' in html and f'value="{token}"' in html
    for column in ("device_id", "cpl_entry_id", "manufacturer_id", "firmware_version"):
        assert f"<code>{column}</code>" in html
    assert "At most 2,048 MB a file" in html
    assert '<label for="fleet-file">' in html and '<label for="fleet-target">' in html
    example = client.get("/fleet-plans/example.csv")
    assert example.status_code == 200
    assert example.headers["content-disposition"] == 'attachment; filename="fleet-example.csv"'
    lines = example.text.splitlines()
    assert lines[0] == "device_id,cpl_entry_id" and len(lines) > 2
    planned = post_fleet(client, token, example.content, "fleet-example.csv")
    assert planned.status_code == 200
    status_rows = tables(planned.text)["status-table"]
    assert sum(int(r[2].replace(",", "")) for r in status_rows) == len(lines) - 1


def test_the_summary_page_says_what_the_api_summary_says(
    client: TestClient, registry: DemoRegistry
) -> None:
    token = signed_in(client, registry)
    page = post_fleet(client, token, FLEET.encode(), download="summary")
    assert page.status_code == 200, page.text
    api = client.post(
        PLANS,
        headers=registry.headers("supplier") | {"Accept": "application/json"},
        files={"file": ("fleet.csv", FLEET.encode())},
    )
    summary = api.json()
    html = page.text
    assert "<h1>Fleet plan of fleet.csv</h1>" in html
    assert f"{summary['devices']} devices planned from fleet.csv" in html
    found = tables(html)
    shown = {row[0].split()[-1]: int(row[2].replace(",", "")) for row in found["status-table"]}
    assert shown == summary["by_status"]
    assert shown["no_path"] == 2 and shown["incomplete_data"] == 1
    assert html.count('<g class="bar ') == len(summary["by_status"])  # a bar per status
    stranded = found["stranded-table"]
    assert [f"{r[0]} {r[1]}" for r in stranded] == [m["name"] for m in summary["stranded_models"]]
    assert [[int(c) for c in r[2:5]] for r in stranded] == [
        [m["no_path"], m["incomplete_data"], m["devices"]] for m in summary["stranded_models"]
    ]
    assert all(r[5] for r in stranded)  # whom to ask: the demo manufacturers have contacts
    steps = re.findall(r'<ul class="next-steps">(.*?)</ul>', html, re.S)[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", steps).split())
    for step in summary["next_steps"]:
        assert " ".join(str(escape(step["action"])).split()) in text
        for entry_id in step["entry_ids"]:
            assert f'<a href="/entries/{entry_id}">{entry_id}</a>' in steps
    for note in summary["file_notes"]:
        assert note in html  # the blank row


@pytest.mark.parametrize(("download", "explain"), [("plain", False), ("explained", True)])
def test_the_downloads_are_the_api_plan_files(
    client: TestClient, registry: DemoRegistry, download: str, explain: bool
) -> None:
    token = signed_in(client, registry)
    got = post_fleet(client, token, FLEET.encode(), download=download, target="")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "text/csv; charset=utf-8"
    name = "fleet-plan-explained.csv" if explain else "fleet-plan.csv"
    assert got.headers["content-disposition"] == f'attachment; filename="{name}"'
    api = client.post(
        PLANS,
        headers=registry.headers("supplier"),
        params={"explain": "true"} if explain else {},
        files={"file": ("fleet.csv", FLEET.encode())},
    )
    assert got.content == api.content


def test_a_target_plans_towards_that_entry(client: TestClient, registry: DemoRegistry) -> None:
    token = signed_in(client, registry)
    page = post_fleet(client, token, FLEET.encode(), target="10047")
    assert page.status_code == 200, page.text
    assert 'CPL entry <a href="/entries/10047">10047</a>' in page.text
    got = post_fleet(client, token, FLEET.encode(), target="10047", download="plain")
    api = client.post(
        PLANS,
        headers=registry.headers("supplier"),
        params={"target": "10047"},
        files={"file": ("fleet.csv", FLEET.encode())},
    )
    assert got.content == api.content


def test_devices_past_an_explicit_target_are_shown_apart_from_the_stranded(
    client: TestClient, registry: DemoRegistry
) -> None:
    token = signed_in(client, registry)
    fleet = "device_id,cpl_entry_id\r\nn-1,10104\r\nn-2,10161\r\n"  # newer than 10047
    page = post_fleet(client, token, fleet.encode(), target="10047")
    assert page.status_code == 200, page.text
    text = html_text.unescape(re.sub(r"<[^>]+>", " ", page.text))
    assert "Past the target" in text
    assert "nothing to send to these 2 devices" in text
    assert "site visit needed" not in text


def test_an_excel_shaped_utf16_fleet_plans_like_the_plain_csv(
    client: TestClient, registry: DemoRegistry
) -> None:
    token = signed_in(client, registry)
    excel = codecs.BOM_UTF16_LE + FLEET.replace(",", ";").encode("utf-16-le")
    plain = post_fleet(client, token, FLEET.encode(), download="plain")
    shaped = post_fleet(client, token, excel, download="plain")
    assert shaped.status_code == 200, shaped.text
    assert shaped.content == plain.content


@pytest.mark.parametrize(
    ("fleet", "name", "fields", "status", "says"),
    [
        (b"device_id,serial\r\nm-1,1\r\n", "bad.csv", {}, 422, "row 1, column model_id"),
        (b"\x00\x01\x02 not text", "meters.csv", {}, 422, "meters.csv: a binary file (NUL byte"),
        (b"", "empty.csv", {}, 422, "empty.csv: empty file, expected a header row"),
        (b"PK\x03\x04 not a workbook", "f.xlsx", {}, 422, "f.xlsx: not a valid XLSX workbook"),
        (
            b"device_id,cpl_entry_id,cpl_entry_id\r\nm-1,10039,10039\r\n",
            "two.csv",
            {},
            422,
            "row 1, column cpl_entry_id value “cpl_entry_id”: names the same column again",
        ),
        (FLEET.encode(), "f.csv", {"target": "99999"}, 404, "99999"),
        (
            FLEET.encode(),
            "f.csv",
            {"target": "<script>alert(1)</script>"},
            422,
            "field target value “<script>alert(1)</script>”: is not a CPL Entry ID",
        ),
        (
            FLEET.encode(),
            "f.csv",
            {"download": "parquet"},
            422,
            "field download value “parquet”: is not one of summary, plain, explained",
        ),
    ],
    ids=[
        "no firmware columns",
        "binary",
        "empty",
        "damaged workbook",
        "a column twice",
        "unknown target",
        "target not an id",
        "unknown download",
    ],
)
def test_what_cannot_be_planned_is_said_on_the_page(
    client: TestClient,
    registry: DemoRegistry,
    fleet: bytes,
    name: str,
    fields: dict[str, str],
    status: int,
    says: str,
) -> None:
    token = signed_in(client, registry)
    answer = post_fleet(client, token, fleet, name, **fields)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    shown = alert(answer.text)
    assert says in shown, shown
    assert "<script>alert" not in answer.text  # escaped
    assert "/tmp" not in answer.text and FOLDER_PREFIX not in answer.text
    assert "Traceback" not in answer.text
    assert "status-table" not in answer.text  # no summary
    assert f'value="{escape(fields.get("target", ""))}"' in answer.text  # what was typed is kept


def test_a_form_that_is_not_multipart_or_has_no_file_is_told_so(
    client: TestClient, registry: DemoRegistry
) -> None:
    token = signed_in(client, registry)
    plain = client.post(PAGE, data={"csrf_token": token})
    assert plain.status_code == 422
    assert "must be sent as multipart/form-data" in alert(plain.text)
    no_file = client.post(
        PAGE, data={"csrf_token": token}, files={"notes": ("n.txt", b"x", "text/plain")}
    )
    assert no_file.status_code == 422
    assert "is required: the fleet file" in alert(no_file.text)


def test_a_repeated_device_id_is_shown_as_text(client: TestClient, registry: DemoRegistry) -> None:
    token = signed_in(client, registry)
    hostile = b"device_id,cpl_entry_id\r\n<script>x</script>,10039\r\n<script>x</script>,10001\r\n"
    page = post_fleet(client, token, hostile)
    assert page.status_code == 200
    assert "<script>x</script>" not in page.text
    assert "&lt;script&gt;x&lt;/script&gt;" in page.text  # the file note names it, as text


def test_the_form_token_is_required(client: TestClient, registry: DemoRegistry) -> None:
    token = signed_in(client, registry)
    for sent in ({}, {"csrf_token": "0" * 64}):
        answer = client.post(PAGE, data=sent, files={"file": ("f.csv", FLEET.encode())})
        assert answer.status_code == 403, sent
        assert "This form has expired" in answer.text
    header = client.post(
        PAGE, headers={"X-CSRF-Token": "forged"}, files={"file": ("f.csv", FLEET.encode())}
    )
    assert header.status_code == 403
    # a script's upload sends the token as the header
    scripted = client.post(
        PAGE, headers={"X-CSRF-Token": token}, files={"file": ("f.csv", FLEET.encode())}
    )
    assert scripted.status_code == 200


def test_past_the_upload_limit_a_page_says_the_limit_and_what_to_do(
    registry: DemoRegistry,
) -> None:
    big = FLEET.encode() + b"m-9,10001\r\n" * 100_000  # 1.1 MB
    with TestClient(create_app(registry.engine, upload_limit_mb=1)) as client:
        token = signed_in(client, registry)
        sized = post_fleet(client, token, big, "big.csv")
        boundary = "b0undary"
        disposition = "\r\nContent-Disposition: form-data; name="
        head = (
            f'--{boundary}{disposition}"csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}{disposition}"file"; filename="big.csv"\r\n\r\n'
        )
        body = head.encode() + big + f"\r\n--{boundary}--\r\n".encode()
        streamed = client.post(  # no Content-Length: counted as it arrives
            PAGE,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            content=iter([body[:600_000], body[600_000:]]),
        )
        for answer in (sized, streamed):
            assert answer.status_code == 413
            shown = alert(answer.text)
            assert "The fleet file is too large" in shown
            assert "larger than this server accepts (1 MB" in shown
            assert "Parquet" in shown and "split it into parts" in shown
            assert '<form id="fleet-form"' in answer.text  # send another from here
        small = post_fleet(client, token, FLEET.encode())
        assert small.status_code == 200
