"""GraphQL type of an audit log entry."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from models.audit import AuditLog


@strawberry.type(name="AuditLogEntry", description="One operation that changed something.")
class AuditLogEntryType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the entry.")
    actor_id: strawberry.ID | None = strawberry.field(
        description="UUID of the user who acted; null for system actions."
    )
    action: str = strawberry.field(description="What happened, e.g. `auth.login`.")
    entity_type: str = strawberry.field(description="Kind of object, e.g. `User`.")
    entity_id: str | None = strawberry.field(description="Id of the object.")
    request_id: str | None = strawberry.field(description="Request id (`x-request-id`).")
    client_ip: str | None = strawberry.field(description="Client address as seen by the API.")
    details: JSON = strawberry.field(description="What changed; never secrets.")
    created_at: datetime = strawberry.field(description="When it happened (UTC).")

    @classmethod
    def from_model(cls, row: AuditLog) -> AuditLogEntryType:
        return cls(
            id=strawberry.ID(str(row.id)),
            actor_id=strawberry.ID(str(row.actor_id)) if row.actor_id else None,
            action=row.action,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            request_id=row.request_id,
            client_ip=row.client_ip,
            details=cast("JSON", row.details),
            created_at=row.created_at,
        )
