"""The broker module, the actor runtime and the workers, with real brokers and the test database."""

from __future__ import annotations

import asyncio
import gc
import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import dramatiq
import pytest
from dramatiq import Broker, Worker
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.common import dq_name, xq_name
from dramatiq.middleware import AsyncIO
from dramatiq.results import Results
from sqlmodel import col, select
from starlette.applications import Starlette

from models.db import SessionFactory
from models.enums import OrganizationKind
from models.organization import Organization
from models.settings import Settings
from tasks import runtime
from tasks.broker import (
    RequestIdMiddleware,
    RunSweeper,
    current_request_id,
    make_broker,
    send,
    send_async,
    use_broker,
)
from tasks.worker import start_embedded, start_worker, stop_worker

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
TEST_RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL")
# Unique per run: several runs share the Redis database and the RabbitMQ server.
QUEUE = f"test-tasks-{uuid.uuid4().hex[:12]}"
ACTOR = "test_create_organization"


@dataclass(frozen=True)
class Run:
    """What the test actor saw while it ran."""

    loop: asyncio.AbstractEventLoop
    request_id: str | None
    factory: SessionFactory


RUNS: dict[str, Run] = {}
DONE: dict[str, threading.Event] = {}


@dramatiq.actor(actor_name=ACTOR, queue_name=QUEUE, max_retries=0, time_limit=30_000)
async def create_organization(slug: str) -> None:
    factory = runtime.session_factory()
    async with factory() as session:
        session.add(Organization(name=f"Org {slug}", slug=slug, kind=OrganizationKind.EMPLOYER))
        await session.commit()
    RUNS[slug] = Run(asyncio.get_running_loop(), current_request_id.get(), factory)
    DONE[slug].set()


def new_slug() -> str:
    slug = f"org-{uuid.uuid4().hex[:12]}"
    DONE[slug] = threading.Event()
    return slug


async def ran(slug: str) -> Run:
    """What the actor saw for `slug`, waiting up to 20 s for it to run."""
    assert await asyncio.to_thread(DONE[slug].wait, 20), f"the actor did not run for {slug}"
    return RUNS[slug]


async def organization_slugs(factory: SessionFactory, slug: str) -> list[str]:
    async with factory() as session:
        rows = await session.exec(select(Organization).where(col(Organization.slug) == slug))
        return [row.slug for row in rows]


@pytest.fixture
def stub_broker() -> Iterator[StubBroker]:
    """A fresh StubBroker as the global broker, whatever BROKER_URL says."""
    broker = make_broker("stub://")
    assert isinstance(broker, StubBroker)
    old = use_broker(broker)
    yield broker
    use_broker(old)


@pytest.fixture
def stub_worker(stub_broker: StubBroker, settings: Settings) -> Iterator[Worker]:
    runtime.configure(settings)
    worker = start_worker(stub_broker, threads=2, timeout_ms=100, queues={QUEUE})
    yield worker
    stop_worker(worker)


@pytest.fixture
def redis_broker() -> Iterator[RedisBroker]:
    if not TEST_REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set")
    broker = make_broker(TEST_REDIS_URL)
    assert isinstance(broker, RedisBroker)
    old = use_broker(broker)
    yield broker
    use_broker(old)
    client = broker.client
    keys = client.keys(f"{broker.namespace}:*{QUEUE}*")  # messages, acks, dead letters
    if keys:
        client.delete(*keys)
    client.zrem(f"{broker.namespace}:__heartbeats__", broker.broker_id)
    client.close()


@pytest.fixture
def rabbitmq_broker() -> Iterator[RabbitmqBroker]:
    if not TEST_RABBITMQ_URL:
        pytest.skip("TEST_RABBITMQ_URL is not set")
    broker = make_broker(TEST_RABBITMQ_URL)
    assert isinstance(broker, RabbitmqBroker)
    old = use_broker(broker)
    yield broker
    use_broker(old)
    for name in (QUEUE, dq_name(QUEUE), xq_name(QUEUE)):
        broker.channel.queue_delete(name)
    broker.close()


