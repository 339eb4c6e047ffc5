"""Job metrics and log context for every actor, their `/metrics` in a separate worker, and
the depth of the job queues.

`JobMetrics` is a dramatiq middleware: it times each message, counts its outcome per actor
(`succeeded`, `retried`, `failed` once retries are used up) and names the job on every log line
it writes (the request id that caused it, the actor as the operation). `install` adds it once
to a broker; the API process installs it on its own broker, a worker process on the global one.

The API's `/metrics` covers its own processes and its embedded worker. A worker started with
`server.py worker --metrics-port N` counts in processes of its own, so it serves them itself:
`expose_worker_metrics` prepares (before dramatiq's CLI starts) a samples folder every worker
process writes to, and `MetricsExposition` has the CLI fork one more process that answers
`GET /metrics` on that port with the sum over all of them.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any

from dramatiq import Broker, Worker
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

logger = logging.getLogger("talentgraph.worker")

PORT_ENV = "WORKER_METRICS_PORT"  # off unless set (and not 0)
HOST_ENV = "WORKER_METRICS_HOST"  # set by `server.py worker` from `--metrics-host`
DEFAULT_HOST = "127.0.0.1"  # compose binds 0.0.0.0, inside the container's network only
DIR_NAME = "prometheus-worker"  # under DATA_DIR, unless `--metrics-dir` says otherwise
LOCK_NAME = ".lock"  # held by the worker's processes while they write into the folder
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)  # SIGINT: the CLI forwards it as SIGTERM


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


class MetricsExposition(Middleware):
    """One process serving the worker's metrics, and no stale gauges of stopped processes.

    dramatiq's CLI starts the functions in `forks` once per worker (the first worker process
    to boot hands them over), as separate processes it forwards the stop signal to: nothing
    runs in the worker processes themselves, so the server cannot delay their stop.
    """

    @property
    def forks(self) -> list[Callable[[], int]]:
        return [serve_metrics]

    def after_worker_shutdown(self, broker: Broker, worker: Worker) -> None:
        forget_process(os.getpid())


def forget_process(pid: int) -> None:
    """Drop a stopped process's live gauges (running jobs) from the sum."""
    from prometheus_client import multiprocess

    if os.environ.get(metrics.MULTIPROC_ENV):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def exposition_port(given: int | None) -> int | None:
    """The port to serve the worker's metrics on: `given`, else `WORKER_METRICS_PORT`; None
    (off) when neither is set or it is 0.

    Raises:
        ValueError: not a port number.
    """
    raw = str(given) if given is not None else os.environ.get(PORT_ENV, "").strip()
    if not raw:
        return None
    try:
        port = int(raw)
    except ValueError:
        raise ValueError(f"{PORT_ENV} must be a port number, not {raw!r}") from None
    if not 0 <= port <= 65535:
        raise ValueError(f"the metrics port must be between 1 and 65535, not {port}")
    return port or None


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def expose_worker_metrics(port: int, host: str, directory: Path) -> None:
    """Prepare this process's environment for the worker processes it is about to become.

    Call just before replacing this process with dramatiq's CLI: the port is tried first, so a
    taken port or address fails here, at once, rather than in a background process. The
    worker's processes write their samples to `directory` (never the API's folder: both would
    count each other's samples, and each start would empty the other's), emptied like `serve`
    empties its own. Its lock file stays locked by the worker's processes while they run, so a
    second worker cannot empty the folder under a running one.

    Raises:
        ValueError: the folder is in use by another worker.
        OSError: the port cannot be bound, or the folder cannot be written.
    """
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    directory.mkdir(parents=True, exist_ok=True)
    lock = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock)
        raise ValueError(
            f"{directory} holds the metrics of a running worker: give this one its own "
            "--metrics-dir"
        ) from None
    os.set_inheritable(lock, True)  # kept across the exec and by every forked process
    for entry in directory.glob("*.db"):  # the files of the last run (their counts are gone)
        entry.unlink()
    os.environ[metrics.MULTIPROC_ENV] = str(directory)
    os.environ[PORT_ENV] = str(port)
    os.environ[HOST_ENV] = host


class _MetricsServer(ThreadingHTTPServer):
    daemon_threads = True  # a slow scraper never holds up the stop
    settings: Settings


class _MetricsHandler(BaseHTTPRequestHandler):
    server: _MetricsServer

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] != "/metrics":
            self._send(404, b"Not Found", "text/plain; charset=utf-8")
            return
        refusal = metrics.scrape_refusal(
            self.server.settings, self.headers.get("Authorization", "")
        )
        if refusal is not None:
            status, text = refusal
            self._send(status, text.encode(), "text/plain; charset=utf-8")
            return
        body, content_type = metrics.exposition()
        self._send(200, body, content_type)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if status == 401:
            self.send_header("WWW-Authenticate", 'Bearer realm="metrics"')
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("metrics scrape: " + format, *args)


def serve_metrics() -> int:
    """The process dramatiq's CLI forks: `GET /metrics` summed over the worker's processes,
    until the worker is told to stop (SIGTERM, or SIGHUP for a reload)."""
    settings = Settings.from_env(signs_tokens=False)
    configure_logging(settings.log_level, settings.production)
    host = os.environ.get(HOST_ENV) or DEFAULT_HOST
    port = exposition_port(None)
    if port is None:
        return 0
    _MetricsServer.address_family = _family(host)
    try:
        server = _MetricsServer((host, port), _MetricsHandler)
    except OSError:
        logger.exception("cannot serve the worker's metrics on %s:%d", host, port)
        return 1
    server.settings = settings

    stopping: list[threading.Thread] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        # Ends `serve_forever` within its poll interval wherever this thread is (an exception
        # raised here could land in request handling, which swallows it). The signal comes
        # twice, from the process group and forwarded by the CLI, whose own handler would
        # take the second as "kill now", before the cleanup below.
        if not stopping:
            stopping.append(threading.Thread(target=server.shutdown, daemon=True))
            stopping[0].start()

    for name in STOP_SIGNALS:
        signal.signal(name, stop)
    logger.info("worker metrics on http://%s:%d/metrics", host, port)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        forget_process(os.getpid())
    return 0


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
    API's format (JSON in production) and adds the job metrics to the process's broker, and
    their exposition when `expose_worker_metrics` prepared it.
    """
    install(broker)
    configure_logging(settings.log_level, settings.production)
    try:
        port = exposition_port(None)
    except ValueError:
        logger.warning("worker metrics not served", exc_info=True)
        port = None
    if port is not None and not os.environ.get(metrics.MULTIPROC_ENV):
        # each process would only count its own jobs: start it with `server.py worker`
        logger.warning("worker metrics not served: %s is not set", metrics.MULTIPROC_ENV)
    elif port is not None and not any(isinstance(m, MetricsExposition) for m in broker.middleware):
        broker.add_middleware(MetricsExposition())


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
