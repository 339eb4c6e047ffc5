"""Import jobs survive a broker that is down at submit time and a message the broker lost.

Real PostgreSQL, real Redis and RabbitMQ, real `dramatiq tasks.worker` subprocesses (whose
sweeper re-sends what the broker lost) killed with SIGKILL. The brokers are the I/O boundary:
"down" is a broker URL nobody listens on, "lost" is a purge of the broker's queues after the
worker holding the message died. Skipped without TEST_DATABASE_URL, TEST_REDIS_URL or
TEST_RABBITMQ_URL; RabbitMQ runs best on a vhost of its own (other workers must not consume
the test's queues).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from dramatiq import Broker
from sqlmodel import col, func, select

from models.candidate import Candidate
from models.enums import ImportStatus
from models.imports import ImportBatch
from models.outbox import OutboxMessage
from tasks.broker import make_broker, use_broker
from tasks.names import RUN_IMPORT
from tests.api.test_upserts import UPSERT, partner
from tests.conftest import ON_POSTGRES
from tests.helpers import gql
from tests.processes import (
    TEST_RABBITMQ_URL,
    TEST_REDIS_URL,
    environment,
    free_port,
    kill,
    worker,
)

ITEMS = 3_000  # three chunks: long enough to kill a worker inside the job


@pytest.fixture(params=["redis", "rabbitmq"])
def broker_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A real broker's URL; its import queues are emptied before and after the test."""
    if not ON_POSTGRES:
        pytest.skip("needs TEST_DATABASE_URL: workers in other processes share the database")
    url = TEST_REDIS_URL if request.param == "redis" else TEST_RABBITMQ_URL
    if not url:
        pytest.skip(f"TEST_{request.param.upper()}_URL is not set")
    lose_messages(url)
    yield url
    lose_messages(url)


def lose_messages(url: str) -> None:
    """What a broker without persistence does on a bad day: forget the import messages."""
    broker = make_broker(url)
    broker.declare_queue(RUN_IMPORT.queue)
    if url.startswith("redis"):
        client: Any = broker.client  # type: ignore[attr-defined]
        keys = client.keys("dramatiq:*")  # the test's own Redis database
        if keys:
            client.delete(*keys)
    else:
        broker.flush(RUN_IMPORT.queue)
    broker.close()


def item(n: int) -> dict[str, Any]:
    return {"externalId": f"x-{n}", "firstName": f"First{n}", "lastName": "Person"}


async def submit(client: Any, token: str, broker: Broker) -> str:
    """Submit the import through `broker` (closed afterwards)."""
    old = use_broker(broker)
    try:
        variables = {"input": {"items": [item(n) for n in range(ITEMS)], "idempotencyKey": "k"}}
        queued = await gql(client, UPSERT, variables, token)
    finally:
        use_broker(old)
        broker.close()
    body = queued.data["upsertCandidates"]
    assert body["__typename"] == "ImportQueued", queued.body
    job_id: str = body["importJob"]["id"]
    return job_id


async def batch_state(db: Any) -> list[tuple[ImportStatus, int, int]]:
    """Status, items processed and candidates created of every batch."""
    async with db() as session:
        statement = select(ImportBatch.status, ImportBatch.processed, ImportBatch.created_count)
        return [
            (status, processed, created)
            for status, processed, created in await session.exec(statement)
        ]


async def wait_for(
    db: Any, wanted: ImportStatus, seconds: float
) -> list[tuple[ImportStatus, int, int]]:
    for _ in range(int(seconds * 10)):
        state = await batch_state(db)
        if state and state[0][0] is wanted:
            return state
        await asyncio.sleep(0.1)
    return await batch_state(db)


async def candidates(db: Any) -> int:
    async with db() as session:
        return int((await session.exec(select(func.count()).select_from(Candidate))).one())


async def unsent(db: Any) -> int:
    async with db() as session:
        statement = select(func.count()).where(col(OutboxMessage.sent_at).is_(None))
        return int((await session.exec(statement)).one())


async def test_an_import_submitted_while_the_broker_is_down_runs_once_when_it_is_back(
    client: Any, db: Any, settings: Any, broker_url: str
) -> None:
    # given: the API cannot reach the broker
    _, token = await partner(db, settings)
    scheme = "redis" if broker_url.startswith("redis") else "amqp"
    down = make_broker(f"{scheme}://127.0.0.1:{free_port()}/")
    # when: the submit stores the job and its message; then a worker on the broker starts
    await submit(client, token, down)
    waiting = (await batch_state(db), await unsent(db))
    async with worker(environment(settings, broker_url)):
        state = await wait_for(db, ImportStatus.COMPLETED, 60)
    # then: accepted at once, run exactly once after the broker came back
    assert waiting == ([(ImportStatus.QUEUED, 0, 0)], 1)
    assert state == [(ImportStatus.COMPLETED, ITEMS, ITEMS)]
    assert await candidates(db) == ITEMS
    assert await unsent(db) == 0


async def test_an_import_whose_worker_died_and_whose_message_was_lost_is_finished_by_the_sweeper(
    client: Any, db: Any, settings: Any, broker_url: str
) -> None:
    # given: a worker runs the job and is killed; the broker then loses the message
    _, token = await partner(db, settings)
    env = environment(settings, broker_url)
    async with worker(env) as first:
        await submit(client, token, make_broker(broker_url))
        running = await wait_for(db, ImportStatus.RUNNING, 30)
        kill(first)
    lose_messages(broker_url)
    # when: another worker starts; only its sweeper knows about the job
    async with worker(env):
        state = await wait_for(db, ImportStatus.COMPLETED, 60)
    # then: every item written once
    assert running[0][0] is ImportStatus.RUNNING
    assert state == [(ImportStatus.COMPLETED, ITEMS, ITEMS)]
    assert await candidates(db) == ITEMS
