"""The settings of a deployment: behind a TLS proxy the session cookie is Secure only when the
proxy is trusted; a write waits FIRPATH_LOCK_WAIT seconds at most; bad proxy or pool settings
are refused with a message naming them."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import QueuePool

from firpath.domain.errors import FieldInvalid
from firpath.services.unit_of_work import write_transaction
from firpath.store.engine import LOCK_WAIT_VAR, POOL_SIZE_VAR, open_engine, pool_options
from tests.api_harness import DemoRegistry, start_server
from tests.postgres_server import PostgresServer

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
UNREACHABLE_POSTGRES = "postgresql+psycopg://firpath@127.0.0.1:9/fir"  # never connected to


def session_cookie(demo: DemoRegistry, tmp_path: Path, *serve: str) -> dict[str, str]:
    """The Set-Cookie of a sign-in through a TLS proxy (X-Forwarded-Proto: https), and of one
    without, on `firpath serve` with the given options."""
    server = start_server(demo.url, tmp_path, extra=serve)
    login = {"email": demo.emails["reader"], "password": demo.passwords["reader"]}
    try:
        with server.client() as client:
            proxied = client.post(
                "/api/v1/session", json=login, headers={"X-Forwarded-Proto": "https"}
            )
            direct = client.post("/api/v1/session", json=login)
    finally:
        server.stop()
    assert proxied.status_code == direct.status_code == 200, proxied.text + direct.text
    return {"proxied": proxied.headers["set-cookie"], "direct": direct.headers["set-cookie"]}


@SQLITE_ONLY
def test_behind_a_trusted_proxy_speaking_https_the_session_cookie_is_secure(
    demo: DemoRegistry, tmp_path: Path
) -> None:
    cookies = session_cookie(demo, tmp_path, "--forwarded-allow-ips", "127.0.0.1")
    assert "secure" in cookies["proxied"].lower()
    assert "secure" not in cookies["direct"].lower()


@SQLITE_ONLY
@pytest.mark.parametrize(
    "serve", [("--no-proxy-headers",), ("--forwarded-allow-ips", "10.0.0.0/8")], ids=str
)
def test_forwarded_headers_from_an_untrusted_address_are_ignored(
    demo: DemoRegistry, tmp_path: Path, serve: tuple[str, ...]
) -> None:
    cookies = session_cookie(demo, tmp_path, *serve)
    assert "secure" not in cookies["proxied"].lower()


def test_a_correction_waiting_longer_than_the_lock_wait_is_told_to_try_again(
    demo: DemoRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LOCK_WAIT_VAR, "1")
    server = start_server(demo.url, tmp_path)
    body = {"reason": "checked", "set": {"notes": "checked"}}
    try:
        with server.client(demo.headers("secas")) as client:
            tag = client.get("/api/v1/entries/10039").headers["ETag"]
            with write_transaction(demo.engine):  # a long import from the command line
                busy = client.patch("/api/v1/entries/10039", headers={"If-Match": tag}, json=body)
            done = client.patch("/api/v1/entries/10039", headers={"If-Match": tag}, json=body)
    finally:
        server.stop()
    assert busy.status_code == 503, busy.text
    assert busy.json()["error"]["code"] == "registry_busy"
    assert LOCK_WAIT_VAR in busy.json()["error"]["message"]
    assert done.status_code == 200, done.text


def firpath(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "firpath.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, **env),
        check=False,
    )


def test_a_proxy_address_that_is_not_an_ip_is_refused_before_serving(tmp_path: Path) -> None:
    done = firpath(
        "--db", str(tmp_path / "none.db"), "serve", "--forwarded-allow-ips", "10.0.0.1,proxy.lan"
    )
    assert done.returncode == 1
    assert "--forwarded-allow-ips 'proxy.lan'" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "none.db").exists()


def test_the_pool_size_caps_a_processes_postgresql_connections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(POOL_SIZE_VAR, "3")
    assert pool_options() == {"pool_size": 3, "max_overflow": 0}
    pool = open_engine(UNREACHABLE_POSTGRES).pool
    assert isinstance(pool, QueuePool) and pool.size() == 3
    monkeypatch.delenv(POOL_SIZE_VAR)
    assert pool_options() == {}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_worker_holds_at_most_its_pool_and_one_connection_for_the_counters(
    demo: DemoRegistry, tmp_path: Path, postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(POOL_SIZE_VAR, "2")
    server = start_server(demo.url, tmp_path, workers=2)
    reader = demo.headers("reader")
    try:

        def ask(page: int) -> int:
            answer = httpx.get(
                f"{server.base_url}/api/v1/entries",
                params={"page": page % 16 + 1, "per_page": 100},
                headers=reader,
                timeout=120,
            )
            return answer.status_code

        with ThreadPoolExecutor(24) as clients:
            statuses = set(clients.map(ask, range(240)))
        demo.engine.dispose()
        admin = create_engine(postgres.url(), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                held = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = :name AND backend_type = 'client backend'"
                    ),
                    {"name": make_url(demo.url).database},
                ).scalar_one()
        finally:
            admin.dispose()
    finally:
        server.stop()
    assert statuses == {200}
    assert 2 <= held <= 2 * (2 + 1)


@pytest.mark.parametrize("value", ["0", "-1", "many", "2.5", "1001"])
def test_a_pool_size_that_is_not_a_count_is_refused(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(POOL_SIZE_VAR, value)
    with pytest.raises(FieldInvalid, match=POOL_SIZE_VAR):
        open_engine(UNREACHABLE_POSTGRES)
    done = firpath("--db", UNREACHABLE_POSTGRES, "entries", **{POOL_SIZE_VAR: value})
    assert done.returncode == 1
    assert f"{POOL_SIZE_VAR} '{value}'" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
