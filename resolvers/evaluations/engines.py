"""The evaluation engines as the product configures them: `rules` (built in, the default) and
`llm` (an OpenAI-compatible endpoint behind a circuit breaker shared by every process through
Redis when `REDIS_URL` is set).

One breaker per process and configuration: its state must outlive requests, or every request
would probe a provider that is down.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import date
from typing import Any

import httpx2
from sqlmodel.ext.asyncio.session import AsyncSession

from models.settings import Settings
from resolvers import outbox
from resolvers.errors import EngineUnavailableError, ValidationFailedError
from tasks.broker import send
from tasks.evaluation import (
    RULES_VERSION,
    CircuitBreaker,
    EngineUnavailable,
    EvaluationResult,
    Identifiers,
    JobInput,
    LLMConfig,
    ProfileInput,
    breaker_for,
    evaluate_llm,
    redact_profile,
)
from tasks.evaluation import evaluate as evaluate_rules
from tasks.evaluation.llm_prompt import engine_version
from tasks.names import RUN_EVALUATION

RULES = "rules"
LLM = "llm"
ENGINES = (RULES, LLM)

_lock = threading.Lock()
_breakers: dict[tuple[Any, ...], CircuitBreaker] = {}


def breaker(settings: Settings) -> CircuitBreaker:
    """This process's breaker for the configured provider (its state in Redis when set)."""
    key = (
        settings.llm_base_url,
        settings.redis_url,
        settings.llm_breaker_threshold,
        settings.llm_breaker_cooldown,
    )
    with _lock:
        found = _breakers.get(key)
        if found is None:
            found = _breakers[key] = breaker_for(
                settings.redis_url,
                threshold=settings.llm_breaker_threshold,
                cooldown=settings.llm_breaker_cooldown,
            )
        return found


async def open_for(settings: Settings) -> float | None:
    """Seconds until the open circuit lets a probe through; None while calls may pass.

    Reads the state without changing it: a request must not use up the half-open probe.
    """
    snapshot = await breaker(settings).store.read()
    cooldown = settings.llm_breaker_cooldown
    since = {"OPEN": snapshot.opened_at, "HALF_OPEN": snapshot.probe_at}.get(snapshot.state)
    if since is None:
        return None
    left = cooldown - (time.time() - since)
    return left if left > 0 else None


def version(settings: Settings, engine: str) -> str:
    """What produces a result: the rules' version, or the LLM prompt's version and model."""
    if engine == LLM:
        return engine_version(settings.llm_model)
    return RULES_VERSION


def _config(settings: Settings) -> LLMConfig:
    assert settings.llm_base_url is not None
    return LLMConfig(
        base_url=settings.llm_base_url.rstrip("/"),
        api_key=settings.llm_api_key,
        model=settings.llm_model,
        timeout=settings.llm_timeout,
        max_retry_after=settings.llm_max_retry_after,
        breaker_threshold=settings.llm_breaker_threshold,
        breaker_cooldown=settings.llm_breaker_cooldown,
    )


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
        raise EngineUnavailableError("No LLM provider is configured (LLM_BASE_URL)", engine=name)
    if settings.llm_fallback != RULES:
        wait = await open_for(settings)
        if wait is not None:
            raise EngineUnavailableError(
                "The LLM provider is failing; retry later or use the rules engine",
                engine=name,
                retry_after=wait,
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
    if engine == LLM:
        try:
            if not settings.llm_base_url:
                raise EngineUnavailable("no LLM provider is configured")
            async with httpx2.AsyncClient() as client:
                return await evaluate_llm(
                    profile, job, identifiers, _config(settings), breaker(settings), client
                )
        except EngineUnavailable:
            if settings.llm_fallback != RULES:
                raise
    # the rules ignore who the person is; redacting keeps names out of the evidence they quote
    return evaluate_rules(redact_profile(profile, identifiers), job, today)


GROUP = {RULES: 50, LLM: 1}  # evaluations per message: rules are cheap, LLM calls are not


def groups(evaluation_ids: list[Any], engine: str = RULES) -> list[list[str]]:
    """The ids as the messages carry them: grouped so a job's applicants cost a few messages."""
    size = GROUP.get(engine, 1)
    ids = [str(i) for i in evaluation_ids]
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def stage(session: AsyncSession, evaluation_ids: list[Any], engine: str = RULES) -> list[Any]:
    """Add the `run_evaluation` messages to the transaction that writes the evaluations;
    returns the outbox ids to relay after the commit."""
    return [
        outbox.stage(session, RUN_EVALUATION, *group) for group in groups(evaluation_ids, engine)
    ]


async def enqueue(evaluation_ids: list[Any], engine: str = RULES) -> None:
    """Send `run_evaluation` messages for the ids (after the rows are committed), grouped so a
    job's applicants cost a few messages and statements; one thread hop for all of them, since
    Redis and RabbitMQ enqueue over the network."""
    if not evaluation_ids:
        return
    messages = groups(evaluation_ids, engine)

    def send_all() -> None:
        for ids in messages:
            send(RUN_EVALUATION.actor, *ids, queue_name=RUN_EVALUATION.queue)

    await asyncio.to_thread(send_all)
