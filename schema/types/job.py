"""GraphQL types for jobs and their skills."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

import schema.types.common  # noqa: F401  (registers the GraphQL enums)
from loaders.jobs import JobSkillsByJobIdLoader, OrganizationByIdLoader
from loaders.policy import can_view_job
from models.enums import ApplicationStage, EmploymentType, JobStatus
from models.job import Job
from models.skill import Skill
from resolvers.context import Context
from resolvers.pages import bounded
from schema.pages import JobApplicationOrder, nested_connection
from schema.relations import relation, resolved
from schema.types.common import Connection
from schema.types.organization import OrganizationType

if TYPE_CHECKING:
    from schema.types.application import ApplicationType

Info = strawberry.Info[Context, None]
LazyApplication = Annotated["ApplicationType", strawberry.lazy("schema.types.application")]
JOB_APPLICATIONS_CURSOR = "job-application"


@strawberry.type(name="Skill", description="A canonical skill of the shared vocabulary.")
class SkillType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the skill.")
    name: str = strawberry.field(description="Canonical name, e.g. 'JavaScript'.")
    aliases: list[str] = strawberry.field(description="Other spellings, e.g. 'JS'.")
    category: str | None = strawberry.field(description="Grouping such as 'Language'.")

    @classmethod
    def from_model(cls, row: Skill) -> SkillType:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            aliases=list(row.aliases or []),
            category=row.category,
        )


@strawberry.type(name="JobSkill", description="A skill a job asks for.")
class JobSkillType:
    skill_id: strawberry.ID = strawberry.field(description="UUID of the canonical skill.")
    name: str = strawberry.field(description="Canonical skill name.")
    required: bool = strawberry.field(description="True if required, false if preferred.")
    weight: float = strawberry.field(description="Importance for matching, 0 to 10.")

    @classmethod
    def from_model(cls, link: Any) -> JobSkillType:
        """`link` is a job_skills row with the skill's `name` joined in."""
        return cls(
            skill_id=strawberry.ID(str(link.skill_id)),
            name=link.name,
            required=link.required,
            weight=link.weight,
        )


@strawberry.type(
    name="Job",
    description="A position an organization recruits for. Anyone may read OPEN jobs.",
)
class JobType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the job.")
    title: str = strawberry.field(description="Job title.")
    description: str = strawberry.field(description="Full description (max 20,000 chars).")
    location: str | None = strawberry.field(description="Office location, if any.")
    remote: bool = strawberry.field(description="True when the job can be done remotely.")
    employment_type: EmploymentType = strawberry.field(description="Contract form.")
    salary_min: int | None = strawberry.field(description="Lower end of the yearly salary.")
    salary_max: int | None = strawberry.field(description="Upper end of the yearly salary.")
    salary_currency: str | None = strawberry.field(description="ISO 4217 currency code.")
    status: JobStatus = strawberry.field(description="DRAFT, OPEN or CLOSED.")
    external_id: str | None = strawberry.field(
        description="Identifier in the organization's own system."
    )
    version: int = strawberry.field(description="Optimistic-concurrency version.")
    published_at: datetime | None = strawberry.field(description="When it was first opened.")
    closes_at: datetime | None = strawberry.field(
        description="Application deadline, if any: applicants get a reminder 3 days before "
        "and on the day (UTC)."
    )
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    updated_at: datetime = strawberry.field(description="Last change (UTC).")
    row: strawberry.Private[Job]

    @classmethod
    def from_model(cls, row: Job) -> JobType:
        return cls(
            id=strawberry.ID(str(row.id)),
            title=row.title,
            description=row.description,
            location=row.location,
            remote=row.remote,
            employment_type=row.employment_type,
            salary_min=row.salary_min,
            salary_max=row.salary_max,
            salary_currency=row.salary_currency,
            status=row.status,
            external_id=row.external_id,
            version=row.version,
            published_at=row.published_at,
            closes_at=row.closes_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    organization: OrganizationType = relation(
        OrganizationByIdLoader,
        key="organization_id",
        description="The organization that posted the job.",
    )
    skills: list[JobSkillType] = relation(
        JobSkillsByJobIdLoader,
        many=True,
        description="Skills asked for: required first, then by weight and name.",
    )

    @strawberry.field(
        description=(
            "Applications to this job the viewer may see, oldest first (recruiters of the "
            "job's organization see all; an organization those it filed; a candidate their "
            "own)."
        )
    )
    async def applications(
        self,
        info: Info,
        first: Annotated[
            int | None, strawberry.argument(description="Page size: default 20, max 100.")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor to continue after.")
        ] = None,
        stage: Annotated[
            list[ApplicationStage] | None,
            strawberry.argument(description="Only these stages (at most 20 values)."),
        ] = None,
        order_by: Annotated[
            JobApplicationOrder | None,
            strawberry.argument(
                description="CREATED_AT (default): oldest first. SCORE: ranked by the latest "
                "completed evaluation your organization ran for each application, best "
                "first; applications without one come last, newest first."
            ),
        ] = None,
    ) -> Connection[LazyApplication]:
        from schema.types.application import ApplicationType

        stages = bounded(stage, "stage")
        loaders = info.context.loaders_at(info)
        job_id = self.row.id

        async def count() -> int:
            return await loaders.application_count_by_job.load((job_id, stages))  # type: ignore[no-any-return]

        return await nested_connection(
            loaders.application_page_by_job,
            job_id,
            first=first,
            after=after,
            tag=JOB_APPLICATIONS_CURSOR,
            order=(order_by or JobApplicationOrder.CREATED_AT).value,
            filters=stages,
            convert=ApplicationType.from_model,
            count=count,
            info=info,
            node_type="Application",
        )


def visible_job(info: Info, job_id: Any) -> JobType | None:
    """The job by id through the request's loader, or None when missing or not visible.

    For fields of other types that point at a job; may return an awaitable, which
    graphql-core awaits.
    """
    if job_id is None:
        return None
    viewer = info.context.viewer
    return resolved(
        info.context.loaders_at(info).job,
        job_id,
        lambda row: (
            JobType.from_model(row) if row is not None and can_view_job(viewer, row) else None
        ),
    )
