"""Stopping a worker: no new work, running jobs finish within a bound, the rest go back.

systemd, `docker stop` and Ctrl-C signal the worker's whole process group. Three things went
wrong with that before:

- dramatiq's CLI forwards the signal to its worker processes, which already got it from the
  group, and takes the second one as "kill now": `sys.exit` from the middle of a graceful stop.
  Interpreter shutdown then closed the thread pools under the running jobs ("cannot schedule
  new futures after shutdown") while the non-daemon event-loop thread kept the process alive
  and consuming, failing every job it took. `StopSignals` makes a worker process take the stop
  signal once, and exits the process itself if the stop overruns its bound.
- The sandbox processes that parse CVs are in the same group, so the signal killed them
  mid-parse, which reads as a crashed parser: a FAILED document. Jobs run on the event-loop
  thread, so that thread blocks the stop signals; the processes it starts inherit the mask and
  finish (each has its own wall clock and CPU limit), and the worker decides when to stop.
- A stopping worker kept taking new messages while it waited for the running ones.

`GracefulStop` handles the last part and the bound: on stop, worker threads take no new
message, running jobs get `stop_seconds()` to finish, and a job still running then is
interrupted with `HandBack`: its coroutine is cancelled (which kills its sandbox process) and
its message is sent again unchanged, so a cut-off job is never counted as a failed attempt.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any

from dramatiq import Broker, Worker
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.broker import MessageProxy
from dramatiq.middleware import Middleware, SkipMessage
from dramatiq.threading import Interrupt, raise_thread_exception
from starlette.config import Config

from models.settings import ROOT

logger = logging.getLogger("talentgraph.worker")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
DEFAULT_STOP_SECONDS = 20.0  # a CV parse has a 15 s wall clock: it finishes inside this
HAND_BACK_SECONDS = 5.0  # how long interrupted jobs get to clean up (cancel, kill the parser)
EXIT_GRACE_SECONDS = 10.0  # after the bound and the hand-back, the process exits regardless
POLL_SECONDS = 0.05


def stop_seconds() -> float:
    """`WORKER_STOP_SECONDS` from the environment, then `.env` (default 20)."""
    env_file = ROOT / ".env"
    config = Config(env_file if env_file.is_file() else None, environ=os.environ)
    value = float(config("WORKER_STOP_SECONDS", default=str(DEFAULT_STOP_SECONDS)))
    return max(0.0, value)


class HandBack(Interrupt, SkipMessage):
    """Raised in a worker thread whose job outlived the stop bound.

    An `Interrupt` cancels the job's coroutine; as a `SkipMessage` it bypasses the retry
    middleware (no attempt is counted) and `GracefulStop` sends the message again.
    """


class GracefulStop(Middleware):
    """Drain on stop: no new messages, a bound for running ones, hand back the rest."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = stop_seconds() if seconds is None else seconds
        self._lock = threading.Lock()
        self._running: dict[int, MessageProxy] = {}  # by worker thread id
        self._handed_back: set[str] = set()  # message ids

    def after_worker_boot(self, broker: Broker, worker: Worker) -> None:
        thread = get_event_loop_thread()
        if thread is None or not thread.loop.is_running():
            return
        blocked = threading.Event()

        def block() -> None:
            signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
            blocked.set()

        thread.loop.call_soon_threadsafe(block)
        blocked.wait(timeout=5)

    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        with self._lock:
            self._running[threading.get_ident()] = message

    def after_process_message(
        self,
        broker: Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        with self._lock:
            self._running.pop(threading.get_ident(), None)

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        with self._lock:
            self._running.pop(threading.get_ident(), None)
            handed_back = message.message_id in self._handed_back
            self._handed_back.discard(message.message_id)
        if handed_back:
            # the original is acked after this hook; the copy keeps its retry count
            broker.enqueue(message.copy())
            logger.info("handed back %s (%s) for another worker", message, message.message_id)

    def before_worker_shutdown(self, broker: Broker, worker: Worker) -> None:
        for thread in worker.workers:
            thread.stop()  # finish the current message, take no new one
        if not self._wait(self.seconds):
            with self._lock:
                running = dict(self._running)
                self._handed_back.update(m.message_id for m in running.values())
            logger.warning(
                "%d job(s) still running after %g s; handing them back", len(running), self.seconds
            )
            for ident in running:
                raise_thread_exception(ident, HandBack)  # type: ignore[no-untyped-call]
            self._wait(HAND_BACK_SECONDS)

    def _wait(self, seconds: float) -> bool:
        """Wait until no job runs, up to `seconds`; whether none runs."""
        deadline = time.monotonic() + seconds
        while True:
            with self._lock:
                if not self._running:
                    return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_SECONDS)


class StopSignals(Middleware):
    """In a `dramatiq` CLI worker process: act on the first stop signal only, within a bound.

    `after_process_boot` is emitted only there, in the main thread, after dramatiq installed
    its own handler, which this wraps.
    """

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = stop_seconds() if seconds is None else seconds

    def after_process_boot(self, broker: Broker) -> None:
        # Taken by the first stop signal. A lock, not a flag: the process gets the signal
        # twice at once (from its group, and forwarded by dramatiq's main process), and
        # Python may run the second handler inside the first, between its test of a flag and
        # the setting of it; dramatiq's handler would then take the second signal for a
        # "kill". Acquiring a lock without blocking is one step, so only one handler wins.
        first = threading.Lock()
        for signum in STOP_SIGNALS:
            previous = signal.getsignal(signum)
            if callable(previous):
                if _stop_requested(previous) and first.acquire(blocking=False):
                    self._start_watchdog()  # the signal came while the process booted
                signal.signal(signum, self._once(previous, first))

    def _start_watchdog(self) -> None:
        bound = self.seconds + HAND_BACK_SECONDS + EXIT_GRACE_SECONDS
        watchdog = threading.Timer(bound, _overran, args=(bound,))
        watchdog.daemon = True
        watchdog.start()

    def _once(self, previous: Any, first: threading.Lock) -> Any:
        def handler(signum: int, frame: FrameType | None) -> None:
            if not first.acquire(blocking=False):
                logger.info("already stopping; ignored %s", signal.Signals(signum).name)
                return
            self._start_watchdog()
            previous(signal.SIGTERM, frame)  # dramatiq ignores SIGINT in worker processes

        return handler


def _stop_requested(handler: Any) -> bool:
    """Whether dramatiq's worker-process handler already took a stop signal (its `running`
    flag is down), e.g. one that arrived while the process was still importing."""
    code = getattr(handler, "__code__", None)
    closure = getattr(handler, "__closure__", None)
    if code is None or not closure or "running" not in code.co_freevars:
        return False
    return closure[code.co_freevars.index("running")].cell_contents is False


def _overran(bound: float) -> None:
    logger.error("worker did not stop within %g s; exiting", bound)
    sys.stderr.flush()
    os._exit(1)


def install(broker: Broker) -> None:
    """Add both middlewares to `broker` once (before its worker starts)."""
    for kind in (GracefulStop, StopSignals):
        if not any(isinstance(m, kind) for m in broker.middleware):
            broker.add_middleware(kind())
