"""Rate limits: fixed windows counted in memory (one process) or in Redis (many processes)."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from models import metrics

if TYPE_CHECKING:
    from loaders.policy import Viewer
    from models.settings import Settings

logger = logging.getLogger("talentgraph.ratelimit")


@dataclass(frozen=True)
class Limit:
    requests: int
    window_seconds: int


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: Limit) -> float | None:
        """Count one hit; the seconds to wait when the limit is exceeded, else None."""


class MemoryRateLimiter:
    """For the embedded single-process mode; forgets everything on restart."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, int]] = {}
        self._lock = asyncio.Lock()

    async def hit(self, key: str, limit: Limit) -> float | None:
        now = time.time()
        window = int(now // limit.window_seconds)
        async with self._lock:
            start, count = self._windows.get(key, (window, 0))
            if start != window:
                count = 0
            count += 1
            self._windows[key] = (window, count)
            if len(self._windows) > 100_000:  # drop finished windows now and then
                self._windows = {k: v for k, v in self._windows.items() if v[0] >= window}
        if count > limit.requests:
            return (window + 1) * limit.window_seconds - now
        return None


@dataclass
class FallbackStats:
    """How the Redis rate limiter fared, for metrics (`fallback_stats()`), per process."""

    outages: int = 0  # times Redis became unreachable (one warning each)
    fallback_hits: int = 0  # hits counted in this process's memory instead of Redis
    degraded: bool = False  # counting in memory right now


_STATS = FallbackStats()


def fallback_stats() -> FallbackStats:
    """A copy of this process's fallback counters (the metrics endpoint reads them)."""
    return replace(_STATS)


class RedisRateLimiter:
    """Shared by every API process: INCR on a key per window, expiring with it.

    A Redis outage must not take the API down with it: while Redis cannot be reached, hits are
    counted per process (`MemoryRateLimiter`; N processes then allow up to N times the limit),
    one warning is logged per outage, and Redis is tried again every `RETRY_SECONDS`. Stale
    pooled connections after Redis comes back are retried once on a new connection and checked
    with a PING when idle for `HEALTH_CHECK_SECONDS`, so they cost no failed request either.
    """

    TIMEOUT_SECONDS = 0.5  # a request waits at most about this long for a Redis that is gone
    RETRY_SECONDS = 5.0
    HEALTH_CHECK_SECONDS = 30

    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        self._redis: Any = Redis.from_url(
            url,
            socket_connect_timeout=self.TIMEOUT_SECONDS,
            socket_timeout=self.TIMEOUT_SECONDS,
            health_check_interval=self.HEALTH_CHECK_SECONDS,
            retry=Retry(NoBackoff(), retries=1),
        )
        self._fallback = MemoryRateLimiter()
        self._retry_at = 0.0  # monotonic time before which Redis is not tried
        self._degraded = False

    async def hit(self, key: str, limit: Limit) -> float | None:
        from redis.exceptions import RedisError

        if time.monotonic() < self._retry_at:
            return await self._count_locally(key, limit)
        try:
            wait = await self._hit_redis(key, limit)
        except (RedisError, OSError) as exc:
            self._retry_at = time.monotonic() + self.RETRY_SECONDS
            if not self._degraded:
                self._degraded = _STATS.degraded = True
                _STATS.outages += 1
                logger.warning(
                    "Redis unreachable (%s: %s); rate limits are counted per process until "
                    "it is back",
                    type(exc).__name__,
                    exc,
                )
            return await self._count_locally(key, limit)
        if self._degraded:
            self._degraded = _STATS.degraded = False
            logger.warning("Redis reachable again; rate limits are shared again")
        return wait

    async def _count_locally(self, key: str, limit: Limit) -> float | None:
        _STATS.fallback_hits += 1
        metrics.record_rate_limit_fallback()
        return await self._fallback.hit(key, limit)

    async def _hit_redis(self, key: str, limit: Limit) -> float | None:
        now = time.time()
        window = int(now // limit.window_seconds)
        name = f"talentgraph:rl:{key}:{window}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, limit.window_seconds + 1)
            count, _ = await pipe.execute()
        if int(count) > limit.requests:
            return (window + 1) * limit.window_seconds - now
        return None

    async def close(self) -> None:
        await self._redis.aclose()


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


def request_limit(settings: Settings, viewer: Viewer, client_ip: str | None) -> tuple[str, Limit]:
    """The per-minute budget of a request (or WebSocket operation): the signed-in user's, or
    the client address's when anonymous."""
    if viewer.user_id is not None:
        return f"req:user:{viewer.user_id}", Limit(settings.rate_limit_user, 60)
    return f"req:ip:{client_ip or 'unknown'}", Limit(settings.rate_limit_anonymous, 60)
