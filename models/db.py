"""Engine and session factory for SQLite (embedded) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

SessionFactory = async_sessionmaker[AsyncSession]


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> AsyncEngine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url, pool_size=pool_size, max_overflow=max_overflow, connect_args={"timeout": 30}
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            for pragma in (
                "foreign_keys=ON",
                "journal_mode=WAL",
                "busy_timeout=15000",
                "synchronous=NORMAL",
            ):
                cur.execute(f"PRAGMA {pragma}")
            cur.close()

        return engine
    engine = create_async_engine(
        url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=False
    )
    event.listen(engine.sync_engine, "checkout", _discard_closed)
    return engine


def _discard_closed(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    """Replace a pooled connection the server already closed, before a request uses it.

    A restarted or failed-over PostgreSQL, `pg_terminate_backend` and idle timeouts close
    connections while they sit in the pool; asyncpg sees the end of the stream on the event
    loop and marks the connection closed. Checking that flag costs no round trip, unlike
    `pool_pre_ping` (a statement per checkout, and every loader batch checks one out), and
    raising `DisconnectionError` makes the pool connect afresh and go on with the request.
    """
    driver = getattr(dbapi_conn, "driver_connection", None)
    is_closed = getattr(driver, "is_closed", None)
    if callable(is_closed) and is_closed():
        raise DisconnectionError("the server closed this pooled connection")


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


# Counts SQL statements per request: the HTTP layer puts a fresh list here, the engine hook
# appends. A list (not an int) so that tasks spawned by loaders share the same counter.
statement_counter: ContextVar[list[int] | None] = ContextVar("statement_counter", default=None)


def count_statements(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(*_args: Any) -> None:
        counter = statement_counter.get()
        if counter is not None:
            counter[0] += 1
