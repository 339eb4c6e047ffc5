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
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

logger = logging.getLogger("talentgraph.documents")

T = TypeVar("T")

CHANNEL = "talentgraph:documents"  # Redis channel of the topics that changed (name kept)
RETRY_SECONDS = 1.0

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


async def announce(*topics: str | uuid.UUID, redis_url: str | None = None) -> None:
    """Notify this process's subscribers and, through Redis, every other process's."""
    for topic in topics:
        publish(topic)
    if not redis_url:
        return
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        for topic in topics:
            await client.publish(CHANNEL, str(topic))
    except Exception:  # subscribers still re-read on their timer
        logger.warning("could not announce %s through Redis", topics, exc_info=True)
    finally:
        await client.aclose()


async def relay(redis_url: str) -> None:
    """Turn the channel's messages into local notifications until cancelled (reconnecting)."""
    from redis.asyncio import Redis

    while True:
        client = Redis.from_url(redis_url)
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(CHANNEL)
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        _relay_one(message.get("data"))
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.warning("document notifications from Redis interrupted", exc_info=True)
        finally:
            await client.aclose()
        await asyncio.sleep(RETRY_SECONDS)


def _relay_one(data: object) -> None:
    try:
        text = data.decode() if isinstance(data, bytes) else str(data)
    except UnicodeDecodeError:
        logger.warning("ignored a malformed notification: %r", data)
        return
    publish(text)
