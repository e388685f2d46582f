"""Fleet ids that a spreadsheet typed as numbers, read back as the text they were.

Excel reads `0101` as the number 101 and `01000000` as 1000000; other tools write a number
column back as `30001.0`. A number shorter than its id's fixed width is the id with its
leading zeros dropped, so it is padded back; a number that cannot be an id (longer than
the width, a fraction, scientific notation that cut digits) is an error naming the column,
never a silent guess.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Final

from firpath.domain.errors import Defect, InvalidInput

# Fixed-width hex ids: a shorter decimal number is the id with its leading zeros dropped.
WIDTHS: Final = {"manufacturer_id": 4, "model_id": 4, "hardware_version": 4, "firmware_version": 8}
# Columns whose numbers are read back as ids; the other columns' numbers are their text.
ID_COLUMNS: Final = ("cpl_entry_id", *WIDTHS)
NAME_COLUMN: Final = "firmware_version_name"

_NUMBER: Final = re.compile(r"(\d+)(?:[.,](\d+))?")
_SCIENTIFIC: Final = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]\d+")
_AS_TEXT: Final = (
    "keep ids as text (in a spreadsheet: format the column as Text, type the ids again)"
)


class NumberNotId(Exception):
    """A value in an id column that a spreadsheet typed as a number and that cannot be an id."""

    def __init__(self, column: str, value: str, message: str) -> None:
        super().__init__(f"{column} {value!r}: {message}")
        self.column = column
        self.value = value
        self.message = message


def number_error(source: str, err: NumberNotId, row: int) -> InvalidInput:
    """The error for a number in an id column that cannot be an id, naming an example row."""
    return InvalidInput(
        [Defect(err.message, row, err.column, None, err.value)],
        f"{source}: nothing planned, column {err.column} holds a number that cannot be an id",
    )


def _digits(column: str, digits: str, shown: str) -> str:
    """An integer's digits as the id they stand for in `column`."""
    width = WIDTHS.get(column)
    if width is None:
        return digits
    if len(digits) > width:
        raise NumberNotId(
            column,
            shown,
            f"is a number of {len(digits)} digits, but a {column} has {width} hex digits "
            f"(digits were lost or changed); {_AS_TEXT}",
        )
    return digits.zfill(width)


def number_id(column: str, value: int | float) -> str:
    """The text of a number-typed cell (an Excel number, a Parquet integer or float) in a
    fleet column: an id's digits, zero-padded to its width; other columns' numbers as text."""
    if column == NAME_COLUMN:
        raise NumberNotId(
            column,
            _shown(value),
            "is a number, not text (a spreadsheet turns 2.10 into 2.1 and 2.0 into 2): format "
            "the column as text and type the names again, or give firmware_version",
        )
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            if column not in ID_COLUMNS:
                return repr(value)
            raise NumberNotId(
                column, _shown(value), f"is a number with a fraction, not an id; {_AS_TEXT}"
            )
        value = int(value)
    if column not in ID_COLUMNS:
        return str(value)
    if value < 0:
        raise NumberNotId(column, str(value), f"is a negative number, not an id; {_AS_TEXT}")
    return _digits(column, str(value), str(value))


def _shown(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


def text_ids(column: str, texts: Iterable[str]) -> dict[str, str]:
    """The values of a text column (its distinct values) that stand for another id, mapped
    to it; raises NumberNotId for a value that cannot be right.

    - A value in scientific notation (`1.2E+07`) is an error in an id column: the spreadsheet
      kept only the digits it showed.
    - A value of decimal digits shorter than a fixed-width id is zero-padded (`101` is model
      `0101`): nothing else can be meant.
    - When every value of the column is a decimal number and some value shows that numbers
      were written (`30001.0`, or digits shorter than the width), the column is number-typed:
      a whole number's `.0` is dropped, and a fraction, or digits longer than the width, is
      an error. A column of other text is left as it is (a malformed id is unknown firmware).
    """
    if column not in ID_COLUMNS:
        return {}
    width = WIDTHS.get(column)
    values = [t for t in texts if t.strip()]
    numbers: dict[str, tuple[str, str]] = {}
    for text in values:
        stripped = text.strip()
        if _SCIENTIFIC.fullmatch(stripped):
            raise NumberNotId(
                column,
                text,
                f"is a number in scientific notation: the spreadsheet kept only the digits it "
                f"showed; {_AS_TEXT}",
            )
        found = _NUMBER.fullmatch(stripped)
        if found:
            numbers[text] = (found.group(1), found.group(2) or "")
    typed = len(numbers) == len(values) and any(
        fraction or (width is not None and len(digits) < width)
        for digits, fraction in numbers.values()
    )
    changed: dict[str, str] = {}
    for text, (digits, fraction) in numbers.items():
        if fraction and not typed:
            continue  # `1.5` among text ids: a malformed id, unknown firmware
        if fraction.strip("0"):
            raise NumberNotId(column, text, f"is a number with a fraction, not an id; {_AS_TEXT}")
        if width is not None and len(digits) > width and not typed:
            continue
        if width is not None and len(digits) == width and not fraction:
            continue
        value = _digits(column, digits, text)
        if value != text:
            changed[text] = value
    return changed
