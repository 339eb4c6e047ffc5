"""A user's own notifications: the page, marking read, preferences, the live feed.

Every statement is limited to the signed-in user's rows: nobody reads or marks another
user's notifications, admins included (they are personal messages).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, update
from sqlmodel import col, select

from loaders.pagination import OrderColumn, PageArgs
from models.base import utcnow
from models.db import SessionFactory
from models.enums import NotificationChannel, NotificationEvent
from models.notification import Notification, NotificationPreference
from resolvers import events
from resolvers.context import Context
from resolvers.errors import AuthenticationRequiredError, NotFoundError
from resolvers.notifications.outbox import user_topic
from resolvers.pages import OrderDirection, Page, fetch_page
from resolvers.validation import Checks

MAX_IDS = 100
POLL_SECONDS = 10.0
ORDER = (
    OrderColumn(col(Notification.created_at), "created_at", datetime),
    OrderColumn(col(Notification.id), "id", uuid.UUID),
)


@dataclass(frozen=True)
class Preference:
    event: NotificationEvent
    channel: NotificationChannel
    enabled: bool


def _user(ctx: Context) -> uuid.UUID:
    if ctx.viewer.user_id is None:
        raise AuthenticationRequiredError("Sign in to read your notifications")
    return ctx.viewer.user_id


async def list_notifications(ctx: Context, args: PageArgs, unread_only: bool) -> Page[Notification]:
    """Newest first; empty for anonymous callers."""
    user_id = ctx.viewer.user_id
    clauses = [col(Notification.user_id) == user_id if user_id is not None else false()]
    if unread_only:
        clauses.append(col(Notification.read_at).is_(None))
    return await fetch_page(
        ctx.session_factory, Notification, clauses, ORDER, OrderDirection.DESC, "notification", args
    )


async def mark_read(ctx: Context, ids: Sequence[uuid.UUID | None]) -> list[Notification]:
    """Mark the given notifications read (already read ones keep their time). All or none:
    an id that is not one of the user's is NOT_FOUND and nothing changes."""
    user_id = _user(ctx)
    checks = Checks()
    if not 1 <= len(ids) <= MAX_IDS:
        checks.fail("ids", "INVALID_VALUE", f"give 1 to {MAX_IDS} ids")
    checks.done()
    wanted = list(dict.fromkeys(ids))
    async with ctx.session_factory() as session:
        rows = {
            row.id: row
            for row in await session.exec(
                select(Notification).where(
                    col(Notification.id).in_([i for i in wanted if i is not None]),
                    col(Notification.user_id) == user_id,
                )
            )
        }
        for index, key in enumerate(ids):
            if key is None or key not in rows:
                raise NotFoundError("Notification not found", field=f"ids[{index}]")
        await session.exec(
            update(Notification)
            .where(col(Notification.id).in_(list(rows)), col(Notification.read_at).is_(None))
            .values(read_at=utcnow())
        )
        await session.commit()
        found = await session.exec(
            select(Notification)
            .where(col(Notification.id).in_(list(rows)))
            .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        )
        return list(found)


async def preferences(ctx: Context) -> list[Preference]:
    """Every event and channel, on unless turned off; empty for anonymous callers."""
    user_id = ctx.viewer.user_id
    if user_id is None:
        return []
    async with ctx.session_factory() as session:
        rows = await session.exec(
            select(NotificationPreference).where(col(NotificationPreference.user_id) == user_id)
        )
        chosen = {(r.event, r.channel): r.enabled for r in rows}
    return [
        Preference(event, channel, chosen.get((event, channel), True))
        for event in NotificationEvent
        for channel in NotificationChannel
    ]


async def set_preferences(
    factory: SessionFactory, user_id: uuid.UUID, changes: Sequence[Preference]
) -> None:
    """Store the user's choices (one row per event and channel; the last one given wins)."""
    wanted = {(c.event, c.channel): c.enabled for c in changes}
    async with factory() as session:
        rows = {
            (r.event, r.channel): r
            for r in await session.exec(
                select(NotificationPreference).where(col(NotificationPreference.user_id) == user_id)
            )
        }
        now = utcnow()
        for (event, channel), enabled in wanted.items():
            row = rows.get((event, channel)) or NotificationPreference(
                user_id=user_id, event=event, channel=channel, enabled=enabled
            )
            row.enabled, row.updated_at = enabled, now
            session.add(row)
        await session.commit()


async def update_preferences(ctx: Context, changes: Sequence[Preference]) -> list[Preference]:
    user_id = _user(ctx)
    checks = Checks()
    if not 1 <= len(changes) <= len(NotificationEvent) * len(NotificationChannel):
        checks.fail("preferences", "INVALID_VALUE", "give at least one preference, each once")
    checks.done()
    await set_preferences(ctx.session_factory, user_id, changes)
    return await preferences(ctx)


async def watch(ctx: Context) -> AsyncIterator[Notification]:
    """Each notification the user gets from now on, oldest first, as it is committed (woken
    through `events`, and re-read every POLL_SECONDS for other processes' without Redis)."""
    user_id = _user(ctx)
    since = utcnow()
    seen: set[uuid.UUID] = set()
    with events.listen(user_topic(user_id)) as changed:
        while True:
            async with ctx.session_factory() as session:
                rows = list(
                    await session.exec(
                        select(Notification)
                        .where(
                            col(Notification.user_id) == user_id,
                            col(Notification.created_at) >= since,
                            col(Notification.read_at).is_(None),
                        )
                        .order_by(col(Notification.created_at), col(Notification.id))
                        .limit(MAX_IDS)
                    )
                )
            for row in rows:
                if row.id not in seen:
                    seen.add(row.id)
                    yield row
            if rows:
                since = rows[-1].created_at
                seen = {r.id for r in rows if r.created_at == since}
            await events.wait(changed, POLL_SECONDS)
