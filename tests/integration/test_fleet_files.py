"""Fleet files as Excel writes them (issue 8, item 5): UTF-16 "Unicode text", semicolon
CSV, .xlsx with number cells, Parquet with number columns, blank rows, empty and repeated
device ids. Each is planned row by row like the plain CSV, or refused in one line."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook
from sqlalchemy import Engine
from typer.testing import CliRunner

from firpath.cli.main import app
from firpath.domain.errors import InvalidInput, UnreadableFile
from firpath.io import fleet_xlsx
from firpath.services.fleet_plan import FleetSummary, plan_fleet
from firpath.services.import_cpl import import_cpl_file
from tests.integration.cpl_rows import image_hash, row, write_cpl

runner = CliRunner()

# Model 1234/0001/0002: 101 -> 102 -> 104 (latest), 103 removed, 105 a second build of 1.1.0;
# model 1234/0009/0002: 201, and 202 (latest) with upgrade-from not provided.
ROWS = [
    row("101", "01000000", firmware_version_name="1.0.0"),
    row("102", "01000100", "101", firmware_version_name="1.1.0"),
    row("103", "01000200", "102", status="removed", firmware_version_name="1.2.0"),
    row("104", "01000300", "102", firmware_version_name="1.3.0"),
    row(
        "105",
        "01000100",
        "101",
        manufacturer_image_hash=image_hash("variant"),
        firmware_version_name="1.1.0",
    ),
    row("201", "02000000", model_id="0009", firmware_version_name="2.0.0"),
    row("202", "02000100", "", model_id="0009", firmware_version_name="2.1.0"),
]
MODEL_HEADER = ["device_id", "manufacturer_id", "model_id", "hardware_version", "firmware_version"]
# A fleet as a spreadsheet shows it: ids Excel typed as numbers lost their leading zeros.
SHOWN: list[list[str]] = [
    ["Zähler-001", "1234", "1", "2", "1000000"],
    ["Zähler-002", "1234", "1", "2", "1000300"],
    ["", "", "", "", ""],  # a blank row
    ["Zähler-003", "1234", "9", "2", "2000000"],
    ["Zähler-004", "1234", "1", "2", "1000200"],
    ["", "", "", "", ""],
]
PLANNED = [
    ("Zähler-001", "upgrade", "101", "104"),
    ("Zähler-002", "up_to_date", "104", "104"),
    ("Zähler-003", "incomplete_data", "201", "202"),
    ("Zähler-004", "no_path", "103", "104"),
]


@pytest.fixture
def cpl(engine: Engine, tmp_path: Path) -> Engine:
    import_cpl_file(engine, write_cpl(tmp_path / "cpl.csv", ROWS), actor="t")
    return engine


def read(path: Path) -> pl.DataFrame:
    if path.suffix == ".csv":
        return pl.read_csv(path, infer_schema=False)
    return pl.read_parquet(path).with_columns(pl.all().cast(pl.String))


def planned(
    engine: Engine, fleet: Path, out_name: str = "plan.csv"
) -> tuple[list[tuple[str | None, ...]], FleetSummary]:
    out = fleet.parent / out_name
    summary = plan_fleet(engine, fleet, out)
    plan = read(out).select("device_id", "status", "current_entry_id", "target_entry_id")
    return plan.rows(), summary


def text_file(
    path: Path,
    rows: Sequence[Sequence[str]],
    separator: str,
    encoding: str,
    bom: bytes = b"",
    line_end: str = "\r\n",
) -> Path:
    """Delimited text with CRLF line ends, as Excel saves it (no quoting needed here)."""
    text = "".join(separator.join(cells) + line_end for cells in rows)
    path.write_bytes(bom + text.encode(encoding))
    return path


def workbook(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """An .xlsx whose first sheet holds `rows` (a row of Nones is left empty, as a cleared
    row is), and a second sheet that must never be read."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for cells in rows:
        sheet.append(list(cells) if any(c is not None for c in cells) else [])
    sheet.row_dimensions[len(rows) + 1].height = 30  # a formatted, empty row after the data
    book.create_sheet("notes").append(["not", "a", "fleet"])
    book.save(path)
    return path


