"""Where the sweeper runs: a loop, leader-elected, in the worker processes (or on its own).

Every worker process started on Redis or RabbitMQ runs the loop (`tasks.broker.RunSweeper`
calls `in_worker`), and so does the embedded server (its lifespan calls `start`) and
`python server.py sweeper`. On PostgreSQL only the holder of a session-level advisory lock
sweeps; when its process dies, its connection and with it the lock go, and another process
takes over on its next tick. On SQLite (one machine, the embedded mode) every loop sweeps: a
pass is idempotent, and the database serializes writers anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from models.db import SessionFactory
from resolvers.sweeper import sweep
from tasks import runtime

logger = logging.getLogger("talentgraph.sweeper")

INTERVAL_SECONDS = 2.0  # one pass costs a few indexed statements when nothing is stuck
LOCK_KEY = 0x7467_5357  # "tgSW": the advisory lock the leader holds


class Leader:
    """Holds the advisory lock on a connection of its own while this process leads."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.conn: AsyncConnection | None = None

    async def elected(self) -> bool:
        if self.engine.dialect.name != "postgresql":
            return True
        if self.conn is not None:
            try:  # still connected, so still holding the lock
                await self.conn.execute(text("SELECT 1"))
                return True
            except Exception:
                await self.resign()
        conn = await self.engine.connect()
        try:
            won = (await conn.execute(text(f"SELECT pg_try_advisory_lock({LOCK_KEY})"))).scalar()
            await conn.commit()
        except BaseException:
            await conn.close()
            raise
        if won:
            self.conn = conn
            logger.info("this process now leads the sweeper")
            return True
        await conn.close()
        return False

    async def resign(self) -> None:
        if self.conn is not None:
            conn, self.conn = self.conn, None
            with contextlib.suppress(Exception):
                await conn.invalidate()  # closing the connection releases the lock


async def run(factory: SessionFactory, interval: float = INTERVAL_SECONDS) -> None:
    """Sweep every `interval` seconds while this process leads; runs until cancelled."""
    bind: Any = factory.kw["bind"]
    leader = Leader(bind)
    try:
        while True:
            try:
                if await leader.elected():
                    await sweep(factory)
            except Exception:  # a database or broker outage: try again on the next tick
                logger.warning("sweeper pass failed", exc_info=True)
                await leader.resign()
            await asyncio.sleep(interval)
    finally:
        await leader.resign()


def start(factory: SessionFactory) -> asyncio.Task[None]:
    """Run the sweeper as a task of the running loop (the embedded server's)."""
    return asyncio.create_task(run(factory), name="sweeper")


async def stop(task: asyncio.Task[None] | None) -> None:
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def in_worker() -> None:
    """The loop on a worker process's event loop, with the actors' engine."""
    await run(runtime.session_factory())


async def main() -> None:
    """`python server.py sweeper`: the loop on its own, e.g. next to workers that lack it."""
    await run(runtime.session_factory())
