"""The manufacturer contacts file (CSV or XLSX in, CSV out)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from firpath.domain.errors import Defect, InvalidInput, UnreadableFile
from firpath.domain.manufacturer import Manufacturer
from firpath.io.columns import MANUFACTURER_COLUMNS, match_header
from firpath.io.sheets import Sheet, open_sheet, read_head, sniff_format, write_csv


def read_manufacturers(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a contacts file by canonical column; a bad layout lists every defect."""
    fmt = sniff_format(path, read_head(path))
    if fmt == "json":
        raise UnreadableFile(f"{path}: contacts are read from CSV or XLSX, not JSON")
    with open_sheet(path, fmt) as sheet:
        return _records(sheet)


def _records(sheet: Sheet) -> list[tuple[int, dict[str, str]]]:
    header, problems = match_header(sheet.header, MANUFACTURER_COLUMNS, ("manufacturer_id",))
    if problems:
        raise InvalidInput(problems, "the contacts file's layout is wrong")
    defects = sheet.defects
    records: list[tuple[int, dict[str, str]]] = []
    for number, cells in sheet.rows:
        if len(cells) != len(header.columns):
            defects.add(
                Defect(
                    f"has {len(cells)} cells but the header has {len(header.columns)} columns",
                    number,
                )
            )
            continue
        records.append((number, dict(zip(header.columns, cells, strict=True))))
    if defects:
        raise InvalidInput(defects, "rows of the contacts file cannot be read")
    return records


def render_manufacturers(items: Sequence[Manufacturer]) -> bytes:
    """Contacts as CSV bytes."""
    return write_csv(
        MANUFACTURER_COLUMNS,
        ([getattr(m, c) or "" for c in MANUFACTURER_COLUMNS] for m in items),
    )
