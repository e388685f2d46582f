"""`firpath verify-image FILE [--from ID] [--json]` on SQLite and PostgreSQL: the header, the
hash, match / mismatch / no_match with exit 0/3, the next step for a meter, exit 1 with one
clear line for an unreadable file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firpath.cli.main import app
from firpath.samples.ota_files import OtaFileSpec, ota_file
from tests.integration.cpl_rows import image_hash, row, write_cpl

runner = CliRunner()

ROWS = [
    row("101", "01000000"),
    row("102", "01000100", "101"),
    row("103", "01000200", "102", status="removed"),
    row("104", "01000300", "102"),
    row("105", "01000100", "101"),  # a twin build of 102's version that leads nowhere
]


def image_of(entry_id: str, version: str) -> bytes:
    """The Manufacturer Image whose hash the row of `entry_id` carries (cpl_rows.image_hash)."""
    return (entry_id + version).encode()


@pytest.fixture
def db(database_url: str, tmp_path: Path) -> str:
    runner.invoke(app, ["--db", database_url, "init"])
    result = runner.invoke(
        app, ["--db", database_url, "import", str(write_cpl(tmp_path / "c.csv", ROWS))]
    )
    assert result.exit_code == 0, result.stderr
    return database_url


def image_file(
    tmp_path: Path,
    entry_id: str,
    version: str,
    *,
    header_version: str | None = None,
    maker: int = 0x1234,
    framing: str = "gbcs",
) -> Path:
    spec = OtaFileSpec(maker, int(header_version or version, 16))
    path = tmp_path / f"{entry_id}-{framing}.ota"
    path.write_bytes(ota_file(spec, image_of(entry_id, version), framing))  # type: ignore[arg-type]
    return path


def verify(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db, "verify-image", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("framing", ["gbcs", "sub_element"])
def test_a_matching_image_exits_0_and_names_its_entry(
    db: str, tmp_path: Path, framing: str
) -> None:
    code, out, _ = verify(db, str(image_file(tmp_path, "104", "01000300", framing=framing)))
    assert code == 0
    assert "verdict: match — CPL entry 104" in out
    assert image_hash("10401000300").upper() in out
    assert "This image is CPL entry 104 (v01000300, 01000300), Northbridge Metering" in out


def test_json_has_the_issue_shape(db: str, tmp_path: Path) -> None:
    code, out, _ = verify(db, str(image_file(tmp_path, "104", "01000300")), "--json")
    document = json.loads(out)
    assert code == 0
    assert document["manufacturer_image_hash"] == image_hash("10401000300").upper()
    assert document["header"]["manufacturer_code"] == "1234"
    assert document["header"]["file_version"] == "01000300"
    assert document["header"]["stack_version"] == "0002"
    assert document["header"]["total_image_size"] == (tmp_path / "104-gbcs.ota").stat().st_size
    assert document["match"]["status"] == "match"
    assert document["match"]["cpl_entry_id"] == "104"
    assert document["match"]["problems"] == []
    assert document["image"]["framing"] == "gbcs"
    assert document["safe_to_send"] is True


def test_a_known_image_with_a_wrong_header_is_a_mismatch_with_both_values(
    db: str, tmp_path: Path
) -> None:
    path = image_file(tmp_path, "104", "01000300", header_version="01000400", maker=0x1235)
    code, out, _ = verify(db, str(path), "--json")
    document = json.loads(out)
    assert code == 3
    assert document["match"]["status"] == "mismatch"
    assert document["match"]["cpl_entry_id"] == "104"
    assert document["match"]["problems"] == [
        {"field": "manufacturer_id", "image": "1235", "cpl": "1234"},
        {"field": "firmware_version", "image": "01000400", "cpl": "01000300"},
    ]
    code, text, _ = verify(db, str(path))
    assert code == 3 and "firmware_version" in text and "Do not send it" in text


def test_an_image_on_no_entry_is_no_match_and_names_the_versions_entry(
    db: str, tmp_path: Path
) -> None:
    path = image_file(tmp_path, "999", "01000300")  # a rebuilt 01000300: another hash
    code, out, _ = verify(db, str(path), "--json")
    document = json.loads(out)
    assert code == 3
    assert document["match"]["status"] == "no_match"
    assert document["match"]["cpl_entry_id"] is None
    assert [e["cpl_entry_id"] for e in document["match"]["same_version"]] == ["104"]


def test_an_image_of_a_removed_entry_matches_but_is_not_to_send(db: str, tmp_path: Path) -> None:
    code, out, _ = verify(db, str(image_file(tmp_path, "103", "01000200")))
    assert code == 3 and "verdict: match — CPL entry 103" in out
    assert "warning: 103 (v01000200, 01000200) has been removed from the CPL" in out


def test_from_says_the_image_is_the_next_step(db: str, tmp_path: Path) -> None:
    path = image_file(tmp_path, "104", "01000300")
    code, out, _ = verify(db, str(path), "--from", "102", "--json")
    step = json.loads(out)["next_step"]
    assert code == 0 and step["is_next_step"] is True and step["from"] == "102"


def test_from_an_earlier_version_names_the_image_to_send_first_and_exits_3(
    db: str, tmp_path: Path
) -> None:
    path = image_file(tmp_path, "104", "01000300")
    code, out, _ = verify(db, str(path), "--from", "1234/0001/0002@01000000")
    assert code == 3
    assert "not the next step" in out
    assert "Send 102 (v01000100, 01000100) first" in out


def test_from_an_unknown_entry_is_an_error(db: str, tmp_path: Path) -> None:
    code, _, err = verify(db, str(image_file(tmp_path, "104", "01000300")), "--from", "555")
    assert code == 3 and "CPL entry 555 (from) is not on the CPL" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"PK\x03\x04 not an image", "is not a ZigBee OTA upgrade image"),
    ],
)
def test_an_unreadable_file_exits_1_with_one_line_and_no_traceback(
    db: str, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.ota"
    path.write_bytes(content)
    code, out, err = verify(db, str(path))
    assert code == 1 and message in err and "Traceback" not in err + out
    assert str(path) in err


def test_a_truncated_download_says_so(db: str, tmp_path: Path) -> None:
    path = image_file(tmp_path, "104", "01000300")
    path.write_bytes(path.read_bytes()[:-10])
    code, _, err = verify(db, str(path))
    assert code == 1 and "(truncated)" in err


def test_a_missing_file_is_named(db: str, tmp_path: Path) -> None:
    code, _, err = verify(db, str(tmp_path / "nowhere.ota"))
    assert code == 1 and "nowhere.ota: no such file" in err


def test_a_twin_build_that_leads_nowhere_is_warned_of_and_never_the_next_step(
    db: str, tmp_path: Path
) -> None:
    path = image_file(tmp_path, "105", "01000100")
    code, out, _ = verify(db, str(path), "--json")
    document = json.loads(out)
    assert code == 0 and document["match"]["cpl_entry_id"] == "105"
    warnings = " ".join(document["warnings"])
    assert "another build of version v01000100 (01000100)" in warnings and "102 (hash" in warnings
    assert "a meter on 105 could go no further over the air" in warnings
    code, out, _ = verify(db, str(path), "--from", "101", "--json")
    step = json.loads(out)["next_step"]
    assert code == 3 and step["is_next_step"] is False
    assert step["next_image"]["cpl_entry_id"] == "102"


def test_a_meter_newer_than_the_image_is_told_it_is_past_it(db: str, tmp_path: Path) -> None:
    code, out, _ = verify(db, str(image_file(tmp_path, "102", "01000100")), "--from", "104")
    assert code == 3
    assert "already at or past this image's version" in out and "site visit" not in out.lower()


def test_a_header_leaving_out_the_meters_hardware_is_not_safe_to_send(
    db: str, tmp_path: Path
) -> None:
    path = tmp_path / "hw.ota"
    spec = OtaFileSpec(0x1234, 0x01000300, hardware_versions=(0x0005, 0x0006))
    path.write_bytes(ota_file(spec, image_of("104", "01000300")))
    code, out, _ = verify(db, str(path), "--from", "102", "--json")
    document = json.loads(out)
    assert code == 3 and document["safe_to_send"] is False
    assert "leaves out this meter's hardware version" in document["next_step"]["reason"]
    assert any("hardware versions 0005 to 0006" in w for w in document["warnings"])


def test_a_header_leaving_out_the_entrys_hardware_is_not_safe_even_without_from(
    db: str, tmp_path: Path
) -> None:
    path = tmp_path / "hw.ota"
    spec = OtaFileSpec(0x1234, 0x01000300, hardware_versions=(0x0005, 0x0006))
    path.write_bytes(ota_file(spec, image_of("104", "01000300")))
    code, out, _ = verify(db, str(path), "--json")
    document = json.loads(out)
    assert code == 3 and document["match"]["status"] == "match"
    assert document["safe_to_send"] is False


def test_whom_to_ask_is_the_entrys_manufacturer_not_the_wrong_header_code(
    db: str, tmp_path: Path
) -> None:
    path = image_file(tmp_path, "104", "01000300", maker=0x7A7B)
    document = json.loads(verify(db, str(path), "--json")[1])
    assert document["match"]["status"] == "mismatch"
    assert document["contact_manufacturer_id"] == "1234"