def as_numbers(cells: Sequence[str]) -> list[object]:
    """A SHOWN row as Excel holds it: ids of digits are numbers, empty cells empty."""
    return [None if not c else int(c) if c.isdigit() else c for c in cells]


FLEETS: dict[str, Callable[[Path], Path]] = {
    "csv utf-8": lambda d: text_file(d / "f.csv", [MODEL_HEADER, *SHOWN], ",", "utf-8"),
    "csv utf-8 semicolons (European Excel)": lambda d: text_file(
        d / "f.csv", [MODEL_HEADER, *SHOWN], ";", "utf-8", codecs.BOM_UTF8
    ),
    "unicode text (utf-16 le, tabs)": lambda d: text_file(
        d / "f.csv", [MODEL_HEADER, *SHOWN], "\t", "utf-16-le", codecs.BOM_UTF16_LE
    ),
    "utf-16 be, commas": lambda d: text_file(
        d / "f.csv", [MODEL_HEADER, *SHOWN], ",", "utf-16-be", codecs.BOM_UTF16_BE
    ),
    "tab-delimited .tsv": lambda d: text_file(d / "f.tsv", [MODEL_HEADER, *SHOWN], "\t", "utf-8"),
    "old Mac Excel csv (lines end in CR)": lambda d: text_file(
        d / "f.csv", [MODEL_HEADER, *SHOWN], ",", "utf-8", line_end="\r"
    ),
    "xlsx with number cells": lambda d: workbook(
        d / "f.xlsx", [MODEL_HEADER, *(as_numbers(r) for r in SHOWN)]
    ),
    "parquet with Int64 and Float64 ids": lambda d: _parquet(d / "f.parquet"),
}


def _parquet(path: Path) -> Path:
    kept = [r for r in SHOWN if r[0]]  # Parquet has no blank rows to skip
    pl.DataFrame(
        {
            "device_id": [r[0] for r in kept],
            "manufacturer_id": pl.Series([int(r[1]) for r in kept], dtype=pl.Int64),
            "model_id": pl.Series([int(r[2]) for r in kept], dtype=pl.Int64),
            "hardware_version": pl.Series([float(r[3]) for r in kept], dtype=pl.Float64),
            "firmware_version": pl.Series([int(r[4]) for r in kept], dtype=pl.Int64),
        }
    ).write_parquet(path)
    return path


@pytest.mark.parametrize("out_name", ["plan.csv", "plan.parquet"])
@pytest.mark.parametrize("shape", list(FLEETS))
def test_a_fleet_as_excel_writes_it_plans_like_the_plain_csv(
    cpl: Engine, tmp_path: Path, shape: str, out_name: str
) -> None:
    rows, summary = planned(cpl, FLEETS[shape](tmp_path), out_name)
    assert rows == PLANNED
    assert summary.devices == 4
    blank = 0 if shape.startswith("parquet") else 2 + shape.startswith("xlsx")
    assert summary.blank_rows == blank
    assert (summary.empty_device_ids, summary.duplicate_device_ids) == (0, 0)


def test_blank_rows_are_skipped_and_empty_and_repeated_device_ids_counted(
    cpl: Engine, tmp_path: Path
) -> None:
    fleet = tmp_path / "fleet.csv"
    fleet.write_bytes(
        b"device_id,cpl_entry_id,notes\r\n"
        b",,\r\n"  # a row Excel leaves behind when its cells are cleared
        b"a,101,first\r\n"
        b"\r\n"
        b"   ,  ,\r\n"  # spaces only
        b'"","",\r\n'
        b"b,,no firmware given\r\n"  # a device with no firmware is a device
        b",104,no device id\r\n"
        b"a,104,a again\r\n"
        b"c,201,\r\n"
        b"a,101,and again\r\n"
        b" \t ,,\r\n"
        b",,\r\n"
    )
    rows, summary = planned(cpl, fleet)
    assert rows == [
        ("a", "upgrade", "101", "104"),
        ("b", "unknown_firmware", None, None),
        (None, "up_to_date", "104", "104"),
        ("a", "up_to_date", "104", "104"),
        ("c", "incomplete_data", "201", "202"),
        ("a", "upgrade", "101", "104"),
    ]
    assert summary.devices == 6 and summary.blank_rows == 6
    assert summary.by_status["upgrade"] == 2 and summary.by_status["unknown_firmware"] == 1
    assert summary.empty_device_ids == 1
    assert summary.duplicate_device_ids == 2 and summary.duplicate_examples == ["a"]
    assert summary.file_notes == [
        "skipped 6 blank rows (no device_id and no firmware): not devices, so not in the plan file",
        "1 row with firmware but no device_id: planned all the same, with an empty device_id "
        "in the plan file",
        "2 rows repeat a device_id given on an earlier row ('a'): each row is planned; check the "
        "fleet file",
    ]


