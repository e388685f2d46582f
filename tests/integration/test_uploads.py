"""Uploads spooled to disk: named after the sender's name with the extension the content calls
for, never past the limit, errors naming the upload, nothing left behind."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from firpath.domain.errors import TooLarge, UnreadableFile
from firpath.io.uploads import FOLDER_PREFIX, Upload, safe_stem, spool, suffix_of

TEXT = (".csv", ".tsv")


@pytest.fixture
def own_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Temporary folders made in this test's own folder, to see what is left behind (asked
    for after any database: a PostgreSQL server started later would be made there too)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    yield tmp_path


def left_behind(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(FOLDER_PREFIX)]


@pytest.mark.parametrize(
    ("given", "head", "name"),
    [
        ("fleet.csv", b"device_id", "fleet.csv"),
        ("fleet.tsv", b"device_id", "fleet.tsv"),
        ("Fleet May.TXT", b"device_id", "Fleet May.csv"),
        ("fleet.csv", b"PAR1\x15\x04", "fleet.parquet"),  # the bytes decide, not the name
        ("fleet", b"PK\x03\x04", "fleet.xlsx"),
        ("../../etc/passwd", b"x", "passwd.csv"),
        ("C:\\Users\\me\\fleet.csv", b"x", "fleet.csv"),
        ("a\nb;c.csv", b"x", "a_b_c.csv"),
        (None, b"x", "fleet.csv"),
        ("...", b"x", "fleet.csv"),
        (".csv", b"x", "csv.csv"),
    ],
)
def test_an_upload_is_named_after_its_sender_and_content(
    given: str | None, head: bytes, name: str
) -> None:
    assert safe_stem(given, "fleet") + suffix_of(head, given, TEXT) == name


def test_a_long_name_is_cut() -> None:
    assert len(safe_stem("x" * 500 + ".csv", "fleet")) == 80


@pytest.mark.parametrize(
    "source",
    [
        b"device_id,cpl_entry_id\nd1,101\n",
        io.BytesIO(b"device_id,cpl_entry_id\nd1,101\n"),
        [b"device_id,", b"cpl_entry_id\n", b"d1,101\n"],
    ],
    ids=["bytes", "stream", "chunks"],
)
def test_bytes_a_stream_or_chunks_become_one_file(
    source: bytes | io.BytesIO | list[bytes], own_temp: Path
) -> None:
    with spool(
        source, "my fleet.csv", limit=1000, default_stem="fleet", text_suffixes=TEXT
    ) as upload:
        assert upload.path.name == "my fleet.csv"
        assert upload.path.read_bytes() == b"device_id,cpl_entry_id\nd1,101\n"
        assert upload.size == len(upload.path.read_bytes())
        upload.output("plan.csv").write_text("made from it")
    assert left_behind(own_temp) == []


def test_exactly_the_limit_is_accepted_and_one_byte_more_is_too_large(own_temp: Path) -> None:
    with spool(b"x" * 100, "f.csv", limit=100, default_stem="f", text_suffixes=TEXT) as upload:
        assert upload.size == 100
    with pytest.raises(TooLarge, match=r"larger than this server accepts \(100 bytes"):
        spool([b"x" * 60, b"x" * 41], "f.csv", limit=100, default_stem="f", text_suffixes=TEXT)
    assert left_behind(own_temp) == []


def test_past_the_limit_the_partial_file_goes_at_once(own_temp: Path) -> None:
    upload = Upload(10, "fleet file", "send it in parts")
    upload.write(b"x" * 10)
    [folder] = left_behind(own_temp)
    assert (own_temp / folder / "upload.part").exists()
    with pytest.raises(TooLarge) as raised:
        upload.write(b"y")
    assert str(raised.value).startswith("the fleet file is larger than this server accepts")
    assert "send it in parts" in str(raised.value)
    assert list((own_temp / folder).iterdir()) == []  # removed before the answer is sent
    upload.close()
    assert left_behind(own_temp) == []


def test_errors_raised_while_reading_name_the_upload_not_its_folder() -> None:
    upload = spool(b"x", "fleet.csv", limit=10, default_stem="f", text_suffixes=TEXT)
    with upload, pytest.raises(UnreadableFile) as raised, upload.naming_errors():
        raise UnreadableFile(f"{upload.path}: not a readable CSV fleet file")
    assert str(raised.value) == "fleet.csv: not a readable CSV fleet file"


@pytest.mark.parametrize(("text", "limit"), [(None, 2048), ("", 2048), (" 512 ", 512), ("1", 1)])
def test_the_workers_read_the_upload_limit_from_the_environment(
    text: str | None, limit: int
) -> None:
    from firpath.api.server import upload_limit_mb

    assert upload_limit_mb(text) == limit


@pytest.mark.parametrize("text", ["0", "-5", "1.5", "lots"])
def test_an_upload_limit_that_is_not_a_whole_number_of_mb_stops_the_worker(text: str) -> None:
    from firpath.api.server import upload_limit_mb
    from firpath.domain.errors import FieldInvalid

    with pytest.raises(FieldInvalid, match="FIRPATH_UPLOAD_LIMIT_MB"):
        upload_limit_mb(text)


def test_a_server_that_cannot_store_an_upload_says_so(
    own_temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from firpath.domain.errors import UnwritableFile

    monkeypatch.setattr(tempfile, "tempdir", str(own_temp / "no-such-folder"))
    with pytest.raises(UnwritableFile, match="the server cannot store the fleet file now"):
        Upload(100, "fleet file")


def test_a_cpl_file_sent_as_bytes_is_imported_by_the_same_service(
    engine: Engine, tmp_path: Path, own_temp: Path
) -> None:
    from firpath.domain.errors import InvalidInput
    from firpath.services.history import entry_history
    from firpath.services.import_cpl import import_cpl_file
    from tests.integration.cpl_rows import row, write_cpl

    content = write_cpl(tmp_path / "written.csv", [row("101", "01000000")]).read_bytes()
    cpl = (".csv", ".xlsx", ".json")
    with spool(content, "May CPL.csv", limit=1 << 20, default_stem="cpl", text_suffixes=cpl) as up:
        report = import_cpl_file(engine, up.path, actor="secas@example.org")
    assert report.created == 1 and report.source == "May CPL.csv"
    assert entry_history(engine, "101")[0].source == "May CPL.csv"
    bad = content.replace(b"01000000", b"XYZ")
    with (
        spool(bad, "bad.csv", limit=1 << 20, default_stem="cpl", text_suffixes=cpl) as up,
        pytest.raises(InvalidInput) as raised,
        up.naming_errors(),
    ):
        import_cpl_file(engine, up.path, actor="secas@example.org")
    assert raised.value.defects[0].field == "firmware_version"
    assert left_behind(own_temp) == []
