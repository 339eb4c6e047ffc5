"""The pre-started parser process: restarted when it dies, stopped on shutdown, shared safely by
threads and the event loop, and a hung document still killed by the caller's wall clock."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tasks.cv import Limits, forkserver, parse_pdf, parse_pdf_async
from tests import pdfs


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
