"""Any file under 100 MB is refused or imported within 1 GiB of memory.

Each hostile file (about 99 MiB, or the largest that is accepted) is imported by
`firpath import` in a child process on a fresh SQLite database; the child's peak resident
memory comes from the kernel (wait4). Run with `-s` to see the peaks (docs/benchmarks.md).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from firpath.io.columns import CPL_ALL_COLUMNS
from tests.integration.xlsx_parts import text_row, write_xlsx_parts

pytestmark = pytest.mark.slow

SIZE = 99 << 20  # bytes of each hostile file: under 100 MB
LIMIT_MIB = 1024
BAND = "Multi MAC Selection \u2013 Auto"  # a label with a non-ASCII dash, as on the real CPL


def cpl_cells(i: int, text: str = "", notes: str = "") -> list[str]:
    """A valid CPL row: 1,000 entries per device model, each upgradable from the one before;
    with `text`, every free-text cell is that text and unique to the row."""
    model, position = divmod(i, 1000)
    own = f" {i} {text}" if text else ""
    return [
        str(100_000 + i),
        "ESME",
        "1234",
        f"Northbridge Metering{own}",
        f"{model:04X}",
        f"Single Phase {model}{own}",
        "0001",
        f"{position + 1:08X}",
        f"{position // 100}.{position % 100}{own}",
        hashlib.sha256(str(i).encode()).hexdigest(),
        "active",
        str(100_000 + i - 1) if position else "N/A",
        f"Silicon Labs{own}",
        f"EmberZNet {position % 9}.{position % 7}{own}",
        BAND,
        "2025-07-01",
        f"notes of entry {i}{own}{notes}",
        "2025-08-01",
        f"release notes{own}",
        f"SMETS2 v5{own}",
        f"GBCS v4.{position % 3}{own}",
    ]


def csv_line(cells: list[str]) -> str:
    return ",".join(f'"{c}"' if "," in c else c for c in cells) + "\n"


def write_lines(path: Path, lines: Iterator[str], size: int = SIZE) -> Path:
    """Write lines until the file reaches `size` bytes (or the lines end)."""
    written = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        for line in lines:
            written += len(line.encode())
            if written > size:
                break
            f.write(line)
    return path


def header() -> str:
    return ",".join(CPL_ALL_COLUMNS) + "\n"


def valid_rows(path: Path, rows: int, text: str = "", notes: str = "") -> Path:
    lines = (csv_line(cpl_cells(i, text, notes)) for i in range(rows))
    return write_lines(path, itertools.chain([header()], lines))


def padded_rows(path: Path) -> Path:
    """200,000 valid rows with long notes: 99 MiB."""
    return valid_rows(path, 200_000, notes=" lorem ipsum dolor sit amet" * 8)


def typical_rows(path: Path) -> Path:
    """200,000 valid rows as the generated CPL has them (~50 MB): the row limit, imported."""
    return valid_rows(path, 200_000)


def text_heavy_rows(path: Path, rows: int = 121_000) -> Path:
    """Rows whose text takes the most memory a byte can (one emoji makes every character of a
    Python string four bytes; every text cell unique), as many as fit under the text limit."""
    return valid_rows(path, rows, "\U0001f525 dolor sit amet")


def text_heavy_file(path: Path) -> Path:
    """As many such rows as 99 MiB hold: over the text limit."""
    return text_heavy_rows(path, 200_000)


def tiny_rows(path: Path) -> Path:
    return write_lines(path, iter([header()] + ["x\n"] * (SIZE // 2)))


def giant_cell(path: Path) -> Path:
    """One quoted cell of 99 MiB, in short lines."""
    line = "a" * 79 + "\n"
    return write_lines(path, iter([header(), '"'] + [line] * (SIZE // 80)))


def wide_row(path: Path) -> Path:
    """One line of 99 MiB of empty cells."""
    with path.open("w") as f:
        f.write(header())
        f.write("," * (SIZE - 4096) + "\n")
    return path


def many_cells(path: Path) -> Path:
    """One record of 25 million quoted cells, each on its own short line."""
    return write_lines(path, iter([header()] + ['"\n",'] * (SIZE // 4)))


def deep_json(path: Path) -> Path:
    path.write_text('{"entries": [' + "[" * (SIZE - 64))
    return path


def empty_entries_json(path: Path) -> Path:
    count = SIZE // 3
    path.write_text('{"entries": [' + ",".join(["{}"] * count) + "]}")
    return path


def export_shaped_json(path: Path) -> Path:
    """The JSON export's shape, 99 MiB of entries (~120,000)."""
    columns = CPL_ALL_COLUMNS

    def entries() -> Iterator[str]:
        yield '{"schema": "firpath.cpl/1", "entries": [\n'
        for i in range(1_000_000):
            entry = dict(zip(columns, cpl_cells(i), strict=True))
            yield ("" if i == 0 else ",\n") + json.dumps(entry, indent=1, ensure_ascii=False)

    write_lines(path, entries(), SIZE - 16)
    with path.open("a") as f:
        f.write("\n]}\n")
    return path


