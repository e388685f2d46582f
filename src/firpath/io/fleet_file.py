"""Fleet files in (device ids and what they run) and plan files out, CSV or Parquet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final, Literal

import polars as pl

from firpath.domain.errors import Defect, InvalidInput, UnreadableFile, UnwritableFile, clip
from firpath.io.columns import header_key
from firpath.io.formula_cells import RISKY_PATTERN

ID_COLUMNS: Final = ("device_id", "cpl_entry_id")
MODEL_COLUMNS: Final = (
    "device_id",
    "manufacturer_id",
    "model_id",
    "hardware_version",
    "firmware_version",
)
HASH_COLUMN: Final = "manufacturer_image_hash"
_FLEET_KEYS: Final = frozenset(header_key(c) for c in (*ID_COLUMNS, *MODEL_COLUMNS, HASH_COLUMN))
PLAN_COLUMNS: Final = (
    "device_id",
    "status",
    "current_entry_id",
    "target_entry_id",
    "hops",
    "steps",
)
SUFFIXES: Final = (".csv", ".parquet")


class FleetMode(StrEnum):
    """How a fleet file says what each device runs."""

    ENTRY_ID = "entry_id"  # a cpl_entry_id column
    MODEL_VERSION = "model_version"  # device model + firmware version (+ hash)
    EITHER = "either"  # both: the CPL Entry ID where a row gives one, else model + version


@dataclass(frozen=True, slots=True)
class Fleet:
    """A fleet's devices: `device_id` (text) and the columns that identify their firmware."""

    frame: pl.DataFrame
    mode: FleetMode
    key_columns: tuple[str, ...]


def _format(path: Path, role: str) -> str:
    suffix = path.suffix.lower()
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


def _columns_of(path: Path, fmt: str) -> list[str]:
    try:
        if fmt == "csv":
            return list(pl.scan_csv(path, infer_schema=False, n_rows=0).collect_schema().names())
        return list(pl.scan_parquet(path).collect_schema().names())
    except FileNotFoundError:
        raise UnreadableFile(f"{path}: no such file") from None
    except (pl.exceptions.PolarsError, OSError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise UnreadableFile(f"{path}: not a readable {fmt.upper()} fleet file ({first})") from None


def read_fleet(path: Path) -> Fleet:
    """Read the device id and firmware columns of a fleet file (other columns are ignored)."""
    fmt = _format(path, "fleet")
    if not path.is_file():
        raise UnreadableFile(f"{path}: no such file")
    names = _columns_of(path, fmt)
    by_key: dict[str, str] = {}
    clashes: list[Defect] = []
    for name in names:
        # polars renames an exact repeat of a CSV header to NAME_duplicated_N
        key = header_key(re.sub(r"_duplicated_\d+$", "", name))
        if key in by_key and key in _FLEET_KEYS:
            other = clip(by_key[key])
            clashes.append(Defect(f"names the same column as {other!r}", 1, name, None, name))
        by_key.setdefault(key, name)
    if clashes:
        raise InvalidInput(clashes, f"{path.name}: nothing planned, a column appears twice")
    wanted = ID_COLUMNS if header_key("cpl_entry_id") in by_key else MODEL_COLUMNS
    missing = [c for c in wanted if header_key(c) not in by_key]
    if missing:
        raise InvalidInput(
            [
                Defect(
                    "required column is missing (a fleet needs device_id and either cpl_entry_id "
                    "or manufacturer_id, model_id, hardware_version, firmware_version)",
                    1,
                    c,
                )
                for c in missing
            ],
            f"{path.name}: nothing planned",
        )
    has_models = all(header_key(c) in by_key for c in MODEL_COLUMNS)
    if wanted == ID_COLUMNS:
        mode = FleetMode.EITHER if has_models else FleetMode.ENTRY_ID
    else:
        mode = FleetMode.MODEL_VERSION
    columns = list(ID_COLUMNS if mode is FleetMode.ENTRY_ID else MODEL_COLUMNS)
    if mode is FleetMode.EITHER:
        columns.insert(1, "cpl_entry_id")
    if mode is not FleetMode.ENTRY_ID and header_key(HASH_COLUMN) in by_key:
        columns.append(HASH_COLUMN)
    source = [by_key[header_key(c)] for c in columns]
    frame = _read_columns(path, fmt, source)
    frame = frame.rename(dict(zip(source, columns, strict=True)))
    if HASH_COLUMN not in frame.columns and mode is not FleetMode.ENTRY_ID:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Categorical).alias(HASH_COLUMN))
    keys = tuple(c for c in frame.columns if c != "device_id")
    return Fleet(frame, mode, keys)


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


def _read_columns(path: Path, fmt: str, source: list[str]) -> pl.DataFrame:
    """device_id as text, firmware columns as Categorical (few distinct values, many rows)."""
    types: dict[str, pl.DataType] = {c: pl.Categorical() for c in source[1:]}
    types[source[0]] = pl.String()
    try:
        if fmt == "parquet":
            frame = pl.read_parquet(path, columns=source)
            return frame.with_columns(
                _as_text(frame.get_column(c)).cast(t) for c, t in types.items()
            )
        try:
            return pl.read_csv(
                path, columns=source, schema_overrides=types, truncate_ragged_lines=True
            )
        except pl.exceptions.PolarsError:
            # invalid UTF-8 somewhere: read again replacing bad bytes (those rows won't match)
            return pl.read_csv(
                path,
                columns=source,
                infer_schema=False,
                truncate_ragged_lines=True,
                encoding="utf8-lossy",
            ).with_columns(pl.col(c).cast(t) for c, t in types.items())
    except (pl.exceptions.PolarsError, OSError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise UnreadableFile(f"{path}: not a readable {fmt.upper()} fleet file ({first})") from None


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
