"""The submission pages in process on the demo registry (SQLite and PostgreSQL): each field's
bad value is said at that field, what was typed is kept and nothing is stored; a good form
lands as a pending submission on the list; a manufacturer submits only for its own ids."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Final

import pytest
from fastapi.testclient import TestClient

from firpath.domain.account import Account
from firpath.domain.submission import SubmissionState
from firpath.services.accounts import form_token, sign_in
from firpath.services.submissions import approve, list_submissions, reject
from firpath.web.submission_form import LABELS
from tests.api_harness import DemoRegistry, in_process
from tests.integration.submission_data import (
    image_hash,
    other_maker_model,
    own_model,
    twin_model,
)

FORM: Final = "/submissions/new"


@pytest.fixture(scope="module")
def client(registry: DemoRegistry) -> Iterator[TestClient]:
    """The app over the module's registry, in process (each test signs in afresh)."""
    with in_process(registry) as app:
        yield app


def signed_in(client: TestClient, demo: DemoRegistry, role: str) -> tuple[str, Account]:
    """Sign `client` in as the demo `role`: the form token and the account."""
    client.cookies.clear()
    session = sign_in(demo.engine, demo.emails[role], demo.passwords[role])
    client.cookies.set("firpath_session", session.secret)
    return form_token(session.secret), session.account


def good_form(step: int, **changes: str | list[str]) -> dict[str, str | list[str]]:
    """A form for a new build of the demo manufacturer's model, `step` above its newest,
    upgraded to from its two newest entries (chosen in the list)."""
    model, entries = own_model()
    newest = entries[-1]
    version = f"{newest.firmware_number + step:08X}"
    form: dict[str, str | list[str]] = {
        "device_type": newest.device_type.value,
        "manufacturer_id": model.manufacturer_id,
        "manufacturer_name": "",
        "model_id": model.model_id,
        "model_name": "",
        "hardware_version": model.hardware_version,
        "firmware_version": version,
        "firmware_version_name": f"{newest.firmware_version_name}-web{step}",
        "manufacturer_image_hash": image_hash(f"web {model} {version}"),
        "release_date": "2025-03-01",
        "release_notes": "Fixes the tariff switch",
        "smets_chts_version": "SMETS2 v5.0",
        "gbcs_version": "v4.0",
        "zigbee_chipset_vendor": "Silicon Labs",
        "zigbee_stack_version": "EmberZNet 7.4.3",
        "zigbee_band": "2_4GHZ_ONLY",
        "notes": "",
        "upgrade_from_choice": "entries",
        "upgrade_from": [newest.cpl_entry_id, entries[-2].cpl_entry_id],
        "action": "submit",
    }
    form.update(changes)
    return form


def post(client: TestClient, token: str, form: dict[str, str | list[str]]) -> str:
    """Post the form; its status and page must be a 422 re-render: the page."""
    answer = client.post(FORM, data={"csrf_token": token, **form}, follow_redirects=False)
    assert answer.status_code == 422, (answer.status_code, answer.text[:2000])
    return answer.text


def field_errors(page: str, field: str) -> list[str]:
    """The messages shown next to `field` (unescaped)."""
    found = re.findall(rf'<p class="field-error" id="{field}-error\d+">(.*?)</p>', page, re.S)
    return [html.unescape(m) for m in found]


def summary(page: str) -> str:
    match = re.search(r'<div class="error error-summary".*?</div>', page, re.S)
    assert match, "no error summary at the top"
    return html.unescape(match.group(0))


def stored(demo: DemoRegistry) -> int:
    secas = sign_in(demo.engine, demo.emails["secas"], demo.passwords["secas"]).account
    return len(list_submissions(demo.engine, secas))


def kept_value(page: str, field: str) -> str:
    """The value the input (or textarea) `field` shows."""
    match = re.search(rf'<input id="{field}" name="{field}" type="text" value="([^"]*)"', page)
    if match is None:
        match = re.search(rf'<textarea id="{field}" name="{field}"[^>]*>(.*?)</textarea>', page)
    assert match, f"no input {field}"
    return html.unescape(match.group(1))


