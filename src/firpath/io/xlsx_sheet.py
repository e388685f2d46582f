"""Reading the first sheet of an XLSX file: streamed, after its size and shape are checked.

openpyxl's read-only mode streams a sheet's rows, but it still holds a whole row, the
shared strings and the styles in memory, and reads other sheets at load. So before
openpyxl reads anything, the zip's parts are checked against limits no CPL file comes near,
and the first sheet's XML is scanned once as bytes (fast, constant memory) for its rows,
their width, and formula cells that have no saved value (openpyxl reads those as empty).
Other sheets are never read.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import sys
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Final

from firpath.domain.errors import MAX_DEFECTS_KEPT, Defect, DefectLog, UnreadableFile
from firpath.io.sheets import (
    MAX_COLUMNS,
    MAX_ROWS,
    Sheet,
    open_binary,
    text_bytes,
    too_many_columns,
    too_many_rows,
)

MAX_PART: Final = 64 << 20  # bytes of a part read whole (shared strings, styles, workbook)
MAX_ROW_XML: Final = 16 << 20  # bytes of one row's XML (and of the XML around the rows)
MAX_PARTS: Final = 10_000  # files in the zip (a workbook has a few dozen)
_END_SEARCH: Final = 22 + 65_535  # the zip's end record and its longest comment
_CHUNK: Final = 1 << 20
_MB: Final = 1 << 20


@dataclass(slots=True)
class _Scan:
    """What the byte scan of a sheet found."""

    rows: int = 0
    unsaved_formulas: list[tuple[str, str]] = field(default_factory=list)  # (cell, formula)
    unsaved_count: int = 0


def _column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _SheetScanner:
    """Scans a sheet's XML bytes: rows, cells per row, the dimension, unsaved formulas."""

    def __init__(self, path: Path, prefix: bytes, max_rows: int, advice: str) -> None:
        p = re.escape(prefix)
        self.path = path
        self.max_rows = max_rows
        self.advice = advice
        self.row_start = re.compile(b"<" + p + rb"row(?=[\s>/])")
        self.row_tag = b"<" + prefix + b"row"
        self.cell_tags = tuple(b"<" + prefix + b"c" + end for end in (b" ", b">", b"/"))
        self.formula_hint = b"<" + prefix + b"f"
        self.formula = re.compile(b"<" + p + rb"f[\s>/]")
        self.cell = re.compile(b"<" + p + rb"c\b([^>]*?)(?:/>|>(.*?)</" + p + rb"c>)", re.S)
        self.value = re.compile(b"<" + p + rb"v\b[^>]*>[^<]|<" + p + rb"is\b")
        self.formula_text = re.compile(b"<" + p + rb"f\b[^>]*?(?:/>|>(.*?)</" + p + rb"f>)", re.S)
        self.dimension = re.compile(
            b"<" + p + rb'dimension\s[^>]*?ref="\$?([A-Za-z]*)\$?\d*(?::\$?([A-Za-z]*)\$?\d*)?"'
        )
        self.scan = _Scan()
        self._row_bytes = 0
        self._row_cells = 0
        self._head = True

    def feed(self, block: bytes) -> None:
        """Scan whole rows (the block ends where a row starts, or at the end of the part)."""
        pieces = self.row_start.split(block)
        self._continue(pieces[0])
        for piece in pieces[1:]:
            self._end_row()
            self.scan.rows += 1
            if self.scan.rows > self.max_rows + 1:
                raise too_many_rows(self.path, self.max_rows, self.advice)
            self._continue(piece)

    def finish(self) -> _Scan:
        """The findings, once the whole part is fed."""
        self._end_row()
        return self.scan

    def _continue(self, piece: bytes) -> None:
        if self._head:
            found = self.dimension.search(piece)  # the sheet's own claim of its extent
            last = (found.group(2) or found.group(1)) if found else b""
            if last and _column_number(last.decode()) > MAX_COLUMNS:
                raise too_many_columns(self.path)
        self._row_bytes += len(piece)
        if self._row_bytes > MAX_ROW_XML:
            raise UnreadableFile(
                f"{self.path}: a row of the first sheet (or the XML around its rows) is larger "
                f"than {MAX_ROW_XML // _MB} MB"
            )
        self._row_cells += sum(piece.count(tag) for tag in self.cell_tags)
        if self._row_cells > MAX_COLUMNS:
            raise too_many_columns(self.path, f"row {max(self.scan.rows, 1)} has")
        if self.formula_hint in piece and self.formula.search(piece):
            self._unsaved_formulas(piece)

    def _end_row(self) -> None:
        self._head = False
        self._row_bytes = 0
        self._row_cells = 0

    def _unsaved_formulas(self, piece: bytes) -> None:
        position = 0
        for cell in self.cell.finditer(piece):
            position += 1
            attributes, inner = cell.group(1), cell.group(2) or b""
            if not self.formula.search(inner):
                continue
            if self.value.search(inner) or b't="str"' in attributes:
                continue  # a saved value (t="str" with an empty <v/> is an empty string)
            self.scan.unsaved_count += 1
            if len(self.scan.unsaved_formulas) >= MAX_DEFECTS_KEPT:
                continue
            ref = re.search(rb'\br="([A-Za-z]+\d+)"', attributes)
            name = (
                ref.group(1).decode()
                if ref
                else f"{_column_letters(position)}{max(self.scan.rows, 1)}"
            )
            text = self.formula_text.search(inner)
            formula = (
                html.unescape((text.group(1) or b"").decode("utf-8", "replace")) if text else ""
            )
            self.scan.unsaved_formulas.append((name, formula))


