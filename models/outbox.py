"""The transactional outbox: a task message stored in the same transaction as the job it runs.

A submit writes its job and the message row together, so it either happens whole or not at
all; the message is sent to the broker only after the commit (`resolvers.outbox`), and rows the
broker did not take are sent again by the sweeper. A broker outage delays work, never loses it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.base import PortableJSON, created_field, id_field


class OutboxMessage(SQLModel, table=True):
    """One message to send: the actor and queue (names from `tasks.names`) and JSON arguments."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_sent_at_created_at", "sent_at", "created_at"),)

    id: uuid.UUID = id_field()
    actor: str = Field(max_length=60)
    queue: str = Field(max_length=60)
    args: list[Any] = Field(sa_type=PortableJSON)
    request_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = created_field()
    sent_at: datetime | None = None  # None until the broker took it
    attempts: int = Field(default=0)  # failed sends so far
    last_error: str | None = Field(default=None, max_length=500)
