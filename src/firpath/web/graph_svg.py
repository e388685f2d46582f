"""Where a device model's upgrade graph is drawn: one column per firmware version, oldest on
the left, the builds of one version stacked in their column, an edge per allowed upgrade.

Pure geometry (no I/O): the entry page's template draws the boxes and curves this module
places, in SVG user units of a `width` x `height` viewBox.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from firpath.domain.entry import CplEntry
from firpath.domain.upgrade_graph import ModelGraph
from firpath.domain.values import entry_id_order

NODE_WIDTH: Final = 84
NODE_HEIGHT: Final = 40
COLUMN_GAP: Final = 30  # room for the arrow heads between two columns
ROW_GAP: Final = 12
MARGIN: Final = 10
# edges that skip columns arc above the boxes: the higher the longer, up to this
_LIFT_PER_COLUMN: Final = 14
MAX_LIFT: Final = 120
# a cubic curve whose control points are `lift` above its ends rises 3/4 of it
ARC_BAND: Final = MAX_LIFT * 3 // 4 + 6
_LABEL_CHARS: Final = 11


def _short(text: str) -> str:
    """`text` cut to fit a box (the tooltip and the table below hold it whole)."""
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "\u2026"


@dataclass(frozen=True, slots=True)
class Node:
    """One entry's box: its column (firmware version), row (build within it) and corner."""

    entry: CplEntry
    column: int
    row: int
    x: int
    y: int
    highlighted: bool

    @property
    def entry_id(self) -> str:
        return self.entry.cpl_entry_id

    @property
    def removed(self) -> bool:
        return not self.entry.is_active

    @property
    def upgrade_from_unknown(self) -> bool:
        return not self.entry.upgrade_from.is_known

    @property
    def id_label(self) -> str:
        """The CPL Entry ID as it fits in the box."""
        return _short(self.entry.cpl_entry_id)

    @property
    def version_label(self) -> str:
        """The firmware version name (else its hex) as it fits in the box."""
        return _short(self.entry.firmware_version_name or self.entry.firmware_version)

    @property
    def width(self) -> int:
        return NODE_WIDTH

    @property
    def height(self) -> int:
        return NODE_HEIGHT


@dataclass(frozen=True, slots=True)
class Edge:
    """An allowed upgrade source -> target, drawn as a cubic curve from the source box's right
    side to the target box's left side (arcing above the boxes when it skips columns)."""

    source: Node
    target: Node
    start: tuple[int, int]
    control1: tuple[int, int]
    control2: tuple[int, int]
    end: tuple[int, int]

    @property
    def path(self) -> str:
        """The SVG path data of the curve."""
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = self.start, self.control1, self.control2, self.end
        return f"M{x0},{y0} C{x1},{y1} {x2},{y2} {x3},{y3}"

    @property
    def into_removed(self) -> bool:
        """An upgrade into a removed entry: stated, but never taken."""
        return self.target.removed

    @property
    def touches_highlight(self) -> bool:
        return self.source.highlighted or self.target.highlighted


@dataclass(frozen=True, slots=True)
class Column:
    """One firmware version's column."""

    index: int
    firmware_version: str
    x: int
    nodes: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class GraphLayout:
    """Every box and curve of one device model's graph, within a `width` x `height` viewBox."""

    columns: tuple[Column, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    width: int
    height: int

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    def node(self, entry_id: str) -> Node | None:
        """The box of one entry (None: not in this graph)."""
        return next((n for n in self.nodes if n.entry_id == entry_id), None)


def _lift(span: int) -> int:
    return min(MAX_LIFT, _LIFT_PER_COLUMN * (span + 1))


def layout_graph(graph: ModelGraph, highlight: str | None = None) -> GraphLayout:
    """The drawing of `graph`: columns by firmware version (as an unsigned number), twins
    stacked by CPL Entry ID, `highlight` (an entry's ID) marked."""
    by_version: dict[int, list[CplEntry]] = {}
    for entry in graph.entries.values():
        by_version.setdefault(entry.firmware_number, []).append(entry)
    versions = sorted(by_version)
    column_of = {number: index for index, number in enumerate(versions)}
    skips = any(
        column_of[e.firmware_number] - column_of[graph.entries[p].firmware_number] != 1
        for e in graph.entries.values()
        for p in graph.predecessors[e.cpl_entry_id]
    )
    top = MARGIN + (ARC_BAND if skips else 0)
    columns: list[Column] = []
    nodes: dict[str, Node] = {}
    for index, number in enumerate(versions):
        x = MARGIN + index * (NODE_WIDTH + COLUMN_GAP)
        builds = sorted(by_version[number], key=lambda e: entry_id_order(e.cpl_entry_id))
        placed = tuple(
            Node(e, index, row, x, top + row * (NODE_HEIGHT + ROW_GAP), e.cpl_entry_id == highlight)
            for row, e in enumerate(builds)
        )
        nodes.update((n.entry_id, n) for n in placed)
        columns.append(Column(index, builds[0].firmware_version, x, placed))
    edges = tuple(
        _edge(nodes[p], nodes[target_id], top)
        for target_id in sorted(graph.predecessors, key=entry_id_order)
        for p in graph.predecessors[target_id]
    )
    rows = max((len(c.nodes) for c in columns), default=0)
    width = 2 * MARGIN + len(columns) * NODE_WIDTH + max(len(columns) - 1, 0) * COLUMN_GAP
    height = top + rows * NODE_HEIGHT + max(rows - 1, 0) * ROW_GAP + MARGIN
    ordered = tuple(n for c in columns for n in c.nodes)
    return GraphLayout(tuple(columns), ordered, edges, width, height)


def _edge(source: Node, target: Node, top: int) -> Edge:
    start = (source.x + NODE_WIDTH, source.y + NODE_HEIGHT // 2)
    end = (target.x, target.y + NODE_HEIGHT // 2)
    span = abs(target.column - source.column)
    if target.column - source.column == 1:
        # neighbouring columns: a gentle S between the boxes
        bend = COLUMN_GAP // 2
        return Edge(
            source, target, start, (start[0] + bend, start[1]), (end[0] - bend, end[1]), end
        )
    # over the columns between (or backwards, which a version order never draws): an arc
    # above the boxes, higher the further it goes
    crest = top - _lift(span)
    return Edge(
        source,
        target,
        start,
        (start[0] + COLUMN_GAP, crest),
        (end[0] - COLUMN_GAP, crest),
        end,
    )
