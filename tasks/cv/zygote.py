"""The pre-started parser process: `python -m tasks.cv.zygote SOCKET_PATH`.

It imports pypdf and the vocabularies once, then serves one Unix-socket connection per document
with a single fork. The child keeps only its own connection and a stderr pipe (every other
descriptor, such as other documents' connections, is closed), sets its CPU, memory, file-size and
core limits (`sandbox.apply_rlimits`) before it opens the document, exactly as an exec'd sandbox
does, and writes its verdict straight to the caller as one frame, `R<length>\\n<JSON>`: nothing
relays or re-encodes it. The zygote reaps the child and then ends the connection with a trailer,
`\\0` + JSON (exit status, CPU seconds used, the end of the child's stderr) + `\\n`; a JSON
verdict never holds a NUL byte, so a verdict cut short by the child's death is told apart.
When the caller hangs up first (its wall clock ran out, it died, or it already has the verdict)
the zygote kills the child.

The zygote runs in a session of its own (the caller starts it so), so the signals a terminal or
a service manager sends to the caller's process group do not reach it or its children. It is
single-threaded, never touches a document, and exits (killing any child still running) when its
stdin closes, i.e. when the process that started it exits or shuts it down.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import json
import os
import selectors
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

STDERR_KEEP = 8 * 1024  # the end of the child's stderr is what explains a death
REQUEST_LIMIT = 65536
TRAILER_SECONDS = 1.0  # a caller that reads nothing more cannot stall the zygote
WARMUP = Path(__file__).resolve().parent / "data" / "warmup.pdf"  # a generated, invented CV


@dataclass(eq=False)
class Job:
    """One connection: its request while it arrives, then its child and the child's stderr."""

    conn: socket.socket
    request: bytearray = field(default_factory=bytearray)
    pid: int | None = None
    stderr_fd: int | None = None
    stderr: bytearray = field(default_factory=bytearray)
    hung_up: bool = False


def _parse_request(data: bytes) -> dict[str, Any]:
    request = json.loads(data)
    if not isinstance(request, dict):
        raise ValueError("request must be an object")
    return {
        "mode": str(request["mode"]),
        "path": str(request["path"]),
        "cpu_seconds": int(request["cpu_seconds"]),
        "memory_bytes": int(request["memory_bytes"]),
        "max_pages": int(request["max_pages"]),
    }


