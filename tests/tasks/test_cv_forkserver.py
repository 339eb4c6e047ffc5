"""The pre-started parser process: restarted when it dies, stopped on shutdown, shared safely by
threads and the event loop, a hung document still killed by the caller's wall clock, out of
reach of its caller's process-group signals, and a child killed from outside an interrupted
parse rather than a failed document."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tasks.cv import Limits, ParseInterrupted, forkserver, parse_pdf, parse_pdf_async
from tasks.cv.runner import interrupted
from tests import pdfs

SLOW_OPERATIONS = 30_000  # a valid CV that takes seconds to lay out


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def settled(pid: int) -> bool:
    """True once the parser process `pid` has no document in flight (waits up to 3 s)."""
    for _ in range(30):
        if not children(pid):
            return True
        time.sleep(0.1)
    return False


def test_a_dead_parser_process_is_started_again(tmp_path):
    # given: the parser process ran one document, then died
    path = pdfs.write(tmp_path, pdfs.simple_cv_pdf())
    assert parse_pdf(path).status == "PARSED"
    first = forkserver.zygote()
    os.kill(first.process.pid, signal.SIGKILL)
    first.process.wait()
    # when
    outcome = parse_pdf(path)
    # then
    assert outcome.status == "PARSED"
    assert forkserver.zygote().process.pid != first.process.pid


def test_shutdown_stops_the_parser_process_and_the_next_document_starts_one(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.simple_cv_pdf())
    parse_pdf(path)
    running = forkserver.zygote()
    # when
    forkserver.shutdown()
    # then
    assert running.process.poll() is not None
    assert not os.path.exists(running.folder)
    assert parse_pdf(path).status == "PARSED"


def test_worker_threads_share_the_parser_process(tmp_path):
    # given: a dramatiq worker parses on several threads at once
    paths = [pdfs.write(tmp_path, pdfs.simple_cv_pdf(), f"cv{n}.pdf") for n in range(4)]
    assert parse_pdf(paths[0]).status == "PARSED"
    serving = forkserver.zygote().process.pid
    # when
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(parse_pdf, paths))
    # then
    assert [outcome.status for outcome in outcomes] == ["PARSED"] * 4
    assert forkserver.zygote().process.pid == serving


async def test_a_cancelled_parse_kills_its_child_and_the_process_keeps_serving(tmp_path):
    # given: a document that would take far longer than anyone waits
    slow = pdfs.write(tmp_path, pdfs.cpu_heavy_pdf(200_000), "slow.pdf")
    task = asyncio.create_task(parse_pdf_async(slow, Limits(cpu_seconds=30, wall_seconds=60)))
    await asyncio.sleep(0.3)
    # when
    task.cancel()
    # then
    outcome = await parse_pdf_async(pdfs.write(tmp_path, pdfs.simple_cv_pdf()))
    assert outcome.status == "PARSED"
    assert task.cancelled()
    assert settled(forkserver.zygote().process.pid)


def test_the_wall_clock_of_the_caller_ends_a_hung_document(tmp_path):
    # given
    slow = pdfs.write(tmp_path, pdfs.cpu_heavy_pdf(200_000), "slow.pdf")
    # when
    outcome = parse_pdf(slow, Limits(cpu_seconds=30, wall_seconds=0.5))
    # then
    assert (outcome.status, outcome.reason) == (
        "FAILED",
        "parsing exceeded 0.5 s of wall-clock time",
    )
    assert settled(forkserver.zygote().process.pid)


def test_a_parser_process_that_cannot_be_reached_is_replaced(tmp_path):
    # given: the process runs but its socket was removed (e.g. a temp-dir cleaner)
    path = pdfs.write(tmp_path, pdfs.simple_cv_pdf())
    parse_pdf(path)
    stuck = forkserver.zygote()
    os.unlink(stuck.socket_path)
    # when
    outcome = parse_pdf(path)
    # then
    assert outcome.status == "PARSED"
    assert stuck.process.poll() is not None
    assert forkserver.zygote().process.pid != stuck.process.pid


def test_the_parser_process_runs_in_a_session_of_its_own(tmp_path):
    # given
    parse_pdf(pdfs.write(tmp_path, pdfs.simple_cv_pdf()))
    # when
    pid = forkserver.zygote().process.pid
    # then: a Ctrl-C or a service stop sent to our process group does not reach it
    assert os.getsid(pid) == pid
    assert os.getpgid(pid) != os.getpgid(0)


def running_children(pid: int) -> set[int]:
    """Children of `pid` that are not zombies (a finished child is reaped a moment later)."""
    found = set()
    for child in children(pid):
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            found.add(child)
    return found


async def until_new_child(pid: int, known: set[int], count: int = 1) -> set[int]:
    """The children of `pid` started since `known` was taken, once there are `count` of them."""
    for _ in range(250):
        found = running_children(pid) - known
        if len(found) >= count:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError("no child started")


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL])
async def test_a_child_killed_from_outside_is_an_interrupted_parse_not_a_failed_one(tmp_path, sent):
    # given: a child parsing a slow document
    slow = pdfs.write(tmp_path, pdfs.cpu_heavy_pdf(SLOW_OPERATIONS), "slow.pdf")
    await parse_pdf_async(pdfs.write(tmp_path, pdfs.simple_cv_pdf()))
    zygote = forkserver.zygote().process.pid
    known = children(zygote)
    task = asyncio.create_task(parse_pdf_async(slow, Limits(cpu_seconds=30, wall_seconds=60)))
    (child,) = await until_new_child(zygote, set(known))
    # when: someone else signals it (a service stop, an operator)
    os.kill(child, sent)
    # then: the document was not judged, and the parser keeps serving
    with pytest.raises(ParseInterrupted):
        await task
    outcome = await parse_pdf_async(pdfs.write(tmp_path, pdfs.simple_cv_pdf(), "next.pdf"))
    assert outcome.status == "PARSED"


def test_only_the_document_decides_a_failure():
    limits = Limits(cpu_seconds=10)
    # the CPU limit (SIGXCPU, or SIGKILL at the hard limit) and crashes are the document's doing
    assert not interrupted(-signal.SIGXCPU, 10.0, limits)
    assert not interrupted(-signal.SIGKILL, 11.0, limits)
    assert not interrupted(-signal.SIGSEGV, 0.1, limits)
    assert not interrupted(1, 0.1, limits)
    # a stop signal, or a SIGKILL well under the CPU limit, came from outside
    assert interrupted(-signal.SIGTERM, 0.1, limits)
    assert interrupted(-signal.SIGKILL, 0.1, limits)
    # the exec'd child reports no CPU time: a SIGKILL counts as the limit, as it always did
    assert not interrupted(-signal.SIGKILL, None, limits)


def held_descriptors(pid: int) -> list[str]:
    """What the process's descriptors past stdin/stdout/stderr point at."""
    return [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir() if int(fd.name) > 2]


