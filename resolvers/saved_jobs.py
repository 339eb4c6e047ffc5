"""Saved jobs (a candidate keeps an eye on a job) and the stages an organization keeps internal."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select

from loaders.policy import can_view_job
from models.base import utcnow
from models.enums import ApplicationStage, Role
from models.job import Job, SavedJob
from models.organization import Organization
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import AuthenticationRequiredError, ForbiddenError, NotFoundError

MAX_SAVED = 200  # jobs one candidate keeps


def _candidate(ctx: Context) -> uuid.UUID:
    if ctx.viewer.user_id is None:
        raise AuthenticationRequiredError("Sign in to do this")
    if ctx.viewer.role is not Role.CANDIDATE or ctx.viewer.candidate_id is None:
        raise ForbiddenError("Candidates save jobs")
    return ctx.viewer.candidate_id


async def save_job(ctx: Context, job_id: uuid.UUID | None) -> Job:
    """Keep a visible job in the candidate's list (saving it again changes nothing)."""
    candidate_id = _candidate(ctx)
    async with ctx.session_factory() as session:
        job = await session.get(Job, job_id) if job_id else None
        if job is None or not can_view_job(ctx.viewer, job):
            raise NotFoundError("Job not found", field="jobId")
        saved = await session.scalar(
            select(col(SavedJob.id)).where(
                col(SavedJob.candidate_id) == candidate_id, col(SavedJob.job_id) == job.id
            )
        )
        if saved is None:
            count = len(
                (
                    await session.exec(
                        select(col(SavedJob.id)).where(col(SavedJob.candidate_id) == candidate_id)
                    )
                ).all()
            )
            if count >= MAX_SAVED:
                raise ForbiddenError(f"At most {MAX_SAVED} saved jobs", field="jobId")
            session.add(SavedJob(candidate_id=candidate_id, job_id=job.id, created_at=utcnow()))
            record(session, ctx, "job.save", "Job", job.id)
            try:
                await session.commit()
            except IntegrityError:  # saved by a concurrent request: the same outcome
                await session.rollback()
    return job


async def unsave_job(ctx: Context, job_id: uuid.UUID | None) -> uuid.UUID | None:
    """Drop a job from the candidate's list; returns its id (None when it was not saved)."""
    candidate_id = _candidate(ctx)
    async with ctx.session_factory() as session:
        result = await session.exec(
            delete(SavedJob).where(
                col(SavedJob.candidate_id) == candidate_id, col(SavedJob.job_id) == job_id
            )
        )
        if result.rowcount:
            record(session, ctx, "job.unsave", "Job", job_id)
        await session.commit()
    return job_id if result.rowcount else None


async def saved_jobs(ctx: Context, candidate_id: uuid.UUID) -> list[Job]:
    """The candidate's own saved jobs that are still visible, newest saved first."""
    if ctx.viewer.candidate_id != candidate_id:
        return []
    async with ctx.session_factory() as session:
        rows = await session.exec(
            select(Job)
            .join(SavedJob, col(SavedJob.job_id) == col(Job.id))
            .where(col(SavedJob.candidate_id) == candidate_id)
            .order_by(col(SavedJob.created_at).desc(), col(SavedJob.id))
        )
        return [job for job in rows.all() if can_view_job(ctx.viewer, job)]


async def set_internal_stages(ctx: Context, stages: list[ApplicationStage]) -> Organization:
    """The stages of the viewer's organization that candidates are not told about."""
    viewer = ctx.viewer
    if viewer.user_id is None:
        raise AuthenticationRequiredError("Sign in to do this")
    if viewer.role is not Role.RECRUITER or viewer.organization_id is None:
        raise ForbiddenError("Recruiters set their organization's pipeline notices")
    finals = {ApplicationStage.HIRED, ApplicationStage.REJECTED, ApplicationStage.WITHDRAWN}
    if finals & set(stages):
        raise ForbiddenError("Candidates are always told a final decision", field="stages")
    async with ctx.session_factory() as session:
        organization = await session.get(Organization, viewer.organization_id)
        if organization is None:
            raise NotFoundError("Organization not found")
        organization.internal_stages = sorted({s.value for s in stages})
        organization.updated_at = utcnow()
        session.add(organization)
        record(
            session,
            ctx,
            "organization.internal_stages",
            "Organization",
            organization.id,
            {"stages": organization.internal_stages},
        )
        await session.commit()
        await session.refresh(organization)
    return organization
