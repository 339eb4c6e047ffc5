"""In-process notifications that a document changed, for `documentUpdated` subscriptions.

The parse runs on the embedded worker's event loop (another thread) while subscribers wait on
the API's loop, so delivery crosses threads with `call_soon_threadsafe`. A notification only
says "look again": subscribers re-read the row, so a lost or duplicated one does no harm, and
subscribers also re-read on a timer, which is what makes changes made by a separate worker
process (scale-out) arrive too.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress

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
