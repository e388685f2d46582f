"""Reading a CSV file as a sheet: UTF-8, streamed row by row, hostile sizes refused."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from firpath.domain.errors import UnreadableFile
from firpath.io.formula_cells import restore
from firpath.io.sheets import (
    MAX_COLUMNS,
    MAX_ROWS,
    XLS_MAGIC,
    XLSX_MAGIC,
    Sheet,
    open_binary,
    too_many_columns,
    too_many_rows,
)

MAX_CELL: Final = 100_000  # characters; a CPL text over 4,000 is refused by the domain anyway
MAX_LINE: Final = 1_000_000  # characters on one line of the file


class _LineTooLong(Exception):
    pass


class _Lines:
    """The lines of a text file for csv.reader, refusing one longer than MAX_LINE.

    `quoted` says whether a line read since it was last cleared holds a `'`, so only rows
    that may hold a neutralised cell are looked at cell by cell.
    """

    def __init__(self, text: io.TextIOWrapper) -> None:
        self._text = text
        self.quoted = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._text.readline(MAX_LINE + 1)
        if not line:
            raise StopIteration
        if len(line) > MAX_LINE:
            raise _LineTooLong
        if "'" in line:
            self.quoted = True
        return line


def _check_binary(path: Path, head: bytes) -> None:
    if head.startswith(XLS_MAGIC):
        raise UnreadableFile(f"{path}: old Excel .xls format; save it as .xlsx or CSV")
    if head.startswith(XLSX_MAGIC):
        raise UnreadableFile(f"{path}: is a zip/XLSX file, not text; name it .xlsx")
    nul = head.find(b"\x00")
    if nul >= 0:
        raise UnreadableFile(f"{path}: binary file (NUL byte at offset {nul}), not a CSV file")


def _not_utf8(path: Path) -> UnreadableFile:
    """Find the first byte that is not UTF-8 (the decoding error does not tell where)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with open_binary(path) as file:
        while chunk := file.read(1 << 20):
            start = offset - len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                return UnreadableFile(
                    f"{path}: not UTF-8 text (byte 0x{err.object[err.start]:02X} at offset "
                    f"{start + err.start}); save the file as CSV UTF-8"
                )
            offset += len(chunk)
    return UnreadableFile(f"{path}: not UTF-8 text (it ends inside a character)")


def _delimiter(head: bytes) -> str:
    """`,` unless the header line has none and is split by `;` (Excel's "CSV" where the
    decimal separator is a comma) or a tab: then that."""
    line = head.split(b"\n", 1)[0]
    if b"," in line:
        return ","
    for other in (b";", b"\t"):
        if other in line:
            return other.decode()
    return ","


@contextmanager
def open_csv(path: Path) -> Iterator[Sheet]:
    """The header and streamed rows of a CSV file (blank lines skipped, row numbers kept).

    A cell that an export neutralised (`'=...`) is read as the value it stands for.
    """
    with open_binary(path) as raw:
        head = raw.read(65536)
        _check_binary(path, head)
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        lines = _Lines(text)
        csv.field_size_limit(MAX_CELL)
        reader = csv.reader(lines, delimiter=_delimiter(head))

        def read() -> list[str] | None:
            try:
                return next(reader, None)
            except _LineTooLong:
                raise UnreadableFile(
                    f"{path}: line {reader.line_num + 1} is longer than {MAX_LINE:,} characters"
                ) from None
            except UnicodeDecodeError:
                raise _not_utf8(path) from None
            except csv.Error as err:
                if "field limit" in str(err):
                    raise UnreadableFile(
                        f"{path}: line {reader.line_num}: a cell is longer than "
                        f"{MAX_CELL:,} characters"
                    ) from None
                raise UnreadableFile(
                    f"{path}: not a valid CSV file (line {reader.line_num}: {err})"
                ) from None

        header = read()
        if header is None:
            raise UnreadableFile(f"{path}: empty file, expected a header row")
        if len(header) > MAX_COLUMNS:
            raise too_many_columns(path, "the header has")

        def rows() -> Iterator[tuple[int, list[str]]]:
            number = 1
            while True:
                lines.quoted = False
                record = read()
                if record is None:
                    return
                number += 1
                if number > MAX_ROWS + 1:
                    raise too_many_rows(path)
                if len(record) > MAX_COLUMNS:
                    raise too_many_columns(path, f"line {reader.line_num} has")
                if record and (record[0] or any(record)):
                    yield number, [restore(c) for c in record] if lines.quoted else record

        yield Sheet(header, rows())
