"""The path finder page `/paths` (issue 10, item 4), in process on both databases: its answer
is the one `services.paths.find_path` gives, and every parameter it accepts, stale or wrong,
gets a message at its field (never a 500, never an answer for the wrong meter)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from firpath.domain.catalogue import Catalogue
from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.values import entry_id_order
from firpath.samples.catalogue import DEMO_ENTRIES, demo_catalogue
from firpath.services.accounts import sign_in
from firpath.services.paths import find_path, find_path_in
from tests.api_harness import DemoRegistry, in_process

pytestmark = pytest.mark.xdist_group("web paths")

DEMO = demo_catalogue(DEMO_ENTRIES)
BY_MODEL: dict[DeviceModel, list[CplEntry]] = {}
for _entry in DEMO.entries:
    BY_MODEL.setdefault(_entry.device_model, []).append(_entry)
for _builds in BY_MODEL.values():
    _builds.sort(key=lambda e: (e.firmware_number, entry_id_order(e.cpl_entry_id)))


CATALOGUE = Catalogue(
    {e.cpl_entry_id: e for e in DEMO.entries}, {m.manufacturer_id: m for m in DEMO.manufacturers}, 0
)


def _steps_from(entry: CplEntry) -> list[CplEntry]:
    return list(find_path_in(CATALOGUE, entry.cpl_entry_id).result.steps)


@pytest.fixture
def client(registry: DemoRegistry) -> Iterator[TestClient]:
    """The app, signed in as the demo Supplier."""
    with in_process(registry) as served:
        session = sign_in(
            registry.engine, registry.emails["supplier"], registry.passwords["supplier"]
        )
        served.cookies.set("firpath_session", session.secret)
        yield served


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def page_answer(body: str) -> dict[str, Any]:
    """The answer a /paths page shows: status, source, target, step IDs, missing data,
    reason and contact (read from the page's markup)."""
    section = re.search(
        r'<section id="answer" class="answer[^"]*"[^>]*>(.*?)</section>', body, re.S
    )
    assert section is not None, "the page shows no answer"
    attrs = dict(re.findall(r'data-(status|from|to)="([^"]*)"', section.group(0)[:400]))
    steps = re.search(r'<ol class="steps path-steps">(.*?)</ol>', body, re.S)
    missing = re.search(r'<ul class="missing">(.*?)</ul>', body, re.S)
    reason = re.search(r'<p class="reason">(.*?)</p>', body, re.S)
    contact = re.search(r'<dd class="contact-line">(.*?)</dd>', body, re.S)
    return {
        "status": attrs["status"],
        "from": attrs["from"],
        "to": attrs["to"] or None,
        "steps": re.findall(r'data-entry="([^"]+)"', steps.group(1)) if steps else [],
        "missing_data": re.findall(r'data-entry="([^"]+)"', missing.group(1)) if missing else [],
        "reason": _text(reason.group(1)) if reason else "",
        "contact": _text(contact.group(1)) if contact else None,
    }


def service_answer(registry: DemoRegistry, source: str, target: str = "latest") -> dict[str, Any]:
    answer = find_path(registry.engine, source, target)
    r = answer.result
    return {
        "status": r.status.value,
        "from": r.source.cpl_entry_id,
        "to": r.target.cpl_entry_id if r.target else None,
        "steps": [e.cpl_entry_id for e in r.steps],
        "missing_data": list(r.missing_data),
        "reason": " ".join(answer.reason.split()),
        # the contact is shown where the answer is that there is no path
        "contact": answer.contact if r.status.value in ("no_path", "incomplete_data") else None,
    }


def field_error(body: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', body, re.S)
    assert found is not None, f"no message at field {field}"
    return _text(found.group(1))


def test_every_demo_models_first_entry_answers_as_find_path(
    client: TestClient, registry: DemoRegistry
) -> None:
    statuses = set()
    for model, builds in BY_MODEL.items():
        first = builds[0].cpl_entry_id
        expected = service_answer(registry, first)
        statuses.add(expected["status"])
        alone = client.get("/paths", params={"firmware": first})
        assert alone.status_code == 200, (model, alone.text[:500])
        assert page_answer(alone.text) == expected, model
        chosen = {
            "manufacturer": model.manufacturer_id,
            "model": model.model_id,
            "hardware": model.hardware_version,
            "firmware": first,
            "to": "latest",
        }
        full = client.get("/paths", params=chosen)
        assert page_answer(full.text) == expected, model
        # the firmware alone fills in the rest: the shared link holds every choice
        shared = re.search(r'Share this answer: <a href="([^"]+)"', alone.text)
        assert shared is not None
        assert (
            html.unescape(shared.group(1))
            == "/paths?" + "&".join(f"{k}={v}" for k, v in chosen.items()) + "#answer"
        )
    assert statuses == {"ok", "no_path", "incomplete_data"}  # the demo has each kind


def test_a_later_target_answers_as_find_path_to_it(
    client: TestClient, registry: DemoRegistry
) -> None:
    for builds in list(BY_MODEL.values())[:20]:
        source = builds[0]
        later = [b for b in builds if b.is_active and b.firmware_number > source.firmware_number]
        if not later:
            continue
        target = later[len(later) // 2].cpl_entry_id
        page = client.get("/paths", params={"firmware": source.cpl_entry_id, "to": target})
        assert page.status_code == 200
        assert page_answer(page.text) == service_answer(registry, source.cpl_entry_id, target)


def test_each_step_shows_its_id_version_hash_date_and_release_notes(client: TestClient) -> None:
    builds = max(BY_MODEL.values(), key=lambda bs: len(_steps_from(bs[0])))
    page = client.get("/paths", params={"firmware": builds[0].cpl_entry_id})
    shown = page_answer(page.text)
    assert len(shown["steps"]) > 2
    by_id = {b.cpl_entry_id: b for b in builds}
    items = re.findall(r'<li data-entry="([^"]+)">(.*?)</li>', page.text, re.S)
    for entry_id, item in items:
        entry, text = by_id[entry_id], _text(item)
        assert f'href="/entries/{entry_id}"' in item
        assert entry.firmware_version_name and entry.firmware_version_name in text
        assert entry.firmware_version in text
        assert entry.manufacturer_image_hash in text
        assert str(entry.date_added) in text
        assert (entry.release_notes or "not provided") in text


def test_twin_builds_are_told_apart_by_hash_and_removed_builds_are_marked(
    client: TestClient,
) -> None:
    model, builds = next(
        (m, bs)
        for m, bs in BY_MODEL.items()
        if len({b.firmware_version for b in bs}) < len(bs) and any(not b.is_active for b in bs)
    )
    page = client.get(
        "/paths",
        params={"manufacturer": model.manufacturer_id, "model": model.model_id},
    )
    assert page.status_code == 200
    select = re.search(r'<select id="firmware".*?</select>', page.text, re.S)
    assert select is not None, "one hardware version: chosen for the person, firmware next"
    options = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select.group(0)))
    versions = [b.firmware_version for b in builds]
    for b in builds:
        label = html.unescape(options[b.cpl_entry_id])
        assert label.startswith(f"{b.firmware_version_name} ({b.firmware_version})")
        twin = versions.count(b.firmware_version) > 1
        assert (f"hash {b.manufacturer_image_hash[:12]}" in label) == twin, label
        assert ("removed from the CPL" in label) == (not b.is_active), label
    assert "to" not in re.findall(r'<select id="(\w+)"', page.text)  # no answer yet


def _wrong(model: DeviceModel, **given: str) -> dict[str, str]:
    base = {
        "manufacturer": model.manufacturer_id,
        "model": model.model_id,
        "hardware": model.hardware_version,
    }
    return base | given


MODEL, OTHER = list(BY_MODEL)[1], list(BY_MODEL)[2]
FIRST = BY_MODEL[MODEL][0]
REMOVED = next(b for bs in BY_MODEL.values() for b in bs if not b.is_active)
OLDER_SOURCE = next(b for b in reversed(BY_MODEL[MODEL]) if b.is_active)

BAD = [
    ({"manufacturer": "<script>x</script>"}, "manufacturer", "“<script>x</script>” is not a"),
    ({"manufacturer": "FFFF"}, "manufacturer", "manufacturer FFFF has no device on the CPL"),
    (
        {"manufacturer": MODEL.manufacturer_id, "model": "ZZZ"},
        "model",
        "“ZZZ” is not a model id",
    ),
    (
        {"manufacturer": MODEL.manufacturer_id, "model": "FFFE"},
        "model",
        "model FFFE is not a model of",
    ),
    (_wrong(MODEL, hardware="EEEE"), "hardware", "hardware version EEEE is not one of"),
    (_wrong(MODEL, hardware="x" * 500), "hardware", "is not a hardware version"),
    ({"model": MODEL.model_id}, "manufacturer", "choose the manufacturer first"),
    (_wrong(MODEL, firmware="<b>1</b>"), "firmware", "“<b>1</b>” is not a CPL Entry ID"),
    (_wrong(MODEL, firmware="99999999"), "firmware", "CPL entry 99999999 is not on the CPL"),
    (
        _wrong(MODEL, firmware=BY_MODEL[OTHER][0].cpl_entry_id),
        "firmware",
        f"CPL entry {BY_MODEL[OTHER][0].cpl_entry_id} ({BY_MODEL[OTHER][0].firmware_version_name}, "
        f"{BY_MODEL[OTHER][0].firmware_version}) is firmware of "
        f"{BY_MODEL[OTHER][0].manufacturer_name}'s {BY_MODEL[OTHER][0].model_name} ({OTHER})",
    ),
    ({"firmware": "99999999"}, "manufacturer", "CPL entry 99999999 is not on the CPL"),
    (
        {"firmware": FIRST.cpl_entry_id, "to": "<i>x</i>"},
        "to",
        "“<i>x</i>” is not a CPL Entry ID",
    ),
    (
        {"firmware": FIRST.cpl_entry_id, "to": "99999999"},
        "to",
        "CPL entry 99999999 is not on the CPL",
    ),
    (
        {"firmware": FIRST.cpl_entry_id, "to": BY_MODEL[OTHER][-1].cpl_entry_id},
        "to",
        "firmware never changes hardware",
    ),
    (
        {"firmware": OLDER_SOURCE.cpl_entry_id, "to": FIRST.cpl_entry_id},
        "to",
        f"{FIRST.cpl_entry_id} ({FIRST.firmware_version_name}, {FIRST.firmware_version}) is "
        "not later than the firmware the meter runs",
    ),
    (
        {"firmware": BY_MODEL[REMOVED.device_model][0].cpl_entry_id, "to": REMOVED.cpl_entry_id},
        "to",
        "is removed from the CPL, so it is never installed",
    ),
]


@pytest.mark.parametrize(
    ("params", "field", "message"), BAD, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD)]
)
def test_a_wrong_or_stale_parameter_gets_a_message_at_its_field(
    client: TestClient, params: dict[str, str], field: str, message: str
) -> None:
    page = client.get("/paths", params=params)
    assert page.status_code == 422, page.text[:500]
    assert message in field_error(page.text, field)
    assert f'aria-invalid="true" aria-describedby="{field}-error' in page.text
    assert 'id="answer"' not in page.text  # no answer for a question not asked
    assert "<script>x" not in page.text and "<b>1</b>" not in page.text and "<i>x" not in page.text


def test_latest_in_any_case_and_no_parameters_are_fine(client: TestClient) -> None:
    start = client.get("/paths")
    assert start.status_code == 200
    assert re.findall(r'<select id="(\w+)"', start.text) == ["manufacturer"]
    upper = client.get("/paths", params={"firmware": FIRST.cpl_entry_id, "to": "LATEST"})
    assert upper.status_code == 200
    assert page_answer(upper.text)["from"] == FIRST.cpl_entry_id


def test_signed_out_goes_to_login_and_comes_back_to_the_same_question(
    registry: DemoRegistry,
) -> None:
    with in_process(registry) as anonymous:
        answer = anonymous.get(
            "/paths", params={"firmware": FIRST.cpl_entry_id}, follow_redirects=False
        )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/login?next=/paths%3Ffirmware%3D{FIRST.cpl_entry_id}"
