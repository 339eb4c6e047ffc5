"""The reminder scheduler: every minute it creates the reminders that fell due, each exactly
once (a `Reminder` row with a unique key, committed with its notifications), and sends again
the email deliveries left PENDING. Several schedulers may run: on PostgreSQL an advisory lock
lets one work per round; the unique keys keep even concurrent rounds from repeating one.

Reminders: an interview 24 hours before (at once when booked at shorter notice, by
`hooks.interview_changed`); a job's deadline (`closesAt`) 3 days before and on the day, to the
candidates whose applications are still open. Saved jobs do not exist yet, so only applicants
are reminded.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, text
from sqlmodel import col, select

from models.application import Application
from models.base import utcnow
from models.candidate import Candidate
from models.db import SessionFactory
from models.enums import ApplicationStage, InterviewStatus, JobStatus, NotificationEvent
from models.interview import Interview
from models.job import Job, SavedJob
from models.settings import Settings
from resolvers.notifications import hooks
from resolvers.notifications.deliver import STALE_AFTER, requeue_unfinished
from resolvers.notifications.outbox import notify

logger = logging.getLogger("talentgraph.notifications")

INTERVAL_SECONDS = 60.0
BATCH = 200  # reminders per round and kind; the next round takes the rest
LOCK_ID = 0x7467_6E6F  # the advisory lock of the scheduler ("tgno")
OPEN = (ApplicationStage.APPLIED, ApplicationStage.SCREENING, ApplicationStage.INTERVIEW,
        ApplicationStage.OFFER)  # fmt: skip


async def interview_reminders(factory: SessionFactory, now: datetime, redis_url: str | None) -> int:
    """Remind of the SCHEDULED interviews starting within 24 hours."""
    async with factory() as session:
        due = (
            await session.exec(
                select(Interview)
                .where(
                    col(Interview.status) == InterviewStatus.SCHEDULED,
                    col(Interview.starts_at) > now,
                    col(Interview.starts_at) <= now + hooks.REMIND_BEFORE,
                )
                .order_by(col(Interview.starts_at))
                .limit(BATCH)
            )
        ).all()
    made = 0
    for interview in due:
        async with factory() as session:
            if await hooks.interview_reminder(session, interview, now, redis_url):
                await session.commit()
                made += 1
    return made


def deadline_key(job: Job, now: datetime) -> str | None:
    """`deadline:<job>:<closing time>:day` on the closing day (UTC), `...:3d` in the three
    days before; None otherwise (or once closed)."""
    closes = job.closes_at
    if closes is None or not now < closes:
        return None
    stamp = f"deadline:{job.id}:{closes.timestamp():.0f}"
    if now.date() == closes.date():
        return f"{stamp}:day"
    if closes - now <= timedelta(days=3):
        return f"{stamp}:3d"
    return None


async def deadline_reminders(factory: SessionFactory, now: datetime, redis_url: str | None) -> int:
    """Remind the applicants (open applications) and the candidates who saved an OPEN job
    whose deadline is 3 days away or today."""
    async with factory() as session:
        jobs = (
            await session.exec(
                select(Job)
                .where(
                    col(Job.status) == JobStatus.OPEN,
                    col(Job.closes_at) > now,
                    col(Job.closes_at) <= now + timedelta(days=3),
                )
                .order_by(col(Job.closes_at))
                .limit(BATCH)
            )
        ).all()
    made = 0
    for job in jobs:
        key = deadline_key(job, now)
        if key is None:
            continue
        async with factory() as session:
            if not await hooks.claim_reminder(session, key):
                continue
            applied = select(col(Application.candidate_id)).where(
                col(Application.job_id) == job.id, col(Application.stage).in_(OPEN)
            )
            saved = select(col(SavedJob.candidate_id)).where(col(SavedJob.job_id) == job.id)
            users = await session.exec(
                select(col(Candidate.user_id)).where(
                    or_(col(Candidate.id).in_(applied), col(Candidate.id).in_(saved)),
                    col(Candidate.user_id).is_not(None),
                )
            )
            on_the_day = key.endswith(":day")
            await notify(
                session,
                list(users),
                NotificationEvent.JOB_DEADLINE,
                f"{'Closes today' if on_the_day else 'Closes in 3 days'}: {job.title}",
                f"Applications for {job.title} close on "
                f"{job.closes_at:%Y-%m-%d %H:%M} UTC."
                " Make sure your application is complete.",
                {"jobId": str(job.id)},
                redis_url=redis_url,
            )
            await session.commit()
            made += 1
    return made


async def run_round(
    factory: SessionFactory, settings: Settings, now: datetime | None = None
) -> int:
    """One round: due reminders, then stale deliveries; returns the reminders made."""
    now = now or utcnow()
    made = await interview_reminders(factory, now, settings.redis_url)
    made += await deadline_reminders(factory, now, settings.redis_url)
    await requeue_unfinished(factory, now - STALE_AFTER)
    return made


async def run_if_leader(factory: SessionFactory, settings: Settings) -> bool:
    """A round, if this process holds the scheduler lock (PostgreSQL); SQLite has one host."""
    if settings.is_sqlite:
        await run_round(factory, settings)
        return True
    async with factory() as session:
        conn = await session.connection()
        got = await conn.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": LOCK_ID})
        if not got.scalar():
            return False
        try:
            await run_round(factory, settings)
        finally:
            await conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": LOCK_ID})
            await session.commit()
    return True


async def run_forever(
    factory: SessionFactory, settings: Settings, interval: float = INTERVAL_SECONDS
) -> None:
    """Rounds every `interval` seconds until cancelled; a failed round is logged and retried."""
    while True:
        try:
            await run_if_leader(factory, settings)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.warning("notification scheduler round failed", exc_info=True)
        await asyncio.sleep(interval)
