"""`firpath impact`: exposed entries by device model, OTA remediation, fleet device counts."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from firpath.cli.main import app
from tests.integration.cpl_rows import row, write_cpl

runner = CliRunner()

SL, TI = "Silicon Labs", "Texas Instruments"
ROWS = [
    # model 0001: 101 (EmberZNet 6.7.8, affected) -> 102 (removed, 7.2) -> 103 (7.4, safe)
    row("101", "01000000", zigbee_chipset_vendor=SL, zigbee_stack_version="EmberZNet 6.7.8"),
    row(
        "102",
        "01000100",
        "101",
        status="removed",
        zigbee_chipset_vendor=SL,
        zigbee_stack_version="EmberZNet 7.2.1",
    ),
    row("103", "01000200", "101", zigbee_chipset_vendor=SL, zigbee_stack_version="EmberZNet 7.4.3"),
    # model 0002: only affected builds -> no_path
    row(
        "201",
        "02000000",
        model_id="0002",
        zigbee_chipset_vendor=SL,
        zigbee_stack_version="EmberZNet 6.7.8",
    ),
    row(
        "202",
        "02000100",
        "201",
        model_id="0002",
        zigbee_chipset_vendor=SL,
        zigbee_stack_version="emberznet 6.7.9",
    ),
    # model 0003: legacy entry, ZigBee fields not provided -> unknown exposure
    row("301", "03000000", "", model_id="0003", zigbee_chipset_vendor="", zigbee_stack_version=""),
    # model 0004: another vendor, never listed
    row(
        "401",
        "04000000",
        model_id="0004",
        zigbee_chipset_vendor=TI,
        zigbee_stack_version="Z-Stack 3.0.2",
    ),
]


@pytest.fixture
def db(database_url: str, tmp_path: Path) -> str:
    runner.invoke(app, ["--db", database_url, "init"])
    result = runner.invoke(
        app, ["--db", database_url, "import", str(write_cpl(tmp_path / "c.csv", ROWS))]
    )
    assert result.exit_code == 0, result.stderr
    return database_url


def impact(db: str, *args: str) -> dict[str, object]:
    result = runner.invoke(app, ["--db", db, "impact", "--json", *args])
    assert result.exit_code == 0, result.stdout + result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_affected_entries_are_grouped_by_model_with_remediation(db: str) -> None:
    report = impact(db, "--chipset-vendor", "silicon*", "--stack-version", "EmberZNet 6.*")
    models = {m["device_model"]: m for m in report["models"]}  # type: ignore[union-attr,index]
    assert set(models) == {"1234/0001/0002", "1234/0002/0002", "1234/0003/0002"}
    first = {e["cpl_entry_id"]: e for e in models["1234/0001/0002"]["entries"]}
    assert set(first) == {"101"}
    assert first["101"]["remediation"] == {
        "status": "ok",
        "target": "103",
        "hops": 1,
        "steps": ["103"],
        "missing_data": [],
    }
    second = {e["cpl_entry_id"]: e for e in models["1234/0002/0002"]["entries"]}
    assert {k: v["remediation"]["status"] for k, v in second.items()} == {
        "201": "no_path",
        "202": "no_path",
    }
    unknown = models["1234/0003/0002"]["entries"]
    assert [(e["cpl_entry_id"], e["exposure"]) for e in unknown] == [("301", "unknown_exposure")]
    assert report["summary"] == {
        "models": 2,  # with affected entries; model 0003 has only unknown exposure
        "unknown_exposure_models": 1,
        "models_without_fix_on_cpl": 1,
        "affected_entries": 3,
        "affected_active": 3,
        "affected_removed": 0,
        "affected_remediable": 1,
        "unknown_exposure_entries": 1,
    }


def test_removed_affected_entries_are_listed_too(db: str) -> None:
    report = impact(db, "--stack-version", "*7.2*")
    entries = [e for m in report["models"] for e in m["entries"]]  # type: ignore[union-attr]
    assert [(e["cpl_entry_id"], e["status"]) for e in entries if e["exposure"] == "affected"] == [
        ("102", "removed")
    ]


def test_fleet_devices_are_counted_by_exposure(db: str, tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.csv"
    pl.DataFrame(
        {
            "device_id": [f"d{i}" for i in range(7)],
            "cpl_entry_id": ["101", "101", "201", "301", "401", "zzz", "103"],
        }
    ).write_csv(fleet)
    report = impact(
        db, "--chipset-vendor", SL, "--stack-version", "EmberZNet 6*", "--fleet", str(fleet)
    )
    assert report["fleet"] == {
        "affected_remediable": 2,
        "affected_no_path": 1,
        "affected_incomplete_data": 0,
        "unknown_exposure": 1,
        "unaffected": 2,
        "unknown_firmware": 1,
        "ambiguous": 0,
    }


def test_human_output_names_models_and_remediation(db: str) -> None:
    result = runner.invoke(
        app, ["--db", db, "impact", "--chipset-vendor", "SILICON LABS", "--stack-version", "*6.7*"]
    )
    assert result.exit_code == 0
    assert "1234/0001/0002" in result.stdout and "in 1 step" in result.stdout
    # model 0002 has only affected builds: no fix anywhere on the CPL, not a site visit
    assert "no fixed" in result.stdout and "site visit" not in result.stdout
    assert "1 other device models have only entries of unknown exposure" in result.stdout
    assert "1234/0003/0002" in result.stdout


def test_a_query_needs_a_vendor_or_a_stack(db: str) -> None:
    result = runner.invoke(app, ["--db", db, "impact"])
    assert result.exit_code == 1 and "chipset vendor" in result.stderr


def test_a_device_whose_version_has_two_builds_counts_when_both_stand_alike(
    database_url: str, tmp_path: Path
) -> None:
    from tests.integration.cpl_rows import image_hash

    rows = [
        row(
            "501",
            "05000000",
            model_id="0050",
            zigbee_chipset_vendor=SL,
            zigbee_stack_version="EmberZNet 6.7.8",
        ),
        row(
            "502",
            "05000000",
            model_id="0050",
            zigbee_chipset_vendor=SL,
            zigbee_stack_version="EmberZNet 6.7.9",
            manufacturer_image_hash=image_hash("b"),
        ),
        row(
            "503",
            "05000100",
            "501;502",
            model_id="0050",
            zigbee_chipset_vendor=SL,
            zigbee_stack_version="EmberZNet 7.4.3",
        ),
        row(
            "601",
            "06000000",
            model_id="0060",
            zigbee_chipset_vendor=SL,
            zigbee_stack_version="EmberZNet 6.7.8",
        ),
        row(
            "602",
            "06000000",
            model_id="0060",
            zigbee_chipset_vendor=SL,
            zigbee_stack_version="EmberZNet 7.0.0",
            manufacturer_image_hash=image_hash("c"),
        ),
    ]
    runner.invoke(app, ["--db", database_url, "init"])
    runner.invoke(app, ["--db", database_url, "import", str(write_cpl(tmp_path / "c.csv", rows))])
    fleet = tmp_path / "fleet.csv"
    pl.DataFrame(
        {
            "device_id": ["a", "b"],
            "manufacturer_id": ["1234", "1234"],
            "model_id": ["0050", "0060"],
            "hardware_version": ["0002", "0002"],
            "firmware_version": ["05000000", "06000000"],
        }
    ).write_csv(fleet)
    report = impact(database_url, "--stack-version", "EmberZNet 6.7*", "--fleet", str(fleet))
    counts = report["fleet"]
    assert counts["affected_remediable"] == 1  # both 0050 builds are affected and fixable by 503
    assert counts["ambiguous"] == 1  # one 0060 build affected, the other not


def test_a_pattern_matching_no_stated_value_says_so_with_the_closest_values(db: str) -> None:
    result = runner.invoke(app, ["--db", db, "impact", "--chipset-vendor", "silicon"])
    assert result.exit_code == 3
    assert "matching 'silicon'" in result.stderr and "'Silicon Labs'" in result.stderr
    assert "1 in-scope entries do not state their ZigBee chipset vendor" in result.stderr
    assert "Texas Instruments" not in result.stderr
    result = runner.invoke(
        app, ["--db", db, "impact", "--json", "--stack-version", "emberznet 6.7"]
    )
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    [miss] = report["no_match"]
    assert miss["field"] == "zigbee_stack_version" and miss["pattern"] == "emberznet 6.7"
    assert miss["closest"][0] == "EmberZNet 6.7.8"
    assert report["not_provided"] == {"zigbee_stack_version": 1}


def test_a_vendor_on_no_entry_at_all_gets_no_suggestions_but_still_exit_3(db: str) -> None:
    result = runner.invoke(app, ["--db", db, "impact", "--chipset-vendor", "Qorvo"])
    assert result.exit_code == 3 and "no stated value is close" in result.stderr


def test_the_report_counts_in_scope_entries_that_do_not_state_the_field(
    database_url: str, tmp_path: Path
) -> None:
    rows = [
        *ROWS,
        row(
            "501",
            "05000000",
            "",
            device_type="IHD",
            model_id="0005",
            zigbee_chipset_vendor="",
            zigbee_stack_version="",
            zigbee_band="",
        ),
    ]
    runner.invoke(app, ["--db", database_url, "init"])
    runner.invoke(app, ["--db", database_url, "import", str(write_cpl(tmp_path / "c.csv", rows))])
    report = impact(database_url, "--chipset-vendor", "silicon*", "--stack-version", "*")
    assert report["not_provided"] == {"zigbee_chipset_vendor": 1, "zigbee_stack_version": 1}
    assert report["no_match"] == []
    text = runner.invoke(app, ["--db", database_url, "impact", "--chipset-vendor", "silicon*"])
    assert "1 in-scope entries do not state their ZigBee chipset vendor" in text.stdout
