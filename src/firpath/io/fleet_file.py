"""Fleet files in (device ids and what they run) and plan files out.

A fleet is CSV (UTF-8 or UTF-16; comma, semicolon or tab between cells), Parquet, or the
first sheet of an .xlsx workbook; a plan is CSV or Parquet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final, Literal

import polars as pl

from firpath.domain.errors import Defect, InvalidInput, UnreadableFile, UnwritableFile, clip
from firpath.io.columns import header_key
from firpath.io.fleet_ids import NumberNotId, number_error, number_id
from firpath.io.formula_cells import RISKY_PATTERN

ID_COLUMNS: Final = ("device_id", "cpl_entry_id")
MODEL_COLUMNS: Final = (
    "device_id",
    "manufacturer_id",
    "model_id",
    "hardware_version",
    "firmware_version",
)
NAME_COLUMN: Final = "firmware_version_name"
HASH_COLUMN: Final = "manufacturer_image_hash"
_FLEET_KEYS: Final = frozenset(
    header_key(c) for c in (*ID_COLUMNS, *MODEL_COLUMNS, NAME_COLUMN, HASH_COLUMN)
)
PLAN_COLUMNS: Final = (
    "device_id",
    "status",
    "current_entry_id",
    "target_entry_id",
    "hops",
    "steps",
)
SUFFIXES: Final = (".csv", ".parquet")
FLEET_SUFFIXES: Final = (".csv", ".tsv", ".parquet", ".xlsx")
FLEET_TEXT_SUFFIXES: Final = (".csv", ".tsv")  # text fleets; the others are told by content
_NEEDED: Final = (
    "a fleet needs device_id and either cpl_entry_id or manufacturer_id, model_id, "
    "hardware_version, firmware_version (or firmware_version_name)"
)


class FleetMode(StrEnum):
    """How a fleet file says what each device runs."""

    ENTRY_ID = "entry_id"  # a cpl_entry_id column
    MODEL_VERSION = "model_version"  # device model + firmware version or its name (+ hash)
    EITHER = "either"  # both: the CPL Entry ID where a row gives one, else model + version


@dataclass(frozen=True, slots=True)
class Fleet:
    """A fleet's devices: `device_id` (text) and the columns that identify their firmware,
    every row of the file (blank ones too) in order; frame row i is file row i + first_row."""

    frame: pl.DataFrame
    mode: FleetMode
    key_columns: tuple[str, ...]
    source: str = "fleet"  # the file's name, for messages
    first_row: int = 2  # the file row of the frame's first row (the header is row 1)
    replaced_bytes: bool = False  # bytes that were not UTF-8 were read as U+FFFD

    def row_of(self, column: str, value: str) -> int:
        """The file row of the first device whose `column` holds `value` (as text)."""
        found = self.frame.select(
            pl.arg_where(pl.col(column).cast(pl.String) == value).first()
        ).item()
        return int(found or 0) + self.first_row


def _format(path: Path, role: str) -> str:
    suffix = path.suffix.lower()
    if role == "fleet":
        if suffix == ".xls":
            raise UnreadableFile(
                f"{path}: an old Excel .xls workbook; save it as .xlsx or CSV UTF-8"
            )
        if suffix not in FLEET_SUFFIXES:
            raise UnreadableFile(
                f"{path}: a fleet file must end in .csv or .parquet, or .xlsx for a workbook (a "
                "text file Excel saved as Unicode text: name it .csv)"
            )
        return "csv" if suffix == ".tsv" else suffix[1:]
    if suffix not in SUFFIXES:
        raise UnreadableFile(f"{path}: a {role} file must end in .csv or .parquet")
    return suffix[1:]


def check_plan_path(path: Path, fleet: Path) -> None:
    """Refuse an output path firpath cannot write, or the fleet file itself, before any work."""
    _format(path, "plan")
    if path.resolve() == fleet.resolve():
        raise UnwritableFile(f"{path}: is the fleet file itself; choose another --out")
    if not path.parent.exists():
        raise UnwritableFile(f"{path}: folder {path.parent} does not exist")


def _unreadable(path: Path, fmt: str, err: Exception) -> UnreadableFile:
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return UnreadableFile(f"{path}: not a readable {fmt.upper()} fleet file ({first})")


def _columns_of(path: Path, shown: Path, fmt: str, separator: str = ",") -> list[str]:
    try:
        if fmt == "csv":
            scan = pl.scan_csv(path, infer_schema=False, n_rows=0, separator=separator)
            return list(scan.collect_schema().names())
        return list(pl.scan_parquet(path).collect_schema().names())
    except FileNotFoundError:
        raise UnreadableFile(f"{shown}: no such file") from None
    except (pl.exceptions.PolarsError, OSError) as err:
        raise _unreadable(shown, fmt, err) from None


def _choose_columns(path: Path, names: Sequence[str]) -> tuple[FleetMode, list[str], list[str]]:
    """The mode, and the canonical and file names of the columns to read (device_id first)."""
    by_key: dict[str, str] = {}
    clashes: list[Defect] = []
    for name in names:
        # polars renames an exact repeat of a CSV header to NAME_duplicated_N
        written = re.sub(r"_duplicated_\d+$", "", name)  # as the file's header has it
        key = header_key(written)
        if key in by_key and key in _FLEET_KEYS:
            other = clip(by_key[key])
            again = "again" if other == written else f"as {other!r} does"
            clashes.append(
                Defect(f"names the same column {again}: keep one", 1, written, None, written)
            )
        by_key.setdefault(key, name)
    if clashes:
        raise InvalidInput(clashes, f"{path.name}: nothing planned, a column appears twice")

    def has(column: str) -> bool:
        return header_key(column) in by_key

    versions = [c for c in ("firmware_version", NAME_COLUMN) if has(c)]
    model = [*MODEL_COLUMNS[:4], *versions]
    has_models = bool(versions) and all(has(c) for c in MODEL_COLUMNS[:4])
    if has("cpl_entry_id"):
        mode = FleetMode.EITHER if has_models else FleetMode.ENTRY_ID
        wanted: Sequence[str] = ID_COLUMNS
    else:
        mode, wanted = FleetMode.MODEL_VERSION, MODEL_COLUMNS if not versions else model
    missing = [c for c in wanted if not has(c)]
    if missing:
        raise InvalidInput(
            [Defect(f"required column is missing ({_NEEDED})", 1, c) for c in missing],
            f"{path.name}: nothing planned",
        )
    columns = list(ID_COLUMNS if mode is FleetMode.ENTRY_ID else model)
    if mode is FleetMode.EITHER:
        columns.insert(1, "cpl_entry_id")
    if mode is not FleetMode.ENTRY_ID and has(HASH_COLUMN):
        columns.append(HASH_COLUMN)
    return mode, columns, [by_key[header_key(c)] for c in columns]


def read_fleet(path: Path) -> Fleet:
    """Read the device id and firmware columns of a fleet file (other columns are ignored)."""
    if path.is_dir():
        raise UnreadableFile(f"{path}: is a folder, not a fleet file; give the file itself")
    fmt = _format(path, "fleet")
    if not path.is_file():
        raise UnreadableFile(f"{path}: no such file")
    first_row, replaced = 2, False
    if fmt == "xlsx":
        from firpath.io.fleet_xlsx import read_xlsx_fleet

        chosen: list[FleetMode] = []

        def choose(names: Sequence[str]) -> tuple[list[str], list[str]]:
            mode, columns, source = _choose_columns(path, names)
            chosen.append(mode)
            return columns, source

        frame = read_xlsx_fleet(path, choose)
        mode = chosen[0]
    elif fmt == "parquet":
        mode, columns, source = _choose_columns(path, _columns_of(path, path, fmt))
        frame = _read_parquet(path, source, columns)
        first_row = 1
    else:
        from firpath.io.fleet_text import sniff_text, utf8_copy

        layout = sniff_text(path, _FLEET_KEYS)
        with utf8_copy(path, layout) as text:
            names = _columns_of(text, path, fmt, layout.separator)
            mode, columns, source = _choose_columns(path, names)
            frame, replaced = _read_csv(text, path, source, layout.separator)
        frame = frame.rename(dict(zip(source, columns, strict=True)))
    if HASH_COLUMN not in frame.columns and mode is not FleetMode.ENTRY_ID:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Categorical).alias(HASH_COLUMN))
    keys = tuple(c for c in frame.columns if c != "device_id")
    return Fleet(frame, mode, keys, path.name, first_row, replaced)


def _as_text(column: pl.Series) -> pl.Series:
    """A column as text; bytes that are not UTF-8 are replaced (such an id matches nothing)."""
    try:
        return column.cast(pl.String)
    except pl.exceptions.ComputeError:
        if column.dtype != pl.Binary:
            raise
        return pl.Series(
            column.name,
            [None if b is None else b.decode("utf-8", "replace") for b in column.to_list()],
            dtype=pl.String,
        )


def _types(source: list[str]) -> dict[str, pl.DataType]:
    """device_id as text, firmware columns as Categorical (few distinct values, many rows)."""
    types: dict[str, pl.DataType] = {c: pl.Categorical() for c in source[1:]}
    types[source[0]] = pl.String()
    return types


def _read_csv(
    path: Path, shown: Path, source: list[str], separator: str
) -> tuple[pl.DataFrame, bool]:
    """The columns, and whether bytes that are not UTF-8 had to be replaced."""
    types = _types(source)
    try:
        try:
            frame = pl.read_csv(
                path,
                columns=source,
                separator=separator,
                schema_overrides=types,
                truncate_ragged_lines=True,
            )
            return frame, False
        except pl.exceptions.PolarsError:
            # invalid UTF-8 somewhere: read again replacing bad bytes (those rows won't match)
            frame = pl.read_csv(
                path,
                columns=source,
                separator=separator,
                infer_schema=False,
                truncate_ragged_lines=True,
                encoding="utf8-lossy",
            ).with_columns(pl.col(c).cast(t) for c, t in types.items())
            return frame, True
    except (pl.exceptions.PolarsError, OSError) as err:
        raise _unreadable(shown, "csv", err) from None


def _read_parquet(path: Path, source: list[str], columns: list[str]) -> pl.DataFrame:
    """The `source` columns named `columns`, as text (see `_types`)."""
    try:
        frame = pl.read_parquet(path, columns=source)
    except (pl.exceptions.PolarsError, OSError) as err:
        raise _unreadable(path, "parquet", err) from None
    types = _types(source)
    return pl.DataFrame(
        _typed_as_text(path, frame.get_column(name), column).cast(types[name]).alias(column)
        for name, column in zip(source, columns, strict=True)
    )


def _typed_as_text(path: Path, series: pl.Series, column: str) -> pl.Series:
    """A Parquet column as text: numbers as the ids they stand for (each distinct one once),
    bytes that are not UTF-8 replaced."""
    if not series.dtype.is_numeric():
        return _as_text(series)
    if series.dtype.is_float() or series.dtype.is_decimal():
        series = series.cast(pl.Float64).fill_nan(None)
    distinct = series.unique().drop_nulls().to_list()
    texts: list[str] = []
    for value in distinct:
        try:
            texts.append(number_id(column, value))
        except NumberNotId as err:
            row = (series == value).arg_true()[0]
            raise number_error(path.name, err, int(row) + 1) from None
    return series.replace_strict(distinct, texts, default=None, return_dtype=pl.String)


def _no_formulas(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Text columns with a leading `'` on any value a spreadsheet would run as a formula
    (checked per distinct value: few of them, many rows)."""
    for name in columns:
        distinct = frame.get_column(name).unique().drop_nulls().cast(pl.String)
        risky = distinct.filter(distinct.str.contains(RISKY_PATTERN))
        if len(risky):
            frame = frame.with_columns(
                pl.col(name).cast(pl.String).replace(risky, "'" + risky).cast(pl.Categorical)
            )
    return frame