def _prefix(head: bytes) -> bytes:
    """The namespace prefix the sheet's tags carry (`x:` in some writers), usually none."""
    found = re.search(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>]", head)
    return (found.group(1) + b":") if found and found.group(1) else b""


def _scan_sheet(
    path: Path, archive: zipfile.ZipFile, part: str, max_rows: int, advice: str
) -> _Scan:
    """Read the sheet's XML once, in chunks, cutting blocks where a row starts."""
    with archive.open(part) as xml:
        buffer = xml.read(_CHUNK)
        scanner = _SheetScanner(path, _prefix(buffer[:4096]), max_rows, advice)
        while True:
            chunk = xml.read(_CHUNK)
            buffer += chunk
            if not chunk:
                scanner.feed(buffer)
                return scanner.finish()
            cut = buffer.rfind(scanner.row_tag)
            if cut > 0:
                scanner.feed(buffer[:cut])
                buffer = buffer[cut:]
            elif len(buffer) > MAX_ROW_XML:
                scanner.feed(buffer)  # raises: no row starts in 16 MB
                buffer = b""


def _zip_entries(raw: BinaryIO) -> int:
    """How many parts the zip's directory lists, read from its end record (zipfile would
    first build an object for each: a gigabyte for a million empty parts)."""
    raw.seek(0, io.SEEK_END)
    size = raw.tell()
    raw.seek(max(0, size - _END_SEARCH))
    tail = raw.read()
    raw.seek(0)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        return 0  # not a zip: zipfile says so
    count = int.from_bytes(tail[end + 10 : end + 12], "little")
    locator = end - 20
    if count == 0xFFFF and locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
        raw.seek(int.from_bytes(tail[locator + 8 : locator + 16], "little") + 32)
        count = int.from_bytes(raw.read(8), "little")  # the ZIP64 end record's total
        raw.seek(0)
    return count


def _check_parts(path: Path, archive: zipfile.ZipFile) -> None:
    """Parts that openpyxl reads whole must be of a size a workbook really has."""
    for info in archive.infolist():
        name = info.filename
        if "worksheets/" in name or not name.endswith((".xml", ".rels")):
            continue
        if info.file_size > MAX_PART:
            raise UnreadableFile(
                f"{path}: the workbook part {name} is larger than {MAX_PART // _MB} MB "
                "unpacked; save the sheet as CSV"
            )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _unreadable(path: Path, err: Exception) -> UnreadableFile:
    detail = str(err) if isinstance(err, zipfile.BadZipFile | KeyError | OSError) else ""
    return UnreadableFile(
        f"{path}: not a valid XLSX workbook ({detail.strip() or type(err).__name__})"
    )


def _formula_defects(scan: _Scan, header: Sequence[str]) -> DefectLog:
    defects = DefectLog()
    for cell, formula in scan.unsaved_formulas:
        letters = cell.rstrip("0123456789")
        column = _column_number(letters)
        name = header[column - 1] if 0 < column <= len(header) else f"column {letters}"
        defects.add(
            Defect(
                f"cell {cell} holds a formula with no saved value; open the file in a "
                "spreadsheet and save it (or paste values) before importing",
                int(cell[len(letters) :]),
                name,
                None,
                f"={formula}",
            )
        )
    unlisted = scan.unsaved_count - len(scan.unsaved_formulas)
    if unlisted:
        defects.add(Defect(f"{unlisted:,} more formula cells with no saved value"))
    return defects


