"""Tables of text cells in files: CSV or XLSX (first sheet) in, streamed; CSV or XLSX out.

Files are read row by row, never whole, and refused early when they are larger than any
CPL or contacts file can be: more than MAX_COLUMNS columns, more than MAX_ROWS rows.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Final

from firpath.domain.errors import DefectLog, UnreadableFile
from firpath.io.formula_cells import neutralise

XLSX_MAGIC: Final = b"PK\x03\x04"
XLS_MAGIC: Final = b"\xd0\xcf\x11\xe0"
MAX_COLUMNS: Final = 200
MAX_ROWS: Final = 200_000
# Memory the records of one file may take once read (a Python string takes up to four bytes
# a character, plus ~50). An import of a file at this limit peaks near 2.6 times as much when
# the database already holds its entries: still under 1 GiB (docs/benchmarks.md).
MAX_TEXT_BYTES: Final = 320 << 20


@dataclass(frozen=True, slots=True)
class Sheet:
    """A header row, then the data rows as they are read, each with its 1-based row number.

    `defects` holds cells the reader found it cannot give as text (an XLSX formula with no
    saved value), known when the sheet is opened.
    """

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    defects: DefectLog = field(default_factory=DefectLog)
    held_bytes: int = 0  # memory the reader holds while rows are read (shared strings)


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


def open_binary(path: Path) -> BinaryIO:
    """The file opened for reading, or a one-line error if it cannot be."""
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise UnreadableFile(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UnreadableFile(f"{path}: is a folder, not a file") from None
    except OSError as err:
        raise UnreadableFile(f"{path}: cannot be read ({err.strerror})") from None


def read_head(path: Path, size: int = 8) -> bytes:
    """The first bytes of the file (to tell its format)."""
    with open_binary(path) as file:
        return file.read(size)


def too_many_rows(
    path: Path, limit: int = MAX_ROWS, advice: str = "import it in parts"
) -> UnreadableFile:
    """The error for a file longer than any file firpath reads."""
    return UnreadableFile(
        f"{path}: more than {limit:,} rows; firpath reads at most {limit:,} rows from "
        f"one file ({advice})"
    )


def too_many_columns(path: Path, where: str = "the sheet has") -> UnreadableFile:
    """The error for a file wider than any file firpath reads."""
    return UnreadableFile(
        f"{path}: {where} more than {MAX_COLUMNS} columns; firpath reads at most {MAX_COLUMNS} "
        "(a CPL file has 21)"
    )


def text_bytes(texts: Iterable[object]) -> int:
    """The memory these strings take."""
    return sum(map(sys.getsizeof, texts))


class RecordMaker:
    """Makes the records of one file, holding their memory to MAX_TEXT_BYTES.

    Values are trimmed, as the domain trims them anyway, so entries share the records'
    text rather than copy it; a value repeated in a column (device type, status, band,
    manufacturer...) is kept once. The memory of what is kept is counted as it grows.
    """

    SHARED_PER_COLUMN: Final = 4096

    def __init__(
        self, path: Path, held_bytes: int = 0, zero_padded: Mapping[str, int] | None = None
    ) -> None:
        self.held_bytes = held_bytes
        self._path = path
        # columns of fixed-width hex ids: decimal digits that are too short lost their leading
        # zeros in a spreadsheet (0101 -> 101), and get them back
        self._widths = dict(zero_padded or {})
        self._shared: dict[str, dict[str, str]] = {}
        self._count = 0

    def make(self, cells: Iterable[tuple[str, str]]) -> dict[str, str]:
        """A record from (column, text) pairs."""
        record: dict[str, str] = {}
        held = 0
        all_shared = self._shared
        limit = self.SHARED_PER_COLUMN
        for column, cell in cells:
            text = cell.strip()
            shared = all_shared.get(column)
            if shared is None:
                shared = all_shared[column] = {}
            known = shared.get(text)
            if known is None:
                held += sys.getsizeof(text)
                if len(shared) < limit:
                    shared[text] = text
                known = text
            record[column] = known
        for column, width in self._widths.items():
            value = record.get(column)
            if value is not None and len(value) < width and value.isdigit():
                record[column] = value.zfill(width)
        self.held_bytes += held + sys.getsizeof(record) + 72  # + the (row, record) tuple
        self._count += 1
        if self.held_bytes > MAX_TEXT_BYTES:
            raise UnreadableFile(
                f"{self._path}: more text than firpath imports at once ({MAX_TEXT_BYTES >> 20} "
                f"MB in memory after {self._count - 1:,} rows); import it in parts"
            )
        return record


@contextmanager
def open_sheet(path: Path, fmt: str) -> Iterator[Sheet]:
    """The header and streamed rows of a CSV file or of an XLSX file's first sheet."""
    if fmt == "xlsx":
        from firpath.io.xlsx_sheet import open_xlsx

        with open_xlsx(path) as sheet:
            yield sheet
    else:
        from firpath.io.csv_sheet import open_csv

        with open_csv(path) as sheet:
            yield sheet


def write_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """CSV bytes (UTF-8, header first, CRLF line ends as RFC 4180); a cell a spreadsheet
    would run as a formula is neutralised (see `formula_cells`)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(list(map(neutralise, row)) for row in rows)
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
