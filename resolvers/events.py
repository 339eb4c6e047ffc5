"""In-process notifications that something changed, for subscriptions (`documentUpdated`,
`evaluationUpdated`, `jobEvaluationsUpdated`).

A topic is a string naming what changed: a document's id, `evaluation:<id>`,
`job-evaluations:<job id>`. The work runs on the embedded worker's event loop (another thread)
while subscribers wait on the API's loop, so delivery crosses threads with
`call_soon_threadsafe`. A notification only says "look again": subscribers re-read the row,
so a lost or duplicated one does no harm, and subscribers also re-read on a timer, which is
what makes changes made by a separate worker process (scale-out) arrive too.

With `REDIS_URL` set, `announce` also publishes the topic on a Redis channel and every API process
runs `relay`, which turns those messages into local notifications: a separate worker's changes
then arrive at once instead of at the next timer tick.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

logger = logging.getLogger("talentgraph.documents")

T = TypeVar("T")

CHANNEL = "talentgraph:documents"  # Redis channel of the topics that changed (name kept)
RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 15.0
CONNECT_TIMEOUT_SECONDS = 1.0
ANNOUNCE_RETRY_SECONDS = 5.0

_lock = threading.Lock()
_subscribers: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = defaultdict(set)


def evaluation_topic(evaluation_id: uuid.UUID) -> str:
    return f"evaluation:{evaluation_id}"


def job_evaluations_topic(job_id: uuid.UUID) -> str:
    return f"job-evaluations:{job_id}"


@contextmanager
def listen(topic: str | uuid.UUID) -> Iterator[asyncio.Event]:
    """An event set whenever `publish(topic)` runs, in any thread, while inside (a document's
    topic is its id)."""
    key = str(topic)
    entry = (asyncio.get_running_loop(), asyncio.Event())
    with _lock:
        _subscribers[key].add(entry)
    try:
        yield entry[1]
    finally:
        with _lock:
            _subscribers[key].discard(entry)
            if not _subscribers[key]:
                del _subscribers[key]


def publish(topic: str | uuid.UUID) -> None:
    """Wake every listener of the topic (call after the change is committed)."""
    with _lock:
        entries = list(_subscribers.get(str(topic), ()))
    for loop, event in entries:
        with suppress(RuntimeError):  # the subscriber's loop closed meanwhile
            loop.call_soon_threadsafe(event.set)


def listeners(topic: str | uuid.UUID) -> int:
    """How many subscriptions wait on the topic (tests wait for theirs to start)."""
    with _lock:
        return len(_subscribers.get(str(topic), ()))


async def wait(changed: asyncio.Event, seconds: float) -> None:
    """Until a notification or `seconds`, whichever comes first; then clear the event."""
    try:
        await asyncio.wait_for(changed.wait(), seconds)
    except TimeoutError:
        pass
    changed.clear()


async def follow(
    changed: asyncio.Event,
    row: T | None,
    read: Callable[[], Awaitable[T | None]],
    finished: Callable[[T], bool],
    poll_seconds: float,
) -> AsyncIterator[T]:
    """`row` and each changed state of it (status or `updated_at`), re-read on every
    notification and every `poll_seconds`, until `finished(row)` or the row is gone.

    Call it inside `listen(topic)` entered before `row` was read, so no change is missed.
    """
    seen: tuple[Any, Any] | None = None
    while row is not None:
        state = (getattr(row, "status", None), getattr(row, "updated_at", None))
        if state != seen:
            seen = state
            yield row
        if finished(row):
            return
        await wait(changed, poll_seconds)
        row = await read()


def _client(redis_url: str) -> Any:
    from redis.asyncio import Redis

    return Redis.from_url(
        redis_url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS, health_check_interval=30
    )


class _Outage:
    """One warning when Redis stops answering, one when it answers again (not one per try)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.down = False
        self.retry_at = 0.0  # monotonic; while down, announcing skips Redis until then

    def skip(self) -> bool:
        return self.down and time.monotonic() < self.retry_at

    def failed(self, exc: BaseException) -> None:
        self.retry_at = time.monotonic() + ANNOUNCE_RETRY_SECONDS
        if self.down:
            logger.debug("%s still unavailable: %s", self.what, exc)
            return
        self.down = True
        logger.warning(
            "%s unavailable (%s: %s); subscribers re-read on their timer until Redis is back",
            self.what,
            type(exc).__name__,
            exc,
        )

    def succeeded(self) -> None:
        if self.down:
            self.down = False
            logger.warning("%s available again", self.what)


_announcing: dict[str, _Outage] = {}  # by Redis URL


async def announce(*topics: str | uuid.UUID, redis_url: str | None = None) -> None:
    """Notify this process's subscribers and, through Redis, every other process's."""
    for topic in topics:
        publish(topic)
    if not redis_url:
        return
    outage = _announcing.setdefault(redis_url, _Outage("document notifications to Redis"))
    if outage.skip():
        return  # during an outage, one try per ANNOUNCE_RETRY_SECONDS, not a timeout per job
    client = _client(redis_url)
    try:
        for topic in topics:
            await client.publish(CHANNEL, str(topic))
    except Exception as exc:  # subscribers still re-read on their timer
        outage.failed(exc)
    else:
        outage.succeeded()
    finally:
        await client.aclose()


async def relay(redis_url: str) -> None:
    """Turn the channel's messages into local notifications until cancelled.

    Survives Redis outages: it reconnects with a growing pause (up to `MAX_RETRY_SECONDS`) and
    logs once per outage; meanwhile subscribers re-read on their timer.
    """
    outage = _Outage("document notifications from Redis")
    pause = RETRY_SECONDS
    while True:
        client = _client(redis_url)
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(CHANNEL)
                outage.succeeded()
                pause = RETRY_SECONDS
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        _relay_one(message.get("data"))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            outage.failed(exc)
        finally:
            await client.aclose()
        await asyncio.sleep(pause)
        pause = min(pause * 2, MAX_RETRY_SECONDS)


def _relay_one(data: object) -> None:
    try:
        text = data.decode() if isinstance(data, bytes) else str(data)
    except UnicodeDecodeError:
        logger.warning("ignored a malformed notification: %r", data)
        return
    publish(text)
