"""Writing notifications: rows in the caller's transaction, messages sent once it commits.

A hook adds a `Notification` per recipient and, when the recipient wants email for that
event, a PENDING `NotificationDelivery`: the outbox row. Both commit or roll back with the
change that caused them. After the commit the delivery ids go to the delivery actor and the
recipients' subscriptions are woken; if that send is lost (the process dies, the broker is
down), the scheduler's `requeue_unfinished` sends the still-PENDING rows again.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import utcnow
from models.enums import DeliveryStatus, NotificationChannel, NotificationEvent
from models.notification import Notification, NotificationDelivery, NotificationPreference
from resolvers import events
from tasks.broker import send_async
from tasks.names import SEND_NOTIFICATIONS

logger = logging.getLogger("talentgraph.notifications")

PENDING_KEY = "talentgraph.notifications"  # session.info: what to send after the commit
BATCH = 50  # delivery ids per task message
_running: set[asyncio.Task[None]] = set()  # keeps fire-and-forget dispatches alive


def user_topic(user_id: uuid.UUID) -> str:
    return f"notifications:{user_id}"


async def wanted_channels(
    session: AsyncSession, user_ids: list[uuid.UUID], notification_event: NotificationEvent
) -> dict[uuid.UUID, set[NotificationChannel]]:
    """The channels each user gets this event by: both, unless a preference turned one off."""
    wanted = {user_id: set(NotificationChannel) for user_id in user_ids}
    rows = await session.exec(
        select(NotificationPreference).where(
            col(NotificationPreference.user_id).in_(user_ids),
            col(NotificationPreference.event) == notification_event,
            col(NotificationPreference.enabled).is_(False),
        )
    )
    for row in rows:
        wanted[row.user_id].discard(row.channel)
    return wanted


async def notify(
    session: AsyncSession,
    user_ids: Iterable[uuid.UUID | None],
    notification_event: NotificationEvent,
    title: str,
    body: str,
    payload: dict[str, Any] | None = None,
    *,
    redis_url: str | None = None,
) -> list[Notification]:
    """Add the notifications of `user_ids` (duplicates and None skipped) to the session.

    With the in-app channel off the row is still kept (it is the record the email is made
    from) but arrives read and is not pushed.
    """
    recipients = list(dict.fromkeys(u for u in user_ids if u is not None))
    if not recipients:
        return []
    wanted = await wanted_channels(session, recipients, notification_event)
    now = utcnow()
    added: list[Notification] = []
    deliveries: list[NotificationDelivery] = []
    for user_id in recipients:
        channels = wanted[user_id]
        if not channels:
            continue
        in_app = NotificationChannel.IN_APP in channels
        row = Notification(
            user_id=user_id,
            event=notification_event,
            title=title[:300],
            body=body,
            payload=payload or {},
            read_at=None if in_app else now,
            created_at=now,
        )
        added.append(row)
        if NotificationChannel.EMAIL in channels:
            deliveries.append(
                NotificationDelivery(
                    notification_id=row.id,
                    channel=NotificationChannel.EMAIL,
                    status=DeliveryStatus.PENDING,
                    idempotency_key=f"{row.id}:email",
                    created_at=now,
                    updated_at=now,
                )
            )
    session.add_all(added)
    await session.flush()  # the notifications first: deliveries refer to them
    session.add_all(deliveries)
    _after_commit(
        session,
        [d.id for d in deliveries],
        [row.user_id for row in added if row.read_at is None],
        redis_url,
    )
    return added


def _after_commit(
    session: AsyncSession,
    delivery_ids: list[uuid.UUID],
    user_ids: list[uuid.UUID],
    redis_url: str | None,
) -> None:
    sync = session.sync_session
    pending = sync.info.get(PENDING_KEY)
    if pending is None:
        pending = sync.info[PENDING_KEY] = {"deliveries": [], "users": [], "redis": None}
        event.listen(sync, "after_commit", _committed)
        event.listen(sync, "after_rollback", _rolled_back)
    pending["deliveries"].extend(delivery_ids)
    pending["users"].extend(user_ids)
    pending["redis"] = pending["redis"] or redis_url


def _rolled_back(sync: Session) -> None:
    pending = sync.info.get(PENDING_KEY)
    if pending is not None:
        pending["deliveries"].clear()
        pending["users"].clear()


def _committed(sync: Session) -> None:
    pending = sync.info.get(PENDING_KEY)
    if pending is None or not (pending["deliveries"] or pending["users"]):
        return
    deliveries, users = list(pending["deliveries"]), list(dict.fromkeys(pending["users"]))
    pending["deliveries"].clear()
    pending["users"].clear()
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no loop: the scheduler's requeue sends them
        return
    task = loop.create_task(dispatch(deliveries, users, pending["redis"]))
    _running.add(task)
    task.add_done_callback(_running.discard)


async def settle() -> None:
    """Wait for the dispatches this process started (shutdown, tests)."""
    while _running:
        await asyncio.gather(*_running, return_exceptions=True)


async def dispatch(
    delivery_ids: list[uuid.UUID], user_ids: list[uuid.UUID], redis_url: str | None
) -> None:
    """Send the deliveries to the actor and wake the users' subscriptions; a failure here
    loses nothing (the rows stay PENDING for `requeue_unfinished`)."""
    try:
        await send_ids(delivery_ids)
    except Exception:
        logger.warning("notification deliveries not enqueued; requeued later", exc_info=True)
    if user_ids:
        await events.announce(*(user_topic(u) for u in user_ids), redis_url=redis_url)


async def send_ids(delivery_ids: list[uuid.UUID]) -> None:
    for start in range(0, len(delivery_ids), BATCH):
        chunk = [str(i) for i in delivery_ids[start : start + BATCH]]
        await send_async(SEND_NOTIFICATIONS.actor, *chunk, queue_name=SEND_NOTIFICATIONS.queue)