def test_blank_rows_shift_no_explanation_onto_another_device(cpl: Engine, tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.csv"
    fleet.write_bytes(b"device_id;cpl_entry_id\r\n;\r\na;101\r\n;\r\n;\r\nb;104\r\nc;999\r\n;\r\n")
    out = tmp_path / "plan.parquet"
    plan_fleet(cpl, fleet, out, explain=True)
    plan = read(out)
    assert plan.select("device_id", "current_version_name", "reason").rows() == [
        ("a", "1.0.0", plan["reason"][0]),
        ("b", "1.3.0", "104 (1.3.0, 01000300) is already the target firmware."),
        ("c", None, "No CPL entry has ID 999."),
    ]
    assert "2 images" in str(plan["reason"][0])


def test_an_xlsx_fleet_of_cpl_entry_ids_reads_numbers_as_ids(
    cpl: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fleet_xlsx, "_CHUNK_ROWS", 2)  # rows become columns in several chunks
    fleet = workbook(
        tmp_path / "fleet.xlsx",
        [
            ["Device ID", "CPL Entry ID", "MPAN"],
            [1001, 101, 1900000000001],
            ["d2", 104.0, None],  # a float of a whole number
            [None, None, None],
            ["d3", "103", "x"],
            ["d4", None, None],
        ],
    )
    rows, summary = planned(cpl, fleet, "plan.parquet")
    assert rows == [
        ("1001", "upgrade", "101", "104"),
        ("d2", "up_to_date", "104", "104"),
        ("d3", "no_path", "103", "104"),
        ("d4", "unknown_firmware", None, None),
    ]
    assert summary.blank_rows == 2  # the cleared row and the formatted one after the data


def test_an_xlsx_formula_without_a_saved_value_in_a_fleet_column_is_an_error(
    cpl: Engine, tmp_path: Path
) -> None:
    fleet = workbook(
        tmp_path / "fleet.xlsx",
        [["device_id", "cpl_entry_id", "note"], ["a", 101, "=1+1"], ["b", "=100+4", None]],
    )
    with pytest.raises(InvalidInput, match="formulas without values") as caught:
        plan_fleet(cpl, fleet, tmp_path / "plan.csv")
    (defect,) = caught.value.defects  # the note column's formula is no fleet column
    assert (defect.row, defect.field) == (3, "cpl_entry_id")
    assert "cell B3 holds a formula with no saved value" in defect.message


@pytest.mark.parametrize(
    ("cells", "row", "column", "problem"),
    [
        (["d1", 1234, 12345, 2, 1000000], 3, "model_id", "5 digits, but a model_id has 4"),
        (["d1", 1234, 1, 2, 123456789], 3, "firmware_version", "9 digits"),
        (["d1", 1234, 1, 2.5, 1000000], 3, "hardware_version", "with a fraction"),
    ],
)
def test_an_xlsx_number_that_cannot_be_the_id_is_an_error_naming_column_and_row(
    cpl: Engine, tmp_path: Path, cells: list[object], row: int, column: str, problem: str
) -> None:
    fleet = workbook(tmp_path / "fleet.xlsx", [MODEL_HEADER, ["d0", 1234, 1, 2, 1000000], cells])
    out = tmp_path / "plan.csv"
    with pytest.raises(InvalidInput, match=f"column {column}") as caught:
        plan_fleet(cpl, fleet, out)
    (defect,) = caught.value.defects
    assert (defect.row, defect.field) == (row, column)
    assert problem in defect.message
    assert not out.exists()


@pytest.mark.parametrize(
    ("frame", "row", "column", "problem"),
    [
        (
            pl.DataFrame({"device_id": ["a", "b"], "cpl_entry_id": [101.0, 101.5]}),
            2,
            "cpl_entry_id",
            "with a fraction",
        ),
        (
            pl.DataFrame(
                {
                    "device_id": ["a", "b", "c"],
                    "manufacturer_id": [1234, 1234, 1234],
                    "model_id": [1, 1, 1],
                    "hardware_version": [2, 2, 2],
                    "firmware_version": [1000000, 1000000, 123456789],
                }
            ),
            3,
            "firmware_version",
            "9 digits",
        ),
    ],
)
def test_a_parquet_number_that_cannot_be_the_id_is_an_error_naming_column_and_row(
    cpl: Engine, tmp_path: Path, frame: pl.DataFrame, row: int, column: str, problem: str
) -> None:
    fleet = tmp_path / "fleet.parquet"
    frame.write_parquet(fleet)
    with pytest.raises(InvalidInput) as caught:
        plan_fleet(cpl, fleet, tmp_path / "plan.csv")
    (defect,) = caught.value.defects
    assert (defect.row, defect.field) == (row, column) and problem in defect.message


def test_a_parquet_float_id_column_with_gaps_plans_the_gaps_as_unknown(
    cpl: Engine, tmp_path: Path
) -> None:
    fleet = tmp_path / "fleet.parquet"
    pl.DataFrame(
        {"device_id": [1.0, 2.0, 3.0], "cpl_entry_id": [101.0, float("nan"), None]}
    ).write_parquet(fleet)
    rows, _ = planned(cpl, fleet)
    assert rows == [
        ("1", "upgrade", "101", "104"),
        ("2", "unknown_firmware", None, None),
        ("3", "unknown_firmware", None, None),
    ]


def test_a_csv_column_written_as_numbers_loses_its_dot_zero(cpl: Engine, tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.csv"
    fleet.write_bytes(b"device_id,cpl_entry_id\na,101.0\nb,104.0\nc,\nd,201.0\n")
    assert planned(cpl, fleet)[0] == [
        ("a", "upgrade", "101", "104"),
        ("b", "up_to_date", "104", "104"),
        ("c", "unknown_firmware", None, None),
        ("d", "incomplete_data", "201", "202"),
    ]


def test_dot_zero_among_text_ids_is_an_id_that_is_not_on_the_cpl(
    cpl: Engine, tmp_path: Path
) -> None:
    fleet = tmp_path / "fleet.csv"
    fleet.write_bytes(b"device_id,cpl_entry_id\na,101.0\nb,X-7\nc,104\n")
    assert [r[1] for r in planned(cpl, fleet)[0]] == ["unknown_firmware"] * 2 + ["up_to_date"]


@pytest.mark.parametrize(
    ("content", "row", "column", "problem"),
    [
        (b"device_id,cpl_entry_id\na,101.0\nb,104.5\n", 3, "cpl_entry_id", "with a fraction"),
        (
            b"device_id,manufacturer_id,model_id,hardware_version,firmware_version\n"
            b"a,1234,1,2,1000000\nb,1234,1,2,1.2E+07\n",
            3,
            "firmware_version",
            "scientific notation",
        ),
        (
            b"device_id;manufacturer_id;model_id;hardware_version;firmware_version\n"
            b"a;1234;1;2;1000000\nb;1234;12345;2;1000000\n",
            3,
            "model_id",
            "5 digits",
        ),
    ],
)
def test_a_csv_number_that_cannot_be_the_id_is_an_error_naming_column_and_row(
    cpl: Engine, tmp_path: Path, content: bytes, row: int, column: str, problem: str
) -> None:
    fleet = tmp_path / "fleet.csv"
    fleet.write_bytes(content)
    out = tmp_path / "plan.csv"
    with pytest.raises(InvalidInput, match="nothing planned") as caught:
        plan_fleet(cpl, fleet, out)
    (defect,) = caught.value.defects
    assert (defect.row, defect.field) == (row, column) and problem in defect.message
    assert not out.exists()


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _bytes(name: str, content: bytes) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path

    return write


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: _folder(d / "fleet.csv"), "is a folder, not a fleet file"),
        (lambda d: _folder(d / "fleets"), "is a folder, not a fleet file"),
        (_bytes("fleet.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "a binary file .NUL byte"),
        (_bytes("fleet.csv", b"PK\x03\x04\x14\x00\x06\x00rest"), "XLSX workbook.*name it .xlsx"),
        (_bytes("fleet.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), r"old Excel \.xls"),
        (_bytes("fleet.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), r"old Excel \.xls"),
        (_bytes("fleet.xlsx", b"device_id,cpl_entry_id\n"), "not a valid XLSX workbook"),
        (
            _bytes("fleet.csv", codecs.BOM_UTF32_LE + "device_id,x\r\n".encode("utf-32-le")),
            "UTF-32 text.*save it as CSV UTF-8",
        ),
        (
            _bytes("fleet.csv", "device_id;cpl_entry_id;Straße\r\na;101;x\r\n".encode("cp1252")),
            "not UTF-8 text.*save it as CSV UTF-8",
        ),
        (_bytes("fleet.csv", b"device_id|cpl_entry_id\na|101\n"), "separated by '|'"),
        (_bytes("fleet.csv", b""), "empty file"),
        (_bytes("fleet.txt", b"device_id\tcpl_entry_id\r\n"), "name it .csv"),
    ],
)
def test_what_is_not_a_fleet_file_gets_its_own_one_line_message(
    cpl: Engine, tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    fleet = make(tmp_path)
    out = tmp_path / "plan.csv"
    with pytest.raises(UnreadableFile, match=message) as caught:
        plan_fleet(cpl, fleet, out)
    assert "\n" not in str(caught.value)
    assert not out.exists()


def test_a_windows_1252_body_under_an_ascii_header_is_planned_with_a_note(
    cpl: Engine, tmp_path: Path
) -> None:
    fleet = tmp_path / "fleet.csv"  # Excel's "CSV (semicolon)" in a European locale
    fleet.write_bytes("device_id;cpl_entry_id\r\nZähler-1;101\r\nZähler-2;1ä4\r\n".encode("cp1252"))
    rows, summary = planned(cpl, fleet)
    assert rows == [
        ("Z\ufffdhler-1", "upgrade", "101", "104"),
        ("Z\ufffdhler-2", "unknown_firmware", None, None),
    ]
    assert summary.file_notes == [
        "some bytes are not UTF-8 and were read as \ufffd (such ids match nothing): if the file "
        "was saved in another encoding, save it as CSV UTF-8"
    ]


def test_fleets_may_name_firmware_by_version_name(cpl: Engine, tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.csv"
    variant = image_hash("variant")
    fleet.write_text(
        "device_id,manufacturer_id,model_id,hardware_version,firmware_version,"
        "Firmware Version Name,manufacturer_image_hash\n"
        "a,1234,0001,0002,,1.0.0,\n"
        "b,1234,0001,0002,, 1.3.0 ,\n"
        "c,1234,0001,0002,,1.1.0,\n"  # two builds of 1.1.0
        f"d,1234,0001,0002,,1.1.0,{variant}\n"
        "e,1234,0001,0002,,9.9.9,\n"
        "f,1234,0001,0002,01000000,1.3.0,\n"  # both given: the hex decides
        "g,1234,0009,0002,,2.0.0,\n"
        "h,1234,0009,0002,,1.0.0,\n"  # another model's name
    )
    out = tmp_path / "plan.csv"
    summary = plan_fleet(cpl, fleet, out, explain=True)
    plan = read(out)
    assert plan.select("device_id", "status", "current_entry_id", "target_entry_id").rows() == [
        ("a", "upgrade", "101", "104"),
        ("b", "up_to_date", "104", "104"),
        ("c", "ambiguous", None, "104"),
        ("d", "no_path", "105", "104"),
        ("e", "unknown_firmware", None, None),
        ("f", "upgrade", "101", "104"),
        ("g", "incomplete_data", "201", "202"),
        ("h", "unknown_firmware", None, None),
    ]
    reasons = dict(zip(plan["device_id"], plan["reason"], strict=True))
    assert reasons["c"] == (
        "Firmware 1.1.0 (01000100) of device model 1234/0001/0002 is two builds (102, 105): "
        "give manufacturer_image_hash to pick one."
    )
    assert reasons["e"] == "Device model 1234/0001/0002 has no firmware named '9.9.9' on the CPL."
    assert summary.mode == "model_version"


def test_a_fleet_with_names_only_and_no_hex_column_is_enough(cpl: Engine, tmp_path: Path) -> None:
    fleet = workbook(
        tmp_path / "fleet.xlsx",
        [
            [
                "device_id",
                "manufacturer_id",
                "model_id",
                "hardware_version",
                "firmware_version_name",
            ],
            ["a", 1234, 1, 2, "1.0.0"],
        ],
    )
    assert planned(cpl, fleet)[0] == [("a", "upgrade", "101", "104")]


def test_names_that_excel_typed_as_numbers_are_an_error(cpl: Engine, tmp_path: Path) -> None:
    fleet = workbook(
        tmp_path / "fleet.xlsx",
        [
            [
                "device_id",
                "manufacturer_id",
                "model_id",
                "hardware_version",
                "firmware_version_name",
            ],
            ["a", 1234, 1, 2, "1.0.0"],
            ["b", 1234, 1, 2, 2.1],
        ],
    )
    with pytest.raises(InvalidInput) as caught:
        plan_fleet(cpl, fleet, tmp_path / "plan.csv")
    (defect,) = caught.value.defects
    assert (defect.row, defect.field, defect.value) == (3, "firmware_version_name", "2.1")
    assert "turns 2.10 into 2.1" in defect.message


def test_the_cli_reports_blank_rows_and_odd_device_ids(database_url: str, tmp_path: Path) -> None:
    runner.invoke(app, ["--db", database_url, "init"])
    runner.invoke(app, ["--db", database_url, "import", str(write_cpl(tmp_path / "c.csv", ROWS))])
    fleet = text_file(
        tmp_path / "fleet.csv",
        [["device_id", "cpl_entry_id"], ["a", "101"], ["", ""], ["a", "104"], ["", "104"]],
        "\t",
        "utf-16-le",
        codecs.BOM_UTF16_LE,
    )
    args = ["--db", database_url, "plan", str(fleet), "--out", str(tmp_path / "p.csv")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    shown = " ".join(result.stdout.split())
    assert "3 devices planned" in shown
    assert "fleet file: skipped 1 blank row (no device_id and no firmware)" in shown
    assert "fleet file: 1 row with firmware but no device_id: planned all the same" in shown
    assert "fleet file: 1 row repeats a device_id given on an earlier row ('a')" in shown
    report = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert (report["blank_rows"], report["empty_device_ids"], report["duplicate_device_ids"]) == (
        1,
        1,
        1,
    )
    assert report["duplicate_examples"] == ["a"] and len(report["file_notes"]) == 3


def test_impact_counts_an_excel_fleet_like_the_plain_csv(database_url: str, tmp_path: Path) -> None:
    runner.invoke(app, ["--db", database_url, "init"])
    runner.invoke(app, ["--db", database_url, "import", str(write_cpl(tmp_path / "c.csv", ROWS))])
    counts = []
    for shape in ("csv utf-8", "unicode text (utf-16 le, tabs)", "xlsx with number cells"):
        folder = tmp_path / shape.replace(" ", "_")
        folder.mkdir()
        fleet = FLEETS[shape](folder)
        args = ["--db", database_url, "impact", "--stack-version", "EmberZNet 6*"]
        result = runner.invoke(app, [*args, "--fleet", str(fleet), "--json"])
        assert result.exit_code == 0, result.stderr
        counts.append(json.loads(result.stdout)["fleet"])
    assert counts[0] == counts[1] == counts[2]
    assert sum(counts[0].values()) == 4  # the blank rows are no devices
    assert counts[0]["unknown_firmware"] == 0


def test_a_column_written_twice_is_named_as_the_file_writes_it(cpl: Engine, tmp_path: Path) -> None:
    path = tmp_path / "fleet.csv"
    path.write_text("device_id,cpl_entry_id,cpl_entry_id\na,101,101\n")
    with pytest.raises(InvalidInput) as refused:
        plan_fleet(cpl, path, tmp_path / "plan.csv")
    (defect,) = refused.value.defects
    assert (defect.field, defect.value) == ("cpl_entry_id", "cpl_entry_id")
    assert "duplicated" not in defect.describe()
    assert "names the same column again: keep one" in defect.message
