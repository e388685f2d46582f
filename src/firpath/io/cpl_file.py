"""The CPL file: reading records from CSV/XLSX/JSON and writing the FIR export."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from firpath.domain.entry import CplEntry
from firpath.domain.errors import Defect, FieldInvalid, InvalidInput, UnreadableFile
from firpath.domain.record import entry_to_record
from firpath.domain.upgrade_from import upgrade_from_json
from firpath.io.chase_list_file import is_backfill_header
from firpath.io.columns import CPL_ALL_COLUMNS, CPL_COLUMNS, match_header
from firpath.io.sheets import Sheet, read_bytes, read_csv, read_xlsx, sniff_format, write_csv
from firpath.io.sheets import write_xlsx as sheet_to_xlsx

ExportFormat = Literal["csv", "xlsx", "json"]
JSON_SCHEMA: Final = "firpath.cpl/1"


@dataclass(frozen=True, slots=True)
class CplRecords:
    """The records of a CPL file with their row numbers: text by canonical column, holding
    only the columns the file (or, in JSON, that entry) gives."""

    records: list[tuple[int, dict[str, str]]]
    file_format: str
    kind: Literal["cpl", "backfill"] = "cpl"  # backfill: a returned chase list


def read_cpl(path: Path) -> CplRecords:
    """Read a CPL file (CSV, XLSX or JSON); a bad header or shape lists every defect."""
    content = read_bytes(path)
    fmt = sniff_format(path, content[:8])
    if fmt == "json":
        return _read_json(path, content)
    sheet = read_xlsx(path, content) if fmt == "xlsx" else read_csv(path, content)
    return _records_from_sheet(sheet, fmt)


def _records_from_sheet(sheet: Sheet, fmt: str) -> CplRecords:
    names = list(sheet.header)
    while names and not names[-1].strip():  # spreadsheets often save an empty last column
        names.pop()
    backfill = is_backfill_header(names)  # a chase list needs only the CPL Entry ID
    required = ("cpl_entry_id",) if backfill else CPL_COLUMNS
    header, defects = match_header(names, CPL_ALL_COLUMNS, required)
    columns = header.columns
    width = len(columns)
    records: list[tuple[int, dict[str, str]]] = []
    for number, cells in sheet.rows:
        if len(cells) != width:
            if len(cells) > width and not any(cells[width:]):
                cells = cells[:width]
            else:
                defects.append(
                    Defect(
                        f"has {len(cells)} cells but the header has {width} columns",
                        number,
                        None,
                        cells[0].strip().upper() if cells else None,
                        None,
                    )
                )
                continue
        records.append((number, dict(zip(columns, cells, strict=True))))
    if defects:
        raise InvalidInput(defects, "the CPL file's layout is wrong")
    return CplRecords(records, fmt, "backfill" if backfill else "cpl")


def _json_text(key: str, value: Any, row: int, defects: list[Defect]) -> str:
    if value is None:
        return ""
    if key == "upgrade_from" and isinstance(value, list):
        try:
            return upgrade_from_json(value).to_text()
        except FieldInvalid as err:
            defects.append(Defect(err.message, row, key, None, err.value))
            return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    defects.append(Defect("must be a string or null", row, key, None, repr(value)[:80]))
    return ""


def _read_json(path: Path, content: bytes) -> CplRecords:
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UnreadableFile(f"{path}: not UTF-8 text, so not a JSON CPL file") from None
    except json.JSONDecodeError as err:
        raise UnreadableFile(f"{path}: not valid JSON (line {err.lineno}: {err.msg})") from None
    except RecursionError:
        raise UnreadableFile(f"{path}: JSON nested too deeply to be a CPL file") from None
    entries = document.get("entries") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise UnreadableFile(f'{path}: a JSON CPL file is {{"entries": [...]}}')
    defects: list[Defect] = []
    records: list[tuple[int, dict[str, str]]] = []
    allowed = set(CPL_ALL_COLUMNS)
    for number, item in enumerate(entries, start=1):
        if not isinstance(item, dict):
            defects.append(Defect("each entry must be an object", number, None, None, None))
            continue
        for key in item:
            if key not in allowed:
                defects.append(Defect("unknown key", number, key, None, key))
        missing = [c for c in CPL_COLUMNS if c not in item]
        for key in missing:
            defects.append(Defect("required key is missing", number, key, None, None))
        records.append(
            (
                number,
                {k: _json_text(k, v, number, defects) for k, v in item.items() if k in allowed},
            )
        )
    if defects:
        raise InvalidInput(defects, "the JSON CPL file's layout is wrong (row = entry number)")
    return CplRecords(records, "json")


def _rows(entries: Iterable[CplEntry]) -> Iterable[list[str]]:
    for entry in entries:
        record = entry_to_record(entry)
        yield [record[c] for c in CPL_ALL_COLUMNS]


def entry_json(entry: CplEntry) -> dict[str, Any]:
    """One entry as in the JSON export (DESIGN section 5)."""
    record: dict[str, Any] = {
        k: (v if v != "" else None) for k, v in entry_to_record(entry).items()
    }
    record["upgrade_from"] = entry.upgrade_from.to_json()
    return record


def render_cpl(entries: Sequence[CplEntry], fmt: ExportFormat) -> bytes:
    """The FIR as CSV, XLSX or JSON bytes, entries in the order given."""
    if fmt == "csv":
        return write_csv(CPL_ALL_COLUMNS, _rows(entries))
    if fmt == "xlsx":
        return sheet_to_xlsx(CPL_ALL_COLUMNS, _rows(entries), "CPL")
    document = {
        "schema": JSON_SCHEMA,
        "entry_count": len(entries),
        "entries": [entry_json(e) for e in entries],
    }
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
