"""`upsertCandidates` / `upsertJobs`: who may call, for which organization, sync or async."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from models.enums import ImportMode, Role
from models.imports import ImportBatch
from models.organization import Organization
from resolvers.context import Context
from resolvers.errors import (
    AuthenticationRequiredError,
    ForbiddenError,
    IdempotencyInProgressError,
    NotFoundError,
    ValidationFailedError,
)
from resolvers.upserts import idempotency
from resolvers.upserts.batches import BatchOutcome, Counts, run_chunk
from resolvers.upserts.engine import IMPORT_ROWS, Options, stored_results
from resolvers.upserts.plan import Scope
from resolvers.upserts.specs import Kind

MAX_SYNC_ITEMS = 1_000
MAX_ITEMS = 100_000
MAX_KEY_LENGTH = 255


@dataclass
class Queued:
    """A batch too large to run inline: an import job was queued."""

    batch: ImportBatch


async def scope_of(ctx: Context, organization_id: uuid.UUID | None) -> Scope:
    """Partners write for their organization; admins name the organization they act for."""
    viewer = ctx.viewer
    if viewer.user_id is None:
        raise AuthenticationRequiredError("Sign in to change data")
    if viewer.role not in (Role.ADMIN, Role.PARTNER):
        raise ForbiddenError("Bulk upserts are for partner service accounts and admins")
    if viewer.is_admin:
        if organization_id is None:
            raise ValidationFailedError(
                [("input.organizationId", "REQUIRED", "Admins name the organization to act for")]
            )
        async with ctx.session_factory() as session:
            found = await session.get(Organization, organization_id)
        if found is None:
            raise NotFoundError("Organization not found", field="input.organizationId")
        org = organization_id
    else:
        if organization_id is not None and organization_id != viewer.organization_id:
            raise ForbiddenError(
                "Partners write for their own organization", field="input.organizationId"
            )
        assert viewer.organization_id is not None
        org = viewer.organization_id
    return Scope(
        organization_id=org,
        actor_id=viewer.user_id,
        is_admin=viewer.is_admin,
        request_id=ctx.request_id or None,
        client_ip=ctx.client_ip,
    )


def check_request(ctx: Context, count: int, key: str | None, dry_run: bool) -> None:
    errors: list[tuple[str, str, str]] = []
    if count == 0:
        errors.append(("input.items", "REQUIRED", "Send at least one item"))
    elif count > MAX_ITEMS:
        errors.append(("input.items", "TOO_LONG", f"At most {MAX_ITEMS:,} items per call"))
    if key is not None and not 1 <= len(key) <= MAX_KEY_LENGTH:
        errors.append(
            ("input.idempotencyKey", "INVALID_VALUE", "idempotencyKey must be 1 to 255 characters")
        )
    if key is None and not dry_run and ctx.viewer.role is Role.PARTNER:
        errors.append(
            (
                "input.idempotencyKey",
                "REQUIRED",
                "Partner calls carry an idempotencyKey so that retries are safe",
            )
        )
    if errors:
        raise ValidationFailedError(errors)


async def upsert(
    ctx: Context,
    kind: Kind,
    payloads: list[dict[str, Any]],
    options: Options,
    *,
    idempotency_key: str | None,
    organization_id: uuid.UUID | None = None,
) -> BatchOutcome | Queued:
    """Run a batch inline (up to 1,000 items) or queue it as an import job."""
    scope = await scope_of(ctx, organization_id)
    check_request(ctx, len(payloads), idempotency_key, options.dry_run)
    if idempotency_key is None or options.dry_run:
        return await _run(ctx, kind, scope, payloads, options)
    operation = f"upsert.{kind.name.value.lower()}"
    body = {
        "organization": str(scope.organization_id),
        "policy": options.error_policy.value,
        "collections": options.collection_mode.value,
        "items": payloads,
    }
    key = idempotency.Key(
        owner_of(scope), idempotency_key, operation, idempotency.request_hash(operation, body)
    )
    return await once(ctx, key, lambda hold: _run(ctx, kind, scope, payloads, options, hold))


def owner_of(scope: Scope) -> str:
    """Whose idempotency keys a call uses: its organization's, or an admin's own."""
    return f"org:{scope.organization_id}" if not scope.is_admin else f"user:{scope.actor_id}"


async def once(
    ctx: Context,
    key: idempotency.Key,
    work: Callable[[idempotency.Hold], Awaitable[BatchOutcome | Queued]],
) -> BatchOutcome | Queued:
    """Run `work` once per key: replay the answer of a committed call with the key, else run it
    holding the key in the batch's transaction (a concurrent call waits, then replays)."""
    for _ in range(3):
        batch_id = await idempotency.answered(ctx.session_factory, key)
        if batch_id is not None:
            return await replay(ctx, batch_id)
        try:
            return await work(idempotency.holder(key))
        except idempotency.KeyTaken:
            continue  # the concurrent call committed first: its answer is replayed next
    raise IdempotencyInProgressError(
        "A request with this idempotencyKey is still running; retry later",
        field="input.idempotencyKey",
    )


async def _run(
    ctx: Context,
    kind: Kind,
    scope: Scope,
    payloads: list[dict[str, Any]],
    options: Options,
    hold: idempotency.Hold | None = None,
) -> BatchOutcome | Queued:
    if len(payloads) > MAX_SYNC_ITEMS and not options.dry_run:
        from resolvers.upserts.jobs import queue_import

        return Queued(
            await queue_import(ctx.session_factory, kind, scope, options, payloads, hold=hold)
        )
    items = list(enumerate(payloads))
    return await run_chunk(ctx.session_factory, kind, scope, options, items, hold=hold)


async def replay(ctx: Context, batch_id: uuid.UUID) -> BatchOutcome | Queued:
    """The stored answer of a finished call with the same idempotency key."""
    async with ctx.session_factory() as session:
        batch = await session.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFoundError("The batch of this idempotencyKey was removed")
        if batch.mode is ImportMode.ASYNC:
            return Queued(batch)
        conn = await session.connection()
        stored = list(
            await conn.execute(
                select(IMPORT_ROWS)
                .where(IMPORT_ROWS.c.batch_id == batch_id)
                .order_by(IMPORT_ROWS.c.position)
            )
        )
    rows = stored_results(stored)
    return BatchOutcome(batch_id, rows, Counts.of(rows))