def _child(request: dict[str, Any], result_fd: int, err_w: int) -> NoReturn:
    """The forked child: only its descriptors, limits first, then the document; never returns."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(err_w, 1)  # stray prints from libraries go to the stderr pipe
        os.dup2(err_w, 2)
        # the listener, other documents' connections and pipes: none is this child's business
        os.closerange(3, result_fd)
        os.closerange(result_fd + 1, os.sysconf("SC_OPEN_MAX"))
        from tasks.cv.sandbox import run_job

        code = run_job(
            request["mode"],
            request["path"],
            request["cpu_seconds"],
            request["memory_bytes"],
            request["max_pages"],
            result_fd,
            framed=True,
        )
    finally:
        os._exit(code)


class Zygote:
    """The serving loop: connections, their children, and the children's exits."""

    def __init__(self, listener: socket.socket) -> None:
        self.listener = listener
        self.selector = selectors.DefaultSelector()
        self.jobs: dict[int, Job] = {}  # by child pid
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_r, False)
        os.set_blocking(wake_w, False)
        self.wake_r = wake_r
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(wake_w)
        listener.setblocking(False)
        self.selector.register(listener, selectors.EVENT_READ, "listener")
        self.selector.register(sys.stdin.fileno(), selectors.EVENT_READ, "stdin")
        self.selector.register(wake_r, selectors.EVENT_READ, "child")

    def serve(self) -> int:
        while True:
            for key, _ in self.selector.select(timeout=1.0):
                if key.data == "listener":
                    self._accept()
                elif key.data == "stdin":
                    if not os.read(key.fd, 1024):  # the starting process is gone
                        self._stop_all()
                        return 0
                elif key.data == "child":
                    with contextlib.suppress(BlockingIOError):
                        while os.read(self.wake_r, 1024):
                            pass
                else:
                    kind, job = key.data
                    if kind == "request":
                        self._read_request(job)
                    elif kind == "conn":
                        self._check_hang_up(job)
                    else:
                        self._read_stderr(job)
            self._reap()

    def _accept(self) -> None:
        with contextlib.suppress(BlockingIOError, InterruptedError):
            conn, _ = self.listener.accept()
            conn.setblocking(False)
            job = Job(conn)
            self.selector.register(conn, selectors.EVENT_READ, ("request", job))

    def _read_request(self, job: Job) -> None:
        try:
            chunk = job.conn.recv(4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        job.request += chunk
        if not chunk or len(job.request) > REQUEST_LIMIT:
            self._drop(job)
            return
        if b"\n" not in job.request:
            return
        try:
            request = _parse_request(bytes(job.request.split(b"\n", 1)[0]))
        except (ValueError, KeyError, TypeError):
            self._drop(job)
            return
        self.selector.unregister(job.conn)
        self._fork(job, request)

    def _fork(self, job: Job, request: dict[str, Any]) -> None:
        err_r, err_w = os.pipe()
        job.conn.setblocking(True)  # the child writes its verdict with plain blocking writes
        pid = os.fork()
        if pid == 0:
            os.close(err_r)
            _child(request, job.conn.fileno(), err_w)
        os.close(err_w)
        os.set_blocking(err_r, False)
        job.pid, job.stderr_fd = pid, err_r
        self.jobs[pid] = job
        self.selector.register(job.conn, selectors.EVENT_READ, ("conn", job))
        self.selector.register(err_r, selectors.EVENT_READ, ("stderr", job))

    def _check_hang_up(self, job: Job) -> None:
        """The caller sends nothing after its request: readable means it closed (or broke)."""
        try:
            data = job.conn.recv(4096, socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if data:
            return
        job.hung_up = True
        self.selector.unregister(job.conn)
        if job.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(job.pid, signal.SIGKILL)

    def _read_stderr(self, job: Job, *, until_end: bool = False) -> None:
        fd = job.stderr_fd
        while fd is not None:
            try:
                chunk = os.read(fd, 65536)
            except (BlockingIOError, InterruptedError):
                return
            if not chunk:
                self.selector.unregister(fd)
                os.close(fd)
                job.stderr_fd = None
                return
            job.stderr += chunk
            if len(job.stderr) > 2 * STDERR_KEEP:
                del job.stderr[:-STDERR_KEEP]
            if not until_end:
                return

    def _reap(self) -> None:
        while True:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            job = self.jobs.pop(pid, None)
            if job is not None:
                self._finish(job, status, usage.ru_utime + usage.ru_stime)

    def _finish(self, job: Job, status: int, cpu_seconds: float) -> None:
        """The child is gone: its stderr is complete; tell the caller how it ended."""
        self._read_stderr(job, until_end=True)
        if job.stderr_fd is not None:  # a sibling forked meanwhile may still hold the pipe
            self.selector.unregister(job.stderr_fd)
            os.close(job.stderr_fd)
            job.stderr_fd = None
        returncode = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        if not job.hung_up:
            self.selector.unregister(job.conn)
            trailer = {
                "returncode": returncode,
                "cpu_seconds": round(cpu_seconds, 3),
                "stderr": base64.b64encode(bytes(job.stderr[-STDERR_KEEP:])).decode(),
            }
            with contextlib.suppress(OSError):
                job.conn.settimeout(TRAILER_SECONDS)
                job.conn.sendall(b"\0" + json.dumps(trailer).encode() + b"\n")
        job.conn.close()

    def _drop(self, job: Job) -> None:
        self.selector.unregister(job.conn)
        job.conn.close()

    def _stop_all(self) -> None:
        for pid in list(self.jobs):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in list(self.jobs):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.listener.close()


def serve(path: str) -> int:
    # A stop signal sent to this process or a child (an operator, a service manager stopping
    # everything) takes effect: a worker thread that started us may block the stop signals,
    # and a blocked mask survives exec. Ctrl-C kills rather than raising KeyboardInterrupt
    # somewhere, and children inherit the default.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # Warm up: what every document needs is imported once, before the first fork.
    import pypdf  # noqa: F401

    import tasks.cv.sandbox  # noqa: F401
    from tasks.cv.extract import parse_file
    from tasks.cv.outcome import Limits

    # One parse of a CV of our own loads what pypdf and the structurer load lazily (font
    # tables, phone metadata, regex caches), so no child pays for it again.
    with contextlib.suppress(Exception):
        parse_file(WARMUP, Limits())
    # Children then leave the inherited objects to the permanent generation: their garbage
    # collections do not write to (and so copy) every page the zygote shares with them.
    gc.collect()
    gc.freeze()

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(128)
    zygote = Zygote(listener)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    return zygote.serve()


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))
