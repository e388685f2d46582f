"""Writers take turns and readers see one state: real concurrent processes on SQLite and
PostgreSQL (issue 7, items 2 and 4)."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, inspect

from firpath.services.history import verify_audit
from firpath.services.import_cpl import import_cpl_file
from firpath.services.registry import export_cpl
from firpath.services.unit_of_work import read_transaction, write_transaction
from firpath.store import entries
from firpath.store.engine import open_engine
from firpath.store.schema_version import HEAD, stored_revision
from tests.integration.cpl_rows import row, write_cpl


def start(url: str, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, FIRPATH_ACTOR="writer")
    return subprocess.Popen(
        [sys.executable, "-m", "firpath.cli.main", "--db", url, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out + err


def assert_no_driver_errors(output: str) -> None:
    for needle in ("database is locked", "deadlock detected", "Traceback", "internal error"):
        assert needle not in output, output


def test_two_imports_whose_union_is_a_cycle_one_lands_the_other_is_refused(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    # twin builds of one version: either may name the other, but not both
    import_cpl_file(
        engine,
        write_cpl(tmp_path / "base.csv", [row("101", "01000000"), row("102", "01000000")]),
        actor="secas",
    )
    first = write_cpl(tmp_path / "a.csv", [row("101", "01000000", "102")])
    second = write_cpl(tmp_path / "b.csv", [row("102", "01000000", "101")])
    with write_transaction(engine):  # both start while another writer holds the lock
        procs = [
            start(database_url, "import", str(first)),
            start(database_url, "import", str(second)),
        ]
        time.sleep(1.5)
        assert all(p.poll() is None for p in procs), "a writer did not wait for the lock"
    results = [finish(p) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    refused = next(text for code, text in results if code == 1)
    assert "upgrade cycle" in refused and "101" in refused and "102" in refused
    assert_no_driver_errors(refused)
    assert verify_audit(engine).ok


def _variant(base: Path, out: Path, writer: int) -> Path:
    with base.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with out.open("w", newline="", encoding="utf-8") as f:
        writer_csv = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer_csv.writeheader()
        for r in rows:
            writer_csv.writerow(dict(r, notes=f"checked by writer {writer}"))
    return out


def test_four_full_imports_at_once_all_finish_and_the_chain_holds(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    base = tmp_path / "demo.csv"
    made = subprocess.run(
        [sys.executable, "-m", "firpath.cli.main", "demo", "--out", str(base)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    import_cpl_file(engine, base, actor="secas")
    files = [_variant(base, tmp_path / f"w{k}.csv", k) for k in range(4)]
    procs = [start(database_url, "import", str(f)) for f in files]
    results = [finish(p) for p in procs]
    for code, text in results:
        assert code == 0, text
        assert_no_driver_errors(text)
    check = verify_audit(engine)
    assert check.ok, check.problems
    with read_transaction(engine) as conn:
        notes = {e.notes for e in entries.load_all(conn).values()}
    assert len(notes) == 1 and notes.pop() in {f"checked by writer {k}" for k in range(4)}


def test_a_reader_sees_one_state_while_an_import_commits(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    rows = [row(str(100 + i), f"0100{i:04X}", "N/A" if i == 0 else str(99 + i)) for i in range(300)]
    import_cpl_file(engine, write_cpl(tmp_path / "a.csv", rows), actor="secas")
    changed = [dict(r, notes="after") for r in rows] + [row("999", "02000000", "399")]
    with read_transaction(engine) as conn:
        first = entries.load_all(conn)
        second = write_cpl(tmp_path / "b.csv", changed)
        done = subprocess.run(
            [sys.executable, "-m", "firpath.cli.main", "--db", database_url, "import", str(second)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr  # the reader did not block the writer
        again = entries.load_all(conn)
        edges_seen = entries.upgrade_to_ids(conn, "399")
    assert again == first and edges_seen == []
    with read_transaction(engine) as conn:
        assert entries.load_all(conn)["101"].notes == "after"
    assert b"after" in export_cpl(engine, "csv")


def test_concurrent_inits_all_succeed(database_url: str) -> None:
    procs = [start(database_url, "init") for _ in range(3)]
    results = [finish(p) for p in procs]
    for code, text in results:
        assert code == 0, text
        assert_no_driver_errors(text)
    engine = open_engine(database_url)
    try:
        with engine.connect() as conn:
            assert stored_revision(conn) == HEAD
    finally:
        engine.dispose()


def test_init_killed_at_any_moment_leaves_an_empty_or_complete_sqlite_database(
    tmp_path: Path,
) -> None:
    began = time.monotonic()
    timing = start(f"sqlite:///{tmp_path / 'timing.db'}", "init")
    assert finish(timing)[0] == 0
    whole = time.monotonic() - began  # kill from mid start-up to just before the end
    for attempt, share in enumerate((0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)):
        delay = whole * share
        url = f"sqlite:///{tmp_path / f'k{attempt}.db'}"
        proc = start(url, "init")
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        engine = open_engine(url)
        try:
            tables = set(inspect(engine).get_table_names())
            assert tables in (
                set(),
                {
                    "alembic_version",
                    "cpl_entries",
                    "upgrade_edges",
                    "manufacturers",
                    "change_batches",
                    "audit_log",
                    "users",
                    "user_manufacturers",
                    "credentials",
                    "submissions",
                    "counters",
                    "sign_in_failures",
                },
            ), tables
        finally:
            engine.dispose()
        repaired = subprocess.run(
            [sys.executable, "-m", "firpath.cli.main", "--db", url, "init"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert repaired.returncode == 0, repaired.stderr
