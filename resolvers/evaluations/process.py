"""The evaluation job: PENDING -> RUNNING -> COMPLETED | FAILED, safe to run again.

The `run_evaluation` actor calls `process_evaluation`; tests call it directly. State lives in the
row: a message for a finished evaluation does nothing, a RUNNING one whose worker died is run
again, and each delivery counts an attempt, so one that keeps failing ends FAILED after
`MAX_ATTEMPTS`. Finishing is conditional on the row still being RUNNING, so two racing
deliveries store one result. A result is stored whole or not at all.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date

from sqlalchemy import update
from sqlmodel import col

from models.audit import AuditLog
from models.base import utcnow
from models.db import SessionFactory
from models.enums import EvaluationStatus
from models.evaluation import Evaluation
from models.settings import Settings
from resolvers import events
from resolvers.evaluations import engines
from resolvers.evaluations.inputs import load_jobs, load_subjects, prompt_input
from resolvers.evaluations.requests import refresh_application_score
from tasks.evaluation import EngineUnavailable, EvaluationFailed, EvaluationResult

logger = logging.getLogger("talentgraph.evaluations")

MAX_ATTEMPTS = 3
UNFINISHED = (EvaluationStatus.PENDING, EvaluationStatus.RUNNING)
TERMINAL = (EvaluationStatus.COMPLETED, EvaluationStatus.FAILED)
MAX_REASON = 500


class Unfinished(Exception):
    """The engine could not run this time; the message is retried while attempts remain."""


async def process_evaluation(
    factory: SessionFactory,
    settings: Settings,
    evaluation_id: uuid.UUID,
    *,
    request_id: str | None = None,
    today: date | None = None,
) -> None:
    """Compute and store the evaluation.

    Raises Unfinished (or storage trouble) while attempts remain, so the message is retried;
    a candidate the engine cannot judge is an outcome (COMPLETED with a low score), and an
    invalid LLM answer is FAILED with its reason.
    """
    claimed = await _claim(factory, evaluation_id)
    if claimed is None:
        return
    await _announce(claimed, settings)
    if claimed.status is not EvaluationStatus.RUNNING:
        return
    try:
        outcome: EvaluationResult | str = await _run(factory, settings, claimed, today)
    except EvaluationFailed as exc:
        outcome = exc.reason or "the engine's answer was not a valid evaluation"
    except (EngineUnavailable, Exception) as exc:
        if claimed.attempts < MAX_ATTEMPTS:
            raise Unfinished(str(exc)) from exc
        logger.warning("giving up on evaluation %s", evaluation_id, exc_info=True)
        outcome = f"the engine did not answer after {MAX_ATTEMPTS} attempts"
    if await _finish(factory, claimed, outcome, request_id):
        await _announce(claimed, settings)


async def _claim(factory: SessionFactory, evaluation_id: uuid.UUID) -> Evaluation | None:
    """Mark it RUNNING and count the attempt; None when there is nothing to do. An evaluation
    whose attempts ran out (its workers kept dying) is marked FAILED and returned as such."""
    now = utcnow()
    async with factory() as session:
        row = await session.get(Evaluation, evaluation_id)
        if row is None or row.status in TERMINAL:
            return None
        if row.attempts >= MAX_ATTEMPTS:
            row.status = EvaluationStatus.FAILED
            row.failure_reason = f"the evaluation did not complete after {MAX_ATTEMPTS} attempts"
            row.updated_at = row.completed_at = now
            await session.commit()
            return row
        result = await session.exec(
            update(Evaluation)
            .where(col(Evaluation.id) == evaluation_id, col(Evaluation.status).in_(UNFINISHED))
            .values(
                status=EvaluationStatus.RUNNING,
                attempts=col(Evaluation.attempts) + 1,
                started_at=now,
                updated_at=now,
            )
        )
        if result.rowcount != 1:
            return None
        await session.commit()
        await session.refresh(row)
    return row


async def _run(
    factory: SessionFactory, settings: Settings, row: Evaluation, today: date | None
) -> EvaluationResult | str:
    async with factory() as session:
        subjects = await load_subjects(session, [(row.candidate_id, row.document_id)])
        jobs = await load_jobs(session, [row.job_id] if row.job_id else [])
    subject = subjects.get(row.candidate_id)
    if row.job_id is not None and row.job_id in jobs:
        job = jobs[row.job_id][1]
    elif row.prompt is not None:
        job = prompt_input(row.prompt)
    else:
        return "the job no longer exists"
    if subject is None:
        return "the candidate no longer exists"
    return await engines.evaluate(
        settings,
        row.requested_engine,
        subject.profile,
        job,
        subject.identifiers,
        today or utcnow().date(),
    )


async def _finish(
    factory: SessionFactory,
    row: Evaluation,
    outcome: EvaluationResult | str,
    request_id: str | None,
) -> bool:
    """Store the outcome in one transaction; False when another delivery finished it first."""
    now = utcnow()
    if isinstance(outcome, str):
        values: dict[str, object] = {
            "status": EvaluationStatus.FAILED,
            "failure_reason": outcome[:MAX_REASON],
        }
    else:
        values = {
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
    async with factory() as session:
        result = await session.exec(
            update(Evaluation)
            .where(
                col(Evaluation.id) == row.id,
                col(Evaluation.status) == EvaluationStatus.RUNNING,
            )
            .values(**values, completed_at=now, updated_at=now)
        )
        if result.rowcount != 1:
            await session.rollback()
            return False
        if row.application_id is not None and values["status"] is EvaluationStatus.COMPLETED:
            await refresh_application_score(session, row.application_id, row.organization_id)
        session.add(
            AuditLog(
                actor_id=row.requested_by_id,
                action="evaluation.complete",
                entity_type="Evaluation",
                entity_id=str(row.id),
                request_id=request_id,
                details={
                    "status": values["status"].value,  # type: ignore[attr-defined]
                    "engine": values.get("engine", row.requested_engine),
                },
            )
        )
        await session.commit()
    return True


async def _announce(row: Evaluation, settings: Settings) -> None:
    topics = [events.evaluation_topic(row.id)]
    if row.job_id is not None:
        topics.append(events.job_evaluations_topic(row.job_id))
    await events.announce(*topics, redis_url=settings.redis_url)
