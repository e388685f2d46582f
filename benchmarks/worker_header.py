"""What the `X-Firpath-Worker` header costs: GET /healthz through the whole app, with the
header middleware and without it, called in process (no sockets, so no network noise); and
the middleware alone, around an app that answers at once.

    .venv/bin/python benchmarks/worker_header.py [--rounds 15] [--requests 5000]

Builds the demo database in a temporary folder, then alternates rounds of each app so drift
hits both alike; prints the median microseconds per request of each and the difference.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message

from firpath.api.app import create_app
from firpath.api.worker_header import WorkerHeader
from firpath.services.demo import load_demo
from firpath.store.engine import open_engine

SCOPE: dict[str, Any] = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "GET",
    "scheme": "http",
    "path": "/healthz",
    "raw_path": b"/healthz",
    "query_string": b"",
    "root_path": "",
    "headers": [(b"host", b"localhost")],
    "client": ("127.0.0.1", 50000),
    "server": ("127.0.0.1", 8000),
}


async def receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def per_request(app: ASGIApp, requests: int) -> float:
    """Microseconds per GET /healthz through `app`."""

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise SystemExit(f"/healthz answered {message['status']}")

    start = time.perf_counter()
    for _ in range(requests):
        await app(dict(SCOPE), receive, send)
    return (time.perf_counter() - start) / requests * 1e6


async def bare(scope: Any, receive: Any, send: Any) -> None:
    """An app that answers at once: what is left is the middleware's own cost."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def compare(rounds: int, requests: int, folder: str) -> None:
    engine = open_engine(f"sqlite:///{Path(folder) / 'demo.db'}")
    load_demo(engine, actor="benchmark")
    with_header = create_app(engine)
    without = create_app(engine)
    header: Any = WorkerHeader
    without.user_middleware = [m for m in without.user_middleware if m.cls is not header]
    apps: dict[str, ASGIApp] = {
        "app with header": with_header,
        "app without": without,
        "bare with header": WorkerHeader(bare),
        "bare without": bare,
    }
    timings: dict[str, list[float]] = {name: [] for name in apps}
    for app in apps.values():
        await per_request(app, requests // 5)  # warm up
    for _ in range(rounds):
        for name, app in apps.items():
            timings[name].append(await per_request(app, requests))
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, value in medians.items():
        print(f"{name:<17} {value:8.2f} µs per request")
    for kind in ("app", "bare"):
        extra = medians[f"{kind} with header"] - medians[f"{kind} without"]
        print(f"{kind}: the header costs {extra:+.2f} µs per request")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(compare(args.rounds, args.requests, folder))


if __name__ == "__main__":
    main()
