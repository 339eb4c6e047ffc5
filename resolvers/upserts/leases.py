"""Who runs an import job: a run claims the job, beats its heartbeat, and loses it when silent.

Messages can arrive twice (a redelivery after a worker died, a message the sweeper sent again
while the first was still queued), so a run first claims the job: it becomes the job's `runner`
if the job is QUEUED or its heartbeat is older than `STALE`. Every chunk a run writes renews
the heartbeat in the chunk's own transaction and only while the run still holds the job, so a
run that stalled past `STALE` and was replaced cannot write a chunk the new run writes too.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from models.base import new_id, utcnow
from models.db import SessionFactory
from models.enums import ImportStatus
from models.imports import ImportBatch

BATCHES = ImportBatch.__table__  # type: ignore[attr-defined]
# A running job beats after every chunk of 1,000 items (1-3 s); silence this long means its
# worker is gone. Kept short so a dead worker's job moves on within about 15 s.
STALE = timedelta(seconds=10)


class LeaseLost(Exception):
    """Another run took the job over; this run stops without writing."""


async def claim(factory: SessionFactory, batch_id: uuid.UUID) -> uuid.UUID | None:
    """Become the job's runner (status RUNNING); None when a live run holds it or it ended."""
    runner = new_id()
    now = utcnow()
    async with factory() as session:
        conn = await session.connection()
        result = await conn.execute(
            update(BATCHES)
            .where(
                BATCHES.c.id == batch_id,
                or_(
                    BATCHES.c.status == ImportStatus.QUEUED,
                    (BATCHES.c.status == ImportStatus.RUNNING)
                    & or_(BATCHES.c.heartbeat_at.is_(None), BATCHES.c.heartbeat_at < now - STALE),
                ),
            )
            .values(status=ImportStatus.RUNNING, runner=runner, heartbeat_at=now)
        )
        await session.commit()
    return runner if result.rowcount == 1 else None


async def beat(conn: AsyncConnection, batch_id: uuid.UUID, runner: uuid.UUID | None) -> None:
    """Renew the heartbeat inside the caller's transaction; raises LeaseLost (the caller's
    transaction then rolls back) when another run holds the job."""
    if runner is None:
        return
    result = await conn.execute(
        update(BATCHES)
        .where(BATCHES.c.id == batch_id, BATCHES.c.runner == runner)
        .values(heartbeat_at=utcnow())
    )
    if result.rowcount != 1:
        raise LeaseLost(str(batch_id))


async def beat_now(factory: SessionFactory, batch_id: uuid.UUID, runner: uuid.UUID) -> None:
    """A heartbeat on its own (between chunks that write nothing, e.g. validation passes)."""
    async with factory() as session:
        await beat(await session.connection(), batch_id, runner)
        await session.commit()


async def release(factory: SessionFactory, batch_id: uuid.UUID, runner: uuid.UUID) -> None:
    """Give the job up at once (the run failed and its message is retried): the retry or the
    sweeper may claim it without waiting for the heartbeat to go stale."""
    async with factory() as session:
        conn = await session.connection()
        await conn.execute(
            update(BATCHES)
            .where(BATCHES.c.id == batch_id, BATCHES.c.runner == runner)
            .values(heartbeat_at=None, runner=None)
        )
        await session.commit()


def stale_before(now: datetime) -> datetime:
    return now - STALE
