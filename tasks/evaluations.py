"""The evaluation actor: thin and id-only; the work is `resolvers.evaluations.process`.

The evaluation's state lives in its row, so a redelivered or retried message either finds it
finished (and does nothing) or runs it again.
"""

from __future__ import annotations

import uuid

import dramatiq

from resolvers.evaluations.process import process_evaluations
from tasks import runtime
from tasks.broker import current_request_id  # also sets the global broker, before the actor
from tasks.names import RUN_EVALUATION


@dramatiq.actor(
    actor_name=RUN_EVALUATION.actor,
    queue_name=RUN_EVALUATION.queue,
    # three deliveries in all, as `process.MAX_ATTEMPTS` counts them; the last one that fails
    # marks the evaluation FAILED instead of raising
    max_retries=2,
    min_backoff=1_000,
    max_backoff=30_000,
    # a group of rules evaluations takes well under a second; LLM evaluations are sent one per
    # message, each bounded by LLM_TIMEOUT (twice, with its one retry) far under this
    time_limit=3 * 60 * 1000,
)
async def run_evaluation(evaluation_id: str, *more: str) -> None:
    """One evaluation, or a group of a job's applicants (`evaluateApplicants`)."""
    await process_evaluations(
        runtime.session_factory(),
        runtime.get_settings(),
        [uuid.UUID(i) for i in (evaluation_id, *more)],
        request_id=current_request_id.get(),
    )
