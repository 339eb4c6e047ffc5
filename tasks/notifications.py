"""The notification delivery actor: thin and id-only; the work is
`resolvers.notifications.deliver`. A delivery's state lives in its row, so a redelivered or
retried message finds it SENT (and does nothing) or sends it again with the same Message-ID."""

from __future__ import annotations

import uuid

import dramatiq

from resolvers.notifications.deliver import deliver
from tasks import runtime
from tasks.broker import current_request_id  # noqa: F401 - sets the global broker first
from tasks.names import SEND_NOTIFICATIONS


@dramatiq.actor(
    actor_name=SEND_NOTIFICATIONS.actor,
    queue_name=SEND_NOTIFICATIONS.queue,
    # `deliver.MAX_ATTEMPTS` counts the attempts of each row; the scheduler resends rows that
    # are still PENDING after the retries
    max_retries=4,
    min_backoff=5_000,
    max_backoff=300_000,
    # up to 50 emails, each bounded by the 30 s SMTP timeout
    time_limit=10 * 60 * 1000,
)
async def send_notifications(*delivery_ids: str) -> None:
    await deliver(
        runtime.session_factory(), runtime.get_settings(), [uuid.UUID(i) for i in delivery_ids]
    )
