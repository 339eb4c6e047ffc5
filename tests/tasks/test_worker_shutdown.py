"""Stopping workers (issue 15, item 4): a real worker process with a real broker gets the stop
signal on its process group mid-parse, as systemd, `docker stop` and Ctrl-C deliver it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dramatiq import Broker, Message, Worker

from models.db import SessionFactory
from models.document import Document
from models.enums import DocumentStatus
from models.settings import ROOT, Settings
from tasks import runtime
from tasks.broker import make_broker, use_broker
from tasks.names import PARSE_DOCUMENT
from tasks.shutdown import GracefulStop
from tasks.worker import start_worker, stop_worker
from tests.helpers import pending_document, stored
from tests.pdfs import cpu_heavy_pdf

BROKERS = [
    pytest.param(
        os.environ.get("TEST_REDIS_URL"),
        marks=pytest.mark.skipif(
            not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL not set"
        ),
        id="redis",
    ),
    pytest.param(
        os.environ.get("TEST_RABBITMQ_URL"),
        marks=pytest.mark.skipif(
            not os.environ.get("TEST_RABBITMQ_URL"), reason="TEST_RABBITMQ_URL not set"
        ),
        id="rabbitmq",
    ),
]
SLOW_PDF_OPERATIONS = 30_000  # a valid CV that takes seconds to lay out
WAIT_SECONDS = 90.0  # a guard against hanging, not a speed assertion


async def until(db: SessionFactory, document_id: uuid.UUID, *statuses: DocumentStatus) -> Document:
    for _ in range(int(WAIT_SECONDS / 0.1)):
        document: Document = await stored(db, Document, document_id)
        if document.status in statuses:
            return document
        await asyncio.sleep(0.1)
    raise AssertionError(f"document {document_id} never reached {statuses}: {document.status}")


def group_count(pgid: int, needle: str) -> int:
    """How many processes of the group run a command line containing `needle`."""
    found = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            if needle in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                found += 1
        except (OSError, ProcessLookupError):
            continue
    return found


def group_runs(pgid: int, needle: str) -> bool:
    """Whether a process of the group runs a command line containing `needle`."""
    return group_count(pgid, needle) > 0


def descendants(pid: int) -> set[int]:
    """Every process started, directly or not, by `pid` (from /proc), whatever its session."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    found = {pid}
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in found and child not in found:
                found.add(child)
                grew = True
    return found - {pid}


def tree_count(pid: int, needle: str) -> int:
    """How many processes under `pid` run a command line containing `needle`."""
    found = 0
    for child in descendants(pid):
        with contextlib.suppress(OSError):
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            found += needle in cmdline
    return found


async def until_parsing_in_sandbox(pid: int) -> None:
    """Until a document's sandbox child runs under the worker `pid`: a fresh interpreter, or a
    fork of the pre-started parser process (which then shows more than once). Both run in a
    session of their own, so they are looked for among the worker's descendants."""
    for _ in range(int(WAIT_SECONDS / 0.05)):
        if tree_count(pid, "tasks.cv.sandbox parse") or tree_count(pid, "tasks.cv.zygote") > 1:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the worker never started the parser")


