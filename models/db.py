"""Engine and session factory for SQLite (embedded) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
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
    return create_async_engine(
        url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=False
    )


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
