"""`retryBackgroundJob`: an admin sends a stuck job again, without waiting for the sweeper."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from models.base import utcnow
from resolvers import outbox, sweeper
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import (
    AuthenticationRequiredError,
    ForbiddenError,
    InvalidStateError,
    NotFoundError,
)

ENTITIES = {"import": "ImportBatch", "document": "Document", "evaluation": "Evaluation"}


@dataclass(frozen=True)
class Retried:
    kind: str  # "import", "document" or "evaluation"
    id: uuid.UUID
    status: str  # the job's state once re-sent


async def retry_job(ctx: Context, kind: str, job_id: uuid.UUID | None) -> Retried:
    """Re-send an unfinished job (claims make a duplicate message harmless); audited.

    Raises:
        NotFoundError: no such job. InvalidStateError: it already finished.
    """
    if ctx.viewer.user_id is None:
        raise AuthenticationRequiredError("Sign in to retry a job")
    if not ctx.viewer.is_admin:
        raise ForbiddenError("Only admins may retry background jobs")
    table = sweeper.TABLES[kind]
    async with ctx.session_factory() as session:
        conn = await session.connection()
        status = None
        if job_id is not None:
            status = (
                await conn.execute(select(table.c.status).where(table.c.id == job_id))
            ).scalar()
        if status is None or job_id is None:
            raise NotFoundError("No such job", field="id")
        ids, messages = await sweeper.RESENDERS[kind](
            session, (table.c.id == job_id) & sweeper.unfinished(kind), utcnow()
        )
        if not ids:
            raise InvalidStateError(f"The job is {status}: nothing to retry", field="id")
        status = (await conn.execute(select(table.c.status).where(table.c.id == job_id))).scalar()
        record(session, ctx, f"{kind}.retry", ENTITIES[kind], job_id, {"status": str(status)})
        await session.commit()
    await outbox.relay_after_commit(ctx.session_factory, messages)
    return Retried(kind, job_id, str(status))
