"""The manufacturer contacts file (CSV or XLSX in, CSV out)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from firpath.domain.errors import Defect, InvalidInput, UnreadableFile
from firpath.domain.manufacturer import Manufacturer
from firpath.io.columns import MANUFACTURER_COLUMNS, match_header
from firpath.io.sheets import read_bytes, read_csv, read_xlsx, sniff_format, write_csv


def read_manufacturers(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a contacts file by canonical column; a bad layout lists every defect."""
    content = read_bytes(path)
    fmt = sniff_format(path, content[:8])
    if fmt == "json":
        raise UnreadableFile(f"{path}: contacts are read from CSV or XLSX, not JSON")
    sheet = read_xlsx(path, content) if fmt == "xlsx" else read_csv(path, content)
    header, defects = match_header(sheet.header, MANUFACTURER_COLUMNS, ("manufacturer_id",))
    records: list[tuple[int, dict[str, str]]] = []
    for number, cells in sheet.rows:
        if len(cells) != len(header.columns):
            defects.append(
                Defect(
                    f"has {len(cells)} cells but the header has {len(header.columns)} columns",
                    number,
                )
            )
            continue
        records.append((number, dict(zip(header.columns, cells, strict=True))))
    if defects:
        raise InvalidInput(defects, "the contacts file's layout is wrong")
    return records


def render_manufacturers(items: Sequence[Manufacturer]) -> bytes:
    """Contacts as CSV bytes."""
    return write_csv(
        MANUFACTURER_COLUMNS,
        ([getattr(m, c) or "" for c in MANUFACTURER_COLUMNS] for m in items),
    )
