"""The evaluation engines as the product configures them: `rules` (built in, the default) and
`llm` (an OpenAI-compatible endpoint behind a circuit breaker shared by every process through
Redis when `REDIS_URL` is set).

One breaker per process and configuration: its state must outlive requests, or every request
would probe a provider that is down.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from models.settings import Settings
from resolvers.errors import EngineUnavailableError, ValidationFailedError
from tasks.broker import send
from tasks.evaluation import (
    RULES_VERSION,
    EvaluationResult,
    Identifiers,
    JobInput,
    ProfileInput,
)
from tasks.evaluation import evaluate as evaluate_rules
from tasks.names import RUN_EVALUATION

RULES = "rules"
LLM = "llm"
ENGINES = (RULES, LLM)


class EngineUnavailable(Exception):
    """The LLM cannot be reached now (not configured, circuit open, timeouts)."""


class EvaluationFailed(Exception):
    """The engine answered with something that is not a valid evaluation."""


def version(settings: Settings, engine: str) -> str:
    """What produced a result: the rules' version, or the LLM engine's version and model."""
    if engine == LLM:
        return f"llm/{settings.llm_model}"[:100]
    return RULES_VERSION


async def check_available(settings: Settings, engine: str) -> str:
    """The engine's name if a request for it can be accepted now.

    Raises:
        ValidationFailedError: an engine we do not have.
        EngineUnavailableError: `llm` without a provider, or with its circuit open and no
            `LLM_FALLBACK=rules` to answer meanwhile.
    """
    name = engine.lower()
    if name not in ENGINES:
        raise ValidationFailedError([("engine", "INVALID_VALUE", f"Unknown engine {engine!r}")])
    if name == RULES:
        return name
    if not settings.llm_base_url:
        raise EngineUnavailableError(
            "No LLM provider is configured (LLM_BASE_URL)", engine=name, retry_after=None
        )
    return name


async def evaluate(
    settings: Settings,
    engine: str,
    profile: ProfileInput,
    job: JobInput,
    identifiers: Identifiers,
    today: date,
) -> EvaluationResult:
    """Run the engine; with `LLM_FALLBACK=rules` an unavailable LLM is answered by the rules
    (the result names the engine that produced it).

    Raises:
        EngineUnavailable: the LLM cannot be reached (breaker open, timeouts) and no fallback.
        EvaluationFailed: the LLM answered, twice, with something that is not a valid result.
    """
    if engine == LLM and settings.llm_fallback != RULES:
        raise EngineUnavailable("no LLM provider is configured")
    return evaluate_rules(profile, job, today)


async def enqueue(evaluation_ids: list[Any]) -> None:
    """Send `run_evaluation` for each id (after the rows are committed); one thread hop for the
    whole batch, since Redis and RabbitMQ enqueue over the network."""
    if not evaluation_ids:
        return

    def send_all() -> None:
        for evaluation_id in evaluation_ids:
            send(RUN_EVALUATION.actor, str(evaluation_id), queue_name=RUN_EVALUATION.queue)

    await asyncio.to_thread(send_all)