def _csv_safe_device_ids(
    frame: pl.DataFrame,
) -> tuple[pl.DataFrame, Literal["necessary", "never"]]:
    """Device ids are the user's text; every other plan column is CPL ids and numbers, which
    never need quoting or neutralising. Whether any device id needs either is found in one
    parallel pass: usually none does, and the writer then skips its per-value quoting check
    (half the write time)."""
    device_id = pl.col("device_id")
    quoted, risky = (
        frame.lazy()
        .select(
            device_id.str.contains_any([",", '"', "\r", "\n"]).any(),
            device_id.str.contains(RISKY_PATTERN).any().alias("risky"),
        )
        .collect()
        .row(0)
    )
    if risky:
        frame = frame.with_columns(
            pl.when(device_id.str.contains(RISKY_PATTERN))
            .then(pl.lit("'") + device_id)
            .otherwise(device_id)
            .alias("device_id")
        )
    return frame, "necessary" if quoted else "never"


def write_plan(frame: pl.DataFrame, path: Path) -> None:
    """Write the plan (PLAN_COLUMNS, then any explained columns) as CSV or Parquet by the
    path's extension."""
    try:
        if path.suffix.lower() == ".csv":
            frame, quoting = _csv_safe_device_ids(frame)
            explained = [c for c in frame.columns if c not in PLAN_COLUMNS]  # sentences: quote
            if explained:
                frame, quoting = _no_formulas(frame, explained), "necessary"
            frame.write_csv(path, quote_style=quoting)  # categoricals as they are: 3x faster
        else:
            frame.write_parquet(path, compression="lz4")
    except (pl.exceptions.PolarsError, OSError) as err:
        raise UnwritableFile(f"{path}: cannot be written ({err})") from None
