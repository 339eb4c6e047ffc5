"""A Redis outage does not take the API down (issue 15, item 5): the real Redis behind a TCP
proxy that the test cuts and restores. Rate limits degrade to per-process counting (G-14 still
holds per process), subscriptions fall back to their timer, and nothing answers with a 500."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlparse

import pytest
from redis.asyncio import Redis

from models.enums import Role
from resolvers import events
from resolvers.ratelimit import fallback_stats
from tests.helpers import make_user, token_for, variant_client
from tests.tcp_proxy import TcpProxy

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL not set")

JOBS = "{ jobs { totalCount } }"


@pytest.fixture
async def proxy() -> AsyncIterator[TcpProxy]:
    assert TEST_REDIS_URL is not None
    target = urlparse(TEST_REDIS_URL)
    running = await TcpProxy(target.hostname or "127.0.0.1", target.port or 6379).start()
    yield running
    await running.cut()


def redis_url_through(proxy: TcpProxy) -> str:
    assert TEST_REDIS_URL is not None
    return f"redis://127.0.0.1:{proxy.port}{urlparse(TEST_REDIS_URL).path}"


async def test_reads_are_served_with_per_process_limits_while_redis_is_down(
    settings, db, proxy, caplog
):
    # given: the API counting a user's requests in Redis, 3 per minute
    headers = {"Authorization": f"Bearer {token_for(settings, await make_user(db, Role.ADMIN))}"}
    before = fallback_stats()
    async with variant_client(
        settings, redis_url=redis_url_through(proxy), rate_limit_user=3
    ) as client:
        first = await client.post("/graphql", json={"query": JOBS}, headers=headers)
        # when: Redis becomes unreachable
        await proxy.cut()
        with caplog.at_level(logging.WARNING, logger="talentgraph.ratelimit"):
            during = [
                await client.post("/graphql", json={"query": JOBS}, headers=headers)
                for _ in range(4)
            ]
    # then: reads are served, the limit still holds in this process, one warning per outage
    assert first.status_code == 200
    assert [r.status_code for r in during] == [200, 200, 200, 429]
    assert during[0].json() == {"data": {"jobs": {"totalCount": 0}}}
    assert during[3].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    warnings = [r for r in caplog.records if r.name == "talentgraph.ratelimit"]
    assert len(warnings) == 1
    assert "Redis unreachable" in warnings[0].getMessage()
    after = fallback_stats()
    assert after.outages == before.outages + 1
    assert after.fallback_hits == before.fallback_hits + 4
    assert after.degraded is True


async def test_after_a_redis_restart_stale_pooled_connections_cost_no_failed_request(
    settings, proxy
):
    # given: the API with a pooled Redis connection in use
    async with variant_client(settings, redis_url=redis_url_through(proxy)) as client:
        assert (await client.post("/graphql", json={"query": JOBS})).status_code == 200
        before = fallback_stats()
        # when: Redis restarts (every pooled connection is dropped) and comes straight back
        await proxy.cut()
        await proxy.restore()
        responses = [await client.post("/graphql", json={"query": JOBS}) for _ in range(2)]
    # then: answered, and counted in Redis on a fresh connection, not in the fallback
    assert [r.status_code for r in responses] == [200, 200]
    assert fallback_stats().fallback_hits == before.fallback_hits


async def test_the_subscription_relay_survives_a_redis_outage_quietly(proxy, caplog):
    # given: this process relays the channel through the proxy
    assert TEST_REDIS_URL is not None
    document_id = uuid.uuid4()
    other_process = Redis.from_url(TEST_REDIS_URL)
    with caplog.at_level(logging.WARNING, logger="talentgraph.documents"):
        relay = asyncio.create_task(events.relay(redis_url_through(proxy)))
        try:
            assert await delivered(other_process, uuid.uuid4())
            # when: Redis is unreachable for a few reconnection attempts, then back
            await proxy.cut()
            await asyncio.sleep(3 * events.RETRY_SECONDS)
            await proxy.restore()
            relayed = await delivered(other_process, document_id)
        finally:
            relay.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await relay
            await other_process.aclose()
    # then: still running and relaying; one warning when it broke, one when it came back
    assert relayed
    messages = [r.getMessage() for r in caplog.records if r.name == "talentgraph.documents"]
    assert len(messages) == 2
    assert "unavailable" in messages[0]
    assert "available again" in messages[1]


async def test_announcing_with_redis_down_warns_once_and_notifies_this_process(caplog):
    # given: a Redis address where nothing listens any more
    stopped = await TcpProxy("127.0.0.1", 6379).start()
    url = f"redis://127.0.0.1:{stopped.port}/0"
    await stopped.cut()
    document_id = uuid.uuid4()
    # when
    with caplog.at_level(logging.WARNING, logger="talentgraph.documents"):
        with events.listen(document_id) as changed:
            for _ in range(3):
                await events.announce(document_id, redis_url=url)
            await asyncio.wait_for(changed.wait(), 5)
    # then: local subscribers were told; the outage was logged once, without a traceback
    assert changed.is_set()
    records = [r for r in caplog.records if r.name == "talentgraph.documents"]
    assert len(records) == 1
    assert all(r.exc_info is None for r in records)


async def delivered(other_process: Redis, document_id: uuid.UUID) -> bool:
    """Publish as another process would, until this process's listener wakes (up to 30 s)."""
    with events.listen(document_id) as changed:
        for _ in range(300):
            await other_process.publish(events.CHANNEL, str(document_id))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), 0.1)
                return True
    return False
