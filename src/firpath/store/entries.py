"""Repository of CPL entries: load, query, insert and update (within the caller's transaction)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    bindparam,
    delete,
    func,
    or_,
    select,
    update,
)

from firpath.domain.band import ZigbeeBand
from firpath.domain.completeness import ANY_FIELD
from firpath.domain.entry import NEW_FIELDS, CplEntry, DeviceModel
from firpath.domain.errors import StaleRevision
from firpath.domain.upgrade_from import UpgradeFromKind
from firpath.domain.values import IN_SCOPE_DEVICE_TYPES, entry_id_order
from firpath.store.bulk import bulk_insert
from firpath.store.entry_order import EntryOrder, order_by
from firpath.store.entry_rows import (
    EDGE_COLUMNS,
    SCALAR_COLUMNS,
    edge_rows,
    entry_from_row,
    entry_row,
    entry_values,
)
from firpath.store.tables import cpl_entries, upgrade_edges

_COLUMNS = [cpl_entries.c[name] for name in SCALAR_COLUMNS]


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """What `find_entries` narrows to; None means any."""

    device_type: str | None = None
    manufacturer_id: str | None = None
    model_id: str | None = None
    hardware_version: str | None = None
    status: str | None = None
    text: str | None = None
    missing: str | None = None  # one of the four new fields, or "any" (in-scope types only)
    chipset_vendor: str | None = None  # `*` wildcards, case ignored
    stack_version: str | None = None  # `*` wildcards, case ignored
    band: str | None = None  # a ZigbeeBand code


def _like(pattern: str) -> str:
    """A `*`-wildcard pattern as a LIKE pattern (escape character `\\`), lower case."""
    return _escaped(pattern).replace("*", "%")


def _escaped(text: str) -> str:
    """`text` lower case with LIKE's special characters escaped."""
    return text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _edges_by_entry(conn: Connection, ids: Collection[str] | None) -> dict[str, list[str]]:
    query = select(upgrade_edges.c.cpl_entry_id, upgrade_edges.c.from_entry_id).order_by(
        upgrade_edges.c.cpl_entry_id, upgrade_edges.c.position
    )
    if ids is not None:
        query = query.where(upgrade_edges.c.cpl_entry_id.in_(list(ids)))
    edges: dict[str, list[str]] = defaultdict(list)
    for entry_id, from_id in conn.execute(query):
        edges[entry_id].append(from_id)
    return edges


def _misses(field: str) -> ColumnElement[bool]:
    """SQL for `CplEntry.missing_new_fields` containing `field` (`any`: one of the four)."""
    c = cpl_entries.c
    if field == ANY_FIELD:
        return or_(*(_misses(f) for f in NEW_FIELDS))
    in_scope = c.device_type.in_(sorted(t.value for t in IN_SCOPE_DEVICE_TYPES))
    absent: ColumnElement[bool]
    if field == "upgrade_from":
        absent = c.upgrade_from_kind == UpgradeFromKind.UNKNOWN.value
    elif field == "zigbee_band":
        absent = or_(c.zigbee_band.is_(None), c.zigbee_band == ZigbeeBand.MULTI_MAC_UNSTATED.value)
    elif field in NEW_FIELDS:
        absent = c[field].is_(None)
    else:
        raise ValueError(f"not a new field: {field!r}")
    return in_scope & absent


def load_all(conn: Connection) -> dict[str, CplEntry]:
    """Every stored entry, by CPL Entry ID."""
    edges = _edges_by_entry(conn, None)
    return {
        row[0]: entry_from_row(row, edges.get(row[0], ()))
        for row in conn.execute(select(*_COLUMNS))
    }


def get_entry(conn: Connection, entry_id: str) -> CplEntry | None:
    """One entry by CPL Entry ID (already normalised), or None."""
    row = conn.execute(select(*_COLUMNS).where(cpl_entries.c.cpl_entry_id == entry_id)).first()
    if row is None:
        return None
    return entry_from_row(row, _edges_by_entry(conn, [entry_id]).get(entry_id, ()))


