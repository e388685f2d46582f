"""Two SECAS corrections of one entry with the same ETag sent at the same moment to a real
server: exactly one lands (200), the other is told the entry changed (412), every time,
and the audit trail holds one correction per race and verifies (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx

from firpath.api.worker_header import WORKER_HEADER
from tests.api_harness import DemoRegistry, start_server

ENTRY = "10039"
RACES = 6


def race(base_url: str, headers: dict[str, str], tag: str, round_no: int) -> list[httpx.Response]:
    """Send two corrections with the same If-Match at once, each on its own connection."""
    barrier = threading.Barrier(2)
    answers: list[httpx.Response | None] = [None, None]

    def correct(side: int) -> None:
        with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
            client.get("/healthz").raise_for_status()  # connected before the start line
            body = {"reason": f"race {round_no}", "set": {"notes": f"race {round_no} side {side}"}}
            barrier.wait()
            answers[side] = client.patch(
                f"/api/v1/entries/{ENTRY}", headers={"If-Match": tag}, json=body
            )

    sides = [threading.Thread(target=correct, args=(side,)) for side in (0, 1)]
    for side in sides:
        side.start()
    for side in sides:
        side.join()
    assert answers[0] is not None and answers[1] is not None
    return [answers[0], answers[1]]


def test_two_corrections_with_one_etag_at_once_one_lands_one_is_refused(
    demo: DemoRegistry, tmp_path: Path
) -> None:
    server = start_server(demo.url, tmp_path, workers=2)
    secas = demo.headers("secas")
    try:
        with server.client(secas) as client:
            for round_no in range(RACES):
                shown = client.get(f"/api/v1/entries/{ENTRY}")
                tag = shown.headers["ETag"]
                answers = race(server.base_url, secas, tag, round_no)
                by_status = {a.status_code: a for a in answers}
                assert sorted(a.status_code for a in answers) == [200, 412], [
                    (a.status_code, a.headers.get(WORKER_HEADER), a.text) for a in answers
                ]
                assert by_status[412].json()["error"]["code"] == "stale_revision"
                winner = by_status[200].json()
                stored = client.get(f"/api/v1/entries/{ENTRY}")
                assert stored.json()["notes"] == winner["notes"]
                assert stored.headers["ETag"] == by_status[200].headers["ETag"] != tag
            history = client.get(f"/api/v1/entries/{ENTRY}/history").json()["history"]
    finally:
        server.stop()
    corrections = [h for h in history if h["command"] == "edit"]
    assert [h["reason"] for h in corrections] == [f"race {n}" for n in reversed(range(RACES))]
    verified = subprocess.run(
        [sys.executable, "-m", "firpath.cli.main", "--db", demo.url, "audit", "verify"],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
