"""Idempotency keys of partner calls (after Stripe and the IETF Idempotency-Key draft).

A key is claimed by inserting it before the work starts (the unique (scope, key) index decides
between concurrent callers), and completed with the batch id in the same transaction as the
batch. A later call with the key replays that batch; a call while the first is still running
waits for it; the same key with another payload is an error. Keys expire after 24 hours.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from models.base import new_id, utcnow
from models.db import SessionFactory
from models.imports import IdempotencyKey
from resolvers.errors import IdempotencyInProgressError, IdempotencyKeyReusedError

KEYS = IdempotencyKey.__table__  # type: ignore[attr-defined]
TTL = timedelta(hours=24)
MAX_WAIT_SECONDS = 60.0
ABANDONED = timedelta(minutes=15)  # an unfinished claim this old belongs to a crashed process


@dataclass(frozen=True)
class Claim:
    id: uuid.UUID
    replay_batch_id: uuid.UUID | None = None  # set when an earlier call already finished


def request_hash(operation: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{operation}\n{canonical}".encode()).hexdigest()


async def claim(
    factory: SessionFactory, scope: str, key: str, operation: str, digest: str
) -> Claim:
    """Claim the key, or learn which batch answered it; waits while another call runs it."""
    deadline = asyncio.get_running_loop().time() + MAX_WAIT_SECONDS
    delay = 0.05
    while True:
        now = utcnow()
        claim_id = new_id()
        async with factory() as session:
            conn = await session.connection()
            try:
                await conn.execute(
                    KEYS.insert().values(
                        id=claim_id,
                        scope=scope,
                        key=key,
                        operation=operation,
                        request_hash=digest,
                        batch_id=None,
                        completed=False,
                        created_at=now,
                        expires_at=now + TTL,
                    )
                )
                await session.commit()
                return Claim(claim_id)
            except IntegrityError:
                await session.rollback()
            conn = await session.connection()
            row = (
                await conn.execute(select(KEYS).where(KEYS.c.scope == scope, KEYS.c.key == key))
            ).first()
            if row is None:
                continue  # released or expired meanwhile: try again
            if row.expires_at <= now or (not row.completed and row.created_at < now - ABANDONED):
                await conn.execute(delete(KEYS).where(KEYS.c.id == row.id))
                await session.commit()
                continue
            if row.request_hash != digest or row.operation != operation:
                raise IdempotencyKeyReusedError(
                    "This idempotencyKey was used with a different request",
                    field="input.idempotencyKey",
                )
            if row.completed:
                return Claim(row.id, replay_batch_id=row.batch_id)
        if asyncio.get_running_loop().time() > deadline:
            raise IdempotencyInProgressError(
                "A request with this idempotencyKey is still running; retry later",
                field="input.idempotencyKey",
            )
        await asyncio.sleep(delay)
        delay = min(delay * 2, 1.0)


async def complete(factory: SessionFactory, claim_id: uuid.UUID, batch_id: uuid.UUID) -> None:
    async with factory() as session:
        conn = await session.connection()
        await conn.execute(
            update(KEYS).where(KEYS.c.id == claim_id).values(batch_id=batch_id, completed=True)
        )
        await session.commit()


async def release(factory: SessionFactory, claim_id: uuid.UUID) -> None:
    """Forget a claim whose work failed unexpectedly, so the client may retry."""
    async with factory() as session:
        conn = await session.connection()
        await conn.execute(delete(KEYS).where(KEYS.c.id == claim_id, KEYS.c.completed.is_(False)))
        await session.commit()
