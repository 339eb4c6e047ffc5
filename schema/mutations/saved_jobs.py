"""Mutations of saved jobs, and of the stages an organization keeps internal."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models.enums import ApplicationStage
from resolvers import saved_jobs
from resolvers.context import Context
from schema.inputs import lookup_id
from schema.types.errors import AuthenticationRequired, Forbidden, NotFound
from schema.types.job import JobType
from schema.types.organization import OrganizationType

Info = strawberry.Info[Context, None]
JobArg = Annotated[strawberry.ID, strawberry.argument(description="UUID of the job.")]


@strawberry.type(description="The job is in your saved jobs.")
class JobSaved:
    job: JobType = strawberry.field(description="The saved job.")


@strawberry.type(description="The job is no longer in your saved jobs.")
class JobUnsaved:
    job_id: strawberry.ID = strawberry.field(description="The job.")
    was_saved: bool = strawberry.field(description="False when it had not been saved.")


@strawberry.type(description="The organization's internal stages were set.")
class InternalStagesSet:
    organization: OrganizationType = strawberry.field(description="The organization.")


SaveJobResult = Annotated[
    JobSaved | NotFound | Forbidden | AuthenticationRequired,
    strawberry.union("SaveJobResult", description="Result of `saveJob`."),
]
UnsaveJobResult = Annotated[
    JobUnsaved | Forbidden | AuthenticationRequired,
    strawberry.union("UnsaveJobResult", description="Result of `unsaveJob`."),
]
InternalStagesResult = Annotated[
    InternalStagesSet | Forbidden | AuthenticationRequired,
    strawberry.union("InternalStagesResult", description="Result of `setInternalStages`."),
]


@strawberry.type
class SavedJobMutations:
    @strawberry.mutation(
        description="Keep a job you may see in your saved jobs (candidates; at most 200): its "
        "deadline reminders reach you too. Saving it again changes nothing."
    )
    async def save_job(self, info: Info, job_id: JobArg) -> SaveJobResult:
        job = await saved_jobs.save_job(info.context, lookup_id(job_id))
        return JobSaved(job=JobType.from_model(job))

    @strawberry.mutation(description="Drop a job from your saved jobs (candidates).")
    async def unsave_job(self, info: Info, job_id: JobArg) -> UnsaveJobResult:
        found = await saved_jobs.unsave_job(info.context, lookup_id(job_id))
        return JobUnsaved(job_id=job_id, was_saved=found is not None)

    @strawberry.mutation(
        description="Set the pipeline stages your organization keeps internal: candidates get "
        "no notification of a move to one of them (e.g. SCREENING). Final stages (HIRED, "
        "REJECTED, WITHDRAWN) are always told. Recruiters of the organization."
    )
    async def set_internal_stages(
        self,
        info: Info,
        stages: Annotated[
            list[ApplicationStage],
            strawberry.argument(description="The stages; an empty list tells every move."),
        ],
    ) -> InternalStagesResult:
        organization = await saved_jobs.set_internal_stages(info.context, stages)
        return InternalStagesSet(organization=OrganizationType.from_model(organization))