async def test_a_child_holds_no_descriptor_of_another_document(tmp_path):
    # given: two documents in flight at once
    slow = pdfs.write(tmp_path, pdfs.cpu_heavy_pdf(SLOW_OPERATIONS), "slow.pdf")
    await parse_pdf_async(pdfs.write(tmp_path, pdfs.simple_cv_pdf()))
    zygote = forkserver.zygote().process.pid
    limits = Limits(cpu_seconds=30, wall_seconds=60)
    known = set(children(zygote))
    first = asyncio.create_task(parse_pdf_async(slow, limits))
    second = asyncio.create_task(parse_pdf_async(slow, limits))
    running = await until_new_child(zygote, known, count=2)
    await asyncio.sleep(0.2)  # both past their start, reading the document
    # when
    descriptors = {child: held_descriptors(child) for child in running}
    first.cancel()
    second.cancel()
    await asyncio.gather(first, second, return_exceptions=True)
    # then: each child has its own connection and the document, nothing of the other one
    assert len(descriptors) == 2
    for held in descriptors.values():
        sockets = [target for target in held if target.startswith("socket:")]
        assert len(sockets) == 1
        assert all(target.startswith("socket:") or target == str(slow) for target in held)
    assert len({tuple(held) for held in descriptors.values()}) == 2
    assert settled(zygote)


def start_with_stop_signals_blocked() -> int:
    """Start this process's parser process from a thread that blocks the stop signals, as the
    worker's event-loop thread does."""
    blocked = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
    signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        forkserver.shutdown()
        return forkserver.zygote().process.pid
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)


async def test_a_stop_signal_ends_a_child_whose_parser_was_started_with_it_blocked(tmp_path):
    # given: the parser process started by a thread that blocks the stop signals
    zygote = await asyncio.to_thread(start_with_stop_signals_blocked)
    slow = pdfs.write(tmp_path, pdfs.cpu_heavy_pdf(SLOW_OPERATIONS), "slow.pdf")
    task = asyncio.create_task(parse_pdf_async(slow, Limits(cpu_seconds=30, wall_seconds=60)))
    (child,) = await until_new_child(zygote, set(children(zygote)))
    # when
    os.kill(child, signal.SIGTERM)
    # then: the signal took effect: an interrupted parse, not one that ran to its end
    with pytest.raises(ParseInterrupted):
        await task
