"""A bound on the requests of one keep-alive connection (nginx's `keepalive_requests`).

Each API process listens on its own SO_REUSEPORT socket and the kernel places every new
connection on one of them by a hash. A keep-alive connection then stays where it landed: a
client (or a proxy) holding a few long-lived connections can pin all of its load on one
process while the others idle, for as long as the connections live. Answering the Nth request
of a connection with `Connection: close` makes the client open a fresh one, which the kernel
places anew, so load spreads over the processes over time. Costs one TCP handshake per N
requests.
"""

from __future__ import annotations

from collections import OrderedDict

from starlette.types import ASGIApp, Message, Receive, Scope, Send

TRACKED = 4096  # connections counted at once; the oldest entries go first (long closed)


class KeepAliveLimit:
    def __init__(self, app: ASGIApp, max_requests: int) -> None:
        self.app = app
        self.max_requests = max_requests
        self.counts: OrderedDict[tuple[str, int], int] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if (
            scope["type"] != "http"
            or self.max_requests <= 0
            or client is None
            or scope.get("http_version") != "1.1"
        ):
            await self.app(scope, receive, send)
            return
        peer = (client[0], client[1])
        count = self.counts.pop(peer, 0) + 1
        if count < self.max_requests:
            self.counts[peer] = count
            while len(self.counts) > TRACKED:
                self.counts.popitem(last=False)
            await self.app(scope, receive, send)
            return

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"connection"]
                message["headers"] = [*headers, (b"connection", b"close")]
            await send(message)

        await self.app(scope, receive, closing)
