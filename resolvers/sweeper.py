"""One pass of the sweeper: send again the work whose state says unfinished but whose worker is
gone or whose message was lost, for every kind of job, and the outbox messages not yet sent.

The database is the truth about work; a broker may lose messages (Redis keeps nothing on disk
by default, a worker dies holding them). A job is re-sent when its last sign of life is older
than a bound: a running import's heartbeat (`leases.STALE`), a parse's or an evaluation's claim
(their `updated_at`, bounded by how long they may run), or the time a job was queued or last
re-sent (`QUEUED_STALE`: a long queue is not mistaken for a lost message every few seconds).
A re-send stores the message in the outbox together with the new time stamp, so it survives a
broker outage too, and a duplicate message is harmless: every job is claimed before it runs.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, and_, delete, func, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models import metrics
from models.base import utcnow
from models.db import SessionFactory
from models.document import Document
from models.enums import DocumentStatus, EvaluationStatus, ImportMode, ImportStatus
from models.evaluation import Evaluation
from models.outbox import OutboxMessage
from resolvers import outbox
from resolvers.documents import process as parsing
from resolvers.evaluations import engines
from resolvers.evaluations.process import STALE_CLAIM
from resolvers.upserts import leases
from tasks.names import PARSE_DOCUMENT, RUN_IMPORT

logger = logging.getLogger("talentgraph.sweeper")

QUEUED_STALE = timedelta(minutes=2)  # queued (or last re-sent) this long ago and not started
PARSE_STALE = parsing.STALE_CLAIM  # past the actor's time limit: its worker is gone
EVALUATION_STALE = STALE_CLAIM  # past the actor's time limit: its worker is gone
OUTBOX_GRACE = timedelta(seconds=5)  # the submitting request sends its own messages first
OUTBOX_KEEP = timedelta(days=1)  # sent messages are kept this long for inspection
LIMIT = 500  # jobs per kind and pass; the next pass takes the rest

BATCHES = leases.BATCHES
DOCUMENTS = Document.__table__  # type: ignore[attr-defined]
EVALUATIONS = Evaluation.__table__  # type: ignore[attr-defined]
OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]

KINDS = ("import", "document", "evaluation", "outbox")
_lock = threading.Lock()
_resent: Counter[str] = Counter()
# called with (kind, count) after every pass that re-sent something (e.g. a metrics counter)
listeners: list[Callable[[str, int], None]] = []


def resent_counts() -> dict[str, int]:
    """Jobs and outbox messages this process's sweeper re-sent so far, per kind."""
    with _lock:
        return {kind: _resent[kind] for kind in KINDS}


def _count(kind: str, n: int) -> None:
    if not n:
        return
    with _lock:
        _resent[kind] += n
    logger.warning("sweeper re-sent %d %s message(s)", n, kind)
    metrics.record_sweeper_resends(kind, n)
    for listener in listeners:
        listener(kind, n)


async def sweep(factory: SessionFactory, now: datetime | None = None) -> dict[str, int]:
    """Re-send stuck jobs of every kind, then relay unsent outbox rows; returns the counts."""
    now = now or utcnow()
    found: dict[str, int] = {}
    for kind, resend in RESENDERS.items():
        async with factory() as session:
            ids, messages = await resend(session, stuck(kind, now), now)
            await session.commit()
        await outbox.relay_after_commit(factory, messages)
        found[kind] = len(ids)
    found["outbox"] = await _relay(factory, now)
    async with factory() as session:
        conn = await session.connection()
        await conn.execute(delete(OUTBOX).where(OUTBOX.c.sent_at < now - OUTBOX_KEEP))
        await session.commit()
    for kind, n in found.items():
        _count(kind, n)
    return found


def stuck(kind: str, now: datetime) -> ColumnElement[bool]:
    """Which jobs of `kind` count as stuck at `now` (see the module docstring for the bounds)."""
    if kind == "import":
        t = BATCHES
        return and_(
            t.c.mode == ImportMode.ASYNC,
            or_(
                and_(
                    t.c.status == ImportStatus.RUNNING,
                    or_(t.c.heartbeat_at.is_(None), t.c.heartbeat_at < leases.stale_before(now)),
                ),
                and_(
                    t.c.status == ImportStatus.QUEUED,
                    func.coalesce(t.c.heartbeat_at, t.c.created_at) < now - QUEUED_STALE,
                ),
            ),
        )
    if kind == "document":
        t = DOCUMENTS
        return or_(
            and_(t.c.status == DocumentStatus.PENDING, t.c.updated_at < now - QUEUED_STALE),
            and_(t.c.status == DocumentStatus.PARSING, t.c.updated_at < now - PARSE_STALE),
        )
    t = EVALUATIONS
    return or_(
        and_(t.c.status == EvaluationStatus.PENDING, t.c.updated_at < now - QUEUED_STALE),
        and_(t.c.status == EvaluationStatus.RUNNING, t.c.updated_at < now - EVALUATION_STALE),
    )


