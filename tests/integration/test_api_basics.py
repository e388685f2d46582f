"""The API on the demo registry: sign-in, errors as JSON, entries with ETags, corrections."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api_harness import DemoRegistry, RunningServer, start_server


def test_healthz_is_open_and_everything_else_needs_sign_in(api: TestClient) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    answer = api.get("/api/v1/entries")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_signed_in"


def test_a_revoked_token_stops_working_at_once(api: TestClient, demo: DemoRegistry) -> None:
    from firpath.services.accounts import revoke_tokens

    assert api.get("/api/v1/entries", headers=demo.headers("reader")).status_code == 200
    revoke_tokens(demo.engine, demo.emails["reader"])
    answer = api.get("/api/v1/entries", headers=demo.headers("reader"))
    assert answer.status_code == 401


def test_entry_has_an_etag_and_a_correction_needs_it(api: TestClient, demo: DemoRegistry) -> None:
    secas = demo.headers("secas")
    first = api.get("/api/v1/entries", headers=secas, params={"per_page": 1}).json()
    entry_id = first["entries"][0]["cpl_entry_id"]
    shown = api.get(f"/api/v1/entries/{entry_id}", headers=secas)
    tag = shown.headers["ETag"]
    body = {"reason": "manufacturer confirmed the notes", "set": {"notes": "checked"}}
    missing = api.patch(f"/api/v1/entries/{entry_id}", headers=secas, json=body)
    assert missing.status_code == 428
    done = api.patch(f"/api/v1/entries/{entry_id}", headers=secas | {"If-Match": tag}, json=body)
    assert done.status_code == 200, done.text
    assert done.json()["notes"] == "checked"
    assert done.headers["ETag"] != tag
    stale = api.patch(f"/api/v1/entries/{entry_id}", headers=secas | {"If-Match": tag}, json=body)
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "stale_revision"
    no_reason = api.patch(
        f"/api/v1/entries/{entry_id}",
        headers=secas | {"If-Match": done.headers["ETag"]},
        json={"set": {"notes": "x"}},
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["details"][0]["field"] == "reason"
    history = api.get(f"/api/v1/entries/{entry_id}/history", headers=secas).json()
    assert history["history"][0]["reason"] == "manufacturer confirmed the notes"
    assert history["history"][0]["actor"] == demo.emails["secas"]


def test_a_path_after_a_correction_reflects_it(api: TestClient, demo: DemoRegistry) -> None:
    supplier, secas = demo.headers("supplier"), demo.headers("secas")
    before = api.get("/api/v1/paths", headers=supplier, params={"from": "10039"}).json()
    assert before["status"] == "ok"
    latest = before["to"]
    tag = api.get(f"/api/v1/entries/{latest}", headers=secas).headers["ETag"]
    api.patch(
        f"/api/v1/entries/{latest}",
        headers=secas | {"If-Match": tag},
        json={"reason": "withdrawn by the manufacturer", "set": {"status": "removed"}},
    ).raise_for_status()
    after = api.get("/api/v1/paths", headers=supplier, params={"from": "10039"}).json()
    assert after["to"] != latest
    assert latest not in [s["cpl_entry_id"] for s in after["steps"]]


def test_serve_answers_over_http(demo: DemoRegistry, tmp_path) -> None:  # type: ignore[no-untyped-def]
    server: RunningServer = start_server(demo.url, tmp_path)
    try:
        with server.client(demo.headers("supplier")) as client:
            answer = client.get("/api/v1/paths", params={"from": "10039"})
            assert answer.status_code == 200, answer.text
            assert answer.json()["from"] == "10039"
    finally:
        log = server.stop()
    assert demo.tokens["supplier"] not in log


def test_serve_demo_prints_the_url_and_logins_that_work(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import re
    import subprocess
    import sys
    import time

    import httpx

    from tests.api_harness import free_port

    port = free_port()
    log = tmp_path / "demo.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "firpath.cli.main",
                "--db",
                str(tmp_path / "d.db"),
                "serve",
                "--demo",
                "--port",
                str(port),
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while "Uvicorn running" not in log.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            time.sleep(0.2)
        text = log.read_text()
        assert f"http://localhost:{port}/" in text
        logins = re.findall(r"demo (\w+)\s+(\S+@\S+)\s+password: (\S+)", text)
        assert {role for role, _, _ in logins} == {
            "secas",
            "ssc",
            "supplier",
            "manufacturer",
            "reader",
        }
        for role, email, password in logins:
            signed = httpx.post(
                f"http://127.0.0.1:{port}/api/v1/session",
                json={"email": email, "password": password},
            )
            assert signed.status_code == 200, signed.text
            assert signed.json()["role"] == role
        images = tmp_path / "firpath-demo-images"
        assert f"sample OTA images to check at /images/verify: {images}" in text
        assert sorted(p.suffix for p in images.iterdir()) == [".ota"] * 5
    finally:
        process.send_signal(2)
        process.wait(30)


def test_the_printed_address_opens_the_web_pages_and_the_api_pages(api: TestClient) -> None:
    home = api.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/login?next=/"
    assert api.get("/login").status_code == 200
    assert api.get("/docs").status_code == 200
