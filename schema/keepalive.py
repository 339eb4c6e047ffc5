"""When a keep-alive connection is closed: after its request bound (nginx's
`keepalive_requests`), or when its process holds more than its share of the group's
connections.

Each API process listens on its own SO_REUSEPORT socket and the kernel places every new
connection on one of them by a hash. A keep-alive connection then stays where it landed: a
client (or a proxy) holding a few long-lived connections can pin all of its load on one
process while the others idle, for as long as the connections live. Answering the Nth request
of a connection with `Connection: close` makes the client open a fresh one, which the kernel
places anew, so load spreads over the processes over time. Costs one TCP handshake per N
requests.

The bound alone evens load out only over many requests: four busy connections split 3 and 1
stay so until they reach it, and meanwhile three wait on one process while the other has time
to spare. So the processes of a group also publish how many connections each holds
(`ConnectionShares`, in memory shared by `server.serve`), and a process holding more than an
even share (rounded up) closes a connection after its current response; the client's new
connection is placed anew by the kernel, until the shares are even.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Collection, MutableSequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

TRACKED = 4096  # connections counted at once; the oldest entries go first (long closed)
SHED_INTERVAL = 0.1  # seconds between two connections a process hands back


class ConnectionShares:
    """This process's live connections (uvicorn's own set of them), published in its slot of
    an array shared by the group's processes."""

    def __init__(self, live: Collection[object], slots: MutableSequence[int], index: int) -> None:
        self.live = live
        self.slots = slots
        self.index = index
        self.last_shed = 0.0

    def over_share(self) -> bool:
        """Whether this process holds more connections than an even share of the group's,
        rounded up (so an odd one out stays where it is), and has not handed one back in
        the last `SHED_INTERVAL`: the counts of the others change only when they next serve,
        and a closed connection leaves the count a moment later, so handing back at every
        request would close more than needed."""
        mine = len(self.live)
        slots = self.slots
        slots[self.index] = mine
        workers = len(slots)
        if mine * workers <= sum(slots) + workers - 1:
            return False
        now = time.monotonic()
        if now - self.last_shed < SHED_INTERVAL:
            return False
        self.last_shed = now
        return True


# this process's shares when it serves in a group (set by `server._serve_one`)
SHARES: ConnectionShares | None = None


class KeepAliveLimit:
    def __init__(self, app: ASGIApp, max_requests: int) -> None:
        self.app = app
        self.max_requests = max_requests
        self.counts: OrderedDict[tuple[str, int], int] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if (
            scope["type"] != "http"
            or (self.max_requests <= 0 and SHARES is None)
            or client is None
            or scope.get("http_version") != "1.1"
        ):
            await self.app(scope, receive, send)
            return
        peer = (client[0], client[1])
        count = self.counts.pop(peer, 0) + 1
        bounded = 0 < self.max_requests <= count
        if not bounded and (SHARES is None or not SHARES.over_share()):
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
