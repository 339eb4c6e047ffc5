"""Email messages of notifications: rendering (Jinja2, autoescaped), one-click unsubscribe
tokens (RFC 8058) and the transports (SMTP with aiosmtplib, or `.eml` files when embedded)."""

from __future__ import annotations

import base64
import email.policy
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

import aiosmtplib
from jinja2 import Environment, PackageLoader, select_autoescape

from models.base import utcnow
from models.enums import NotificationEvent
from models.settings import Settings

TEMPLATES = Environment(
    loader=PackageLoader("resolvers.notifications", "templates"),
    autoescape=select_autoescape(["html", "txt"], default_for_string=True),
    keep_trailing_newline=True,
)
# the plain-text part needs no escaping, and must not get HTML entities
TEXT_TEMPLATES = Environment(
    loader=PackageLoader("resolvers.notifications", "templates"),
    autoescape=False,  # noqa: S701 - text/plain part, never rendered as HTML
    keep_trailing_newline=True,
)
# headers up to RFC 5322's 998 octets: a long List-Unsubscribe URL must stay one plain
# `<https://...>` (the default 78 would turn it into encoded words mail clients cannot follow)
POLICY = email.policy.SMTP.clone(max_line_length=998)
SMTP_TIMEOUT = 30.0
UNSUBSCRIBE_PATH = "/notifications/unsubscribe"


def event_label(notification_event: NotificationEvent) -> str:
    return notification_event.value.replace("_", " ").lower()


def unsubscribe_token(secret: str, user_id: uuid.UUID, event: NotificationEvent) -> str:
    """`<user id>.<event>.<HMAC-SHA256>`: turns that user's email for that event off."""
    message = f"{user_id}.{event.value}"
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return f"{message}.{base64.urlsafe_b64encode(digest).decode().rstrip('=')}"


def read_unsubscribe_token(secret: str, token: str) -> tuple[uuid.UUID, NotificationEvent] | None:
    """The user and event of a genuine token, else None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        user_id, event = uuid.UUID(parts[0]), NotificationEvent(parts[1])
    except ValueError:
        return None
    if not hmac.compare_digest(unsubscribe_token(secret, user_id, event), token):
        return None
    return user_id, event


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    title: str
    body: str
    event: NotificationEvent
    user_id: uuid.UUID
    idempotency_key: str
    link: str | None = None
    calendar: str | None = None  # an iCalendar file to attach


def message_id(key: str, settings: Settings) -> str:
    """The same key always gives the same Message-ID, so a resent email is recognisably one."""
    domain = urlsplit(settings.public_url).hostname or "talentgraph.localhost"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def build(mail: Mail, settings: Settings) -> EmailMessage:
    token = unsubscribe_token(settings.jwt_secret, mail.user_id, mail.event)
    unsubscribe_url = f"{settings.public_url}{UNSUBSCRIBE_PATH}?token={token}"
    values = {
        "title": mail.title,
        "body": mail.body,
        "link": mail.link,
        "unsubscribe_url": unsubscribe_url,
        "event_label": event_label(mail.event),
    }
    message = EmailMessage(policy=POLICY)
    message["From"] = settings.mail_from
    message["To"] = mail.to
    message["Subject"] = " ".join(mail.subject.split())  # never a line break in a header
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id(mail.idempotency_key, settings)
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(TEXT_TEMPLATES.get_template("email.txt").render(values))
    message.add_alternative(TEMPLATES.get_template("email.html").render(values), subtype="html")
    if mail.calendar is not None:
        message.add_attachment(
            mail.calendar.encode(),
            maintype="text",
            subtype="calendar",
            filename="interview.ics",
            params={"method": "CANCEL" if "METHOD:CANCEL" in mail.calendar else "REQUEST"},
        )
    return message


def outbox_dir(settings: Settings) -> Path:
    return settings.data_dir / "outbox"


async def transmit(message: EmailMessage, settings: Settings, name: str) -> None:
    """Hand the message to the SMTP server, or write `data/outbox/<name>.eml` without one
    (the same name again overwrites: a resend leaves one file)."""
    if not settings.smtp_url:
        folder = outbox_dir(settings)
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{name}.tmp"
        partial.write_bytes(message.as_bytes())
        partial.replace(folder / f"{name}.eml")
        return
    url = urlsplit(settings.smtp_url)
    implicit_tls = url.scheme == "smtps"
    # sent as bytes: aiosmtplib would flatten a message object with its own 78-column policy
    await aiosmtplib.send(
        message.as_bytes(),
        sender=parseaddr(str(message["From"]))[1],
        recipients=[str(message["To"])],
        hostname=url.hostname or "localhost",
        port=url.port or (465 if implicit_tls else 587),
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        use_tls=implicit_tls,
        # with a password, STARTTLS is required; without one it is used when offered
        start_tls=True if url.username and not implicit_tls else None,
        timeout=SMTP_TIMEOUT,
    )
