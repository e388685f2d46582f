"""An approval racing an import (issue 9, item 8): a real `firpath serve` approves while a
`firpath import` process writes the same registry, both queued behind a held write lock.
Whichever goes first, no upgrade edge dangles, no model's graph loops, the audit trail
verifies, and exactly the write that breaks a rule is refused with a clear message."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from firpath.domain.record import entry_to_record
from firpath.domain.rules import find_cycles
from firpath.domain.submission import next_entry_id
from firpath.io.columns import CPL_ALL_COLUMNS
from firpath.services.unit_of_work import read_transaction, write_transaction
from firpath.store import entries
from firpath.store.tables import change_batches, cpl_entries, upgrade_edges
from tests.api_harness import DemoRegistry, RunningServer, start_server
from tests.integration.cpl_rows import write_cpl
from tests.integration.submission_data import own_model, proposal
from tests.integration.test_concurrency import assert_no_driver_errors, finish, start

URL = "/api/v1/submissions"
FIRST = pytest.mark.parametrize("first", ["approval", "import"])  # which writer queues first


@contextmanager
def serving(demo: DemoRegistry, folder: Path) -> Iterator[RunningServer]:
    server = start_server(demo.url, folder)
    try:
        yield server
    finally:
        log = server.stop()
        assert "Traceback" not in log, log


def queued(demo: DemoRegistry, writers: int) -> None:
    """Wait until `writers` writers wait for the registry's lock (PostgreSQL shows its lock
    queue; SQLite does not, so there a moment is given to reach it)."""
    if not demo.url.startswith("postgresql"):
        time.sleep(1.5)
        return
    waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with demo.engine.connect() as conn:
            if conn.execute(waiting).scalar_one() >= writers:
                return
        time.sleep(0.05)
    raise AssertionError(f"{writers} writers did not queue for the registry's lock")


def race(
    demo: DemoRegistry, server: RunningServer, submission_id: int, cpl_file: Path, first: str
) -> tuple[httpx.Response, int, str]:
    """Approve `submission_id` through the server and import `cpl_file` with the CLI, both
    queued (`first` before the other) while this test holds the registry's write lock."""
    with ThreadPoolExecutor(1) as pool, server.client(demo.headers("secas")) as secas:
        with write_transaction(demo.engine):
            writers: dict[str, Any] = {}
            for writer in (first, *({"approval", "import"} - {first})):
                if writer == "approval":
                    writers[writer] = pool.submit(
                        secas.post, f"{URL}/{submission_id}/approve", json={"reason": "race"}
                    )
                else:
                    writers[writer] = start(demo.url, "import", "--json", str(cpl_file))
                queued(demo, len(writers))
            approval: Future[httpx.Response] = writers["approval"]
            importing: subprocess.Popen[str] = writers["import"]
            assert not approval.done(), "the approval did not wait for the lock"
            assert importing.poll() is None, "the import did not wait for the lock"
        answer = approval.result(timeout=300)
    code, output = finish(importing)
    assert_no_driver_errors(output)
    return answer, code, output


def assert_queue_order(demo: DemoRegistry, first: str, went_first: str) -> None:
    """PostgreSQL grants a lock to its waiters in turn: the writer queued first wrote first
    (SQLite's waiters retry, so there either may)."""
    if demo.url.startswith("postgresql"):
        assert went_first == first


