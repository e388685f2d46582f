"""Every answer of the API has the shape its OpenAPI document declares (firpath.api.shapes):
checked here over the whole demo registry, where a fuzzer would rarely reach (every entry,
paths from every entry, a correction that succeeds, each kind of error)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import create_engine

from firpath.api import shapes, work_shapes
from firpath.api.app import create_app
from tests.api_harness import DemoRegistry
from tests.integration.submission_data import own_model, proposal


def shaped(model: type[BaseModel], answer: Any, status: int = 200) -> dict[str, Any]:
    """The answer's JSON, once it has `status` and validates against `model`."""
    assert answer.status_code == status, answer.text
    document: dict[str, Any] = answer.json()
    model.model_validate(document)
    return document


def test_answers_over_the_demo_registry_have_their_declared_shapes(
    api: TestClient, demo: DemoRegistry
) -> None:
    secas = demo.headers("secas")
    pages = shaped(
        shapes.EntryPage, api.get("/api/v1/entries", headers=secas, params={"per_page": 1000})
    )
    ids = [e["cpl_entry_id"] for e in pages["entries"]]
    assert len(ids) == min(pages["total"], 1000) and pages["pages"] >= 1
    for entry_id in ids[::40]:
        shaped(shapes.EntryDetail, api.get(f"/api/v1/entries/{entry_id}", headers=secas))
        shaped(shapes.History, api.get(f"/api/v1/entries/{entry_id}/history", headers=secas))
    statuses = set()
    for entry_id in ids[::5]:
        path = shaped(
            shapes.PathAnswer, api.get("/api/v1/paths", headers=secas, params={"from": entry_id})
        )
        statuses.add(path["status"])
    assert {"ok", "up_to_date"} <= statuses and len(statuses) >= 3
    for query in (
        {"chipset_vendor": "*"},
        {"stack_version": "EmberZNet 6.*"},
        {"chipset_vendor": "zz"},
    ):
        shaped(shapes.Impact, api.get("/api/v1/impact", headers=secas, params=query))
    for by in ("manufacturer", "device-type"):
        shaped(
            shapes.Completeness, api.get("/api/v1/completeness", headers=secas, params={"by": by})
        )
    assert shaped(shapes.Health, api.get("/healthz")) == {"status": "ok"}


