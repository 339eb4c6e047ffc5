"""Import jobs: batches of up to 100,000 items run by a dramatiq actor in chunks of 1,000.

Job state lives in the database: the items are stored as ImportRows before the job is queued,
each chunk commits its rows' results with the progress counters, and a job that was interrupted
resumes at its first unprocessed row (redelivery and restarts cause no duplicate effects).
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from models.base import utcnow
from models.db import SessionFactory
from models.enums import ErrorPolicy, ImportMode, ImportStatus, Role, UpsertOutcome
from models.imports import ImportBatch
from models.organization import User
from resolvers import audit, outbox
from resolvers.context import Context
from resolvers.errors import NotFoundError
from resolvers.notifications import hooks
from resolvers.upserts import leases, store
from resolvers.upserts.batches import BATCHES, new_batch, run_chunk
from resolvers.upserts.engine import IMPORT_ROWS, Options, RowResult, stored_results
from resolvers.upserts.idempotency import Hold
from resolvers.upserts.plan import RowPlan, Scope, dedupe
from resolvers.upserts.revert import revert_batch
from resolvers.upserts.specs import KINDS, Kind, clean_item, issue
from tasks.broker import send_async
from tasks.names import RUN_IMPORT

logger = logging.getLogger("talentgraph.imports")
CHUNK_SIZE = 1_000


async def queue_import(
    factory: SessionFactory,
    kind: Kind,
    scope: Scope,
    options: Options,
    payloads: Sequence[dict[str, Any] | None],
    *,
    filename: str | None = None,
    row_errors: dict[int, list[dict[str, str]]] | None = None,
    hold: Hold | None = None,
) -> ImportBatch:
    """Store the items and the job's message in one transaction (with the idempotency key
    when `hold` is given), then send the message; a broker outage only delays the job."""
    row_errors = row_errors or {}
    batch = new_batch(kind, scope, options, len(payloads), ImportMode.ASYNC, filename=filename)
    async with factory() as session:
        if hold is not None:
            await hold(await session.connection(), batch.id)
        session.add(batch)
        session.add(
            audit.entry(
                f"{kind.entity.lower()}.import",
                "ImportBatch",
                batch.id,
                {"items": len(payloads), "filename": filename},
                actor_id=scope.actor_id,
                request_id=scope.request_id,
                client_ip=scope.client_ip,
            )
        )
        await session.flush()
        conn = await session.connection()
        rows = [
            {
                "batch_id": batch.id,
                "position": index,
                "payload": payload,
                "outcome": UpsertOutcome.FAILED if index in row_errors else None,
                "matched_by": None,
                "entity_id": None,
                "entity_version": None,
                "errors": row_errors.get(index),
                "warnings": None,
                "before": None,
            }
            for index, payload in enumerate(payloads)
        ]
        for start in range(0, len(rows), 10_000):
            await store.insert_plain(conn, IMPORT_ROWS, rows[start : start + 10_000])
        failed = len(row_errors)
        if failed:
            batch.failed_count = failed
            batch.processed = failed
        message = outbox.stage(session, RUN_IMPORT, str(batch.id))
        await session.commit()
        await session.refresh(batch)
    await outbox.relay_after_commit(factory, [message])
    return batch


async def enqueue(batch_id: uuid.UUID) -> None:
    await send_async(RUN_IMPORT.actor, str(batch_id), queue_name=RUN_IMPORT.queue)


async def _scope(factory: SessionFactory, batch: ImportBatch) -> Scope:
    async with factory() as session:
        user = await session.get(User, batch.created_by_id) if batch.created_by_id else None
    return Scope(
        organization_id=batch.organization_id,
        actor_id=batch.created_by_id,
        is_admin=user is not None and user.role is Role.ADMIN,
    )


async def _pending(factory: SessionFactory, batch_id: uuid.UUID, limit: int) -> list[Any]:
    async with factory() as session:
        conn = await session.connection()
        result = await conn.execute(
            select(IMPORT_ROWS.c.position, IMPORT_ROWS.c.payload)
            .where(IMPORT_ROWS.c.batch_id == batch_id, IMPORT_ROWS.c.outcome.is_(None))
            .order_by(IMPORT_ROWS.c.position)
            .limit(limit)
        )
        return list(result)


async def _mark_batch_duplicates(
    factory: SessionFactory, kind: Kind, batch: ImportBatch, runner: uuid.UUID
) -> None:
    """Before any write: an item repeating an earlier item's match key fails (whole job)."""
    seen: dict[Any, int] = {}
    duplicates: list[tuple[int, dict[str, str]]] = []
    after = -1
    while True:
        async with factory() as session:
            conn = await session.connection()
            chunk = list(
                await conn.execute(
                    select(IMPORT_ROWS.c.position, IMPORT_ROWS.c.payload)
                    .where(
                        IMPORT_ROWS.c.batch_id == batch.id,
                        IMPORT_ROWS.c.outcome.is_(None),
                        IMPORT_ROWS.c.position > after,
                    )
                    .order_by(IMPORT_ROWS.c.position)
                    .limit(CHUNK_SIZE)
                )
            )
        if not chunk:
            break
        await leases.beat_now(factory, batch.id, runner)
        after = chunk[-1].position
        plans = [
            RowPlan(clean_item(kind, position, payload or {}, drop_bad=True))
            for position, payload in chunk
        ]
        dedupe(kind, plans, seen)
        duplicates.extend(
            (p.index, p.cleaned.errors[-1])
            for p in plans
            if p.failed and p.cleaned.errors[-1]["code"] == "DUPLICATE_IN_BATCH"
        )
    if not duplicates:
        return
    async with factory() as session:
        conn = await session.connection()
        for position, problem in duplicates:
            await conn.execute(
                update(IMPORT_ROWS)
                .where(IMPORT_ROWS.c.batch_id == batch.id, IMPORT_ROWS.c.position == position)
                .values(outcome=UpsertOutcome.FAILED, errors=[problem])
            )
        await conn.execute(
            update(BATCHES)
            .where(BATCHES.c.id == batch.id)
            .values(
                processed=BATCHES.c.processed + len(duplicates),
                failed_count=BATCHES.c.failed_count + len(duplicates),
            )
        )
        await session.commit()


