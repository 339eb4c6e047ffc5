"""Interviews: scheduling, rescheduling and cancelling, and who may see which of their fields.

The hiring organization's recruiters (and admins) schedule; interviewers are active recruiters or
admins of that organization, never double-booked. Scheduling moves an application in SCREENING
to INTERVIEW, recorded as a stage event like any move. The candidate sees their own interviews
without the interviewer-only fields (preparation notes, the panel, scorecards).
"""

from __future__ import annotations

import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, false, true
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from loaders.pagination import OrderColumn, PageArgs
from loaders.policy import Viewer, can_manage_application, can_view_application
from models.application import Application, ApplicationEvent
from models.base import utcnow
from models.enums import (
    ApplicationStage,
    InterviewKind,
    InterviewStatus,
    NotificationEvent,
    Role,
)
from models.interview import Interview, InterviewPanelist
from models.organization import User
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import (
    ApplicationClosedError,
    AuthenticationRequiredError,
    ForbiddenError,
    InterviewerNotInOrganizationError,
    InterviewInPastError,
    InterviewOverlapError,
    NotFoundError,
)
from resolvers.notifications import hooks
from resolvers.pages import OrderDirection, Page, fetch_page
from resolvers.validation import Checks

CLOSED = frozenset({ApplicationStage.HIRED, ApplicationStage.REJECTED, ApplicationStage.WITHDRAWN})
MAX_INTERVIEWERS = 10
MIN_MINUTES, MAX_MINUTES = 5, 480


@dataclass(frozen=True)
class InterviewWanted:
    starts_at: datetime
    duration_minutes: int
    timezone: str
    kind: InterviewKind
    location: str | None = None
    meeting_url: str | None = None
    interviewer_ids: tuple[uuid.UUID, ...] = ()
    preparation_notes: str | None = None


@dataclass(frozen=True)
class InterviewFilter:
    starts_from: datetime | None = None
    starts_before: datetime | None = None
    interviewer_id: uuid.UUID | None = None
    job_id: uuid.UUID | None = None
    include_cancelled: bool = False


def is_panel_side(viewer: Viewer, organization_id: uuid.UUID) -> bool:
    """Admins and recruiters of the hiring organization: they see every interview field."""
    return viewer.is_admin or (
        viewer.role is Role.RECRUITER and viewer.organization_id == organization_id
    )


