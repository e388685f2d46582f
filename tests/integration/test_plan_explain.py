"""`firpath plan --explain` (issue 8, item 4): version names, a reason and whom to ask for
every device; a summary that names device models and says what to do; nothing changes
without the option."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from firpath.cli.main import app
from firpath.domain.firmware_lookup import FirmwareGiven, Match
from firpath.domain.plan_explanation import PlanExplainer, PlanExplanation
from firpath.services.fleet_plan import plan_fleet
from firpath.services.import_cpl import import_cpl_file
from tests.integration.cpl_rows import image_hash, row, write_cpl

runner = CliRunner()

HALDEN = {"manufacturer_name": "Halden Meters", "model_name": "Smart Meter X"}
HALDEN_Y = {"manufacturer_name": "Halden Meters", "model_name": "Smart Meter Y", "model_id": "0009"}
KESTREL = {
    "manufacturer_id": "5678",
    "manufacturer_name": "Kestrel Devices",
    "model_name": "Gas Meter G",
    "model_id": "0001",
    "hardware_version": "0001",
}
ORBIS = {
    "manufacturer_id": "4321",
    "manufacturer_name": "Orbis Metering",
    "model_name": "Meter Z",
    "hardware_version": "0001",
}

# Smart Meter X (1234/0001/0002): 101 -> 102 -> 104 and 106 (two builds of 1.3.0, 106 is
# latest: the larger ID), 103 removed (from 102), 105 a second build of 1.1.0 (from 101).
# Smart Meter Y (1234/0009/0002): 201 (N/A), 202 latest with upgrade-from not provided.
# Gas Meter G (5678/0001/0001): 301, and 302 a new base (N/A). Meter Z (4321/0001/0001):
# 401, and 402 with upgrade-from not provided; Orbis Metering has no contact details.
ROWS = [
    row("101", "01000000", firmware_version_name="1.0.0", **HALDEN),
    row("102", "01000100", "101", firmware_version_name="1.1.0", **HALDEN),
    row("103", "01000200", "102", firmware_version_name="1.2.0", status="removed", **HALDEN),
    row("104", "01000300", "102", firmware_version_name="1.3.0", **HALDEN),
    row(
        "105",
        "01000100",
        "101",
        firmware_version_name="1.1.0",
        manufacturer_image_hash=image_hash("variant"),
        **HALDEN,
    ),
    row("106", "01000300", "102", firmware_version_name="1.3.0", **HALDEN),
    row("201", "02000000", firmware_version_name="2.0.0", **HALDEN_Y),
    row("202", "02000100", "", firmware_version_name="2.1.0", **HALDEN_Y),
    row("301", "03000000", firmware_version_name="3.0.0", **KESTREL),
    row("302", "03000100", firmware_version_name="3.1.0", **KESTREL),
    row("401", "04000000", firmware_version_name="4.0.0", **ORBIS),
    row("402", "04000100", "", firmware_version_name="4.1.0", **ORBIS),
]
CONTACTS = (
    "manufacturer_id,manufacturer_name,contact_name,contact_email,contact_phone\n"
    "1234,Halden Meters,Jane Doe,jane@halden.example,+44 20 7946 0000\n"
    "5678,Kestrel Devices,,,+44 20 7946 0999\n"
)
JANE = "Jane Doe <jane@halden.example>, +44 20 7946 0000"
BASE = ["device_id", "status", "current_entry_id", "target_entry_id", "hops", "steps"]
EXPLAINED = [
    "current_version_name",
    "target_version_name",
    "step_version_names",
    "reason",
    "contact",
]
FLEET = {
    "a": "101",  # upgrade
    "b": "104",  # up to date: a twin build of the latest version
    "c": "106",  # up to date: the latest itself
    "d": "103",  # no path: removed, nothing upgrades from it
    "e": "201",  # incomplete data: ask Halden for 202's upgrade-from
    "f": "301",  # no path: 302 is a new base
    "g": "99999",  # unknown firmware
    "h": "401",  # incomplete data: ask Orbis (no contact details) for 402's upgrade-from
    "i": "101",
}
X, Y, G = "1234/0001/0002", "1234/0009/0002", "5678/0001/0001"


@pytest.fixture
def cpl(engine: Engine, database_url: str, tmp_path: Path) -> Engine:
    import_cpl_file(engine, write_cpl(tmp_path / "cpl.csv", ROWS), actor="t")
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(CONTACTS)
    result = runner.invoke(app, ["--db", database_url, "manufacturers", "import", str(contacts)])
    assert result.exit_code == 0, result.stderr
    return engine


def fleet_file(tmp_path: Path, devices: dict[str, str] = FLEET, name: str = "fleet.csv") -> Path:
    path = tmp_path / name
    frame = pl.DataFrame({"device_id": list(devices), "cpl_entry_id": list(devices.values())})
    frame.write_csv(path) if name.endswith(".csv") else frame.write_parquet(path)
    return path


def read(path: Path) -> pl.DataFrame:
    if path.suffix == ".csv":
        return pl.read_csv(path, infer_schema=False)
    return pl.read_parquet(path).with_columns(pl.all().cast(pl.String))


def by_device(path: Path) -> dict[str, dict[str, str | None]]:
    return {r["device_id"]: r for r in read(path).iter_rows(named=True)}


def test_explain_adds_five_columns_after_the_plan_columns(cpl: Engine, tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    plan_fleet(cpl, fleet_file(tmp_path), out, explain=True)
    plan = read(out)
    assert plan.columns == BASE + EXPLAINED
    assert plan["device_id"].to_list() == list(FLEET)
    a = by_device(out)["a"]
    assert a == {
        "device_id": "a",
        "status": "upgrade",
        "current_entry_id": "101",
        "target_entry_id": "106",
        "hops": "2",
        "steps": "102;106",
        "current_version_name": "1.0.0",
        "target_version_name": "1.3.0",
        "step_version_names": "1.1.0;1.3.0",
        "reason": "2 images in this order, each one installed after the last.",
        "contact": JANE,
    }
    assert by_device(out)["i"] == dict(a, device_id="i")


def test_each_explained_column_follows_the_device(cpl: Engine, tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    plan_fleet(cpl, fleet_file(tmp_path), out, explain=True)
    rows = by_device(out)
    names = {
        d: (r["current_version_name"], r["target_version_name"], r["step_version_names"])
        for d, r in rows.items()
    }
    assert names == {
        "a": ("1.0.0", "1.3.0", "1.1.0;1.3.0"),
        "b": ("1.3.0", "1.3.0", None),
        "c": ("1.3.0", "1.3.0", None),
        "d": ("1.2.0", "1.3.0", None),
        "e": ("2.0.0", "2.1.0", None),
        "f": ("3.0.0", "3.1.0", None),
        "g": (None, None, None),
        "h": ("4.0.0", "4.1.0", None),
        "i": ("1.0.0", "1.3.0", "1.1.0;1.3.0"),
    }
    contacts = {d: r["contact"] for d, r in rows.items()}
    assert contacts["a"] == contacts["e"] == JANE
    assert contacts["f"] == "'+44 20 7946 0999"  # a spreadsheet would run +44... as a formula
    assert contacts["g"] is None  # no device model, no manufacturer
    assert contacts["h"] is None  # no contact details on file


REASONS = [
    pytest.param("a", "2 images in this order, each one installed after the last.", id="upgrade"),
    pytest.param("c", "106 (1.3.0, 01000300) is already the target firmware.", id="up-to-date"),
    pytest.param(
        "b",
        "104 (1.3.0, 01000300) already runs firmware 1.3.0 (01000300), the latest version, in "
        "another build",
        id="twin-build",
    ),
    pytest.param(
        "d",
        "No entry lists 103 (1.2.0, 01000200) as upgrade-from: no image may be installed on a "
        "meter running it. A site visit is needed.",
        id="no-path-removed",
    ),
    pytest.param(
        "f",
        "Nothing may be upgraded to 302 (3.1.0, 03000100) (upgrade from N/A: a new base): a "
        "site visit is needed.",
        id="no-path-new-base",
    ),
    pytest.param(
        "e",
        "No upgrade path to 202 over the known data, and the target itself does not say which "
        "firmware may be upgraded to it. Ask the manufacturer (Halden Meters) whether 201 may "
        "be upgraded to it.",
        id="incomplete-data",
    ),
    pytest.param("g", "No CPL entry has ID 99999.", id="unknown-firmware"),
]


@pytest.mark.parametrize(("device", "reason"), REASONS)
def test_every_status_has_a_reason(cpl: Engine, tmp_path: Path, device: str, reason: str) -> None:
    out = tmp_path / "plan.csv"
    plan_fleet(cpl, fleet_file(tmp_path), out, explain=True)
    assert (by_device(out)[device]["reason"] or "").startswith(reason)


def test_model_and_version_rows_are_explained_by_what_they_gave(
    cpl: Engine, tmp_path: Path
) -> None:
    fleet = pl.DataFrame(
        {
            "device_id": [
                "two-builds",
                "no-such-version",
                "no-such-model",
                "bad-id",
                "no-hash",
                "no-prefix",
                "short-prefix",
            ],
            "manufacturer_id": ["1234", "1234", "1234", "XYZ", "1234", "1234", "1234"],
            "model_id": ["0001", "0001", "0003", "0001", "0001", "0001", "0001"],
            "hardware_version": ["0002"] * 7,
            "firmware_version": ["01000100", "01000500"] + ["01000000"] * 5,
            "manufacturer_image_hash": [None] * 4 + [image_hash("nothing"), "1234abcd", "12a"],
        }
    )
    path = tmp_path / "fleet.csv"
    fleet.write_csv(path)
    out = tmp_path / "plan.csv"
    plan_fleet(cpl, path, out, explain=True)
    rows = by_device(out)
    assert rows["two-builds"]["status"] == "ambiguous"
    assert rows["two-builds"]["reason"] == (
        "Firmware 1.1.0 (01000100) of device model 1234/0001/0002 is two builds (102, 105): "
        "give manufacturer_image_hash to pick one."
    )
    assert rows["two-builds"]["current_version_name"] == "1.1.0"
    assert rows["two-builds"]["target_version_name"] == "1.3.0"
    assert rows["two-builds"]["contact"] == JANE
    assert rows["no-such-version"]["reason"] == (
        "Device model 1234/0001/0002 has no firmware 01000500 on the CPL."
    )
    assert rows["no-such-version"]["contact"] == JANE  # whom to ask about the meter
    assert rows["no-such-model"]["reason"] == "Device model 1234/0003/0002 is not on the CPL."
    assert (
        rows["bad-id"]["reason"] == "The row's manufacturer_id 'XYZ' must be 4 hexadecimal digits."
    )
    assert rows["no-hash"]["reason"] == (
        f"No build of firmware 1.0.0 (01000000) of device model 1234/0001/0002 has image hash "
        f"{image_hash('nothing').upper()[:12]}...: the CPL has 101 (hash "
        f"{image_hash('10101000000').upper()[:12]})."
    )
    # the start of a hash, as the pages show it, that no build has: said so, not "64 digits"
    assert rows["no-prefix"]["reason"] == (
        "No build of firmware 1.0.0 (01000000) of device model 1234/0001/0002 has an image "
        f"hash starting 1234ABCD: the CPL has 101 (hash {image_hash('10101000000').upper()[:12]})."
    )
    assert rows["short-prefix"]["reason"] == (
        "The row's manufacturer_image_hash '12a' must be 64 hexadecimal digits, or the first 4 "
        "or more of them."
    )
    assert {r["status"] for d, r in rows.items() if d != "two-builds"} == {"unknown_firmware"}


PLAIN_PLAN = (
    "device_id,status,current_entry_id,target_entry_id,hops,steps\n"
    "a,upgrade,101,106,2,102;106\n"
    "b,up_to_date,104,106,0,\n"
    "c,up_to_date,106,106,0,\n"
    "d,no_path,103,106,,\n"
    "e,incomplete_data,201,202,,\n"
    "f,no_path,301,302,,\n"
    "g,unknown_firmware,,,,\n"
    "h,incomplete_data,401,402,,\n"
    "i,upgrade,101,106,2,102;106\n"
)


def test_without_explain_the_plan_file_is_unchanged(cpl: Engine, tmp_path: Path) -> None:
    fleet = fleet_file(tmp_path)
    plain, explained = tmp_path / "plain.csv", tmp_path / "explained.csv"
    plan_fleet(cpl, fleet, plain)
    assert plain.read_text() == PLAIN_PLAN
    plan_fleet(cpl, fleet, explained, explain=True)
    assert read(explained).select(BASE).equals(read(plain))


def test_the_cli_writes_the_same_plan_without_explain(
    cpl: Engine, database_url: str, tmp_path: Path
) -> None:
    fleet = fleet_file(tmp_path)
    out = tmp_path / "cli.csv"
    result = runner.invoke(app, ["--db", database_url, "plan", str(fleet), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_text() == PLAIN_PLAN
    assert "explanation" not in result.stdout


def test_each_distinct_firmware_is_explained_once(
    cpl: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = PlanExplainer.explain

    def counting(self: PlanExplainer, match: Match, given: FirmwareGiven) -> PlanExplanation:
        calls.append(given.cpl_entry_id)
        return real(self, match, given)

    monkeypatch.setattr(PlanExplainer, "explain", counting)
    devices = {f"m{i}": ("101", "201", "99999")[i % 3] for i in range(3000)}
    out = tmp_path / "plan.csv"
    plan_fleet(cpl, fleet_file(tmp_path, devices), out, explain=True)
    assert sorted(calls) == ["101", "201", "99999"]
    assert read(out).height == 3000


def test_parquet_plans_carry_the_explained_columns(cpl: Engine, tmp_path: Path) -> None:
    out = tmp_path / "plan.parquet"
    plan_fleet(cpl, fleet_file(tmp_path, name="fleet.parquet"), out, explain=True)
    plan = read(out)
    assert plan.columns == BASE + EXPLAINED
    rows = by_device(out)
    assert rows["a"]["step_version_names"] == "1.1.0;1.3.0"
    assert rows["f"]["contact"] == "+44 20 7946 0999"  # as stored: Parquet runs no formulas
    assert rows["g"]["reason"] == "No CPL entry has ID 99999."


def test_device_ids_needing_quotes_survive_next_to_sentences(cpl: Engine, tmp_path: Path) -> None:
    devices = {"with,comma": "101", 'with"quote': "201", "plain": "301"}
    out = tmp_path / "plan.csv"
    plan_fleet(cpl, fleet_file(tmp_path, devices, "fleet.parquet"), out, explain=True)
    plan = read(out)
    assert plan["device_id"].to_list() == list(devices)
    assert plan["contact"].to_list()[0] == JANE


def test_the_summary_names_device_models_and_says_what_to_do(cpl: Engine, tmp_path: Path) -> None:
    summary = plan_fleet(cpl, fleet_file(tmp_path), tmp_path / "plan.csv")
    assert [
        (m.device_model, m.name, m.no_path, m.incomplete_data) for m in summary.stranded_models
    ] == [
        (X, f"Halden Meters Smart Meter X ({X})", 1, 0),
        (Y, f"Halden Meters Smart Meter Y ({Y})", 0, 1),
        ("4321/0001/0001", "Orbis Metering Meter Z (4321/0001/0001)", 0, 1),
        (G, f"Kestrel Devices Gas Meter G ({G})", 1, 0),
    ]
    assert [(s.status, s.devices, s.action) for s in summary.next_steps] == [
        ("up_to_date", 2, "nothing to send: already on the target firmware"),
        ("upgrade", 2, "send the images in the steps column, in order"),
        (
            "no_path",
            2,
            f"site visit needed for 2 devices of device models Halden Meters Smart Meter X ({X}), "
            f"Kestrel Devices Gas Meter G ({G})",
        ),
        ("incomplete_data", 1, f"ask Halden Meters ({JANE}) for the upgrade-from of 202"),
        (
            "incomplete_data",
            1,
            "ask Orbis Metering (no contact details on file) for the upgrade-from of 402",
        ),
        ("unknown_firmware", 1, "check 1 row: firmware not on the CPL"),
    ]
    asks = [s for s in summary.next_steps if s.status == "incomplete_data"]
    assert [(s.manufacturer_id, s.contact, s.entry_ids) for s in asks] == [
        ("1234", JANE, ["202"]),
        ("4321", None, ["402"]),
    ]
    assert summary.other_model_devices == 0 and summary.warnings == []


def test_ambiguous_devices_are_told_to_add_the_hash(cpl: Engine, tmp_path: Path) -> None:
    path = tmp_path / "fleet.csv"
    pl.DataFrame(
        {
            "device_id": ["a", "b"],
            "manufacturer_id": ["1234", "1234"],
            "model_id": ["0001", "0001"],
            "hardware_version": ["0002", "0002"],
            "firmware_version": ["01000100", "01000100"],
        }
    ).write_csv(path)
    summary = plan_fleet(cpl, path, tmp_path / "plan.csv")
    assert [(s.status, s.devices, s.action) for s in summary.next_steps] == [
        ("ambiguous", 2, "add manufacturer_image_hash for 2 devices")
    ]


def test_an_explicit_target_counts_other_device_models_apart(cpl: Engine, tmp_path: Path) -> None:
    devices = {"a": "101", "b": "105", "e": "201", "f": "301", "f2": "302"}
    out = tmp_path / "plan.csv"
    summary = plan_fleet(cpl, fleet_file(tmp_path, devices), out, target="102", explain=True)
    rows = by_device(out)
    assert [rows[d]["status"] for d in devices] == [
        "upgrade",
        "no_path",  # 105 is of the target's model but no route leads to 102
        "no_path",
        "no_path",
        "no_path",
    ]
    assert rows["e"]["reason"] == (
        f"Device model {Y} is not the target's model {X} (target 102): firmware never changes "
        "hardware, so no image can take this device there."
    )
    assert rows["e"]["target_version_name"] == "1.1.0"
    assert summary.by_status["no_path"] == 4  # as in the plan file
    assert summary.other_model_devices == 3
    assert [(m.device_model, m.no_path) for m in summary.stranded_models] == [(X, 1)]
    assert ("no_path", 1) in summary.status_rows()
    assert ("other_device_model", 3) in summary.status_rows()
    assert sum(n for _, n in summary.status_rows()) == summary.devices
    assert [(s.status, s.devices, s.action) for s in summary.next_steps][-2:] == [
        (
            "no_path",
            1,
            f"site visit needed for 1 device of device model Halden Meters Smart Meter X ({X})",
        ),
        (
            "other_device_model",
            3,
            "plan these 3 devices against a target of their own device model: target 102 is for "
            f"Halden Meters Smart Meter X ({X}) only",
        ),
    ]


def test_devices_newer_than_an_explicit_target_are_not_sent_to_a_site_visit(
    cpl: Engine, tmp_path: Path
) -> None:
    devices = {"old": "101", "new": "104", "newer": "106", "twin": "105"}
    out = tmp_path / "plan.csv"
    summary = plan_fleet(cpl, fleet_file(tmp_path, devices), out, target="102", explain=True)
    rows = by_device(out)
    # the plan file keeps DESIGN's statuses
    assert [rows[d]["status"] for d in devices] == ["upgrade", "no_path", "no_path", "no_path"]
    assert "newer than 102" in rows["new"]["reason"]
    assert summary.by_status["no_path"] == 3
    assert summary.past_target_devices == 2  # 104 and 106 run 1.3.0, past the target's 1.1.0
    assert ("past_target", 2) in summary.status_rows() and ("no_path", 1) in summary.status_rows()
    assert sum(n for _, n in summary.status_rows()) == summary.devices
    assert [(m.device_model, m.no_path) for m in summary.stranded_models] == [(X, 1)]
    steps = {s.status: (s.devices, s.action) for s in summary.next_steps}
    assert steps["no_path"][0] == 1  # only the twin 105 (1.1.0 in another build) is stranded
    assert steps["past_target"] == (
        2,
        "nothing to send to these 2 devices: they already run firmware newer than target 102 "
        "(01000100), and firmware is never taken back over the air; plan them to latest to "
        "see whether they need anything",
    )


def test_a_removed_target_is_a_warning_and_planning_goes_on(cpl: Engine, tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    summary = plan_fleet(
        cpl, fleet_file(tmp_path, {"on": "103", "before": "101"}), out, target="103"
    )
    assert summary.warnings == [
        "target 103 (1.2.0, 01000200) is removed from the CPL: it is never installed, so only "
        "devices already running it are up to date and every other device is no_path"
    ]
    assert read(out).select("device_id", "status").rows() == [
        ("on", "up_to_date"),
        ("before", "no_path"),
    ]


def test_cli_explain_prints_names_what_to_do_and_warnings(
    cpl: Engine, database_url: str, tmp_path: Path
) -> None:
    fleet = fleet_file(tmp_path)
    out = tmp_path / "plan.csv"
    result = runner.invoke(
        app, ["--db", database_url, "plan", str(fleet), "--out", str(out), "--explain"]
    )
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())  # table cells may wrap
    assert f"Halden Meters Smart Meter X ({X})" in text
    assert "what to do" in text
    assert f"incomplete_data (1): ask Halden Meters ({JANE}) for the upgrade-from of 202" in text
    assert "upgrade (2): send the images in the steps column, in order" in text
    assert "with the explanation columns" in text
    assert read(out).columns == BASE + EXPLAINED
    result = runner.invoke(
        app,
        ["--db", database_url, "plan", str(fleet), "--out", str(out), "--target", "103"],
    )
    assert result.exit_code == 0, result.stderr
    assert "warning: target 103 (1.2.0, 01000200) is removed from the CPL" in " ".join(
        result.stderr.split()
    )


def test_cli_json_summary_has_the_new_fields(
    cpl: Engine, database_url: str, tmp_path: Path
) -> None:
    fleet = fleet_file(tmp_path, {"a": "101", "e": "201"})
    result = runner.invoke(
        app,
        [
            "--db",
            database_url,
            "plan",
            str(fleet),
            "--out",
            str(tmp_path / "plan.parquet"),
            "--target",
            "103",
            "--explain",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["explained"] is True
    assert document["other_model_devices"] == 1
    assert document["warnings"][0].startswith("target 103 (1.2.0, 01000200) is removed")
    assert document["by_status"]["no_path"] == 2
    assert document["stranded_models"] == [
        {
            "device_model": X,
            "no_path": 1,
            "incomplete_data": 0,
            "devices": 1,
            "name": f"Halden Meters Smart Meter X ({X})",
        }
    ]
    assert [s["status"] for s in document["next_steps"]] == ["no_path", "other_device_model"]
