"""XLSX formula cells: the saved value is imported; a formula with none is an error naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine

from firpath.domain.errors import InvalidInput
from firpath.io.columns import CPL_COLUMNS
from firpath.services.import_cpl import import_cpl_file
from firpath.services.registry import show_entry
from tests.integration.cpl_rows import row
from tests.integration.xlsx_parts import text_row, write_xlsx_parts

assert CPL_COLUMNS[16] == "notes"  # column Q


def sheet_with_notes_cell(tmp_path: Path, notes_cell: str) -> Path:
    """A one-entry CPL sheet whose notes cell (Q2) is the XML given."""
    cells = [row("101", "01000000").get(c, "") for c in CPL_COLUMNS[:16]]
    data = text_row(2, cells).replace("</row>", notes_cell + "</row>")
    return write_xlsx_parts(tmp_path / "f.xlsx", [text_row(1, list(CPL_COLUMNS)), data])


def test_a_formula_with_a_saved_value_imports_the_value(engine: Engine, tmp_path: Path) -> None:
    path = sheet_with_notes_cell(
        tmp_path, '<c r="Q2" t="str"><f>"fix"&amp;"ed"</f><v>fixed</v></c>'
    )
    import_cpl_file(engine, path, actor="t")
    assert show_entry(engine, "101").entry.notes == "fixed"


def test_a_formula_whose_saved_value_is_empty_text_imports_as_empty(
    engine: Engine, tmp_path: Path
) -> None:
    path = sheet_with_notes_cell(tmp_path, '<c r="Q2" t="str"><f>""</f><v></v></c>')
    import_cpl_file(engine, path, actor="t")
    assert show_entry(engine, "101").entry.notes is None


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="Q2"><f>A2&amp;"x"</f><v></v></c>',  # as openpyxl and scripts write it
        '<c r="Q2"><f>A2&amp;"x"</f></c>',
        '<c r="Q2" s="0"><f>A2&amp;"x"</f><v/></c>',
    ],
)
def test_a_formula_without_a_saved_value_is_an_error_naming_the_cell(
    engine: Engine, tmp_path: Path, cell: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        import_cpl_file(engine, sheet_with_notes_cell(tmp_path, cell), actor="t")
    (defect,) = caught.value.defects
    assert (defect.row, defect.field, defect.value) == (2, "notes", '=A2&"x"')
    assert "cell Q2" in defect.message and "no saved value" in defect.message


def test_a_workbook_saved_by_openpyxl_with_formulas_names_every_such_cell(
    engine: Engine, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(CPL_COLUMNS))
    for number in range(2, 5):
        cells: list[object] = [
            row(str(100 + number), f"0100000{number}").get(c, "") for c in CPL_COLUMNS
        ]
        cells[0] = f"=ROW()+{100}"
        sheet.append(cells)
    book.save(tmp_path / "scripted.xlsx")
    with pytest.raises(InvalidInput) as caught:
        import_cpl_file(engine, tmp_path / "scripted.xlsx", actor="t")
    found = [(d.row, d.field, d.value) for d in caught.value.defects]
    assert found == [(n, "cpl_entry_id", "=ROW()+100") for n in (2, 3, 4)]
    assert "cell A2" in caught.value.defects[0].message


def test_text_that_starts_with_equals_is_text_not_a_formula(engine: Engine, tmp_path: Path) -> None:
    path = sheet_with_notes_cell(tmp_path, '<c r="Q2" t="inlineStr"><is><t>=1+1</t></is></c>')
    import_cpl_file(engine, path, actor="t")
    assert show_entry(engine, "101").entry.notes == "=1+1"
