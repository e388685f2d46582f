"""Export -> import into an empty database -> export gives identical content, in all formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from firpath.io.columns import CPL_ALL_COLUMNS
from firpath.io.cpl_file import ExportFormat
from firpath.samples.catalogue import demo_catalogue
from firpath.services.database import initialise
from firpath.services.import_cpl import import_cpl_file, import_entries
from firpath.services.registry import export_cpl
from firpath.store.engine import open_engine


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    import_entries(engine, demo_catalogue(400, seed=7).entries, source="demo", actor="t")
    return engine


def xlsx_cells(content: bytes, tmp_path: Path) -> list[list[object]]:
    path = tmp_path / "cells.xlsx"
    path.write_bytes(content)
    book = load_workbook(path, read_only=True)
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_import_export_is_identical(
    demo_engine: Engine, tmp_path: Path, fmt: ExportFormat
) -> None:
    first = export_cpl(demo_engine, fmt)
    path = tmp_path / f"fir.{fmt}"
    path.write_bytes(first)
    fresh = open_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    initialise(fresh)
    report = import_cpl_file(fresh, path, actor="t")
    assert report.created == len(demo_catalogue(400, seed=7).entries)
    second = export_cpl(fresh, fmt)
    if fmt == "xlsx":  # the zip carries a timestamp; the cells must match
        assert xlsx_cells(first, tmp_path) == xlsx_cells(second, tmp_path)
    else:
        assert first == second
    fresh.dispose()


def test_json_export_has_design_shape(demo_engine: Engine) -> None:
    document = json.loads(export_cpl(demo_engine, "json"))
    entries = document["entries"]
    assert set(entries[0]) == set(CPL_ALL_COLUMNS)
    forms = {type(e["upgrade_from"]).__name__ for e in entries}
    assert forms == {"list", "str", "NoneType"}
    assert {e["upgrade_from"] for e in entries if isinstance(e["upgrade_from"], str)} == {"N/A"}
    bands = {e["zigbee_band"] for e in entries}
    assert None in bands and "2_4GHZ_ONLY" in bands and "Dual Band" not in bands


def test_csv_export_keeps_na_and_not_provided_apart(demo_engine: Engine) -> None:
    lines = export_cpl(demo_engine, "csv").decode().splitlines()
    column = lines[0].split(",").index("upgrade_from")
    values = {line.split(",")[column] for line in lines[1:]}
    assert "N/A" in values and "" in values


def test_xlsx_keeps_text_that_looks_like_a_formula(engine: Engine, tmp_path: Path) -> None:
    from tests.integration.cpl_rows import row, write_cpl

    rows = [row("101", "01000000", notes="=1+1", release_notes='=HYPERLINK("x")')]
    import_cpl_file(engine, write_cpl(tmp_path / "a.csv", rows), actor="t")
    path = tmp_path / "fir.xlsx"
    path.write_bytes(export_cpl(engine, "xlsx"))
    fresh = open_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    initialise(fresh)
    import_cpl_file(fresh, path, actor="t")
    document = json.loads(export_cpl(fresh, "json"))
    assert document["entries"][0]["notes"] == "=1+1"
    assert document["entries"][0]["release_notes"] == '=HYPERLINK("x")'
    fresh.dispose()