def entries_by_id(conn: Connection, ids: Collection[str]) -> dict[str, CplEntry]:
    """The stored entries among `ids` (already normalised), by CPL Entry ID."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, CplEntry] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = conn.execute(select(*_COLUMNS).where(cpl_entries.c.cpl_entry_id.in_(chunk))).all()
        edges = _edges_by_entry(conn, [r[0] for r in rows])
        found.update((r[0], entry_from_row(r, edges.get(r[0], ()))) for r in rows)
    return found


def entries_of_model(conn: Connection, model: DeviceModel) -> list[CplEntry]:
    """Every entry of one device model."""
    c = cpl_entries.c
    rows = conn.execute(
        select(*_COLUMNS).where(
            c.manufacturer_id == model.manufacturer_id,
            c.model_id == model.model_id,
            c.hardware_version == model.hardware_version,
        )
    ).all()
    edges = _edges_by_entry(conn, [r[0] for r in rows])
    return [entry_from_row(r, edges.get(r[0], ())) for r in rows]


def entries_with_hash(conn: Connection, image_hash: str) -> list[CplEntry]:
    """Every entry whose manufacturer image hash is `image_hash` (normalised)."""
    return _entries_where(conn, cpl_entries.c.manufacturer_image_hash == image_hash)


def entries_with_version(
    conn: Connection, manufacturer_id: str, firmware_version: str
) -> list[CplEntry]:
    """Every entry of one manufacturer with one firmware version (both normalised)."""
    c = cpl_entries.c
    return _entries_where(
        conn, (c.manufacturer_id == manufacturer_id) & (c.firmware_version == firmware_version)
    )


def _entries_where(conn: Connection, condition: ColumnElement[bool]) -> list[CplEntry]:
    rows = conn.execute(select(*_COLUMNS).where(condition)).all()
    edges = _edges_by_entry(conn, [r[0] for r in rows])
    return [entry_from_row(r, edges.get(r[0], ())) for r in rows]


def upgrade_to_ids(conn: Connection, entry_id: str) -> list[str]:
    """The entries that name `entry_id` in their *upgrade from* (its direct successors)."""
    rows = conn.execute(
        select(upgrade_edges.c.cpl_entry_id)
        .join(cpl_entries, cpl_entries.c.cpl_entry_id == upgrade_edges.c.cpl_entry_id)
        .where(
            upgrade_edges.c.from_entry_id == entry_id,
            cpl_entries.c.upgrade_from_kind == UpgradeFromKind.IDS.value,
        )
    ).scalars()
    return sorted(rows, key=entry_id_order)


def stray_edges(conn: Connection) -> list[tuple[str, str]]:
    """Edge rows of entries whose *upgrade from* is N/A or not provided (never written by
    firpath: only a change outside it leaves them)."""
    query = (
        select(upgrade_edges.c.cpl_entry_id, upgrade_edges.c.from_entry_id)
        .join(cpl_entries, cpl_entries.c.cpl_entry_id == upgrade_edges.c.cpl_entry_id)
        .where(cpl_entries.c.upgrade_from_kind != UpgradeFromKind.IDS.value)
        .order_by(upgrade_edges.c.cpl_entry_id, upgrade_edges.c.from_entry_id)
    )
    return [(a, b) for a, b in conn.execute(query)]


def _filtered(query: Select[Any], flt: EntryFilter) -> Select[Any]:
    c = cpl_entries.c
    for column, value in (
        (c.device_type, flt.device_type),
        (c.manufacturer_id, flt.manufacturer_id),
        (c.model_id, flt.model_id),
        (c.hardware_version, flt.hardware_version),
        (c.status, flt.status),
        (c.zigbee_band, flt.band),
    ):
        if value is not None:
            query = query.where(column == value)
    for column, pattern in (
        (c.zigbee_chipset_vendor, flt.chipset_vendor),
        (c.zigbee_stack_version, flt.stack_version),
    ):
        if pattern is not None:
            query = query.where(func.lower(column).like(_like(pattern), escape="\\"))
    if flt.missing is not None:
        query = query.where(_misses(flt.missing))
    if flt.text:
        pattern = f"%{_escaped(flt.text)}%"
        query = query.where(
            or_(
                *(
                    func.lower(col).like(pattern, escape="\\")
                    for col in (
                        c.cpl_entry_id,
                        c.manufacturer_id,
                        c.manufacturer_name,
                        c.model_id,
                        c.model_name,
                        c.firmware_version_name,
                        c.firmware_version,
                        c.manufacturer_image_hash,
                        c.zigbee_chipset_vendor,
                        c.zigbee_stack_version,
                        c.notes,
                    )
                )
            )
        )
    return query


def find_entries(
    conn: Connection,
    flt: EntryFilter,
    limit: int | None = None,
    offset: int = 0,
    order: EntryOrder | None = None,
) -> list[CplEntry]:
    """Entries matching every given filter, in `order` (None: by device model then firmware
    version)."""
    ordering = order_by(order, conn.dialect.name)
    if order is not None and limit is not None:
        # a page in a chosen order: the database sorts IDs alone (a narrow sort, up to
        # three times faster on 100,000 entries), then the page's rows are read by ID
        ids = (
            conn.execute(
                _filtered(select(cpl_entries.c.cpl_entry_id), flt)
                .order_by(*ordering)
                .limit(limit)
                .offset(offset)
            )
            .scalars()
            .all()
        )
        found = entries_by_id(conn, ids)
        return [found[i] for i in ids if i in found]
    query = _filtered(select(*_COLUMNS), flt).order_by(*ordering)
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    rows = conn.execute(query).all()
    edges = (
        _edges_by_entry(conn, [r[0] for r in rows])
        if len(rows) <= 5000
        else _edges_by_entry(conn, None)
    )
    return [entry_from_row(r, edges.get(r[0], ())) for r in rows]


def count_matching(conn: Connection, flt: EntryFilter) -> int:
    """How many entries match the filter."""
    query = _filtered(select(func.count()).select_from(cpl_entries), flt)
    return int(conn.execute(query).scalar_one())


def count_entries(conn: Connection) -> int:
    """How many entries are stored."""
    return int(conn.execute(select(func.count()).select_from(cpl_entries)).scalar_one())


def insert_entries(conn: Connection, entries: Sequence[CplEntry]) -> None:
    """Add new entries and their upgrade edges."""
    if not entries:
        return
    bulk_insert(conn, cpl_entries, SCALAR_COLUMNS, [entry_values(e) for e in entries])
    bulk_insert(conn, upgrade_edges, EDGE_COLUMNS, edge_rows(entries))


def revisions(conn: Connection, ids: Sequence[str]) -> dict[str, int]:
    """The stored revision of each of `ids` (entries not stored are left out)."""
    found: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        query = select(cpl_entries.c.cpl_entry_id, cpl_entries.c.revision).where(
            cpl_entries.c.cpl_entry_id.in_(chunk)
        )
        found.update({eid: int(rev) for eid, rev in conn.execute(query)})
    return found


def update_entries(conn: Connection, entries: Sequence[tuple[CplEntry, int]]) -> None:
    """Overwrite stored entries, each only if still at the revision given, and replace their
    upgrade edges; raises StaleRevision (nothing of it applied by the caller's rollback) when
    any entry was changed since it was read."""
    if not entries:
        return
    rows = []
    for e, revision in entries:
        row = entry_row(e)
        row["b_id"] = row.pop("cpl_entry_id")
        row["b_revision"] = revision
        rows.append(row)
    values: dict[str, Any] = {
        name: bindparam(name) for name in SCALAR_COLUMNS if name != "cpl_entry_id"
    }
    statement = (
        update(cpl_entries)
        .where(
            cpl_entries.c.cpl_entry_id == bindparam("b_id"),
            cpl_entries.c.revision == bindparam("b_revision"),
        )
        .values(**values, revision=cpl_entries.c.revision + 1)
    )
    changed = conn.execute(statement, rows).rowcount
    if changed != len(rows):
        raise StaleRevision(
            f"{len(rows) - changed} of {len(rows)} entries changed while this change was being "
            "made; nothing was saved: try again"
        )
    ids = [e.cpl_entry_id for e, _ in entries]
    for start in range(0, len(ids), 500):
        conn.execute(
            delete(upgrade_edges).where(upgrade_edges.c.cpl_entry_id.in_(ids[start : start + 500]))
        )
    bulk_insert(conn, upgrade_edges, EDGE_COLUMNS, edge_rows([e for e, _ in entries]))
