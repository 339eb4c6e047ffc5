"""The import-job actor: thin and id-only; the work is `resolvers.upserts.jobs.run_import`.

The job's state lives in the database (its rows carry their results), so a redelivered or
retried message resumes where the job stopped and never writes an item twice.
"""

from __future__ import annotations

import uuid

import dramatiq

from resolvers.upserts.jobs import run_import as work
from tasks import broker as _broker  # noqa: F401 - the global broker, before the actor
from tasks import runtime
from tasks.names import RUN_IMPORT


@dramatiq.actor(
    actor_name=RUN_IMPORT.actor,
    queue_name=RUN_IMPORT.queue,
    max_retries=5,
    min_backoff=1_000,
    max_backoff=60_000,
    time_limit=25 * 60 * 1000,  # under RabbitMQ's 30-minute consumer timeout; a cut-off job resumes
)
async def run_import(batch_id: str) -> None:
    await work(runtime.session_factory(), uuid.UUID(batch_id))
