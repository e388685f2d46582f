"""The upgrade graph shaped as a Cincinnati update graph, from in-memory entries."""

from __future__ import annotations

from firpath.documents import graph_document
from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.upgrade_graph import ModelGraph
from firpath.domain.values import EntryStatus
from tests.unit.test_rules import MODEL, entry, sha

REMOVED = EntryStatus.REMOVED


def history(entry_id: str) -> str:
    return f"https://fir.example/api/v1/entries/{entry_id}/history"


def shaped(*entries: CplEntry) -> dict[str, object]:
    return graph_document(ModelGraph(DeviceModel(*MODEL), entries), history)


# 10 (1.0) <- N/A; 11 (1.1) <- 10; 12 (1.2, removed) <- 11; 13 (1.3) <- 11;12;
# 14 (1.3, a twin of 13: another hash) <- not provided; 9 (2.0) <- 13
MODEL_ENTRIES = (
    entry("13", "11;12", version="01030000"),
    entry("10", "N/A", version="01000000"),
    entry("12", "11", version="01020000", status=REMOVED),
    entry("14", "", version="01030000", image_hash=sha("twin")),
    entry("11", "10", version="01010000"),
    entry("9", "13", version="02000000"),
)


def test_nodes_are_ordered_by_firmware_version_then_id() -> None:
    document = shaped(*MODEL_ENTRIES)
    nodes = document["nodes"]
    assert isinstance(nodes, list)
    assert [n["metadata"]["cpl_entry_id"] for n in nodes] == ["10", "11", "12", "13", "14", "9"]
    assert [n["version"] for n in nodes] == [
        "01000000",
        "01010000",
        "01020000",
        "01030000",
        "01030000",
        "02000000",
    ]


def test_a_node_carries_the_hash_as_payload_and_string_metadata() -> None:
    nodes = shaped(*MODEL_ENTRIES)["nodes"]
    assert isinstance(nodes, list)
    by_id = {n["metadata"]["cpl_entry_id"]: n for n in nodes}
    assert by_id["13"]["payload"] == sha("13")
    assert by_id["12"]["metadata"]["status"] == "removed"
    assert by_id["10"]["metadata"]["upgrade_from"] == "N/A"
    assert by_id["13"]["metadata"]["upgrade_from"] == "11;12"
    assert by_id["14"]["metadata"]["upgrade_from"] == "not provided"
    assert by_id["14"]["metadata"]["firmware_version_name"] == ""
    for node in nodes:
        assert set(node) == {"version", "payload", "metadata"}
        assert all(isinstance(v, str) for v in node["metadata"].values())


def test_twin_builds_share_a_version_and_differ_in_payload_and_id() -> None:
    nodes = shaped(*MODEL_ENTRIES)["nodes"]
    assert isinstance(nodes, list)
    twins = [n for n in nodes if n["version"] == "01030000"]
    assert len(twins) == 2
    assert twins[0]["payload"] != twins[1]["payload"]
    assert {t["metadata"]["cpl_entry_id"] for t in twins} == {"13", "14"}


def test_edges_into_active_entries_are_index_pairs() -> None:
    document = shaped(*MODEL_ENTRIES)
    # 10->11, 11->13, 12->13 (a removed entry may be where a meter starts), 13->9
    assert document["edges"] == [[0, 1], [1, 3], [2, 3], [3, 5]]


def test_an_edge_into_a_removed_entry_is_conditional_with_the_reason() -> None:
    conditional = shaped(*MODEL_ENTRIES)["conditionalEdges"]
    assert conditional == [
        {
            "edges": [{"from": "01010000", "to": "01020000", "index": [1, 2]}],
            "risks": [
                {
                    "url": history("12"),
                    "name": "RemovedFromCPL",
                    "message": "CPL entry 12 (01020000) was removed from the CPL: it is never "
                    "installed, so no meter is upgraded to it (its history says why)",
                    "matchingRules": [{"type": "Always"}],
                }
            ],
        }
    ]


def test_unknown_upgrade_from_gives_no_edge_and_a_lone_entry_a_lone_node() -> None:
    document = shaped(entry("1", ""), entry("2", "", status=REMOVED))
    assert len(document["nodes"]) == 2  # type: ignore[arg-type]
    assert document["edges"] == [] and document["conditionalEdges"] == []


def test_each_removed_entry_is_its_own_conditional_group() -> None:
    document = shaped(
        entry("1", "N/A", version="01000000"),
        entry("2", "1", version="01010000", status=REMOVED),
        entry("3", "1;2", version="01020000", status=REMOVED),
    )
    groups = document["conditionalEdges"]
    assert isinstance(groups, list)
    assert [[e["index"] for e in g["edges"]] for g in groups] == [[[0, 1]], [[0, 2], [1, 2]]]
    assert [g["risks"][0]["url"] for g in groups] == [history("2"), history("3")]
    assert document["edges"] == []
