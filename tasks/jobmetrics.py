"""Job metrics and log context for every actor, and the depth of the job queues.

`JobMetrics` is a dramatiq middleware: it times each message, counts its outcome per actor
(`succeeded`, `retried`, `failed` once retries are used up) and names the job on every log line
it writes (the request id that caused it, the actor as the operation). `install` adds it once
to a broker; the API process installs it on its own broker, a worker process on the global one.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from dramatiq import Broker
from dramatiq.broker import MessageProxy
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.common import dq_name
from dramatiq.middleware import Middleware, Retries

from models import metrics
from models.logs import LogContext, configure_logging, log_context
from models.settings import Settings
from tasks import names


class JobMetrics(Middleware):
    """Outcome, duration and running count of each message, per actor."""

    def __init__(self) -> None:
        self._started: dict[str, float] = {}
        self._lock = threading.Lock()

    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        log_context.set(
            LogContext(request_id=message.options.get("request_id"), operation=message.actor_name)
        )
        with self._lock:
            self._started[message.message_id] = time.perf_counter()
        metrics.job_started(message.actor_name)

    def after_process_message(
        self,
        broker: Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        with self._lock:
            started = self._started.pop(message.message_id, None)
        seconds = None if started is None else time.perf_counter() - started
        if exception is None:
            outcome = "succeeded"
        else:
            outcome = "failed" if message.failed else "retried"
        metrics.record_job(message.actor_name, outcome, seconds)
        if started is not None:
            metrics.job_ended(message.actor_name)
        log_context.set(None)

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        with self._lock:
            started = self._started.pop(message.message_id, None)
        metrics.record_job(message.actor_name, "skipped", None)
        if started is not None:
            metrics.job_ended(message.actor_name)
        log_context.set(None)


def install(broker: Broker) -> None:
    """Add `JobMetrics` to `broker` unless it has it already.

    It goes in front of `Retries`: dramatiq calls the `after_*` hooks in reverse order, so
    `Retries` has decided whether a failed message is retried or dead by the time it counts.
    """
    if not any(isinstance(m, JobMetrics) for m in broker.middleware):
        retries = any(isinstance(m, Retries) for m in broker.middleware)
        broker.add_middleware(JobMetrics(), before=Retries if retries else None)


def observe_worker(broker: Broker, settings: Settings) -> None:
    """Metrics and log lines of a worker process: call once where it loads its actors.

    dramatiq's CLI sets up plain-text logging in each worker process; this replaces it with the
    API's format (JSON in production) and adds the job metrics to the process's broker.
    """
    install(broker)
    configure_logging(settings.log_level, settings.production)


def queue_names() -> list[str]:
    """Every queue a job can be sent to, from the names both sides read."""
    return sorted({value.queue for value in vars(names).values() if isinstance(value, names.Route)})


def queue_depths(broker: Broker, queues: list[str] | None = None) -> dict[str, int]:
    """Messages waiting in each of `queues` (default: every job queue), delayed ones (retries)
    included. Blocking I/O.

    Redis counts every message not yet acknowledged (waiting or being worked on); RabbitMQ
    counts those ready to deliver; the in-memory broker those not yet taken.
    """
    depths: dict[str, int] = {}
    for queue in queue_names() if queues is None else queues:
        if isinstance(broker, RedisBroker):
            client: Any = broker.client
            namespace = broker.namespace
            depths[queue] = int(client.hlen(f"{namespace}:{queue}.msgs")) + int(
                client.hlen(f"{namespace}:{dq_name(queue)}.msgs")
            )
        elif isinstance(broker, RabbitmqBroker):
            ready, delayed, _dead = broker.get_queue_message_counts(queue)
            depths[queue] = int(ready) + int(delayed)
        elif isinstance(broker, StubBroker):
            depths[queue] = sum(
                broker.queues[name].qsize()
                for name in (queue, dq_name(queue))
                if name in broker.queues
            )
    return depths
