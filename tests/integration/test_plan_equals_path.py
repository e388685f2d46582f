"""A fleet plan says for each device exactly what `firpath path` says for its entry
(issue 8, item 8): every entry of the demo CPL, by CPL Entry ID and by model + version."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from firpath.services.demo import load_demo
from firpath.services.fleet_plan import plan_fleet
from firpath.services.paths import find_path
from firpath.services.unit_of_work import read_transaction
from firpath.store import entries

STATUS = {
    "ok": "upgrade",
    "up_to_date": "up_to_date",
    "no_path": "no_path",
    "incomplete_data": "incomplete_data",
}


@pytest.fixture
def demo(engine: Engine) -> Engine:
    load_demo(engine, actor="test")
    return engine


@pytest.mark.parametrize("layout", ["entry_id", "model_version"])
def test_every_plan_row_agrees_with_the_path_of_its_entry(
    demo: Engine, tmp_path: Path, layout: str
) -> None:
    with read_transaction(demo) as conn:
        stored = list(entries.load_all(conn).values())
    if layout == "entry_id":
        fleet = pl.DataFrame(
            {
                "device_id": [f"m{e.cpl_entry_id}" for e in stored],
                "cpl_entry_id": [e.cpl_entry_id for e in stored],
            }
        )
    else:
        fleet = pl.DataFrame(
            {
                "device_id": [f"m{e.cpl_entry_id}" for e in stored],
                "manufacturer_id": [e.manufacturer_id for e in stored],
                "model_id": [e.model_id for e in stored],
                "hardware_version": [e.hardware_version for e in stored],
                "firmware_version": [e.firmware_version for e in stored],
                "manufacturer_image_hash": [e.manufacturer_image_hash for e in stored],
            }
        )
    fleet.write_csv(tmp_path / "fleet.csv")
    plan_fleet(demo, tmp_path / "fleet.csv", tmp_path / "plan.csv")
    plan = pl.read_csv(tmp_path / "plan.csv", infer_schema=False)
    assert plan.height == len(stored)
    seen: set[str] = set()
    twins = 0
    for entry, row in zip(stored, plan.iter_rows(named=True), strict=True):
        answer = find_path(demo, entry.cpl_entry_id).result
        assert row["device_id"] == f"m{entry.cpl_entry_id}"
        assert row["status"] == STATUS[answer.status.value], (entry.cpl_entry_id, row)
        assert row["current_entry_id"] == entry.cpl_entry_id
        assert row["target_entry_id"] == (answer.target.cpl_entry_id if answer.target else None)
        steps = ";".join(e.cpl_entry_id for e in answer.steps)
        assert (row["steps"] or "") == steps, (entry.cpl_entry_id, row)
        expected_hops = (
            str(len(answer.steps)) if answer.status.value in ("ok", "up_to_date") else None
        )
        assert row["hops"] == expected_hops
        seen.add(answer.status.value)
        twins += row["status"] == "up_to_date" and row["target_entry_id"] != entry.cpl_entry_id
    assert seen == set(STATUS)  # the demo exercises every path status
    assert twins > 0  # and devices on a twin build of the latest version
