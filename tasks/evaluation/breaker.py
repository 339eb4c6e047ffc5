"""Circuit breaker for the LLM provider: stop calling a provider that keeps failing.

CLOSED (calls pass) -> OPEN after `threshold` consecutive failures or timeouts (calls fail fast)
-> HALF_OPEN after `cooldown` seconds: exactly one probe call passes -> CLOSED when it succeeds,
OPEN again when it fails. A probe that never reports back is given up after another cooldown.

The state machine is one pure function; a store keeps the state: in memory for one process, or
in Redis (one hash, updated in a WATCH/MULTI transaction) so every API and worker process shares
the breaker.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal, Protocol

State = Literal["CLOSED", "OPEN", "HALF_OPEN"]
Event = Literal["allow", "success", "failure"]
STATES: tuple[State, ...] = ("CLOSED", "OPEN", "HALF_OPEN")


@dataclass(frozen=True)
class Snapshot:
    state: State = "CLOSED"
    failures: int = 0
    opened_at: float = 0.0
    probe_at: float = 0.0


def transition(
    snap: Snapshot, event: Event, now: float, threshold: int, cooldown: float
) -> tuple[Snapshot, bool]:
    """The next state after an event, and for "allow" whether the call may go ahead."""
    if event == "success":
        return Snapshot(), True
    if event == "failure":
        failures = snap.failures + 1
        if snap.state == "HALF_OPEN" or failures >= threshold:
            return Snapshot("OPEN", failures, now, 0.0), True
        return replace(snap, failures=failures), True
    if snap.state == "CLOSED":
        return snap, True
    if snap.state == "OPEN" and now - snap.opened_at >= cooldown:
        return replace(snap, state="HALF_OPEN", probe_at=now), True
    if snap.state == "HALF_OPEN" and now - snap.probe_at >= cooldown:
        return replace(snap, probe_at=now), True  # the last probe never reported back
    return snap, False


class BreakerStore(Protocol):
    async def apply(
        self, event: Event, now: float, threshold: int, cooldown: float
    ) -> tuple[Snapshot, bool]: ...

    async def read(self) -> Snapshot: ...


class MemoryStore:
    """One process's breaker (no await between read and write, so updates are atomic)."""

    def __init__(self) -> None:
        self._snap = Snapshot()

    async def apply(
        self, event: Event, now: float, threshold: int, cooldown: float
    ) -> tuple[Snapshot, bool]:
        self._snap, allowed = transition(self._snap, event, now, threshold, cooldown)
        return self._snap, allowed

    async def read(self) -> Snapshot:
        return self._snap


class RedisStore:
    """A breaker shared by every process through one Redis hash."""

    def __init__(self, redis: Any, key: str = "talentgraph:breaker:llm") -> None:
        self._redis = redis
        self._key = key

    @classmethod
    def from_url(cls, url: str, key: str = "talentgraph:breaker:llm") -> RedisStore:
        from redis.asyncio import Redis

        return cls(Redis.from_url(url), key)

    @staticmethod
    def _decode(raw: dict[Any, Any]) -> Snapshot:
        if not raw:
            return Snapshot()
        data = {(k.decode() if isinstance(k, bytes) else k): v for k, v in raw.items()}
        state = data["state"].decode() if isinstance(data["state"], bytes) else str(data["state"])
        if state not in STATES:
            return Snapshot()  # an unreadable record starts over closed
        return Snapshot(
            state=state,
            failures=int(data["failures"]),
            opened_at=float(data["opened_at"]),
            probe_at=float(data["probe_at"]),
        )

    async def apply(
        self, event: Event, now: float, threshold: int, cooldown: float
    ) -> tuple[Snapshot, bool]:
        from redis.exceptions import WatchError

        async with self._redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(self._key)
                    current = self._decode(await pipe.hgetall(self._key))
                    snap, allowed = transition(current, event, now, threshold, cooldown)
                    pipe.multi()
                    pipe.hset(self._key, mapping={k: str(v) for k, v in asdict(snap).items()})
                    await pipe.execute()
                    return snap, allowed
                except WatchError:
                    continue

    async def read(self) -> Snapshot:
        return self._decode(await self._redis.hgetall(self._key))

    async def close(self) -> None:
        await self._redis.aclose()


class CircuitBreaker:
    """Ask `allow()` before a call, report `success()` or `failure()` after it."""

    def __init__(
        self,
        store: BreakerStore | None = None,
        *,
        threshold: int = 5,
        cooldown: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store: BreakerStore = store or MemoryStore()
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock

    async def _apply(self, event: Event) -> tuple[Snapshot, bool]:
        return await self.store.apply(event, self._clock(), self.threshold, self.cooldown)

    async def allow(self) -> bool:
        return (await self._apply("allow"))[1]

    async def success(self) -> None:
        await self._apply("success")

    async def failure(self) -> None:
        await self._apply("failure")

    async def state(self) -> State:
        """The current state, for metrics ("OPEN" stays "OPEN" until a call asks to pass)."""
        return (await self.store.read()).state


def breaker_for(
    redis_url: str | None, *, threshold: int = 5, cooldown: float = 30.0
) -> CircuitBreaker:
    """The provider's breaker, shared by every process through Redis when a URL is given.

    Keep one per process: without Redis the state lives in the returned object.
    """
    store: BreakerStore = RedisStore.from_url(redis_url) if redis_url else MemoryStore()
    return CircuitBreaker(store, threshold=threshold, cooldown=cooldown)
