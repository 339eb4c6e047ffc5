"""Reading, muting and following your notifications."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from loaders.pagination import PageArgs
from models.enums import NotificationChannel, NotificationEvent
from resolvers.context import Context
from resolvers.notifications import reads
from schema.inputs import lookup_id
from schema.types.common import Connection, to_connection
from schema.types.errors import AuthenticationRequired, NotFound, ValidationError
from schema.types.notification import NotificationPreferenceType, NotificationType

Info = strawberry.Info[Context, None]


@strawberry.input(description="Turn one event on or off for one channel.")
class NotificationPreferenceInput:
    event: NotificationEvent = strawberry.field(description="The event.")
    channel: NotificationChannel = strawberry.field(description="IN_APP or EMAIL.")
    enabled: bool = strawberry.field(description="On or off.")


@strawberry.type(description="The notifications are marked read.")
class NotificationsMarkedRead:
    notifications: list[NotificationType] = strawberry.field(
        description="The notifications given, newest first."
    )


@strawberry.type(description="The preferences were saved.")
class NotificationPreferencesUpdated:
    preferences: list[NotificationPreferenceType] = strawberry.field(
        description="All your preferences now, every event and channel."
    )


MarkReadResult = Annotated[
    NotificationsMarkedRead | NotFound | AuthenticationRequired | ValidationError,
    strawberry.union(
        "MarkNotificationsReadResult", description="Result of `markNotificationsRead`."
    ),
]
PreferencesResult = Annotated[
    NotificationPreferencesUpdated | AuthenticationRequired | ValidationError,
    strawberry.union(
        "UpdateNotificationPreferencesResult",
        description="Result of `updateNotificationPreferences`.",
    ),
]


@strawberry.type
class NotificationQueries:
    @strawberry.field(
        description="Your notifications, newest first (empty when signed out). Page size: "
        "default 20, at most 100."
    )
    async def notifications(
        self,
        info: Info,
        first: Annotated[
            int | None, strawberry.argument(description="Page size: default 20, at most 100.")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="`endCursor` of the previous page.")
        ] = None,
        unread_only: Annotated[
            bool, strawberry.argument(description="Only those not marked read.")
        ] = False,
    ) -> Connection[NotificationType]:
        page = await reads.list_notifications(
            info.context,
            PageArgs(first=first if first is not None else 20, after=after),
            unread_only,
        )
        return to_connection(page, NotificationType.from_model)

    @strawberry.field(
        description="Which events reach you by which channel: every event and channel, on "
        "unless you turned it off (empty when signed out)."
    )
    async def notification_preferences(self, info: Info) -> list[NotificationPreferenceType]:
        return [
            NotificationPreferenceType.from_value(p) for p in await reads.preferences(info.context)
        ]


@strawberry.type
class NotificationMutations:
    @strawberry.mutation(
        description="Mark 1 to 100 of your notifications read (already read ones keep their "
        "time). An id that is not one of yours is NOT_FOUND and nothing changes."
    )
    async def mark_notifications_read(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="1 to 100 ids.")],
    ) -> MarkReadResult:
        rows = await reads.mark_read(info.context, [lookup_id(i) for i in ids])
        return NotificationsMarkedRead(notifications=[NotificationType.from_model(r) for r in rows])

    @strawberry.mutation(
        description="Turn events on or off per channel (1 to 20 entries; for an event and "
        "channel given twice the last wins). EMAIL off: later emails of that event are not "
        "written (ones already queued are sent). IN_APP off: notifications arrive read and "
        "are not pushed to `notificationAdded`."
    )
    async def update_notification_preferences(
        self,
        info: Info,
        preferences: Annotated[
            list[NotificationPreferenceInput],
            strawberry.argument(description="The changes (1 per event and channel at most)."),
        ],
    ) -> PreferencesResult:
        saved = await reads.update_preferences(
            info.context, [reads.Preference(p.event, p.channel, p.enabled) for p in preferences]
        )
        return NotificationPreferencesUpdated(
            preferences=[NotificationPreferenceType.from_value(p) for p in saved]
        )


async def notification_added(info: Info) -> AsyncGenerator[NotificationType, None]:
    """The subscription's body (the Subscription root declares the field)."""
    async for row in reads.watch(info.context):
        yield NotificationType.from_model(row)
