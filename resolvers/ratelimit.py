"""Rate limits: fixed windows counted in memory (one process) or in Redis (many processes)."""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from loaders.policy import Viewer
    from models.settings import Settings


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


class RedisRateLimiter:
    """Shared by every API process: INCR on a key per window, expiring with it."""

    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis

        self._redis: Any = Redis.from_url(url)

    async def hit(self, key: str, limit: Limit) -> float | None:
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
