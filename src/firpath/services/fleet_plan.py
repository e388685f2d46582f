"""Planning a fleet file: resolve each distinct firmware once, plan it once, join to devices."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import polars as pl
from sqlalchemy import Engine

from firpath.domain.firmware_lookup import FirmwareIndex
from firpath.domain.fleet_plan import LATEST, DevicePlan, DeviceStatus, FleetPlanner
from firpath.io.fleet_file import Fleet, FleetMode, check_plan_path, read_fleet, write_plan
from firpath.services.fleet_firmware import distinct_firmware, resolve_key
from firpath.services.progress import Stage, no_stages
from firpath.services.unit_of_work import read_transaction
from firpath.store import entries

STAGES: Final = ("reading fleet", "loading the CPL", "planning and joining", "writing plan")
STATUS_TYPE: Final = pl.Enum([s.value for s in DeviceStatus])


@dataclass(frozen=True, slots=True)
class ModelTally:
    """Devices of one device model that cannot (or may not) reach their target."""

    device_model: str
    no_path: int
    incomplete_data: int
    devices: int


@dataclass(frozen=True, slots=True)
class FleetSummary:
    """What a fleet plan found."""

    devices: int
    mode: str
    target: str
    distinct_firmware: int
    by_status: dict[str, int]
    stranded_models: list[ModelTally] = field(default_factory=list)


def _lookup(keys: pl.DataFrame, plans: list[DevicePlan]) -> pl.DataFrame:
    return keys.with_columns(
        pl.Series("status", [p.status.value for p in plans], dtype=STATUS_TYPE),
        pl.Series("current_entry_id", [p.current_entry_id for p in plans], dtype=pl.Categorical),
        pl.Series("target_entry_id", [p.target_entry_id for p in plans], dtype=pl.Categorical),
        pl.Series("hops", [p.hops for p in plans], dtype=pl.Int32),
        pl.Series("steps", [p.steps or None for p in plans], dtype=pl.Categorical),
        pl.Series("device_model", [p.device_model for p in plans], dtype=pl.String),
        pl.int_range(0, len(plans), dtype=pl.UInt32).alias("lookup_row"),
    )


def plan_fleet(
    engine: Engine,
    fleet_path: Path,
    out_path: Path,
    *,
    target: str = LATEST,
    on_stage: Stage | None = None,
) -> FleetSummary:
    """Plan every device of a fleet file and write the plan file, one row per device in order."""
    stage = on_stage or no_stages
    check_plan_path(out_path, fleet_path)
    stage(STAGES[0])
    fleet = read_fleet(fleet_path)
    stage(STAGES[1])
    with read_transaction(engine) as conn:
        stored = entries.load_all(conn)
    planner = FleetPlanner(FirmwareIndex(stored.values()), target)
    stage(STAGES[2])
    joined, lookup = _join_plans(fleet, planner)
    stage(STAGES[3])
    write_plan(
        joined.select(
            "device_id",
            pl.col("status").fill_null(DeviceStatus.UNKNOWN_FIRMWARE.value),
            "current_entry_id",
            "target_entry_id",
            "hops",
            "steps",
        ),
        out_path,
    )
    return _summary(joined.height, lookup, fleet.mode, target)


def _join_plans(fleet: Fleet, planner: FleetPlanner) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each device with the plan of its firmware (each distinct firmware planned once), and
    the per-firmware plans with their device counts."""
    found = distinct_firmware(fleet)
    plans = [
        planner.for_match(resolve_key(planner.index, fleet.mode, k)) for k in found.keys.iter_rows()
    ]
    lookup = (
        _lookup(found.keys, plans)
        .drop(fleet.key_columns)
        .with_columns(*found.key_values.select(found.on).get_columns(), found.devices)
    )
    return _attach(found.keyed, lookup, found.on), lookup


PLAN_FIELDS: Final = ("status", "current_entry_id", "target_entry_id", "hops", "steps")
DENSE_LIMIT: Final = 1 << 24


def _attach(keyed: pl.DataFrame, lookup: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """Each device's plan columns and lookup row, in device order."""
    if on != ["key"]:
        return keyed.join(
            lookup.select(*on, *PLAN_FIELDS, "lookup_row"),
            on=on,
            how="left",
            maintain_order="left",
            nulls_equal=True,
        )
    key = keyed.get_column("key")
    known = lookup.filter(pl.col("key").is_not_null())
    null_rows = lookup.filter(pl.col("key").is_null()).get_column("lookup_row")
    default = null_rows[0] if len(null_rows) else None
    top = known.get_column("key").max()
    if isinstance(top, int) and top < DENSE_LIMIT:  # small keys (category codes): an array
        table = pl.Series([default] * (top + 1), dtype=pl.UInt32).scatter(
            known.get_column("key").cast(pl.Int64), known.get_column("lookup_row")
        )
        row = table.gather(key).fill_null(default) if default is not None else table.gather(key)
    else:
        row = key.replace_strict(
            known.get_column("key"),
            known.get_column("lookup_row"),
            default=default,
            return_dtype=pl.UInt32,
        )
    return keyed.with_columns(
        *(lookup.get_column(c).gather(row) for c in PLAN_FIELDS), row.alias("lookup_row")
    )


def _summary(device_count: int, lookup: pl.DataFrame, mode: FleetMode, target: str) -> FleetSummary:
    counts = lookup.select("status", "device_model", "devices")
    by_status = {s.value: 0 for s in DeviceStatus}
    for status, devices in counts.group_by("status").agg(pl.col("devices").sum()).iter_rows():
        by_status[status] = int(devices)
    per_model = (
        counts.filter(pl.col("device_model").is_not_null())
        .group_by("device_model")
        .agg(
            pl.col("devices")
            .filter(pl.col("status") == DeviceStatus.NO_PATH.value)
            .sum()
            .alias("no_path"),
            pl.col("devices")
            .filter(pl.col("status") == DeviceStatus.INCOMPLETE_DATA.value)
            .sum()
            .alias("incomplete_data"),
            pl.col("devices").sum().alias("devices"),
        )
        .filter((pl.col("no_path") + pl.col("incomplete_data")) > 0)
        .sort(
            [pl.col("no_path") + pl.col("incomplete_data"), "device_model"],
            descending=[True, False],
        )
        .head(10)
    )
    return FleetSummary(
        devices=device_count,
        mode=mode.value,
        target=target,
        distinct_firmware=lookup.height,
        by_status=by_status,
        stranded_models=[ModelTally(*row) for row in per_model.iter_rows()],
    )
