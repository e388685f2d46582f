"""JSON CPL files are read one entry at a time; hostile numbers and shapes are clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from firpath.domain.errors import InvalidInput, UnreadableFile
from firpath.io.columns import CPL_REQUIRED_COLUMNS
from firpath.services.import_cpl import import_cpl_file
from firpath.services.registry import export_cpl, show_entry
from tests.integration.cpl_rows import row


def entry(entry_id: str, version: str, **fields: object) -> str:
    """One entry as JSON text, with `fields` (JSON text) replacing values."""
    document = {k: v for k, v in row(entry_id, version).items()}
    text = json.dumps(document)
    for key, value in fields.items():
        text = text.replace(f'"{key}": {json.dumps(document[key])}', f'"{key}": {value}')
    return text


def write(tmp_path: Path, text: str, name: str = "cpl.json") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def defects_of(engine: Engine, path: Path) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(InvalidInput) as caught:
        import_cpl_file(engine, path, actor="t")
    return [(d.row, d.field, d.message) for d in caught.value.defects]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1e999", "is a number too large to read"),
        ("-1e999", "is a number too large to read"),
        ("NaN", "is a number too large to read"),
        ("Infinity", "is a number too large to read"),
    ],
)
def test_a_number_that_overflows_where_text_is_expected_is_a_defect(
    engine: Engine, tmp_path: Path, number: str, message: str
) -> None:
    path = write(tmp_path, '{"entries": [' + entry("101", "01000000", notes=number) + "]}")
    assert defects_of(engine, path) == [(1, "notes", f"{message}; write it as a string")]


def test_an_integer_of_5000_digits_is_a_defect_with_its_value_cut(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, '{"entries": [' + entry("101", "01000000", model_id="9" * 5000) + "]}")
    with pytest.raises(InvalidInput) as caught:
        import_cpl_file(engine, path, actor="t")
    (defect,) = caught.value.defects
    assert defect.field == "model_id" and defect.value is not None and len(defect.value) == 80


def test_a_huge_integer_elsewhere_in_the_document_is_no_problem(
    engine: Engine, tmp_path: Path
) -> None:
    text = '{"entry_count": ' + "7" * 5000 + ', "entries": [' + entry("101", "01000000") + "]}"
    assert import_cpl_file(engine, write(tmp_path, text), actor="t").created == 1


def test_a_number_where_text_is_expected_is_read_as_written(engine: Engine, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '{"entries": [' + entry("101", "01000000", firmware_version_name="2.10", notes="4") + "]}",
    )
    import_cpl_file(engine, path, actor="t")
    stored = show_entry(engine, "101").entry
    assert (stored.firmware_version_name, stored.notes) == ("2.10", "4")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "a JSON CPL file is"),
        ('{"entries": [' + "[" * 100_000 + "]" * 100_000 + "]}", "JSON nested too deeply"),
        ('{"entries": [{"notes": "' + "x" * 1_100_000 + '"}]}', "entry 1 is longer than"),
        ('{"entries": [{"notes": [' + "1," * 600_000 + "1]}]}", "entry 1 is longer than"),
        ('{"entries": []} trailing', "extra data after the JSON document"),
        ('{"entries": [], "entries": []}', '"entries" appears twice'),
        ('{"entries": {}}', "a JSON CPL file is"),
        ("{}", "a JSON CPL file is"),
        ('{"schema": "x"}', "a JSON CPL file is"),
        ('{"entries": [1, 2', "line 1"),
        ('{"entries": [{"a": tru', "Expecting value"),
    ],
)
def test_hostile_json_shapes_are_one_line_errors(
    engine: Engine, tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(UnreadableFile, match=message) as caught:
        import_cpl_file(engine, write(tmp_path, text), actor="t")
    assert "\n" not in str(caught.value)


def test_a_syntax_error_far_into_the_file_names_its_line(engine: Engine, tmp_path: Path) -> None:
    entries = [entry(str(100 + i), f"{i:08X}") for i in range(5000)]
    text = '{"entries": [\n' + ",\n".join(entries) + ",\n{oops}\n]}"
    with pytest.raises(UnreadableFile, match="line 5002"):
        import_cpl_file(engine, write(tmp_path, text), actor="t")


def test_many_empty_entries_are_counted_not_each_listed(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, '{"entries": [' + ",".join(["{}"] * 50_000) + "]}")
    with pytest.raises(InvalidInput) as caught:
        import_cpl_file(engine, path, actor="t")
    error = caught.value
    assert len(error.defects) == 200 and error.total == 50_000 * len(CPL_REQUIRED_COLUMNS)
    assert sum(m.count for m in error.more) == error.total - 200


def test_more_than_200000_entries_are_refused(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, '{"entries": [' + ",".join(["1"] * 200_001) + "]}")
    with pytest.raises(UnreadableFile, match="more than 200,000 rows"):
        import_cpl_file(engine, path, actor="t")


def test_a_json_file_that_is_not_utf8_is_one_line(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "latin.json"
    path.write_bytes(b'{"entries": [{"notes": "caf\xe9"}]}')
    with pytest.raises(UnreadableFile, match="not UTF-8"):
        import_cpl_file(engine, path, actor="t")


def test_the_json_export_reads_back_entry_by_entry(engine: Engine, tmp_path: Path) -> None:
    rows = [row(str(100 + i), f"{i:08X}", notes="n" * 500) for i in range(3000)]
    text = '{"entries": [' + ",".join(json.dumps(r) for r in rows) + "]}"
    import_cpl_file(engine, write(tmp_path, text), actor="t")
    exported = export_cpl(engine, "json")
    fresh_path = write(tmp_path, exported.decode(), "again.json")
    report = import_cpl_file(engine, fresh_path, actor="t")
    assert (report.rows, report.unchanged) == (3000, 3000)
