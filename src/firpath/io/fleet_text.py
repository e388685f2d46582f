"""What kind of text a fleet file is, told from its first bytes: its encoding (UTF-8, or
UTF-16 as Excel's "Unicode text" writes it) and its delimiter (comma, semicolon or tab).

A file that is not text (a workbook, a Parquet file, anything with NUL bytes) or that is
text in another encoding is refused in one line saying what to do; UTF-16, and text whose
lines end in CR alone, are copied to UTF-8 with LF line ends in a streaming way, so polars
reads every fleet as UTF-8.
"""

from __future__ import annotations

import codecs
import csv
import tempfile
from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from firpath.domain.errors import UnreadableFile
from firpath.io.columns import header_key
from firpath.io.sheets import XLS_MAGIC, XLSX_MAGIC, open_binary

HEAD_BYTES: Final = 1 << 16
SEPARATORS: Final = (",", ";", "\t")
_SAVE_AS: Final = "save it as CSV UTF-8"
_CHUNK: Final = 1 << 20
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC: Final = (
    (
        XLSX_MAGIC,
        "an XLSX workbook or another zip file, not CSV text; name it .xlsx if it is a workbook",
    ),
    (XLS_MAGIC, "an old Excel .xls workbook; save it as .xlsx or CSV UTF-8"),
    (b"PAR1", "a Parquet file, not CSV text; name it .parquet"),
    (b"\x1f\x8b", "a gzip-compressed file; unpack it first"),
    (b"%PDF", "a PDF document, not CSV text"),
)


@dataclass(frozen=True, slots=True)
class TextLayout:
    """How a fleet's text is written: its encoding, the bytes of its byte order mark, the
    character between its cells, and whether its lines end in CR alone (old Mac Excel)."""

    encoding: str  # utf-8, utf-16-le or utf-16-be
    bom: int
    separator: str
    cr_lines: bool = False

    @property
    def readable_as_is(self) -> bool:
        """Whether polars can read the file as it is (UTF-8, lines ending in LF or CRLF)."""
        return self.encoding == "utf-8" and not self.cr_lines


def _encoding(path: Path, head: bytes) -> tuple[str, int]:
    """The encoding and byte order mark length, from the first bytes."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            if encoding == "utf-32":
                raise UnreadableFile(
                    f"{path}: UTF-32 text, which firpath does not read; {_SAVE_AS}"
                )
            return encoding, len(bom)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise UnreadableFile(f"{path}: is {what}")
    # UTF-16 without a byte order mark: an ASCII header with every other byte NUL
    sample = head[: min(len(head), 64) & ~1]
    if len(sample) >= 4:
        if not any(sample[1::2]) and all(sample[0::2]):
            return "utf-16-le", 0
        if not any(sample[0::2]) and all(sample[1::2]):
            return "utf-16-be", 0
    nul = head.find(b"\x00")
    if nul >= 0:
        raise UnreadableFile(f"{path}: a binary file (NUL byte at offset {nul}), not CSV text")
    return "utf-8", 0


def _header_line(path: Path, head: bytes, encoding: str, bom: int) -> tuple[str, bool]:
    """The first line of the file as text, and whether lines end in CR alone; a header that
    is not UTF-8 is refused."""
    body = head[bom:]
    if encoding == "utf-8":
        end = body.find(b"\n")
        cr_lines = end < 0 and b"\r" in body
        if cr_lines:
            end = body.find(b"\r")
        line = body if end < 0 else body[: end + 1]
        try:
            return codecs.getincrementaldecoder("utf-8")().decode(line, final=end >= 0), cr_lines
        except UnicodeDecodeError as err:
            raise UnreadableFile(
                f"{path}: not UTF-8 text (byte 0x{line[err.start]:02X} in the header line; "
                f"Windows-1252 or Latin-1 perhaps); {_SAVE_AS}"
            ) from None
    text = body[: len(body) & ~1].decode(encoding, "replace")
    cr_lines = "\n" not in text and "\r" in text
    return text.split("\r" if cr_lines else "\n", 1)[0], cr_lines


def _recognised(line: str, separator: str, known: Collection[str]) -> int:
    cells = next(csv.reader([line], delimiter=separator), [])
    return sum(header_key(c) in known for c in cells)


def _separator(path: Path, line: str, known: Collection[str]) -> str:
    """The delimiter of the header line: the one of comma, semicolon and tab that splits it
    into the most fleet column names (then the most cells); a header split by another
    character is refused naming it."""
    line = line.rstrip("\r\n")
    found = [s for s in SEPARATORS if s in line]
    if found:
        return max(found, key=lambda s: (_recognised(line, s, known), line.count(s)))
    others = Counter(c for c in line if not (c.isalnum() or c in " _\"'"))
    for char, _ in others.most_common():
        if _recognised(line, char, known) >= 2:
            shown = repr(char)
            raise UnreadableFile(
                f"{path}: the header's cells are separated by {shown}; firpath reads cells "
                f"separated by a comma, a semicolon or a tab ({_SAVE_AS})"
            )
    return ","  # one column (a fleet needs more: the missing columns are named)


def text_layout(path: Path, head: bytes, known: Collection[str]) -> TextLayout:
    """The encoding and delimiter of a fleet text file from its first bytes `head` (`path`
    only names it in messages); `known` are the header keys of the fleet columns, which
    tell which character separates them."""
    if not head:
        raise UnreadableFile(f"{path}: empty file, expected a header row")
    encoding, bom = _encoding(path, head)
    line, cr_lines = _header_line(path, head, encoding, bom)
    if not line.strip("\ufeff\r\n\t ;,"):
        raise UnreadableFile(f"{path}: the first line is empty, expected a header row")
    return TextLayout(encoding, bom, _separator(path, line, known), cr_lines)


def sniff_text(path: Path, known: Collection[str]) -> TextLayout:
    """The encoding and delimiter of a fleet text file, from its first 64 KiB."""
    with open_binary(path) as file:
        return text_layout(path, file.read(HEAD_BYTES), known)


@contextmanager
def utf8_copy(path: Path, layout: TextLayout) -> Iterator[Path]:
    """The file itself when polars reads it as it is, else a temporary UTF-8 copy with LF
    line ends, written chunk by chunk (bytes that are not text in its encoding become
    U+FFFD, as bad UTF-8 bytes do)."""
    if layout.readable_as_is:
        yield path
        return
    decoder = codecs.getincrementaldecoder(layout.encoding)("replace")
    with tempfile.TemporaryDirectory(prefix="firpath-fleet-") as folder:
        copy = Path(folder) / "fleet.csv"
        with open_binary(path) as source, copy.open("w", encoding="utf-8", newline="") as out:
            source.seek(layout.bom)
            while chunk := source.read(_CHUNK):
                text = decoder.decode(chunk)
                out.write(text.replace("\r", "\n") if layout.cr_lines else text)
            out.write(decoder.decode(b"", final=True))
        yield copy