@dataclass(frozen=True, slots=True)
class CellSheet:
    """The first worksheet: its header as text, then each row's cell values as openpyxl reads
    them (str, int, float, bool, datetime or None), numbered from 2."""

    header: list[str]
    rows: Iterator[tuple[int, Sequence[Any]]]
    defects: DefectLog
    held_bytes: int


@contextmanager
def open_first_sheet(
    path: Path, max_rows: int = MAX_ROWS, advice: str = "import it in parts"
) -> Iterator[CellSheet]:
    """The header and streamed rows of the first worksheet, cell values as they are typed;
    more than `max_rows` rows (the header excluded) is refused with `advice`."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    with open_binary(path) as raw:
        if _zip_entries(raw) > MAX_PARTS:
            raise UnreadableFile(
                f"{path}: the workbook has more than {MAX_PARTS:,} parts; save the sheet as CSV"
            )
        try:
            reader = ExcelReader(raw, read_only=True, data_only=True)
        except Exception as err:  # zipfile and openpyxl raise many types for a damaged file
            raise _unreadable(path, err) from None
        archive: zipfile.ZipFile = reader.archive
        try:
            _check_parts(path, archive)
            try:
                reader.read_manifest()
                reader.read_workbook()
                sheets = [
                    (sheet, rel)
                    for sheet, rel in reader.parser.find_sheets()
                    if rel.target in reader.valid_files and "chartsheet" not in rel.Type
                ]
                if not sheets:
                    raise UnreadableFile(f"{path}: the workbook has no worksheet")
                sheet, rel = sheets[0]
                scan = _scan_sheet(path, archive, rel.target, max_rows, advice)
                reader.read_strings()
                apply_stylesheet(archive, reader.wb)
                worksheet = ReadOnlyWorksheet(
                    reader.wb, sheet.name, rel.target, reader.shared_strings
                )
                # every row and cell, whatever the sheet declares (rows hold at most 200
                # cells, checked above, so a row never spans more than its last cell)
                worksheet.reset_dimensions()
                rows: Iterator[Sequence[Any]] = worksheet.iter_rows(values_only=True)
                first = next(rows, None)
            except UnreadableFile:
                raise
            except Exception as err:
                raise _unreadable(path, err) from None
            if first is None or not any(v is not None for v in first):
                raise UnreadableFile(f"{path}: the first sheet is empty, expected a header row")
            header = [_cell_text(v) for v in first]
            if any(header[MAX_COLUMNS:]):
                raise too_many_columns(path, "the header has")
            while header and not header[-1]:
                header.pop()
            strings = reader.shared_strings
            yield CellSheet(
                header,
                _numbered(path, rows, max_rows, advice),
                _formula_defects(scan, header),
                sys.getsizeof(strings) + text_bytes(strings),
            )
        finally:
            archive.close()


def _numbered(
    path: Path, rows: Iterator[Sequence[Any]], max_rows: int, advice: str
) -> Iterator[tuple[int, Sequence[Any]]]:
    try:
        for number, values in enumerate(rows, start=2):
            if number > max_rows + 1:
                raise too_many_rows(path, max_rows, advice)
            if any(v is not None and v != "" for v in values[MAX_COLUMNS:]):
                raise too_many_columns(path, f"row {number} has")
            yield number, values
    except UnreadableFile:
        raise
    except Exception as err:  # damaged XML found while streaming
        raise _unreadable(path, err) from None


@contextmanager
def open_xlsx(path: Path) -> Iterator[Sheet]:
    """The header and streamed rows of the first worksheet, as text cells."""
    with open_first_sheet(path) as sheet:
        yield Sheet(sheet.header, _rows(sheet), sheet.defects, held_bytes=sheet.held_bytes)


def _rows(sheet: CellSheet) -> Iterator[tuple[int, list[str]]]:
    width = len(sheet.header)
    for number, values in sheet.rows:
        cells = [_cell_text(v) for v in values]
        if any(cells):
            # a sheet row ends at its last filled cell: pad to the header, trim blanks
            cells += [""] * (width - len(cells))
            while len(cells) > width and not cells[-1]:
                cells.pop()
            yield number, cells