async def _set_status(factory: SessionFactory, batch_id: uuid.UUID, **values: Any) -> None:
    async with factory() as session:
        conn = await session.connection()
        await conn.execute(update(BATCHES).where(BATCHES.c.id == batch_id).values(**values))
        await hooks.import_status(session, batch_id, values.get("status"))  # a final one: tell
        await session.commit()


async def run_import(factory: SessionFactory, batch_id: uuid.UUID) -> None:
    """The import actor's work; safe to run again for the same job (it resumes), and a run
    that finds the job held by a live run does nothing."""
    async with factory() as session:
        batch = await session.get(ImportBatch, batch_id)
    if batch is None or batch.status in (
        ImportStatus.COMPLETED,
        ImportStatus.FAILED,
        ImportStatus.REVERTED,
    ):
        return
    first_run = batch.started_at is None
    runner = await leases.claim(factory, batch_id)
    if runner is None:
        return
    batch.runner = runner
    try:
        await _run(factory, batch, runner, first_run)
    except leases.LeaseLost:
        logger.warning("import job %s was taken over by another run; this run stops", batch_id)
    except BaseException:
        with contextlib.suppress(Exception):
            await leases.release(factory, batch_id, runner)
        raise


async def _run(
    factory: SessionFactory, batch: ImportBatch, runner: uuid.UUID, first_run: bool
) -> None:
    batch_id = batch.id
    kind = KINDS[batch.kind]
    scope = await _scope(factory, batch)
    options = Options(batch.error_policy, batch.collection_mode, dry_run=False)
    if first_run:
        await _set_status(factory, batch_id, started_at=utcnow())
        await _mark_batch_duplicates(factory, kind, batch, runner)
    if options.error_policy is ErrorPolicy.REJECT_EVERYTHING and not await _all_valid(
        factory, kind, scope, options, batch, runner
    ):
        await _reject(factory, batch_id)
        return
    while True:
        chunk = await _pending(factory, batch_id, CHUNK_SIZE)
        if not chunk:
            break
        payloads = {position: payload for position, payload in chunk}
        outcome = await run_chunk(
            factory,
            kind,
            scope,
            options,
            [(position, payload or {}) for position, payload in chunk],
            batch=batch,
            payloads=payloads,
        )
        if outcome.rejected:  # a write failed under REJECT_EVERYTHING: undo the earlier chunks
            await revert_batch(factory, batch_id, reason="Rejected: an item failed while writing")
            await _reject(factory, batch_id)
            return
    await _set_status(factory, batch_id, status=ImportStatus.COMPLETED, finished_at=utcnow())


