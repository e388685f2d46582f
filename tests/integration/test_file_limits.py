"""Files larger than any CPL file are refused in one line, early, and nothing is imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from firpath.domain.errors import InvalidInput, UnreadableFile
from firpath.io import xlsx_sheet
from firpath.io.columns import CPL_ALL_COLUMNS, CPL_COLUMNS
from firpath.services.import_cpl import import_cpl_file
from firpath.store.tables import cpl_entries
from tests.integration.cpl_rows import row, write_cpl
from tests.integration.xlsx_parts import text_row, write_xlsx_parts

HEADER = ",".join(CPL_ALL_COLUMNS)


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(cpl_entries)).scalar_one())


def refused(engine: Engine, path: Path, message: str) -> str:
    """Import `path`, expecting a one-line refusal containing `message`; nothing stored."""
    with pytest.raises(UnreadableFile, match=message) as caught:
        import_cpl_file(engine, path, actor="t")
    assert "\n" not in str(caught.value)
    assert count(engine) == 0
    return str(caught.value)


def valid_cells() -> list[str]:
    r = row("101", "01000000")
    return [r.get(c, "") for c in CPL_COLUMNS]


def test_a_csv_header_of_more_than_200_columns_is_refused_before_any_row(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(201)) + "\n" + "bad,row\n" * 1000)
    refused(engine, path, "more than 200 columns")


def test_a_csv_header_of_200_unknown_columns_is_one_layout_error_not_row_errors(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "unknown.csv"
    path.write_text(",".join(f"c{i}" for i in range(200)) + "\n" + "x\n" * 1000)
    with pytest.raises(InvalidInput) as caught:
        import_cpl_file(engine, path, actor="t")
    assert {d.row for d in caught.value.defects} == {1}


def test_an_xlsx_header_of_more_than_200_columns_is_refused(engine: Engine, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([f"c{i}" for i in range(201)])
    book.save(tmp_path / "wide.xlsx")
    refused(engine, tmp_path / "wide.xlsx", "more than 200 columns")


def test_an_xlsx_sheet_declared_wider_than_200_columns_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_xlsx_parts(
        tmp_path / "declared.xlsx", [text_row(1, list(CPL_COLUMNS))], dimension="A1:XFD2"
    )
    refused(engine, path, "more than 200 columns")


def test_an_xlsx_row_of_more_than_200_cells_is_refused_before_openpyxl_reads_it(
    engine: Engine, tmp_path: Path
) -> None:
    styled = "".join(f'<c r="{i}" s="0"/>' for i in range(5000))
    rows = [text_row(1, list(CPL_COLUMNS)), f'<row r="2">{styled}</row>']
    refused(engine, write_xlsx_parts(tmp_path / "cells.xlsx", rows), "more than 200 columns")


def test_an_xlsx_value_beyond_column_200_is_refused_not_dropped(
    engine: Engine, tmp_path: Path
) -> None:
    far = '<row r="2"><c r="A2" t="inlineStr"><is><t>101</t></is></c>'
    far += '<c r="ZZ2" t="inlineStr"><is><t>hidden</t></is></c></row>'
    rows = [text_row(1, list(CPL_COLUMNS)), far]
    refused(engine, write_xlsx_parts(tmp_path / "far.xlsx", rows), "more than 200 columns")


def test_a_csv_of_more_than_200000_rows_is_refused_in_one_line(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "long.csv"
    path.write_text(HEADER + "\n" + "x\n" * 200_001)
    message = refused(engine, path, "more than 200,000 rows")
    assert "import it in parts" in message


def test_200000_blank_lines_count_as_rows(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text(HEADER + "\n" + "\n" * 200_001)
    refused(engine, path, "more than 200,000 rows")


def test_an_xlsx_of_more_than_200000_rows_is_refused(engine: Engine, tmp_path: Path) -> None:
    rows = [text_row(1, list(CPL_COLUMNS))]
    rows += (
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>'
        for n in range(2, 200_003)
    )  # type: ignore[arg-type]
    refused(engine, write_xlsx_parts(tmp_path / "long.xlsx", rows), "more than 200,000 rows")


def test_an_xlsx_row_numbered_past_200001_is_refused(engine: Engine, tmp_path: Path) -> None:
    rows = [text_row(1, list(CPL_COLUMNS)), text_row(2, valid_cells())]
    rows.append('<row r="900000"><c r="A900000" t="inlineStr"><is><t>x</t></is></c></row>')
    refused(engine, write_xlsx_parts(tmp_path / "jump.xlsx", rows), "more than 200,000 rows")


def test_a_cell_longer_than_100000_characters_is_refused_naming_its_line(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_cpl(tmp_path / "a.csv", [row("101", "01000000")])
    with path.open("a") as f:
        f.write('"' + "n" * 100_001 + '",x\n')
    message = refused(engine, path, "longer than 100,000 characters")
    assert "line 3" in message


def test_a_line_longer_than_a_million_characters_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = write_cpl(tmp_path / "a.csv", [row("101", "01000000")])
    with path.open("a") as f:
        f.write(",".join(["x" * 50_000] * 21) + "\n")
    refused(engine, path, "line 3 is longer than 1,000,000 characters")


def test_bytes_that_are_not_utf8_deep_in_a_csv_are_named_by_offset(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_cpl(
        tmp_path / "a.csv", [row(str(100 + i), f"{i:08X}", notes="n" * 300) for i in range(8000)]
    )
    content = path.read_bytes()
    offset = len(content) - 100
    path.write_bytes(content[:offset] + b"\xe9" + content[offset + 1 :])
    message = refused(engine, path, "not UTF-8")
    assert f"byte 0xE9 at offset {offset}" in message


@pytest.mark.parametrize(
    ("setting", "message"),
    [("MAX_PART", "larger than 0 MB unpacked"), ("MAX_ROW_XML", "larger than 0 MB")],
)
def test_xlsx_parts_and_rows_over_their_limits_are_refused(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, message: str
) -> None:
    monkeypatch.setattr(xlsx_sheet, setting, 100)
    rows = [text_row(1, list(CPL_COLUMNS)), text_row(2, valid_cells())]
    path = write_xlsx_parts(tmp_path / "parts.xlsx", rows, shared_strings=["x" * 200])
    refused(engine, path, message)


def test_a_valid_xlsx_written_part_by_part_imports(engine: Engine, tmp_path: Path) -> None:
    rows = [text_row(1, list(CPL_COLUMNS)), text_row(2, valid_cells())]
    path = write_xlsx_parts(tmp_path / "ok.xlsx", rows, dimension="A1:Q2")
    assert import_cpl_file(engine, path, actor="t").created == 1


def test_a_csv_data_row_of_more_than_200_cells_is_refused_naming_its_line(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_cpl(tmp_path / "a.csv", [row("101", "01000000")])
    with path.open("a") as f:
        f.write('"\n",' * 300 + "\n")
    refused(engine, path, "line 303 has more than 200 columns")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_a_file_whose_text_would_not_fit_in_memory_is_refused(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    import json

    from firpath.io import sheets

    monkeypatch.setattr(sheets, "MAX_TEXT_BYTES", 50_000)
    rows = [row(str(100 + i), f"{i:08X}", notes=f"{i} " + "n" * 2000) for i in range(40)]
    if fmt == "csv":
        path = write_cpl(tmp_path / "a.csv", rows)
    elif fmt == "json":
        path = tmp_path / "a.json"
        path.write_text(json.dumps({"entries": rows}))
    else:
        lines = [text_row(1, list(CPL_COLUMNS))]
        lines += [text_row(n, [r.get(c, "") for c in CPL_COLUMNS]) for n, r in enumerate(rows, 2)]
        path = write_xlsx_parts(tmp_path / "a.xlsx", lines)
    message = refused(engine, path, "more text than firpath imports at once")
    assert "import it in parts" in message


def test_xlsx_shared_strings_count_towards_the_text_in_memory(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from firpath.io import sheets

    monkeypatch.setattr(sheets, "MAX_TEXT_BYTES", 200_000)
    rows = [text_row(1, list(CPL_COLUMNS)), text_row(2, valid_cells())]
    path = write_xlsx_parts(tmp_path / "s.xlsx", rows, shared_strings=["s" * 100] * 2000)
    refused(engine, path, "more text than firpath imports at once")


def test_an_xlsx_of_more_parts_than_a_workbook_has_is_refused_before_unzipping(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_sheet, "MAX_PARTS", 5)
    rows = [text_row(1, list(CPL_COLUMNS)), text_row(2, valid_cells())]
    path = write_xlsx_parts(tmp_path / "p.xlsx", rows, extra_parts={"x/1": b"", "x/2": b""})
    refused(engine, path, "more than 5 parts")
