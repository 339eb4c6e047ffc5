"""Run rows of a batch: validate and plan them all, then write, honouring the error policy.

A chunk is planned and written in one transaction. When the set-based write hits a constraint
(a concurrent writer, a database rule), the transaction is rolled back and the chunk is planned
again and written row by row inside savepoints, so the guilty rows fail with a row error and the
others are written; under REJECT_EVERYTHING any failure rolls everything back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from models.base import utcnow
from models.enums import CollectionMode, ErrorPolicy, MatchedBy, UpsertOutcome
from models.imports import ImportRow
from resolvers.upserts import store
from resolvers.upserts.plan import (
    RowPlan,
    Scope,
    dedupe,
    diff_children,
    job_rules,
    jsonable,
    match,
    new_record,
    same_value,
    stored_children,
    stored_records,
)
from resolvers.upserts.skills import resolve_skill_ids
from resolvers.upserts.specs import Issue, Kind, clean_item, issue


@dataclass(frozen=True)
class Options:
    error_policy: ErrorPolicy = ErrorPolicy.REJECT_FAILED_ROWS
    collection_mode: CollectionMode = CollectionMode.MERGE
    dry_run: bool = False


@dataclass
class RowResult:
    """What happened to one item; stored as an ImportRow and returned in input order."""

    index: int
    outcome: UpsertOutcome
    matched_by: MatchedBy | None = None
    entity_id: uuid.UUID | None = None
    entity_version: int | None = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    before: dict[str, Any] | None = None


class RejectBatch(Exception):
    """REJECT_EVERYTHING met a failing row while writing: roll the whole batch back."""


def _compute(
    kind: Kind,
    scope: Scope,
    options: Options,
    plan: RowPlan,
    children: dict[str, dict[Any, list[dict[str, Any]]]],
) -> None:
    values = plan.cleaned.values
    lists = plan.cleaned.lists
    existing = plan.existing
    if existing is None:
        record = new_record(kind, scope, values)
        if kind.entity == "Job":
            job_rules(plan, record, None)
        for coll in kind.collections:
            if coll.key in lists:
                diff_children(
                    plan, coll, lists[coll.key], [], options.collection_mode, record["id"]
                )
        plan.record, plan.outcome = record, plan.outcome or UpsertOutcome.CREATED
        return
    record = {**existing, **values}
    if kind.entity == "Job":
        job_rules(plan, record, existing)
        if plan.failed:
            return
    changed = any(not same_value(value, existing[name]) for name, value in values.items())
    snapshot: dict[str, list[dict[str, Any]]] = {}
    for coll in kind.collections:
        if coll.key not in lists:
            continue
        stored = children[coll.key].get(existing["id"], [])
        if diff_children(
            plan, coll, lists[coll.key], stored, options.collection_mode, existing["id"]
        ):
            changed = True
            snapshot[coll.key] = [{k: jsonable(v) for k, v in s.items()} for s in stored]
    if not changed:
        plan.deletes, plan.inserts = {}, {}
        plan.outcome = UpsertOutcome.UNCHANGED
        return
    record["version"] = existing["version"] + 1
    record["updated_at"] = utcnow()
    plan.record, plan.outcome = record, UpsertOutcome.UPDATED
    plan.before = {
        "record": {k: jsonable(v) for k, v in existing.items()},
        "children": snapshot,
    }


async def plan_rows(
    conn: AsyncConnection,
    kind: Kind,
    scope: Scope,
    options: Options,
    items: list[tuple[int, dict[str, Any]]],
) -> list[RowPlan]:
    """Validate, dedupe, match and diff every item before any write."""
    drop_bad = options.error_policy is ErrorPolicy.IGNORE_FAILED
    plans = [RowPlan(clean_item(kind, index, payload, drop_bad)) for index, payload in items]
    for plan in plans:
        if plan.cleaned.errors:
            plan.outcome = UpsertOutcome.FAILED
    dedupe(kind, plans)
    match(kind, scope, plans, await stored_records(conn, kind, scope, plans))
    await resolve_skill_ids(conn, kind, plans, create=not options.dry_run, drop_bad=drop_bad)
    children = await stored_children(conn, kind, plans)
    for plan in plans:
        if not plan.failed:
            _compute(kind, scope, options, plan, children)
    return plans


async def _write_rows(conn: AsyncConnection, kind: Kind, plans: list[RowPlan]) -> None:
    """Set-based: records, then child deletes, then child inserts."""
    table = kind.model.__table__
    created = [p for p in plans if p.outcome is UpsertOutcome.CREATED]
    written = await store.insert_new(conn, table, [p.record for p in created if p.record])
    for p in created:
        if p.record and p.record["id"] not in written:
            p.fail(concurrent(kind))
    updated = [p for p in plans if p.outcome is UpsertOutcome.UPDATED]
    written = await store.update_versioned(conn, table, [p.record for p in updated if p.record])
    for p in updated:
        if p.record and p.record["id"] not in written:
            p.fail(issue("", "CONFLICT", f"The {kind.entity.lower()} changed while the batch ran"))
    live = [p for p in plans if p.outcome in (UpsertOutcome.CREATED, UpsertOutcome.UPDATED)]
    for model, ids in store.grouped(pair for p in live for pair in p.deletes.items()).items():
        await store.delete_ids(conn, model.__table__, ids)
    for model, rows in store.grouped(pair for p in live for pair in p.inserts.items()).items():
        await store.insert_plain(conn, model.__table__, rows)


def concurrent(kind: Kind) -> Issue:
    return issue(
        "",
        "DUPLICATE",
        f"A concurrent write added a {kind.entity.lower()} with the same email, phone or "
        "externalId",
    )


async def write_plans(
    conn: AsyncConnection, kind: Kind, plans: list[RowPlan], options: Options, *, isolated: bool
) -> None:
    """Write the planned rows; raises RejectBatch when REJECT_EVERYTHING must roll back."""
    everything = options.error_policy is ErrorPolicy.REJECT_EVERYTHING
    if everything and any(p.failed for p in plans):
        raise RejectBatch
    if not isolated:
        await _write_rows(conn, kind, plans)
    else:
        for plan in plans:
            if plan.outcome not in (UpsertOutcome.CREATED, UpsertOutcome.UPDATED):
                continue
            try:
                async with conn.begin_nested():
                    await _write_rows(conn, kind, [plan])
            except store.REFUSED:
                plan.fail(issue("", "WRITE_FAILED", "The database refused this row (a constraint)"))
    if everything and any(p.failed for p in plans):
        raise RejectBatch


def results(plans: list[RowPlan], options: Options, *, rejected: bool = False) -> list[RowResult]:
    """Row results in input order; a rejected batch reports every row as FAILED."""
    out: list[RowResult] = []
    first_failed = next((p.index for p in plans if p.failed), None)
    for plan in sorted(plans, key=lambda p: p.index):
        outcome = plan.outcome or UpsertOutcome.FAILED
        errors = list(plan.cleaned.errors)
        if rejected and outcome is not UpsertOutcome.FAILED:
            outcome = UpsertOutcome.FAILED
            errors.append(
                issue("", "REJECTED_BY_BATCH", f"Not written: item {first_failed} failed")
            )
        entity = plan.record or plan.existing
        out.append(
            RowResult(
                index=plan.index,
                outcome=outcome,
                matched_by=plan.matched_by,
                entity_id=entity["id"] if entity and outcome is not UpsertOutcome.FAILED else None,
                entity_version=entity["version"] if entity else None,
                errors=errors,
                warnings=list(plan.cleaned.warnings),
                before=plan.before if outcome is UpsertOutcome.UPDATED else None,
            )
        )
    return out


def import_rows(
    batch_id: uuid.UUID, rows: list[RowResult], payloads: dict[int, Any]
) -> list[dict[str, Any]]:
    """The ImportRow column values of each result (payloads only for async jobs)."""
    return [
        {
            "batch_id": batch_id,
            "position": r.index,
            "payload": payloads.get(r.index),
            "outcome": r.outcome,
            "matched_by": r.matched_by,
            "entity_id": r.entity_id,
            "entity_version": r.entity_version,
            "errors": r.errors or None,
            "warnings": r.warnings or None,
            "before": r.before,
        }
        for r in rows
    ]


IMPORT_ROWS = ImportRow.__table__  # type: ignore[attr-defined]


def stored_results(rows: Any) -> list[RowResult]:
    """RowResults of stored ImportRow rows (for replays and paged job results)."""
    return [
        RowResult(
            index=r.position,
            outcome=r.outcome,
            matched_by=r.matched_by,
            entity_id=r.entity_id,
            entity_version=r.entity_version,
            errors=list(r.errors or []),
            warnings=list(r.warnings or []),
        )
        for r in rows
    ]
