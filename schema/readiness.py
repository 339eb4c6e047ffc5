"""What `/readyz` reports besides the database: the broker with its queue depths, and Redis."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import dramatiq
from dramatiq.brokers.stub import StubBroker

from models.settings import Settings
from tasks.jobmetrics import queue_depths

logger = logging.getLogger(__name__)
PROBE_SECONDS = 3.0  # a probe that takes longer counts as a failure


async def _broker() -> tuple[str, dict[str, int] | None]:
    broker = dramatiq.get_broker()
    try:
        depths = await asyncio.wait_for(
            asyncio.to_thread(queue_depths, broker), timeout=PROBE_SECONDS
        )
    except Exception as exc:  # any broker failure is reported, not raised
        logger.warning("readiness: broker unreachable: %s", exc)
        return "unreachable", None
    return ("in-memory" if isinstance(broker, StubBroker) else "ok"), depths


async def _redis(url: str) -> str:
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=PROBE_SECONDS, socket_timeout=PROBE_SECONDS)
    try:
        await asyncio.wait_for(client.ping(), timeout=PROBE_SECONDS)
    except Exception as exc:  # any Redis failure is reported, not raised
        logger.warning("readiness: Redis unreachable: %s", exc)
        return "unreachable"
    finally:
        await client.aclose()
    return "ok"


async def dependencies(settings: Settings) -> dict[str, Any]:
    """`broker` (`ok`, `in-memory` or `unreachable`), `queues` (messages waiting per queue)
    and, when `REDIS_URL` is set, `redis` (`ok` or `unreachable`)."""
    broker, depths = await _broker()
    report: dict[str, Any] = {"broker": broker, "queues": depths}
    if settings.redis_url:
        report["redis"] = await _redis(settings.redis_url)
    return report
