"""The run_evaluation job body and actor: idempotent claims, bounded attempts, restarts."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta
from typing import Any

import dramatiq
import pytest
from sqlalchemy import update
from sqlmodel import col, select

import tasks.evaluations  # noqa: F401 - declares the actor
from models.audit import AuditLog
from models.enums import EvaluationStatus, Role
from models.evaluation import Evaluation
from models.job import Job
from resolvers.evaluations.process import (
    MAX_ATTEMPTS,
    STALE_CLAIM,
    _claim,
    _finish,
    _run,
    process_evaluation,
    process_evaluations,
)
from resolvers.evaluations.requests import requeue_unfinished
from tasks import runtime
from tasks.names import RUN_EVALUATION
from tasks.worker import start_worker, stop_worker
from tests.helpers import add, make_candidate, make_job, make_org, make_skill, make_user, stored


async def pending(db: Any, **fields: Any) -> Evaluation:
    org = await make_org(db)
    skill = await make_skill(db, f"Python-{uuid.uuid4().hex[:6]}")
    job = await make_job(db, org, skills=[skill])
    candidate = await make_candidate(db, skills=[skill])
    user = await make_user(db, Role.RECRUITER, org)
    values: dict[str, Any] = {
        "candidate_id": candidate.id,
        "job_id": job.id,
        "organization_id": org.id,
        "requested_by_id": user.id,
        "status": EvaluationStatus.PENDING,
        **fields,
    }
    row = Evaluation(**values)
    await add(db, row)
    return row


async def test_a_second_delivery_of_a_finished_evaluation_changes_nothing(db, settings):
    # given
    row = await pending(db)
    await process_evaluation(db, settings, row.id)
    done = await stored(db, Evaluation, row.id)
    # when
    await process_evaluation(db, settings, row.id)
    # then
    again = await stored(db, Evaluation, row.id)
    assert done.status is EvaluationStatus.COMPLETED
    assert (again.attempts, again.completed_at, again.score) == (1, done.completed_at, done.score)


async def test_an_evaluation_whose_workers_kept_dying_ends_failed(db, settings):
    # given: RUNNING with every attempt used (each worker died mid-run)
    row = await pending(db, status=EvaluationStatus.RUNNING, attempts=MAX_ATTEMPTS)
    # when
    await process_evaluation(db, settings, row.id)
    # then
    failed = await stored(db, Evaluation, row.id)
    assert failed.status is EvaluationStatus.FAILED
    assert failed.failure_reason == f"the evaluation did not complete after {MAX_ATTEMPTS} attempts"
    assert failed.score is None


async def test_a_running_evaluation_of_a_dead_worker_is_run_again(db, settings):
    # given: claimed once by a worker that died
    row = await pending(db, status=EvaluationStatus.RUNNING, attempts=1)
    # when
    await process_evaluation(db, settings, row.id)
    # then
    done = await stored(db, Evaluation, row.id)
    assert done.status is EvaluationStatus.COMPLETED
    assert done.attempts == 2


async def test_an_evaluation_whose_job_was_erased_fails(db, settings):
    # given: the job is erased after the request (job_id is set null)
    row = await pending(db)
    async with db() as session:
        job = await session.get(Job, row.job_id)
        await session.delete(job)
        await session.commit()
    # when
    await process_evaluation(db, settings, row.id)
    # then
    failed = await stored(db, Evaluation, row.id)
    assert failed.status is EvaluationStatus.FAILED
    assert failed.failure_reason == "the job no longer exists"


async def test_restart_requeues_unfinished_evaluations_and_the_worker_finishes_them(db, settings):
    # given: two evaluations left PENDING and RUNNING by a process that died
    first = await pending(db)
    second = await pending(db, status=EvaluationStatus.RUNNING, attempts=1)
    runtime.configure(settings)
    broker = dramatiq.get_broker()
    broker.flush_all()
    # when
    sent = await requeue_unfinished(db)
    worker = start_worker(broker, threads=1, timeout_ms=100)
    try:
        await asyncio.to_thread(broker.join, RUN_EVALUATION.queue, timeout=30_000)
    finally:
        stop_worker(worker)
    # then
    assert sent == 2
    async with db() as session:
        statuses = (
            await session.exec(
                select(col(Evaluation.status)).where(col(Evaluation.id).in_([first.id, second.id]))
            )
        ).all()
    assert statuses == [EvaluationStatus.COMPLETED, EvaluationStatus.COMPLETED]


async def test_an_unknown_id_is_ignored(db, settings):
    # when / then: nothing to claim, nothing raised
    await process_evaluation(db, settings, uuid.uuid4())


@pytest.mark.parametrize("status", [EvaluationStatus.COMPLETED, EvaluationStatus.FAILED])
async def test_finished_evaluations_are_left_alone(db, settings, status):
    # given
    row = await pending(db, status=status, attempts=1)
    # when
    await process_evaluation(db, settings, row.id)
    # then
    assert (await stored(db, Evaluation, row.id)).attempts == 1


async def test_a_group_stores_each_evaluation_once_whatever_state_it_is_in(db, settings):
    # given: one finished, one fresh, one whose workers kept dying, one unknown id
    done = await pending(db, status=EvaluationStatus.COMPLETED, attempts=1, score=12.0)
    fresh = await pending(db)
    dying = await pending(db, status=EvaluationStatus.RUNNING, attempts=MAX_ATTEMPTS)
    # when
    await process_evaluations(db, settings, [done.id, fresh.id, dying.id, uuid.uuid4()])
    # then
    assert (await stored(db, Evaluation, done.id)).score == 12.0
    assert (await stored(db, Evaluation, fresh.id)).status is EvaluationStatus.COMPLETED
    assert (await stored(db, Evaluation, dying.id)).status is EvaluationStatus.FAILED
    async with db() as session:
        audited = (
            await session.exec(
                select(col(AuditLog.entity_id)).where(col(AuditLog.action) == "evaluation.complete")
            )
        ).all()
    assert audited == [str(fresh.id)]


async def test_a_duplicate_message_leaves_a_running_evaluation_alone(db, settings):
    # given: claimed by one delivery just now
    row = await pending(db)
    await _claim(db, [row.id])
    # when: a duplicate message (a sweeper re-send, an admin retry) arrives meanwhile
    claimed, _, _ = await _claim(db, [row.id])
    # then
    assert claimed == []
    assert (await stored(db, Evaluation, row.id)).attempts == 1


async def test_a_result_is_not_stored_over_a_newer_claim(db, settings):
    # given: claimed by this delivery; the claim goes stale and another delivery re-claims it
    row = await pending(db)
    claimed, _, claim = await _claim(db, [row.id])
    async with db() as session:
        await session.exec(
            update(Evaluation)
            .where(col(Evaluation.id) == row.id)
            .values(started_at=claim - STALE_CLAIM - timedelta(seconds=1))
        )
        await session.commit()
    await _claim(db, [row.id])
    outcomes = await _run(db, settings, claimed, date(2026, 11, 1))
    # when
    stored_rows = await _finish(db, claimed, outcomes, claim, None)
    # then: the newer claim will store its own result
    assert stored_rows == []
    after = await stored(db, Evaluation, row.id)
    assert (after.status, after.attempts, after.score) == (EvaluationStatus.RUNNING, 2, None)


async def test_an_evaluation_cut_off_by_a_stopping_worker_is_handed_back(db, settings):
    # given: an LLM evaluation whose provider is still thinking when the worker stops (the
    # stopping worker cancels the job's coroutine)
    import asyncio
    import dataclasses

    from tests.llm_server import LLMServer, Step

    server = LLMServer()
    await server.start()
    server.play(Step("slow", delay=30))
    configured = dataclasses.replace(
        settings, llm_base_url=server.url, llm_model="m", llm_timeout=60.0
    )
    row = await pending(db, requested_engine="llm")
    task = asyncio.create_task(process_evaluations(db, configured, [row.id]))
    try:
        for _ in range(200):  # until the request reached the provider
            if server.requests:
                break
            await asyncio.sleep(0.05)
        # when
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        await server.stop()
    # then: PENDING again, the attempt not counted
    back = await stored(db, Evaluation, row.id)
    assert (back.status, back.attempts, back.started_at) == (EvaluationStatus.PENDING, 0, None)
