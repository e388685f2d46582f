"""The orders entries can be listed in, as SQL: the database sorts, so a page of 100,000
entries costs one query."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import ColumnElement, case, func

from firpath.store.tables import cpl_entries

_c = cpl_entries.c
# the default order (device model, then firmware version), and what breaks every tie
DEVICE_MODEL_ORDER: Final = (
    _c.manufacturer_id,
    _c.model_id,
    _c.hardware_version,
    _c.firmware_version,
    _c.cpl_entry_id,
)


@dataclass(frozen=True, slots=True)
class EntryOrder:
    """Sort by `key` (one of SORT_KEYS), descending or not; ties by device model and firmware."""

    key: str
    descending: bool = False


Column = ColumnElement[Any]


@dataclass(frozen=True, slots=True)
class _Keys:
    """What a sort key orders by: first whether the value is missing (NULL: last either
    way), then the values, which descend when the order does; `unique` when no two entries
    tie (no tie-break needed)."""

    values: tuple[Column, ...]
    missing: Column | None = None
    unique: bool = False


@dataclass(frozen=True, slots=True)
class _Sql:
    """What differs between the databases: text compared by code point, a digits test."""

    text: Callable[[Column], Column]
    not_digits: Callable[[Column], Column]  # holds a character besides 0-9


_DIALECTS: Final = {
    "postgresql": _Sql(lambda c: c.collate("C"), lambda c: c.op("~")("[^0-9]")),
    "sqlite": _Sql(lambda c: c, lambda c: c.op("GLOB")("*[^0-9]*")),
}
_ANY_SQL: Final = _Sql(lambda c: c, lambda c: func.ltrim(c, "0123456789") != "")


def _entry_id(sql: _Sql) -> _Keys:
    """CPL Entry IDs as `values.entry_id_order` sorts them: numeric IDs by value (fewer
    digits first, leading zeros aside), then the others by text."""
    col = _c.cpl_entry_id
    other = sql.not_digits(col)
    value = func.ltrim(col, "0")
    return _Keys(
        (
            case((other, 1), else_=0),
            case((other, 0), else_=func.length(value)),
            case((other, ""), else_=sql.text(value)),
            sql.text(col),
        ),
        unique=True,
    )


def _words(column: Column, sql: _Sql, *then: Column) -> _Keys:
    """Text people read: case ignored first, then exact, then `then`."""
    return _Keys((sql.text(func.lower(column)), sql.text(column), *then), column.is_(None))


# what each sort key of a page orders by
SORT_KEYS: Final[dict[str, Callable[[_Sql], _Keys]]] = {
    "id": _entry_id,
    "device_type": lambda s: _Keys((s.text(_c.device_type),)),
    "manufacturer": lambda s: _words(_c.manufacturer_name, s, _c.manufacturer_id),
    "model": lambda s: _words(_c.model_name, s, _c.model_id),
    "hardware_version": lambda s: _Keys((_c.hardware_version,)),
    "firmware": lambda s: _Keys((_c.firmware_version,)),  # 8 hex digits, upper case
    "status": lambda s: _Keys((s.text(_c.status),)),
    "chipset_vendor": lambda s: _words(_c.zigbee_chipset_vendor, s),
    "stack_version": lambda s: _words(_c.zigbee_stack_version, s),
    "band": lambda s: _Keys((s.text(_c.zigbee_band),), _c.zigbee_band.is_(None)),
}


def order_by(order: EntryOrder | None, dialect: str) -> list[Column]:
    """The ORDER BY of `order` (None: by device model and firmware version) on `dialect`.

    Text compares by code point on both databases (PostgreSQL's "C" collation, SQLite's
    binary), so the order does not depend on the server's locale."""
    if order is None:
        return list(DEVICE_MODEL_ORDER)
    keys = SORT_KEYS[order.key](_DIALECTS.get(dialect, _ANY_SQL))
    values = [v.desc() for v in keys.values] if order.descending else list(keys.values)
    missing = [] if keys.missing is None else [keys.missing]
    ties = [] if keys.unique else list(DEVICE_MODEL_ORDER)
    return [*missing, *values, *ties]
