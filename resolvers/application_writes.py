"""Application writes: applying to a job and moving along the hiring pipeline.

The pipeline is an explicit state machine: APPLIED -> SCREENING -> INTERVIEW -> OFFER -> HIRED,
REJECTED from any open stage (by the hiring organization), WITHDRAWN from any open stage (by
the candidate). HIRED, REJECTED and WITHDRAWN are final. Every move is an ApplicationEvent.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from loaders.policy import (
    can_manage_application,
    can_view_application,
    can_view_candidate,
    can_view_job,
    can_write_candidate,
)
from models.application import Application, ApplicationEvent
from models.candidate import Candidate
from models.enums import ApplicationStage, JobStatus
from models.job import Job
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import (
    AuthenticationRequiredError,
    DuplicateError,
    ForbiddenError,
    InvalidTransitionError,
    JobNotOpenError,
    NotFoundError,
)
from resolvers.notifications import hooks
from resolvers.validation import Checks

S = ApplicationStage
NEXT = {S.APPLIED: S.SCREENING, S.SCREENING: S.INTERVIEW, S.INTERVIEW: S.OFFER, S.OFFER: S.HIRED}
OPEN_STAGES = frozenset(NEXT)


class ApplicationExistsError(DuplicateError):
    """The candidate applied to this job already; `existing` is that application."""

    def __init__(self, existing: Application) -> None:
        super().__init__(
            "The candidate has already applied to this job",
            existing_id=existing.id,
            field="jobId",
        )
        self.existing = existing


def allowed_moves(stage: ApplicationStage, *, by_candidate: bool, by_org: bool) -> list[S]:
    """Stages an application may move to next, for this kind of actor."""
    if stage not in OPEN_STAGES:
        return []
    moves: list[S] = []
    if by_org:
        moves += [NEXT[stage], S.REJECTED]
    if by_candidate:
        moves.append(S.WITHDRAWN)
    return moves


def _require_user(ctx: Context) -> None:
    if ctx.viewer.user_id is None:
        raise AuthenticationRequiredError("Sign in to do this")


async def apply_to_job(
    ctx: Context, job_id: uuid.UUID | None, candidate_id: uuid.UUID | None, cover_letter: str | None
) -> Application:
    """A candidate applies (or an organization files an application for a candidate it may edit)."""
    _require_user(ctx)
    viewer = ctx.viewer
    checks = Checks()
    letter = checks.text("coverLetter", cover_letter, required=False, max_length=10_000)
    checks.done()
    if candidate_id is None:
        if viewer.candidate_id is None:
            raise NotFoundError("Candidate not found", field="candidateId")
        candidate_id = viewer.candidate_id
    async with ctx.session_factory() as session:
        job = await session.get(Job, job_id) if job_id else None
        if job is None or not can_view_job(viewer, job):
            raise NotFoundError("Job not found", field="jobId")
        candidate = await session.get(Candidate, candidate_id)
        if candidate is None or not can_view_candidate(viewer, candidate):
            raise NotFoundError("Candidate not found", field="candidateId")
        # filing an application makes the job's organization "related" to the candidate, which
        # unlocks contact PII: only those who may edit the candidate may create that relation
        if not can_write_candidate(viewer, candidate):
            raise ForbiddenError("You may not apply for this candidate", field="candidateId")
        if job.status is not JobStatus.OPEN:
            raise JobNotOpenError("The job is not open for applications", field="jobId")
        candidate_key, job_key = candidate.id, job.id
        existing = await _existing(session, candidate_key, job_key)
        if existing is not None:
            raise ApplicationExistsError(existing)
        now = datetime.now(UTC)
        application = Application(
            candidate_id=candidate.id,
            job_id=job.id,
            organization_id=job.organization_id,
            filed_by_organization_id=viewer.organization_id if viewer.org_member else None,
            stage=S.APPLIED,
            cover_letter=letter,
            created_at=now,
            updated_at=now,
        )
        try:
            session.add(application)
            await session.flush()
            session.add(
                ApplicationEvent(
                    application_id=application.id, to_stage=S.APPLIED, actor_id=viewer.user_id
                )
            )
            record(
                session,
                ctx,
                "application.create",
                "Application",
                application.id,
                {"jobId": str(job.id), "candidateId": str(candidate.id)},
            )
            await hooks.application_received(
                session, application, job, candidate, ctx.settings.redis_url
            )
            await session.commit()
        except IntegrityError:  # a concurrent application to the same job won
            await session.rollback()  # expires the loaded rows: use the ids kept above
            found = await _existing(session, candidate_key, job_key)
            if found is None:
                raise
            raise ApplicationExistsError(found) from None
    return application


async def _existing(
    session: AsyncSession, candidate_id: uuid.UUID, job_id: uuid.UUID
) -> Application | None:
    """Looked up on the caller's connection: a second pooled connection per request could
    exhaust the pool under concurrent requests."""
    return (
        await session.exec(
            select(Application).where(
                col(Application.candidate_id) == candidate_id,
                col(Application.job_id) == job_id,
            )
        )
    ).first()


async def move_application(
    ctx: Context, application_id: uuid.UUID | None, stage: ApplicationStage, note: str | None
) -> Application:
    """Move one step along the pipeline, recording who moved it, when and why."""
    _require_user(ctx)
    viewer = ctx.viewer
    checks = Checks()
    note = checks.text("note", note, required=False, max_length=2_000)
    checks.done()
    async with ctx.session_factory() as session:
        application = await session.get(Application, application_id) if application_id else None
        if application is None or not can_view_application(viewer, application):
            raise NotFoundError("Application not found", field="id")
        by_org = can_manage_application(viewer, application)
        by_candidate = viewer.is_admin or (
            viewer.candidate_id is not None and application.candidate_id == viewer.candidate_id
        )
        if not by_org and not by_candidate:
            raise ForbiddenError("You may not move this application", field="id")
        current = application.stage
        allowed = allowed_moves(current, by_candidate=by_candidate, by_org=by_org)
        if stage not in allowed:
            raise InvalidTransitionError(
                f"An application in {current.value} cannot move to {stage.value}",
                from_stage=current,
                to_stage=stage,
                allowed=allowed,
            )
        now = datetime.now(UTC)
        moved = await session.exec(
            update(Application)
            .where(col(Application.id) == application.id, col(Application.stage) == current)
            .values(stage=stage, updated_at=now)
        )
        if moved.rowcount != 1:  # someone moved it meanwhile: report the state it is in now
            await session.rollback()
            await session.refresh(application)
            raise InvalidTransitionError(
                f"The application moved to {application.stage.value} meanwhile",
                from_stage=application.stage,
                to_stage=stage,
                allowed=allowed_moves(application.stage, by_candidate=by_candidate, by_org=by_org),
            )
        session.add(
            ApplicationEvent(
                application_id=application.id,
                from_stage=current,
                to_stage=stage,
                actor_id=viewer.user_id,
                note=note,
                created_at=now,
            )
        )
        record(
            session,
            ctx,
            "application.move",
            "Application",
            application.id,
            {"from": current.value, "to": stage.value},
        )
        await hooks.stage_changed(session, application, stage, ctx.settings.redis_url)
        await session.commit()
        await session.refresh(application)
    return application
