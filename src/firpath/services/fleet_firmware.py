"""What a fleet runs: each distinct firmware found once, keyed for fast joins and counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from firpath.domain.firmware_lookup import FirmwareGiven, FirmwareIndex, Match
from firpath.io.fleet_file import Fleet, FleetMode


def firmware_given(mode: FleetMode, key: Sequence[str | None]) -> FirmwareGiven:
    """What one distinct firmware key of a fleet gives (the fleet's key columns, in order)."""
    if mode is FleetMode.ENTRY_ID:
        return FirmwareGiven(True, key[0] or "")
    if mode is FleetMode.EITHER:
        if key[0] and key[0].strip():  # the row gives its CPL Entry ID: that decides
            return FirmwareGiven(True, key[0])
        key = key[1:]
    m, mo, hw, fw, image_hash = key
    return FirmwareGiven(False, "", m or "", mo or "", hw or "", fw or "", image_hash or "")


def resolve_key(index: FirmwareIndex, mode: FleetMode, key: Sequence[str | None]) -> Match:
    """Resolve one distinct firmware key of a fleet against the CPL."""
    return index.resolve(firmware_given(mode, key))


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


def distinct_firmware(fleet: Fleet, *, exact: bool = False) -> DistinctFirmware:
    """Each distinct firmware of a fleet once, with its device count.

    The key is exact (category codes packed into 64 bits, or the columns themselves) or,
    when the codes do not fit, a 64-bit hash proven free of collisions by a second,
    independent hash; on a collision (about once in 10^10 fleets) the exact key is used.
    """
    columns = list(fleet.key_columns)
    packed = None if exact else _packed(fleet.frame, columns)
    extra: list[pl.Expr] = []
    if exact:
        keyed = fleet.frame.select("device_id", *columns)
        on = columns
    elif packed is not None:
        keyed = fleet.frame.select("device_id").with_columns(packed)
        on = ["key"]
    else:
        keyed = fleet.frame.select("device_id", _key(columns, 11).alias("key"))
        on, extra = ["key"], [_key(columns, 23).alias("check")]
    grouped = (
        fleet.frame.select(columns)
        .with_columns(*(keyed.get_column(c) for c in on if c not in columns), *extra)
        .group_by(on)
        .agg(
            *(pl.col(c).first() for c in columns if c not in on),
            pl.len().alias("devices"),
            *([pl.col("check").n_unique().alias("checks")] if extra else []),
        )
    )
    if extra and grouped.get_column("checks").max() != 1:
        return distinct_firmware(fleet, exact=True)
    keys = grouped.select(pl.col(columns).cast(pl.String))
    return DistinctFirmware(keyed, keys, on, grouped.select(on), grouped.get_column("devices"))
