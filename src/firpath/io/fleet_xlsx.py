"""An .xlsx fleet: the first sheet, streamed; cells Excel typed as numbers read back as ids."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import polars as pl

from firpath.domain.errors import InvalidInput
from firpath.io.fleet_ids import NumberNotId, number_error, number_id
from firpath.io.xlsx_sheet import open_first_sheet

MAX_SHEET_ROWS: Final = 1_048_576  # the rows of an Excel sheet, its header row included
_CHUNK_ROWS: Final = 1 << 16  # rows held as Python text before they become columns


def _texts(column: str) -> Callable[[Any], str | None]:
    """How a cell of `column` becomes text (a number once per distinct value)."""
    numbers: dict[int | float, str] = {}

    def text(value: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int | float):
            known = numbers.get(value)
            if known is None:
                known = numbers[value] = number_id(column, value)
            return known
        if isinstance(value, dt.datetime | dt.date | dt.time):
            return value.isoformat()
        return str(value)

    return text


def read_xlsx_fleet(
    path: Path, choose: Callable[[Sequence[str]], tuple[list[str], list[str]]]
) -> pl.DataFrame:
    """The fleet columns of the first sheet, every row (blank ones too, so frame row i is
    sheet row i + 2). `choose` maps the header to the (canonical, header) names to read."""
    with open_first_sheet(path, MAX_SHEET_ROWS, "an Excel sheet holds no more") as sheet:
        canonical, source = choose(sheet.header)
        unsaved = [d for d in sheet.defects.kept if d.field in source]
        if unsaved:
            raise InvalidInput(unsaved, f"{path.name}: nothing planned, formulas without values")
        reading = list(
            zip(
                [sheet.header.index(name) for name in source],
                [_texts(column) for column in canonical],
                strict=True,
            )
        )
        chunks: list[pl.DataFrame] = []
        cells: list[list[str | None]] = [[] for _ in canonical]
        for number, values in sheet.rows:
            width = len(values)
            for column, (position, text) in zip(cells, reading, strict=True):
                try:
                    column.append(text(values[position] if position < width else None))
                except NumberNotId as err:
                    raise number_error(path.name, err, number) from None
            if len(cells[0]) == _CHUNK_ROWS:
                chunks.append(_columns(canonical, cells))
                cells = [[] for _ in canonical]
        chunks.append(_columns(canonical, cells))
    return pl.concat(chunks)


def _columns(names: list[str], cells: list[list[str | None]]) -> pl.DataFrame:
    """device_id as text, firmware columns as Categorical, like every fleet."""
    return pl.DataFrame(
        [
            pl.Series(name, column, dtype=pl.String if name == "device_id" else pl.Categorical)
            for name, column in zip(names, cells, strict=True)
        ]
    )
