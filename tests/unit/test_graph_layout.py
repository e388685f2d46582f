"""Where the entry page draws a device model's upgrade graph: columns by firmware version,
twins stacked, every allowed upgrade an edge, everything inside the viewBox."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from firpath.domain.entry import CplEntry, DeviceModel
from firpath.domain.upgrade_graph import ModelGraph
from firpath.domain.values import EntryStatus
from firpath.web.graph_svg import NODE_HEIGHT, NODE_WIDTH, Edge, GraphLayout, layout_graph
from tests.unit.test_rules import MODEL, entry, sha

REMOVED = EntryStatus.REMOVED

# 10 (1.0) <- N/A; 11 (1.1) <- 10; 12 (1.2, removed) <- 11; 13 (1.3) <- 11;12;
# 14 (1.3, a twin of 13) <- not provided; 9 (10.0, hex 0A000000) <- 10;13 (skips columns)
MODEL_ENTRIES = (
    entry("13", "11;12", version="01030000"),
    entry("10", "N/A", version="01000000"),
    entry("12", "11", version="01020000", status=REMOVED),
    entry("14", "", version="01030000", image_hash=sha("twin")),
    entry("11", "10", version="01010000"),
    entry("9", "10;13", version="0A000000"),
)


def laid_out(*entries: CplEntry, highlight: str | None = None) -> GraphLayout:
    return layout_graph(ModelGraph(DeviceModel(*MODEL), entries), highlight)


def curve_points(edge: Edge, steps: int = 64) -> list[tuple[float, float]]:
    """Points along the edge's cubic curve (what the browser draws)."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = edge.start, edge.control1, edge.control2, edge.end
    points = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
        points.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return points


def assert_inside_the_view_box(layout: GraphLayout) -> None:
    for n in layout.nodes:
        assert n.x >= 0 and n.x + NODE_WIDTH <= layout.width, n.entry_id
        assert n.y >= 0 and n.y + NODE_HEIGHT <= layout.height, n.entry_id
    for e in layout.edges:
        for x, y in curve_points(e):
            assert 0 <= x <= layout.width and 0 <= y <= layout.height, (e.path, x, y)


def test_columns_follow_firmware_versions_as_numbers_oldest_on_the_left() -> None:
    layout = laid_out(*MODEL_ENTRIES)
    assert [c.firmware_version for c in layout.columns] == [
        "01000000",
        "01010000",
        "01020000",
        "01030000",
        "0A000000",
    ]
    xs = [c.x for c in layout.columns]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    for column in layout.columns:
        assert {n.x for n in column.nodes} == {column.x}
        assert {n.entry.firmware_version for n in column.nodes} == {column.firmware_version}


def test_twin_builds_are_stacked_in_their_versions_column_by_entry_id() -> None:
    layout = laid_out(*MODEL_ENTRIES)
    thirteen, fourteen = layout.node("13"), layout.node("14")
    assert thirteen is not None and fourteen is not None
    assert thirteen.column == fourteen.column
    assert (thirteen.row, fourteen.row) == (0, 1)
    assert fourteen.y >= thirteen.y + NODE_HEIGHT  # no overlap


def test_every_allowed_upgrade_is_an_edge_from_left_to_right() -> None:
    layout = laid_out(*MODEL_ENTRIES)
    drawn = {(e.source.entry_id, e.target.entry_id) for e in layout.edges}
    assert drawn == {
        ("10", "11"),
        ("11", "12"),
        ("11", "13"),
        ("12", "13"),
        ("10", "9"),
        ("13", "9"),
    }
    assert len(layout.edges) == len(drawn)
    for e in layout.edges:
        assert e.start[0] == e.source.x + NODE_WIDTH and e.end[0] == e.target.x
    into_removed = {(e.source.entry_id, e.target.entry_id) for e in layout.edges if e.into_removed}
    assert into_removed == {("11", "12")}


def test_edges_that_skip_columns_arc_above_the_boxes() -> None:
    layout = laid_out(*MODEL_ENTRIES)
    top = min(n.y for n in layout.nodes)
    skipping = next(
        e for e in layout.edges if (e.source.entry_id, e.target.entry_id) == ("10", "9")
    )
    assert min(y for _, y in curve_points(skipping)) < top
    neighbours = next(
        e for e in layout.edges if (e.source.entry_id, e.target.entry_id) == ("10", "11")
    )
    assert min(y for _, y in curve_points(neighbours)) >= top


def test_everything_is_inside_the_view_box() -> None:
    layout = laid_out(*MODEL_ENTRIES)
    assert layout.view_box == f"0 0 {layout.width} {layout.height}"
    assert_inside_the_view_box(layout)


def test_only_the_entry_asked_for_is_highlighted() -> None:
    layout = laid_out(*MODEL_ENTRIES, highlight="12")
    assert [n.entry_id for n in layout.nodes if n.highlighted] == ["12"]
    assert {
        (e.source.entry_id, e.target.entry_id) for e in layout.edges if e.touches_highlight
    } == {
        ("11", "12"),
        ("12", "13"),
    }
    assert not any(n.highlighted for n in laid_out(*MODEL_ENTRIES, highlight="99").nodes)


def test_removed_and_unknown_entries_are_told_apart() -> None:
    layout = laid_out(*MODEL_ENTRIES)
    assert [n.entry_id for n in layout.nodes if n.removed] == ["12"]
    assert [n.entry_id for n in layout.nodes if n.upgrade_from_unknown] == ["14"]


def test_a_long_id_is_cut_to_fit_its_box() -> None:
    long_id = "VERY-LONG-ENTRY-ID-0001"
    layout = laid_out(entry(long_id, "N/A", version="01000000"))
    node = layout.node(long_id)
    assert node is not None
    assert node.id_label.endswith("…") and len(node.id_label) <= 11
    assert long_id.startswith(node.id_label[:-1])


@st.composite
def model_graphs(draw: st.DrawFn) -> list[CplEntry]:
    """Up to 30 entries of one model: random versions (twins likely), statuses and upgrade
    froms among each other (any direction, as a drawing must cope with anything stored)."""
    count = draw(st.integers(1, 30))
    versions = draw(st.lists(st.integers(0, 12), min_size=count, max_size=count))
    made = []
    for i, v in enumerate(versions):
        sources = draw(st.sets(st.integers(0, count - 1).filter(lambda j, i=i: j != i), max_size=4))
        upgrade_from = ";".join(str(100 + j) for j in sorted(sources)) if sources else ""
        made.append(
            entry(
                str(100 + i),
                draw(st.sampled_from([upgrade_from, "N/A"])) if not sources else upgrade_from,
                version=f"{v:08X}",
                image_hash=sha(str(i)),
                status=draw(st.sampled_from(list(EntryStatus))),
            )
        )
    return made


@settings(max_examples=150, deadline=None)
@given(model_graphs())
def test_any_graph_is_drawn_whole_inside_its_view_box(entries: list[CplEntry]) -> None:
    graph = ModelGraph(DeviceModel(*MODEL), entries)
    layout = layout_graph(graph, entries[0].cpl_entry_id)
    assert {n.entry_id for n in layout.nodes} == set(graph.entries)
    assert len({(n.x, n.y) for n in layout.nodes}) == len(layout.nodes)  # no box on another
    assert sorted((e.source.entry_id, e.target.entry_id) for e in layout.edges) == sorted(
        (p, t) for t, ps in graph.predecessors.items() for p in ps
    )
    numbers = [n.entry.firmware_number for n in sorted(layout.nodes, key=lambda n: n.column)]
    assert numbers == sorted(numbers)
    assert_inside_the_view_box(layout)
