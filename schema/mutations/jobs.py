"""Mutations of jobs: fields, skills and status."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models.enums import JobStatus
from resolvers import job_writes
from resolvers.context import Context
from schema.inputs import lookup_id
from schema.inputs_writes import CreateJobInput, JobSkillInput, UpdateJobInput, given
from schema.types.errors import (
    AuthenticationRequired,
    Conflict,
    Duplicate,
    Forbidden,
    NotFound,
    ValidationError,
)
from schema.types.job import JobType

Info = strawberry.Info[Context, None]
JobIdArg = Annotated[strawberry.ID, strawberry.argument(description="Id of the job (a UUID).")]


@strawberry.type(description="A job was changed.")
class JobChanged:
    job: JobType = strawberry.field(description="The job as now stored (with its new `version`).")


@strawberry.type(description="The job was created as DRAFT.")
class CreateJobSuccess(JobChanged):
    pass


@strawberry.type(description="The job was updated.")
class UpdateJobSuccess(JobChanged):
    pass


@strawberry.type(description="The job's skill list was replaced.")
class SetJobSkillsSuccess(JobChanged):
    pass


@strawberry.type(description="The job's status changed.")
class SetJobStatusSuccess(JobChanged):
    pass


CreateJobResult = Annotated[
    CreateJobSuccess | ValidationError | AuthenticationRequired | NotFound | Forbidden | Duplicate,
    strawberry.union("CreateJobResult", description="Result of `createJob`."),
]
UpdateJobResult = Annotated[
    UpdateJobSuccess
    | ValidationError
    | AuthenticationRequired
    | NotFound
    | Forbidden
    | Conflict
    | Duplicate,
    strawberry.union("UpdateJobResult", description="Result of `updateJob`."),
]
SetJobSkillsResult = Annotated[
    SetJobSkillsSuccess | ValidationError | AuthenticationRequired | NotFound | Forbidden,
    strawberry.union("SetJobSkillsResult", description="Result of `setJobSkills`."),
]
SetJobStatusResult = Annotated[
    SetJobStatusSuccess
    | ValidationError
    | AuthenticationRequired
    | NotFound
    | Forbidden
    | Conflict,
    strawberry.union("SetJobStatusResult", description="Result of `setJobStatus`."),
]


@strawberry.type
class JobMutations:
    @strawberry.mutation(
        description="Create a job (status DRAFT) for an organization: admins name it, "
        "recruiters and partners post for their own."
    )
    async def create_job(
        self,
        info: Info,
        input: Annotated[CreateJobInput, strawberry.argument(description="The job.")],
    ) -> CreateJobResult:
        row = await job_writes.create_job(info.context, given(input))
        return CreateJobSuccess(job=JobType.from_model(row))

    @strawberry.mutation(
        description="Change some fields of a job (admins and its organization), if `version` "
        "is still current."
    )
    async def update_job(
        self,
        info: Info,
        id: JobIdArg,
        version: Annotated[
            int,
            strawberry.argument(
                description="The `version` you read; if the stored one differs, nothing "
                "changes and the result is a Conflict carrying the current version."
            ),
        ],
        input: Annotated[UpdateJobInput, strawberry.argument(description="Fields to change.")],
    ) -> UpdateJobResult:
        row = await job_writes.update_job(info.context, lookup_id(id), version, given(input))
        return UpdateJobSuccess(job=JobType.from_model(row))

    @strawberry.mutation(
        description="Replace a job's skills (at most 100, weight 0 to 10). Names are "
        "canonicalized through the skill vocabulary ('Postgres' -> 'PostgreSQL'); two names "
        "for the same skill are rejected. Advances the job's version."
    )
    async def set_job_skills(
        self,
        info: Info,
        job_id: JobIdArg,
        skills: Annotated[
            list[JobSkillInput],
            strawberry.argument(description="The complete new skill list (max 100)."),
        ],
    ) -> SetJobSkillsResult:
        row = await job_writes.set_job_skills(
            info.context, lookup_id(job_id), [s.wanted() for s in skills]
        )
        return SetJobSkillsSuccess(job=JobType.from_model(row))

    @strawberry.mutation(
        description="Move a job through its lifecycle: DRAFT -> OPEN or CLOSED, OPEN -> "
        "CLOSED, CLOSED -> OPEN (reopen). Other moves are a ValidationError on `status`. The "
        "first OPEN sets `publishedAt`. Advances the job's version."
    )
    async def set_job_status(
        self,
        info: Info,
        id: JobIdArg,
        status: Annotated[JobStatus, strawberry.argument(description="The new status.")],
    ) -> SetJobStatusResult:
        row = await job_writes.set_job_status(info.context, lookup_id(id), status)
        return SetJobStatusSuccess(job=JobType.from_model(row))
