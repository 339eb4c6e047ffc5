"""Batches: a synchronous upsert call, or one chunk of an import job, planned and written.

Every batch that writes is recorded (ImportBatch + one ImportRow per item + one audit row) in
the same transaction as its data, so its results can be read back and the batch reverted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, update

from models.audit import AuditLog
from models.base import new_id, utcnow
from models.db import SessionFactory
from models.enums import ImportMode, ImportStatus
from models.imports import ImportBatch
from resolvers import audit
from resolvers.upserts import leases, store
from resolvers.upserts.engine import (
    IMPORT_ROWS,
    Options,
    RejectBatch,
    RowResult,
    import_rows,
    plan_rows,
    results,
    write_plans,
)
from resolvers.upserts.idempotency import Hold
from resolvers.upserts.plan import Scope
from resolvers.upserts.specs import Kind

BATCHES = ImportBatch.__table__  # type: ignore[attr-defined]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0

    @classmethod
    def of(cls, rows: list[RowResult]) -> Counts:
        counts = cls()
        for row in rows:
            name = row.outcome.value.lower()
            setattr(counts, name, getattr(counts, name) + 1)
        return counts


@dataclass
class BatchOutcome:
    batch_id: uuid.UUID
    rows: list[RowResult]
    counts: Counts
    rejected: bool = False


def new_batch(
    kind: Kind, scope: Scope, options: Options, total: int, mode: ImportMode, **extra: Any
) -> ImportBatch:
    return ImportBatch(
        organization_id=scope.organization_id,
        created_by_id=scope.actor_id,
        kind=kind.name,
        mode=mode,
        status=ImportStatus.QUEUED if mode is ImportMode.ASYNC else ImportStatus.RUNNING,
        error_policy=options.error_policy,
        collection_mode=options.collection_mode,
        total=total,
        **extra,
    )


def audit_row(kind: Kind, scope: Scope, batch_id: uuid.UUID, details: dict[str, Any]) -> AuditLog:
    return audit.entry(
        f"{kind.entity.lower()}.upsert",
        "ImportBatch",
        batch_id,
        details,
        actor_id=scope.actor_id,
        request_id=scope.request_id,
        client_ip=scope.client_ip,
    )


async def _attempt(
    factory: SessionFactory,
    kind: Kind,
    scope: Scope,
    options: Options,
    items: list[tuple[int, dict[str, Any]]],
    isolated: bool,
    batch: ImportBatch | None,
    payloads: dict[int, Any],
    hold: Hold | None,
) -> BatchOutcome:
    batch_id = batch.id if batch is not None else new_id()
    async with factory() as session:
        conn = await session.connection()
        if hold is not None and not options.dry_run:
            await hold(conn, batch_id)
        plans = await plan_rows(conn, kind, scope, options, items)
        if options.dry_run:
            await session.rollback()
            rows = results(plans, options)
            return BatchOutcome(batch_id, rows, Counts.of(rows))
        try:
            await write_plans(conn, kind, plans, options, isolated=isolated)
        except RejectBatch:
            await session.rollback()
            rows = results(plans, options, rejected=True)
            return BatchOutcome(batch_id, rows, Counts.of(rows), rejected=True)
        rows = results(plans, options)
        await _record(session, kind, scope, options, batch, batch_id, rows, payloads, len(items))
        await session.commit()
    return BatchOutcome(batch_id, rows, Counts.of(rows))


async def _record(
    session: Any,
    kind: Kind,
    scope: Scope,
    options: Options,
    batch: ImportBatch | None,
    batch_id: uuid.UUID,
    rows: list[RowResult],
    payloads: dict[int, Any],
    total: int,
    *,
    rejected: bool = False,
) -> None:
    """Store the batch's row results and counts (and the audit row of a synchronous call)."""
    conn = await session.connection()
    counts = Counts.of(rows)
    if batch is None:  # a synchronous call: the batch is complete with this one chunk
        now = utcnow()
        await conn.execute(
            BATCHES.insert().values(
                id=batch_id,
                organization_id=scope.organization_id,
                created_by_id=scope.actor_id,
                kind=kind.name,
                mode=ImportMode.SYNC,
                status=ImportStatus.FAILED if rejected else ImportStatus.COMPLETED,
                error_policy=options.error_policy,
                collection_mode=options.collection_mode,
                total=total,
                processed=total,
                created_count=counts.created,
                updated_count=counts.updated,
                unchanged_count=counts.unchanged,
                failed_count=counts.failed,
                error="Rejected: an item failed (REJECT_EVERYTHING)" if rejected else None,
                created_at=now,
                started_at=now,
                finished_at=now,
            )
        )
        session.add(
            audit_row(
                kind,
                scope,
                batch_id,
                {
                    "mode": "SYNC",
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                    "failed": counts.failed,
                },
            )
        )
    else:
        await leases.beat(conn, batch_id, batch.runner)  # the run still holds the job
        positions = [r.index for r in rows]
        for start in range(0, len(positions), 900):
            part = positions[start : start + 900]
            await conn.execute(
                delete(IMPORT_ROWS).where(
                    IMPORT_ROWS.c.batch_id == batch_id, IMPORT_ROWS.c.position.in_(part)
                )
            )
        await conn.execute(
            update(BATCHES)
            .where(BATCHES.c.id == batch_id)
            .values(
                processed=BATCHES.c.processed + len(rows),
                created_count=BATCHES.c.created_count + counts.created,
                updated_count=BATCHES.c.updated_count + counts.updated,
                unchanged_count=BATCHES.c.unchanged_count + counts.unchanged,
                failed_count=BATCHES.c.failed_count + counts.failed,
            )
        )
    await store.insert_plain(conn, IMPORT_ROWS, import_rows(batch_id, rows, payloads))


async def run_chunk(
    factory: SessionFactory,
    kind: Kind,
    scope: Scope,
    options: Options,
    items: list[tuple[int, dict[str, Any]]],
    *,
    batch: ImportBatch | None = None,
    payloads: dict[int, Any] | None = None,
    hold: Hold | None = None,
) -> BatchOutcome:
    """Plan and write `items`; retried row by row when the set-based write hits a constraint.

    Without `batch` this is a synchronous call that records its own complete batch. `hold`
    stores the call's idempotency key in every transaction that commits the batch.
    """
    payloads = payloads or {}
    try:
        outcome = await _attempt(factory, kind, scope, options, items, False, batch, payloads, hold)
    except store.REFUSED:
        outcome = await _attempt(factory, kind, scope, options, items, True, batch, payloads, hold)
    if outcome.rejected and not options.dry_run:
        async with factory() as session:
            if hold is not None:
                await hold(await session.connection(), outcome.batch_id)
            await _record(
                session,
                kind,
                scope,
                options,
                batch,
                outcome.batch_id,
                outcome.rows,
                payloads,
                len(items),
                rejected=True,
            )
            await session.commit()
    return outcome
