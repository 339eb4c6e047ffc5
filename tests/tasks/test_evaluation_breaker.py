"""The LLM provider's circuit breaker: its transitions, in memory and shared through Redis."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis

from tasks.evaluation.breaker import (
    BreakerStore,
    CircuitBreaker,
    MemoryStore,
    RedisStore,
    breaker_for,
)

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
async def store_factory(request) -> AsyncIterator[Callable[[], BreakerStore]]:
    """New handles on ONE breaker state: the same object in memory, new clients on Redis."""
    if request.param == "memory":
        shared = MemoryStore()
        yield lambda: shared
        return
    if not TEST_REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set")
    key = f"talentgraph:test:breaker:{uuid.uuid4()}"
    opened: list[RedisStore] = []

    def make() -> BreakerStore:
        opened.append(RedisStore.from_url(TEST_REDIS_URL, key))
        return opened[-1]

    yield make
    for store in opened:
        await store.close()
    await forget(key)


async def forget(key: str) -> None:
    assert TEST_REDIS_URL
    redis = Redis.from_url(TEST_REDIS_URL)
    await redis.delete(key)
    await redis.aclose()


async def test_closed_breaker_opens_after_consecutive_failures_only(store_factory):
    # given
    clock = Clock()
    breaker = CircuitBreaker(store_factory(), threshold=3, cooldown=30, clock=clock)

    # when two failures, a success, then three failures
    await breaker.failure()
    await breaker.failure()
    await breaker.success()
    states = []
    for _ in range(3):
        states.append(await breaker.state())
        await breaker.failure()

    # then the success reset the count; the third consecutive failure opened it
    assert states == ["CLOSED", "CLOSED", "CLOSED"]
    assert await breaker.state() == "OPEN"
    assert await breaker.allow() is False


async def test_open_breaker_lets_one_probe_through_after_the_cooldown(store_factory):
    # given an open breaker
    clock = Clock()
    breaker = CircuitBreaker(store_factory(), threshold=1, cooldown=30, clock=clock)
    await breaker.failure()

    # when
    clock.now += 29
    before_cooldown = await breaker.allow()
    clock.now += 1
    probe, second = await breaker.allow(), await breaker.allow()

    # then
    assert (before_cooldown, probe, second) == (False, True, False)
    assert await breaker.state() == "HALF_OPEN"


async def test_probe_success_closes_and_probe_failure_reopens(store_factory):
    # given
    clock = Clock()
    breaker = CircuitBreaker(store_factory(), threshold=1, cooldown=10, clock=clock)
    await breaker.failure()
    clock.now += 10
    assert await breaker.allow() is True

    # when the probe fails
    await breaker.failure()

    # then it is open again for a whole cooldown
    assert await breaker.state() == "OPEN"
    clock.now += 9
    assert await breaker.allow() is False

    # when the next probe succeeds
    clock.now += 1
    assert await breaker.allow() is True
    await breaker.success()

    # then
    assert await breaker.state() == "CLOSED"
    assert await breaker.allow() is True


async def test_a_probe_that_never_reports_back_is_replaced_after_a_cooldown(store_factory):
    # given a half-open breaker whose probe vanished (its process died)
    clock = Clock()
    breaker = CircuitBreaker(store_factory(), threshold=1, cooldown=10, clock=clock)
    await breaker.failure()
    clock.now += 10
    assert await breaker.allow() is True

    # when
    clock.now += 10

    # then
    assert await breaker.allow() is True
    assert await breaker.allow() is False


async def test_the_state_is_shared_by_every_handle_on_the_store(store_factory):
    # given two processes' breakers on one store
    clock = Clock()
    first = CircuitBreaker(store_factory(), threshold=2, cooldown=10, clock=clock)
    second = CircuitBreaker(store_factory(), threshold=2, cooldown=10, clock=clock)

    # when each sees one failure
    await first.failure()
    await second.failure()

    # then both see it open, and only one of them gets the probe
    assert (await first.state(), await second.state()) == ("OPEN", "OPEN")
    clock.now += 10
    probes = await asyncio.gather(*(b.allow() for b in (first, second, first, second)))
    assert sorted(probes) == [False, False, False, True]


async def test_breakers_made_from_one_redis_url_share_their_state():
    # given two processes configured with the same Redis
    if not TEST_REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set")
    first = breaker_for(TEST_REDIS_URL, threshold=1, cooldown=60)
    second = breaker_for(TEST_REDIS_URL, threshold=1, cooldown=60)
    await first.success()

    # when
    await first.failure()

    # then
    try:
        assert (await second.state(), await second.allow()) == ("OPEN", False)
    finally:
        await forget("talentgraph:breaker:llm")
        for breaker in (first, second):
            assert isinstance(breaker.store, RedisStore)
            await breaker.store.close()


async def test_without_redis_the_breaker_lives_in_the_process():
    # when
    breaker = breaker_for(None, threshold=1)
    await breaker.failure()

    # then
    assert isinstance(breaker.store, MemoryStore)
    assert await breaker.state() == "OPEN"