def selected(page: str, select_id: str) -> list[str]:
    """The chosen options' values of a drop-down or list."""
    match = re.search(rf'<select id="{select_id}".*?</select>', page, re.S)
    assert match, f"no select {select_id}"
    return re.findall(r'<option value="([^"]*)" selected>', match.group(0))


OTHER_ID = other_maker_model()[1][-1].cpl_entry_id
# field, bad value, what its message says (the value is always echoed)
BAD_VALUES: Final = (
    ("device_type", "TOASTER", "unknown device type"),
    ("manufacturer_id", "12G", "must be 4 hexadecimal digits"),
    ("manufacturer_name", "Somebody Else Ltd", "manufacturer"),
    ("model_id", "XYZ1", "must be 4 hexadecimal digits"),
    ("model_name", "bell\x07name", "control character"),
    ("hardware_version", "12345", "must be 4 hexadecimal digits"),
    ("firmware_version", "1.2.3", "must be 8 hexadecimal digits"),
    ("firmware_version_name", "x" * 4001, "longer than 4000 characters"),
    ("manufacturer_image_hash", "ab", "must be 64 hexadecimal digits"),
    ("release_date", "2025-13-45", "must be a date"),
    ("release_notes", "bell\x07notes", "control character"),
    ("smets_chts_version", "bell\x07smets", "control character"),
    ("gbcs_version", "bell\x07gbcs", "control character"),
    ("zigbee_chipset_vendor", "", "is required on a new submission for device type"),
    ("zigbee_stack_version", "", "is required on a new submission for device type"),
    ("zigbee_band", "5GHZ_ONLY", "unknown band option"),
    ("notes", "bell\x07notes", "control character"),
    ("upgrade_from", [OTHER_ID], "firmware never changes hardware"),
    ("upgrade_from", ["99999999"], "neither a CPL Entry ID nor a firmware version"),
    ("upgrade_from", [], "choose at least one earlier version in the list"),
)


@pytest.mark.parametrize(
    ("field", "bad", "says"), BAD_VALUES, ids=[f"{f}={b!r:.20}" for f, b, _ in BAD_VALUES]
)
def test_each_bad_value_is_said_at_its_field_and_nothing_is_stored(
    client: TestClient, registry: DemoRegistry, field: str, bad: str | list[str], says: str
) -> None:
    before = stored(registry)
    token, _ = signed_in(client, registry, "supplier")
    page = post(client, token, good_form(1, **{field: bad}))
    messages = field_errors(page, field)
    assert len(messages) >= 1, f"no message at {field}"
    assert any(says in m for m in messages), messages
    label = LABELS[field]  # as the field's label (or legend) shows it
    assert re.search(rf'(<label for="{field}">|<legend>){re.escape(label)}[ <]', page), label
    assert all(m.startswith(label) for m in messages), messages
    if isinstance(bad, str) and bad:
        assert all(f"“{bad[:40]}" in m for m in messages), messages  # the value, echoed
    # only that field is wrong; the summary at the top links to it
    others = re.findall(r'<p class="field-error" id="(\w+)-error\d+">', page)
    assert set(others) == {field}, others
    assert f'href="#{field}"' in summary(page)
    assert "Nothing was saved" in summary(page)
    assert stored(registry) == before


def test_what_was_typed_is_kept_when_the_form_comes_back(
    client: TestClient, registry: DemoRegistry
) -> None:
    form = good_form(2, firmware_version="NOT HEX", zigbee_chipset_vendor="")
    token, _ = signed_in(client, registry, "supplier")
    page = post(client, token, form)
    for name in (
        "manufacturer_id",
        "model_id",
        "hardware_version",
        "firmware_version",
        "firmware_version_name",
        "manufacturer_image_hash",
        "release_date",
        "release_notes",
        "smets_chts_version",
        "gbcs_version",
        "zigbee_chipset_vendor",
        "zigbee_stack_version",
    ):
        assert kept_value(page, name) == form[name], name
    assert selected(page, "device_type") == [form["device_type"]]
    assert selected(page, "zigbee_band") == [form["zigbee_band"]]
    assert sorted(selected(page, "upgrade_from")) == sorted(form["upgrade_from"])
    assert 'id="choice-entries" name="upgrade_from_choice" value="entries" checked' in page
    assert field_errors(page, "firmware_version") and field_errors(page, "zigbee_chipset_vendor")


