"""Reverting a batch: records it created are removed, records it updated get their prior state.

A record changed after the batch (its version moved on) or that gained applications since is
left alone and reported as skipped, so a revert never destroys later work.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import DateTime, delete, func, select, update

from models.application import Application
from models.base import utcnow
from models.db import SessionFactory
from models.enums import ImportStatus, UpsertOutcome
from resolvers import audit
from resolvers.upserts.batches import BATCHES
from resolvers.upserts.engine import IMPORT_ROWS
from resolvers.upserts.specs import KINDS, Kind

APPLICATIONS = Application.__table__  # type: ignore[attr-defined]
PAGE = 500


@dataclass
class Reverted:
    reverted: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)


def _restore(table: Any, values: dict[str, Any]) -> dict[str, Any]:
    """A JSON snapshot back into column values."""
    out: dict[str, Any] = {}
    for column in table.c:
        value = values.get(column.name)
        if isinstance(value, str):
            kind = _python_type(column)
            if kind is datetime:
                value = datetime.fromisoformat(value)
            elif kind is date:
                value = date.fromisoformat(value)
            elif kind is uuid.UUID:
                value = uuid.UUID(value)
        out[column.name] = value
    return out


def _python_type(column: Any) -> Any:
    """The Python type a column holds (timestamps are a decorated DateTime)."""
    impl = getattr(column.type, "impl", None)
    if isinstance(column.type, DateTime) or isinstance(impl, DateTime):
        return datetime
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


async def _has_applications(conn: Any, kind: Kind, entity_id: uuid.UUID) -> bool:
    column = APPLICATIONS.c.candidate_id if kind.entity == "Candidate" else APPLICATIONS.c.job_id
    found = await conn.execute(select(func.count()).where(column == entity_id))
    return bool(found.scalar())


async def _revert_row(conn: Any, kind: Kind, row: Any) -> str | None:
    """Undo one row; returns why it was skipped, or None."""
    table = kind.model.__table__
    current = (
        await conn.execute(select(table.c.version).where(table.c.id == row.entity_id))
    ).scalar()
    if current is None:
        return "The record no longer exists"
    if current != row.entity_version:
        return "The record changed after the batch"
    if row.outcome is UpsertOutcome.CREATED:
        if await _has_applications(conn, kind, row.entity_id):
            return "The record has applications now"
        await conn.execute(delete(table).where(table.c.id == row.entity_id))
        return None
    before = row.before or {}
    record = _restore(table, before.get("record", {}))
    record.pop("id", None)
    record["version"] = current + 1
    record["updated_at"] = utcnow()
    await conn.execute(update(table).where(table.c.id == row.entity_id).values(**record))
    for key, children in (before.get("children") or {}).items():
        coll = kind.collection(key)
        child = coll.model.__table__
        await conn.execute(delete(child).where(child.c[coll.fk] == row.entity_id))
        if children:
            await conn.execute(child.insert(), [_restore(child, c) for c in children])
    return None


async def revert_batch(
    factory: SessionFactory,
    batch_id: uuid.UUID,
    *,
    actor_id: uuid.UUID | None = None,
    request_id: str | None = None,
    reason: str | None = None,
) -> Reverted:
    """Undo every CREATED/UPDATED row of the batch in one transaction (newest first)."""
    result = Reverted()
    async with factory() as session:
        conn = await session.connection()
        batch = (await conn.execute(select(BATCHES).where(BATCHES.c.id == batch_id))).first()
        if batch is None:
            return result
        kind = KINDS[batch.kind]
        rows = list(
            await conn.execute(
                select(IMPORT_ROWS)
                .where(
                    IMPORT_ROWS.c.batch_id == batch_id,
                    IMPORT_ROWS.c.outcome.in_([UpsertOutcome.CREATED, UpsertOutcome.UPDATED]),
                )
                .order_by(IMPORT_ROWS.c.position.desc())
            )
        )
        for row in rows:
            skipped = await _revert_row(conn, kind, row)
            if skipped is None:
                result.reverted += 1
            else:
                result.skipped.append((row.position, skipped))
        values: dict[str, Any] = {"reverted_at": utcnow()}
        if reason is None:
            values["status"] = ImportStatus.REVERTED
        await conn.execute(update(BATCHES).where(BATCHES.c.id == batch_id).values(**values))
        session.add(
            audit.entry(
                f"{kind.entity.lower()}.import.revert",
                "ImportBatch",
                batch_id,
                {"reverted": result.reverted, "skipped": len(result.skipped), "reason": reason},
                actor_id=actor_id,
                request_id=request_id,
            )
        )
        await session.commit()
    return result
