"""Admin control of background jobs: send a stuck import, CV parse or evaluation again."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from resolvers.context import Context
from resolvers.retry import retry_job
from schema.inputs import lookup_id
from schema.types.errors import AuthenticationRequired, Forbidden, InvalidState, NotFound

Info = strawberry.Info[Context, None]


@strawberry.enum(description="The kinds of background work.")
class BackgroundJobKind(Enum):
    IMPORT = strawberry.enum_value("IMPORT", description="An import job (`importJob(id)`).")
    CV_PARSE = strawberry.enum_value("CV_PARSE", description="The parse of an uploaded CV.")
    EVALUATION = strawberry.enum_value("EVALUATION", description="An evaluation.")


KINDS = {
    BackgroundJobKind.IMPORT: "import",
    BackgroundJobKind.CV_PARSE: "document",
    BackgroundJobKind.EVALUATION: "evaluation",
}


@strawberry.type(description="The job's message was sent again.")
class RetryBackgroundJobSuccess:
    kind: BackgroundJobKind = strawberry.field(description="The kind of job.")
    id: strawberry.ID = strawberry.field(description="The job (import job, document, evaluation).")
    status: str = strawberry.field(
        description="Its status now: QUEUED for an import, else unchanged until a worker runs it."
    )


RetryBackgroundJobResult = Annotated[
    RetryBackgroundJobSuccess | AuthenticationRequired | Forbidden | NotFound | InvalidState,
    strawberry.union("RetryBackgroundJobResult", description="Result of `retryBackgroundJob`."),
]


@strawberry.type
class BackgroundMutations:
    @strawberry.mutation(
        description="Admins: send an unfinished job (QUEUED or RUNNING import, PENDING or "
        "PARSING CV, PENDING or RUNNING evaluation) again now, e.g. one whose worker died or "
        "whose message was lost; the sweeper does the same on its own after a bound. A job "
        "that is running fine is not run twice. Finished jobs are INVALID_STATE. Audited."
    )
    async def retry_background_job(
        self,
        info: Info,
        kind: Annotated[BackgroundJobKind, strawberry.argument(description="The kind of job.")],
        id: Annotated[strawberry.ID, strawberry.argument(description="The job's id.")],
    ) -> RetryBackgroundJobResult:
        retried = await retry_job(info.context, KINDS[kind], lookup_id(id))
        return RetryBackgroundJobSuccess(
            kind=kind, id=strawberry.ID(str(retried.id)), status=retried.status
        )
