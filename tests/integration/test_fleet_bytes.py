"""Fleet values that are not UTF-8 make an `unknown_firmware` row, never an error."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from firpath.services.fleet_plan import plan_fleet
from firpath.services.import_cpl import import_cpl_file
from tests.integration.cpl_rows import row, write_cpl


@pytest.fixture
def cpl(engine: Engine, tmp_path: Path) -> Engine:
    rows = [row("101", "01000000"), row("102", "01000100", "101")]
    import_cpl_file(engine, write_cpl(tmp_path / "cpl.csv", rows), actor="t")
    return engine


def planned(engine: Engine, fleet: Path, tmp_path: Path) -> list[tuple[str, str]]:
    plan = tmp_path / "plan.parquet"
    plan_fleet(engine, fleet, plan)
    frame = pl.read_parquet(plan)
    return list(zip(frame["device_id"].to_list(), frame["status"].to_list(), strict=True))


def test_a_csv_fleet_with_bad_bytes_in_ids_plans_every_row(cpl: Engine, tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.csv"
    fleet.write_bytes(b"device_id,cpl_entry_id\nd1,101\nd\xff2,101\nd3,10\xfe1\nd4,102\n")
    assert planned(cpl, fleet, tmp_path) == [
        ("d1", "upgrade"),
        ("d\ufffd2", "upgrade"),  # the device id is decoded lossily; its firmware is known
        ("d3", "unknown_firmware"),
        ("d4", "up_to_date"),
    ]


def test_a_model_version_fleet_with_bad_bytes_makes_unknown_firmware(
    cpl: Engine, tmp_path: Path
) -> None:
    fleet = tmp_path / "fleet.csv"
    fleet.write_bytes(
        b"device_id,manufacturer_id,model_id,hardware_version,firmware_version\n"
        b"d1,1234,0001,0002,01000000\n"
        b"d2,12\xc334,0001,0002,01000000\n"
        b"d3,1234,0001,0002,0100\xff100\n"
    )
    statuses = [status for _, status in planned(cpl, fleet, tmp_path)]
    assert statuses == ["upgrade", "unknown_firmware", "unknown_firmware"]


def test_a_parquet_fleet_of_bytes_that_are_not_utf8_plans_every_row(
    cpl: Engine, tmp_path: Path
) -> None:
    fleet = tmp_path / "fleet.parquet"
    pl.DataFrame(
        {"device_id": [b"d1", b"d\xff2", b"d3"], "cpl_entry_id": [b"101", b"101", b"10\xfe1"]}
    ).write_parquet(fleet)
    assert planned(cpl, fleet, tmp_path) == [
        ("d1", "upgrade"),
        ("d\ufffd2", "upgrade"),
        ("d3", "unknown_firmware"),
    ]


def test_a_parquet_fleet_of_utf8_bytes_reads_them_as_text(cpl: Engine, tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.parquet"
    pl.DataFrame({"device_id": [b"d1"], "cpl_entry_id": [b"101"]}).write_parquet(fleet)
    assert planned(cpl, fleet, tmp_path) == [("d1", "upgrade")]
