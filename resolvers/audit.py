"""The audit trail: every successful mutation adds a row inside its own transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, true
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from loaders.pagination import OrderColumn, PageArgs
from models.audit import AuditLog
from resolvers.context import Context
from resolvers.pages import OrderDirection, Page, fetch_page


def entry(
    action: str,
    entity_type: str,
    entity_id: Any,
    details: dict[str, Any] | None = None,
    *,
    actor_id: uuid.UUID | None,
    request_id: str | None = None,
    client_ip: str | None = None,
) -> AuditLog:
    """The one way an audit row is made: by a mutation (`record`) or by a background job for
    the user whose request caused it. `details` must never hold secrets or contact data."""
    return AuditLog(
        actor_id=actor_id,
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        request_id=request_id or None,
        client_ip=client_ip,
        details=details or {},
    )


def record(
    session: AsyncSession,
    ctx: Context,
    action: str,
    entity_type: str,
    entity_id: Any,
    details: dict[str, Any] | None = None,
    *,
    actor_id: uuid.UUID | None = None,
) -> None:
    """Add an audit row to the mutation's session; it commits or rolls back with the change."""
    session.add(
        entry(
            action,
            entity_type,
            entity_id,
            details,
            actor_id=actor_id or ctx.viewer.user_id,
            request_id=ctx.request_id,
            client_ip=ctx.client_ip,
        )
    )


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    actor_id: uuid.UUID | None = None
    since: datetime | None = None


ORDER = (
    OrderColumn(col(AuditLog.created_at), "created_at", datetime),
    OrderColumn(col(AuditLog.id), "id", uuid.UUID),
)


def _clauses(ctx: Context, flt: AuditFilter | None) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [true() if ctx.viewer.is_admin else false()]
    if flt is None:
        return clauses
    if flt.action:
        clauses.append(col(AuditLog.action) == flt.action)
    if flt.entity_type:
        clauses.append(col(AuditLog.entity_type) == flt.entity_type)
    if flt.entity_id:
        clauses.append(col(AuditLog.entity_id) == flt.entity_id)
    if flt.actor_id is not None:
        clauses.append(col(AuditLog.actor_id) == flt.actor_id)
    if flt.since is not None:
        clauses.append(col(AuditLog.created_at) >= flt.since)
    return clauses


async def list_audit_log(ctx: Context, args: PageArgs, flt: AuditFilter | None) -> Page[AuditLog]:
    """Admins only; for anyone else the log is empty (denied looks like missing)."""
    return await fetch_page(
        ctx.session_factory,
        AuditLog,
        _clauses(ctx, flt),
        ORDER,
        OrderDirection.DESC,
        "audit",
        args,
    )
