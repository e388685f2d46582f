"""The end-to-end harness itself: the browser reaches a real `firpath serve` and signs in
through the API with the session cookie (the web pages of issue 10 build on this)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from tests.api_harness import DemoRegistry, start_server


def test_a_browser_signs_in_and_reads_with_the_session_cookie(
    browser: Browser, demo: DemoRegistry, tmp_path: Path
) -> None:
    server = start_server(demo.url, tmp_path)
    try:
        page = browser.new_page()
        page.goto(f"{server.base_url}/healthz")
        assert '"ok"' in page.content()
        signed = page.request.post(
            f"{server.base_url}/api/v1/session",
            data={"email": demo.emails["reader"], "password": demo.passwords["reader"]},
        )
        assert signed.status == 200, signed.text()
        cookie = next(c for c in page.context.cookies() if c["name"] == "firpath_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        page.goto(f"{server.base_url}/api/v1/entries/10039")
        assert '"cpl_entry_id":"10039"' in page.content().replace(" ", "")
        page.close()
    finally:
        server.stop()