def many_rows_xlsx(path: Path) -> Path:
    """A sheet of 1,000,000 rows of random text (40 MiB zipped, 170 MiB unpacked)."""
    random = os.urandom(SIZE // 2).hex()

    def rows() -> Iterator[str]:
        yield text_row(1, list(CPL_ALL_COLUMNS))
        for n in range(2, 1_000_002):
            at = (n * 48) % (len(random) - 48)
            yield text_row(n, [random[at : at + 24], random[at + 24 : at + 48]])

    return write_xlsx_parts(path, rows())


def huge_shared_strings_xlsx(path: Path) -> Path:
    """Shared strings of 99 MiB unpacked (5 million distinct strings)."""
    rows = [text_row(1, list(CPL_ALL_COLUMNS))]
    return write_xlsx_parts(path, rows, shared_strings=[f"{i:x}" for i in range(5_000_000)])


def many_parts_xlsx(path: Path) -> Path:
    """A zip of a million empty parts (zipfile alone would take ~600 MB to list them)."""
    rows = [text_row(1, list(CPL_ALL_COLUMNS))]
    write_xlsx_parts(path, rows)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as book:
        for n in range(1_000_000):
            book.writestr(f"x/{n}", b"")
    return path


def valid_xlsx(path: Path) -> Path:
    """40,000 valid rows as an XLSX sheet of inline strings."""
    rows = [text_row(1, list(CPL_ALL_COLUMNS))]
    rows += [text_row(n + 2, cpl_cells(n)) for n in range(40_000)]
    return write_xlsx_parts(path, rows)


# A child's peak memory counts the memory of the process it was forked from (Linux keeps
# the larger), so firpath is started from this small process, not from the test's.
_MEASURE = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss // 1024)
"""


def measured(args: list[str], tmp_path: Path) -> tuple[int, str, int]:
    """Run firpath; its exit code, standard error and peak resident memory in MiB."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-m", "firpath.cli.main", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    code, peak = done.stdout.split()
    return int(code), done.stderr, int(peak)


CASES: list[tuple[str, Callable[[Path], Path], str | None]] = [
    ("padded_rows.csv", padded_rows, None),
    ("typical_rows.csv", typical_rows, None),
    ("text_heavy_rows.csv", text_heavy_rows, None),
    ("text_heavy_file.csv", text_heavy_file, "more text than firpath imports at once"),
    ("tiny_rows.csv", tiny_rows, "more than 200,000 rows"),
    ("giant_cell.csv", giant_cell, "a cell is longer than 100,000 characters"),
    ("wide_row.csv", wide_row, "longer than 1,000,000 characters"),
    ("many_cells.csv", many_cells, "more than 200 columns"),
    ("deep.json", deep_json, "JSON nested too deeply"),
    ("empty_entries.json", empty_entries_json, "more than 200,000 rows"),
    ("export_shaped.json", export_shaped_json, None),
    ("many_rows.xlsx", many_rows_xlsx, "more than 200,000 rows"),
    ("huge_shared_strings.xlsx", huge_shared_strings_xlsx, "larger than 64 MB unpacked"),
    ("many_parts.xlsx", many_parts_xlsx, "more than 10,000 parts"),
    ("valid.xlsx", valid_xlsx, None),
]


@pytest.mark.parametrize(("name", "make", "refusal"), CASES, ids=[c[0] for c in CASES])
def test_a_hostile_file_is_refused_or_imported_within_1_gib(
    tmp_path: Path, name: str, make: Callable[[Path], Path], refusal: str | None
) -> None:
    path = make(tmp_path / name)
    size = path.stat().st_size
    assert size < 100 << 20
    db = f"sqlite:///{tmp_path / 'firpath.db'}"
    assert measured(["--db", db, "init"], tmp_path)[0] == 0
    runs = 1 if refusal else 2  # an import, then the same file again into a full database
    for run in range(runs):
        code, err, peak = measured(["--db", db, "import", str(path)], tmp_path)
        print(f"\n{name}: {size / 2**20:.0f} MiB, run {run + 1}, peak {peak} MiB, exit {code}")
        assert "Traceback" not in err and "internal error" not in err, err[-2000:]
        assert peak < LIMIT_MIB
        if refusal:
            assert code == 1 and refusal in err, err[-2000:]
        else:
            assert code == 0, err[-2000:]
