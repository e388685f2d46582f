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
Text = Callable[[Column], Column]  # a text column as it compares (by code point)


@dataclass(frozen=True, slots=True)
class _Keys:
    """What a sort key orders by: first whether the value is missing (NULL: last either
    way), then the values, which descend when the order does."""

    values: tuple[Column, ...]
    missing: Column | None = None


def _entry_id(text: Text) -> _Keys:
    """CPL Entry IDs as `values.entry_id_order` sorts them: numeric IDs by value (fewer
    digits first, leading zeros aside), then the others by text."""
    col = _c.cpl_entry_id
    numeric = func.ltrim(col, "0123456789") == ""
    digits = func.length(func.ltrim(col, "0"))
    return _Keys(
        (
            case((numeric, 0), else_=1),
            case((numeric, digits), else_=0),
            case((numeric, text(func.ltrim(col, "0"))), else_=""),
            text(col),
        )
    )


def _words(column: Column, text: Text, *then: Column) -> _Keys:
    """Text people read: case ignored first, then exact, then `then`."""
    return _Keys((text(func.lower(column)), text(column), *then), column.is_(None))


# what each sort key of a page orders by
SORT_KEYS: Final[dict[str, Callable[[Text], _Keys]]] = {
    "id": _entry_id,
    "device_type": lambda t: _Keys((t(_c.device_type),)),
    "manufacturer": lambda t: _words(_c.manufacturer_name, t, _c.manufacturer_id),
    "model": lambda t: _words(_c.model_name, t, _c.model_id),
    "hardware_version": lambda t: _Keys((_c.hardware_version,)),
    "firmware": lambda t: _Keys((_c.firmware_version,)),  # 8 hex digits, upper case
    "status": lambda t: _Keys((t(_c.status),)),
    "chipset_vendor": lambda t: _words(_c.zigbee_chipset_vendor, t),
    "stack_version": lambda t: _words(_c.zigbee_stack_version, t),
    "band": lambda t: _Keys((t(_c.zigbee_band),), _c.zigbee_band.is_(None)),
}


def order_by(order: EntryOrder | None, dialect: str) -> list[Column]:
    """The ORDER BY of `order` (None: by device model and firmware version) on `dialect`.

    Text compares by code point on both databases (PostgreSQL's "C" collation, SQLite's
    binary), so the order does not depend on the server's locale."""

    def text(column: Column) -> Column:
        return column.collate("C") if dialect == "postgresql" else column

    if order is None:
        return list(DEVICE_MODEL_ORDER)
    keys = SORT_KEYS[order.key](text)
    values = [v.desc() for v in keys.values] if order.descending else list(keys.values)
    missing = [] if keys.missing is None else [keys.missing]
    return [*missing, *values, *DEVICE_MODEL_ORDER]
