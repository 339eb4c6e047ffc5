"""Idempotency keys of partner calls (after Stripe and the IETF Idempotency-Key draft).

A key is stored as the first write of the batch's own transaction, already naming the batch,
so the key and the batch commit together or not at all: no crash can leave a batch without its
key, or a key without its batch. While that transaction is open the unique (scope, key) index
makes a second call with the key wait for it (PostgreSQL blocks on the uncommitted row, SQLite
serializes writers); it then finds the committed key and replays the batch, or, when the first
call failed or its process died (the database rolls the transaction back at once), runs the
work itself. The same key with another payload is an error. Keys expire after 24 hours.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from models.base import new_id, utcnow
from models.db import SessionFactory
from models.imports import IdempotencyKey
from resolvers.errors import IdempotencyInProgressError, IdempotencyKeyReusedError
from resolvers.upserts.store import REFUSED

KEYS = IdempotencyKey.__table__  # type: ignore[attr-defined]
TTL = timedelta(hours=24)
MAX_WAIT_SECONDS = 60  # how long a call waits for a running call with the same key
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: lock_timeout ran out

# Stores the key inside a batch's transaction, naming the batch.
Hold = Callable[[AsyncConnection, uuid.UUID], Awaitable[None]]


class KeyTaken(Exception):
    """Another call with the key committed first: look the key up again and replay it."""


@dataclass(frozen=True)
class Key:
    scope: str  # "org:<uuid>" or "user:<uuid>"
    key: str
    operation: str
    digest: str


def request_hash(operation: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{operation}\n{canonical}".encode()).hexdigest()


async def answered(factory: SessionFactory, key: Key) -> uuid.UUID | None:
    """The batch of a committed call with this key, or None when no live call holds it.

    Raises:
        IdempotencyKeyReusedError: the key answered another request.
    """
    async with factory() as session:
        conn = await session.connection()
        row = (
            await conn.execute(select(KEYS).where(KEYS.c.scope == key.scope, KEYS.c.key == key.key))
        ).first()
        if row is None:
            return None
        if row.expires_at <= utcnow() or not row.completed or row.batch_id is None:
            # expired, or an unfinished claim stored apart from its batch by an older release
            await conn.execute(delete(KEYS).where(KEYS.c.id == row.id))
            await session.commit()
            return None
    if row.request_hash != key.digest or row.operation != key.operation:
        raise IdempotencyKeyReusedError(
            "This idempotencyKey was used with a different request", field="input.idempotencyKey"
        )
    batch_id: uuid.UUID = row.batch_id
    return batch_id


def holder(key: Key) -> Hold:
    """The first write of the batch's transaction: the key, complete, naming the batch.

    Raises (from the returned coroutine):
        KeyTaken: a call with the key committed while this one waited.
        IdempotencyInProgressError: the other call kept its transaction open too long.
    """

    async def hold(conn: AsyncConnection, batch_id: uuid.UUID) -> None:
        postgres = conn.dialect.name == "postgresql"
        if postgres:  # wait for a concurrent holder of the key, but not forever
            await conn.execute(text(f"SET LOCAL lock_timeout = '{MAX_WAIT_SECONDS}s'"))
        now = utcnow()
        try:
            await conn.execute(
                KEYS.insert().values(
                    id=new_id(),
                    scope=key.scope,
                    key=key.key,
                    operation=key.operation,
                    request_hash=key.digest,
                    batch_id=batch_id,
                    completed=True,
                    created_at=now,
                    expires_at=now + TTL,
                )
            )
        except REFUSED as exc:
            raise KeyTaken from exc
        except DBAPIError as exc:
            if _lock_wait_ran_out(exc):
                raise IdempotencyInProgressError(
                    "A request with this idempotencyKey is still running; retry later",
                    field="input.idempotencyKey",
                ) from exc
            raise
        if postgres:
            await conn.execute(text("SET LOCAL lock_timeout = DEFAULT"))

    return hold


def _lock_wait_ran_out(exc: DBAPIError) -> bool:
    """PostgreSQL's lock_timeout, or SQLite's busy timeout while another writer held on."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code == LOCK_NOT_AVAILABLE or "database is locked" in str(exc.orig)
