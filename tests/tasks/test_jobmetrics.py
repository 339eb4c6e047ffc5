"""Job outcomes and durations per actor (a real worker), and queue depths on real brokers."""

from __future__ import annotations

import dataclasses
import logging
import os
import uuid
from collections.abc import Iterator

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker
from dramatiq.common import dq_name, xq_name
from prometheus_client import REGISTRY

from models.logs import log_context
from tasks.broker import make_broker
from tasks.jobmetrics import JobMetrics, install, observe_worker, queue_depths
from tasks.worker import start_worker, stop_worker

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
TEST_RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL")
QUEUE = f"test-jobmetrics-{uuid.uuid4().hex[:12]}"
SEEN: dict[str, object] = {}


def jobs(actor: str, outcome: str) -> float:
    return (
        REGISTRY.get_sample_value("talentgraph_jobs_total", {"actor": actor, "outcome": outcome})
        or 0.0
    )


def timed(actor: str) -> float:
    value = REGISTRY.get_sample_value("talentgraph_job_duration_seconds_count", {"actor": actor})
    return value or 0.0


@pytest.fixture
def broker() -> Iterator[StubBroker]:
    """A stub broker of its own with the job metrics, and three actors on it."""
    stub = make_broker("stub://")
    assert isinstance(stub, StubBroker)
    install(stub)
    install(stub)  # a second install changes nothing

    @dramatiq.actor(broker=stub, actor_name="metrics_ok", queue_name=QUEUE, max_retries=0)
    def succeed() -> None:
        context = log_context.get()
        SEEN["context"] = (context.request_id, context.operation) if context else None

    @dramatiq.actor(
        broker=stub,
        actor_name="metrics_fail",
        queue_name=QUEUE,
        max_retries=1,
        min_backoff=1,
        max_backoff=1,
    )
    def fail() -> None:
        raise RuntimeError("always")

    stub.test_actors = {"ok": succeed, "fail": fail}  # type: ignore[attr-defined]
    yield stub
    stub.close()


def test_outcomes_and_durations_are_counted_per_actor(broker):
    # given
    before = {
        "ok": jobs("metrics_ok", "succeeded"),
        "retried": jobs("metrics_fail", "retried"),
        "failed": jobs("metrics_fail", "failed"),
        "timed": timed("metrics_ok"),
    }
    worker = start_worker(broker, threads=1, timeout_ms=100)
    try:
        # when
        broker.test_actors["ok"].send_with_options(request_id="req-7")
        broker.test_actors["ok"].send()
        broker.test_actors["fail"].send()
        broker.join(QUEUE, fail_fast=False)
        worker.join()
    finally:
        stop_worker(worker)
    # then
    assert jobs("metrics_ok", "succeeded") - before["ok"] == 2
    assert timed("metrics_ok") - before["timed"] == 2
    assert jobs("metrics_fail", "retried") - before["retried"] == 1
    assert jobs("metrics_fail", "failed") - before["failed"] == 1
    assert REGISTRY.get_sample_value("talentgraph_jobs_running", {"actor": "metrics_ok"}) == 0
    assert [len(broker.dead_letters)] == [1]


def test_job_log_lines_name_the_request_and_the_actor(broker):
    # given
    worker = start_worker(broker, threads=1, timeout_ms=100)
    try:
        # when
        broker.test_actors["ok"].send_with_options(request_id="req-9")
        broker.join(QUEUE)
        worker.join()
    finally:
        stop_worker(worker)
    # then
    assert SEEN["context"] == ("req-9", "metrics_ok")


def test_stub_queue_depth_counts_waiting_and_delayed_messages(broker):
    # given: no worker
    broker.test_actors["ok"].send()
    broker.test_actors["ok"].send_with_options(delay=60_000)
    # when
    depths = queue_depths(broker, [QUEUE])
    # then
    assert depths == {QUEUE: 2}


def test_redis_queue_depth_counts_messages_not_yet_acknowledged():
    if not TEST_REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set")
    # given
    redis = make_broker(TEST_REDIS_URL)
    queue = f"{QUEUE}-redis"
    try:
        redis.declare_queue(queue)
        for _ in range(3):
            redis.enqueue(
                dramatiq.Message(queue_name=queue, actor_name="x", args=(), kwargs={}, options={})
            )
        # when
        depths = queue_depths(redis, [queue])
    finally:
        redis.flush(queue)
        redis.close()
    # then
    assert depths == {queue: 3}


def test_rabbitmq_queue_depth_counts_ready_and_delayed_messages():
    if not TEST_RABBITMQ_URL:
        pytest.skip("TEST_RABBITMQ_URL is not set")
    # given
    rabbit = make_broker(TEST_RABBITMQ_URL)
    queue = f"{QUEUE}-rabbit"
    message = dramatiq.Message(queue_name=queue, actor_name="x", args=(), kwargs={}, options={})
    try:
        rabbit.declare_queue(queue)
        rabbit.enqueue(message)
        rabbit.enqueue(message.copy(), delay=60_000)
        # when
        depths = queue_depths(rabbit, [queue])
    finally:
        for name in (queue, dq_name(queue), xq_name(queue)):
            rabbit.channel.queue_delete(name)
        rabbit.close()
    # then
    assert depths == {queue: 2}


def test_a_worker_process_gets_the_job_metrics_and_the_log_format(settings):
    # given
    fresh = make_broker("stub://")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        # when
        observe_worker(fresh, dataclasses.replace(settings, environment="production"))
        formatters = [type(h.formatter).__name__ for h in root.handlers]
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
        fresh.close()
    # then
    assert sum(isinstance(m, JobMetrics) for m in fresh.middleware) == 1
    assert formatters == ["JsonFormatter"]
