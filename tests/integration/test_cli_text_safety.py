"""User text is shown as text: square brackets never become markup or a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.cpl_rows import row, write_cpl

NASTY = "[/] [bold]x[red]"


def firpath(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "firpath.cli.main", "--db", db, *args],
        capture_output=True,
        text=True,
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    firpath(url, "init")
    rows = [
        row(
            "101",
            "01000000",
            firmware_version_name=NASTY,
            notes=NASTY,
            model_name=NASTY,
            zigbee_chipset_vendor=NASTY,
            manufacturer_name=NASTY,
        ),
        row("102", "01000100", "101", manufacturer_name=NASTY),
    ]
    done = firpath(url, "import", str(write_cpl(tmp_path / "c.csv", rows)))
    assert done.returncode == 0, done.stderr
    return url


@pytest.mark.parametrize(
    "args",
    [
        ("entries",),
        ("entries", "show", "101"),
        ("path", "101", "102"),
        ("path", "102", "101"),
        ("impact", "--chipset-vendor", "*"),
        ("manufacturers", "list"),
    ],
)
def test_stored_brackets_are_printed_literally(db: str, args: tuple[str, ...]) -> None:
    done = firpath(db, *args)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert done.returncode in (0, 3)
    assert "[/]" in done.stdout


@pytest.mark.parametrize(
    "args",
    [("path", "[/]"), ("entries", "--manufacturer-id", "[/]"), ("import", "[/].csv")],
)
def test_brackets_in_arguments_are_named_in_the_error(db: str, args: tuple[str, ...]) -> None:
    done = firpath(db, *args)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "[/]" in done.stderr


def test_brackets_in_a_bad_value_are_shown_in_the_defect_table(db: str, tmp_path: Path) -> None:
    done = firpath(db, "import", str(write_cpl(tmp_path / "bad.csv", [row("103", "[/]")])))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "[/]" in done.stderr
