"""The server under test: the demo registry with one account (and token) per role, served
in process (FastAPI's TestClient on the real database) or by a real `firpath serve`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from firpath.api.app import create_app
from firpath.services.accounts import create_token
from firpath.services.demo import DEMO_PASSWORDS, add_demo_users, load_demo

ROLES = tuple(DEMO_PASSWORDS)


@dataclass
class DemoRegistry:
    """A database with the demo CPL, one account per role and a bearer token for each."""

    engine: Engine
    url: str
    tokens: dict[str, str]
    emails: dict[str, str]
    passwords: dict[str, str] = field(default_factory=lambda: dict(DEMO_PASSWORDS))

    def headers(self, role: str) -> dict[str, str]:
        """Authorization headers of the role's token."""
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def demo_registry(engine: Engine, url: str) -> DemoRegistry:
    """Load the demo CPL and accounts into an empty initialised database."""
    load_demo(engine, actor="test")
    made = add_demo_users(engine)
    emails = {role: email for email, role, _ in made}
    tokens = {role: create_token(engine, email).token for role, email in emails.items()}
    return DemoRegistry(engine, url, tokens, emails)


@contextmanager
def in_process(registry: DemoRegistry) -> Iterator[TestClient]:
    """The app over the registry's database, called in process (no sockets)."""
    with TestClient(create_app(registry.engine), raise_server_exceptions=False) as client:
        yield client


def free_port() -> int:
    """A TCP port nobody listens on (now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningServer:
    """A `firpath serve` process."""

    base_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, headers: dict[str, str] | None = None) -> httpx.Client:
        """An HTTP client of this server."""
        return httpx.Client(base_url=self.base_url, headers=headers or {}, timeout=60)

    def stop(self) -> str:
        """Stop the server (Ctrl-C) and return what it logged."""
        if self.process.poll() is None:
            self.process.send_signal(2)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text(errors="replace")


def start_server(
    db_url: str, folder: Path, *, workers: int = 1, extra: tuple[str, ...] = ()
) -> RunningServer:
    """Start `firpath serve` on a free port and wait until /healthz answers."""
    port = free_port()
    log = folder / f"serve-{port}.log"
    command = [
        sys.executable,
        "-m",
        "firpath.cli.main",
        "--db",
        db_url,
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        *extra,
    ]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
    server = RunningServer(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"firpath serve exited: {log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"firpath serve did not start: {log.read_text(errors='replace')}")
