"""Reading a JSON CPL file (`{"entries": [...]}`) one entry at a time.

`json.loads` builds the whole document: a 30 MB file of `{},{},...` takes a gigabyte. So
the top level is walked here and each entry (at most MAX_ENTRY characters) is decoded on
its own, turned into a record and dropped; memory holds a chunk of text and the records.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from firpath.domain.errors import Defect, DefectLog, FieldInvalid, InvalidInput, UnreadableFile
from firpath.domain.upgrade_from import upgrade_from_json
from firpath.io.columns import CPL_ALL_COLUMNS, CPL_REQUIRED_COLUMNS, ZERO_PADDED
from firpath.io.sheets import MAX_ROWS, RecordMaker, open_binary, too_many_rows

MAX_ENTRY: Final = 1 << 20  # characters of one entry's JSON (a real one has a few hundred)
_CHUNK: Final = 1 << 20
_WHITESPACE: Final = re.compile(r"[ \t\r\n]*")
_NEAR_END: Final = 16  # a value cut by the end of the text fails this close to it (`tru`)


def _float_text(text: str) -> str | float:
    """A JSON fraction as written (`2.10` stays `2.10`), or infinity if it overflows."""
    return text if math.isfinite(float(text)) else math.inf


# Numbers are kept as written: a number where text is expected is read as its text, and
# int() refuses more than 4,300 digits (a traceback) where text cannot be too long.
_DECODER: Final = json.JSONDecoder(parse_int=str, parse_float=_float_text)
_COLUMNS: Final = {c: c for c in CPL_ALL_COLUMNS}


class _Text:
    """A window on the file's text that moves forward as values are decoded."""

    def __init__(self, path: Path, text: io.TextIOWrapper) -> None:
        self.path = path
        self._text = text
        self.buffer = ""
        self.pos = 0
        self._line = 1  # line number of the buffer's first character
        self._eof = False

    def _more(self) -> bool:
        """Read another chunk; False at the end of the file."""
        if self._eof:
            return False
        try:
            chunk = self._text.read(_CHUNK)
        except UnicodeDecodeError:
            raise UnreadableFile(f"{self.path}: not UTF-8 text, so not a JSON CPL file") from None
        if not chunk:
            self._eof = True
            return False
        self._line += self.buffer.count("\n", 0, self.pos)
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def error(self, message: str, at: int | None = None) -> UnreadableFile:
        line = self._line + self.buffer.count("\n", 0, self.pos if at is None else at)
        return UnreadableFile(f"{self.path}: not valid JSON (line {line}: {message})")

    def peek(self) -> str:
        """The next character that is not white space ("" at the end)."""
        while True:
            found = _WHITESPACE.match(self.buffer, self.pos)
            self.pos = found.end() if found else self.pos
            if self.pos < len(self.buffer) or not self._more():
                return self.buffer[self.pos : self.pos + 1]

    def take(self, expected: str) -> str:
        """Consume the next character, which must be one of `expected`."""
        char = self.peek()
        if not char or char not in expected:
            wanted = " or ".join(repr(c) for c in expected)
            raise self.error(f"expected {wanted}")
        self.pos += 1
        return char

    def value(self, what: str) -> Any:
        """Decode the next JSON value, reading more text until it is whole."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as err:
                cut_short = err.pos >= len(self.buffer) - _NEAR_END or err.msg.startswith(
                    "Unterminated string"
                )
                if cut_short and len(self.buffer) - self.pos > MAX_ENTRY:
                    raise self._too_large(what) from None
                if cut_short and self._more():
                    continue
                raise self.error(err.msg, err.pos) from None
            except RecursionError:
                raise UnreadableFile(
                    f"{self.path}: JSON nested too deeply to be a CPL file"
                ) from None
            if end - self.pos > MAX_ENTRY:
                raise self._too_large(what)
            if end == len(self.buffer) and self._more():
                continue  # a number may go on in the next chunk
            self.pos = end
            return value

    def _too_large(self, what: str) -> UnreadableFile:
        return UnreadableFile(
            f"{self.path}: {what} is longer than {MAX_ENTRY:,} characters of JSON"
        )


def _entries(text: _Text) -> Iterator[Any]:
    """Each item of the top-level `entries` array, as it is decoded."""
    shape = UnreadableFile(f'{text.path}: a JSON CPL file is {{"entries": [...]}}')
    if text.peek() != "{":
        raise shape
    text.take("{")
    seen = False
    if text.peek() == "}":
        raise shape
    while True:
        if text.peek() != '"':
            raise text.error("expected a key in double quotes")
        key = text.value("a key")
        text.take(":")
        if key != "entries":
            text.value(f"the value of {key[:40]!r}")
        elif seen:
            raise UnreadableFile(f'{text.path}: "entries" appears twice')
        else:
            seen = True
            if text.peek() != "[":
                raise shape
            text.take("[")
            if text.peek() == "]":
                text.take("]")
            else:
                number = 0
                while True:
                    number += 1
                    yield text.value(f"entry {number}")
                    if text.take(",]") == "]":
                        break
        if text.take(",}") == "}":
            break
    if text.peek():
        raise text.error("extra data after the JSON document")
    if not seen:
        raise shape


def _json_text(key: str, value: Any, row: int, defects: DefectLog) -> str:
    if value is None:
        return ""
    if key == "upgrade_from" and isinstance(value, list):
        try:
            return upgrade_from_json(value).to_text()
        except FieldInvalid as err:
            defects.add(Defect(err.message, row, key, None, err.value))
            return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):  # only infinity and NaN are left as numbers
        defects.add(
            Defect("is a number too large to read; write it as a string", row, key, None, None)
        )
        return ""
    defects.add(Defect("must be a string or null", row, key, None, repr(value)[:80]))
    return ""


def read_json_records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The entries of a JSON CPL file as records (text by column), numbered from 1."""
    defects = DefectLog()
    records: list[tuple[int, dict[str, str]]] = []
    maker = RecordMaker(path, zero_padded=ZERO_PADDED)
    with open_binary(path) as raw:
        text = _Text(path, io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        for number, item in enumerate(_entries(text), start=1):
            if number > MAX_ROWS:
                raise too_many_rows(path)
            if not isinstance(item, dict):
                defects.add(Defect("each entry must be an object", number, None, None, None))
                continue
            for key in item:
                if key not in _COLUMNS:
                    defects.add(Defect("unknown key", number, key, None, key))
            for key in CPL_REQUIRED_COLUMNS:
                if key not in item:
                    defects.add(Defect("required key is missing", number, key, None, None))
            record = maker.make(  # keyed by the one string of each column name
                (_COLUMNS[k], _json_text(k, v, number, defects))
                for k, v in item.items()
                if k in _COLUMNS
            )
            records.append((number, record))
    if defects:
        raise InvalidInput(defects, "the JSON CPL file's layout is wrong (row = entry number)")
    return records