def test_a_correction_session_and_errors_have_their_declared_shapes(
    api: TestClient, demo: DemoRegistry
) -> None:
    secas = demo.headers("secas")
    entry_id = "10039"
    tag = api.get(f"/api/v1/entries/{entry_id}", headers=secas).headers["ETag"]
    body = {"reason": "shape check", "set": {"notes": "checked"}}
    done = shaped(
        shapes.CorrectedEntry,
        api.patch(f"/api/v1/entries/{entry_id}", headers=secas | {"If-Match": tag}, json=body),
    )
    assert done["changes"] == [{"field": "notes", "before": "", "after": "checked"}]
    errors = [
        (
            412,
            api.patch(f"/api/v1/entries/{entry_id}", headers=secas | {"If-Match": tag}, json=body),
        ),
        (428, api.patch(f"/api/v1/entries/{entry_id}", headers=secas, json=body)),
        (404, api.get("/api/v1/entries/NOPE", headers=secas)),
        (422, api.get("/api/v1/entries", headers=secas, params={"band": "wide"})),
        (401, api.get("/api/v1/entries")),
        (403, api.get("/api/v1/impact", headers=demo.headers("reader"))),
        (
            400,
            api.post(
                "/api/v1/session",
                content=b"\x01\xff6\xff",  # not UTF-8: FastAPI answers 400
                headers={"Content-Type": "application/json"},
            ),
        ),
    ]
    for status, answer in errors:
        shaped(shapes.ErrorDocument, answer, status)
    not_json = api.post(
        "/api/v1/session", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    problem = shaped(shapes.ErrorDocument, not_json, 422)["error"]
    assert problem["details"][0]["field"] == "body"
    assert "not valid JSON" in problem["message"]
    bad_rows = api.patch(
        f"/api/v1/entries/{entry_id}",
        headers=secas | {"If-Match": done_etag(api, secas, entry_id)},
        json={"reason": "bad band", "set": {"zigbee_band": "DUAL_BAND"}},
    )
    assert shaped(shapes.ErrorDocument, bad_rows, 422)["error"]["more"] == []
    signed_in = shaped(
        shapes.NewSession,
        api.post(
            "/api/v1/session",
            json={"email": demo.emails["manufacturer"], "password": demo.passwords["manufacturer"]},
        ),
    )
    assert signed_in["manufacturer_ids"]
    shaped(shapes.SignedIn, api.get("/api/v1/session"))


def test_submissions_the_graph_and_a_fleet_summary_have_their_declared_shapes(
    api: TestClient, demo: DemoRegistry
) -> None:
    secas, maker = demo.headers("secas"), demo.headers("manufacturer")
    url = "/api/v1/submissions"
    model, entries = own_model()
    later = proposal(model, entries, step=2, upgrade_from={"all_earlier": True})
    for body in (proposal(model, entries), later):
        made = api.post(url, headers=maker, json=body)
        shaped(work_shapes.Submitted, made, 201)
        assert made.headers["Location"] == f"{url}/{made.json()['id']}"
    first, second = (
        s["id"]
        for s in shaped(work_shapes.Submissions, api.get(url, headers=maker))["submissions"][::-1]
    )
    assert shaped(work_shapes.Submission, api.get(f"{url}/{second}", headers=maker))["entry"][
        "upgrade_from"
    ] == {"all_earlier": True}
    shaped(
        work_shapes.ApprovedSubmission,
        api.post(f"{url}/{first}/approve", headers=secas, json={"reason": "shape check"}),
    )
    shaped(
        work_shapes.Submission,
        api.post(f"{url}/{second}/reject", headers=secas, json={"reason": "shape check"}),
    )
    shaped(shapes.ErrorDocument, api.post(f"{url}/{first}/approve", headers=secas), 409)
    shaped(shapes.ErrorDocument, api.get(f"{url}/999999", headers=maker), 404)
    device_model = {
        "manufacturer_id": model.manufacturer_id,
        "model_id": model.model_id,
        "hardware_version": model.hardware_version,
    }
    graph = shaped(work_shapes.Graph, api.get("/api/v1/graph", headers=secas, params=device_model))
    assert graph["conditionalEdges"], "the model has a removed entry with an edge into it"
    fleet = "device_id,cpl_entry_id\n" + "".join(
        f"M{e.cpl_entry_id},{e.cpl_entry_id}\n" for e in entries
    )
    summary = api.post(
        "/api/v1/fleet-plans",
        headers=secas | {"Content-Type": "text/csv", "Accept": "application/json"},
        content=fleet.encode(),
    )
    assert shaped(work_shapes.FleetSummary, summary)["devices"] == len(entries)


def done_etag(api: TestClient, headers: dict[str, str], entry_id: str) -> str:
    return api.get(f"/api/v1/entries/{entry_id}", headers=headers).headers["ETag"]


def test_every_api_operation_declares_its_answers() -> None:
    # the document is what clients (and the schemathesis run) go by: each operation behind
    # sign-in says so, and declares its success and the errors of signing in
    document = create_app(create_engine("sqlite://")).openapi()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearer"]["description"],
    }
    assert schemes["session"]["in"] == "cookie"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            answers = operation["responses"]
            success = [s for s in answers if s.startswith("2")]
            assert success, where
            if path == "/healthz" or (method, path) == ("post", "/api/v1/session"):
                assert "security" not in operation, where
                continue
            assert {"bearer": []} in operation["security"], where
            assert {"session": []} in operation["security"], where
            assert {"401", "403", "422"} <= set(answers), where
            error_schema = answers["401"]["content"]["application/json"]["schema"]
            assert error_schema == {"$ref": "#/components/schemas/ErrorDocument"}, where


def test_a_method_a_path_does_not_serve_is_405_naming_every_method_it_does(
    api: TestClient, demo: DemoRegistry
) -> None:
    secas = demo.headers("secas")
    for path, methods in (
        ("/api/v1/entries/10039", "GET, PATCH"),
        ("/api/v1/session", "GET, POST, DELETE"),
        ("/api/v1/entries", "GET"),
    ):
        answer = api.request("OPTIONS", path, headers=secas)
        shaped(shapes.ErrorDocument, answer, 405)
        assert answer.headers["allow"] == methods, path
