"""`POST /api/v1/fleet-plans`: a fleet file streamed to disk, planned by the service of
`firpath plan`, answered as the plan file (or the summary), nothing left on the server."""

from __future__ import annotations

import codecs
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from firpath.api.app import create_app
from firpath.io.uploads import FOLDER_PREFIX
from firpath.services.fleet_plan import plan_fleet
from tests.api_harness import DemoRegistry

PLANS = "/api/v1/fleet-plans"
URLENCODED = "application/x-www-form-urlencoded"
# demo entries: 10039 has a long path to its model's latest, 10001 a short one
FLEET = "device_id,cpl_entry_id\r\nm-1,10039\r\nm-2,10001\r\n,\r\nm-3,not-on-the-cpl\r\n"


@pytest.fixture(autouse=True)
def own_temp(demo: DemoRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The server's temporary folders made in this test's folder, to see what is left (once
    the database is up: a PostgreSQL server started later would be made there too)."""
    folder = tmp_path / "server-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    assert [p.name for p in folder.iterdir() if p.name.startswith(FOLDER_PREFIX)] == []


def direct_plan(
    demo: DemoRegistry, tmp_path: Path, fleet: bytes, name: str, **options: object
) -> bytes:
    """The plan file `firpath plan` writes for the same fleet."""
    path = tmp_path / name
    path.write_bytes(fleet)
    out = tmp_path / f"direct-plan.{options.pop('format', 'csv')}"
    plan_fleet(demo.engine, path, out, **options)  # type: ignore[arg-type]
    return out.read_bytes()


def test_a_csv_body_is_answered_with_its_plan_file_and_the_counts(
    api: TestClient, demo: DemoRegistry, tmp_path: Path
) -> None:
    answer = api.post(
        PLANS,
        headers=demo.headers("supplier") | {"Content-Type": "text/csv"},
        content=FLEET.encode(),
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == 'attachment; filename="fleet-plan.csv"'
    assert answer.content == direct_plan(demo, tmp_path, FLEET.encode(), "fleet.csv")
    counts = json.loads(answer.headers["x-firpath-summary"])
    assert counts["devices"] == 3 and counts["blank_rows"] == 1
    assert counts["by_status"]["upgrade"] == 2 and counts["by_status"]["unknown_firmware"] == 1


def test_a_form_upload_as_parquet_explained_gives_a_parquet_plan(
    api: TestClient, demo: DemoRegistry, tmp_path: Path
) -> None:
    buffer = io.BytesIO()
    pl.read_csv(io.StringIO(FLEET), infer_schema=False).write_parquet(buffer)
    fleet = buffer.getvalue()
    answer = api.post(
        PLANS,
        headers=demo.headers("supplier"),
        params={"format": "parquet", "explain": "true"},
        files={"file": ("May fleet.parquet", fleet, "application/octet-stream")},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/vnd.apache.parquet"
    assert answer.headers["content-disposition"] == 'attachment; filename="May fleet-plan.parquet"'
    plan = pl.read_parquet(io.BytesIO(answer.content))
    expected = direct_plan(demo, tmp_path, fleet, "f.parquet", explain=True, format="parquet")
    assert plan.equals(pl.read_parquet(io.BytesIO(expected)))
    assert "reason" in plan.columns and plan["device_id"].to_list()[0] == "m-1"


def test_accept_json_answers_the_summary_document(api: TestClient, demo: DemoRegistry) -> None:
    answer = api.post(
        PLANS,
        headers=demo.headers("supplier") | {"Accept": "application/json"},
        files={"file": ("fleet.csv", FLEET.encode(), "text/csv")},
    )
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    summary = answer.json()
    assert summary["devices"] == 3 and summary["target"] == "latest"
    assert summary["file_notes"] and summary["next_steps"]


def test_an_excel_shaped_fleet_plans_like_the_plain_csv(
    api: TestClient, demo: DemoRegistry
) -> None:
    # "Unicode text" as Excel saves it: UTF-16 with its BOM, here with semicolons, CRLF and
    # the empty rows a cleared range leaves behind
    excel = codecs.BOM_UTF16_LE + FLEET.replace(",", ";").replace(
        "\r\nm-3", "\r\n;\r\n;\r\nm-3"
    ).encode("utf-16-le")
    supplier = demo.headers("supplier")
    plain = api.post(PLANS, headers=supplier, files={"file": ("f.csv", FLEET.encode())})
    shaped = api.post(PLANS, headers=supplier, files={"file": ("f.csv", excel)})
    assert shaped.status_code == 200, shaped.text
    assert shaped.content == plain.content
    assert json.loads(shaped.headers["x-firpath-summary"])["blank_rows"] == 3


def test_an_xlsx_fleet_is_read_from_its_first_sheet(api: TestClient, demo: DemoRegistry) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in FLEET.strip().split("\r\n"):
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    answer = api.post(
        PLANS,
        headers=demo.headers("supplier"),
        content=buffer.getvalue(),  # no media type, no name: the content says what it is
    )
    assert answer.status_code == 200, answer.text
    plan = pl.read_csv(io.BytesIO(answer.content), infer_schema=False)
    assert plan["device_id"].to_list() == ["m-1", "m-2", "m-3"]


@pytest.mark.parametrize(
    ("send", "status", "says"),
    [
        (
            {"files": {"file": ("bad.csv", b"device_id,serial\r\nm-1,1\r\n")}},
            422,
            "bad.csv: nothing planned",
        ),
        ({"content": b"\x00\x01\x02 not text"}, 422, "fleet.csv: a binary file (NUL byte"),
        ({"content": b""}, 422, "fleet.csv: empty file, expected a header row"),
        (
            {"files": {"file": ("f.xlsx", b"PK\x03\x04 not really a workbook")}},
            422,
            "f.xlsx: not a valid XLSX workbook",
        ),
        (
            {"files": {"fleet": ("f.csv", FLEET.encode())}},
            422,
            "file '': is required: the fleet file, as the form's file (the form has fleet)",
        ),
        (
            {"files": {"file": ("f.csv", FLEET.encode()), "notes": ("n.txt", b"x")}},
            422,
            "notes 'n.txt': is not a field of this form",
        ),
        (
            {"data": {"target": "latest"}, "files": {"file": ("f.csv", FLEET.encode())}},
            422,
            "target 'latest': is not a field of this form",
        ),
        (
            {
                "content": b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n',
                "headers": {"Content-Type": "multipart/form-data; boundary=b"},
            },
            422,
            "file '': is required",
        ),
        (
            {"content": b"--b\r\nnot a form", "headers": {"Content-Type": "multipart/form-data"}},
            422,
            "has no boundary",
        ),
        ({"json": {"device_id": "m-1"}}, 415, "cannot be sent as application/json"),
        (  # curl --data-binary @fleet.csv without a Content-Type: read as the fleet file
            {"content": b"m-1,10039\n", "headers": {"Content-Type": URLENCODED}},
            422,
            "required column is missing",
        ),
        (
            {"content": FLEET.encode(), "params": {"target": "no-such-entry"}},
            404,
            "NO-SUCH-ENTRY",
        ),
        ({"content": FLEET.encode(), "params": {"format": "xlsx"}}, 422, "format"),
    ],
    ids=[
        "no firmware columns",
        "binary",
        "empty",
        "damaged workbook",
        "file under another field",
        "a second file",
        "an option as a form field",
        "no file",
        "no boundary",
        "json body",
        "curl's default media type",
        "unknown target",
        "unknown plan format",
    ],
)
def test_what_cannot_be_planned_is_a_clear_error(
    api: TestClient, demo: DemoRegistry, send: dict[str, object], status: int, says: str
) -> None:
    send = dict(send)  # the table's rows serve every database
    headers = demo.headers("supplier") | send.pop("headers", {})  # type: ignore[operator]
    answer = api.post(PLANS, headers=headers, **send)  # type: ignore[arg-type]
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert says in error["message"] or says in json.dumps(error["details"])
    assert "/tmp" not in answer.text and FOLDER_PREFIX not in answer.text


def test_a_bad_fleet_lists_the_rows_and_columns_at_fault(
    api: TestClient, demo: DemoRegistry
) -> None:
    fleet = b"device_id,cpl_entry_id,cpl_entry_id\r\nm-1,10039,10039\r\n"
    answer = api.post(PLANS, headers=demo.headers("supplier"), files={"file": ("two.csv", fleet)})
    assert answer.status_code == 422
    [detail] = answer.json()["error"]["details"]
    assert detail["row"] == 1 and detail["field"].startswith("cpl_entry_id")


def test_past_the_upload_limit_is_413_and_nothing_stays(demo: DemoRegistry, own_temp: Path) -> None:
    app = create_app(demo.engine, upload_limit_mb=1)
    big = FLEET.encode() + b"m-9,10001\r\n" * 100_000  # 1.1 MB
    with TestClient(app, raise_server_exceptions=False) as client:
        for send in ({"content": big}, {"files": {"file": ("big.csv", big)}}):
            answer = client.post(PLANS, headers=demo.headers("supplier"), **send)  # type: ignore[arg-type]
            assert answer.status_code == 413
            message = answer.json()["error"]["message"]
            assert "larger than this server accepts (1 MB" in message
            assert "--upload-limit-mb" in message and "Parquet" in message
        streamed = client.post(
            PLANS,
            headers=demo.headers("supplier") | {"Content-Type": "text/csv"},
            content=iter([big[:600_000], big[600_000:]]),  # no Content-Length: counted
        )
        assert streamed.status_code == 413
        small = client.post(PLANS, headers=demo.headers("supplier"), content=FLEET.encode())
        assert small.status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [("supplier", 200), ("secas", 200), ("ssc", 403), ("manufacturer", 403), ("reader", 403)],
)
def test_planning_a_fleet_needs_the_plan_permission(
    api: TestClient, demo: DemoRegistry, role: str, status: int
) -> None:
    answer = api.post(PLANS, headers=demo.headers(role), content=FLEET.encode())
    assert answer.status_code == status
    assert api.post(PLANS, content=FLEET.encode()).status_code == 401
