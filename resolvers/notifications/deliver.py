"""Delivering the email outbox: the job body of the `send_notifications` actor, and the
re-send of deliveries left PENDING (the scheduler's and the sweeper's `requeue_unfinished`).

At least once, with the idempotency key as the Message-ID: a delivery is claimed (attempts
+1, optimistic on `updated_at`, so two workers never send one row at once), sent outside any
transaction, and marked SENT in a transaction right after the SMTP server accepted it. The one
window left: the process dies after the server accepted the message and before that commit;
the row is then sent again after `STALE_AFTER`, with the same Message-ID, which mail systems
use to drop duplicates.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from models.base import utcnow
from models.db import SessionFactory
from models.enums import DeliveryStatus, NotificationEvent
from models.interview import Interview
from models.job import Job
from models.notification import Notification, NotificationDelivery
from models.organization import User
from models.settings import Settings
from resolvers.calendar import interview_ics
from resolvers.notifications import mail
from resolvers.notifications.outbox import send_ids

logger = logging.getLogger("talentgraph.notifications")

MAX_ATTEMPTS = 5
STALE_AFTER = timedelta(minutes=10)  # a claimed delivery not finished by then is sent again
REQUEUE_LIMIT = 1000
CALENDAR_EVENTS = frozenset(
    {
        NotificationEvent.INTERVIEW_SCHEDULED,
        NotificationEvent.INTERVIEW_RESCHEDULED,
        NotificationEvent.INTERVIEW_CANCELLED,
        NotificationEvent.INTERVIEW_REMINDER,
    }
)


class Unfinished(Exception):
    """Some deliveries failed and have attempts left: the actor's retry sends them again."""


async def deliver(factory: SessionFactory, settings: Settings, ids: Sequence[uuid.UUID]) -> int:
    """Send each PENDING delivery of `ids` once; returns how many were sent now.

    Raises:
        Unfinished: when a send failed and may be retried.
    """
    sent = 0
    failed = 0
    for delivery_id in ids:
        claimed = await _claim(factory, delivery_id)
        if claimed is None:
            continue
        mail_to_send, attempts = claimed
        if mail_to_send is None:  # the recipient or their address is gone
            await _finish(factory, delivery_id, DeliveryStatus.FAILED, "no recipient address")
            continue
        try:
            await mail.transmit(mail.build(mail_to_send, settings), settings, str(delivery_id))
        except Exception as exc:
            final = attempts >= MAX_ATTEMPTS
            status = DeliveryStatus.FAILED if final else DeliveryStatus.PENDING
            await _finish(factory, delivery_id, status, f"{type(exc).__name__}: {exc}"[:1000])
            logger.warning("email delivery %s failed (attempt %d)", delivery_id, attempts)
            failed += 0 if final else 1
            continue
        await _finish(factory, delivery_id, DeliveryStatus.SENT, None)
        sent += 1
    if failed:
        raise Unfinished(f"{failed} email(s) not sent yet; retrying")
    return sent


async def _claim(
    factory: SessionFactory, delivery_id: uuid.UUID
) -> tuple[mail.Mail | None, int] | None:
    """Count an attempt on a PENDING row and read what to send; None when it is not ours."""
    async with factory() as session:
        row = await session.get(NotificationDelivery, delivery_id)
        if row is None or row.status is not DeliveryStatus.PENDING:
            return None
        now = utcnow()
        if row.attempts >= MAX_ATTEMPTS:  # its workers kept dying: give up
            await session.exec(
                update(NotificationDelivery)
                .where(
                    col(NotificationDelivery.id) == delivery_id,
                    col(NotificationDelivery.status) == DeliveryStatus.PENDING,
                )
                .values(status=DeliveryStatus.FAILED, last_error="gave up", updated_at=now)
            )
            await session.commit()
            return None
        claimed = await session.exec(
            update(NotificationDelivery)
            .where(
                col(NotificationDelivery.id) == delivery_id,
                col(NotificationDelivery.status) == DeliveryStatus.PENDING,
                col(NotificationDelivery.updated_at) == row.updated_at,
            )
            .values(attempts=row.attempts + 1, updated_at=now)
        )
        if claimed.rowcount != 1:  # another worker claimed it meanwhile
            await session.rollback()
            return None
        await session.commit()
        attempts = row.attempts + 1
        notification = await session.get(Notification, row.notification_id)
        user = await session.get(User, notification.user_id) if notification else None
        if notification is None or user is None or not user.is_active:
            return None, attempts
        calendar = None
        interview_id = notification.payload.get("interviewId")
        if notification.event in CALENDAR_EVENTS and interview_id:
            interview = await session.get(Interview, uuid.UUID(interview_id))
            if interview is not None:
                job = await session.get(Job, interview.job_id)
                calendar = interview_ics(
                    interview, f"Interview: {job.title}" if job else "Interview"
                )
        return (
            mail.Mail(
                to=user.email,
                subject=notification.title,
                title=notification.title,
                body=notification.body,
                event=notification.event,
                user_id=user.id,
                idempotency_key=row.idempotency_key,
                calendar=calendar,
            ),
            attempts,
        )


async def _finish(
    factory: SessionFactory, delivery_id: uuid.UUID, status: DeliveryStatus, error: str | None
) -> None:
    now = utcnow()
    async with factory() as session:
        await session.exec(
            update(NotificationDelivery)
            .where(
                col(NotificationDelivery.id) == delivery_id,
                col(NotificationDelivery.status) == DeliveryStatus.PENDING,
            )
            .values(
                status=status,
                last_error=error,
                updated_at=now,
                sent_at=now if status is DeliveryStatus.SENT else None,
            )
        )
        await session.commit()


async def requeue_unfinished(factory: SessionFactory, older_than: datetime | None = None) -> int:
    """Send again the deliveries still PENDING and untouched since `older_than` (default: all):
    their message was lost, or their worker died. Returns how many were sent."""
    async with factory() as session:
        statement = select(col(NotificationDelivery.id)).where(
            col(NotificationDelivery.status) == DeliveryStatus.PENDING
        )
        if older_than is not None:
            statement = statement.where(col(NotificationDelivery.updated_at) < older_than)
        ids = list(
            (
                await session.exec(
                    statement.order_by(col(NotificationDelivery.updated_at)).limit(REQUEUE_LIMIT)
                )
            ).all()
        )
    await send_ids(ids)
    return len(ids)
