"""The reminder scheduler: interview reminders 24 hours before (at once when booked at
shorter notice), job deadline reminders 3 days before and on the day, each exactly once across
rounds and restarts; the scheduler lock; evaluation and import completion notices."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from models.enums import (
    ApplicationStage,
    CollectionMode,
    ErrorPolicy,
    ImportKind,
    ImportMode,
    ImportStatus,
    NotificationEvent,
    Role,
)
from models.imports import ImportBatch
from models.interview import Interview
from models.notification import Notification, Reminder
from resolvers.evaluations.process import process_evaluations
from resolvers.notifications import hooks, reminders
from tests.api.test_evaluation_actor import pending
from tests.api.test_interviews import schedule, soon, world
from tests.conftest import ON_POSTGRES
from tests.helpers import add, make_application, make_candidate, make_job, make_org, make_user
from tests.test_cli import cli

E = NotificationEvent


async def events_of(db: Any, user: Any) -> list[E]:
    async with db() as session:
        rows = await session.exec(
            select(col(Notification.event))
            .where(col(Notification.user_id) == user.id)
            .order_by(col(Notification.created_at), col(Notification.id))
        )
        return list(rows)


async def starts_at(db: Any, interview_id: str) -> datetime:
    async with db() as session:
        interview = await session.get(Interview, uuid.UUID(interview_id))
        assert interview is not None
        return interview.starts_at


async def test_an_interview_booked_at_short_notice_is_reminded_at_once_and_only_once(
    client, db, settings
):
    # given
    w = await world(db)
    # when: booked five hours ahead, then a scheduler round
    await schedule(client, settings, w, startsAt=soon(hours=5))
    made = await reminders.run_round(db, settings)
    # then
    assert made == 0
    for person in ("candidate_user", "alice", "bob"):
        assert await events_of(db, w[person]) == [E.INTERVIEW_SCHEDULED, E.INTERVIEW_REMINDER]


async def test_an_interview_is_reminded_24_hours_before_once_across_rounds(client, db, settings):
    # given: booked two days ahead
    w = await world(db)
    answer = await schedule(client, settings, w)
    start = await starts_at(db, answer["interview"]["id"])
    # when: a round now, one 23 hours before, and one more (as after a restart)
    early = await reminders.run_round(db, settings, datetime.now(UTC))
    due = await reminders.run_round(db, settings, start - timedelta(hours=23))
    repeat = await reminders.run_round(db, settings, start - timedelta(hours=22))
    # then
    assert (early, due, repeat) == (0, 1, 0)
    assert await events_of(db, w["candidate_user"]) == [
        E.INTERVIEW_SCHEDULED,
        E.INTERVIEW_REMINDER,
    ]
    assert await events_of(db, w["alice"]) == [E.INTERVIEW_SCHEDULED, E.INTERVIEW_REMINDER]
    local = start.astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d %H:%M %Z")
    async with db() as session:
        body = (
            await session.exec(
                select(col(Notification.body)).where(
                    col(Notification.user_id) == w["candidate_user"].id,
                    col(Notification.event) == E.INTERVIEW_REMINDER,
                )
            )
        ).one()
    assert f"starts on {local} (Europe/Berlin)" in body  # in the interview's time zone


async def test_concurrent_rounds_make_each_reminder_once(client, db, settings):
    # given
    w = await world(db)
    answer = await schedule(client, settings, w)
    moment = await starts_at(db, answer["interview"]["id"]) - timedelta(hours=20)
    # when: two schedulers at once (the unique key decides)
    made = await asyncio.gather(
        reminders.run_round(db, settings, moment), reminders.run_round(db, settings, moment)
    )
    # then
    assert sorted(made) == [0, 1]
    assert (await events_of(db, w["candidate_user"])).count(E.INTERVIEW_REMINDER) == 1


async def test_deadline_reminders_come_three_days_before_and_on_the_day(db, settings):
    # given: a job closing at 18:00 UTC in ten days, an applicant, a withdrawn one, a stranger
    closes = (datetime.now(UTC) + timedelta(days=10)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    org = await make_org(db)
    job = await make_job(db, org, closes_at=closes)
    people = [await make_user(db, Role.CANDIDATE) for _ in range(3)]
    applicant, withdrawn, stranger = people
    await make_application(db, await make_candidate(db, user=applicant, nested=0), job)
    await make_application(
        db, await make_candidate(db, user=withdrawn, nested=0), job, ApplicationStage.WITHDRAWN
    )
    await make_candidate(db, user=stranger, nested=0)
    # when
    made = [
        await reminders.run_round(db, settings, closes - offset)
        for offset in (
            timedelta(days=5),
            timedelta(days=2, hours=23),
            timedelta(days=2),
            timedelta(hours=3),
            timedelta(hours=2),
        )
    ]
    # then
    assert made == [0, 1, 0, 1, 0]
    assert await events_of(db, applicant) == [E.JOB_DEADLINE, E.JOB_DEADLINE]
    assert await events_of(db, withdrawn) == []
    assert await events_of(db, stranger) == []
    async with db() as session:
        keys = sorted((await session.exec(select(col(Reminder.key)))).all())
    stamp = f"deadline:{job.id}:{closes.timestamp():.0f}"
    assert keys == [f"{stamp}:3d", f"{stamp}:day"]


@pytest.mark.skipif(not ON_POSTGRES, reason="the advisory lock is PostgreSQL's")
async def test_only_the_scheduler_holding_the_lock_runs_a_round(db, settings):
    # given: another scheduler holds the lock
    async with db() as session:
        conn = await session.connection()
        await conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": reminders.LOCK_ID})
        # when
        ran_while_held = await reminders.run_if_leader(db, settings)
        await conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": reminders.LOCK_ID})
        await session.commit()
    ran_after = await reminders.run_if_leader(db, settings)
    # then
    assert (ran_while_held, ran_after) == (False, True)


async def test_the_requester_is_told_when_an_evaluation_finishes(db, settings):
    # given
    row = await pending(db)
    # when
    await process_evaluations(db, settings, [row.id])
    # then
    async with db() as session:
        users = (
            await session.exec(
                select(col(Notification.user_id)).where(
                    col(Notification.event) == E.EVALUATION_COMPLETED
                )
            )
        ).all()
    assert users == [row.requested_by_id]


async def test_the_partner_is_told_when_an_import_finishes(db, settings):
    # given
    org = await make_org(db)
    partner = await make_user(db, Role.PARTNER, org)
    batch = ImportBatch(
        organization_id=org.id,
        created_by_id=partner.id,
        kind=ImportKind.CANDIDATES,
        mode=ImportMode.ASYNC,
        status=ImportStatus.RUNNING,
        error_policy=ErrorPolicy.IGNORE_FAILED,
        collection_mode=CollectionMode.REPLACE,
    )
    await add(db, batch)
    # when: the one-line call of the import job as it stores each status
    for status in (ImportStatus.RUNNING, ImportStatus.COMPLETED):
        async with db() as session:
            await hooks.import_status(session, batch.id, status)
            await session.commit()
    # then: told once, when it finished
    assert await events_of(db, partner) == [E.IMPORT_FINISHED]


async def test_a_separate_scheduler_needs_a_shared_broker(tmp_path):
    # given: the in-memory broker, whose queues only the server's own worker reads
    db_path = tmp_path / "talentgraph.db"
    # when
    run = await cli(tmp_path, db_path, "scheduler")
    # then
    assert run.returncode == 2
    assert "BROKER_URL must point at Redis or RabbitMQ" in run.stderr
    assert "Traceback" not in run.stderr
