"""Enqueueing through the outbox: stage the message with the job, send it after the commit.

`stage` adds the message row to the session that writes the job, so a submit either stores
both or nothing. `relay_after_commit` then sends it at once, which is the usual path; when the
broker does not take it (down, unreachable) the submit still succeeds and the row waits for the
sweeper's `relay`, so an outage delays work instead of losing it. A message sent twice (the
process died between sending and marking it sent) is harmless: every actor claims its job.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import utcnow
from models.db import SessionFactory
from models.outbox import OutboxMessage
from tasks.broker import current_request_id, send
from tasks.names import Route

logger = logging.getLogger("talentgraph.outbox")
BATCH = 500  # rows one relay pass reads and sends
MAX_ERROR = 500


def stage(session: AsyncSession, route: Route, *args: str) -> uuid.UUID:
    """Add a message for `route` to the job's transaction; returns its id for the relay."""
    row = OutboxMessage(
        actor=route.actor, queue=route.queue, args=list(args), request_id=current_request_id.get()
    )
    session.add(row)
    return row.id


async def relay(
    factory: SessionFactory,
    ids: Sequence[uuid.UUID] | None = None,
    *,
    created_before: datetime | None = None,
) -> int:
    """Send unsent messages (these `ids`, or the oldest ones) in order and mark them sent.

    Stops at the first message the broker refuses, counts the failure on it and raises.
    Returns how many were sent.
    """
    statement = select(OutboxMessage).where(col(OutboxMessage.sent_at).is_(None))
    if ids is not None:
        statement = statement.where(col(OutboxMessage.id).in_(list(ids)))
    if created_before is not None:
        statement = statement.where(col(OutboxMessage.created_at) < created_before)
    async with factory() as session:
        rows = list(
            await session.exec(statement.order_by(col(OutboxMessage.created_at)).limit(BATCH))
        )
    sent: list[uuid.UUID] = []
    failure: Exception | None = None
    for row in rows:
        try:
            await asyncio.to_thread(
                send, row.actor, *row.args, queue_name=row.queue, request_id=row.request_id
            )
        except Exception as exc:  # the broker's own errors differ per broker
            failure = exc
            break
        sent.append(row.id)
    async with factory() as session:
        if sent:
            await session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(sent))
                .values(sent_at=utcnow())
            )
        if failure is not None:
            await session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == rows[len(sent)].id)
                .values(
                    attempts=col(OutboxMessage.attempts) + 1,
                    last_error=f"{type(failure).__name__}: {failure}"[:MAX_ERROR],
                )
            )
        await session.commit()
    if failure is not None:
        raise failure
    return len(sent)


async def submit(factory: SessionFactory, route: Route, *args: str) -> None:
    """Store one message on its own (a re-send of an existing job) and send it."""
    async with factory() as session:
        message = stage(session, route, *args)
        await session.commit()
    await relay_after_commit(factory, [message])


async def relay_after_commit(factory: SessionFactory, ids: Sequence[uuid.UUID]) -> None:
    """Send the messages a submit just committed; never fails the submit (the sweeper sends
    what the broker did not take)."""
    if not ids:
        return
    try:
        await relay(factory, ids)
    except Exception:
        logger.warning(
            "the broker did not take %d message(s); the sweeper sends them later",
            len(ids),
            exc_info=True,
        )
