"""In-process notifications that a document changed, for `documentUpdated` subscriptions.

The parse runs on the embedded worker's event loop (another thread) while subscribers wait on
the API's loop, so delivery crosses threads with `call_soon_threadsafe`. A notification only
says "look again": subscribers re-read the row, so a lost or duplicated one does no harm, and
subscribers also re-read on a timer, which is what makes changes made by a separate worker
process (scale-out) arrive too.

With `REDIS_URL` set, `announce` also publishes the id on a Redis channel and every API process
runs `relay`, which turns those messages into local notifications: a separate worker's changes
then arrive at once instead of at the next timer tick.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress

logger = logging.getLogger("talentgraph.documents")

CHANNEL = "talentgraph:documents"  # Redis channel of document ids that changed
RETRY_SECONDS = 1.0

_lock = threading.Lock()
_subscribers: dict[uuid.UUID, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = defaultdict(
    set
)


@contextmanager
def listen(document_id: uuid.UUID) -> Iterator[asyncio.Event]:
    """An event set whenever `publish(document_id)` runs, in any thread, while inside."""
    entry = (asyncio.get_running_loop(), asyncio.Event())
    with _lock:
        _subscribers[document_id].add(entry)
    try:
        yield entry[1]
    finally:
        with _lock:
            _subscribers[document_id].discard(entry)
            if not _subscribers[document_id]:
                del _subscribers[document_id]


def publish(document_id: uuid.UUID) -> None:
    """Wake every listener of the document (call after the change is committed)."""
    with _lock:
        entries = list(_subscribers.get(document_id, ()))
    for loop, event in entries:
        with suppress(RuntimeError):  # the subscriber's loop closed meanwhile
            loop.call_soon_threadsafe(event.set)


def listeners(document_id: uuid.UUID) -> int:
    """How many subscriptions wait on the document (tests wait for theirs to start)."""
    with _lock:
        return len(_subscribers.get(document_id, ()))


async def announce(document_id: uuid.UUID, redis_url: str | None = None) -> None:
    """Notify this process's subscribers and, through Redis, every other process's."""
    publish(document_id)
    if not redis_url:
        return
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        await client.publish(CHANNEL, str(document_id))
    except Exception:  # subscribers still re-read on their timer
        logger.warning("could not announce document %s through Redis", document_id, exc_info=True)
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
        publish(uuid.UUID(text))
    except ValueError:
        logger.warning("ignored a malformed document notification: %r", data)
