"""`firpath serve --workers 2`: both worker processes answer, they agree, and after a change
through one worker or the command line every next answer of either worker shows it
(a real server on SQLite and on PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, make_url, text

from firpath.api.worker_header import WORKER_HEADER
from firpath.domain.record import entry_to_record
from firpath.services.registry import show_entry
from tests.api_harness import DemoRegistry, RunningServer, start_server
from tests.integration.cpl_rows import image_hash, write_cpl
from tests.postgres_server import PostgresServer

WORKERS = 2
SOURCE = "10039"


@pytest.fixture
def server(demo: DemoRegistry, tmp_path: Path) -> Iterator[RunningServer]:
    """`firpath serve --workers 2` over the demo registry."""
    running = start_server(demo.url, tmp_path, workers=WORKERS)
    try:
        yield running
    finally:
        running.stop()


def ask_every_worker(
    server: RunningServer,
    path: str,
    headers: dict[str, str],
    params: dict[str, str] | None = None,
    each: int = 5,
    most: int = 1000,
) -> list[httpx.Response]:
    """GET `path`, each time on a new connection, until every worker has answered `each` times."""
    answers: list[httpx.Response] = []
    by_worker: Counter[str] = Counter()
    for _ in range(most):
        answer = httpx.get(server.base_url + path, headers=headers, params=params, timeout=60)
        answers.append(answer)
        worker = answer.headers.get(WORKER_HEADER)
        assert worker is not None, f"no {WORKER_HEADER}: {answer.status_code} {answer.text[:300]}"
        by_worker[worker] += 1
        if len(by_worker) == WORKERS and min(by_worker.values()) >= each:
            return answers
    raise AssertionError(f"in {most} requests only these workers answered: {dict(by_worker)}")


def latest_path(server: RunningServer, demo: DemoRegistry) -> list[dict[str, Any]]:
    """The path from SOURCE to latest as every worker answers it (all answers must agree)."""
    answers = ask_every_worker(server, "/api/v1/paths", demo.headers("supplier"), {"from": SOURCE})
    assert {a.status_code for a in answers} == {200}
    documents = [a.json() for a in answers]
    assert all(d == documents[0] for d in documents)
    return documents


def firpath(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the firpath command line on the database, from outside the server."""
    return subprocess.run(
        [sys.executable, "-m", "firpath.cli.main", "--db", url, *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=300,
        env=dict(os.environ, FIRPATH_ACTOR="secas@cli"),
        check=False,
    )


def test_every_worker_answers_the_same(server: RunningServer, demo: DemoRegistry) -> None:
    answers = ask_every_worker(server, "/api/v1/entries/10039", demo.headers("reader"))
    workers = {a.headers[WORKER_HEADER] for a in answers}
    assert len(workers) == WORKERS
    assert str(server.process.pid) not in workers  # worker processes, not the parent
    assert {a.status_code for a in answers} == {200}
    assert len({a.headers["ETag"] for a in answers}) == 1
    assert len({a.text for a in answers}) == 1
    assert latest_path(server, demo)[0]["status"] == "ok"


def test_a_correction_through_one_worker_is_in_every_next_answer(
    server: RunningServer, demo: DemoRegistry
) -> None:
    latest = latest_path(server, demo)[0]["to"]  # both workers now hold the registry warm
    secas = demo.headers("secas")
    tag = httpx.get(f"{server.base_url}/api/v1/entries/{latest}", headers=secas).headers["ETag"]
    done = httpx.patch(
        f"{server.base_url}/api/v1/entries/{latest}",
        headers=secas | {"If-Match": tag},
        json={"reason": "withdrawn by the manufacturer", "set": {"status": "removed"}},
    )
    assert done.status_code == 200, done.text
    for document in latest_path(server, demo):
        assert document["to"] != latest
        assert latest not in [s["cpl_entry_id"] for s in document["steps"]]


def test_an_edit_and_an_import_from_the_command_line_are_in_every_next_answer(
    server: RunningServer, demo: DemoRegistry, tmp_path: Path
) -> None:
    latest = latest_path(server, demo)[0]["to"]
    edited = firpath(
        demo.url, "edit", latest, "--set", "status=removed", "--reason", "image withdrawn"
    )
    assert edited.returncode == 0, edited.stdout + edited.stderr
    after_edit = latest_path(server, demo)
    new_latest = after_edit[0]["to"]
    assert new_latest != latest
    # a newer build of the same device model, upgrading from the latest: the new latest
    record = entry_to_record(show_entry(demo.engine, new_latest).entry)
    newer = record | {
        "cpl_entry_id": "19001",
        "firmware_version": f"{int(record['firmware_version'], 16) + 1:08X}",
        "firmware_version_name": "9.9.9",
        "manufacturer_image_hash": image_hash("19001").upper(),
        "upgrade_from": new_latest,
        "notes": "",
    }
    imported = firpath(demo.url, "import", str(write_cpl(tmp_path / "newer.csv", [newer])))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    for document in latest_path(server, demo):
        assert document["to"] == "19001"
        assert [s["cpl_entry_id"] for s in document["steps"]][-2:] == [new_latest, "19001"]


def test_a_token_revoked_or_an_account_disabled_from_the_command_line_fails_on_every_worker(
    server: RunningServer, demo: DemoRegistry
) -> None:
    for role in ("reader", "supplier"):  # both workers now hold both tokens as checked
        answers = ask_every_worker(server, "/api/v1/entries/10039", demo.headers(role))
        assert {a.status_code for a in answers} == {200}
    revoked = firpath(demo.url, "tokens", "revoke", demo.emails["reader"])
    assert revoked.returncode == 0, revoked.stdout + revoked.stderr
    answers = ask_every_worker(server, "/api/v1/entries/10039", demo.headers("reader"))
    assert {a.status_code for a in answers} == {401}
    disabled = firpath(demo.url, "users", "disable", demo.emails["supplier"])
    assert disabled.returncode == 0, disabled.stdout + disabled.stderr
    answers = ask_every_worker(server, "/api/v1/entries/10039", demo.headers("supplier"))
    assert {a.status_code for a in answers} == {401}
    still = ask_every_worker(server, "/api/v1/entries/10039", demo.headers("ssc"))
    assert {a.status_code for a in still} == {200}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_every_worker_answers_after_the_database_drops_its_connections(
    server: RunningServer, demo: DemoRegistry, postgres: PostgresServer
) -> None:
    # a PostgreSQL restart, a failover or a firewall closing idle connections: the next
    # request of each worker opens new ones instead of failing
    latest_path(server, demo)
    admin = create_engine(postgres.url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            dropped = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": make_url(demo.url).database},
            ).scalar_one()
    finally:
        admin.dispose()
    demo.engine.dispose()  # the test's own connections were dropped too
    assert dropped >= WORKERS
    answers = ask_every_worker(server, "/api/v1/paths", demo.headers("supplier"), {"from": SOURCE})
    assert {a.status_code for a in answers} == {200}
