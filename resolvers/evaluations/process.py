"""The evaluation job: PENDING -> RUNNING -> COMPLETED | FAILED, safe to run again.

The `run_evaluation` actor calls `process_evaluations` with the ids of one message (one id for a
single request, a group of a job's applicants for `evaluateApplicants`); tests call it directly.
A group costs a fixed number of statements to claim and read, and one transaction to store.

State lives in the rows: a message for finished evaluations does nothing, RUNNING ones whose
worker died are run again, and each delivery counts an attempt, so one that keeps failing ends
FAILED after `MAX_ATTEMPTS`. Storing is conditional on the row still carrying this delivery's
claim, so two racing deliveries store one result. A result is stored whole or not at all.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import col

from models.application import Application
from models.base import utcnow
from models.db import SessionFactory
from models.enums import EvaluationStatus
from models.evaluation import Evaluation
from models.settings import Settings
from resolvers import audit, events
from resolvers.evaluations import engines
from resolvers.evaluations.inputs import load_jobs, load_subjects, prompt_input
from resolvers.notifications import hooks
from tasks.evaluation import EngineUnavailable, EvaluationFailed, EvaluationResult

logger = logging.getLogger("talentgraph.evaluations")

MAX_ATTEMPTS = 3
UNFINISHED = (EvaluationStatus.PENDING, EvaluationStatus.RUNNING)
TERMINAL = (EvaluationStatus.COMPLETED, EvaluationStatus.FAILED)
MAX_REASON = 500
GIVEN_UP = f"the evaluation did not complete after {MAX_ATTEMPTS} attempts"
# a RUNNING evaluation claimed longer ago than this lost its worker (the actor's time limit is
# 3 minutes); a younger one is still being worked on, so a duplicate message leaves it alone
STALE_CLAIM = timedelta(minutes=4)


class Unfinished(Exception):
    """An engine could not run this time; the message is retried while attempts remain."""


async def process_evaluation(
    factory: SessionFactory,
    settings: Settings,
    evaluation_id: uuid.UUID,
    *,
    request_id: str | None = None,
    today: date | None = None,
) -> None:
    """One evaluation; see `process_evaluations`."""
    await process_evaluations(
        factory, settings, [evaluation_id], request_id=request_id, today=today
    )


async def process_evaluations(
    factory: SessionFactory,
    settings: Settings,
    evaluation_ids: Sequence[uuid.UUID],
    *,
    request_id: str | None = None,
    today: date | None = None,
) -> None:
    """Compute and store the evaluations.

    Raises Unfinished when an engine could not run (an unreachable LLM) while attempts
    remain, after storing every other result, so the message is retried for those alone;
    an invalid LLM answer is FAILED with its reason.
    """
    claimed, given_up, claim = await _claim(factory, evaluation_ids)
    await _announce([*claimed, *given_up], settings)
    if not claimed:
        return
    try:
        outcomes = await _run(factory, settings, claimed, today or utcnow().date())
    except asyncio.CancelledError:  # a stopping worker hands the job back: not an attempt
        await _hand_back(factory, claimed, claim)
        raise
    retry = [row for row in claimed if outcomes.get(row.id) is None and row.attempts < MAX_ATTEMPTS]
    for row in claimed:
        if outcomes.get(row.id) is None and row not in retry:
            outcomes[row.id] = f"the engine did not answer after {MAX_ATTEMPTS} attempts"
    finished = await _finish(
        factory, claimed, outcomes, claim, request_id, redis_url=settings.redis_url
    )
    await _announce(finished, settings)
    if retry:
        # PENDING again (the attempt counts), so the retried message can claim them
        await _hand_back(factory, retry, claim, counted=True)
        raise Unfinished(f"{len(retry)} evaluation(s) could not run; retrying")


async def _claim(
    factory: SessionFactory, ids: Sequence[uuid.UUID]
) -> tuple[list[Evaluation], list[Evaluation], datetime]:
    """Mark PENDING rows (and RUNNING ones whose worker is gone, `STALE_CLAIM`) RUNNING and
    count the attempt; rows whose attempts ran out (their workers kept dying) are marked FAILED.
    Returns both, and the claim's time stamp."""
    now = utcnow()
    claimable = or_(
        col(Evaluation.status) == EvaluationStatus.PENDING,
        and_(
            col(Evaluation.status) == EvaluationStatus.RUNNING,
            or_(
                col(Evaluation.started_at).is_(None),
                col(Evaluation.started_at) < now - STALE_CLAIM,
            ),
        ),
    )
    async with factory() as session:
        given_up = list(
            (
                await session.exec(
                    update(Evaluation)
                    .where(
                        col(Evaluation.id).in_(ids),
                        claimable,
                        col(Evaluation.attempts) >= MAX_ATTEMPTS,
                    )
                    .values(
                        status=EvaluationStatus.FAILED,
                        failure_reason=GIVEN_UP,
                        updated_at=now,
                        completed_at=now,
                    )
                    .returning(Evaluation)
                )
            ).scalars()
        )
        claimed = list(
            (
                await session.exec(
                    update(Evaluation)
                    .where(
                        col(Evaluation.id).in_(ids),
                        claimable,
                        col(Evaluation.attempts) < MAX_ATTEMPTS,
                    )
                    .values(
                        status=EvaluationStatus.RUNNING,
                        attempts=col(Evaluation.attempts) + 1,
                        started_at=now,
                        updated_at=now,
                    )
                    .returning(Evaluation)
                )
            ).scalars()
        )
        await session.commit()
    return claimed, given_up, now


