"""Clear messages where testers found driver text or silence (issue 7, item 8): read-only
databases, plain file paths and empty values for --db, export formats and extensions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firpath.cli.main import app
from tests.integration.cpl_rows import row, write_cpl

runner = CliRunner()


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder holding a loaded database that this process cannot write."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        yield folder
        folder.chmod(0o755)
        return
    # root writes through file modes: only a read-only file system stops it
    mounted = subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(folder)], check=False)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a read-only file system here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def make_read_only(folder: Path) -> None:
    if os.geteuid() != 0:
        for item in folder.iterdir():
            item.chmod(0o444)
        folder.chmod(0o555)
    else:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


def test_a_read_only_database_serves_reads_and_refuses_writes(
    read_only_folder: Path, tmp_path: Path
) -> None:
    db = str(read_only_folder / "fir.db")
    path = write_cpl(tmp_path / "a.csv", [row("101", "01000000"), row("102", "01000100", "101")])
    for args in (("init",), ("import", str(path))):  # in a child: no file left open here
        done = subprocess.run(
            [sys.executable, "-m", "firpath.cli.main", "--db", db, *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    make_read_only(read_only_folder)
    code, out, err = cli("--db", db, "entries", "--json")
    assert code == 0, err
    assert [e["cpl_entry_id"] for e in json.loads(out)["entries"]] == ["101", "102"]
    code, out, err = cli("--db", db, "path", "101")
    assert code == 0 and "102" in out, err
    assert cli("--db", db, "export", "--out", str(tmp_path / "fir.json"))[0] == 0
    assert cli("--db", db, "audit", "verify")[0] == 0
    for args in (
        ("import", str(write_cpl(tmp_path / "b.csv", [row("103", "01000200", "102")]))),
        ("edit", "101", "--set", "notes=x", "--reason", "r"),
    ):
        code, _, err = cli("--db", db, *args)
        assert code == 1 and "the database is read-only" in err, err
        assert "Traceback" not in err and "attempt to write" not in err


def test_a_read_only_database_is_served_by_the_api(read_only_folder: Path, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from firpath.api.app import create_app
    from firpath.store.engine import open_engine

    db = str(read_only_folder / "fir.db")
    path = write_cpl(tmp_path / "a.csv", [row("101", "01000000"), row("102", "01000100", "101")])
    steps = (
        (("init",), None),
        (("import", str(path)), None),
        (("users", "add", "supplier@example.org", "--role", "supplier"), "a long password\n" * 2),
        (("tokens", "create", "supplier@example.org", "--json"), None),
    )
    for args, stdin in steps:  # in a child: no file left open here
        done = subprocess.run(
            [sys.executable, "-m", "firpath.cli.main", "--db", db, *args],
            capture_output=True,
            text=True,
            input=stdin,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    token = json.loads(done.stdout)["token"]
    make_read_only(read_only_folder)
    engine = open_engine(db, create=False)
    try:
        with TestClient(create_app(engine), raise_server_exceptions=False) as client:
            supplier = {"Authorization": f"Bearer {token}"}
            answer = client.get("/api/v1/paths", params={"from": "101"}, headers=supplier)
    finally:
        engine.dispose()
    assert answer.status_code == 200, answer.text
    assert answer.json()["to"] == "102"


def test_a_plain_file_path_for_db_is_a_sqlite_database(tmp_path: Path) -> None:
    relative = subprocess.run(
        [sys.executable, "-m", "firpath.cli.main", "--db", "plain.db", "init"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert relative.returncode == 0, relative.stderr
    assert (tmp_path / "plain.db").exists()
    absolute = str(tmp_path / "abs.db")
    assert cli("--db", absolute, "init")[0] == 0
    assert cli("--db", absolute, "entries")[0] == 0


def test_an_empty_db_option_is_an_error(tmp_path: Path) -> None:
    code, _, err = cli("--db", "", "entries")
    assert code == 1 and "--db is empty" in err
    code, _, err = cli("--db", "   ", "init")
    assert code == 1 and "--db is empty" in err


@pytest.fixture
def loaded(tmp_path: Path) -> str:
    db = str(tmp_path / "fir.db")
    cli("--db", db, "init")
    cli("--db", db, "import", str(write_cpl(tmp_path / "a.csv", [row("101", "01000000")])))
    return db


@pytest.mark.parametrize(
    ("name", "magic"),
    [
        ("fir.json", b"{"),
        ("fir.xlsx", b"PK\x03\x04"),
        ("fir.csv", b"cpl_entry_id"),
        ("F.JSON", b"{"),
    ],
)
def test_the_out_extension_decides_the_format_when_none_is_given(
    loaded: str, tmp_path: Path, name: str, magic: bytes
) -> None:
    out = tmp_path / name
    code, _, err = cli("--db", loaded, "export", "--out", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(magic)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--format", "csv", "--out", "fir.xlsx"), "disagrees"),
        (("--format", "json", "--out", "fir.csv"), "disagrees"),
        (("--out", "fir.txt"), "no known extension"),
        (
            (
                "--format",
                "pdf",
            ),
            "must be one of",
        ),
    ],
)
def test_a_format_disagreeing_with_the_extension_is_an_error(
    loaded: str, tmp_path: Path, args: tuple[str, ...], needle: str
) -> None:
    resolved = [str(tmp_path / a) if a.startswith("fir.") else a for a in args]
    code, _, err = cli("--db", loaded, "export", *resolved)
    assert code == 1 and needle in err, err
    assert not any(p.name.startswith("fir.") and ".db" not in p.name for p in tmp_path.iterdir())
