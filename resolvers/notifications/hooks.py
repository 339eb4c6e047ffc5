"""The events that notify people: one function per event, called by the resolver that causes
it, inside that resolver's transaction (see `outbox.notify`).

Recipients are users: a candidate is told through the account that owns their profile, so a
talent-pool profile without an account is not notified.
"""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.application import Application
from models.base import utcnow
from models.candidate import Candidate
from models.enums import (
    ApplicationStage,
    ImportStatus,
    InterviewStatus,
    NotificationEvent,
    Role,
)
from models.evaluation import Evaluation
from models.imports import ImportBatch
from models.interview import Interview, InterviewPanelist
from models.job import Job
from models.notification import Notification, Reminder
from models.organization import Organization, User
from resolvers.notifications.outbox import notify

E = NotificationEvent
S = ApplicationStage
REMIND_BEFORE = timedelta(hours=24)

STAGE_WORDING = {
    S.APPLIED: "Your application was received.",
    S.SCREENING: "Your application is being reviewed by the hiring team.",
    S.INTERVIEW: "Good news: the hiring team would like to interview you. "
    "You will receive the invitation separately.",
    S.OFFER: "Congratulations: the hiring team is preparing an offer for you.",
    S.HIRED: "Congratulations, you are hired! Welcome aboard.",
    S.REJECTED: "Thank you for your interest. The hiring team has decided not to move "
    "forward with your application.",
    S.WITHDRAWN: "Your application was withdrawn.",
}


async def _candidate_user(session: AsyncSession, candidate_id: uuid.UUID) -> uuid.UUID | None:
    return (
        await session.exec(select(col(Candidate.user_id)).where(col(Candidate.id) == candidate_id))
    ).first()


async def _job_title(session: AsyncSession, job_id: uuid.UUID) -> str:
    title = (await session.exec(select(col(Job.title)).where(col(Job.id) == job_id))).first()
    return title or "a job"


async def application_received(
    session: AsyncSession,
    application: Application,
    job: Job,
    candidate: Candidate,
    redis_url: str | None = None,
) -> None:
    """To the candidate, and to the recruiters of the job's organization."""
    title = job.title
    payload = {"applicationId": str(application.id), "jobId": str(application.job_id)}
    candidate_user = candidate.user_id
    await notify(
        session,
        [candidate_user],
        E.APPLICATION_RECEIVED,
        f"Application received: {title}",
        f"Your application for {title} was received. We will keep you posted.",
        payload,
        redis_url=redis_url,
    )
    recruiters = await session.exec(
        select(col(User.id)).where(
            col(User.organization_id) == application.organization_id,
            col(User.role) == Role.RECRUITER,
            col(User.is_active).is_(True),
        )
    )
    await notify(
        session,
        [u for u in recruiters if u != candidate_user],
        E.APPLICATION_RECEIVED,
        f"New application: {title}",
        f"A new application for {title} arrived.",
        payload,
        redis_url=redis_url,
    )


async def stage_changed(
    session: AsyncSession, application: Application, stage: ApplicationStage, redis_url: str | None
) -> None:
    """To the candidate, worded per stage (none for a stage the organization keeps internal)."""
    organization = await session.get(Organization, application.organization_id)
    if organization is not None and stage.value in (organization.internal_stages or []):
        return
    title = await _job_title(session, application.job_id)
    await notify(
        session,
        [await _candidate_user(session, application.candidate_id)],
        E.STAGE_CHANGED,
        f"Update on your application: {title}",
        STAGE_WORDING[stage],
        {"applicationId": str(application.id), "jobId": str(application.job_id), "stage": stage},
        redis_url=redis_url,
    )


async def interview_people(session: AsyncSession, interview: Interview) -> list[uuid.UUID | None]:
    panel = await session.exec(
        select(col(InterviewPanelist.user_id)).where(
            col(InterviewPanelist.interview_id) == interview.id
        )
    )
    return [await _candidate_user(session, interview.candidate_id), *panel]


