"""Notifications of a user, their email deliveries (the outbox), preferences and reminders."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import PortableJSON, created_field, enum_type, fk_field, id_field
from models.enums import DeliveryStatus, NotificationChannel, NotificationEvent


class Notification(SQLModel, table=True):
    """What a user is told, in the app; written in the transaction of the change it reports."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_id_created_at_id", "user_id", "created_at", "id"),
    )

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = fk_field("users.id")
    event: NotificationEvent = Field(sa_type=enum_type(NotificationEvent))
    title: str = Field(max_length=300)
    body: str = Field(sa_type=Text)
    # ids the reader may follow (applicationId, interviewId, jobId, ...), never personal data
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=PortableJSON)
    read_at: datetime | None = None
    created_at: datetime = created_field()


class NotificationDelivery(SQLModel, table=True):
    """One channel of one notification: the outbox row a worker turns into a message.

    The idempotency key names the message: a redelivered job finds the row SENT and does
    nothing, and an email sent twice anyway carries the same Message-ID.
    """

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        Index("ix_notification_deliveries_status_updated_at", "status", "updated_at"),
    )

    id: uuid.UUID = id_field()
    notification_id: uuid.UUID = fk_field("notifications.id")
    channel: NotificationChannel = Field(sa_type=enum_type(NotificationChannel))
    status: DeliveryStatus = Field(sa_type=enum_type(DeliveryStatus))
    attempts: int = Field(default=0)
    idempotency_key: str = Field(max_length=120)
    last_error: str | None = Field(default=None, max_length=1000)
    sent_at: datetime | None = None
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class NotificationPreference(SQLModel, table=True):
    """A user's choice for one event and channel; no row means on."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "event", "channel"),)

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = fk_field("users.id")
    event: NotificationEvent = Field(sa_type=enum_type(NotificationEvent))
    channel: NotificationChannel = Field(sa_type=enum_type(NotificationChannel))
    enabled: bool
    updated_at: datetime = created_field()


class Reminder(SQLModel, table=True):
    """A reminder that was sent: its unique key makes each one happen once, across restarts
    and competing schedulers (`interview:<id>:<sequence>`, `deadline:<job>:<user>:<when>`)."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("key"),)

    id: uuid.UUID = id_field()
    key: str = Field(max_length=200)
    created_at: datetime = created_field()
