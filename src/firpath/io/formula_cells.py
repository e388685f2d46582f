"""CSV cells a spreadsheet would run as a formula: neutralised on export, restored on import.

A spreadsheet opening a CSV file runs a cell starting with `=`, `+`, `-` or `@` (tab and
CR are skipped before them) as a formula: CSV injection. An export writes such a cell with
one leading `'`, which spreadsheets read as "this is text". A cell that already starts
with quotes followed by one of those characters gets one more `'` as well, so that import
can strip exactly one `'` from every cell that looks neutralised and each value comes back
exactly as it was.
"""

from __future__ import annotations

import re
from typing import Final

# A cell that needs a leading ' on export (as a regular expression polars also runs).
RISKY_PATTERN: Final = r"^'*[=+\-@\t\r]"
_RISKY: Final = re.compile(RISKY_PATTERN)
_NEUTRALISED: Final = re.compile(r"'+[=+\-@\t\r]")
_FIRST: Final = frozenset("'=+-@\t\r")


def neutralise(value: str) -> str:
    """`value` as a CSV cell that no spreadsheet runs as a formula."""
    if value[:1] in _FIRST and _RISKY.match(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The value that `neutralise` turned into this cell (other cells are unchanged)."""
    if value[:1] == "'" and _NEUTRALISED.match(value):
        return value[1:]
    return value
