"""Every answer names the worker process that gave it: `X-Firpath-Worker: PID`, so an operator
(or a test) can tell which of `firpath serve --workers N` answered and find it in the logs."""

from __future__ import annotations

import os
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

WORKER_HEADER: Final = "X-Firpath-Worker"
_NAME: Final = WORKER_HEADER.lower().encode("latin-1")


class WorkerHeader:
    """ASGI middleware adding the worker's process id to every HTTP response's headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_naming_worker(message: Message) -> None:
            if message["type"] == "http.response.start":
                # read per answer, not at start-up: a process manager may fork after building it
                pid = str(os.getpid()).encode("latin-1")
                message["headers"] = [*message.get("headers", ()), (_NAME, pid)]
            await send(message)

        await self.app(scope, receive, send_naming_worker)
