"""Where actors run: the API's embedded worker, and the module scale-out workers load.

Scale-out workers run `dramatiq tasks.worker` (or `python server.py worker`). dramatiq imports
this module in every worker process and uses the global broker, so importing it must declare
every actor: `load_actors()` runs at the bottom of this module, and `ACTOR_MODULES` is the one
list of actor modules. Importing them through that list, rather than with import statements
here, keeps the embedded and the scale-out worker on exactly the same set of actors.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys

import dramatiq
from dramatiq import Broker, Worker
from dramatiq.brokers.stub import StubBroker

from models.settings import Settings
from tasks import broker as _broker  # noqa: F401 - sets the global broker before any actor
from tasks import jobmetrics, runtime, shutdown

logger = logging.getLogger(__name__)

ACTOR_MODULES: tuple[str, ...] = (
    "tasks.imports",
    "tasks.documents",
    "tasks.evaluations",
    "tasks.notifications",
)

EMBEDDED_THREADS = 2
# How long idle worker and consumer threads wait before looking again; it also bounds how long
# stopping the worker takes when it is idle.
EMBEDDED_TIMEOUT_MS = 250
# How long shutdown waits for worker threads once running jobs finished or were handed back
# (`tasks.shutdown` bounds those). A job cut short is still pending in the database and runs
# again after the restart.
EMBEDDED_STOP_TIMEOUT_MS = 30_000


def load_actors() -> None:
    """Import every actor module, declaring its actors on the global broker."""
    for name in ACTOR_MODULES:
        importlib.import_module(name)


def start_worker(
    broker: Broker, *, threads: int, timeout_ms: int, queues: set[str] | None = None
) -> Worker:
    """Start a worker on `broker`: consumer threads, `threads` worker threads, the event loop.

    `queues` limits it to those queues (default: every queue declared on `broker`).
    """
    shutdown.install(broker)
    worker = Worker(broker, queues=queues, worker_threads=threads, worker_timeout=timeout_ms)
    worker.start()
    return worker


def stop_worker(worker: Worker, timeout_ms: int = EMBEDDED_STOP_TIMEOUT_MS) -> None:
    """Stop `worker` (blocking) and detach it from its broker.

    `Worker.start` adds a middleware that starts a consumer thread whenever a queue is declared
    and `Worker.stop` leaves it in place, so a later declaration would start threads for a
    stopped worker. The list is replaced, not edited, as other threads may be iterating it.
    """
    worker.stop(timeout=timeout_ms)
    broker = worker.broker
    broker.middleware = [m for m in broker.middleware if getattr(m, "worker", None) is not worker]


def start_embedded(settings: Settings) -> Worker | None:
    """Start an in-process worker when the broker is the in-memory stub, else return None.

    A `StubBroker`'s queues exist only in this process, so nothing else could ever consume
    them; with Redis or RabbitMQ separate `dramatiq tasks.worker` processes do the work.
    """
    broker = dramatiq.get_broker()
    if not isinstance(broker, StubBroker):
        return None
    runtime.configure(settings)
    load_actors()
    worker = start_worker(broker, threads=EMBEDDED_THREADS, timeout_ms=EMBEDDED_TIMEOUT_MS)
    logger.info("embedded worker started (%d threads)", EMBEDDED_THREADS)
    return worker


async def stop_embedded(worker: Worker | None) -> None:
    """Stop the embedded worker without blocking the event loop."""
    if worker is not None:
        await asyncio.to_thread(stop_worker, worker)


load_actors()
# `dramatiq tasks.worker` builds its Worker itself: the stop handling must be on the broker first
shutdown.install(dramatiq.get_broker())
if getattr(sys.modules.get("__main__"), "__package__", None) == "dramatiq":
    # a worker process of dramatiq's CLI: job metrics, and the API's log format
    jobmetrics.observe_worker(dramatiq.get_broker(), runtime.get_settings())
