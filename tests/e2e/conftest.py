"""End-to-end tests: a real `firpath serve` and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from tests.api_harness import DemoRegistry, RunningServer, start_server
from tests.conftest import demo_database

CHROMIUM: Final = shutil.which("chromium") or "/usr/bin/chromium"
# this machine has no network: Chromium must not try to reach Google's services
CHROMIUM_FLAGS: Final = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium (`make test` installs it when it is missing)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run `make test`, which installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_FLAGS)
        )
        try:
            yield launched
        finally:
            launched.close()


SCREENSHOTS: Final = Path(__file__).parent / "screenshots"  # git-ignored: look at them
NARROW: Final = {"width": 390, "height": 844}
WIDE: Final = {"width": 1280, "height": 900}
_SEVERE: Final = ("serious", "critical")
_WIDER_THAN_THE_PAGE: Final = """() => {
    const width = document.documentElement.clientWidth + 1;
    return [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > width)
        .slice(0, 5)
        .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''));
}"""


@dataclass
class Site:
    """A real `firpath serve` over a database with the demo CPL and one account per role."""

    demo: DemoRegistry
    server: RunningServer

    @property
    def url(self) -> str:
        return self.server.base_url


@contextmanager
def serving(request: pytest.FixtureRequest, backend: str, folder: Path) -> Iterator[Site]:
    """The demo registry on `backend`, served by a real `firpath serve`."""
    with demo_database(request, backend, folder) as demo:
        server = start_server(demo.url, folder)
        try:
            yield Site(demo, server)
        finally:
            server.stop()


@pytest.fixture(scope="module")
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """One served demo registry (SQLite) for the tests of a module: the flows of a module run
    in order on it."""
    with serving(request, "sqlite", tmp_path_factory.mktemp("site")) as served:
        yield served


def sign_in(browser: Browser, site: Site, role: str) -> Page:
    """A new browser context signed in as the demo account of `role` through /login."""
    context = browser.new_context(viewport=WIDE)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{site.url}/login")
    page.get_by_label("Email").fill(site.demo.emails[role])
    page.get_by_label("Password").fill(site.demo.passwords[role])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def check_page(page: Page, name: str) -> None:
    """The page as it is now: no serious or critical axe-core violation, no horizontal scroll
    bar at 390 px wide, and a screenshot at both widths (tests/e2e/screenshots)."""
    results = Axe().run(page)
    severe = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
        for v in results.response["violations"]
        if v.get("impact") in _SEVERE
    ]
    assert not severe, f"{name}: accessibility violations:\n" + "\n".join(severe)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    wide = page.viewport_size
    page.set_viewport_size(NARROW)  # type: ignore[arg-type]
    try:
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        offenders = page.evaluate(_WIDER_THAN_THE_PAGE)
        assert overflow <= 0, f"{name}: scrolls sideways by {overflow} px at 390 px: {offenders}"
        page.screenshot(path=SCREENSHOTS / f"{name}-390.png", full_page=True)
    finally:
        if wide is not None:
            page.set_viewport_size(wide)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests of one e2e module run on one worker (under `--dist loadgroup`), in order, on
    the module's one served registry."""
    for item in items:
        if item.nodeid.startswith("tests/e2e/"):
            item.add_marker(pytest.mark.xdist_group(f"e2e {item.nodeid.split('::')[0]}"))