async def _run(
    factory: SessionFactory, settings: Settings, rows: list[Evaluation], today: date
) -> dict[uuid.UUID, EvaluationResult | str | None]:
    """Each row's result, its failure reason, or None when the engine could not run."""
    async with factory() as session:
        subjects = await load_subjects(session, [(r.candidate_id, r.document_id) for r in rows])
        jobs = await load_jobs(session, list({r.job_id for r in rows if r.job_id is not None}))
    outcomes: dict[uuid.UUID, EvaluationResult | str | None] = {}
    for row in rows:
        subject = subjects.get(row.candidate_id)
        if row.job_id is not None and row.job_id in jobs:
            job = jobs[row.job_id][1]
        elif row.prompt is not None:
            job = prompt_input(row.prompt)
        else:
            outcomes[row.id] = "the job no longer exists"
            continue
        if subject is None:
            outcomes[row.id] = "the candidate no longer exists"
            continue
        try:
            outcomes[row.id] = await engines.evaluate(
                settings, row.requested_engine, subject.profile, job, subject.identifiers, today
            )
        except EvaluationFailed as exc:
            outcomes[row.id] = exc.reason or "the engine's answer was not a valid evaluation"
        except EngineUnavailable as exc:
            logger.info("evaluation %s: engine unavailable (%s)", row.id, exc.reason)
            outcomes[row.id] = None
    return outcomes


async def _hand_back(
    factory: SessionFactory, rows: list[Evaluation], claim: datetime, *, counted: bool = False
) -> None:
    """PENDING again, unless another delivery claimed them since; the attempt is taken back
    unless `counted` (the engine ran and failed, rather than the worker stopping)."""
    async with factory() as session:
        await session.exec(
            update(Evaluation)
            .where(
                col(Evaluation.id).in_([row.id for row in rows]),
                col(Evaluation.status) == EvaluationStatus.RUNNING,
                col(Evaluation.started_at) == claim,
            )
            .values(
                status=EvaluationStatus.PENDING,
                attempts=col(Evaluation.attempts) - (0 if counted else 1),
                started_at=None,
                updated_at=utcnow(),
            )
        )
        await session.commit()


def _values(outcome: EvaluationResult | str) -> dict[str, object]:
    if isinstance(outcome, str):
        return {"status": EvaluationStatus.FAILED, "failure_reason": outcome[:MAX_REASON]}
    return {
        "status": EvaluationStatus.COMPLETED,
        "score": outcome.score,
        "rationale": outcome.rationale[:10_000],
        "matches": list(outcome.matches),
        "gaps": list(outcome.gaps),
        "criteria": [c.to_json() for c in outcome.criteria],
        "engine": outcome.engine,
        "engine_version": outcome.engine_version[:30],
        "usage": dict(outcome.usage) if outcome.usage is not None else None,
        "latency_ms": outcome.latency_ms,
        "failure_reason": None,
    }


async def _finish(
    factory: SessionFactory,
    rows: list[Evaluation],
    outcomes: dict[uuid.UUID, EvaluationResult | str | None],
    claim: datetime,
    request_id: str | None,
    *,
    redis_url: str | None = None,
) -> list[Evaluation]:
    """Store every outcome in one transaction; rows another delivery claimed since are left
    to it. Returns the rows stored."""
    now = utcnow()
    stored: list[Evaluation] = []
    async with factory() as session:
        for row in rows:
            outcome = outcomes.get(row.id)
            if outcome is None:
                continue
            values = _values(outcome)
            result = await session.exec(
                update(Evaluation)
                .where(
                    col(Evaluation.id) == row.id,
                    col(Evaluation.status) == EvaluationStatus.RUNNING,
                    col(Evaluation.started_at) == claim,
                )
                .values(**values, completed_at=now, updated_at=now)
            )
            if result.rowcount != 1:  # another delivery claimed it meanwhile
                continue
            stored.append(row)
            if row.application_id is not None and not isinstance(outcome, str):
                # the newest completed evaluation of the job's organization ranks the applicant
                await session.exec(
                    update(Application)
                    .where(
                        col(Application.id) == row.application_id,
                        col(Application.organization_id) == row.organization_id,
                    )
                    .values(score=outcome.score)
                )
            session.add(
                audit.entry(
                    "evaluation.complete",
                    "Evaluation",
                    row.id,
                    {
                        "status": str(values["status"]),
                        "engine": values.get("engine", row.requested_engine),
                    },
                    actor_id=row.requested_by_id,
                    request_id=request_id,
                )
            )
        await hooks.evaluations_finished(session, stored, redis_url)
        await session.commit()
    return stored


async def _announce(rows: Sequence[Evaluation], settings: Settings) -> None:
    if not rows:
        return
    topics: dict[str, None] = {}
    for row in rows:
        topics[events.evaluation_topic(row.id)] = None
        if row.job_id is not None:
            topics[events.job_evaluations_topic(row.job_id)] = None
    await events.announce(*topics, redis_url=settings.redis_url)
