"""Signing in and out of the web pages (issue 10, item 1)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import BACKENDS
from tests.e2e.conftest import Site, check_page, serving, sign_in


def test_login_page_signs_in_to_the_page_asked_for_and_signs_out(
    browser: Browser, site: Site
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.url}/entries?device_type=GSME")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    check_page(page, "login")
    # a wrong password: said plainly, the email kept, no session
    page.get_by_label("Email").fill(site.demo.emails["supplier"])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    expect(page.get_by_label("Email")).to_have_value(site.demo.emails["supplier"])
    assert not [c for c in context.cookies() if c["name"] == "firpath_session"]
    page.get_by_label("Password").fill(site.demo.passwords["supplier"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.url}/entries?device_type=GSME")
    cookie = next(c for c in context.cookies() if c["name"] == "firpath_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    # every form carries the CSRF token; the navigation bar shows what a supplier may open
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Find a path", "Entries", "Fleet plan", "Submissions", "Completeness"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    expect(nav.get_by_role("link", name="Review")).to_have_count(0)
    expect(nav.get_by_role("link", name="ZigBee impact")).to_have_count(0)
    for form in page.locator("form[method=post]").all():
        assert len(form.locator("input[name=csrf_token]").input_value()) == 64
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login\?signed_out=1"))
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    page.goto(f"{site.url}/entries")
    expect(page).to_have_url(re.compile(r"/login\?next=/entries"))
    context.close()


def test_a_form_without_its_csrf_token_changes_nothing(browser: Browser, site: Site) -> None:
    page = sign_in(browser, site, "reader")
    answer = page.request.post(f"{site.url}/logout", form={"csrf_token": "forged"})
    assert answer.status == 403
    assert "This form has expired" in answer.text()
    assert "did not come from a firpath page, so nothing was changed" in answer.text()
    page.goto(f"{site.url}/logout")
    expect(page.get_by_text("You are signed in as")).to_be_visible()  # still signed in
    check_page(page, "logout")
    missing = page.goto(f"{site.url}/no-such-page")
    assert missing is not None and missing.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    check_page(page, "not-found")
    page.context.close()


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "sqlite"])
def test_signing_in_works_on_postgresql(
    browser: Browser,
    request: pytest.FixtureRequest,
    backend: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with serving(request, backend, tmp_path_factory.mktemp("pg-site")) as served:
        page = sign_in(browser, served, "secas")
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        page.context.close()


def test_an_over_long_email_is_said_on_the_sign_in_form(browser: Browser, site: Site) -> None:
    # trial finding: a bare validation page instead of the form
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.url}/login?next=/completeness")
    page.get_by_label("Email").evaluate("e => e.type = 'text'")  # past the browser's own check
    page.get_by_label("Email").fill("x" * 300 + "@example.org")
    page.get_by_label("Password").fill("whatever it is")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Email: at most 254 characters")
    page.get_by_label("Email").evaluate("e => e.type = 'email'")
    page.get_by_label("Email").fill(site.demo.emails["reader"])
    page.get_by_label("Password").fill(site.demo.passwords["reader"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.url}/completeness")  # the page asked for, still
    context.close()
