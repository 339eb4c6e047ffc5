"""The audit log: one row per operation that changed something."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.base import PortableJSON, created_field, fk_field, id_field


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_created_at_id", "created_at", "id"),
        Index("ix_audit_log_entity_type_entity_id", "entity_type", "entity_id"),
    )

    id: uuid.UUID = id_field()
    actor_id: uuid.UUID | None = fk_field("users.id", nullable=True, ondelete="SET NULL")
    action: str = Field(max_length=80, index=True)
    entity_type: str = Field(max_length=40)
    entity_id: str | None = Field(default=None, max_length=64)
    request_id: str | None = Field(default=None, max_length=64)
    client_ip: str | None = Field(default=None, max_length=64)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=PortableJSON)
    created_at: datetime = created_field()
