"""`firpath completeness`, `chase-list` and its return through `import`, `entries --missing`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.integration.backfill_rows import write_catalogue
from tests.integration.test_cli import firpath


@pytest.fixture
def db(database_url: str, tmp_path: Path) -> str:
    assert firpath(database_url, "init")[0] == 0
    cpl, contacts = write_catalogue(tmp_path)
    assert firpath(database_url, "import", str(cpl))[0] == 0
    assert firpath(database_url, "manufacturers", "import", str(contacts))[0] == 0
    return database_url


def test_completeness_prints_a_table_per_manufacturer_with_contacts_and_totals(db: str) -> None:
    code, out, err = firpath(db, "completeness")
    assert code == 0, err
    lines = {line.split()[1]: line for line in out.splitlines() if line.startswith("│ ")}
    assert "3 (75%)" in lines["1234"] and "Priya Shah" in lines["1234"]
    assert "2 (67%)" in lines["5678"] and "Tom Ellery" in lines["5678"]
    assert "9ABC" not in lines  # IHD entries only: nothing in scope
    assert "4 (57%)" in lines["all"]  # 4 of 7 in-scope entries state all four fields
    assert "2 entries of IHD, GPF, CAD, ALT_HAN not counted" in out


def test_completeness_json_has_counts_shares_and_contacts(db: str) -> None:
    code, out, _ = firpath(db, "completeness", "--json")
    document = json.loads(out)
    assert code == 0 and document["by"] == "manufacturer"
    northbridge = document["groups"][0]
    assert northbridge["manufacturer_id"] == "1234"
    assert northbridge["contact_email"] == "priya@northbridge.example"
    assert northbridge["entries"] == 4 and northbridge["complete"] == 2
    assert northbridge["provided"]["zigbee_band"] == {"count": 2, "share": 0.5}
    assert document["total"]["provided"]["zigbee_stack_version"] == {
        "count": 5,
        "share": round(5 / 7, 4),
    }
    assert document["out_of_scope_entries"] == 2


def test_completeness_by_device_type(db: str) -> None:
    code, out, _ = firpath(db, "completeness", "--by", "device-type", "--json")
    groups = json.loads(out)["groups"]
    assert code == 0
    assert [(g["device_type"], g["entries"]) for g in groups] == [
        ("ESME", 4),
        ("GSME", 2),
        ("CH", 1),
    ]
    code, out, _ = firpath(db, "completeness", "--by", "device-type")
    table, caption = out.split("2 entries of")
    assert code == 0 and "GSME" in table and "IHD" not in table and "IHD" in caption


def test_completeness_by_anything_else_is_bad_input(db: str) -> None:
    code, _, err = firpath(db, "completeness", "--by", "model")
    assert code != 0 and "model" in err


def test_chase_list_writes_the_file_and_says_how_many_entries(db: str, tmp_path: Path) -> None:
    target = tmp_path / "northbridge.xlsx"
    code, out, err = firpath(db, "chase-list", "--manufacturer-id", "1234", "--out", str(target))
    assert code == 0, err
    assert "2 entries of manufacturer 1234 Northbridge Metering" in " ".join(out.split())
    sheet = load_workbook(target).worksheets[0]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["102", "103"]
    code, out, _ = firpath(
        db, "chase-list", "--manufacturer-id", "1234", "--out", str(tmp_path / "n.csv"), "--json"
    )
    assert code == 0 and json.loads(out)["entry_ids"] == ["102", "103"]


def test_chase_list_of_a_manufacturer_with_nothing_missing_is_the_header_only(
    db: str, tmp_path: Path
) -> None:
    target = tmp_path / "lumen.csv"
    code, out, _ = firpath(db, "chase-list", "--manufacturer-id", "9ABC", "--out", str(target))
    assert code == 0 and "header only" in out and "no in-scope entries missing data" in out
    assert len(target.read_text().splitlines()) == 1


def test_chase_list_of_an_unknown_manufacturer_exits_3(db: str, tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    code, _, err = firpath(db, "chase-list", "--manufacturer-id", "4321", "--out", str(target))
    assert code == 3 and "manufacturer 4321" in err
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--manufacturer-id", "1234", "--out", "chase.txt"], ".csv or .xlsx"),
        (["--manufacturer-id", "12", "--out", "chase.csv"], "4 hexadecimal digits"),
    ],
)
def test_chase_list_with_bad_options_exits_1(
    db: str, tmp_path: Path, args: list[str], says: str
) -> None:
    args = [str(tmp_path / a) if a.startswith("chase.") else a for a in args]
    code, _, err = firpath(db, "chase-list", *args)
    assert code == 1 and says in err
    assert list(tmp_path.glob("chase.*")) == []


def test_a_filled_chase_list_is_imported_as_a_back_fill(db: str, tmp_path: Path) -> None:
    target = tmp_path / "chase.csv"
    firpath(db, "chase-list", "--manufacturer-id", "1234", "--out", str(target))
    with target.open(newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0]["upgrade_from"] = "101"
    rows[0]["zigbee_stack_version"] = "EmberZNet 7.4.3"
    with target.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, out, err = firpath(db, "import", str(target))
    assert code == 0, err
    assert "back-fill (chase list)" in out and "2 fields filled, 1 entries updated" in out
    code, out, _ = firpath(db, "import", str(target), "--json")
    assert json.loads(out)["kind"] == "backfill" and json.loads(out)["fields_filled"] == 0
    code, out, _ = firpath(db, "entries", "show", "102", "--json")
    assert json.loads(out)["missing"] == ["zigbee_chipset_vendor", "zigbee_band"]


def test_a_bad_back_fill_exits_1_naming_row_column_id_and_values(db: str, tmp_path: Path) -> None:
    target = tmp_path / "chase.csv"
    firpath(db, "chase-list", "--manufacturer-id", "1234", "--out", str(target))
    target.write_text(target.read_text().replace(",0001,", ",0004,", 1))
    code, _, err = firpath(db, "import", str(target), "--json")
    (defect,) = json.loads(err)["error"]["details"]
    assert code == 1
    assert (defect["row"], defect["field"], defect["entry_id"], defect["value"]) == (
        2,
        "model_id",
        "102",
        "0004",
    )
    assert "'0001'" in defect["message"]


def ids(db: str, *args: str) -> list[str]:
    code, out, err = firpath(db, "entries", "--json", *args)
    assert code == 0, err
    return [e["cpl_entry_id"] for e in json.loads(out)["entries"]]


def test_entries_missing_lists_in_scope_entries_missing_that_field(db: str) -> None:
    assert ids(db, "--missing", "zigbee_band") == ["102", "103"]
    assert ids(db, "--missing", "zigbee_stack_version") == ["102", "202"]
    assert ids(db, "--missing", "any") == ["102", "103", "202"]
    assert ids(db, "--missing", "any", "--device-type", "GSME") == ["202"]
    assert ids(db, "--missing", "upgrade_from", "--device-type", "IHD") == []


def test_entries_missing_something_else_exits_1_with_the_choices(db: str) -> None:
    code, _, err = firpath(db, "entries", "--missing", "band")
    assert code == 1 and "zigbee_band" in err and "any" in err


def test_entries_json_says_what_each_entry_misses(db: str) -> None:
    code, out, _ = firpath(db, "entries", "--json")
    missing = {e["cpl_entry_id"]: e["missing"] for e in json.loads(out)["entries"]}
    assert code == 0
    assert missing["101"] == [] and missing["103"] == ["zigbee_band"]
    assert missing["102"] == [
        "upgrade_from",
        "zigbee_chipset_vendor",
        "zigbee_stack_version",
        "zigbee_band",
    ]
    assert missing["104"] == [] and missing["401"] == []  # IHD: the new fields are optional


def test_entries_show_never_reports_an_out_of_scope_entry_missing(db: str) -> None:
    code, out, _ = firpath(db, "entries", "show", "104", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["missing"] == [] and shown["missing_data"] == []
    code, out, _ = firpath(db, "entries", "show", "104")
    assert "none (the new fields are optional for IHD)" in " ".join(out.split())
    code, out, _ = firpath(db, "entries", "show", "103")
    assert "zigbee_band" in out
