"""The parent side of the sandbox: start the child, enforce the wall clock, read its verdict.

The server process has threads and an event loop, so it never forks itself: each document goes
to the pre-started parser process (`forkserver`/`zygote`), which forks a child that sets its
rlimits before reading the document. When that process cannot be started, the child is a fresh
interpreter started with exec, as before. Either way every way the child can die maps to a
FAILED outcome with a reason a recruiter or operator can act on; a bad PDF never raises here.
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
from tasks.cv.outcome import NOT_A_PDF, Inspection, Limits, ParseOutcome
from tasks.cv.sandbox import MEMORY_EXIT

ROOT = Path(__file__).resolve().parents[2]


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


def _to_parse(returncode: int | None, stdout: bytes, stderr: bytes, limits: Limits) -> ParseOutcome:
    data = _decode(stdout)
    if data is not None and "status" in data:
        return ParseOutcome.from_json(data)
    return ParseOutcome.failed(death_reason(returncode, stderr, limits))


def _to_inspection(
    returncode: int | None, stdout: bytes, stderr: bytes, limits: Limits
) -> Inspection:
    data = _decode(stdout)
    if data is not None and "ok" in data:
        return Inspection.from_json(data)
    return _inspection_failure(death_reason(returncode, stderr, limits))


def _run(mode: str, path: Path, limits: Limits) -> tuple[int | None, bytes, bytes] | None:
    """Run the child to completion; None when the wall clock ran out (the child is killed)."""
    with contextlib.suppress(forkserver.Unavailable):
        return forkserver.run(mode, path, limits)
    return _run_exec(mode, path, limits)


def _run_exec(mode: str, path: Path, limits: Limits) -> tuple[int | None, bytes, bytes] | None:
    """`_run` in a fresh interpreter (when no pre-started parser process is available)."""
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv: our interpreter and module
            _command(mode, path, limits),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=limits.wall_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    return done.returncode, done.stdout, done.stderr


async def _run_async(
    mode: str, path: Path, limits: Limits
) -> tuple[int | None, bytes, bytes] | None:
    with contextlib.suppress(forkserver.Unavailable):
        return await forkserver.run_async(mode, path, limits)
    return await _run_exec_async(mode, path, limits)


async def _run_exec_async(
    mode: str, path: Path, limits: Limits
) -> tuple[int | None, bytes, bytes] | None:
    process = await asyncio.create_subprocess_exec(
        *_command(mode, path, limits),
        cwd=ROOT,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
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
    return process.returncode, stdout, stderr


def inspect_pdf(path: Path, limits: Limits = Limits()) -> Inspection:  # noqa: B008 - frozen
    """Upload-time check in the sandbox child (blocking): PDF? password? page count?"""
    done = _run("inspect", path, limits)
    if done is None:
        return _inspection_failure(_wall_reason(limits))
    return _to_inspection(*done, limits)


async def inspect_pdf_async(path: Path, limits: Limits = Limits()) -> Inspection:  # noqa: B008
    """`inspect_pdf` without blocking the event loop."""
    done = await _run_async("inspect", path, limits)
    if done is None:
        return _inspection_failure(_wall_reason(limits))
    return _to_inspection(*done, limits)


def parse_pdf(path: Path, limits: Limits = Limits()) -> ParseOutcome:  # noqa: B008 - frozen
    """Extract and structure a CV in the sandbox child (blocking); never raises for bad PDFs."""
    done = _run("parse", path, limits)
    if done is None:
        return ParseOutcome.failed(_wall_reason(limits))
    return _to_parse(*done, limits)


async def parse_pdf_async(path: Path, limits: Limits = Limits()) -> ParseOutcome:  # noqa: B008
    """`parse_pdf` without blocking the event loop."""
    done = await _run_async("parse", path, limits)
    if done is None:
        return ParseOutcome.failed(_wall_reason(limits))
    return _to_parse(*done, limits)


def parse_pdf_in_process(path: Path) -> ParseOutcome:
    """The same logic without a child process, for the benchmark and debugging only."""
    from tasks.cv.extract import parse_pdf_in_process as parse

    return parse(path)
