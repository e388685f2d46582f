"""`firpath path FROM [TO|latest]`: numbered steps, reasons, JSON, exit codes 0/3/4/1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firpath.cli.main import app
from tests.integration.cpl_rows import row, write_cpl

runner = CliRunner()

ROWS = [
    row("101", "01000000"),
    row("102", "01000100", "101"),
    row("103", "01000200", "102", status="removed"),
    row("104", "01000300", "103"),
    row("105", "01000400", "104;102"),
    row("201", "02000000", model_id="0009"),
    row("202", "02000100", "", model_id="0009"),
    row("301", "03000000", model_id="0010"),
    row("302", "03000100", "N/A", model_id="0010"),
]


@pytest.fixture
def db(database_url: str, tmp_path: Path) -> str:
    runner.invoke(app, ["--db", database_url, "init"])
    result = runner.invoke(
        app, ["--db", database_url, "import", str(write_cpl(tmp_path / "c.csv", ROWS))]
    )
    assert result.exit_code == 0, result.stderr
    return database_url


def path(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db, "path", *args])
    return result.exit_code, result.stdout, result.stderr


def test_ok_path_is_a_numbered_list_with_ids_versions_and_hash_prefixes(db: str) -> None:
    code, out, _ = path(db, "101")
    assert code == 0
    assert "status: ok" in out and "to 105 (v01000400, 01000400)" in out
    lines = [line for line in out.splitlines() if line.startswith("│ 1") or line.startswith("│ 2")]
    assert "102" in lines[0] and "01000100" in lines[0]
    assert "105" in lines[1]


def test_json_has_the_design_shape(db: str) -> None:
    code, out, _ = path(db, "101", "latest", "--json")
    document = json.loads(out)
    assert code == 0
    assert document["status"] == "ok" and document["from"] == "101" and document["to"] == "105"
    assert [s["cpl_entry_id"] for s in document["steps"]] == ["102", "105"]
    assert set(document["steps"][0]) == {
        "cpl_entry_id",
        "firmware_version",
        "firmware_version_name",
        "manufacturer_image_hash",
    }
    assert document["missing_data"] == []


def test_up_to_date_exits_0(db: str) -> None:
    code, out, _ = path(db, "105", "105", "--json")
    assert code == 0 and json.loads(out)["status"] == "up_to_date"


def test_no_path_exits_3_and_names_the_blocking_removed_entry(db: str) -> None:
    code, out, _ = path(db, "101", "104")
    assert code == 3
    assert "status: no_path" in out and "103" in out and "removed" in out


def test_a_new_base_is_named_when_nothing_leads_past_it(db: str) -> None:
    code, out, _ = path(db, "301", "302", "--json")
    document = json.loads(out)
    assert code == 3 and document["status"] == "no_path"
    assert "302" in document["reason"] and "N/A" in document["reason"]


def test_incomplete_data_exits_4_and_lists_whom_to_ask(db: str) -> None:
    code, out, _ = path(db, "201", "--json")
    document = json.loads(out)
    assert code == 4
    assert document["status"] == "incomplete_data" and document["missing_data"] == ["202"]
    code, out, _ = path(db, "201")
    assert "202" in out and "Northbridge Metering" in out


def test_another_device_model_is_no_path_with_the_reason(db: str) -> None:
    code, out, _ = path(db, "101", "201", "--json")
    assert code == 3 and "firmware never changes hardware" in json.loads(out)["reason"]


def test_ids_are_matched_case_insensitively_and_unknown_ids_exit_3(db: str) -> None:
    assert path(db, " 101 ", "LATEST")[0] == 0
    code, _, err = path(db, "999")
    assert code == 3 and "999" in err
    code, _, err = path(db, "101", "nope")
    assert code == 3 and "NOPE" in err


def test_a_malformed_id_is_bad_input_exit_1(db: str) -> None:
    code, _, err = path(db, "bad id!")
    assert code == 1 and "from" in err


def test_a_model_without_an_active_entry_is_no_path_with_the_json_shape(
    db: str, tmp_path: Path
) -> None:
    lone = write_cpl(
        tmp_path / "lone.csv", [row("901", "09000000", model_id="0900", status="removed")]
    )
    assert runner.invoke(app, ["--db", db, "import", str(lone)]).exit_code == 0
    code, out, _ = path(db, "901", "--json")
    document = json.loads(out)
    assert code == 3
    assert document["status"] == "no_path" and document["to"] is None
    assert "no active entry" in document["reason"]


def test_a_target_that_is_a_new_base_says_nothing_may_be_upgraded_to_it(db: str) -> None:
    code, out, _ = path(db, "301", "302", "--json")
    assert code == 3
    assert json.loads(out)["reason"].startswith("Nothing may be upgraded to 302")


def test_a_twin_build_of_the_latest_version_is_up_to_date_and_names_its_build(
    db: str, tmp_path: Path
) -> None:
    twins = write_cpl(
        tmp_path / "twins.csv",
        [
            row("106", "01000400", "", status="removed"),  # a removed twin of latest 105
            row("107", "01000400", "104"),  # an active twin: now the latest (larger ID)
        ],
    )
    assert runner.invoke(app, ["--db", db, "import", str(twins)]).exit_code == 0
    for source in ("105", "106"):
        code, out, _ = path(db, source, "--json")
        document = json.loads(out)
        assert code == 0, out
        assert (document["status"], document["to"], document["steps"]) == ("up_to_date", "107", [])
        assert "another build" in document["reason"] and "nothing to install" in document["reason"]
    code, out, _ = path(db, "106")
    assert code == 0 and "removed build" in out
    code, out, _ = path(db, "106", "107", "--json")  # an explicit target is that exact entry
    assert code == 3 and json.loads(out)["status"] == "no_path"


def test_from_and_to_may_be_a_device_model_and_a_version_name_or_hex(db: str) -> None:
    code, out, _ = path(db, "1234/0001/0002@v01000000", "1234/0001/0002@01000400", "--json")
    document = json.loads(out)
    assert code == 0 and (document["from"], document["to"]) == ("101", "105")
    code, out, _ = path(db, "1234/0001/0002@V01000100", "--json")  # name case ignored
    assert code == 0 and json.loads(out)["from"] == "102"
    code, out, _ = path(db, "1234/0001/0002@v01000100")
    assert code == 0 and "v01000100, 01000100" in out


def test_a_version_naming_two_builds_lists_them_and_how_to_pick_one(
    db: str, tmp_path: Path
) -> None:
    # 106 is a second build of 102's version that nothing leads on from: the build matters
    twin = write_cpl(
        tmp_path / "t.csv", [row("106", "01000100", "", firmware_version_name="v01000100")]
    )
    assert runner.invoke(app, ["--db", db, "import", str(twin)]).exit_code == 0
    code, _, err = path(db, "1234/0001/0002@v01000100")
    assert code == 1
    assert "names 2 builds: 102 (hash" in err and "106 (hash" in err
    assert "#" in err and "Pick one" in err
    result = runner.invoke(app, ["--db", db, "path", "1234/0001/0002@01000100", "--json"])
    details = json.loads(result.stderr)["error"]["details"]
    assert [d["cpl_entry_id"] for d in details] == ["102", "106"]
    prefix = details[1]["manufacturer_image_hash"][:6]
    code, out, _ = path(db, f"1234/0001/0002@v01000100#{prefix.lower()}", "--json")
    assert code == 3 and json.loads(out)["from"] == "106"  # nothing lists 106: stranded


def test_builds_of_the_latest_version_are_up_to_date_whichever_the_meter_runs(
    db: str, tmp_path: Path
) -> None:
    twin = write_cpl(
        tmp_path / "t.csv", [row("106", "01000400", "104", firmware_version_name="v01000400")]
    )
    assert runner.invoke(app, ["--db", db, "import", str(twin)]).exit_code == 0
    code, out, _ = path(db, "1234/0001/0002@v01000400", "--json")
    document = json.loads(out)
    assert code == 0 and document["status"] == "up_to_date"
    assert "2 builds (105, 106); each gets the same answer" in document["reason"]


@pytest.mark.parametrize(
    ("ref", "code", "needle"),
    [
        ("1234/0001/0002@9.9.9", 3, "its versions: v01000000 (01000000)"),
        ("1234/0001@1.0", 1, "MANUFACTURER/MODEL/HW@VERSION"),
        ("1234/0001/0002@", 1, "give the version after @"),
        ("1234/0001/0002@v01000000#xyz", 1, "hex digits of the image hash"),
        ("1234/0001/0002@v01000000#ABCDEF0", 3, "hash starting ABCDEF0"),
        ("9999/0001/0002@1.0", 3, "has no entry on the CPL"),
        ("12345/0001/0002@1.0", 1, "manufacturer"),
    ],
)
def test_a_bad_or_unknown_firmware_reference_is_explained(
    db: str, ref: str, code: int, needle: str
) -> None:
    got, _, err = path(db, ref)
    assert got == code and needle in err, err


def test_answers_name_the_device_model_and_whom_to_ask(db: str, tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "manufacturer_id,contact_name,contact_email\n1234,Priya Shah,priya@northbridge.example\n"
    )
    assert runner.invoke(app, ["--db", db, "manufacturers", "import", str(contacts)]).exit_code == 0
    code, out, _ = path(db, "201", "--json")
    document = json.loads(out)
    assert code == 4 and document["contact"] == "Priya Shah <priya@northbridge.example>"
    assert (document["manufacturer_name"], document["model_name"]) == (
        "Northbridge Metering",
        "Single Phase A",
    )
    code, out, _ = path(db, "201")
    assert "Northbridge Metering Single Phase A (1234/0009/0002)" in out
    assert "Contact at Northbridge Metering: Priya Shah" in out


def test_a_device_model_without_a_version_is_told_to_add_one(db: str) -> None:
    code, _, err = path(db, "1234/0001/0002")
    assert code == 3 and "add the version: 1234/0001/0002@2.1.0" in err
