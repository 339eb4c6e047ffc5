"""Mutations of applications: apply to a job, move along the pipeline."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from loaders.policy import can_view_application
from models.enums import ApplicationStage
from resolvers import application_writes
from resolvers.context import Context
from resolvers.errors import InvalidTransitionError, NotFoundError
from schema.inputs import lookup_id
from schema.types.application import ApplicationType
from schema.types.common import ErrorCode, UserError
from schema.types.errors import (
    AuthenticationRequired,
    Forbidden,
    JobNotOpen,
    NotFound,
    ValidationError,
)

Info = strawberry.Info[Context, None]


@strawberry.type(description="The application was filed.")
class ApplyToJobSuccess:
    application: ApplicationType = strawberry.field(description="The new application.")


@strawberry.type(description="The application moved; its `events` show the new step.")
class MoveApplicationSuccess:
    application: ApplicationType = strawberry.field(description="The moved application.")


@strawberry.type(description="The candidate has applied to this job already.")
class ApplicationExists(UserError):
    existing_application: ApplicationType | None = strawberry.field(
        description="The application that exists; null when you may not read it (e.g. one the "
        "candidate filed themself with another organization)."
    )


@strawberry.type(description="The pipeline does not allow this move from the current stage.")
class InvalidStageTransition(UserError):
    from_stage: ApplicationStage = strawberry.field(description="The current stage.")
    to_stage: ApplicationStage = strawberry.field(description="The stage asked for.")
    allowed_stages: list[ApplicationStage] = strawberry.field(
        description="Stages you may move this application to now (empty when final)."
    )


class ApplicationExistsHandler(
    strawberry.ExceptionHandler[application_writes.ApplicationExistsError, ApplicationExists]
):
    def handle(
        self, exception: application_writes.ApplicationExistsError, *, field: Any, info: Any
    ) -> ApplicationExists:
        return ApplicationExists(
            code=ErrorCode.DUPLICATE,
            message=exception.message,
            field=exception.field,
            existing_application=(
                ApplicationType.from_model(exception.existing)
                if can_view_application(info.context.viewer, exception.existing)
                else None
            ),
        )


class InvalidTransitionHandler(
    strawberry.ExceptionHandler[InvalidTransitionError, InvalidStageTransition]
):
    def handle(
        self, exception: InvalidTransitionError, *, field: Any, info: Any
    ) -> InvalidStageTransition:
        return InvalidStageTransition(
            code=ErrorCode.INVALID_TRANSITION,
            message=exception.message,
            field=exception.field,
            from_stage=exception.from_stage,
            to_stage=exception.to_stage,
            allowed_stages=list(exception.allowed),
        )


HANDLERS = (ApplicationExistsHandler(), InvalidTransitionHandler())

ApplyToJobResult = Annotated[
    ApplyToJobSuccess
    | ApplicationExists
    | JobNotOpen
    | NotFound
    | Forbidden
    | AuthenticationRequired
    | ValidationError,
    strawberry.union("ApplyToJobResult", description="Result of `applyToJob`."),
]
MoveApplicationResult = Annotated[
    MoveApplicationSuccess
    | InvalidStageTransition
    | NotFound
    | Forbidden
    | AuthenticationRequired
    | ValidationError,
    strawberry.union("MoveApplicationResult", description="Result of `moveApplication`."),
]


@strawberry.type
class ApplicationMutations:
    @strawberry.mutation(
        description="Apply to an OPEN job. Candidates apply for themselves (omit "
        "`candidateId`); recruiters and partners may file an application for a candidate of "
        "their organization. One application per candidate and job."
    )
    async def apply_to_job(
        self,
        info: Info,
        job_id: Annotated[strawberry.ID, strawberry.argument(description="The job.")],
        candidate_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The candidate; default: the signed-in candidate."),
        ] = None,
        cover_letter: Annotated[
            str | None, strawberry.argument(description="Optional, at most 10,000 characters.")
        ] = None,
    ) -> ApplyToJobResult:
        candidate_key = None
        if candidate_id is not None:
            candidate_key = lookup_id(candidate_id)
            if candidate_key is None:
                raise NotFoundError("Candidate not found", field="candidateId")
        row = await application_writes.apply_to_job(
            info.context, lookup_id(job_id), candidate_key, cover_letter
        )
        return ApplyToJobSuccess(application=ApplicationType.from_model(row))

    @strawberry.mutation(
        description="Move an application one step: APPLIED -> SCREENING -> INTERVIEW -> OFFER "
        "-> HIRED, or to REJECTED from any open stage (recruiters of the job's organization), "
        "or to WITHDRAWN (the candidate). Every move is recorded in `events`."
    )
    async def move_application(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The application.")],
        stage: Annotated[ApplicationStage, strawberry.argument(description="The next stage.")],
        note: Annotated[
            str | None,
            strawberry.argument(description="Why, kept with the event (max 2,000 characters)."),
        ] = None,
    ) -> MoveApplicationResult:
        row = await application_writes.move_application(info.context, lookup_id(id), stage, note)
        return MoveApplicationSuccess(application=ApplicationType.from_model(row))
