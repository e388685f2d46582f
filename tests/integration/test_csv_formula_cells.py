"""CSV exports neutralise cells a spreadsheet would run as formulas; imports restore them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from firpath.io.columns import MANUFACTURER_COLUMNS
from firpath.services.database import initialise
from firpath.services.fleet_plan import plan_fleet
from firpath.services.import_cpl import import_cpl_file
from firpath.services.manufacturer_contacts import (
    export_contacts,
    import_contacts,
    list_manufacturers,
)
from firpath.services.registry import export_cpl, show_entry
from firpath.store.engine import open_engine
from tests.integration.cpl_rows import row, write_cpl

RISKY = {
    "manufacturer_name": '=HYPERLINK("http://x","click")',
    "model_name": "+SUM(1,2)",
    "firmware_version_name": "-1.0",
    "notes": "@cmd",
    "release_notes": "'=already quoted",
    "zigbee_chipset_vendor": "''+two quotes",
    "zigbee_stack_version": "'plain quote",
}


def load_risky(engine: Engine, tmp_path: Path) -> None:
    """Store RISKY as it is (a JSON file: no CSV neutralising involved)."""
    path = tmp_path / "risky.json"
    path.write_text(json.dumps({"entries": [row("101", "01000000", **RISKY)]}))
    import_cpl_file(engine, path, actor="t")


def cells(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode())))


def fresh(tmp_path: Path, name: str) -> Engine:
    engine = open_engine(f"sqlite:///{tmp_path / name}")
    initialise(engine)
    return engine


def test_a_cpl_csv_export_neutralises_formula_cells(engine: Engine, tmp_path: Path) -> None:
    load_risky(engine, tmp_path)
    (exported,) = cells(export_cpl(engine, "csv"))
    assert exported["manufacturer_name"] == "'" + RISKY["manufacturer_name"]
    assert exported["model_name"] == "'+SUM(1,2)"
    assert exported["firmware_version_name"] == "'-1.0"
    assert exported["notes"] == "'@cmd"
    assert exported["release_notes"] == "''=already quoted"
    assert exported["zigbee_chipset_vendor"] == "'''+two quotes"
    assert exported["zigbee_stack_version"] == "'plain quote"  # not a formula: unchanged
    assert exported["cpl_entry_id"] == "101"


def test_a_cpl_csv_export_imports_back_exactly(engine: Engine, tmp_path: Path) -> None:
    load_risky(engine, tmp_path)
    first = export_cpl(engine, "csv")
    (tmp_path / "fir.csv").write_bytes(first)
    other = fresh(tmp_path, "other.db")
    import_cpl_file(other, tmp_path / "fir.csv", actor="t")
    stored = show_entry(other, "101").entry
    for field, value in RISKY.items():
        assert getattr(stored, field) == value, field
    assert export_cpl(other, "csv") == first
    other.dispose()


def test_the_xlsx_export_keeps_values_unprefixed(engine: Engine, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    load_risky(engine, tmp_path)
    (tmp_path / "fir.xlsx").write_bytes(export_cpl(engine, "xlsx"))
    sheet = load_workbook(tmp_path / "fir.xlsx", read_only=True).worksheets[0]
    header, values = list(sheet.iter_rows(values_only=True))
    by_column = dict(zip(header, values, strict=False))
    assert by_column["model_name"] == "+SUM(1,2)"
    assert by_column["release_notes"] == "'=already quoted"


def test_contacts_csv_neutralises_and_imports_back_exactly(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(
        ",".join(MANUFACTURER_COLUMNS)
        + '\n1234,=Northbridge,"@Ann, Sales",ann@example.com,+44 20 7946 0000\n'
    )
    import_contacts(engine, path, actor="t")
    exported = export_contacts(engine)
    (written,) = cells(exported)
    assert (written["manufacturer_name"], written["contact_name"], written["contact_phone"]) == (
        "'=Northbridge",
        "'@Ann, Sales",
        "'+44 20 7946 0000",
    )
    (tmp_path / "again.csv").write_bytes(exported)
    other = fresh(tmp_path, "other.db")
    import_contacts(other, tmp_path / "again.csv", actor="t")
    (stored,) = list_manufacturers(other)
    assert stored.contact_phone == "+44 20 7946 0000" and stored.manufacturer_name == "=Northbridge"
    assert export_contacts(other) == exported
    other.dispose()


def test_a_quote_before_ordinary_text_is_kept_on_import(engine: Engine, tmp_path: Path) -> None:
    path = write_cpl(tmp_path / "a.csv", [row("101", "01000000", notes="'quoted'")])
    import_cpl_file(engine, path, actor="t")
    assert show_entry(engine, "101").entry.notes == "'quoted'"


@pytest.mark.parametrize("plan_ext", [".csv", ".parquet"])
def test_plan_csv_neutralises_device_ids_and_parquet_keeps_them(
    engine: Engine, tmp_path: Path, plan_ext: str
) -> None:
    import_cpl_file(engine, write_cpl(tmp_path / "cpl.csv", [row("101", "01000000")]), actor="t")
    ids = ["=cmd|'/c calc'!A0", "'=quoted", "+44", "plain", "-1", "a,b"]
    fleet = tmp_path / "fleet.csv"
    pl.DataFrame({"device_id": ids, "cpl_entry_id": ["101"] * len(ids)}).write_csv(fleet)
    plan = tmp_path / f"plan{plan_ext}"
    plan_fleet(engine, fleet, plan)
    if plan_ext == ".csv":
        written = [r["device_id"] for r in cells(plan.read_bytes())]
        assert written == ["'=cmd|'/c calc'!A0", "''=quoted", "'+44", "plain", "'-1", "a,b"]
    else:
        assert pl.read_parquet(plan)["device_id"].to_list() == ids


def test_plan_csv_of_ordinary_device_ids_is_written_as_they_are(
    engine: Engine, tmp_path: Path
) -> None:
    import_cpl_file(engine, write_cpl(tmp_path / "cpl.csv", [row("101", "01000000")]), actor="t")
    fleet = tmp_path / "fleet.csv"
    fleet.write_text("device_id,cpl_entry_id\nd1,101\nd'2,101\n")
    plan_fleet(engine, fleet, tmp_path / "plan.csv")
    assert (tmp_path / "plan.csv").read_text().splitlines()[1:] == [
        "d1,up_to_date,101,101,0,",
        "d'2,up_to_date,101,101,0,",
    ]
