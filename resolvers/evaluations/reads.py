"""Reading evaluations: the filtered list, a batch's progress, and their live updates."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select

from loaders.applications import EVALUATION_ORDERS
from loaders.pagination import PageArgs
from loaders.policy import can_view_evaluation, can_write_job, evaluation_clause
from models.enums import EvaluationStatus
from models.evaluation import Evaluation
from models.job import Job
from resolvers import events
from resolvers.context import Context
from resolvers.errors import AuthenticationRequiredError, BadUserInputError, NotFoundError
from resolvers.evaluations.process import TERMINAL
from resolvers.pages import OrderDirection, Page, bounded, fetch_page

POLL_SECONDS = 2.0


class EvaluationOrderField(StrEnum):
    CREATED_AT = "DEFAULT"
    SCORE = "SCORE"


@dataclass(frozen=True)
class EvaluationFilter:
    job_id: uuid.UUID | None = None
    candidate_id: uuid.UUID | None = None
    application_id: uuid.UUID | None = None
    batch_id: uuid.UUID | None = None
    status: tuple[EvaluationStatus, ...] = ()
    engine: str | None = None
    min_score: float | None = None


def evaluation_filters(ctx: Context, flt: EvaluationFilter | None) -> list[ColumnElement[bool]]:
    clauses = [evaluation_clause(ctx.viewer)]
    if flt is None:
        return clauses
    for column, value in (
        (Evaluation.job_id, flt.job_id),
        (Evaluation.candidate_id, flt.candidate_id),
        (Evaluation.application_id, flt.application_id),
        (Evaluation.batch_id, flt.batch_id),
    ):
        if value is not None:
            clauses.append(col(column) == value)
    if statuses := bounded(flt.status, "filter.status"):
        clauses.append(col(Evaluation.status).in_(statuses))
    if flt.engine is not None:
        clauses.append(col(Evaluation.engine) == flt.engine.strip().lower())
    if flt.min_score is not None:
        if not 0 <= flt.min_score <= 100:
            raise BadUserInputError("minScore must be between 0 and 100", field="filter.minScore")
        clauses.append(col(Evaluation.score) >= flt.min_score)
    return clauses


async def list_evaluations(
    ctx: Context,
    args: PageArgs,
    flt: EvaluationFilter | None,
    order: EvaluationOrderField,
    direction: OrderDirection,
) -> Page[Evaluation]:
    columns, _ = EVALUATION_ORDERS[order.value]
    return await fetch_page(
        ctx.session_factory,
        Evaluation,
        evaluation_filters(ctx, flt),
        columns,
        direction,
        f"evaluation:{order.value}",
        args,
    )


async def _read(ctx: Context, evaluation_id: uuid.UUID) -> Evaluation | None:
    async with ctx.session_factory() as session:
        return await session.get(Evaluation, evaluation_id)


async def watch_evaluation(
    ctx: Context, evaluation_id: uuid.UUID | None, poll_seconds: float = POLL_SECONDS
) -> AsyncIterator[Evaluation]:
    """The evaluation now and after every change, until COMPLETED or FAILED (or erased)."""
    if ctx.viewer.user_id is None:
        raise AuthenticationRequiredError("Sign in to follow evaluations")
    if evaluation_id is None:
        raise NotFoundError("Evaluation not found", field="id")
    # listen before the first read, so a change between the two is not missed
    with events.listen(events.evaluation_topic(evaluation_id)) as changed:
        row = await _read(ctx, evaluation_id)
        if row is None or not can_view_evaluation(ctx.viewer, row):
            raise NotFoundError("Evaluation not found", field="id")
        async for evaluation in events.follow(
            changed,
            row,
            lambda: _read(ctx, evaluation_id),
            lambda found: found.status in TERMINAL,
            poll_seconds,
        ):
            yield evaluation


async def watch_job(
    ctx: Context, job_id: uuid.UUID | None, poll_seconds: float = POLL_SECONDS
) -> AsyncIterator[Evaluation]:
    """Every evaluation of the job the viewer may see, each time one changes (no end).

    Only the job's organization (and admins) may follow its ranking.
    """
    if ctx.viewer.user_id is None:
        raise AuthenticationRequiredError("Sign in to follow evaluations")
    if job_id is None:
        raise NotFoundError("Job not found", field="jobId")
    with events.listen(events.job_evaluations_topic(job_id)) as changed:
        async with ctx.session_factory() as session:
            job = await session.get(Job, job_id)
            since = await session.scalar(
                select(func.max(col(Evaluation.updated_at))).where(col(Evaluation.job_id) == job_id)
            )
        if job is None or not can_write_job(ctx.viewer, job):
            raise NotFoundError("Job not found", field="jobId")
        last: datetime | None = since
        sent: set[tuple[uuid.UUID, datetime]] = set()  # rows at `last`, already yielded
        while True:
            await events.wait(changed, poll_seconds)
            for row in await _changed_since(ctx, job_id, last):
                if (row.id, row.updated_at) in sent:
                    continue
                if row.updated_at != last:
                    last, sent = row.updated_at, set()
                sent.add((row.id, row.updated_at))
                yield row


async def _changed_since(
    ctx: Context, job_id: uuid.UUID, since: datetime | None
) -> list[Evaluation]:
    """Rows changed at or after `since` (equal timestamps included: the caller skips those it
    sent already), oldest change first."""
    statement = (
        select(Evaluation)
        .where(col(Evaluation.job_id) == job_id, evaluation_clause(ctx.viewer))
        .order_by(col(Evaluation.updated_at), col(Evaluation.id))
        .limit(500)
    )
    if since is not None:
        statement = statement.where(col(Evaluation.updated_at) >= since)
    async with ctx.session_factory() as session:
        return list((await session.exec(statement)).all())
