"""`GET /api/v1/graph`: a device model's upgrade graph, Cincinnati-shaped, from the warm
catalogue, and never stale."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from firpath.services.import_cpl import import_cpl_file
from tests.api_harness import DemoRegistry
from tests.integration.cpl_rows import image_hash, row, write_cpl

MODEL = {"manufacturer_id": "1234", "model_id": "0001", "hardware_version": "0002"}
# 101 (N/A) -> 102 -> 104; 103 removed (from 102); 105 a twin of 102 (another hash, upgrade
# from not provided); 106 from 103 and 105
ROWS = [
    row("101", "01000000"),
    row("102", "01000100", "101"),
    row("103", "01000200", "102", status="removed"),
    row("104", "01000300", "102"),
    row("105", "01000100", "", manufacturer_image_hash=image_hash("twin")),
    row("106", "01000400", "103;105"),
]


def add_model(demo: DemoRegistry, tmp_path: Path) -> None:
    import_cpl_file(demo.engine, write_cpl(tmp_path / "extra.csv", ROWS), actor="test")


def test_the_graph_of_a_model_with_a_removed_entry_twins_and_unknown_data(
    api: TestClient, demo: DemoRegistry, tmp_path: Path
) -> None:
    add_model(demo, tmp_path)
    answer = api.get("/api/v1/graph", headers=demo.headers("reader"), params=MODEL)
    assert answer.status_code == 200, answer.text
    graph = answer.json()
    ids = [n["metadata"]["cpl_entry_id"] for n in graph["nodes"]]
    assert ids == ["101", "102", "105", "103", "104", "106"]
    assert [n["version"] for n in graph["nodes"]][1:3] == ["01000100", "01000100"]
    assert graph["nodes"][2]["payload"] == image_hash("twin").upper()
    assert graph["nodes"][2]["metadata"]["upgrade_from"] == "not provided"
    assert graph["nodes"][0]["metadata"] | {"release_date": "", "release_notes": ""} == {
        "cpl_entry_id": "101",
        "firmware_version": "01000000",
        "firmware_version_name": "v01000000",
        "status": "active",
        "upgrade_from": "N/A",
        "device_type": "ESME",
        "release_date": "",
        "release_notes": "",
    }
    # 101->102, 102->104, 103->106 (from a removed entry: where a meter may start), 105->106
    assert graph["edges"] == [[0, 1], [1, 4], [2, 5], [3, 5]]
    [removed] = graph["conditionalEdges"]
    assert removed["edges"] == [{"from": "01000100", "to": "01000200", "index": [1, 3]}]
    [risk] = removed["risks"]
    assert risk["name"] == "RemovedFromCPL" and "103" in risk["message"]
    assert risk["matchingRules"] == [{"type": "Always"}]
    assert risk["url"].endswith("/api/v1/entries/103/history")
    history = api.get(risk["url"], headers=demo.headers("reader"))
    assert history.status_code == 200 and history.json()["cpl_entry_id"] == "103"


def test_a_demo_model_graph_has_every_known_edge_of_its_entries(
    api: TestClient, demo: DemoRegistry
) -> None:
    reader = demo.headers("reader")
    listed = api.get(
        "/api/v1/entries", headers=reader, params={"manufacturer_id": "1bbb", "per_page": 1000}
    ).json()["entries"]
    # a model with an edge into a removed entry
    model = next(
        e for e in listed if e["status"] == "removed" and isinstance(e["upgrade_from"], list)
    )
    own = [
        e
        for e in listed
        if (e["model_id"], e["hardware_version"]) == (model["model_id"], model["hardware_version"])
    ]
    params = {
        "manufacturer_id": "1bbb",
        "model_id": model["model_id"].lower(),
        "hardware_version": model["hardware_version"],
    }
    graph = api.get("/api/v1/graph", headers=reader, params=params).json()
    nodes = graph["nodes"]
    assert sorted(n["metadata"]["cpl_entry_id"] for n in nodes) == sorted(
        e["cpl_entry_id"] for e in own
    )
    pairs = {
        (nodes[i]["metadata"]["cpl_entry_id"], nodes[j]["metadata"]["cpl_entry_id"])
        for i, j in graph["edges"]
    }
    conditional = {
        (
            nodes[e["index"][0]]["metadata"]["cpl_entry_id"],
            nodes[e["index"][1]]["metadata"]["cpl_entry_id"],
        )
        for group in graph["conditionalEdges"]
        for e in group["edges"]
    }
    status = {e["cpl_entry_id"]: e["status"] for e in own}
    expected = {
        (source, e["cpl_entry_id"])
        for e in own
        if isinstance(e["upgrade_from"], list)
        for source in e["upgrade_from"]
    }
    assert pairs | conditional == expected
    assert {status[b] for _, b in pairs} <= {"active"}
    assert conditional and {status[b] for _, b in conditional} == {"removed"}


def test_a_correction_moves_an_edge_under_conditional_edges_at_once(
    api: TestClient, demo: DemoRegistry, tmp_path: Path
) -> None:
    add_model(demo, tmp_path)
    secas = demo.headers("secas")
    before = api.get("/api/v1/graph", headers=secas, params=MODEL).json()
    assert [1, 4] in before["edges"]
    tag = api.get("/api/v1/entries/104", headers=secas).headers["ETag"]
    api.patch(
        "/api/v1/entries/104",
        headers=secas | {"If-Match": tag},
        json={"reason": "withdrawn by the manufacturer", "set": {"status": "removed"}},
    ).raise_for_status()
    after = api.get("/api/v1/graph", headers=secas, params=MODEL).json()
    assert [1, 4] not in after["edges"]
    assert any(e["index"] == [1, 4] for g in after["conditionalEdges"] for e in g["edges"])


def test_an_unknown_model_is_404_naming_it_and_the_makers_models(
    api: TestClient, demo: DemoRegistry
) -> None:
    reader = demo.headers("reader")
    params = {"manufacturer_id": "1bbb", "model_id": "0fff", "hardware_version": "0001"}
    answer = api.get("/api/v1/graph", headers=reader, params=params)
    assert answer.status_code == 404
    message = answer.json()["error"]["message"]
    assert "1BBB/0FFF/0001" in message and "1BBB/0107/0001" in message
    stranger = params | {"manufacturer_id": "0ABC"}
    message = api.get("/api/v1/graph", headers=reader, params=stranger).json()["error"]["message"]
    assert "0ABC/0FFF/0001" in message and "no device model of manufacturer 0ABC" in message


def test_bad_or_missing_ids_are_422_naming_the_field(api: TestClient, demo: DemoRegistry) -> None:
    reader = demo.headers("reader")
    bad = api.get("/api/v1/graph", headers=reader, params=MODEL | {"model_id": "XYZ"})
    assert bad.status_code == 422
    error = bad.json()["error"]
    assert error["details"][0]["field"] == "model_id" and "XYZ" in error["message"]
    missing = api.get("/api/v1/graph", headers=reader, params={"manufacturer_id": "1234"})
    assert missing.status_code == 422
    fields = {d["field"] for d in missing.json()["error"]["details"]}
    assert fields == {"model_id", "hardware_version"}


def test_the_graph_needs_sign_in(api: TestClient) -> None:
    assert api.get("/api/v1/graph", params=MODEL).status_code == 401