def unfinished(kind: str) -> ColumnElement[bool]:
    """Jobs of `kind` whose state says they still have to run (an admin may re-send them)."""
    if kind == "import":
        return and_(
            BATCHES.c.mode == ImportMode.ASYNC,
            BATCHES.c.status.in_([ImportStatus.QUEUED, ImportStatus.RUNNING]),
        )
    if kind == "document":
        return and_(DOCUMENTS.c.status.in_([DocumentStatus.PENDING, DocumentStatus.PARSING]))
    return and_(EVALUATIONS.c.status.in_([EvaluationStatus.PENDING, EvaluationStatus.RUNNING]))


Resent = tuple[list[uuid.UUID], list[uuid.UUID]]  # the jobs, and their outbox messages


async def resend_imports(
    session: AsyncSession, where: ColumnElement[bool], now: datetime
) -> Resent:
    """Back to QUEUED with a new message: the next run claims the job at once, and a stalled
    run that wakes up finds it no longer holds the job."""
    t = BATCHES
    conn = await session.connection()
    ids = [r[0] for r in await conn.execute(select(t.c.id).where(where).limit(LIMIT))]
    if ids:
        await conn.execute(
            update(t)
            .where(t.c.id.in_(ids), where)
            .values(status=ImportStatus.QUEUED, runner=None, heartbeat_at=now)
        )
    return ids, [outbox.stage(session, RUN_IMPORT, str(i)) for i in ids]


async def resend_documents(
    session: AsyncSession, where: ColumnElement[bool], now: datetime
) -> Resent:
    """Back to PENDING with a new message: a parse claims only a PENDING document or a stale
    PARSING one, so the next delivery claims it at once, and a stalled parse that wakes up
    finds it no longer holds the document. The lost worker's attempt stays counted, so a file
    that keeps killing its worker still ends FAILED. A document claimed within `PARSE_STALE`
    (only an admin's retry picks one) keeps its live worker: its message finds it taken."""
    t = DOCUMENTS
    resendable = or_(
        t.c.status == DocumentStatus.PENDING,
        and_(t.c.status == DocumentStatus.PARSING, t.c.updated_at < now - PARSE_STALE),
    )
    conn = await session.connection()
    ids = [r[0] for r in await conn.execute(select(t.c.id).where(where).limit(LIMIT))]
    if ids:
        await conn.execute(
            update(t)
            .where(t.c.id.in_(ids), where, resendable)
            .values(status=DocumentStatus.PENDING, updated_at=now)
        )
    return ids, [outbox.stage(session, PARSE_DOCUMENT, str(i)) for i in ids]


async def resend_evaluations(
    session: AsyncSession, where: ColumnElement[bool], now: datetime
) -> Resent:
    t = EVALUATIONS
    ids = await _touch(session, t, where, now)
    conn = await session.connection()
    rows = list(await conn.execute(select(t.c.id, t.c.requested_engine).where(t.c.id.in_(ids))))
    messages = []
    for engine in engines.ENGINES:
        messages += engines.stage(session, [i for i, e in rows if e == engine], engine)
    return ids, messages


RESENDERS: dict[str, Callable[[AsyncSession, ColumnElement[bool], datetime], Awaitable[Resent]]]
RESENDERS = {
    "import": resend_imports,
    "document": resend_documents,
    "evaluation": resend_evaluations,
}
TABLES = {"import": BATCHES, "document": DOCUMENTS, "evaluation": EVALUATIONS}


async def _touch(
    session: AsyncSession, t: Table, where: ColumnElement[bool], now: datetime
) -> list[uuid.UUID]:
    """The matching rows' ids, with `updated_at` moved to now so the next re-send waits again."""
    conn = await session.connection()
    ids = [r[0] for r in await conn.execute(select(t.c.id).where(where).limit(LIMIT))]
    if ids:
        await conn.execute(update(t).where(t.c.id.in_(ids)).values(updated_at=now))
    return ids


async def _relay(factory: SessionFactory, now: datetime) -> int:
    """Send outbox rows the broker has not taken yet (their submit could not send them)."""
    sent = 0
    while True:
        try:
            n = await outbox.relay(factory, created_before=now - OUTBOX_GRACE)
        except Exception:
            logger.warning(
                "the broker is not taking messages; the outbox keeps them", exc_info=True
            )
            return sent
        sent += n
        if n < outbox.BATCH:
            return sent
