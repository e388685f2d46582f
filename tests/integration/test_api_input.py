"""Bad input in a URL is refused with 422 naming the parameter, the same on SQLite and
PostgreSQL (which takes no NUL in text), before any query runs; never a 5xx."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api_harness import DemoRegistry

CASES = [
    ("/api/v1/entries", {"q": "meter\x00"}, "q"),
    ("/api/v1/entries", {"chipset_vendor": "\x00"}, "chipset_vendor"),
    ("/api/v1/entries", {"stack_version": "Ember\u202eZNet"}, "stack_version"),
    ("/api/v1/entries", {"q": "x" * 201}, "q"),
    ("/api/v1/entries", {"device_type": "toaster"}, "device_type"),
    ("/api/v1/entries", {"status": "gone"}, "status"),
    ("/api/v1/entries", {"band": "wide"}, "band"),
    ("/api/v1/entries", {"manufacturer_id": "12345"}, "manufacturer_id"),
    ("/api/v1/entries", {"missing": "everything"}, "missing"),
    ("/api/v1/entries", {"per_page": "0"}, "per_page"),
    ("/api/v1/impact", {"chipset_vendor": "silicon\x00"}, "chipset_vendor"),
    ("/api/v1/paths", {"from": "1234/0001@"}, "from"),
    ("/api/v1/paths", {"from": "10039", "to": "1234/0001/0002@"}, "to"),
    ("/api/v1/entries/bad%20id", {}, "entry_id"),
    ("/api/v1/impact?chipset_vendor=a&chipset_vendor=b", {}, "chipset_vendor"),
    ("/api/v1/entries?page=1&page=2", {}, "page"),
]


def test_bad_input_is_422_naming_the_parameter(api: TestClient, demo: DemoRegistry) -> None:
    wrong = []
    for url, params, field in CASES:
        answer = api.get(url, headers=demo.headers("secas"), params=params or None)
        error = answer.json()["error"] if answer.status_code == 422 else {}
        named = [d["field"] for d in error.get("details", [])] == [field]
        if not (error.get("code") == "invalid_input" and named and field in error["message"]):
            wrong.append(f"{url} {params!r}: {answer.status_code} {answer.text[:300]}")
    assert not wrong, "\n".join(wrong)


def test_text_with_tabs_and_accents_is_searched(api: TestClient, demo: DemoRegistry) -> None:
    answer = api.get("/api/v1/entries", headers=demo.headers("secas"), params={"q": "Mé\tter"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["total"] == 0


def test_an_email_with_a_control_character_signs_in_as_no_one(api: TestClient) -> None:
    answer = api.post(
        "/api/v1/session", json={"email": "secas\x00@demo.firpath.example", "password": "x"}
    )
    assert answer.status_code == 401
    assert answer.json()["error"]["message"] == "wrong email or password"
