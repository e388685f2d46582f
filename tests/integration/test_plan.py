"""`firpath plan`: one row per device in input order, CSV and Parquet, bad rows counted."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from firpath.cli.main import app
from firpath.domain.errors import InvalidInput, NotFound, UnreadableFile
from firpath.services import fleet_firmware
from firpath.services.fleet_plan import plan_fleet
from firpath.services.import_cpl import import_cpl_file
from tests.integration.cpl_rows import image_hash, row, write_cpl

runner = CliRunner()

# Model 1234/0001/0002: 101 -> 102 -> 104 (latest, 01000300), 103 removed (from 102),
# 105 is a second build of 102's version; model 1234/0009/0002: 201 (N/A) and 202 (unknown).
ROWS = [
    row("101", "01000000"),
    row("102", "01000100", "101"),
    row("103", "01000200", "102", status="removed"),
    row("104", "01000300", "102"),
    row("105", "01000100", "101", manufacturer_image_hash=image_hash("variant")),
    row("201", "02000000", model_id="0009"),
    row("202", "02000100", "", model_id="0009"),
]


@pytest.fixture
def cpl(engine: Engine, tmp_path: Path) -> Engine:
    import_cpl_file(engine, write_cpl(tmp_path / "cpl.csv", ROWS), actor="t")
    return engine


def read(path: Path) -> pl.DataFrame:
    if path.suffix == ".csv":
        return pl.read_csv(path, infer_schema=False)
    return pl.read_parquet(path)


@pytest.mark.parametrize(
    ("fleet_ext", "plan_ext"), [(".csv", ".csv"), (".parquet", ".parquet"), (".csv", ".parquet")]
)
def test_every_device_gets_its_row_in_input_order(
    cpl: Engine, tmp_path: Path, fleet_ext: str, plan_ext: str
) -> None:
    fleet = pl.DataFrame(
        {
            "device_id": ["d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8"],
            "cpl_entry_id": ["101", "104", " 103 ", "bad id!", None, "201", "x9", "101"],
        }
    )
    fleet_path = tmp_path / f"fleet{fleet_ext}"
    fleet.write_csv(fleet_path) if fleet_ext == ".csv" else fleet.write_parquet(fleet_path)
    out = tmp_path / f"plan{plan_ext}"
    summary = plan_fleet(cpl, fleet_path, out)
    plan = read(out)
    assert plan.columns == [
        "device_id",
        "status",
        "current_entry_id",
        "target_entry_id",
        "hops",
        "steps",
    ]
    got = {r["device_id"]: r for r in plan.iter_rows(named=True)}
    assert plan["device_id"].to_list() == fleet["device_id"].to_list()
    assert got["d1"]["status"] == "upgrade" and got["d1"]["steps"] == "102;104"
    assert str(got["d1"]["hops"]) == "2" and got["d1"]["target_entry_id"] == "104"
    assert got["d2"]["status"] == "up_to_date" and str(got["d2"]["hops"]) == "0"
    assert got["d3"]["status"] == "no_path"  # removed 103 has no way on to 104
    assert got["d3"]["current_entry_id"] == "103"
    for bad in ("d4", "d5", "d7"):
        assert got[bad]["status"] == "unknown_firmware"
        assert got[bad]["current_entry_id"] is None
    assert got["d6"]["status"] == "incomplete_data"  # 202 (latest) has unknown upgrade-from
    assert got["d8"] == dict(got["d1"], device_id="d8")
    assert summary.devices == 8
    assert summary.by_status == {
        "up_to_date": 1,
        "upgrade": 2,
        "no_path": 1,
        "incomplete_data": 1,
        "unknown_firmware": 3,
        "ambiguous": 0,
    }
    assert [m.device_model for m in summary.stranded_models] == ["1234/0001/0002", "1234/0009/0002"]


@pytest.mark.parametrize("packed", [True, False], ids=["packed-key", "hashed-key"])
def test_model_and_version_fleets_use_the_hash_only_when_builds_share_a_version(
    cpl: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, packed: bool
) -> None:
    if not packed:  # as when the codes need more than 64 bits
        monkeypatch.setattr(fleet_firmware, "_packed", lambda frame, columns: None)
    fleet = pl.DataFrame(
        {
            "Device ID": ["a", "b", "c", "d", "e"],
            "Manufacturer ID": ["1234", "1234", "1234", "1234", "12"],
            "Model ID": ["0001", "0001", "0001", "0001", "0001"],
            "Hardware Version": ["0002", "0002", "0002", "0002", "0002"],
            "Firmware Version": ["01000000", "01000100", "01000100", "0100000a", "01000000"],
            "Manufacturer Image Hash": [None, None, image_hash("variant"), None, None],
            "MPAN": ["1", "2", "3", "4", "5"],
        }
    )
    path = tmp_path / "fleet.csv"
    fleet.write_csv(path)
    out = tmp_path / "plan.csv"
    plan_fleet(cpl, path, out)
    statuses = read(out).select("device_id", "status", "current_entry_id").rows()
    assert statuses == [
        ("a", "upgrade", "101"),
        ("b", "ambiguous", None),
        ("c", "no_path", "105"),  # 104 upgrades from 102 only, not this build
        ("d", "unknown_firmware", None),
        ("e", "unknown_firmware", None),
    ]


def test_an_explicit_target_plans_its_model_and_strands_the_others(
    cpl: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "fleet.csv"
    pl.DataFrame({"device_id": ["a", "b"], "cpl_entry_id": ["101", "201"]}).write_csv(path)
    out = tmp_path / "plan.csv"
    plan_fleet(cpl, path, out, target="102")
    rows = read(out).rows()
    assert rows[0][1:] == ("upgrade", "101", "102", "1", "102")
    assert rows[1][1] == "no_path"
    with pytest.raises(NotFound, match="999"):
        plan_fleet(cpl, path, out, target="999")
    by_version = tmp_path / "by_version.csv"
    plan_fleet(cpl, path, by_version, target="1234/0001/0002@01000100#5ECFDF7C")  # 102
    assert by_version.read_bytes() == out.read_bytes()
    with pytest.raises(NotFound, match="1234/0001/0002"):
        plan_fleet(cpl, path, out, target="1234/0001/0002@7.7.7")


def test_a_hash_collision_falls_back_to_the_exact_join(
    cpl: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fleet = pl.DataFrame(
        {
            "device_id": ["a", "b"],
            "manufacturer_id": ["1234", "1234"],
            "model_id": ["0001", "0009"],
            "hardware_version": ["0002", "0002"],
            "firmware_version": ["01000000", "02000000"],
        }
    )
    path = tmp_path / "fleet.csv"
    fleet.write_csv(path)
    real_key = fleet_firmware._key

    def colliding(columns: list[str], seed: int) -> pl.Expr:
        if seed == 11:  # every firmware gets the same first key: a forced collision
            return pl.lit(7, dtype=pl.UInt64).repeat_by(1).list.first()
        return real_key(columns, seed)

    monkeypatch.setattr(fleet_firmware, "_packed", lambda frame, columns: None)  # hash path
    monkeypatch.setattr(fleet_firmware, "_key", colliding)
    out = tmp_path / "plan.csv"
    plan_fleet(cpl, path, out)
    assert read(out).select("device_id", "current_entry_id").rows() == [("a", "101"), ("b", "201")]


def test_a_missing_required_column_is_an_error_before_any_work(cpl: Engine, tmp_path: Path) -> None:
    path = tmp_path / "fleet.csv"
    pl.DataFrame({"device_id": ["a"], "model_id": ["0001"]}).write_csv(path)
    out = tmp_path / "plan.csv"
    with pytest.raises(InvalidInput) as caught:
        plan_fleet(cpl, path, out)
    assert {d.field for d in caught.value.defects} == {
        "manufacturer_id",
        "hardware_version",
        "firmware_version",
    }
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fleet.txt", b"device_id,cpl_entry_id\n", ".csv or .parquet"),
        ("fleet.parquet", b"not parquet at all", "not a readable PARQUET"),
    ],
)
def test_unreadable_fleet_files_get_a_one_line_error(
    cpl: Engine, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message) as caught:
        plan_fleet(cpl, path, tmp_path / "plan.csv")
    assert "\n" not in str(caught.value)


def test_bad_bytes_and_ragged_rows_are_unknown_firmware_not_a_crash(
    cpl: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "fleet.csv"
    path.write_bytes(b"device_id,cpl_entry_id\na,101\nb,\xff\xfe\nc,104,extra,cells\nd\n")
    out = tmp_path / "plan.csv"
    summary = plan_fleet(cpl, path, out)
    assert read(out).select("device_id", "status").rows() == [
        ("a", "upgrade"),
        ("b", "unknown_firmware"),
        ("c", "up_to_date"),
        ("d", "unknown_firmware"),
    ]
    assert summary.by_status["unknown_firmware"] == 2


def test_cli_plan_prints_a_summary_and_json(database_url: str, tmp_path: Path) -> None:
    runner.invoke(app, ["--db", database_url, "init"])
    runner.invoke(app, ["--db", database_url, "import", str(write_cpl(tmp_path / "c.csv", ROWS))])
    fleet = tmp_path / "fleet.parquet"
    pl.DataFrame({"device_id": ["a", "b"], "cpl_entry_id": ["101", "103"]}).write_parquet(fleet)
    result = runner.invoke(
        app, ["--db", database_url, "plan", str(fleet), "--out", str(tmp_path / "p.csv")]
    )
    assert result.exit_code == 0, result.stderr
    assert "2 devices planned" in result.stdout and "1234/0001/0002" in result.stdout
    assert "━" not in result.stdout.split("devices planned")[0]  # no progress bar when piped
    result = runner.invoke(
        app,
        ["--db", database_url, "plan", str(fleet), "--out", str(tmp_path / "p.parquet"), "--json"],
    )
    assert json.loads(result.stdout)["by_status"]["no_path"] == 1
    result = runner.invoke(
        app, ["--db", database_url, "plan", str(fleet), "--out", str(tmp_path / "no" / "p.csv")]
    )
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_a_terminal_gets_a_progress_bar_through_every_stage(
    cpl: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from rich.console import Console

    from firpath.cli import plan_commands
    from firpath.cli.progress import stage_progress
    from firpath.services.fleet_plan import STAGES

    screen = io.StringIO()
    monkeypatch.setattr(plan_commands, "out", Console(file=screen, force_terminal=True, width=100))
    path = tmp_path / "fleet.csv"
    pl.DataFrame({"device_id": ["a"], "cpl_entry_id": ["101"]}).write_csv(path)
    seen: list[str] = []
    with stage_progress(True, STAGES, plan_commands.out) as on_stage:
        assert on_stage is not None

        def record(name: str) -> None:
            seen.append(name)
            on_stage(name)

        plan_fleet(cpl, path, tmp_path / "plan.csv", on_stage=record)
    assert seen == list(STAGES)
    drawn = screen.getvalue()
    assert "━" in drawn and "done" in drawn


def test_the_plan_may_not_overwrite_the_fleet(cpl: Engine, tmp_path: Path) -> None:
    from firpath.domain.errors import UnwritableFile

    path = tmp_path / "fleet.csv"
    pl.DataFrame({"device_id": ["a"], "cpl_entry_id": ["101"]}).write_csv(path)
    with pytest.raises(UnwritableFile, match="fleet file itself"):
        plan_fleet(cpl, path, path)
    assert read(path).columns == ["device_id", "cpl_entry_id"]


def test_device_ids_with_commas_quotes_and_line_breaks_survive_the_csv(
    cpl: Engine, tmp_path: Path
) -> None:
    ids = ["plain", "with,comma", 'with"quote', "with\nbreak", " spaced "]
    path = tmp_path / "fleet.parquet"
    pl.DataFrame({"device_id": ids, "cpl_entry_id": ["101"] * 5}).write_parquet(path)
    out = tmp_path / "plan.csv"
    plan_fleet(cpl, path, out)
    assert read(out)["device_id"].to_list() == ids


def test_a_fleet_with_both_layouts_uses_the_id_where_a_row_gives_one(
    cpl: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "fleet.csv"
    pl.DataFrame(
        {
            "device_id": ["a", "b", "c"],
            "cpl_entry_id": ["104", None, None],
            "manufacturer_id": ["1234", "1234", "1234"],
            "model_id": ["0001", "0001", "0001"],
            "hardware_version": ["0002", "0002", "0002"],
            "firmware_version": ["01000000", "01000000", "0F000000"],
        }
    ).write_csv(path)
    out = tmp_path / "plan.csv"
    summary = plan_fleet(cpl, path, out)
    assert summary.mode == "either"
    assert read(out).select("device_id", "status", "current_entry_id").rows() == [
        ("a", "up_to_date", "104"),
        ("b", "upgrade", "101"),
        ("c", "unknown_firmware", None),
    ]


@pytest.mark.parametrize(
    "header",
    [
        "device_id,cpl_entry_id,CPL Entry ID",
        "device_id,cpl_entry_id,cpl_entry_id",
        "device_id,device_id,cpl_entry_id",
    ],
)
def test_a_column_given_twice_is_an_error_before_any_work(
    cpl: Engine, tmp_path: Path, header: str
) -> None:
    path = tmp_path / "fleet.csv"
    path.write_text(header + "\na,101,104\n")
    out = tmp_path / "plan.csv"
    with pytest.raises(InvalidInput, match="appears twice"):
        plan_fleet(cpl, path, out)
    assert not out.exists()


def test_a_path_longer_than_32767_steps_is_planned(engine: Engine, tmp_path: Path) -> None:
    n = 33_000
    rows = [row("C0", "00000000")] + [row(f"C{i}", f"{i:08X}", f"C{i - 1}") for i in range(1, n)]
    import_cpl_file(engine, write_cpl(tmp_path / "chain.csv", rows), actor="t")
    path = tmp_path / "fleet.csv"
    pl.DataFrame({"device_id": ["a"], "cpl_entry_id": ["C0"]}).write_csv(path)
    plan_fleet(engine, path, tmp_path / "plan.parquet")
    assert read(tmp_path / "plan.parquet")["hops"].to_list() == [n - 1]


def test_a_device_on_the_latest_version_without_a_hash_is_up_to_date_not_ambiguous(
    cpl: Engine, tmp_path: Path
) -> None:
    twin = write_cpl(tmp_path / "twin.csv", [row("106", "01000300", "102")])
    import_cpl_file(cpl, twin, actor="t")
    fleet = tmp_path / "fleet.csv"
    fleet.write_text(
        "device_id,manufacturer_id,model_id,hardware_version,firmware_version\n"
        "d1,1234,0001,0002,01000300\n"  # 104 or 106: both the latest version
        "d2,1234,0001,0002,01000100\n"  # 102 or 105: they plan differently
    )
    summary = plan_fleet(cpl, fleet, tmp_path / "plan.csv", explain=True)
    plan = pl.read_csv(tmp_path / "plan.csv", infer_schema=False)
    first, second = plan.row(0, named=True), plan.row(1, named=True)
    assert (first["status"], first["current_entry_id"], first["target_entry_id"]) == (
        "up_to_date",
        "104;106",
        "106",
    )
    assert "each gets the same answer" in first["reason"]
    assert second["status"] == "ambiguous"
    assert summary.by_status["up_to_date"] == 1 and summary.by_status["ambiguous"] == 1