def assert_registry_whole(demo: DemoRegistry) -> None:
    """No edge names a missing entry, no device model's graph loops, the audit log verifies."""
    e, c = upgrade_edges.c, cpl_entries.c
    with read_transaction(demo.engine) as conn:
        ids = set(conn.execute(select(c.cpl_entry_id)).scalars())
        edges = conn.execute(select(e.cpl_entry_id, e.from_entry_id)).all()
        stored = entries.load_all(conn)
    dangling = [(to, frm) for to, frm in edges if to not in ids or frm not in ids]
    assert dangling == []
    assert find_cycles(stored) == []
    verified = subprocess.run(
        [sys.executable, "-m", "firpath.cli.main", "--db", demo.url, "audit", "verify"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr


def submitted(server: RunningServer, demo: DemoRegistry, body: dict[str, Any]) -> int:
    with server.client(demo.headers("manufacturer")) as maker:
        answer = maker.post(URL, json=body)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def state_of(server: RunningServer, demo: DemoRegistry, submission_id: int) -> Any:
    with server.client(demo.headers("secas")) as secas:
        return secas.get(f"{URL}/{submission_id}").json()


@FIRST
def test_an_approval_and_an_import_of_the_same_build_one_lands_the_other_is_refused(
    demo: DemoRegistry, tmp_path: Path, first: str
) -> None:
    model, model_entries = own_model()
    body = proposal(model, model_entries)
    same_build = {k: v for k, v in body.items() if isinstance(v, str)} | {
        "cpl_entry_id": "20000",
        "status": "active",
        "upgrade_from": "N/A",
    }
    cpl_file = write_cpl(tmp_path / "extract.csv", [same_build], CPL_ALL_COLUMNS)
    with serving(demo, tmp_path) as server:
        sid = submitted(server, demo, body)
        answer, code, output = race(demo, server, sid, cpl_file, first)
        after = state_of(server, demo, sid)
    if answer.status_code == 200:  # the approval went first: the import repeats its build
        new_id = answer.json()["cpl_entry_id"]
        assert code == 1, output
        assert f"same device model, firmware version and hash as {new_id}" in output
        assert after["state"] == "approved"
        assert_queue_order(demo, first, "approval")
    else:  # the import went first: the approval finds the build on the CPL
        assert answer.status_code == 422, answer.text
        assert code == 0, output
        error = answer.json()["error"]
        assert "stays pending" in error["message"]
        assert any(
            "same device model, firmware version and hash as 20000" in d["message"]
            for d in error["details"]
        ), error
        assert after["state"] == "pending"
        assert_queue_order(demo, first, "import")
    assert_registry_whole(demo)


@FIRST
def test_an_import_that_would_close_a_cycle_through_the_approved_entry_is_refused(
    demo: DemoRegistry, tmp_path: Path, first: str
) -> None:
    model, model_entries = own_model()
    named = model_entries[-1]  # what the submission upgrades from, by its version name
    with read_transaction(demo.engine) as conn:
        coming = next_entry_id(conn.execute(select(cpl_entries.c.cpl_entry_id)).scalars())
    # the extract says `named` may also be upgraded to from `coming`, the ID the approval takes
    row = entry_to_record(named)
    row["upgrade_from"] = ";".join([*named.upgrade_from.ids, coming])
    cpl_file = write_cpl(tmp_path / "extract.csv", [row], CPL_ALL_COLUMNS)
    with serving(demo, tmp_path) as server:
        sid = submitted(server, demo, proposal(model, model_entries))
        answer, code, output = race(demo, server, sid, cpl_file, first)
    assert answer.status_code == 200, answer.text
    assert answer.json()["cpl_entry_id"] == coming
    assert answer.json()["entry"]["upgrade_from"] == [named.cpl_entry_id]
    assert code == 1, output
    cycle = f"upgrade cycle: {named.cpl_entry_id} -> {coming} -> {named.cpl_entry_id}"
    unknown = f"upgrade_from names {coming}, which is not on the CPL"
    assert cycle in output or unknown in output, output
    assert_queue_order(demo, first, "approval" if cycle in output else "import")
    with read_transaction(demo.engine) as conn:
        assert entries.get_entry(conn, named.cpl_entry_id) == named
    assert_registry_whole(demo)


@FIRST
def test_all_earlier_is_expanded_against_the_registry_the_approval_finds(
    demo: DemoRegistry, tmp_path: Path, first: str
) -> None:
    model, model_entries = own_model()
    withdrawn = model_entries[-1]  # the import removes the newest build from the CPL
    row = entry_to_record(withdrawn) | {"status": "removed"}
    cpl_file = write_cpl(tmp_path / "withdrawal.csv", [row], CPL_ALL_COLUMNS)
    body = proposal(model, model_entries, upgrade_from={"all_earlier": True})
    with serving(demo, tmp_path) as server:
        sid = submitted(server, demo, body)
        answer, code, output = race(demo, server, sid, cpl_file, first)
    assert answer.status_code == 200, answer.text
    assert code == 0, output
    upgrade_from = answer.json()["entry"]["upgrade_from"]
    with read_transaction(demo.engine) as conn:
        last = select(change_batches.c.command).order_by(change_batches.c.batch_id.desc())
        approved_last = conn.execute(last.limit(1)).scalar_one() == "approve"
    active_before = [e.cpl_entry_id for e in model_entries if e.is_active]
    assert_queue_order(demo, first, "import" if approved_last else "approval")
    if approved_last:  # the withdrawal was on the CPL when the approval expanded the list
        assert upgrade_from == [i for i in active_before if i != withdrawn.cpl_entry_id]
    else:
        assert upgrade_from == active_before
    assert_registry_whole(demo)
