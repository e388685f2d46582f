"""Reading and writing a table of text cells as CSV or XLSX (first sheet)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from firpath.domain.errors import UnreadableFile

XLSX_MAGIC: Final = b"PK\x03\x04"
XLS_MAGIC: Final = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True, slots=True)
class Sheet:
    """A header row and data rows of text; `rows` pairs each with its 1-based row number."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def sniff_format(path: Path, head: bytes) -> str:
    """`csv`, `xlsx` or `json`, by extension, else by the first bytes."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".xlsx", ".json"):
        return suffix[1:]
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "json"
    return "csv"


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a one-line error if it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UnreadableFile(f"{path}: is a folder, not a file") from None
    except OSError as err:
        raise UnreadableFile(f"{path}: cannot be read ({err.strerror})") from None


def decode_text(path: Path, content: bytes) -> str:
    """UTF-8 text (a BOM is dropped); binary content is refused in one line."""
    if content.startswith(XLS_MAGIC):
        raise UnreadableFile(f"{path}: old Excel .xls format; save it as .xlsx or CSV")
    if content.startswith(XLSX_MAGIC):
        raise UnreadableFile(f"{path}: is a zip/XLSX file, not text; name it .xlsx")
    nul = content.find(b"\x00", 0, 65536)
    if nul >= 0:
        raise UnreadableFile(f"{path}: binary file (NUL byte at offset {nul}), not a CSV file")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UnreadableFile(
            f"{path}: not UTF-8 text (byte 0x{content[err.start]:02X} at offset {err.start}); "
            "save the file as CSV UTF-8"
        ) from None


def read_csv(path: Path, content: bytes) -> Sheet:
    """A CSV file's header and rows (blank lines skipped, row numbers kept)."""
    text = decode_text(path, content)
    csv.field_size_limit(1 << 24)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise UnreadableFile(f"{path}: empty file, expected a header row")
        rows: list[tuple[int, list[str]]] = []
        number = 1
        for record in reader:
            number += 1
            if record and (record[0] or any(record)):
                rows.append((number, record))
    except csv.Error as err:
        raise UnreadableFile(
            f"{path}: not a valid CSV file (line {reader.line_num}: {err})"
        ) from None
    return Sheet(header, rows)


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


def read_xlsx(path: Path, content: bytes) -> Sheet:
    """The first worksheet of an XLSX file as text cells."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise UnreadableFile(f"{path}: not a valid XLSX workbook ({err})") from None
    except Exception as err:  # openpyxl raises its own types for damaged workbooks
        raise UnreadableFile(f"{path}: not a valid XLSX workbook ({type(err).__name__})") from None
    try:
        sheet = book.worksheets[0]
        rows_iter: Iterator[Sequence[object]] = sheet.iter_rows(values_only=True)
        first = next(rows_iter, None)
        if first is None:
            raise UnreadableFile(f"{path}: the first sheet is empty, expected a header row")
        header = [_cell_text(v) for v in first]
        while header and not header[-1]:
            header.pop()
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(rows_iter, start=2):
            cells = [_cell_text(v) for v in values]
            if any(cells):
                # a sheet row ends at its last filled cell: pad to the header, trim blanks
                cells += [""] * (len(header) - len(cells))
                while len(cells) > len(header) and not cells[-1]:
                    cells.pop()
                rows.append((number, cells))
        return Sheet(header, rows)
    finally:
        book.close()


def write_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """CSV bytes (UTF-8, header first, CRLF line ends as RFC 4180)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[str]], title: str) -> bytes:
    """An XLSX workbook with one sheet of text cells (ids stay text, never numbers)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(list(header))

    def cell(value: str) -> object:
        if not value:
            return None
        if value.startswith("="):  # text, never a formula (it would be lost or evaluated)
            text = WriteOnlyCell(sheet, value=value)
            text.data_type = "s"
            return text
        return value

    for row in rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
