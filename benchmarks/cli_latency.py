"""Command-line start-up: whole `firpath` processes against `python -c pass`, in one run.

    .venv/bin/python benchmarks/cli_latency.py [--runs 15]

Builds the demo database in a temporary folder, then times, alternating so drift hits all
alike: `python -c pass` (the floor of any Python process), `firpath --version`,
`firpath path ID latest` and `firpath entries --limit 20`. Prints medians, and each command's
median minus the floor. Goals (issue 8): `--version` < 0.25 s, `path` < 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOALS = {"firpath --version": 0.25, "firpath path ID latest": 0.5}


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 3, 4):
        raise SystemExit(f"{command} failed: {done.stderr.decode()[:300]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    firpath = [sys.executable, "-m", "firpath.cli.main"]
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "demo.db")
        env = dict(os.environ, FIRPATH_DATABASE_URL=f"sqlite:///{db}", COLUMNS="100")
        subprocess.run([*firpath, "demo"], env=env, check=True, capture_output=True)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "firpath --version": [*firpath, "--version"],
            "firpath path ID latest": [*firpath, "path", "10039", "latest"],
            "firpath entries --limit 20": [*firpath, "entries", "--limit", "20"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for command in commands.values():  # warm-up: page cache, .pyc files
            timed(command, env)
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(command, env))
    floor = statistics.median(times["python -c pass"])
    print(f"{'command':32} {'median s':>9} {'min s':>7} {'- floor':>8}  goal")
    for name, values in times.items():
        median = statistics.median(values)
        goal = GOALS.get(name)
        verdict = "" if goal is None else f"< {goal} s: {'met' if median < goal else 'NOT met'}"
        print(f"{name:32} {median:9.3f} {min(values):7.3f} {median - floor:8.3f}  {verdict}")
    print(f"runs: {args.runs} each, alternating; cpu count {os.cpu_count()}")


if __name__ == "__main__":
    main()
