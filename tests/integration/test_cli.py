"""The `firpath` command line: import, export, entries, manufacturers, demo, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firpath.cli.main import app
from tests.integration.cpl_rows import row, write_cpl

runner = CliRunner()


def firpath(url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", url, *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(database_url: str) -> str:
    code, out, _ = firpath(database_url, "init")
    assert code == 0 and "database ready" in out
    return database_url


def test_import_prints_counts_and_entries_lists_and_shows(db: str, tmp_path: Path) -> None:
    path = write_cpl(tmp_path / "a.csv", [row("101", "01000000"), row("102", "01000100", "101")])
    code, out, _ = firpath(db, "import", str(path))
    assert code == 0 and "2 new" in out
    code, out, _ = firpath(db, "entries", "--json", "--device-type", "esme")
    assert code == 0
    listed = json.loads(out)["entries"]
    assert [e["cpl_entry_id"] for e in listed] == ["101", "102"]
    code, out, _ = firpath(db, "entries", "show", "101", "--json")
    shown = json.loads(out)
    assert shown["upgrade_from"] == "N/A" and shown["upgrade_to"] == ["102"]
    code, out, _ = firpath(db, "entries", "show", "102")
    assert code == 0 and "upgrade to" in out and "101" in out


def test_entries_filters_narrow_the_list(db: str, tmp_path: Path) -> None:
    rows = [
        row("101", "01000000"),
        row("201", "01000000", device_type="GSME", model_id="0002", model_name="Gas Meter"),
        row(
            "202",
            "01000100",
            "201",
            device_type="GSME",
            model_id="0002",
            model_name="Gas Meter",
            status="removed",
        ),
    ]
    firpath(db, "import", str(write_cpl(tmp_path / "a.csv", rows)))

    def ids(*args: str) -> list[str]:
        code, out, err = firpath(db, "entries", "--json", *args)
        assert code == 0, err
        return [e["cpl_entry_id"] for e in json.loads(out)["entries"]]

    assert ids("--device-type", "GSME") == ["201", "202"]
    assert ids("--model-id", "0002", "--status", "removed") == ["202"]
    assert ids("--manufacturer-id", "1234") == ["101", "201", "202"]
    assert ids("--text", "gas") == ["201", "202"]
    assert ids("--limit", "1")[:1] == ["101"]


def test_bad_import_exits_1_with_every_defect_on_stderr(db: str, tmp_path: Path) -> None:
    path = write_cpl(tmp_path / "a.csv", [row("101", "XYZ"), row("102", "01000100", "555")])
    code, out, err = firpath(db, "import", str(path))
    assert code == 1
    assert "2 problem(s)" in err and "firmware_version" in err and "555" in err
    code, out, err = firpath(db, "import", str(path), "--json")
    document = json.loads(err)  # the error document goes to stderr, stdout stays empty
    assert out == ""
    assert code == 1 and document["error"]["code"] == "invalid_input"
    assert {d["row"] for d in document["error"]["details"]} == {2, 3}
    code, out, _ = firpath(db, "entries", "--json")
    assert json.loads(out)["entries"] == []


def test_show_unknown_entry_exits_3(db: str) -> None:
    code, _, err = firpath(db, "entries", "show", "nope")
    assert code == 3 and "NOPE is not on the CPL" in err


def test_export_formats_to_files_and_stdout(db: str, tmp_path: Path) -> None:
    firpath(db, "import", str(write_cpl(tmp_path / "a.csv", [row("101", "01000000")])))
    code, out, _ = firpath(db, "export")
    assert code == 0 and out.startswith("cpl_entry_id,device_type")
    for fmt in ("csv", "xlsx", "json"):
        target = tmp_path / f"out.{fmt}"
        code, _, err = firpath(db, "export", "--format", fmt, "--out", str(target))
        assert code == 0, err
        assert target.stat().st_size > 0
    code, _, err = firpath(db, "export", "--out", str(tmp_path / "missing" / "x.csv"))
    assert code == 1 and "cannot be written" in err


def test_manufacturer_contacts_import_list_export(db: str, tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "Manufacturer ID,Manufacturer Name,Contact Name,Contact E-mail,Contact Phone\n"
        "1234,Northbridge Metering,Priya Shah,priya@northbridge.example,+44 20 7946 0000\n"
    )
    code, out, err = firpath(db, "manufacturers", "import", str(contacts))
    assert code == 0 and "1 new" in out, err
    code, out, _ = firpath(db, "manufacturers", "list", "--json")
    assert json.loads(out)["manufacturers"][0]["contact_email"] == "priya@northbridge.example"
    code, out, _ = firpath(db, "manufacturers", "export")
    assert "Priya Shah" in out
    contacts.write_text("manufacturer_id,contact_email\nZZZZ,not-an-email\n")
    code, _, err = firpath(db, "manufacturers", "import", str(contacts))
    assert code == 1 and "ZZZZ" in err and "not-an-email" in err
    firpath(db, "import", str(write_cpl(tmp_path / "a.csv", [row("101", "01000000")])))
    code, out, _ = firpath(db, "entries", "show", "101", "--json")
    assert json.loads(out)["manufacturer_contact"]["contact_name"] == "Priya Shah"


def test_demo_loads_a_realistic_cpl(database_url: str) -> None:
    code, out, err = firpath(database_url, "demo")
    assert code == 0, err
    assert "database ready" in out and "demo entries loaded" in out
    loaded = int(out.split("database ready, ")[1].split()[0])
    assert loaded >= 1500
    code, out, _ = firpath(database_url, "manufacturers", "list", "--json")
    assert len(json.loads(out)["manufacturers"]) >= 10


def test_binary_file_gets_one_line_and_no_traceback(tmp_path: Path) -> None:
    binary = tmp_path / "image.csv"
    binary.write_bytes(bytes(range(256)) * 8)
    url = f"sqlite:///{tmp_path / 'x.db'}"
    subprocess.run(
        [sys.executable, "-m", "firpath.cli.main", "--db", url, "init"],
        check=True,
        capture_output=True,
    )
    done = subprocess.run(
        [sys.executable, "-m", "firpath.cli.main", "--db", url, "import", str(binary)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "binary file" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_uninitialised_database_says_run_init(tmp_path: Path) -> None:
    code, _, err = firpath(f"sqlite:///{tmp_path / 'new.db'}", "entries")
    assert code == 1 and "firpath init" in err


def test_bad_database_url_is_an_error_not_a_traceback() -> None:
    code, _, err = firpath("mysql://x/y", "entries")
    assert code == 1 and "only sqlite and postgresql" in err


def test_contacts_file_without_a_column_keeps_the_stored_values(db: str, tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "manufacturer_id,manufacturer_name,contact_name,contact_phone\n"
        "1234,Northbridge Metering,Priya Shah,+44 20 7946 0000\n"
    )
    assert firpath(db, "manufacturers", "import", str(contacts))[0] == 0
    contacts.write_text("manufacturer_id,contact_email\n1234,new@northbridge.example\n")
    code, out, _ = firpath(db, "manufacturers", "import", str(contacts))
    assert code == 0 and "1 updated" in out
    code, out, _ = firpath(db, "manufacturers", "list", "--json")
    assert json.loads(out)["manufacturers"] == [
        {
            "manufacturer_id": "1234",
            "manufacturer_name": "Northbridge Metering",
            "contact_name": "Priya Shah",
            "contact_email": "new@northbridge.example",
            "contact_phone": "+44 20 7946 0000",
        }
    ]


def test_demo_refuses_a_database_that_has_entries(db: str, tmp_path: Path) -> None:
    firpath(db, "import", str(write_cpl(tmp_path / "a.csv", [row("101", "01000000")])))
    code, _, err = firpath(db, "demo")
    assert code == 1 and "already holds 1 entries" in err
    code, out, _ = firpath(db, "manufacturers", "list", "--json")
    assert len(json.loads(out)["manufacturers"]) == 1  # nothing of the demo landed


def run_main(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "firpath.cli.main", *args], capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "args",
    [
        ("export", "--format", "pdf"),
        ("plan", "fleet.csv"),
        ("no-such-command",),
        ("entries", "--limit", "0"),
        ("entries", "--limit", "9223372036854775807"),
    ],
)
def test_usage_errors_exit_1_with_a_message(tmp_path: Path, args: tuple[str, ...]) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert run_main("--db", url, "init").returncode == 0
    done = run_main("--db", url, *args)
    assert done.returncode == 1
    assert done.stderr.strip() and "Traceback" not in done.stderr


def test_free_text_search_treats_percent_and_underscore_literally(db: str, tmp_path: Path) -> None:
    rows = [row("101", "01000000", notes="50% off"), row("102", "01000100", "101", notes="plain")]
    firpath(db, "import", str(write_cpl(tmp_path / "a.csv", rows)))

    def found(text: str) -> list[str]:
        _, out, _ = firpath(db, "entries", "--json", "--text", text)
        return [e["cpl_entry_id"] for e in json.loads(out)["entries"]]

    assert found("%") == ["101"]
    assert found("_") == []
    assert found("50% OFF") == ["101"]


def test_a_file_that_is_not_a_database_is_an_error_not_a_bug(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(bytes(range(256)) * 40)
    for args in (("init",), ("path", "1")):
        done = run_main("--db", f"sqlite:///{junk}", *args)
        assert done.returncode == 1
        assert "internal error" not in done.stderr and "database" in done.stderr


def test_reading_a_missing_sqlite_file_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    code, _, err = firpath(f"sqlite:///{missing}", "entries")
    assert code == 1 and "firpath init" in err
    assert not missing.exists()


def test_accented_text_is_found_in_any_case(db: str, tmp_path: Path) -> None:
    rows = [row("101", "01000000", model_name="ÉLAN Ünïcode"), row("102", "01000100", "101")]
    firpath(db, "import", str(write_cpl(tmp_path / "a.csv", rows)))
    for text in ("élan", "ÉLAN", "ünïcode"):
        _, out, _ = firpath(db, "entries", "--json", "--text", text)
        assert [e["cpl_entry_id"] for e in json.loads(out)["entries"]] == ["101"], text


def test_deeply_nested_json_is_an_unreadable_file(db: str, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"entries":' + "[" * 100_000 + "]" * 100_000 + "}")
    code, _, err = firpath(db, "import", str(deep))
    assert code == 1 and "nested too deeply" in err


def test_a_full_standard_output_is_an_error_not_a_bug(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert run_main("--db", url, "demo", "--entries", "60").returncode == 0
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "firpath.cli.main", "--db", url, "export"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert done.returncode == 1
    assert "cannot write the output" in done.stderr and "internal error" not in done.stderr