def _when(interview: Interview) -> str:
    """The start in the interview's own time zone, e.g. `2026-12-01 14:00 CET`."""
    try:
        local = interview.starts_at.astimezone(zoneinfo.ZoneInfo(interview.timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        local = interview.starts_at
    return local.strftime("%Y-%m-%d %H:%M %Z")


async def interview_changed(
    session: AsyncSession,
    interview: Interview,
    notification_event: NotificationEvent,
    redis_url: str | None = None,
) -> None:
    """Scheduled, rescheduled or cancelled: to the candidate and the panel, with the .ics; a
    booking less than 24 hours ahead also gets its reminder at once."""
    title = await _job_title(session, interview.job_id)
    wording = {
        E.INTERVIEW_SCHEDULED: ("Interview invitation", "You are invited to an interview on "),
        E.INTERVIEW_RESCHEDULED: ("Interview moved", "The interview was moved to "),
        E.INTERVIEW_CANCELLED: ("Interview cancelled", "The interview planned for "),
    }
    heading, lead = wording[notification_event]
    body = f"{lead}{_when(interview)} ({interview.timezone}) for {title}."
    if notification_event is E.INTERVIEW_CANCELLED:
        body = f"{lead}{_when(interview)} for {title} was cancelled."
    await notify(
        session,
        await interview_people(session, interview),
        notification_event,
        f"{heading}: {title}",
        body,
        _interview_payload(interview),
        redis_url=redis_url,
    )
    if notification_event is not E.INTERVIEW_CANCELLED:
        await interview_reminder(session, interview, interview.updated_at, redis_url)


def _interview_payload(interview: Interview) -> dict[str, str]:
    return {
        "interviewId": str(interview.id),
        "applicationId": str(interview.application_id),
        "jobId": str(interview.job_id),
    }


def reminder_key(interview: Interview) -> str:
    """One reminder per interview and start time: a moved interview is reminded again."""
    return f"interview:{interview.id}:{interview.starts_at.timestamp():.0f}"


async def claim_reminder(session: AsyncSession, key: str) -> bool:
    """Insert the reminder's row unless it exists (in a savepoint, so a race loses cleanly)."""
    from sqlalchemy.exc import IntegrityError

    exists = (await session.exec(select(col(Reminder.id)).where(col(Reminder.key) == key))).first()
    if exists is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(Reminder(key=key))
    except IntegrityError:
        return False
    return True


async def interview_reminder(
    session: AsyncSession, interview: Interview, now: datetime, redis_url: str | None = None
) -> bool:
    """The reminder, if the interview is SCHEDULED, starts within 24 hours and was not
    reminded of at this start time yet."""
    if interview.status is not InterviewStatus.SCHEDULED:
        return False
    if not now < interview.starts_at <= now + REMIND_BEFORE:
        return False
    if not await claim_reminder(session, reminder_key(interview)):
        return False
    title = await _job_title(session, interview.job_id)
    await notify(
        session,
        await interview_people(session, interview),
        E.INTERVIEW_REMINDER,
        f"Reminder: interview for {title}",
        f"Your interview for {title} starts on {_when(interview)} ({interview.timezone}).",
        _interview_payload(interview),
        redis_url=redis_url,
    )
    return True


async def evaluations_finished(
    session: AsyncSession, rows: list[Evaluation], redis_url: str | None = None
) -> None:
    """To whoever requested them: one notification per requester and finished group (a
    ranking of a job's applicants is one message, not one per applicant)."""
    by_requester: dict[uuid.UUID, list[Evaluation]] = {}
    for row in rows:
        if row.requested_by_id is not None:
            by_requester.setdefault(row.requested_by_id, []).append(row)
    for user_id, group in by_requester.items():
        many = len(group) > 1
        await notify(
            session,
            [user_id],
            E.EVALUATION_COMPLETED,
            f"{len(group)} evaluations finished" if many else "Evaluation finished",
            f"{len(group)} evaluations you requested have finished; open them to see the results."
            if many
            else "An evaluation you requested has finished; open it to see the result.",
            {"evaluationId": str(group[0].id), "count": len(group)},
            redis_url=redis_url,
        )


async def import_status(
    session: AsyncSession, batch_id: uuid.UUID, status: ImportStatus | None
) -> list[Notification]:
    """The import job's hook: when `status` is final (COMPLETED or FAILED), tell the account
    that submitted the import. One line in the session that stores the status, before its
    commit: `await hooks.import_status(session, batch_id, values.get("status"))`."""
    if status not in (ImportStatus.COMPLETED, ImportStatus.FAILED):
        return []
    batch = await session.get(ImportBatch, batch_id)
    if batch is None:
        return []
    return await notify(
        session,
        [batch.created_by_id],
        E.IMPORT_FINISHED,
        "Import finished",
        f"Your import finished with status {status.value}.",
        {"importJobId": str(batch.id), "status": status.value},
    )


async def registration_attempt(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Someone tried to sign up with this user's email: told at most once an hour, so that
    sign-ups with someone's address cannot flood their mailbox."""
    hour = utcnow().strftime("%Y%m%d%H")
    if not await claim_reminder(session, f"registration:{user_id}:{hour}"):
        return
    await notify(
        session,
        [user_id],
        E.REGISTRATION_ATTEMPT,
        "Someone tried to register with your email",
        "Someone tried to create an account with your email address. If it was you, sign "
        "in instead (or reset your password). If not, you can ignore this message.",
    )
