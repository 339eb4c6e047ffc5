"""The parent side of the sandbox: start the child, enforce the wall clock, read its verdict.

The server process has threads and an event loop, so it never forks itself: each document goes
to the pre-started parser process (`forkserver`/`zygote`), which forks a child that sets its
rlimits before reading the document. When that process cannot be started, the child is a fresh
interpreter started with exec, as before. Both run in a session of their own, out of reach of
the signals sent to the caller's process group.

Every way the document can make the child die maps to a FAILED outcome with a reason a
recruiter or operator can act on; a bad PDF never raises here. A child killed from outside (a
signal the parser did not send, and not the CPU limit) judged nothing: `parse_pdf` raises
`ParseInterrupted` so the caller parses the document again later instead of failing it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from tasks.cv import forkserver
from tasks.cv.forkserver import Done
from tasks.cv.outcome import NOT_A_PDF, Inspection, Limits, ParseInterrupted, ParseOutcome
from tasks.cv.sandbox import MEMORY_EXIT

ROOT = Path(__file__).resolve().parents[2]
# What stops a process from outside: a terminal, a service manager, an operator.
STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT})


def _command(mode: str, path: Path, limits: Limits) -> list[str]:
    return [
        sys.executable,
        "-m",
        "tasks.cv.sandbox",
        mode,
        str(path.resolve()),
        str(limits.cpu_seconds),
        str(limits.memory_bytes),
        str(limits.max_pages),
    ]


def death_reason(returncode: int | None, stderr: bytes, limits: Limits) -> str:
    """Why the child produced no result, in words (the exit status alone is not actionable)."""
    if returncode == -signal.SIGXCPU:
        return f"parsing exceeded {limits.cpu_seconds} s of CPU"
    if returncode == -signal.SIGKILL:
        return (
            f"the parser was killed after exceeding its limits "
            f"({limits.cpu_seconds} s of CPU, {limits.memory_bytes // (1024 * 1024)} MB)"
        )
    if returncode == MEMORY_EXIT:
        return f"parsing exceeded {limits.memory_bytes // (1024 * 1024)} MB of memory"
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"the parser crashed ({name})"
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    if lines and "MemoryError" in lines[-1]:
        return f"parsing exceeded {limits.memory_bytes // (1024 * 1024)} MB of memory"
    detail = f": {lines[-1][:200]}" if lines else ""
    return f"the parser stopped without a result (exit status {returncode}){detail}"


def interrupted(returncode: int | None, cpu_seconds: float | None, limits: Limits) -> bool:
    """True when the child was killed from outside rather than by its document.

    The parser itself only ever kills a child whose caller has hung up (nobody reads that
    outcome); the kernel enforces the CPU limit with SIGXCPU, then SIGKILL at the hard limit.
    So a stop signal, or a SIGKILL while the child's CPU time was under its limit (an
    operator, the OOM killer), says nothing about the document. Without a CPU figure (the
    exec'd child) a SIGKILL counts as the limit, as it always did.
    """
    if returncode is None or returncode >= 0:
        return False
    if -returncode in STOP_SIGNALS:
        return True
    return (
        returncode == -signal.SIGKILL
        and cpu_seconds is not None
        and cpu_seconds < limits.cpu_seconds
    )


def _decode(stdout: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(stdout)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _wall_reason(limits: Limits) -> str:
    return f"parsing exceeded {limits.wall_seconds:g} s of wall-clock time"


def _inspection_failure(reason: str) -> Inspection:
    return Inspection(False, NOT_A_PDF, f"the file could not be read safely: {reason}", None, False)


def _stopped_reason(returncode: int | None) -> str:
    number = -(returncode or 0)
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    return f"the parser was stopped from outside ({name})"


def _interrupted_reason(cause: object) -> str:
    return f"the check was interrupted ({cause}); try the upload again"


def _to_parse(done: Done, limits: Limits) -> ParseOutcome:
    data = _decode(done.stdout)
    if data is not None and "status" in data:
        return ParseOutcome.from_json(data)
    if interrupted(done.returncode, done.cpu_seconds, limits):
        raise ParseInterrupted(_stopped_reason(done.returncode))
    return ParseOutcome.failed(death_reason(done.returncode, done.stderr, limits))


def _to_inspection(done: Done, limits: Limits) -> Inspection:
    data = _decode(done.stdout)
    if data is not None and "ok" in data:
        return Inspection.from_json(data)
    if interrupted(done.returncode, done.cpu_seconds, limits):
        return _inspection_failure(_interrupted_reason(_stopped_reason(done.returncode)))
    return _inspection_failure(death_reason(done.returncode, done.stderr, limits))


def _run(mode: str, path: Path, limits: Limits) -> Done | None:
    """Run the child to completion; None when the wall clock ran out (the child is killed)."""
    with contextlib.suppress(forkserver.Unavailable):
        return forkserver.run(mode, path, limits)
    return _run_exec(mode, path, limits)


def _run_exec(mode: str, path: Path, limits: Limits) -> Done | None:
    """`_run` in a fresh interpreter (when no pre-started parser process is available)."""
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv: our interpreter and module
            _command(mode, path, limits),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=limits.wall_seconds,
            check=False,
            start_new_session=True,
        )
    except subprocess.TimeoutExpired:
        return None
    return Done(done.returncode, done.stdout, done.stderr)


async def _run_async(mode: str, path: Path, limits: Limits) -> Done | None:
    with contextlib.suppress(forkserver.Unavailable):
        return await forkserver.run_async(mode, path, limits)
    return await _run_exec_async(mode, path, limits)


async def _run_exec_async(mode: str, path: Path, limits: Limits) -> Done | None:
    process = await asyncio.create_subprocess_exec(
        *_command(mode, path, limits),
        cwd=ROOT,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), limits.wall_seconds)
    except TimeoutError:
        return None
    finally:
        # Also on cancellation: a parse nobody waits for must not keep running.
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
    return Done(process.returncode, stdout, stderr)


def inspect_pdf(path: Path, limits: Limits = Limits()) -> Inspection:  # noqa: B008 - frozen
    """Upload-time check in the sandbox child (blocking): PDF? password? page count?"""
    try:
        done = _run("inspect", path, limits)
    except ParseInterrupted as exc:
        return _inspection_failure(_interrupted_reason(exc))
    if done is None:
        return _inspection_failure(_wall_reason(limits))
    return _to_inspection(done, limits)


async def inspect_pdf_async(path: Path, limits: Limits = Limits()) -> Inspection:  # noqa: B008
    """`inspect_pdf` without blocking the event loop."""
    try:
        done = await _run_async("inspect", path, limits)
    except ParseInterrupted as exc:
        return _inspection_failure(_interrupted_reason(exc))
    if done is None:
        return _inspection_failure(_wall_reason(limits))
    return _to_inspection(done, limits)


def parse_pdf(path: Path, limits: Limits = Limits()) -> ParseOutcome:  # noqa: B008 - frozen
    """Extract and structure a CV in the sandbox child (blocking); never raises for bad PDFs.

    Raises:
        ParseInterrupted: the child was killed from outside; parse the document again later.
    """
    done = _run("parse", path, limits)
    if done is None:
        return ParseOutcome.failed(_wall_reason(limits))
    return _to_parse(done, limits)


async def parse_pdf_async(path: Path, limits: Limits = Limits()) -> ParseOutcome:  # noqa: B008
    """`parse_pdf` without blocking the event loop (raises `ParseInterrupted` likewise)."""
    done = await _run_async("parse", path, limits)
    if done is None:
        return ParseOutcome.failed(_wall_reason(limits))
    return _to_parse(done, limits)


def parse_pdf_in_process(path: Path) -> ParseOutcome:
    """The same logic without a child process, for the benchmark and debugging only."""
    from tasks.cv.extract import parse_pdf_in_process as parse

    return parse(path)
