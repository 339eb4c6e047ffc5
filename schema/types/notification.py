"""Notifications and notification preferences as GraphQL types."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from models.enums import NotificationChannel, NotificationEvent
from models.notification import Notification
from resolvers.notifications.reads import Preference

strawberry.enum(
    NotificationEvent,
    description="What a notification is about: APPLICATION_RECEIVED (candidate and the "
    "organization's recruiters), STAGE_CHANGED (candidate), INTERVIEW_SCHEDULED, "
    "INTERVIEW_RESCHEDULED, INTERVIEW_CANCELLED and INTERVIEW_REMINDER (candidate and "
    "interviewers), JOB_DEADLINE (applicants), EVALUATION_COMPLETED (requester), "
    "IMPORT_FINISHED (partner), REGISTRATION_ATTEMPT (the owner of a taken email).",
)
strawberry.enum(NotificationChannel, description="IN_APP (this API) or EMAIL.")


def _id(payload: dict[str, Any], key: str) -> strawberry.ID | None:
    value = payload.get(key)
    return strawberry.ID(str(value)) if value else None


@strawberry.type(name="Notification", description="A message to you; only you can read it.")
class NotificationType:
    id: strawberry.ID = strawberry.field(description="UUID.")
    event: NotificationEvent = strawberry.field(description="What it is about.")
    title: str = strawberry.field(description="One line (at most 300 characters).")
    body: str = strawberry.field(description="The message as plain text.")
    read_at: datetime | None = strawberry.field(
        description="When you marked it read; null if unread."
    )
    created_at: datetime = strawberry.field(description="When it was sent.")
    application_id: strawberry.ID | None = strawberry.field(
        description="The application it concerns."
    )
    interview_id: strawberry.ID | None = strawberry.field(description="The interview it concerns.")
    job_id: strawberry.ID | None = strawberry.field(description="The job it concerns.")
    evaluation_id: strawberry.ID | None = strawberry.field(
        description="The evaluation it concerns."
    )
    import_job_id: strawberry.ID | None = strawberry.field(description="The import it concerns.")

    @classmethod
    def from_model(cls, row: Notification) -> NotificationType:
        payload = row.payload or {}
        return cls(
            id=strawberry.ID(str(row.id)),
            event=row.event,
            title=row.title,
            body=row.body,
            read_at=row.read_at,
            created_at=row.created_at,
            application_id=_id(payload, "applicationId"),
            interview_id=_id(payload, "interviewId"),
            job_id=_id(payload, "jobId"),
            evaluation_id=_id(payload, "evaluationId"),
            import_job_id=_id(payload, "importJobId"),
        )


@strawberry.type(
    name="NotificationPreference",
    description="Whether you get one event by one channel (everything is on by default).",
)
class NotificationPreferenceType:
    event: NotificationEvent = strawberry.field(description="The event.")
    channel: NotificationChannel = strawberry.field(description="The channel.")
    enabled: bool = strawberry.field(description="On or off.")

    @classmethod
    def from_value(cls, value: Preference) -> NotificationPreferenceType:
        return cls(event=value.event, channel=value.channel, enabled=value.enabled)
