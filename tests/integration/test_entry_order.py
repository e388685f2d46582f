"""Entries sorted by the database (every sort key, both ways, both databases) in the order a
plain Python sort gives, pages that add up to the whole list, and the filtered export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from firpath.domain.entry import CplEntry
from firpath.domain.errors import FieldInvalid
from firpath.domain.values import entry_id_order
from firpath.services.import_cpl import import_cpl_file
from firpath.services.registry import (
    browse_entries,
    entry_filter,
    entry_order,
    export_cpl,
    list_entries,
)
from firpath.store.entries import EntryFilter
from firpath.store.entry_order import SORT_KEYS
from tests.api_harness import DemoRegistry
from tests.integration.cpl_rows import row, write_cpl


def _words(value: str | None) -> tuple[str, str]:
    return (value.lower(), value) if value is not None else ("", "")


# the same orders, written as Python: (is the value missing, the value's key)
PYTHON_KEYS: dict[str, Callable[[CplEntry], tuple[bool, Any]]] = {
    "id": lambda e: (False, entry_id_order(e.cpl_entry_id)),
    "device_type": lambda e: (False, e.device_type.value),
    "manufacturer": lambda e: (
        e.manufacturer_name is None,
        (*_words(e.manufacturer_name), e.manufacturer_id),
    ),
    "model": lambda e: (e.model_name is None, (*_words(e.model_name), e.model_id)),
    "hardware_version": lambda e: (False, e.hardware_version),
    "firmware": lambda e: (False, int(e.firmware_version, 16)),
    "status": lambda e: (False, e.status.value),
    "chipset_vendor": lambda e: (
        e.zigbee_chipset_vendor is None,
        _words(e.zigbee_chipset_vendor),
    ),
    "stack_version": lambda e: (e.zigbee_stack_version is None, _words(e.zigbee_stack_version)),
    "band": lambda e: (e.zigbee_band is None, e.zigbee_band.value if e.zigbee_band else ""),
}


def _python_order(entries: list[CplEntry], key: str, descending: bool) -> list[str]:
    """Missing values last; the values ascending or descending; ties by device model and
    firmware version, then ID (each sort is stable, so the earlier ones break its ties)."""
    by_model = sorted(
        entries,
        key=lambda e: (
            e.manufacturer_id,
            e.model_id,
            e.hardware_version,
            e.firmware_version,
            e.cpl_entry_id,
        ),
    )
    by_value = sorted(by_model, key=lambda e: PYTHON_KEYS[key](e)[1], reverse=descending)
    return [e.cpl_entry_id for e in sorted(by_value, key=lambda e: PYTHON_KEYS[key](e)[0])]


def test_every_sort_key_has_a_python_twin() -> None:
    assert set(PYTHON_KEYS) == set(SORT_KEYS)


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("key", sorted(SORT_KEYS))
def test_the_database_sorts_as_python_does(
    registry: DemoRegistry, key: str, descending: bool
) -> None:
    everything = list_entries(registry.engine, EntryFilter())
    order = entry_order(key, "desc" if descending else "asc")
    found = browse_entries(registry.engine, EntryFilter(), 1, 10_000, order)
    assert found.total == len(everything)
    assert [e.cpl_entry_id for e in found.entries] == _python_order(everything, key, descending)


def test_the_demo_has_what_the_orders_must_handle(registry: DemoRegistry) -> None:
    everything = list_entries(registry.engine, EntryFilter())
    assert any(e.zigbee_chipset_vendor is None for e in everything)  # NULLs last
    assert any(e.zigbee_band is None for e in everything)
    assert len({e.manufacturer_name for e in everything}) > 5


@pytest.mark.parametrize("key", ["manufacturer", "firmware", "chipset_vendor", "id"])
def test_pages_of_a_sorted_filter_add_up_to_the_whole_list(
    registry: DemoRegistry, key: str
) -> None:
    flt = entry_filter(device_type="ESME")
    order = entry_order(key, "desc")
    whole = browse_entries(registry.engine, flt, 1, 10_000, order)
    pages = [browse_entries(registry.engine, flt, n, 37, order) for n in range(1, 20)]
    assert [e.cpl_entry_id for p in pages for e in p.entries] == [
        e.cpl_entry_id for e in whole.entries
    ]
    assert all(p.total == whole.total for p in pages)


@pytest.mark.parametrize(
    ("sort", "direction", "field"),
    [("bogus", None, "sort"), ("id", "sideways", "dir"), ("firmware; drop", "asc", "sort")],
)
def test_an_unknown_order_names_the_field(sort: str, direction: str | None, field: str) -> None:
    with pytest.raises(FieldInvalid) as raised:
        entry_order(sort, direction)
    assert raised.value.field == field


def test_no_sort_key_is_the_device_model_order() -> None:
    assert entry_order(None) is None
    assert entry_order("  ", "desc") is None
    assert entry_order("Firmware", "DESC") == entry_order("firmware", "desc")


def test_a_filtered_export_holds_exactly_the_matching_entries(registry: DemoRegistry) -> None:
    flt = entry_filter(device_type="GSME", status="removed")
    wanted = sorted(
        (e.cpl_entry_id for e in list_entries(registry.engine, flt)), key=entry_id_order
    )
    assert wanted
    document = json.loads(export_cpl(registry.engine, "json", flt))
    assert [e["cpl_entry_id"] for e in document["entries"]] == wanted
    assert document["entry_count"] == len(wanted)
    rows = list(csv.DictReader(io.StringIO(export_cpl(registry.engine, "csv", flt).decode())))
    assert [r["cpl_entry_id"] for r in rows] == wanted
    # no filter, or one that narrows nothing: the whole FIR, as before
    assert export_cpl(registry.engine, "csv", EntryFilter()) == export_cpl(registry.engine, "csv")


def test_entry_ids_sort_numbers_by_value_then_the_others_by_text(
    engine: Engine, tmp_path: Path
) -> None:
    ids = ["7", "0012", "13", "012", "11", "9", "A12", "a-1", "B.2", "100", "10", "A2"]
    rows = [row(entry_id, f"0100{n:04X}") for n, entry_id in enumerate(ids)]
    report = import_cpl_file(engine, write_cpl(tmp_path / "ids.csv", rows), actor="test")
    assert report.created == len(ids), report
    stored = [e.cpl_entry_id for e in list_entries(engine, EntryFilter())]
    expected = sorted(stored, key=entry_id_order)
    for way, wanted in (("asc", expected), ("desc", expected[::-1])):
        found = browse_entries(engine, EntryFilter(), 1, 100, entry_order("id", way))
        assert [e.cpl_entry_id for e in found.entries] == wanted, way