def interview_clause(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.is_admin:
        return true()
    if viewer.role is Role.RECRUITER and viewer.organization_id is not None:
        return col(Interview.organization_id) == viewer.organization_id
    if viewer.role is Role.CANDIDATE and viewer.candidate_id is not None:
        return col(Interview.candidate_id) == viewer.candidate_id
    return false()


def can_view_interview(viewer: Viewer, row: Interview) -> bool:
    if is_panel_side(viewer, row.organization_id):
        return True
    return viewer.candidate_id is not None and row.candidate_id == viewer.candidate_id


def _require_user(ctx: Context) -> None:
    if ctx.viewer.user_id is None:
        raise AuthenticationRequiredError("Sign in to do this")


def _check_slot(checks: Checks, starts_at: datetime, minutes: int, timezone: str) -> None:
    if starts_at.tzinfo is None:
        checks.fail("startsAt", "INVALID_FORMAT", "startsAt needs a UTC offset")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        checks.fail(
            "durationMinutes",
            "INVALID_VALUE",
            f"durationMinutes must be between {MIN_MINUTES} and {MAX_MINUTES}",
        )
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        checks.fail("timezone", "INVALID_VALUE", "timezone must be an IANA name like Europe/Berlin")


def _clean(wanted: InterviewWanted) -> InterviewWanted:
    checks = Checks()
    _check_slot(checks, wanted.starts_at, wanted.duration_minutes, wanted.timezone)
    location = checks.text("location", wanted.location, required=False, max_length=300)
    url = checks.text("meetingUrl", wanted.meeting_url, required=False, max_length=500)
    notes = checks.text(
        "preparationNotes", wanted.preparation_notes, required=False, max_length=5000
    )
    if url is not None and not url.lower().startswith(("https://", "http://")):
        checks.fail("meetingUrl", "INVALID_FORMAT", "meetingUrl must be an http(s) URL")
    if wanted.kind is InterviewKind.VIDEO and url is None:
        checks.fail("meetingUrl", "REQUIRED", "a VIDEO interview needs a meetingUrl")
    if wanted.kind is InterviewKind.ONSITE and location is None:
        checks.fail("location", "REQUIRED", "an ONSITE interview needs a location")
    panel = tuple(dict.fromkeys(wanted.interviewer_ids))
    if not 1 <= len(panel) <= MAX_INTERVIEWERS:
        checks.fail("interviewerIds", "INVALID_VALUE", f"give 1 to {MAX_INTERVIEWERS} interviewers")
    checks.done()
    return InterviewWanted(
        starts_at=wanted.starts_at,
        duration_minutes=wanted.duration_minutes,
        timezone=wanted.timezone,
        kind=wanted.kind,
        location=location,
        meeting_url=url,
        interviewer_ids=panel,
        preparation_notes=notes,
    )


async def _managed_application(
    ctx: Context, session: AsyncSession, application_id: uuid.UUID | None
) -> Application:
    application = await session.get(Application, application_id) if application_id else None
    if application is None or not can_view_application(ctx.viewer, application):
        raise NotFoundError("Application not found", field="applicationId")
    if not can_manage_application(ctx.viewer, application):
        raise ForbiddenError("Only the hiring organization schedules interviews")
    if application.stage in CLOSED:
        raise ApplicationClosedError(f"The application is {application.stage.value}")
    return application


async def _check_panel(
    session: AsyncSession,
    organization_id: uuid.UUID,
    panel: tuple[uuid.UUID, ...],
    starts_at: datetime,
    ends_at: datetime,
    ignore: uuid.UUID | None = None,
) -> None:
    """Every interviewer works for the organization and is free for the whole slot."""
    users = (await session.exec(select(User).where(col(User.id).in_(panel)))).all()
    found = {u.id: u for u in users}
    for index, user_id in enumerate(panel):
        user = found.get(user_id)
        if (
            user is None
            or not user.is_active
            or user.organization_id != organization_id
            or user.role not in (Role.RECRUITER, Role.ADMIN)
        ):
            raise InterviewerNotInOrganizationError(
                "Interviewers must be active recruiters of the hiring organization",
                field=f"interviewerIds[{index}]",
            )
    busy = select(col(InterviewPanelist.user_id), col(Interview.id)).join(
        Interview, col(Interview.id) == col(InterviewPanelist.interview_id)
    )
    busy = busy.where(
        col(InterviewPanelist.user_id).in_(panel),
        col(Interview.status) == InterviewStatus.SCHEDULED,
        and_(col(Interview.starts_at) < ends_at, col(Interview.ends_at) > starts_at),
    )
    if ignore is not None:
        busy = busy.where(col(Interview.id) != ignore)
    clash = (await session.exec(busy.limit(1))).first()
    if clash is not None:
        raise InterviewOverlapError(
            "An interviewer has another interview at that time",
            interviewer_id=clash[0],
            interview_id=clash[1],
        )


async def schedule_interview(
    ctx: Context, application_id: uuid.UUID | None, wanted: InterviewWanted
) -> Interview:
    _require_user(ctx)
    wanted = _clean(wanted)
    now = utcnow()
    if wanted.starts_at <= now:
        raise InterviewInPastError("The interview must start in the future", field="startsAt")
    ends_at = wanted.starts_at + timedelta(minutes=wanted.duration_minutes)
    async with ctx.session_factory() as session:
        application = await _managed_application(ctx, session, application_id)
        await _check_panel(
            session, application.organization_id, wanted.interviewer_ids, wanted.starts_at, ends_at
        )
        interview = Interview(
            application_id=application.id,
            organization_id=application.organization_id,
            candidate_id=application.candidate_id,
            job_id=application.job_id,
            starts_at=wanted.starts_at,
            ends_at=ends_at,
            duration_minutes=wanted.duration_minutes,
            timezone=wanted.timezone,
            kind=wanted.kind,
            location=wanted.location,
            meeting_url=wanted.meeting_url,
            preparation_notes=wanted.preparation_notes,
            status=InterviewStatus.SCHEDULED,
            created_by_id=ctx.viewer.user_id,
            created_at=now,
            updated_at=now,
        )
        session.add(interview)
        await session.flush()
        session.add_all(
            InterviewPanelist(interview_id=interview.id, user_id=user_id)
            for user_id in wanted.interviewer_ids
        )
        if application.stage is ApplicationStage.SCREENING:
            session.add(
                ApplicationEvent(
                    application_id=application.id,
                    from_stage=ApplicationStage.SCREENING,
                    to_stage=ApplicationStage.INTERVIEW,
                    actor_id=ctx.viewer.user_id,
                    note="Interview scheduled",
                    created_at=now,
                )
            )
            application.stage = ApplicationStage.INTERVIEW
            application.updated_at = now
            session.add(application)
        record(
            session,
            ctx,
            "interview.schedule",
            "Interview",
            interview.id,
            {"applicationId": str(application.id), "startsAt": wanted.starts_at.isoformat()},
        )
        await hooks.interview_changed(
            session, interview, NotificationEvent.INTERVIEW_SCHEDULED, ctx.settings.redis_url
        )
        await session.commit()
        await session.refresh(interview)
    return interview


async def _managed_interview(
    ctx: Context, session: AsyncSession, interview_id: uuid.UUID | None
) -> Interview:
    _require_user(ctx)
    interview = await session.get(Interview, interview_id) if interview_id else None
    if interview is None or not can_view_interview(ctx.viewer, interview):
        raise NotFoundError("Interview not found", field="id")
    if not is_panel_side(ctx.viewer, interview.organization_id):
        raise ForbiddenError("Only the hiring organization changes interviews", field="id")
    if interview.status is InterviewStatus.CANCELLED:
        raise ApplicationClosedError("The interview was cancelled", field="id")
    application = await session.get(Application, interview.application_id)
    if application is not None and application.stage in CLOSED:
        raise ApplicationClosedError(f"The application is {application.stage.value}")
    return interview


async def reschedule_interview(
    ctx: Context,
    interview_id: uuid.UUID | None,
    starts_at: datetime,
    duration_minutes: int | None,
    timezone: str | None,
) -> Interview:
    async with ctx.session_factory() as session:
        interview = await _managed_interview(ctx, session, interview_id)
        minutes = duration_minutes or interview.duration_minutes
        zone = timezone or interview.timezone
        checks = Checks()
        _check_slot(checks, starts_at, minutes, zone)
        checks.done()
        if starts_at <= utcnow():
            raise InterviewInPastError("The interview must start in the future", field="startsAt")
        ends_at = starts_at + timedelta(minutes=minutes)
        panel = tuple(
            (
                await session.exec(
                    select(col(InterviewPanelist.user_id)).where(
                        col(InterviewPanelist.interview_id) == interview.id
                    )
                )
            ).all()
        )
        await _check_panel(
            session, interview.organization_id, panel, starts_at, ends_at, ignore=interview.id
        )
        before = interview.starts_at
        interview.starts_at, interview.ends_at = starts_at, ends_at
        interview.duration_minutes, interview.timezone = minutes, zone
        interview.sequence += 1
        interview.updated_at = utcnow()
        session.add(interview)
        record(
            session,
            ctx,
            "interview.reschedule",
            "Interview",
            interview.id,
            {"from": before.isoformat(), "to": starts_at.isoformat()},
        )
        await hooks.interview_changed(
            session, interview, NotificationEvent.INTERVIEW_RESCHEDULED, ctx.settings.redis_url
        )
        await session.commit()
        await session.refresh(interview)
    return interview


async def cancel_interview(
    ctx: Context, interview_id: uuid.UUID | None, reason: str | None
) -> Interview:
    checks = Checks()
    cleaned = checks.text("reason", reason, required=False, max_length=1000)
    checks.done()
    async with ctx.session_factory() as session:
        interview = await _managed_interview(ctx, session, interview_id)
        interview.status = InterviewStatus.CANCELLED
        interview.cancel_reason = cleaned
        interview.sequence += 1
        interview.updated_at = utcnow()
        session.add(interview)
        record(session, ctx, "interview.cancel", "Interview", interview.id)
        await hooks.interview_changed(
            session, interview, NotificationEvent.INTERVIEW_CANCELLED, ctx.settings.redis_url
        )
        await session.commit()
        await session.refresh(interview)
    return interview


INTERVIEW_ORDER = (
    OrderColumn(col(Interview.starts_at), "starts_at", datetime),
    OrderColumn(col(Interview.id), "id", uuid.UUID),
)


async def list_interviews(
    ctx: Context, args: PageArgs, flt: InterviewFilter | None
) -> Page[Interview]:
    """The viewer's calendar: their organization's interviews (a candidate's own), by time."""
    flt = flt or InterviewFilter()
    clauses = [interview_clause(ctx.viewer)]
    if not flt.include_cancelled:
        clauses.append(col(Interview.status) == InterviewStatus.SCHEDULED)
    if flt.starts_from is not None:
        clauses.append(col(Interview.starts_at) >= flt.starts_from)
    if flt.starts_before is not None:
        clauses.append(col(Interview.starts_at) < flt.starts_before)
    if flt.job_id is not None:
        clauses.append(col(Interview.job_id) == flt.job_id)
    if flt.interviewer_id is not None:
        clauses.append(
            col(Interview.id).in_(
                select(col(InterviewPanelist.interview_id)).where(
                    col(InterviewPanelist.user_id) == flt.interviewer_id
                )
            )
        )
    return await fetch_page(
        ctx.session_factory,
        Interview,
        clauses,
        INTERVIEW_ORDER,
        OrderDirection.ASC,
        "interview",
        args,
    )
