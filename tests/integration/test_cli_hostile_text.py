"""The terminal never receives a raw control character, and long defect lists stay readable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firpath.cli.main import app
from firpath.io.columns import MANUFACTURER_COLUMNS
from tests.integration.cpl_rows import row, write_cpl

runner = CliRunner()
RAW = ("\x1b", "\x9b", "\u202e", "\r", "\x07")


def firpath(url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", url, *args])
    return result.exit_code, result.stdout, result.stderr


def no_raw_controls(text: str) -> bool:
    return not any(char in text for char in RAW)


@pytest.fixture
def db(database_url: str) -> str:
    code, _, _ = firpath(database_url, "init")
    assert code == 0
    return database_url


def test_300_bad_rows_list_200_then_count_the_rest_by_kind(db: str, tmp_path: Path) -> None:
    rows = [row(str(1000 + n), "XYZ") for n in range(300)]
    path = write_cpl(tmp_path / "bad.csv", rows)
    code, _, err = firpath(db, "import", str(path))
    assert code == 1
    assert "300 problem(s)" in err
    assert err.count("must be 8 hexadecimal digits") == 201  # 200 table rows + the count line
    assert "... and 100 more, by kind:" in err
    assert "100 x column firmware_version: must be 8 hexadecimal digits" in err


def test_the_json_error_document_lists_200_defects_and_counts_the_rest(
    db: str, tmp_path: Path
) -> None:
    rows = [row(str(1000 + n), "XYZ", status="maybe") for n in range(150)]
    path = write_cpl(tmp_path / "bad.csv", rows)
    code, out, err = firpath(db, "import", str(path), "--json")
    error = json.loads(err)["error"]
    assert code == 1 and out == ""
    assert error["message"].endswith("300 problem(s)")
    assert len(error["details"]) == 200
    assert sorted((m["field"], m["count"]) for m in error["more"]) == [
        ("firmware_version", 50),
        ("status", 50),
    ]
    assert sum(m["count"] for m in error["more"]) + len(error["details"]) == 300


def test_a_good_import_error_document_has_no_more(db: str, tmp_path: Path) -> None:
    path = write_cpl(tmp_path / "bad.csv", [row("101", "XYZ")])
    _, _, err = firpath(db, "import", str(path), "--json")
    assert json.loads(err)["error"]["more"] == []


def test_control_characters_in_a_bad_value_are_shown_escaped(db: str, tmp_path: Path) -> None:
    path = write_cpl(tmp_path / "bad.csv", [row("101", "01000000", notes="\x1b[2Jgone\u202e")])
    code, _, err = firpath(db, "import", str(path))
    assert code == 1 and no_raw_controls(err)
    assert "\\x1b[2Jgone\\u202e" in err and "U+001B" in err


def test_control_characters_in_a_file_name_are_shown_escaped(db: str, tmp_path: Path) -> None:
    name = tmp_path / "evil\u202evsc.csv"
    code, _, err = firpath(db, "import", str(name))
    assert code == 1 and no_raw_controls(err)
    assert "evil\\u202evsc.csv: no such file" in err


def test_the_json_error_document_escapes_c1_and_bidi_controls(db: str, tmp_path: Path) -> None:
    value = "x\u202ey\x9bz"
    path = write_cpl(tmp_path / "bad.csv", [row(value, "01000000")])
    _, _, err = firpath(db, "import", str(path), "--json")
    assert no_raw_controls(err)
    details = json.loads(err)["error"]["details"]
    assert value in {d["value"] for d in details}  # the same data once parsed


def test_a_value_echoed_in_an_error_is_cut_to_80_characters(db: str, tmp_path: Path) -> None:
    path = write_cpl(tmp_path / "bad.csv", [row("101", "0" * 3000)])
    _, _, err = firpath(db, "import", str(path), "--json")
    (detail,) = json.loads(err)["error"]["details"]
    assert detail["field"] == "firmware_version" and len(detail["value"]) == 80
    code, _, err = firpath(db, "path", "9" * 3000)
    assert code == 1 and len(err) < 300


def test_stored_carriage_returns_are_shown_escaped(db: str, tmp_path: Path) -> None:
    path = tmp_path / "cr.json"
    entry = row("101", "01000000", notes="line one\rLINE TWO\nline three\ttabbed")
    path.write_text(json.dumps({"entries": [entry]}))
    assert firpath(db, "import", str(path))[0] == 0
    code, out, _ = firpath(db, "entries", "show", "101")
    assert code == 0 and no_raw_controls(out)
    assert "line one\\rLINE TWO" in out


def test_contacts_with_control_characters_are_refused(db: str, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(",".join(MANUFACTURER_COLUMNS) + "\n1234,North,Ann\x1b[8m,,\n")
    code, _, err = firpath(db, "manufacturers", "import", str(path))
    assert code == 1 and no_raw_controls(err)
    assert "contact_name" in err and "\\x1b[8m" in err