@pytest.fixture
def restore_gc() -> Iterator[None]:
    """The app's lifespan tunes and freezes the collector; put it back for the other tests."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_make_broker_picks_the_broker_for_each_url_scheme():
    # given
    redis_url, amqp_url = "redis://127.0.0.1:6379/15", "amqp://guest:guest@127.0.0.1:5672/"
    urls = [
        "stub://",
        "",
        redis_url,
        "rediss://cache.internal:6380/0",
        amqp_url,
        "amqps://mq:5671/",
    ]
    # when
    brokers = {url: make_broker(url) for url in urls}
    # then
    kinds = [type(brokers[url]).__name__ for url in urls]
    assert kinds == ["StubBroker"] * 2 + ["RedisBroker"] * 2 + ["RabbitmqBroker"] * 2
    for broker in brokers.values():
        middleware = [type(m) for m in broker.middleware]
        assert AsyncIO in middleware
        assert RequestIdMiddleware in middleware
        assert Results not in middleware
        assert (RunSweeper in middleware) is not isinstance(broker, StubBroker)
    redis, rabbit = brokers[redis_url], brokers[amqp_url]
    assert isinstance(redis, RedisBroker) and isinstance(rabbit, RabbitmqBroker)
    assert (redis.maintenance_chance, redis.heartbeat_timeout) == (250_000, 10_000)
    assert rabbit.confirm_delivery is True
    assert dramatiq.get_broker() not in brokers.values()


async def test_an_async_actor_writes_through_the_runtime_on_the_worker_loop(
    stub_broker, stub_worker, fresh_session_factory
):
    # given
    slug = new_slug()
    # when
    send(ACTOR, slug, queue_name=QUEUE)
    await asyncio.to_thread(stub_broker.join, QUEUE, timeout=20_000)
    await asyncio.to_thread(stub_worker.join)
    # then
    run = RUNS[slug]
    loop_thread = get_event_loop_thread()
    assert loop_thread is not None
    assert run.loop is loop_thread.loop
    assert run.loop is not asyncio.get_running_loop()
    assert runtime.session_factory() is not run.factory  # one engine per loop
    await runtime.dispose()
    assert await organization_slugs(fresh_session_factory, slug) == [slug]


async def test_the_request_id_travels_from_the_sender_into_the_actor(
    stub_broker, stub_worker, fresh_session_factory
):
    # given
    with_id, without_id = new_slug(), new_slug()
    token = current_request_id.set("req-7f3a")
    try:
        # when
        send(ACTOR, with_id, queue_name=QUEUE)
    finally:
        current_request_id.reset(token)
    send(ACTOR, without_id, queue_name=QUEUE)
    await asyncio.to_thread(stub_broker.join, QUEUE, timeout=20_000)
    # then
    assert (await ran(with_id)).request_id == "req-7f3a"
    assert (await ran(without_id)).request_id is None


def test_send_refuses_a_queue_the_actor_does_not_consume(stub_broker):
    # when
    with pytest.raises(ValueError) as error:
        send(ACTOR, new_slug(), queue_name="default")
    # then
    assert str(error.value) == f"actor {ACTOR!r} consumes {QUEUE!r}, not 'default'"
    assert stub_broker.queues[QUEUE].qsize() == 0


def test_use_broker_moves_the_actors_and_switches_back():
    # given
    original = dramatiq.get_broker()
    other = make_broker("stub://")
    # when
    previous = use_broker(other)
    moved = (dramatiq.get_broker(), create_organization.broker, other.get_actor(ACTOR))
    restored = use_broker(previous)
    # then
    assert previous is original
    assert restored is other
    assert moved == (other, other, create_organization)
    assert dramatiq.get_broker() is original
    assert create_organization.broker is original
    assert original.get_actor(ACTOR) is create_organization


def test_a_stopped_worker_leaves_its_broker_alone(stub_broker):
    # given
    worker = start_worker(stub_broker, threads=1, timeout_ms=100)
    consumers = set(worker.consumers)
    # when
    stop_worker(worker)
    stub_broker.declare_queue(f"{QUEUE}-later")
    # then
    assert set(worker.consumers) == consumers
    assert not any(getattr(m, "worker", None) is worker for m in stub_broker.middleware)
    assert not any(thread.is_alive() for thread in [*worker.workers, *worker.consumers.values()])


def test_start_embedded_leaves_shared_brokers_to_separate_workers(settings):
    # given
    old = use_broker(make_broker("redis://127.0.0.1:6379/15"))  # never connects here
    try:
        # when
        worker = start_embedded(settings)
    finally:
        use_broker(old)
    # then
    assert worker is None


async def test_the_app_lifespan_runs_an_embedded_worker(
    app: Starlette, stub_broker, fresh_session_factory, restore_gc
):
    # given
    slug = new_slug()
    # when
    async with app.router.lifespan_context(app):
        worker = app.state.worker
        loop_thread = get_event_loop_thread()
        await send_async(ACTOR, slug, queue_name=QUEUE)
        run = await ran(slug)
    # then
    assert isinstance(worker, Worker)
    assert app.state.worker is None
    assert loop_thread is not None
    assert run.loop is loop_thread.loop
    threads = [*worker.workers, *worker.consumers.values(), loop_thread]
    assert not any(thread.is_alive() for thread in threads)
    assert get_event_loop_thread() is None
    assert await organization_slugs(fresh_session_factory, slug) == [slug]


async def round_trip(broker: Broker, settings: Settings, factory: SessionFactory) -> Run:
    """Send through `broker` from this loop and let a real worker run the actor."""
    runtime.configure(settings)
    worker = start_worker(broker, threads=2, timeout_ms=100, queues={QUEUE})
    slug = new_slug()
    token = current_request_id.set("req-round-trip")
    try:
        await send_async(ACTOR, slug, queue_name=QUEUE)
        run = await ran(slug)
    finally:
        current_request_id.reset(token)
        await asyncio.to_thread(stop_worker, worker)
    assert await organization_slugs(factory, slug) == [slug]
    return run


async def test_a_message_round_trips_through_redis(redis_broker, settings, fresh_session_factory):
    # when
    run = await round_trip(redis_broker, settings, fresh_session_factory)
    # then
    assert run.request_id == "req-round-trip"


async def test_a_message_round_trips_through_rabbitmq(
    rabbitmq_broker, settings, fresh_session_factory
):
    # when
    run = await round_trip(rabbitmq_broker, settings, fresh_session_factory)
    # then
    assert run.request_id == "req-round-trip"
