"""Planning a fleet file: resolve each distinct firmware once, plan it once, join to devices."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Final

import polars as pl
from sqlalchemy import Engine

from firpath.domain.firmware_lookup import FirmwareIndex
from firpath.domain.fleet_plan import LATEST, DevicePlan, DeviceStatus, FleetPlanner
from firpath.domain.plan_explanation import PlanExplainer, PlanExplanation
from firpath.io.fleet_file import Fleet, check_plan_path, read_fleet, write_plan
from firpath.io.uploads import Upload
from firpath.services.fleet_device_ids import count_device_ids
from firpath.services.fleet_firmware import (
    DistinctFirmware,
    distinct_firmware,
    firmware_given,
    resolve_key,
)
from firpath.services.fleet_summary import FleetRows, FleetSummary, ModelTally, NextStep, summarise
from firpath.services.progress import Stage, no_stages
from firpath.services.unit_of_work import read_transaction
from firpath.store import entries, manufacturers

__all__ = ["STAGES", "FleetSummary", "ModelTally", "NextStep", "plan_fleet", "plan_uploaded_fleet"]

STAGES: Final = ("reading fleet", "loading the CPL", "planning and joining", "writing plan")
STATUS_TYPE: Final = pl.Enum([s.value for s in DeviceStatus])
EXPLAIN_COLUMNS: Final = (
    "current_version_name",
    "target_version_name",
    "step_version_names",
    "reason",
    "contact",
)


def _lookup(keys: pl.DataFrame, plans: list[DevicePlan]) -> pl.DataFrame:
    return keys.with_columns(
        pl.Series("status", [p.status.value for p in plans], dtype=STATUS_TYPE),
        pl.Series("current_entry_id", [p.current_entry_id for p in plans], dtype=pl.Categorical),
        pl.Series("target_entry_id", [p.target_entry_id for p in plans], dtype=pl.Categorical),
        pl.Series("hops", [p.hops for p in plans], dtype=pl.Int32),
        pl.Series("steps", [p.steps or None for p in plans], dtype=pl.Categorical),
        pl.int_range(0, len(plans), dtype=pl.UInt32).alias("lookup_row"),
    )


def _explained(
    explanations: list[PlanExplanation], contacts: Mapping[str, str | None]
) -> list[pl.Series]:
    """The explained columns of each distinct firmware (few distinct values: categorical)."""
    columns: list[list[str | None]] = [
        [x.current_version_name for x in explanations],
        [x.target_version_name for x in explanations],
        [x.step_version_names for x in explanations],
        [x.reason for x in explanations],
        [contacts.get(x.manufacturer_id or "") for x in explanations],
    ]
    return [
        pl.Series(name, cells, dtype=pl.Categorical)
        for name, cells in zip(EXPLAIN_COLUMNS, columns, strict=True)
    ]


def plan_fleet(
    engine: Engine,
    fleet_path: Path,
    out_path: Path,
    *,
    target: str = LATEST,
    explain: bool = False,
    on_stage: Stage | None = None,
) -> FleetSummary:
    """Plan every device of a fleet file and write the plan file, one row per row of the file
    in order, blank rows skipped (with `explain`, the version names, the reason and the
    manufacturer's contact as well)."""
    stage = on_stage or no_stages
    check_plan_path(out_path, fleet_path)
    stage(STAGES[0])
    fleet = read_fleet(fleet_path)
    with ThreadPoolExecutor(max_workers=1) as background:
        # device ids are counted while the CPL loads and plans (polars runs outside the GIL)
        counting = background.submit(count_device_ids, fleet.frame.get_column("device_id"))
        stage(STAGES[1])
        with read_transaction(engine) as conn:
            stored = entries.load_all(conn)
            makers = manufacturers.load_all(conn)
        planner = FleetPlanner(FirmwareIndex(stored.values()), target)
        stage(STAGES[2])
        contacts = {m: maker.contact for m, maker in makers.items()} if explain else None
        found = distinct_firmware(fleet)
        joined, plans, devices = _join_plans(fleet, found, planner, contacts)
        counted = counting.result()
    # every blank row has an empty device id: those are not devices
    rows = FleetRows(
        found.blank_rows,
        replace(counted, empty=counted.empty - found.blank_rows),
        fleet.replaced_bytes,
    )
    stage(STAGES[3])
    write_plan(
        joined.select(
            "device_id",
            pl.col("status").fill_null(DeviceStatus.UNKNOWN_FIRMWARE.value),
            "current_entry_id",
            "target_entry_id",
            "hops",
            "steps",
            *(EXPLAIN_COLUMNS if explain else ()),
        ),
        out_path,
    )
    return summarise(
        plans,
        devices,
        planner,
        makers,
        mode=fleet.mode.value,
        target=target,
        explained=explain,
        rows=rows,
    )


def plan_uploaded_fleet(
    engine: Engine,
    upload: Upload,
    plan_format: str,
    *,
    target: str = LATEST,
    explain: bool = False,
) -> tuple[FleetSummary, Path]:
    """`plan_fleet` of an uploaded fleet file: the plan file (`FLEET-plan.csv` or `.parquet`)
    is written next to it, to go with it, and errors name the upload, not where it is kept."""
    out = upload.output(f"{upload.path.stem}-plan.{plan_format}")
    with upload.naming_errors():
        summary = plan_fleet(engine, upload.path, out, target=target, explain=explain)
    return summary, out


def _join_plans(
    fleet: Fleet,
    found: DistinctFirmware,
    planner: FleetPlanner,
    contacts: Mapping[str, str | None] | None = None,
) -> tuple[pl.DataFrame, list[DevicePlan], list[int]]:
    """Each device with the plan of its firmware (each distinct firmware planned once, and
    explained once when `contacts` are given), and the per-firmware plans with their device
    counts."""
    fields: tuple[str, ...] = PLAN_FIELDS
    if contacts is None:
        plans = [
            planner.for_match(resolve_key(planner.index, fleet, k)) for k in found.keys.iter_rows()
        ]
        extra: list[pl.Series] = []
    else:
        explainer = PlanExplainer(planner)
        plans, explanations = [], []
        for k in found.keys.iter_rows():
            given = firmware_given(fleet, k)
            match = planner.index.resolve(given)
            plans.append(planner.for_match(match))
            explanations.append(explainer.explain(match, given))
        extra = _explained(explanations, contacts)
        fields += EXPLAIN_COLUMNS
    lookup = (
        _lookup(found.keys, plans)
        .drop(fleet.key_columns)
        .with_columns(*extra, *found.key_values.select(found.on).get_columns())
    )
    return _attach(found.keyed, lookup, found.on, fields), plans, found.devices.to_list()


PLAN_FIELDS: Final = ("status", "current_entry_id", "target_entry_id", "hops", "steps")
DENSE_LIMIT: Final = 1 << 24


def _attach(
    keyed: pl.DataFrame, lookup: pl.DataFrame, on: list[str], fields: tuple[str, ...] = PLAN_FIELDS
) -> pl.DataFrame:
    """Each device's plan columns and lookup row, in device order."""
    if on != ["key"]:
        return keyed.join(
            lookup.select(*on, *fields, "lookup_row"),
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
        *(lookup.get_column(c).gather(row) for c in fields), row.alias("lookup_row")
    )
