"""Web pages against the API answering the same question, on the same running server.

    .venv/bin/python benchmarks/web_pages.py [--seconds 10] [--connections 10] [--port 8788]

Builds the demo database in a temporary folder, adds a supplier account, starts `firpath
serve` (one worker) and signs in for a session cookie; then drives the server with wrk
(`scripts/install-bench-deps.sh` installs it) on loopback, each pair alternating twice so
drift hits both alike:
- the path finder page `/paths?firmware=ID` against `GET /api/v1/paths?from=ID` (a random
  demo entry per request; the page renders the form and the numbered steps),
- an entry page `/entries/ID` (fields, history, the model's upgrade graph as SVG) against
  `GET /api/v1/entries/ID`,
- the entries table `/entries` (facets, first page of 25) against `GET /api/v1/entries`
  (first page of 25).
Prints requests per second, p50 and p99 latency, errors, and each page's share of its API's
rate. The goal (issue 10): a person never waits — every page p99 < 250 ms at 10 connections,
no errors.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

import httpx
from api_load import Run, entry_ids, firpath, serve, wrk

GOAL_P99_MS = 250.0

_LUA = """
local ids = {%(ids)s}
local cookie = "%(cookie)s"
math.randomseed(231)
request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", string.format("%(path)s", id), {["Cookie"] = cookie})
end
"""
_PLAIN_LUA = """
wrk.headers["Cookie"] = "%(cookie)s"
"""

PAIRS = (
    ("paths page", "/paths?firmware=%s", "paths API", "/api/v1/paths?from=%s&to=latest"),
    ("entry page", "/entries/%s", "entry API", "/api/v1/entries/%s"),
    ("entries page", "", "entries API", ""),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--port", type=int, default=8788)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run scripts/install-bench-deps.sh")
    runs: dict[str, list[Run]] = {}
    with tempfile.TemporaryDirectory() as folder:
        db = f"sqlite:///{Path(folder) / 'demo.db'}"
        firpath(db, "demo")
        email, password = "bench-supplier@example.org", "bench-password-1"
        firpath(db, "users", "add", email, "--role", "supplier", stdin=f"{password}\n")
        server, base = serve(db, Path(folder), args.port)
        try:
            client = httpx.Client(base_url=base, timeout=60)
            signed = client.post("/api/v1/session", json={"email": email, "password": password})
            signed.raise_for_status()
            cookie = f"firpath_session={client.cookies['firpath_session']}"
            ids = entry_ids(client)
            # a page answering 303 (to /login) would not count as an error in wrk: check first
            for _, page_path, _, api_path in PAIRS:
                for path in (
                    page_path % ids[0] if page_path else "/entries",
                    api_path % ids[0] if api_path else "/api/v1/entries?per_page=25",
                ):
                    answer = client.get(path)
                    if answer.status_code != 200:
                        raise SystemExit(f"{path} answered {answer.status_code}, not 200")
            scripts: dict[str, Path] = {}
            for page_name, page_path, api_name, api_path in PAIRS:
                for name, path in ((page_name, page_path), (api_name, api_path)):
                    script = Path(folder) / f"{name.replace(' ', '-')}.lua"
                    text = (
                        _LUA
                        % {"ids": ",".join(f'"{i}"' for i in ids), "cookie": cookie, "path": path}
                        if path
                        else _PLAIN_LUA % {"cookie": cookie}
                    )
                    script.write_text(text)
                    scripts[name] = script
            urls = {
                "entries page": f"{base}/entries",
                "entries API": f"{base}/api/v1/entries?per_page=25",
            }
            for name, script in scripts.items():  # warm-up: catalogue, graphs, facets
                wrk("warm-up", urls.get(name, base), 2, args.connections, script)
            for _ in range(2):
                for name, script in scripts.items():
                    got_run = wrk(
                        name, urls.get(name, base), args.seconds, args.connections, script
                    )
                    runs.setdefault(name, []).append(got_run)
        finally:
            server.send_signal(2)
            server.wait(30)
    print(
        f"{len(ids)} demo entries; {args.connections} connections, one worker, "
        f"{args.seconds} s per run, 2 runs each (medians; p99: the worse run)"
    )
    print(f"{'what':<14} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'of API':>7}")
    rates = {name: statistics.median(r.rps for r in got) for name, got in runs.items()}
    for page_name, _, api_name, _ in PAIRS:
        for name in (page_name, api_name):
            got = runs[name]
            share = f"{rates[name] / rates[api_name]:.0%}" if name == page_name else ""
            print(
                f"{name:<14} {rates[name]:>8.0f} "
                f"{statistics.median(r.p50_ms for r in got):>8.2f} "
                f"{max(r.p99_ms for r in got):>8.2f} {sum(r.errors for r in got):>7} {share:>7}"
            )
    worst = max(max(r.p99_ms for r in runs[p]) for p, *_ in PAIRS)
    errors = sum(r.errors for p, *_ in PAIRS for r in runs[p])
    print(f"worst page p99 {worst:.1f} ms (goal < {GOAL_P99_MS:.0f} ms); errors {errors} (goal 0)")


if __name__ == "__main__":
    main()
