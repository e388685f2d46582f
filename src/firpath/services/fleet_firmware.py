"""What a fleet runs: each distinct firmware found once, keyed for fast joins and counts.

Blank rows (no device id and no firmware) are skipped here, where the distinct firmware
shows cheaply whether there are any; ids a spreadsheet typed as numbers are read back as
the ids they were, once per distinct value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import polars as pl

from firpath.domain.firmware_lookup import FirmwareGiven, FirmwareIndex, Match
from firpath.io.fleet_file import HASH_COLUMN, NAME_COLUMN, Fleet, FleetMode
from firpath.io.fleet_ids import NumberNotId, number_error, text_ids
from firpath.services.fleet_device_ids import BLANK_PATTERN


def firmware_given(fleet: Fleet, key: Sequence[str | None]) -> FirmwareGiven:
    """What one distinct firmware key of a fleet gives (the fleet's key columns, in order)."""
    cells = {column: value or "" for column, value in zip(fleet.key_columns, key, strict=True)}
    by_id = fleet.mode is FleetMode.ENTRY_ID
    if fleet.mode is FleetMode.EITHER:
        by_id = bool(cells["cpl_entry_id"].strip())  # a row giving its CPL Entry ID: it decides
    if by_id:
        return FirmwareGiven(True, cells["cpl_entry_id"])
    return FirmwareGiven(
        False,
        "",
        cells["manufacturer_id"],
        cells["model_id"],
        cells["hardware_version"],
        cells.get("firmware_version", ""),
        cells.get(HASH_COLUMN, ""),
        cells.get(NAME_COLUMN, ""),
    )


def resolve_key(index: FirmwareIndex, fleet: Fleet, key: Sequence[str | None]) -> Match:
    """Resolve one distinct firmware key of a fleet against the CPL."""
    return index.resolve(firmware_given(fleet, key))


def _key(columns: Sequence[str], seed: int) -> pl.Expr:
    """A 64-bit hash of the category codes, checked afterwards by a second, independent hash
    (used only when the codes do not pack exactly into 64 bits)."""
    if len(columns) == 1:
        return pl.col(columns[0]).to_physical().cast(pl.UInt64)
    return pl.struct(pl.col(c).to_physical() for c in columns).hash(seed)


@dataclass(frozen=True, slots=True)
class DistinctFirmware:
    """Devices keyed by firmware (`keyed`), and one row per distinct firmware with its count."""

    keyed: pl.DataFrame  # device_id and the key column(s) `on`
    keys: pl.DataFrame  # the fleet's firmware columns as text, one row per distinct firmware
    on: list[str]  # the join columns, present in `keyed` and in `key_values`
    key_values: pl.DataFrame  # the `on` columns of each distinct firmware (same order as keys)
    devices: pl.Series  # how many devices run each distinct firmware (same order as keys)
    blank_rows: int = 0  # rows with no device id and no firmware: skipped, not devices


def _packed(frame: pl.DataFrame, columns: Sequence[str]) -> pl.Series | None:
    """The category codes of the columns packed side by side into one exact 64-bit key,
    or None when they need more than 64 bits (many distinct junk values)."""
    codes = frame.select(pl.col(c).to_physical() for c in columns)
    maxima: tuple[int | None, ...] = codes.max().row(0)
    widths = [((top or 0) + 2).bit_length() for top in maxima]
    if sum(widths) > 64:
        return None
    key = pl.lit(0, dtype=pl.UInt64)
    for column, width in zip(columns, widths, strict=True):
        # null -> 0, code c -> c + 1, so no two different rows share a key
        field = (pl.col(column).cast(pl.UInt64) + 1).fill_null(0)
        key = key * (1 << width) + field
    return codes.select(key.alias("key")).get_column("key")


def distinct_firmware(fleet: Fleet) -> DistinctFirmware:
    """Each distinct firmware of the devices of a fleet once, with its device count; blank
    rows skipped (`keyed` has one row per other row of the file, in order) and ids typed as
    numbers read back as the ids they were (an id that cannot be right is an error)."""
    columns = list(fleet.key_columns)
    found = _distinct(fleet.frame, columns)
    blank = _blank_rows(found)
    if blank is not None:
        found = replace(_distinct(fleet.frame.filter(~blank), columns), blank_rows=int(blank.sum()))
    return replace(found, keys=_as_ids(fleet, found.keys))


def _blank_rows(found: DistinctFirmware) -> pl.Series | None:
    """Which rows give neither a device id nor any firmware cell (None: no such row)."""
    blank_keys = found.keys.select(
        pl.all_horizontal(
            pl.col(c).is_null() | pl.col(c).str.contains(BLANK_PATTERN) for c in found.keys.columns
        ).arg_true()
    ).to_series()
    if blank_keys.is_empty():
        return None
    keyed = found.keyed
    if found.on == ["key"]:
        candidates = keyed.get_column("key").is_in(
            found.key_values.get_column("key").gather(blank_keys).implode()
        )
    else:  # the exact key: the columns themselves
        candidates = keyed.select(
            pl.all_horizontal(
                pl.col(c).is_null() | pl.col(c).cast(pl.String).str.contains(BLANK_PATTERN)
                for c in found.on
            )
        ).to_series()
    rows = candidates.arg_true()
    device_id = keyed.get_column("device_id").gather(rows)
    empty = device_id.is_null() | device_id.str.contains(BLANK_PATTERN)
    if not empty.any():
        return None
    return pl.repeat(False, keyed.height, eager=True).scatter(rows.filter(empty), True)


def _as_ids(fleet: Fleet, keys: pl.DataFrame) -> pl.DataFrame:
    """The distinct firmware with each id column's numbers read back as ids."""
    for column in keys.columns:
        texts = keys.get_column(column).drop_nulls().unique().to_list()
        try:
            changed = text_ids(column, texts)
        except NumberNotId as err:
            row = fleet.row_of(column, err.value)
            raise number_error(fleet.source, err, row) from None
        if changed:
            keys = keys.with_columns(pl.col(column).replace(changed))
    return keys


def _distinct(frame: pl.DataFrame, columns: list[str], *, exact: bool = False) -> DistinctFirmware:
    """Each distinct firmware of the rows of `frame` once, with its row count.

    The key is exact (category codes packed into 64 bits, or the columns themselves) or,
    when the codes do not fit, a 64-bit hash proven free of collisions by a second,
    independent hash; on a collision (about once in 10^10 fleets) the exact key is used.
    """
    packed = None if exact else _packed(frame, columns)
    extra: list[pl.Expr] = []
    if exact:
        keyed = frame.select("device_id", *columns)
        on = columns
    elif packed is not None:
        keyed = frame.select("device_id").with_columns(packed)
        on = ["key"]
    else:
        keyed = frame.select("device_id", _key(columns, 11).alias("key"))
        on, extra = ["key"], [_key(columns, 23).alias("check")]
    grouped = (
        frame.select(columns)
        .with_columns(*(keyed.get_column(c) for c in on if c not in columns), *extra)
        .group_by(on)
        .agg(
            *(pl.col(c).first() for c in columns if c not in on),
            pl.len().alias("devices"),
            *([pl.col("check").n_unique().alias("checks")] if extra else []),
        )
    )
    if extra and grouped.get_column("checks").max() != 1:
        return _distinct(frame, columns, exact=True)
    keys = grouped.select(pl.col(columns).cast(pl.String))
    return DistinctFirmware(keyed, keys, on, grouped.select(on), grouped.get_column("devices"))
