"""Email delivery against a real SMTP server started here (aiosmtpd): the message parts and
the calendar file, the outbox surviving a lost send, no second email on a retry, failures
kept for a retry, the embedded `.eml` folder, and one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import dramatiq
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update
from sqlmodel import col, select

import tasks.notifications  # noqa: F401 - declares the actor
from models.enums import DeliveryStatus, NotificationChannel, NotificationEvent
from models.job import Job
from models.notification import NotificationDelivery, NotificationPreference
from resolvers.notifications.deliver import Unfinished, deliver, requeue_unfinished
from resolvers.notifications.outbox import settle
from tasks import runtime
from tasks.names import SEND_NOTIFICATIONS
from tasks.worker import start_worker, stop_worker
from tests.api.test_interviews import schedule, world
from tests.tasks.test_broker import restore_gc, stub_broker  # noqa: F401 - fixtures


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.raw.append(envelope.content)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(settings: Any, smtp: tuple[Inbox, int]) -> Any:
    return dataclasses.replace(settings, smtp_url=f"smtp://127.0.0.1:{smtp[1]}")


async def pending_ids(db: Any) -> list[Any]:
    await settle()
    async with db() as session:
        return list(
            (
                await session.exec(
                    select(col(NotificationDelivery.id)).where(
                        col(NotificationDelivery.status) == DeliveryStatus.PENDING
                    )
                )
            ).all()
        )


async def test_an_invitation_has_text_html_and_the_calendar_file(
    client, db, settings, smtp, mail_settings
):
    """The job title is the organization's free text: the HTML part escapes it (Jinja2
    autoescape), the text part keeps it as written."""
    # given: a job title with markup, and an interview booked two days ahead
    inbox, _ = smtp
    w = await world(db)
    async with db() as session:
        await session.exec(
            update(Job).where(col(Job.id) == w["job"].id).values(title="<b>Chef</b> & Co")
        )
        await session.commit()
    answer = await schedule(client, settings, w)
    # when
    sent = await deliver(db, mail_settings, await pending_ids(db))
    # then: the candidate and both interviewers
    assert sent == 3
    [message] = inbox.to(w["candidate_user"].email)
    assert message["Subject"] == "Interview invitation: <b>Chef</b> & Co"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert all(  # one plain URL, as mail clients read it (never RFC 2047 encoded words)
        b"\r\nList-Unsubscribe: <http://127.0.0.1:8000/notifications/unsubscribe?token=" in raw
        for raw in inbox.raw
    )
    assert message["Message-ID"].endswith("@127.0.0.1>")
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert "<b>Chef</b> & Co" in text.get_content()
    assert "&lt;b&gt;Chef&lt;/b&gt; &amp; Co" in html.get_content()
    assert "<b>Chef" not in html.get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "interview.ics"
    calendar = attachment.get_content()
    assert f"UID:interview-{answer['interview']['id']}@talentgraph" in calendar
    assert "METHOD:REQUEST" in calendar


async def test_a_lost_send_loses_nothing_and_a_retry_sends_nothing_twice(
    client, db, settings, smtp, mail_settings
):
    # given: the change committed, but its task messages died with the process
    inbox, _ = smtp
    w = await world(db)
    await schedule(client, settings, w)
    await settle()
    broker = dramatiq.get_broker()
    broker.flush_all()
    runtime.configure(mail_settings)
    # when: the scheduler's requeue sends the still-PENDING rows to a real worker, twice
    worker = start_worker(broker, threads=1, timeout_ms=100)
    try:
        first = await requeue_unfinished(db)
        await asyncio.to_thread(broker.join, SEND_NOTIFICATIONS.queue, timeout=30_000)
        second = await requeue_unfinished(db)
        await asyncio.to_thread(broker.join, SEND_NOTIFICATIONS.queue, timeout=30_000)
    finally:
        stop_worker(worker)
        runtime.configure(settings)
    again = await deliver(db, mail_settings, [d.id for d in await all_deliveries(db)])
    # then: three emails, once each
    assert (first, second, again) == (3, 0, 0)
    assert len(inbox.messages) == 3
    assert len({m["Message-ID"] for m in inbox.messages}) == 3
    rows = await all_deliveries(db)
    assert {(r.status, r.attempts) for r in rows} == {(DeliveryStatus.SENT, 1)}


async def all_deliveries(db: Any) -> list[NotificationDelivery]:
    async with db() as session:
        return list(await session.exec(select(NotificationDelivery)))


async def test_a_failed_send_stays_pending_and_the_retry_delivers_it(
    client, db, settings, smtp, mail_settings
):
    # given: no mail server listening
    inbox, _ = smtp
    w = await world(db)
    await schedule(client, settings, w)
    ids = await pending_ids(db)
    down = dataclasses.replace(settings, smtp_url=f"smtp://127.0.0.1:{free_port()}")
    # when
    with pytest.raises(Unfinished):
        await deliver(db, down, ids)
    failed = await all_deliveries(db)
    sent = await deliver(db, mail_settings, ids)
    # then
    assert {(r.status, r.attempts) for r in failed} == {(DeliveryStatus.PENDING, 1)}
    assert all(r.last_error for r in failed)
    assert sent == 3
    assert len(inbox.messages) == 3
    assert {r.status for r in await all_deliveries(db)} == {DeliveryStatus.SENT}


async def test_without_an_smtp_server_emails_are_written_to_the_outbox_folder(client, db, settings):
    # given: the embedded default (no SMTP_URL)
    w = await world(db)
    await schedule(client, settings, w)
    ids = await pending_ids(db)
    # when: delivered, then delivered again
    sent = await deliver(db, settings, ids)
    await deliver(db, settings, ids)
    # then: one file per email
    files = sorted((settings.data_dir / "outbox").glob("*.eml"))
    assert sent == 3
    assert [f.stem for f in files] == sorted(str(i) for i in ids)
    parsed = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
    assert {m["To"] for m in parsed} == {
        w["candidate_user"].email,
        w["alice"].email,
        w["bob"].email,
    }


async def test_one_click_unsubscribe_turns_that_email_off(
    client, db, settings, smtp, mail_settings
):
    # given: an invitation email and its unsubscribe link
    inbox, _ = smtp
    w = await world(db)
    await schedule(client, settings, w)
    await deliver(db, mail_settings, await pending_ids(db))
    [message] = inbox.to(w["candidate_user"].email)
    link = urlsplit(message["List-Unsubscribe"].strip("<>"))
    path = f"{link.path}?{link.query}"
    # when
    page = await client.get(path)
    after_get = await preferences_of(db, w["candidate_user"].id)
    posted = await client.post(path, content="List-Unsubscribe=One-Click")
    forged = await client.post(path.replace("token=", "token=x"))
    # then: GET only asks; POST turns invitation emails off for that user alone
    assert page.status_code == 200
    assert '<form method="post"' in page.text
    assert after_get == []
    assert posted.status_code == 200
    assert "no longer receive emails about interview scheduled" in posted.text
    assert await preferences_of(db, w["candidate_user"].id) == [
        (NotificationEvent.INTERVIEW_SCHEDULED, NotificationChannel.EMAIL, False)
    ]
    assert forged.status_code == 404


async def preferences_of(db: Any, user_id: Any) -> list[tuple[Any, Any, bool]]:
    async with db() as session:
        rows = await session.exec(
            select(NotificationPreference).where(col(NotificationPreference.user_id) == user_id)
        )
        return [(r.event, r.channel, r.enabled) for r in rows]


@pytest.mark.usefixtures("stub_broker", "restore_gc")
async def test_the_embedded_server_sends_what_the_last_process_left_pending(
    app, client, db, settings
):
    # given: a committed invitation whose task messages died with the previous process
    w = await world(db)
    await schedule(client, settings, w)
    ids = await pending_ids(db)
    broker = dramatiq.get_broker()
    broker.flush_all()
    # when: the server starts again (embedded: in-memory broker, worker and scheduler inside)
    async with app.router.lifespan_context(app):
        await asyncio.to_thread(broker.join, SEND_NOTIFICATIONS.queue, timeout=30_000)
    # then: written to data/outbox, each once
    files = sorted(f.stem for f in (settings.data_dir / "outbox").glob("*.eml"))
    assert files == sorted(str(i) for i in ids)
    assert {r.status for r in await all_deliveries(db)} == {DeliveryStatus.SENT}
