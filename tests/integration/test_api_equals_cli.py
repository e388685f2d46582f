"""The API answers what the command line answers (issue 9, item 5): the real `firpath` process
and the API on one demo database, compared document by document and byte by byte."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api_harness import DemoRegistry


@dataclass(frozen=True)
class CliRun:
    """What one `firpath` process did."""

    code: int
    stdout: bytes
    stderr: bytes

    def document(self) -> Any:
        """The JSON the command printed (an error's on stderr)."""
        return json.loads(self.stdout if self.stdout.strip() else self.stderr)


def firpath(demo: DemoRegistry, *args: str, cwd: Path | None = None) -> CliRun:
    """Run the real command line on the demo database."""
    done = subprocess.run(
        [sys.executable, "-m", "firpath.cli.main", "--db", demo.url, *args],
        capture_output=True,
        cwd=cwd,
        env=dict(os.environ, COLUMNS="200"),
        timeout=120,
        check=False,
    )
    return CliRun(done.returncode, done.stdout, done.stderr)


# the HTTP status of each error the path answers below may give (DESIGN section 7)
ERROR_STATUS = {"not_found": 404, "ambiguous_firmware": 409, "invalid_input": 422}


# Sources of the demo CPL with each answer (seed 231): ok, incomplete_data, no_path, a removed
# entry with a path, up to date, a device model and version by name and by hex, twin builds
# of one version, an explicit target, a target of another model, and an ID not on the CPL.
PATHS = [
    ("10001", "latest"),
    ("10008", "latest"),
    ("10021", "latest"),
    ("10019", "latest"),
    ("10771", "latest"),
    ("1555/0100/0003@3.2.0", "latest"),
    ("1555/0100/0003@01030200", "latest"),
    ("1bbb/0107/0001@01050004", "latest"),
    ("10001", "10002"),
    ("10039", "10001"),
    ("99999", "latest"),
    ("1555/0100/0003@9.9.9", "latest"),
]


def test_paths_equal_the_cli(api: TestClient, demo: DemoRegistry) -> None:
    supplier = demo.headers("supplier")
    statuses = set()
    for source, target in PATHS:
        run = firpath(demo, "path", source, target, "--json")
        answer = api.get("/api/v1/paths", headers=supplier, params={"from": source, "to": target})
        document = run.document()
        if "error" in document:
            assert answer.status_code == ERROR_STATUS[document["error"]["code"]], source
            assert answer.json() == document, source
            statuses.add(document["error"]["code"])
            continue
        assert answer.status_code == 200, (source, answer.text)
        assert answer.json() == document | {"exit_code": run.code}, source
        statuses.add(document["status"])
    assert {"ok", "incomplete_data", "no_path", "up_to_date", "not_found"} <= statuses


FLEET = (
    "device_id,cpl_entry_id,manufacturer_id,model_id,hardware_version,firmware_version_name\r\n"
    "m-01,10001,,,,\r\n"
    "m-02,10008,,,,\r\n"
    "m-03,10021,,,,\r\n"
    "m-04,10019,,,,\r\n"
    "m-05,10771,,,,\r\n"
    "m-06,,1555,0100,0003,3.2.0\r\n"
    "m-07,,1BBB,0107,0001,5.0.4\r\n"
    "m-09,,1BBB,0107,0001,1.5.4\r\n"
    "m-08,not-on-the-cpl,,,,\r\n"
    ",,,,,\r\n"
    "m-01,10039,,,,\r\n"
    ",10002,,,,\r\n"
)


@pytest.mark.parametrize(
    ("plan_name", "options"),
    [("plan.csv", ()), ("plan.parquet", ("--explain",)), ("plan.csv", ("--target", "10002"))],
)
def test_a_plan_equals_the_cli_s_byte_for_byte(
    api: TestClient, demo: DemoRegistry, tmp_path: Path, plan_name: str, options: tuple[str, ...]
) -> None:
    (tmp_path / "fleet.csv").write_text(FLEET, newline="")
    run = firpath(demo, "plan", "fleet.csv", "--out", plan_name, *options, "--json", cwd=tmp_path)
    assert run.code == 0, run.stderr
    params: dict[str, str] = {"format": plan_name.split(".")[1]}
    if "--explain" in options:
        params["explain"] = "true"
    if "--target" in options:
        params["target"] = options[-1]
    supplier = demo.headers("supplier")
    upload = {"file": ("fleet.csv", FLEET.encode())}
    plan = api.post("/api/v1/fleet-plans", headers=supplier, params=params, files=upload)
    assert plan.status_code == 200, plan.text
    assert plan.content == (tmp_path / plan_name).read_bytes()
    summary = api.post(
        "/api/v1/fleet-plans",
        headers=supplier | {"Accept": "application/json"},
        params=params,
        files=upload,
    )
    assert summary.json() == run.document()
    found = {status for status, count in summary.json()["by_status"].items() if count}
    if "--target" not in options:  # the fleet has a device of every status
        assert found >= {"up_to_date", "upgrade", "no_path", "incomplete_data", "unknown_firmware"}
    counts = json.loads(plan.headers["x-firpath-summary"])
    assert counts.items() <= run.document().items()


def test_a_bad_fleet_is_the_cli_s_error(
    api: TestClient, demo: DemoRegistry, tmp_path: Path
) -> None:
    bad = b"device_id,model_id\r\nm-1,0100\r\n"
    (tmp_path / "bad.csv").write_bytes(bad)
    run = firpath(demo, "plan", "bad.csv", "--out", "plan.csv", "--json", cwd=tmp_path)
    assert run.code == 1
    answer = api.post(
        "/api/v1/fleet-plans", headers=demo.headers("supplier"), files={"file": ("bad.csv", bad)}
    )
    assert answer.status_code == 422
    assert answer.json() == run.document()


IMPACT = [
    {"chipset_vendor": "silicon*"},
    {"chipset_vendor": "*", "stack_version": "EmberZNet 6.*"},
    {"stack_version": "no such stack"},
]


def test_impact_equals_the_cli(api: TestClient, demo: DemoRegistry) -> None:
    for query in IMPACT:
        args = [f"--{k.replace('_', '-')}={v}" for k, v in query.items()]
        run = firpath(demo, "impact", *args, "--json")
        answer = api.get("/api/v1/impact", headers=demo.headers("ssc"), params=query)
        assert answer.status_code == 200, answer.text
        assert answer.json() == run.document(), query


ENTRIES = [
    ({"manufacturer_id": "1bbb", "status": "removed"}, ()),
    ({"missing": "upgrade_from", "device_type": "GSME"}, ()),
    ({"q": "1555"}, ("--text", "1555")),
    ({"model_id": "0100", "hardware_version": "0003"}, ()),
]


def test_entries_equal_the_cli(api: TestClient, demo: DemoRegistry) -> None:
    for query, cli_args in ENTRIES:
        args = list(cli_args) or [f"--{k.replace('_', '-')}={v}" for k, v in query.items()]
        run = firpath(demo, "entries", *args, "--limit", "1000", "--json")
        assert run.code == 0, run.stderr
        params = query | {"per_page": "1000"}
        answer = api.get("/api/v1/entries", headers=demo.headers("reader"), params=params)
        listed = run.document()
        assert listed["entries"], query
        assert answer.json()["entries"] == listed["entries"], query
        assert answer.json()["total"] == len(listed["entries"])


def cell_values(content: bytes) -> list[list[object]]:
    """Every cell of the first sheet (a workbook's timestamps left aside)."""
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_exports_equal_the_cli(api: TestClient, demo: DemoRegistry, tmp_path: Path) -> None:
    reader = demo.headers("reader")
    for fmt in ("csv", "json", "xlsx"):
        out = tmp_path / f"fir.{fmt}"
        run = firpath(demo, "export", "--format", fmt, "--out", str(out))
        assert run.code == 0, run.stderr
        answer = api.get("/api/v1/export", headers=reader, params={"format": fmt})
        assert answer.status_code == 200
        if fmt == "xlsx":
            assert cell_values(answer.content) == cell_values(out.read_bytes())
        else:
            assert answer.content == out.read_bytes(), fmt
    csv_out = firpath(demo, "export", "--format", "csv")  # to standard output
    assert csv_out.stdout == api.get("/api/v1/export", headers=reader).content
