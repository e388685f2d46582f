"""The graph and fleet plans from a real `firpath serve`, used as a client would: an
Excel-shaped fleet, a fleet past the upload limit (declared, and streamed without a length),
a bad fleet; nothing left in the server's temporary folder."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from firpath.io.uploads import FOLDER_PREFIX
from tests.api_harness import DemoRegistry, start_server

FLEET = "device_id,cpl_entry_id\r\nm-1,10039\r\nm-2,10021\r\nm-3,10008\r\n"


def excel_shaped(text: str) -> bytes:
    """The fleet as Excel's "Unicode text" in a European locale: UTF-16 with its byte order
    mark, semicolons, and the empty rows a cleared range leaves behind."""
    rows = text.replace(",", ";").split("\r\n")
    rows[2:2] = [";", ";", ""]
    return codecs.BOM_UTF16_LE + "\r\n".join(rows).encode("utf-16-le")


def test_a_client_plans_fleets_and_reads_graphs_from_a_running_server(
    demo: DemoRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server_temp = tmp_path / "server-temp"
    server_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(server_temp))  # the server's uploads go here
    server = start_server(demo.url, tmp_path, extra=("--upload-limit-mb", "1"))
    try:
        with server.client(demo.headers("supplier")) as client:
            graph = client.get(
                "/api/v1/graph",
                params={"manufacturer_id": "1BBB", "model_id": "0107", "hardware_version": "0001"},
            )
            assert graph.status_code == 200
            assert graph.json()["conditionalEdges"][0]["risks"][0]["url"].startswith(
                server.base_url
            )

            plain = client.post("/api/v1/fleet-plans", files={"file": ("fleet.csv", FLEET)})
            assert plain.status_code == 200, plain.text
            shaped = client.post(
                "/api/v1/fleet-plans",
                content=excel_shaped(FLEET),
                headers={"Content-Type": "text/csv"},
            )
            assert shaped.status_code == 200, shaped.text
            assert shaped.content == plain.content
            assert json.loads(shaped.headers["X-Firpath-Summary"])["blank_rows"] == 3

            big = FLEET.encode() + b"m-9,10001\r\n" * 200_000  # 2.2 MB: over the 1 MB limit

            def streamed() -> Iterator[bytes]:  # sent without a Content-Length
                for start in range(0, len(big), 1 << 16):
                    yield big[start : start + (1 << 16)]

            for send in (
                {"content": big},
                {"files": {"file": ("big.csv", big)}},
                {"content": streamed()},
            ):
                answer = client.post("/api/v1/fleet-plans", **send)  # type: ignore[arg-type]
                assert answer.status_code == 413
                assert "larger than this server accepts (1 MB" in answer.json()["error"]["message"]

            bad = client.post(
                "/api/v1/fleet-plans", files={"file": ("bad.csv", b"device_id\r\nm-1\r\n")}
            )
            assert bad.status_code == 422
            assert bad.json()["error"]["message"].startswith("bad.csv: nothing planned")
            after = client.post("/api/v1/fleet-plans", files={"file": ("fleet.csv", FLEET)})
            assert after.content == plain.content
    finally:
        log = server.stop()
    assert [p.name for p in server_temp.iterdir() if p.name.startswith(FOLDER_PREFIX)] == []
    assert demo.tokens["supplier"] not in log
