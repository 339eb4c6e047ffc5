"""Creating and changing jobs: fields, skills and the DRAFT -> OPEN -> CLOSED lifecycle."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from loaders.policy import can_create_job_for, can_view_job, can_write_job
from models.enums import JobStatus, Role
from models.job import Job, JobSkill
from models.organization import Organization
from resolvers.audit import record
from resolvers.candidate_writes import require_viewer
from resolvers.context import Context
from resolvers.errors import (
    ConflictError,
    DuplicateError,
    ForbiddenError,
    NotFoundError,
    ValidationFailedError,
)
from resolvers.skills_vocabulary import SkillWanted, check_skill_list, resolve_skills
from resolvers.write_checks import WriteChecks, merged

TEXT_FIELDS = {
    "title": (True, 200),
    "location": (False, 200),
    "external_id": (False, 200),
}
JOB_NOT_FOUND = "Job not found"
# allowed status changes: a job is published, closed, and may be reopened
TRANSITIONS: dict[JobStatus, set[JobStatus]] = {
    JobStatus.DRAFT: {JobStatus.OPEN, JobStatus.CLOSED},
    JobStatus.OPEN: {JobStatus.CLOSED},
    JobStatus.CLOSED: {JobStatus.OPEN},
}


def clean_job(checks: WriteChecks, given: dict[str, Any], row: Job | None) -> dict[str, Any]:
    """Validate the given fields; ranges are checked against the values after the change."""
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name in TEXT_FIELDS:
            required, max_length = TEXT_FIELDS[name]
            values[name] = checks.string(name, value, required=required, max_length=max_length)
        elif name == "description":
            text = checks.string(name, value, required=False, max_length=20000)
            values[name] = text or ""
        elif name in ("salary_min", "salary_max"):
            values[name] = checks.number(name, value, low=0)
        elif name == "salary_currency":
            values[name] = checks.currency(name, value)
        elif name in ("remote", "employment_type"):
            if value is None:
                checks.reject(name, "REQUIRED", f"{checks.name(name)} must not be null")
            values[name] = value
        elif name == "closes_at":
            if value is not None and value <= datetime.now(UTC):
                checks.reject(name, "INVALID_VALUE", f"{checks.name(name)} must be in the future")
            values[name] = value
        elif name != "organization_id":  # pragma: no cover - the inputs hold only these
            raise ValueError(f"unknown job field {name}")
    low, high = merged(row, values, "salary_min"), merged(row, values, "salary_max")
    if low is not None and high is not None and low > high and not checks.has("salary_max"):
        checks.reject(
            "salary_max",
            "INVALID_VALUE",
            f"{checks.name('salary_max')} must be >= {checks.name('salary_min')}",
        )
    return values


async def _duplicate(
    ctx: Context, organization_id: uuid.UUID, external_id: str | None, exc: Exception | None
) -> None:
    if external_id is None:
        return
    async with ctx.session_factory() as session:
        existing = (
            await session.exec(
                select(col(Job.id)).where(
                    col(Job.organization_id) == organization_id,
                    col(Job.external_id) == external_id,
                )
            )
        ).first()
    if existing is not None:
        raise DuplicateError(
            "Another job of this organization has this externalId",
            existing_id=existing,
            field="input.externalId",
        ) from exc


async def create_job(ctx: Context, given: dict[str, Any]) -> Job:
    """Admins name the organization; recruiters and partners post for their own."""
    require_viewer(ctx)
    viewer = ctx.viewer
    if viewer.role is Role.CANDIDATE:
        raise ForbiddenError("Candidates cannot post jobs")
    checks = WriteChecks()
    values = clean_job(checks, given, None)
    organization_id: uuid.UUID | None = None
    if given.get("organization_id") is not None:
        try:
            organization_id = uuid.UUID(str(given["organization_id"]))
        except ValueError:
            checks.reject("organization_id", "INVALID_FORMAT", "input.organizationId is not an id")
    elif viewer.is_admin:
        checks.reject("organization_id", "REQUIRED", "Admins must name the organization")
    checks.done()
    org_id = organization_id or viewer.organization_id
    if org_id is None or not can_create_job_for(viewer, org_id):
        raise ForbiddenError(
            "You may post jobs only for your organization", field="input.organizationId"
        )
    async with ctx.session_factory() as session:
        if await session.get(Organization, org_id) is None:
            raise NotFoundError("Organization not found", field="input.organizationId")
        await _duplicate(ctx, org_id, values.get("external_id"), None)
        row = Job(organization_id=org_id, status=JobStatus.DRAFT, **values)
        session.add(row)
        record(session, ctx, "job.create", "Job", row.id, {"organizationId": str(org_id)})
        try:
            await session.commit()
        except IntegrityError as exc:
            await session.rollback()
            await _duplicate(ctx, org_id, values.get("external_id"), exc)
            raise
    return row


async def writable_job(session: AsyncSession, ctx: Context, job_id: uuid.UUID | None) -> Job:
    require_viewer(ctx)
    row = await session.get(Job, job_id) if job_id is not None else None
    if row is None or not can_view_job(ctx.viewer, row):
        raise NotFoundError(JOB_NOT_FOUND, field="id")
    if not can_write_job(ctx.viewer, row):
        raise ForbiddenError("You may not change this job", field="id")
    return row


async def _advance(
    session: AsyncSession,
    row: Job,
    changes: dict[str, Any],
    version: int | None,
    *,
    status: JobStatus | None = None,
) -> None:
    """`UPDATE jobs ... WHERE id = :id [AND version = :version] [AND status = :status]`.

    Without `version` the stored version is incremented in SQL; `status` guards a status move
    against a concurrent one. Raises ConflictError when a guard no longer holds.
    """
    job_id = row.id  # rows expire on rollback
    statement = update(Job).where(col(Job.id) == job_id)
    if version is None:
        statement = statement.values(version=col(Job.version) + 1)
    else:
        statement = statement.where(col(Job.version) == version).values(version=version + 1)
    if status is not None:
        statement = statement.where(col(Job.status) == status)
    result = await session.exec(statement.values(**changes, updated_at=datetime.now(UTC)))
    if result.rowcount != 1:
        await session.rollback()
        current = (
            await session.exec(select(col(Job.version)).where(col(Job.id) == job_id))
        ).first()
        if current is None:
            raise NotFoundError(JOB_NOT_FOUND, field="id")
        raise ConflictError(
            "Job changed meanwhile (read it again)", current_version=current, field="version"
        )
    await session.refresh(row)


async def update_job(
    ctx: Context, job_id: uuid.UUID | None, version: int, given: dict[str, Any]
) -> Job:
    """Change only the given fields, if `version` is still the stored one."""
    async with ctx.session_factory() as session:
        row = await writable_job(session, ctx, job_id)
        checks = WriteChecks()
        values = clean_job(checks, given, row)
        checks.done()
        if version != row.version:
            raise ConflictError(
                f"Job is at version {row.version}, not {version}",
                current_version=row.version,
                field="version",
            )
        external_id = values.get("external_id")
        organization_id = row.organization_id  # rows expire on rollback
        if external_id is not None and external_id != row.external_id:
            await _duplicate(ctx, organization_id, external_id, None)
        try:
            await _advance(session, row, values, version)
            record(session, ctx, "job.update", "Job", row.id, {"fields": sorted(values)})
            await session.commit()
        except IntegrityError as exc:
            await session.rollback()
            await _duplicate(ctx, organization_id, external_id, exc)
            raise
    return row


async def set_job_status(ctx: Context, job_id: uuid.UUID | None, status: JobStatus) -> Job:
    """DRAFT -> OPEN -> CLOSED, CLOSED -> OPEN; the first OPEN sets `publishedAt`."""
    async with ctx.session_factory() as session:
        row = await writable_job(session, ctx, job_id)
        previous = row.status
        if status not in TRANSITIONS[previous]:
            allowed = ", ".join(sorted(TRANSITIONS[previous]))
            raise ValidationFailedError(
                [
                    (
                        "status",
                        "INVALID_VALUE",
                        f"A {previous} job can become {allowed}, not {status}",
                    )
                ]
            )
        changes: dict[str, Any] = {"status": status}
        if status is JobStatus.OPEN and row.published_at is None:
            changes["published_at"] = datetime.now(UTC)
        await _advance(session, row, changes, None, status=previous)
        record(session, ctx, "job.status", "Job", row.id, {"from": previous, "to": status})
        await session.commit()
    return row


async def set_job_skills(ctx: Context, job_id: uuid.UUID | None, wanted: list[SkillWanted]) -> Job:
    """Replace the job's skill list; names go through the vocabulary."""
    checks = WriteChecks(prefix="")
    check_skill_list(checks, wanted, "skills")
    for index, item in enumerate(wanted):
        checks.number(f"skills[{index}].weight", item.weight, low=0, high=10)
    async with ctx.session_factory() as session:
        row = await writable_job(session, ctx, job_id)
        checks.done()
        skills = await resolve_skills(session, wanted, "skills")
        await session.exec(delete(JobSkill).where(col(JobSkill.job_id) == row.id))
        session.add_all(
            JobSkill(job_id=row.id, skill_id=skill.id, required=item.required, weight=item.weight)
            for item, skill in zip(wanted, skills, strict=True)
        )
        await session.flush()
        await _advance(session, row, {}, None)
        record(session, ctx, "job.skills", "Job", row.id, {"skills": [s.name for s in skills]})
        await session.commit()
    return row