@pytest.mark.parametrize("choice", ["na", "all_earlier", "not_stated"])
def test_the_upgrade_from_choice_is_kept(
    client: TestClient, registry: DemoRegistry, choice: str
) -> None:
    token, _ = signed_in(client, registry, "supplier")
    page = post(client, token, good_form(3, upgrade_from_choice=choice, model_id="zz"))
    assert re.search(rf'name="upgrade_from_choice" value="{choice}" checked', page)
    assert kept_value(page, "model_id") == "zz"


def test_a_good_form_is_stored_pending_and_listed_with_a_notice(
    client: TestClient, registry: DemoRegistry
) -> None:
    model, _ = own_model()
    form = good_form(4)
    token, account = signed_in(client, registry, "manufacturer")
    answer = client.post(FORM, data={"csrf_token": token, **form}, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:2000]
    mine = list_submissions(registry.engine, account)
    newest = mine[0]
    assert answer.headers["location"] == f"/submissions?received={newest.submission_id}"
    listed = client.get(answer.headers["location"])
    assert newest.state is SubmissionState.PENDING
    assert newest.record["firmware_version"] == form["firmware_version"]
    assert newest.record["zigbee_band"] == "2_4GHZ_ONLY"
    assert set(newest.record["upgrade_from"].split(";")) == set(form["upgrade_from"])
    assert newest.record["release_notes"] == "Fixes the tariff switch"
    assert listed.status_code == 200
    assert f"Submission {newest.submission_id} received" in listed.text
    row = re.search(rf'<tr id="submission-{newest.submission_id}">.*?</tr>', listed.text, re.S)
    assert row, "the new submission is not listed"
    assert '<span class="badge pending">pending</span>' in row.group(0)
    assert form["firmware_version"] in row.group(0)
    assert str(model) in row.group(0)


def test_na_and_every_earlier_version_are_stored_as_such(
    client: TestClient, registry: DemoRegistry
) -> None:
    token, account = signed_in(client, registry, "supplier")
    for option, step in (("na", 5), ("all_earlier", 6)):
        form = good_form(step, upgrade_from_choice=option, upgrade_from=[])
        answer = client.post(FORM, data={"csrf_token": token, **form}, follow_redirects=False)
        assert answer.status_code == 303, answer.text[:2000]
    na, every = list_submissions(registry.engine, account)[1::-1]
    assert na.record["upgrade_from"] == "N/A" and not na.all_earlier
    assert every.all_earlier and every.record["upgrade_from"] == ""


def test_a_manufacturer_cannot_submit_for_another_manufacturer(
    client: TestClient, registry: DemoRegistry
) -> None:
    model, entries = other_maker_model()
    before = stored(registry)
    token, account = signed_in(client, registry, "manufacturer")
    blank = client.get(FORM).text
    form = good_form(
        7,
        manufacturer_id=model.manufacturer_id,
        model_id=model.model_id,
        hardware_version=model.hardware_version,
        upgrade_from=[entries[-1].cpl_entry_id],
    )
    answer = client.post(FORM, data={"csrf_token": token, **form}, follow_redirects=False)
    # the form offers only its own ids, and a forged post is refused at that field
    own = sorted(account.manufacturer_ids)
    offered = re.search(r'<select id="manufacturer_id".*?</select>', blank, re.S)
    assert offered and re.findall(r'<option value="(\w+)"', offered.group(0)) == own
    assert selected(blank, "manufacturer_id") == own  # one id: already chosen
    assert answer.status_code == 403
    [message] = field_errors(answer.text, "manufacturer_id")
    assert model.manufacturer_id in message and "own manufacturer ids" in message
    assert stored(registry) == before