async def _all_valid(
    factory: SessionFactory,
    kind: Kind,
    scope: Scope,
    options: Options,
    batch: ImportBatch,
    runner: uuid.UUID,
) -> bool:
    """REJECT_EVERYTHING: plan every chunk without writing; any failing item rejects the job."""
    async with factory() as session:
        conn = await session.connection()
        failed = (
            await conn.execute(
                select(IMPORT_ROWS.c.position)
                .where(
                    IMPORT_ROWS.c.batch_id == batch.id,
                    IMPORT_ROWS.c.outcome == UpsertOutcome.FAILED,
                )
                .limit(1)
            )
        ).first()
    if failed is not None:
        return False
    dry = Options(options.error_policy, options.collection_mode, dry_run=True)
    after = -1
    while True:
        async with factory() as session:
            conn = await session.connection()
            chunk = list(
                await conn.execute(
                    select(IMPORT_ROWS.c.position, IMPORT_ROWS.c.payload)
                    .where(IMPORT_ROWS.c.batch_id == batch.id, IMPORT_ROWS.c.position > after)
                    .order_by(IMPORT_ROWS.c.position)
                    .limit(CHUNK_SIZE)
                )
            )
        if not chunk:
            return True
        await leases.beat_now(factory, batch.id, runner)
        after = chunk[-1].position
        outcome = await run_chunk(
            factory, kind, scope, dry, [(p, payload or {}) for p, payload in chunk]
        )
        if outcome.counts.failed:
            bad = {r.index: r for r in outcome.rows if r.outcome is UpsertOutcome.FAILED}
            async with factory() as session:
                conn = await session.connection()
                for position, row in bad.items():
                    await conn.execute(
                        update(IMPORT_ROWS)
                        .where(
                            IMPORT_ROWS.c.batch_id == batch.id,
                            IMPORT_ROWS.c.position == position,
                        )
                        .values(outcome=UpsertOutcome.FAILED, errors=row.errors)
                    )
                await session.commit()
            return False


async def _reject(factory: SessionFactory, batch_id: uuid.UUID) -> None:
    """Every item not failed itself is reported as rejected; nothing of the job stays written."""
    async with factory() as session:
        conn = await session.connection()
        first = (
            await conn.execute(
                select(IMPORT_ROWS.c.position)
                .where(
                    IMPORT_ROWS.c.batch_id == batch_id,
                    IMPORT_ROWS.c.outcome == UpsertOutcome.FAILED,
                    IMPORT_ROWS.c.errors.is_not(None),
                )
                .order_by(IMPORT_ROWS.c.position)
                .limit(1)
            )
        ).scalar()
        await conn.execute(
            update(IMPORT_ROWS)
            .where(
                IMPORT_ROWS.c.batch_id == batch_id,
                (IMPORT_ROWS.c.outcome.is_(None))
                | (IMPORT_ROWS.c.outcome != UpsertOutcome.FAILED)
                | IMPORT_ROWS.c.errors.is_(None),
            )
            .values(
                outcome=UpsertOutcome.FAILED,
                entity_id=None,
                before=None,
                errors=[issue("", "REJECTED_BY_BATCH", f"Not written: item {first} failed")],
            )
        )
        total = (await session.get(ImportBatch, batch_id)).total  # type: ignore[union-attr]
        await conn.execute(
            update(BATCHES)
            .where(BATCHES.c.id == batch_id)
            .values(
                status=ImportStatus.FAILED,
                processed=total,
                created_count=0,
                updated_count=0,
                unchanged_count=0,
                failed_count=total,
                error="Rejected: an item failed (REJECT_EVERYTHING); nothing was written",
                finished_at=utcnow(),
            )
        )
        await hooks.import_status(session, batch_id, ImportStatus.FAILED)
        await session.commit()


async def requeue_unfinished(factory: SessionFactory, before: datetime | None = None) -> int:
    """Send again every job left QUEUED or RUNNING (after a restart of the embedded worker);
    `before` leaves jobs queued since the restart alone."""
    query = select(BATCHES.c.id).where(
        BATCHES.c.mode == ImportMode.ASYNC,
        BATCHES.c.status.in_([ImportStatus.QUEUED, ImportStatus.RUNNING]),
    )
    if before is not None:
        query = query.where(BATCHES.c.created_at < before)
    async with factory() as session:
        conn = await session.connection()
        ids = [r[0] for r in await conn.execute(query)]
    for batch_id in ids:
        await enqueue(batch_id)
    return len(ids)


async def visible_batch(ctx: Context, batch_id: uuid.UUID | None) -> ImportBatch:
    """A batch of the viewer's organization (any for admins); others look missing."""
    viewer = ctx.viewer
    batch = None
    if batch_id is not None and viewer.user_id is not None:
        async with ctx.session_factory() as session:
            batch = await session.get(ImportBatch, batch_id)
    if batch is None or not (
        viewer.is_admin
        or (viewer.role is Role.PARTNER and batch.organization_id == viewer.organization_id)
    ):
        raise NotFoundError("Import job not found", field="id")
    return batch


async def list_rows(
    ctx: Context,
    batch_id: uuid.UUID,
    *,
    first: int,
    after: int | None,
    outcome: UpsertOutcome | None,
) -> list[RowResult]:
    first = max(1, min(first, 1_000))
    t = IMPORT_ROWS
    statement = select(t).where(t.c.batch_id == batch_id).order_by(t.c.position).limit(first)
    if after is not None:
        statement = statement.where(t.c.position > after)
    if outcome is not None:
        statement = statement.where(t.c.outcome == outcome)
    async with ctx.session_factory() as session:
        conn = await session.connection()
        rows = list(await conn.execute(statement))
    return stored_results(rows)
