"""API throughput: `GET /api/v1/paths` against `GET /healthz` on the same running server.

    .venv/bin/python benchmarks/api_load.py [--seconds 10] [--connections 50] [--workers 1]
                                            [--db sqlite|postgresql URL]

Builds the demo database (SQLite in a temporary folder unless --db gives a PostgreSQL URL of
an empty database), adds a supplier account and a bearer token, starts `firpath serve`, and
drives it with wrk (a C load generator, Debian package `wrk`; `scripts/install-bench-deps.sh`)
on loopback: first /healthz (a bare FastAPI endpoint, the floor), then /api/v1/paths with a
random source from the demo CPL and `to=latest` on every request, each for --seconds at
--connections concurrent connections, alternating twice so drift hits both alike. Prints
requests per second, p50 and p99 latency and errors; the goal (issue 9): paths >= 70 % of
healthz throughput, p99 < 20 ms, zero errors.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

GOAL_RATIO = 0.70
GOAL_P99_MS = 20.0

_LUA = """
local sources = {%(sources)s}
local token = "%(token)s"
math.randomseed(231)
request = function()
  local source = sources[math.random(#sources)]
  return wrk.format("GET", "/api/v1/paths?from=" .. source .. "&to=latest",
    {["Authorization"] = "Bearer " .. token})
end
"""


@dataclass
class Run:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if found is None:
        raise SystemExit(f"wrk printed a latency I cannot read: {text!r}")
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[found[2]]


def wrk(name: str, url: str, seconds: int, connections: int, script: Path | None) -> Run:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script is not None:
        command[1:1] = ["-s", str(script)]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", text).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", text).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
    errors = 0
    found = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if found:
        errors += int(found.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    if sockets:
        errors += sum(int(x) for x in sockets.groups())
    return Run(name, rps, p50, p99, errors, requests)


def firpath(db: str, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "firpath.cli.main", "--db", db, *args],
        input=stdin,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"firpath {' '.join(args)} failed: {done.stderr[:500]}")
    return done.stdout


def serve(db: str, folder: Path, port: int, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """`firpath serve` on `db` at `port`, once /healthz answers; the process and its URL."""
    log = folder / "serve.log"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "firpath.cli.main",
            "--db",
            db,
            "serve",
            "--port",
            str(port),
            *extra,
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.1)
    server.send_signal(2)
    raise SystemExit(f"server did not start: {log.read_text()[:500]}")


def entry_ids(client: httpx.Client) -> list[str]:
    """Every CPL Entry ID the signed-in `client` can list."""
    ids: list[str] = []
    page = 1
    while True:
        got = client.get("/api/v1/entries", params={"per_page": 1000, "page": page}).json()
        ids += [e["cpl_entry_id"] for e in got["entries"]]
        if page >= got["pages"]:
            return ids
        page += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--db", default=None, help="an empty PostgreSQL database URL")
    parser.add_argument("--port", type=int, default=8787)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run scripts/install-bench-deps.sh")
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or f"sqlite:///{Path(folder) / 'demo.db'}"
        firpath(db, "demo")
        email = "bench-supplier@example.org"
        firpath(db, "users", "add", email, "--role", "supplier", stdin="bench-password-1\n")
        token = json.loads(firpath(db, "tokens", "create", email, "--json"))["token"]
        server, base = serve(db, Path(folder), args.port, "--workers", str(args.workers))
        try:
            headers = {"Authorization": f"Bearer {token}"}
            sources = entry_ids(httpx.Client(base_url=base, headers=headers, timeout=60))
            script = Path(folder) / "paths.lua"
            script.write_text(
                _LUA % {"sources": ",".join(f'"{s}"' for s in sources), "token": token}
            )
            # warm-up: every worker loads its catalogue and graphs
            wrk("warm-up", f"{base}/api/v1/paths", 2, args.connections, script)
            runs: dict[str, list[Run]] = {"healthz": [], "paths": []}
            for _ in range(2):
                runs["healthz"].append(
                    wrk("healthz", f"{base}/healthz", args.seconds, args.connections, None)
                )
                runs["paths"].append(
                    wrk("paths", f"{base}/api/v1/paths", args.seconds, args.connections, script)
                )
        finally:
            server.send_signal(2)
            server.wait(30)
    print(
        f"{len(sources)} demo entries as sources; {args.connections} connections, "
        f"{args.workers} worker(s), {args.seconds} s per run, 2 runs each (medians)"
    )
    print(f"{'endpoint':<10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    medians: dict[str, float] = {}
    for name, got in runs.items():
        rps = statistics.median(r.rps for r in got)
        medians[name] = rps
        p50 = statistics.median(r.p50_ms for r in got)
        p99 = max(r.p99_ms for r in got)
        errors = sum(r.errors for r in got)
        print(f"{name:<10} {rps:>9.0f} {p50:>8.2f} {p99:>8.2f} {errors:>7}")
    ratio = medians["paths"] / medians["healthz"]
    worst_p99 = max(r.p99_ms for r in runs["paths"])
    errors = sum(r.errors for r in runs["paths"])
    print(
        f"paths / healthz = {ratio:.0%} (goal >= {GOAL_RATIO:.0%}); paths p99 {worst_p99:.2f} ms "
        f"(goal < {GOAL_P99_MS:.0f} ms); errors {errors} (goal 0)"
    )


if __name__ == "__main__":
    main()
