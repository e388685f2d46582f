"""`GET /api/v1/entries`: every filter of DESIGN section 7, pages, and bad filters named."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api_harness import DemoRegistry


def _all(api: TestClient, demo: DemoRegistry, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        got = api.get(
            "/api/v1/entries",
            headers=demo.headers("reader"),
            params={**params, "page": page, "per_page": 1000},
        )
        assert got.status_code == 200, got.text
        body = got.json()
        found += body["entries"]
        if page >= body["pages"]:
            assert len(found) == body["total"]
            return found
        page += 1


def test_pages_cover_every_entry_once(api: TestClient, demo: DemoRegistry) -> None:
    everything = _all(api, demo)
    pages: list[str] = []
    for page in (1, 2, 3):
        got = api.get(
            "/api/v1/entries",
            headers=demo.headers("reader"),
            params={"page": page, "per_page": 7},
        ).json()
        assert got["total"] == len(everything)
        pages += [e["cpl_entry_id"] for e in got["entries"]]
    assert pages == [e["cpl_entry_id"] for e in everything[:21]]


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"device_type": "GSME"}, lambda e: e["device_type"] == "GSME"),
        ({"status": "removed"}, lambda e: e["status"] == "removed"),
        ({"manufacturer_id": "1000"}, lambda e: e["manufacturer_id"] == "1000"),
        (
            {"chipset_vendor": "silicon*"},
            lambda e: (e["zigbee_chipset_vendor"] or "").lower().startswith("silicon"),
        ),
        (
            {"stack_version": "*6.*"},
            lambda e: "6." in (e["zigbee_stack_version"] or ""),
        ),
        ({"band": "SUB_GHZ_ONLY"}, lambda e: e["zigbee_band"] == "SUB_GHZ_ONLY"),
        ({"missing": "zigbee_band"}, lambda e: "zigbee_band" in e["missing"]),
        ({"missing": "any"}, lambda e: bool(e["missing"])),
        ({"q": "polyphase"}, lambda e: "polyphase" in (e["model_name"] or "").lower()),
    ],
)
def test_each_filter_keeps_exactly_the_matching_entries(
    api: TestClient, demo: DemoRegistry, params: dict[str, str], keep: Any
) -> None:
    everything = _all(api, demo)
    expected = [e["cpl_entry_id"] for e in everything if keep(e)]
    assert expected, f"the demo CPL has no entry for {params}: the test would prove nothing"
    assert [e["cpl_entry_id"] for e in _all(api, demo, **params)] == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"device_type": "toaster"}, "device_type"),
        ({"manufacturer_id": "12"}, "manufacturer_id"),
        ({"band": "5GHZ"}, "band"),
        ({"missing": "colour"}, "missing"),
        ({"status": "lost"}, "status"),
        ({"per_page": "0"}, "per_page"),
        ({"page": "x"}, "page"),
    ],
)
def test_a_bad_filter_is_a_422_naming_it(
    api: TestClient, demo: DemoRegistry, params: dict[str, str], field: str
) -> None:
    got = api.get("/api/v1/entries", headers=demo.headers("reader"), params=params)
    assert got.status_code == 422, got.text
    error = got.json()["error"]
    assert error["code"] == "invalid_input"
    assert field in error["message"] or any(field in str(d) for d in error["details"])


def test_an_unknown_entry_is_a_404_naming_it(api: TestClient, demo: DemoRegistry) -> None:
    got = api.get("/api/v1/entries/NOPE-1", headers=demo.headers("reader"))
    assert got.status_code == 404
    assert "NOPE-1" in got.json()["error"]["message"]


def test_paths_take_version_names_like_the_cli(api: TestClient, demo: DemoRegistry) -> None:
    entry = api.get("/api/v1/entries/10039", headers=demo.headers("reader")).json()
    ref = (
        f"{entry['manufacturer_id']}/{entry['model_id']}/{entry['hardware_version']}"
        f"@{entry['firmware_version']}"
    )
    by_id = api.get("/api/v1/paths", headers=demo.headers("supplier"), params={"from": "10039"})
    by_ref = api.get("/api/v1/paths", headers=demo.headers("supplier"), params={"from": ref})
    assert by_ref.status_code == 200, by_ref.text
    assert by_ref.json()["steps"] == by_id.json()["steps"]
    bare = api.get(
        "/api/v1/paths", headers=demo.headers("supplier"), params={"from": ref.split("@")[0]}
    )
    assert bare.status_code == 404
    assert "@" in bare.json()["error"]["message"]


def test_a_version_of_twin_builds_answered_once_still_names_the_contact(
    api: TestClient, demo: DemoRegistry
) -> None:
    from collections import Counter

    from tests.integration.submission_data import models

    answered = 0
    for model, entries in models().items():
        twins = Counter(e.firmware_version_name for e in entries if e.firmware_version_name)
        for name, count in twins.items():
            if count < 2:
                continue
            got = api.get(
                "/api/v1/paths",
                headers=demo.headers("supplier"),
                params={"from": f"{model}@{name}"},
            )
            if got.status_code != 200:  # the builds get different answers: 409, by design
                assert got.status_code == 409
                continue
            body = got.json()
            one = next(e for e in entries if e.firmware_version_name == name)
            by_id = api.get(
                "/api/v1/paths", headers=demo.headers("supplier"), params={"from": one.cpl_entry_id}
            ).json()
            assert body["contact"] == by_id["contact"]
            answered += 1
    assert answered, "no twin version answered once in the demo CPL: the test proves nothing"