@pytest.fixture
def worker_processes(settings: Settings) -> Iterator[Any]:
    """Start `python server.py worker` processes in their own process group; kill leftovers."""
    started: list[subprocess.Popen[bytes]] = []

    def start(broker_url: str, **env: str) -> subprocess.Popen[bytes]:
        environment = {
            **os.environ,
            "DATABASE_URL": settings.database_url,
            "DATA_DIR": str(settings.data_dir),
            "BROKER_URL": broker_url,
            "REDIS_URL": "",
            **env,
        }
        process = subprocess.Popen(
            [sys.executable, "server.py", "worker", "--processes", "1", "--threads", "1"],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, like a service
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def send_parse(broker: Broker, document_id: uuid.UUID) -> None:
    broker.declare_queue(PARSE_DOCUMENT.queue)
    broker.enqueue(
        Message(
            queue_name=PARSE_DOCUMENT.queue,
            actor_name=PARSE_DOCUMENT.actor,
            args=(str(document_id),),
            kwargs={},
            options={},
        )
    )


def send_parse_through(broker_url: str, document_id: uuid.UUID) -> None:
    """Send as an API process would, on its own connection to the broker."""
    broker = make_broker(broker_url)
    try:
        send_parse(broker, document_id)
    finally:
        broker.close()


@pytest.mark.parametrize("broker_url", BROKERS)
async def test_sigterm_to_the_worker_group_mid_parse_hands_the_job_back(
    db, settings, worker_processes, broker_url
):
    # given: a worker process parsing a slow CV, with a stop bound shorter than the parse
    document = await pending_document(db, settings, cpu_heavy_pdf(SLOW_PDF_OPERATIONS))
    first = worker_processes(broker_url, WORKER_STOP_SECONDS="0.5")
    send_parse_through(broker_url, document.id)
    await until(db, document.id, DocumentStatus.PARSING)
    await until_parsing_in_sandbox(first.pid)
    # when: the whole process group is told to stop
    os.killpg(first.pid, signal.SIGTERM)
    exit_code = await asyncio.to_thread(first.wait, WAIT_SECONDS)
    # then: it exited, and the cut-off parse was handed back, not failed nor counted
    assert exit_code == 0
    assert not group_runs(first.pid, "server.py")
    handed_back: Document = await stored(db, Document, document.id)
    assert handed_back.status is DocumentStatus.PENDING
    assert handed_back.attempts == 0
    # when: a new worker starts
    second = worker_processes(broker_url)
    done = await until(db, document.id, DocumentStatus.PARSED, DocumentStatus.FAILED)
    # then: it finished the job on its first counted attempt
    assert done.status is DocumentStatus.PARSED
    assert done.attempts == 1
    os.killpg(second.pid, signal.SIGTERM)
    assert await asyncio.to_thread(second.wait, WAIT_SECONDS) == 0


@pytest.mark.parametrize("broker_url", BROKERS)
async def test_sigterm_to_the_worker_group_lets_a_running_parse_finish(
    db, settings, worker_processes, broker_url
):
    # given: a worker process parsing a slow CV, with the default stop bound
    document = await pending_document(db, settings, cpu_heavy_pdf(SLOW_PDF_OPERATIONS))
    process = worker_processes(broker_url)
    send_parse_through(broker_url, document.id)
    await until(db, document.id, DocumentStatus.PARSING)
    await until_parsing_in_sandbox(process.pid)
    # the parser runs in a session of its own: the group's signal cannot reach it
    assert not group_runs(process.pid, "tasks.cv.")
    # when
    os.killpg(process.pid, signal.SIGTERM)
    exit_code = await asyncio.to_thread(process.wait, WAIT_SECONDS)
    # then: the parser was not killed by the signal; the parse finished before the exit
    assert exit_code == 0
    done: Document = await stored(db, Document, document.id)
    assert done.status is DocumentStatus.PARSED
    assert done.attempts == 1


async def test_stopping_the_embedded_worker_hands_a_running_parse_back(db, settings):
    # given: an in-process worker (the API's embedded one) parsing a slow CV
    runtime.configure(settings)
    broker = make_broker("stub://")
    broker.add_middleware(GracefulStop(seconds=0))
    old = use_broker(broker)
    worker: Worker | None = None
    try:
        document = await pending_document(db, settings, cpu_heavy_pdf(SLOW_PDF_OPERATIONS))
        worker = start_worker(broker, threads=1, timeout_ms=100)
        send_parse(broker, document.id)
        await until(db, document.id, DocumentStatus.PARSING)
        # when: the worker stops with no time left for running jobs
        await asyncio.to_thread(stop_worker, worker, 10_000)
        worker = None
        # then: the document is PENDING again, its attempt not counted (a restart re-sends it)
        handed_back: Document = await stored(db, Document, document.id)
        assert handed_back.status is DocumentStatus.PENDING
        assert handed_back.attempts == 0
    finally:
        if worker is not None:
            stop_worker(worker)
        use_broker(old)


def group_size(pgid: int) -> int:
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                count += os.getpgid(int(entry.name)) == pgid
    return count


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL not set")
async def test_a_worker_signalled_while_it_starts_exits_cleanly(worker_processes):
    # given: a worker whose worker process is still importing the application
    process = worker_processes(os.environ["TEST_REDIS_URL"])
    for _ in range(int(WAIT_SECONDS / 0.01)):
        if group_size(process.pid) >= 2:
            break
        await asyncio.sleep(0.01)
    # past dramatiq's first instants (a signal delivered before its worker process has set up
    # logging ends it with a NameError inside dramatiq), into the import of the application
    await asyncio.sleep(0.5)
    # when: the group gets the stop signal (the worker process gets it twice: from the group
    # and forwarded by dramatiq's main process)
    os.killpg(process.pid, signal.SIGTERM)
    exit_code = await asyncio.to_thread(process.wait, WAIT_SECONDS)
    # then: a clean stop, not dramatiq's "killing worker process" nor our overrun exit
    assert exit_code == 0
