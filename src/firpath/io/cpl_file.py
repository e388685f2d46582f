"""The CPL file: reading records from CSV/XLSX/JSON and writing the FIR export."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from firpath.documents import entry_document
from firpath.domain.entry import CplEntry
from firpath.domain.errors import Defect, InvalidInput
from firpath.domain.record import entry_to_record
from firpath.io.chase_list_file import is_backfill_header
from firpath.io.columns import CPL_ALL_COLUMNS, CPL_REQUIRED_COLUMNS, ZERO_PADDED, match_header
from firpath.io.formats import ExportFormat as ExportFormat
from firpath.io.sheets import RecordMaker, Sheet, open_sheet, read_head, sniff_format, write_csv
from firpath.io.sheets import write_xlsx as sheet_to_xlsx

JSON_SCHEMA: Final = "firpath.cpl/1"


@dataclass(frozen=True, slots=True)
class CplRecords:
    """The records of a CPL file with their row numbers: text by canonical column, holding
    only the columns the file (or, in JSON, that entry) gives."""

    records: list[tuple[int, dict[str, str]]]
    file_format: str
    kind: Literal["cpl", "backfill"] = "cpl"  # backfill: a returned chase list


def read_cpl(path: Path) -> CplRecords:
    """Read a CPL file (CSV, XLSX or JSON) row by row; a bad header or shape lists every
    defect, and a file larger than any CPL (columns, rows, cells) is refused in one line."""
    fmt = sniff_format(path, read_head(path))
    if fmt == "json":
        from firpath.io.cpl_json import read_json_records

        return CplRecords(read_json_records(path), "json")
    with open_sheet(path, fmt) as sheet:
        return _records_from_sheet(path, sheet, fmt)


def _records_from_sheet(path: Path, sheet: Sheet, fmt: str) -> CplRecords:
    names = list(sheet.header)
    while names and not names[-1].strip():  # spreadsheets often save an empty last column
        names.pop()
    backfill = is_backfill_header(names)  # a chase list needs only the CPL Entry ID
    required = ("cpl_entry_id",) if backfill else CPL_REQUIRED_COLUMNS
    header, problems = match_header(names, CPL_ALL_COLUMNS, required)
    if problems:  # rows cannot be read against a wrong header: say so before reading them
        raise InvalidInput(problems, "the CPL file's layout is wrong")
    defects = sheet.defects
    columns = header.columns
    width = len(columns)
    records: list[tuple[int, dict[str, str]]] = []
    maker = RecordMaker(path, sheet.held_bytes, ZERO_PADDED)
    for number, cells in sheet.rows:
        if len(cells) != width:
            if len(cells) > width and not any(cells[width:]):
                cells = cells[:width]
            else:
                defects.add(
                    Defect(
                        f"has {len(cells)} cells but the header has {width} columns",
                        number,
                        None,
                        cells[0].strip().upper() if cells else None,
                        None,
                    )
                )
                continue
        records.append((number, maker.make(zip(columns, cells, strict=True))))
    if defects:
        raise InvalidInput(defects, "rows of the CPL file cannot be read")
    return CplRecords(records, fmt, "backfill" if backfill else "cpl")


def _rows(entries: Iterable[CplEntry]) -> Iterable[list[str]]:
    for entry in entries:
        record = entry_to_record(entry)
        yield [record[c] for c in CPL_ALL_COLUMNS]


def render_cpl(entries: Sequence[CplEntry], fmt: ExportFormat) -> bytes:
    """The FIR as CSV, XLSX or JSON bytes, entries in the order given."""
    if fmt == "csv":
        return write_csv(CPL_ALL_COLUMNS, _rows(entries))
    if fmt == "xlsx":
        return sheet_to_xlsx(CPL_ALL_COLUMNS, _rows(entries), "CPL")
    document = {
        "schema": JSON_SCHEMA,
        "entry_count": len(entries),
        "entries": [entry_document(e, missing=False) for e in entries],
    }
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
