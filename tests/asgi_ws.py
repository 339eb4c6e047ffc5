"""A WebSocket client that talks ASGI to the app in the test's own event loop.

Starlette's TestClient runs the app on another loop in another thread, which the database
engines of the tests cannot share; this drives the same app the HTTP tests use.
"""

from __future__ import annotations

import asyncio
import json
from types import TracebackType
from typing import Any


class WebSocketClosed(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"closed with {code}: {reason}")
        self.code = code


class WebSocketClient:
    def __init__(self, app: Any, path: str = "/graphql", subprotocol: str = "graphql-transport-ws"):
        self.app = app
        self.scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": "ws",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [
                (b"host", b"testserver"),
                (b"sec-websocket-protocol", subprotocol.encode()),
            ],
            "subprotocols": [subprotocol],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        self.to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> WebSocketClient:
        self.task = asyncio.create_task(self.app(self.scope, self.to_app.get, self.from_app.put))
        await self.to_app.put({"type": "websocket.connect"})
        message = await asyncio.wait_for(self.from_app.get(), 10)
        if message["type"] != "websocket.accept":
            raise WebSocketClosed(message.get("code", 0), message.get("reason", ""))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.to_app.put({"type": "websocket.disconnect", "code": 1000})
        assert self.task is not None
        try:
            await asyncio.wait_for(self.task, 10)
        except (asyncio.CancelledError, TimeoutError):
            self.task.cancel()

    async def send_json(self, data: dict[str, Any]) -> None:
        await self.to_app.put({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json(self, wait_seconds: float = 15) -> dict[str, Any]:
        message = await asyncio.wait_for(self.from_app.get(), wait_seconds)
        if message["type"] == "websocket.close":
            raise WebSocketClosed(message.get("code", 1000), message.get("reason", ""))
        text = message.get("text") or message.get("bytes", b"").decode()
        return dict(json.loads(text))
