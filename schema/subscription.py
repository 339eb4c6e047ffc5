"""The Subscription root (graphql-transport-ws on /graphql)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from loaders.registry import Loaders
from resolvers.context import Context
from resolvers.documents.watch import watch
from resolvers.evaluations.reads import watch_evaluation, watch_job
from schema.inputs import lookup_id
from schema.mutations.notifications import notification_added
from schema.types.application import EvaluationType
from schema.types.document import DocumentType
from schema.types.notification import NotificationType

Info = strawberry.Info[Context, None]


@strawberry.type(
    description="Live updates over WebSocket (graphql-transport-ws); send the access token as "
    "`Authorization` in the `connection_init` payload."
)
class Subscription:
    @strawberry.subscription(
        description="A CV's state now and after each change (PENDING, PARSING, then PARSED, "
        "FAILED or NEEDS_OCR); completes after the final state. Same visibility as "
        "`document(id)`: a missing or hidden document is a NOT_FOUND error."
    )
    async def document_updated(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="UUID of the document.")],
    ) -> AsyncGenerator[DocumentType, None]:
        ctx = info.context
        async for row in watch(ctx, lookup_id(id)):
            # a connection lives long: nested fields must not see rows cached at an earlier event
            ctx.loaders = Loaders(ctx.session_factory, ctx.viewer)
            yield DocumentType.from_model(row)

    @strawberry.subscription(
        description="An evaluation's state now and after each change (PENDING, RUNNING, then "
        "COMPLETED or FAILED); completes after the final state. Same visibility as "
        "`evaluation(id)`: a missing or hidden evaluation is a NOT_FOUND error."
    )
    async def evaluation_updated(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="UUID of the evaluation.")],
    ) -> AsyncGenerator[EvaluationType, None]:
        ctx = info.context
        async for row in watch_evaluation(ctx, lookup_id(id)):
            ctx.loaders = Loaders(ctx.session_factory, ctx.viewer)
            yield EvaluationType.from_model(row)

    @strawberry.subscription(
        description="Every evaluation of a job each time one changes (queued, running, "
        "finished), for a live ranking; never completes. The job's organization and admins "
        "only; anyone else gets NOT_FOUND."
    )
    async def job_evaluations_updated(
        self,
        info: Info,
        job_id: Annotated[strawberry.ID, strawberry.argument(description="UUID of the job.")],
    ) -> AsyncGenerator[EvaluationType, None]:
        ctx = info.context
        async for row in watch_job(ctx, lookup_id(job_id)):
            ctx.loaders = Loaders(ctx.session_factory, ctx.viewer)
            yield EvaluationType.from_model(row)

    @strawberry.subscription(
        description="Your notifications as they arrive (those sent from now on, oldest first; "
        "not those of events you turned IN_APP off for); never completes. Signed-in users only."
    )
    async def notification_added(self, info: Info) -> AsyncGenerator[NotificationType, None]:
        async for item in notification_added(info):
            yield item
