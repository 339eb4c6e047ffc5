"""Reading jobs: by id and as a filtered, ordered, paginated list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, exists, or_
from sqlmodel import col

from loaders.pagination import OrderColumn, PageArgs
from loaders.policy import can_view_job, job_clause
from loaders.registry import LoaderSet
from models.enums import EmploymentType, JobStatus
from models.job import Job, JobSkill
from models.skill import Skill
from resolvers.context import Context
from resolvers.pages import OrderDirection, Page, bounded, fetch_page, like_pattern


class JobOrderField(StrEnum):
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    TITLE = "TITLE"


ID = OrderColumn(col(Job.id), "id", uuid.UUID)
JOB_ORDERS: dict[JobOrderField, tuple[OrderColumn, ...]] = {
    JobOrderField.CREATED_AT: (OrderColumn(col(Job.created_at), "created_at", datetime), ID),
    JobOrderField.UPDATED_AT: (OrderColumn(col(Job.updated_at), "updated_at", datetime), ID),
    JobOrderField.TITLE: (OrderColumn(col(Job.title), "title"), ID),
}


@dataclass(frozen=True)
class JobFilter:
    status: tuple[JobStatus, ...] = ()
    search: str | None = None
    skills: tuple[str, ...] = ()
    location: str | None = None
    employment_type: tuple[EmploymentType, ...] = ()
    remote: bool | None = None
    salary_at_least: int | None = None
    salary_at_most: int | None = None
    organization_id: uuid.UUID | None = None


def job_filters(ctx: Context, flt: JobFilter | None) -> list[ColumnElement[bool]]:
    clauses = [job_clause(ctx.viewer)]
    if flt is None:
        return clauses
    if statuses := bounded(flt.status, "filter.status"):
        clauses.append(col(Job.status).in_(statuses))
    if flt.search and flt.search.strip():
        pattern = like_pattern(flt.search)
        clauses.append(
            or_(
                col(Job.title).ilike(pattern, escape="\\"),
                col(Job.description).ilike(pattern, escape="\\"),
            )
        )
    for name in bounded(flt.skills, "filter.skills"):
        clauses.append(
            exists().where(
                col(JobSkill.job_id) == col(Job.id),
                col(JobSkill.skill_id) == col(Skill.id),
                col(Skill.normalized_name) == name.strip().lower(),
            )
        )
    if flt.location and flt.location.strip():
        clauses.append(col(Job.location).ilike(like_pattern(flt.location), escape="\\"))
    if types := bounded(flt.employment_type, "filter.employmentType"):
        clauses.append(col(Job.employment_type).in_(types))
    if flt.remote is not None:
        clauses.append(col(Job.remote) == flt.remote)
    if flt.salary_at_least is not None:
        # the job can pay at least this much
        clauses.append(col(Job.salary_max) >= flt.salary_at_least)
    if flt.salary_at_most is not None:
        # the job's floor is within this budget
        clauses.append(col(Job.salary_min) <= flt.salary_at_most)
    if flt.organization_id is not None:
        clauses.append(col(Job.organization_id) == flt.organization_id)
    return clauses


async def list_jobs(
    ctx: Context,
    args: PageArgs,
    flt: JobFilter | None,
    order: JobOrderField,
    direction: OrderDirection,
) -> Page[Job]:
    return await fetch_page(
        ctx.session_factory,
        Job,
        job_filters(ctx, flt),
        JOB_ORDERS[order],
        direction,
        f"job:{order.value}",
        args,
    )


async def get_job(ctx: Context, loaders: LoaderSet, job_id: uuid.UUID) -> Job | None:
    row = await loaders.job.load(job_id)
    return row if row is not None and can_view_job(ctx.viewer, row) else None
