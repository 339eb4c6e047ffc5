"""How actors reach the database: settings plus one engine per event loop, never shared."""

from __future__ import annotations

import asyncio
import threading

from dramatiq import Broker, Worker
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.middleware import Middleware
from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import SessionFactory, make_engine, make_session_factory
from models.settings import Settings
from models.storage import Storage, open_storage
from tasks.cv import Limits

# Actors run on the event-loop thread of dramatiq's AsyncIO middleware (one per worker process),
# tests and the API run their own loops, and an asyncpg/aiosqlite connection belongs to the loop
# that opened it. So engines are kept per loop, and per database URL within a loop (tests move
# to a fresh database per test). Worker threads and the loop thread reach this state
# concurrently, hence the lock.
_lock = threading.Lock()
_settings: Settings | None = None
_storage: Storage | None = None
_engines: dict[asyncio.AbstractEventLoop, dict[str, tuple[AsyncEngine, SessionFactory]]] = {}


def configure(settings: Settings) -> None:
    """Use these settings from now on (the API's lifespan and tests call this)."""
    global _settings
    with _lock:
        _settings = settings


def get_settings() -> Settings:
    """The configured settings, or the environment's when nothing configured them (a worker)."""
    global _settings
    with _lock:
        if _settings is None:
            _settings = Settings.from_env(signs_tokens=False)
        return _settings


def use_storage(storage: Storage | None) -> None:
    """Store files somewhere else than the settings say (None: back to the settings)."""
    global _storage
    with _lock:
        _storage = storage


def storage() -> Storage:
    """Where actors read stored files: the configured override, else the settings' backend."""
    with _lock:
        chosen = _storage
    return chosen if chosen is not None else open_storage(get_settings())


def cv_limits() -> Limits:
    """What parsing one CV may cost, with the configured page limit."""
    return Limits(max_pages=get_settings().max_cv_pages)


def session_factory() -> SessionFactory:
    """Session factory on the running loop's engine; call it from a coroutine.

    The engine is created on first use on each loop, so importing actors does no I/O.
    """
    loop = asyncio.get_running_loop()
    settings = get_settings()
    url = settings.database_url
    with _lock:
        for stale in [other for other in _engines if other.is_closed()]:
            del _engines[stale]  # its loop is gone, and so are its connections
        by_url = _engines.setdefault(loop, {})
        if url not in by_url:
            engine = make_engine(
                url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
            )
            by_url[url] = (engine, make_session_factory(engine))
        return by_url[url][1]


async def dispose() -> None:
    """Close the running loop's engines; the next `session_factory()` opens new ones."""
    with _lock:
        by_url = _engines.pop(asyncio.get_running_loop(), {})
    for engine, _factory in by_url.values():
        await engine.dispose()


class DisposeEngines(Middleware):
    """Close the worker loop's engines when a worker shuts down.

    Added after `AsyncIO`: `after_*` hooks run in reverse order, so this runs while the loop
    still turns, and no connection is left behind on a stopped loop.
    """

    def after_worker_shutdown(self, broker: Broker, worker: Worker) -> None:
        thread = get_event_loop_thread()
        if thread is not None and thread.loop.is_running():
            thread.run_coroutine(dispose())