def test_the_load_button_fills_the_list_and_keeps_everything(
    client: TestClient, registry: DemoRegistry
) -> None:
    model, entries = twin_model()
    before = stored(registry)
    form = good_form(
        8,
        model_id=model.model_id,
        hardware_version=model.hardware_version,
        upgrade_from=[entries[0].cpl_entry_id],
        notes="keep me",
        action="load",
    )
    token, _ = signed_in(client, registry, "supplier")
    answer = client.post(FORM, data={"csrf_token": token, **form}, follow_redirects=False)
    assert answer.status_code == 200
    page = answer.text
    listed = re.search(r'<select id="upgrade_from".*?</select>', page, re.S)
    assert listed
    options = re.findall(r'<option value="(\w+)"[^>]*>([^<]*)</option>', listed.group(0))
    assert {v for v, _ in options} == {e.cpl_entry_id for e in entries}
    by_id = {v: html.unescape(t) for v, t in options}
    names = [e.firmware_version_name for e in entries]
    for e in entries:
        text = by_id[e.cpl_entry_id]
        assert text.startswith(f"{e.firmware_version_name} = {e.firmware_version}")
        twin = names.count(e.firmware_version_name) > 1
        assert (f"hash {e.manufacturer_image_hash[:12]}" in text) == twin, text
    assert selected(page, "upgrade_from") == [entries[0].cpl_entry_id]
    assert kept_value(page, "notes") == "keep me"
    assert "field-error" not in page  # loading is not sending
    assert stored(registry) == before


def test_every_value_is_shown_as_text_never_as_markup(
    client: TestClient, registry: DemoRegistry
) -> None:
    script = "<script>alert(1)</script>"
    token, _ = signed_in(client, registry, "supplier")
    bad = good_form(9, firmware_version=script, notes=script, upgrade_from=[script])
    page = post(client, token, bad)
    assert script not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # a stored submission's text is escaped on the list too
    good = good_form(10, model_id="7E57", model_name=script, upgrade_from_choice="na")
    answer = client.post(FORM, data={"csrf_token": token, **good}, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:2000]
    listed = client.get("/submissions").text
    assert script not in listed
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listed


def test_a_post_without_the_form_token_stores_nothing(
    client: TestClient, registry: DemoRegistry
) -> None:
    before = stored(registry)
    signed_in(client, registry, "supplier")
    answer = client.post(FORM, data={"csrf_token": "forged", **good_form(11)})
    assert answer.status_code == 403
    assert stored(registry) == before


def test_the_list_shows_ones_own_and_secas_sees_every_one_with_the_decision(
    client: TestClient,
    registry: DemoRegistry,
) -> None:
    token, supplier = signed_in(client, registry, "supplier")
    for step in (12, 13):
        form = good_form(step, upgrade_from_choice="na")
        client.post(FORM, data={"csrf_token": token, **form}, follow_redirects=False)
    approved, rejected = list_submissions(registry.engine, supplier)[1::-1]
    secas = sign_in(registry.engine, registry.emails["secas"], registry.passwords["secas"])
    done = approve(registry.engine, secas.account, approved.submission_id, "looks right")
    reject(registry.engine, secas.account, rejected.submission_id, "wrong <b>hash</b>")
    mine = client.get("/submissions").text
    only_rejected = client.get("/submissions?state=rejected").text
    signed_in(client, registry, "manufacturer")
    theirs = client.get("/submissions").text
    signed_in(client, registry, "secas")
    everyone = client.get("/submissions").text
    entry_id = done.entry.cpl_entry_id
    first = re.search(rf'<tr id="submission-{approved.submission_id}">.*?</tr>', mine, re.S)
    assert first and f'<a href="/entries/{entry_id}">entry {entry_id}</a>' in first.group(0)
    assert "approved" in first.group(0) and "looks right" in first.group(0)
    second = re.search(rf'<tr id="submission-{rejected.submission_id}">.*?</tr>', mine, re.S)
    assert second and "wrong &lt;b&gt;hash&lt;/b&gt;" in second.group(0)
    assert f'id="submission-{approved.submission_id}"' not in only_rejected
    assert f'id="submission-{rejected.submission_id}"' in only_rejected
    assert f'id="submission-{approved.submission_id}"' not in theirs  # not the manufacturer's
    assert f'id="submission-{approved.submission_id}"' in everyone
    assert 'href="/review"' in everyone and 'href="/review"' not in mine.split("<main", 1)[1]
