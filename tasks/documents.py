"""The CV parse actor: thin and id-only; the work is `resolvers.documents.process`.

The document's state lives in its row, so a redelivered or retried message either finds the
document finished (and does nothing) or parses it again from the stored file.
"""

from __future__ import annotations

import uuid

import dramatiq

from resolvers.documents.process import process_document
from tasks import runtime
from tasks.broker import current_request_id  # also sets the global broker, before the actor
from tasks.names import PARSE_DOCUMENT


@dramatiq.actor(
    actor_name=PARSE_DOCUMENT.actor,
    queue_name=PARSE_DOCUMENT.queue,
    # three deliveries in all, as `process.MAX_ATTEMPTS` counts them; the last one that fails
    # marks the document FAILED instead of raising
    max_retries=2,
    min_backoff=500,
    max_backoff=30_000,
    # the sandbox stops a parse after 15 s; this bounds storage and database trouble, far
    # under RabbitMQ's 30-minute consumer timeout
    time_limit=5 * 60 * 1000,
)
async def parse_document(document_id: str) -> None:
    await process_document(
        runtime.session_factory(),
        runtime.storage(),
        uuid.UUID(document_id),
        runtime.cv_limits(),
        request_id=current_request_id.get(),
        redis_url=runtime.get_settings().redis_url,
    )
