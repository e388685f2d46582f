"""Import speed: firpath's CPL import against raw sqlite3 executemany of the same rows.

    .venv/bin/python benchmarks/import_cpl.py [--entries 100000] [--repeat 3]

Both runs go into a fresh SQLite database with firpath's schema (WAL mode), in the same
process. The baseline inserts the already-prepared rows of `cpl_entries` and
`upgrade_edges` with `executemany` and commits; firpath reads the CSV file, parses and
validates every row and rule, writes entries, edges and the audit log in one transaction.
Prints entries per second for both and the ratio (goal: import <= 3x baseline, < 10 s).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from firpath.io.cpl_file import render_cpl
from firpath.samples.catalogue import demo_catalogue
from firpath.services.database import initialise
from firpath.services.import_cpl import import_cpl_file
from firpath.store.engine import open_engine
from firpath.store.entry_rows import SCALAR_COLUMNS, edge_rows, entry_values


def fresh_database(folder: Path, name: str) -> Path:
    path = folder / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = open_engine(f"sqlite:///{path}")
    initialise(engine)
    engine.dispose()
    return path


def baseline(
    db: Path, entry_rows: list[tuple[object, ...]], edges: list[tuple[object, ...]]
) -> float:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    columns = ", ".join(SCALAR_COLUMNS)
    marks = ", ".join("?" for _ in SCALAR_COLUMNS)
    start = time.perf_counter()
    conn.executemany(f"INSERT INTO cpl_entries ({columns}) VALUES ({marks})", entry_rows)
    conn.executemany(
        "INSERT INTO upgrade_edges (cpl_entry_id, from_entry_id, position) VALUES (?, ?, ?)", edges
    )
    conn.commit()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def firpath_import(db: Path, csv_path: Path) -> float:
    engine = open_engine(f"sqlite:///{db}")
    start = time.perf_counter()
    report = import_cpl_file(engine, csv_path, actor="benchmark")
    elapsed = time.perf_counter() - start
    engine.dispose()
    assert report.created > 0
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    console = Console()
    catalogue = demo_catalogue(args.entries, seed=2026)
    n = len(catalogue.entries)
    prepared = [
        tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in entry_values(e))
        for e in catalogue.entries
    ]
    edges: list[tuple[object, ...]] = list(edge_rows(catalogue.entries))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = folder / "cpl.csv"
        csv_path.write_bytes(render_cpl(catalogue.entries, "csv"))
        base_times, import_times = [], []
        for _ in range(args.repeat):
            base_times.append(baseline(fresh_database(folder, "base"), prepared, edges))
            import_times.append(firpath_import(fresh_database(folder, "firpath"), csv_path))
        base, imp = statistics.median(base_times), statistics.median(import_times)
    table = Table(
        title=f"CPL import, {n:,} entries, {len(edges):,} upgrade edges (median of {args.repeat})"
    )
    table.add_column("run")
    table.add_column("seconds", justify="right")
    table.add_column("entries/s", justify="right")
    table.add_row("raw sqlite3 executemany (baseline)", f"{base:.2f}", f"{n / base:,.0f}")
    table.add_row("firpath import (CSV, all rules)", f"{imp:.2f}", f"{n / imp:,.0f}")
    console.print(table)
    ratio = imp / base
    console.print(
        f"ratio import / baseline: [bold]{ratio:.2f}x[/] (goal <= 3.0x); "
        f"import {imp:.2f} s (goal < 10 s); cpu count {os.cpu_count()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
