"""A fast command line (issue 8, item 7): heavy modules load only for the commands that need
them, the schema check does not load Alembic, and `--help` shows no type placeholders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firpath.cli.main import app

HEAVY = ("polars", "pyarrow", "openpyxl", "alembic", "sqlalchemy", "cryptography")
PROBE = """
import runpy, sys
sys.argv = ["firpath", *sys.argv[1:]]
try:
    runpy.run_module("firpath.cli.main", run_name="__main__")
except SystemExit:
    pass
print("LOADED=" + ",".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


def loaded(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("LOADED="))
    return {m for m in line.removeprefix("LOADED=").split(",") if m}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("startup") / "demo.db")
    done = subprocess.run(
        [sys.executable, "-m", "firpath.cli.main", "--db", db, "demo"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return db


def test_version_loads_no_database_or_file_library() -> None:
    assert loaded("--version") == set()


@pytest.mark.parametrize(
    "args", [("path", "10039", "latest"), ("entries", "--limit", "20"), ("history", "10039")]
)
def test_reading_commands_load_the_database_layer_but_no_file_library_nor_alembic(
    demo_db: str, args: tuple[str, ...]
) -> None:
    assert loaded("--db", demo_db, *args) == {"sqlalchemy"}


def test_signing_commands_load_cryptography_and_verifying_opens_no_database(
    tmp_path: Path,
) -> None:
    key = tmp_path / "k"
    assert loaded("keys", "create", "--out", str(key)) == {"cryptography"}
    exported = tmp_path / "fir.csv"
    exported.write_text("not signed")
    assert loaded("verify-export", str(exported), "--public-key", f"{key}.pub") == {"cryptography"}


def test_init_is_what_loads_alembic(tmp_path: Path) -> None:
    assert "alembic" in loaded("--db", str(tmp_path / "new.db"), "init")


COMMANDS = [
    (),
    ("init",),
    ("import",),
    ("export",),
    ("verify-export",),
    ("keys", "create"),
    ("entries",),
    ("entries", "show"),
    ("path",),
    ("plan",),
    ("impact",),
    ("edit",),
    ("history",),
    ("audit", "verify"),
    ("completeness",),
    ("chase-list",),
    ("demo",),
    ("manufacturers", "import"),
    ("manufacturers", "export"),
]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_no_type_placeholders_for_options(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    options = [line for line in result.stdout.splitlines() if line.lstrip().startswith("-")]
    assert options
    for line in options:
        assert "<bool>" not in line and "<str>" not in line and "<int" not in line, line
