"""The one dramatiq broker of a process, chosen by `BROKER_URL`; import it before any actor.

Importing this module sets the global broker (the one intended import-time side effect):
`@dramatiq.actor` binds to whatever broker is global when the actor module is imported, and
without one dramatiq silently falls back to RabbitMQ on localhost.

`redis://` and `rediss://` select Redis, `amqp://` and `amqps://` RabbitMQ, anything else
(default `stub://`) the in-memory `StubBroker`, whose queues live in this process only and are
served by the embedded worker (`tasks.worker.start_embedded`). There is no Results middleware:
the state of a job lives in its database row, which outlives the broker.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
from contextvars import ContextVar
from typing import Any

import dramatiq
from dramatiq import Broker, Message, Worker
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.broker import MessageProxy
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AsyncIO, Middleware
from starlette.config import Config

from models.settings import ROOT
from tasks.runtime import DisposeEngines

# Redis keeps the messages a worker fetched in a per-worker "ack" set until they are acked. When
# a worker dies (kill -9, OOM, lost machine) those messages are handed back only by "queue
# maintenance", which runs on `maintenance_chance` of every million broker commands and only
# once the dead worker's last heartbeat is `heartbeat_timeout` old. With dramatiq's defaults
# (1 000 per million, 60 s) an idle replacement worker, issuing ~2 commands/s, took over
# 19 minutes to requeue, and 35-42 s with 10% and 30 s. A live worker heartbeats on every poll
# (its consumers poll at least once per `worker_timeout`, 1 s), even while every thread is busy,
# so 10 s is still ten missed polls; at 25% an idle worker runs maintenance about every second.
# Maintenance itself is a few cheap commands. A dead worker's messages so come back within
# about 12 s; the sweeper (`tasks.sweeper`) re-sends whatever a broker lost for good.
REDIS_MAINTENANCE_CHANCE = 250_000
REDIS_HEARTBEAT_TIMEOUT_MS = 10_000

# The request that caused a message: copied into the message on enqueue and restored around its
# processing, so worker logs and job rows can name the API request they came from.
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


class RequestIdMiddleware(Middleware):
    """Carry `current_request_id` from the sender into the actor as `options["request_id"]`."""

    def before_enqueue(self, broker: Broker, message: Message[Any], delay: int) -> None:
        request_id = current_request_id.get()
        if request_id is not None:
            message.options.setdefault("request_id", request_id)

    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        # Set on the worker thread; an async actor's coroutine is scheduled onto the event loop
        # from this thread and runs in a copy of its context, so it sees the value too.
        current_request_id.set(message.options.get("request_id"))


class RunSweeper(Middleware):
    """Run the sweeper (`tasks.sweeper`) on a worker process's event loop while it works.

    Only shared brokers get it: the embedded worker's server runs the sweeper itself. It is
    imported when the worker boots, not here: the sweeper sends through the outbox, which
    needs this module, so importing it at the top would be circular.
    """

    def __init__(self) -> None:
        self.future: concurrent.futures.Future[None] | None = None

    def after_worker_boot(self, broker: Broker, worker: Worker) -> None:
        from tasks.sweeper import in_worker

        thread = get_event_loop_thread()
        if thread is not None:
            self.future = asyncio.run_coroutine_threadsafe(in_worker(), thread.loop)

    def before_worker_shutdown(self, broker: Broker, worker: Worker) -> None:
        future, self.future = self.future, None
        if future is not None:
            future.cancel()


def make_broker(url: str) -> Broker:
    """A new broker for `url` with our middleware; it does not touch the global broker."""
    broker: Broker
    if url.startswith(("redis://", "rediss://")):
        broker = RedisBroker(  # type: ignore[no-untyped-call]  # dramatiq leaves it untyped
            url=url,
            maintenance_chance=REDIS_MAINTENANCE_CHANCE,
            heartbeat_timeout=REDIS_HEARTBEAT_TIMEOUT_MS,
        )
    elif url.startswith(("amqp://", "amqps://")):
        # Publisher confirms: an enqueue that RabbitMQ did not take raises instead of vanishing.
        broker = RabbitmqBroker(url=url, confirm_delivery=True)
    else:
        broker = StubBroker()
    broker.add_middleware(AsyncIO())
    broker.add_middleware(RequestIdMiddleware())
    broker.add_middleware(DisposeEngines())  # after AsyncIO, see its docstring
    if not isinstance(broker, StubBroker):
        broker.add_middleware(RunSweeper())
    return broker


def configured_url() -> str:
    """`BROKER_URL` from the environment, then `.env`, as `Settings.from_env` reads it."""
    env_file = ROOT / ".env"
    config = Config(env_file if env_file.is_file() else None, environ=os.environ)
    return str(config("BROKER_URL", default="stub://"))


def send(
    actor_name: str, *args: Any, queue_name: str, delay: int | None = None, **options: Any
) -> None:
    """Enqueue a message for the actor named `actor_name` on the global broker.

    Callers need not import the actor's module (resolvers stay free of import cycles), so they
    name its queue too. Arguments must be JSON values; send ids, never personal data. `delay`
    is in milliseconds; other keyword arguments become message options (e.g. `max_retries`).
    Redis and RabbitMQ enqueue over the network: from a coroutine use `send_async`.

    Raises:
        ValueError: when the actor is declared here on another queue than `queue_name`.
    """
    broker = dramatiq.get_broker()
    actor = broker.actors.get(actor_name)
    if actor is not None and actor.queue_name != queue_name:
        raise ValueError(f"actor {actor_name!r} consumes {actor.queue_name!r}, not {queue_name!r}")
    broker.declare_queue(queue_name)
    message: Message[Any] = Message(
        queue_name=queue_name, actor_name=actor_name, args=args, kwargs={}, options=options
    )
    broker.enqueue(message, delay=delay)


async def send_async(
    actor_name: str, *args: Any, queue_name: str, delay: int | None = None, **options: Any
) -> None:
    """`send` from a coroutine: the blocking enqueue runs in a thread (with this context, so
    the request id travels along)."""
    await asyncio.to_thread(send, actor_name, *args, queue_name=queue_name, delay=delay, **options)


def use_broker(new: Broker) -> Broker:
    """Make `new` the global broker, moving every actor declared on the old one onto it.

    Returns the old broker, so that a caller (a test switching to Redis or RabbitMQ) can
    switch back with `use_broker(old)`.
    """
    old = dramatiq.get_broker()
    for actor in list(old.actors.values()):
        actor.broker = new
        new.declare_actor(actor)
    dramatiq.set_broker(new)
    return old


dramatiq.set_broker(make_broker(configured_url()))
