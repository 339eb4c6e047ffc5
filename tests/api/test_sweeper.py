"""The sweeper's pass, the claim of import jobs, and the admin's `retryBackgroundJob`.

The broker is the in-memory StubBroker (the I/O boundary): what the sweeper re-sent is read off
its queues. Crashes with real workers and brokers: tests/tasks/test_durable_jobs.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from dramatiq import Message
from dramatiq.brokers.stub import StubBroker

from models.base import utcnow
from models.document import Document
from models.enums import (
    CollectionMode,
    DocumentStatus,
    ErrorPolicy,
    EvaluationStatus,
    ImportKind,
    ImportMode,
    ImportStatus,
    OrganizationKind,
    Role,
)
from models.evaluation import Evaluation
from models.imports import ImportBatch
from models.outbox import OutboxMessage
from resolvers import sweeper
from resolvers.upserts import leases
from resolvers.upserts.jobs import run_import
from tasks.broker import make_broker, use_broker
from tasks.names import PARSE_DOCUMENT, RUN_EVALUATION, RUN_IMPORT
from tests.helpers import (
    add,
    audit_rows,
    gql,
    make_candidate,
    make_document_row,
    make_org,
    make_user,
    stored,
    token_for,
)

RETRY = """
mutation Retry($kind: BackgroundJobKind!, $id: ID!) {
  retryBackgroundJob(kind: $kind, id: $id) {
    __typename
    ... on RetryBackgroundJobSuccess { kind id status }
    ... on UserError { code }
  }
}
"""


@pytest.fixture
def broker() -> Iterator[StubBroker]:
    """A fresh StubBroker as the global broker; nothing consumes it."""
    stub = make_broker("stub://")
    assert isinstance(stub, StubBroker)
    old = use_broker(stub)
    yield stub
    use_broker(old)


def sent(broker: StubBroker, queue: str) -> list[list[str]]:
    """The arguments of the messages waiting on `queue`."""
    waiting = broker.queues.get(queue)
    if waiting is None:
        return []
    messages = []
    while not waiting.empty():
        messages.append(list(Message.decode(waiting.get_nowait()).args))
    return messages


async def import_job(db: Any, status: ImportStatus, heartbeat_age: float | None) -> ImportBatch:
    org = await make_org(db, OrganizationKind.PARTNER)
    now = utcnow()
    batch = ImportBatch(
        organization_id=org.id,
        kind=ImportKind.CANDIDATES,
        mode=ImportMode.ASYNC,
        status=status,
        error_policy=ErrorPolicy.REJECT_FAILED_ROWS,
        collection_mode=CollectionMode.MERGE,
        created_at=now - timedelta(minutes=10),
        started_at=None if status is ImportStatus.QUEUED else now - timedelta(minutes=5),
        heartbeat_at=None if heartbeat_age is None else now - timedelta(seconds=heartbeat_age),
        runner=None if status is ImportStatus.QUEUED else uuid.uuid4(),
    )
    await add(db, batch)
    return batch


async def test_the_sweeper_resends_an_import_whose_heartbeat_went_silent_and_leaves_live_ones(
    db: Any, broker: StubBroker
) -> None:
    # given: one job silent for a minute, one that beat a second ago
    silent = await import_job(db, ImportStatus.RUNNING, heartbeat_age=60)
    live = await import_job(db, ImportStatus.RUNNING, heartbeat_age=1)
    before = sweeper.resent_counts()["import"]
    # when
    found = await sweeper.sweep(db)
    # then: the silent one is queued again with a new message, counted; the live one untouched
    assert found["import"] == 1
    assert sent(broker, RUN_IMPORT.queue) == [[str(silent.id)]]
    assert (await stored(db, ImportBatch, silent.id)).status is ImportStatus.QUEUED
    assert (await stored(db, ImportBatch, silent.id)).runner is None
    assert (await stored(db, ImportBatch, live.id)).runner == live.runner
    assert sweeper.resent_counts()["import"] == before + 1


async def test_the_sweeper_resends_stuck_parses_and_evaluations_and_unsent_outbox_rows(
    db: Any, broker: StubBroker
) -> None:
    # given: a parse claimed longer ago than a parse may run, an evaluation pending for 10
    # minutes, a message never sent
    candidate = await make_candidate(db)
    old = utcnow() - timedelta(minutes=10)
    document = make_document_row(candidate, None)
    document.status, document.attempts = DocumentStatus.PARSING, 1
    document.updated_at = utcnow() - sweeper.PARSE_STALE - timedelta(seconds=5)
    fresh = make_document_row(candidate, None)
    fresh.sha256, fresh.status = "1" * 64, DocumentStatus.PENDING
    evaluation = Evaluation(
        candidate_id=candidate.id, status=EvaluationStatus.PENDING, updated_at=old, created_at=old
    )
    unsent = OutboxMessage(actor="run_import", queue="imports", args=["x"], created_at=old)
    await add(db, document, fresh, evaluation, unsent)
    # when
    found = await sweeper.sweep(db)
    # then
    assert found == {"import": 0, "document": 1, "evaluation": 1, "outbox": 1}
    assert sent(broker, PARSE_DOCUMENT.queue) == [[str(document.id)]]
    assert sent(broker, RUN_EVALUATION.queue) == [[str(evaluation.id)]]
    assert sent(broker, RUN_IMPORT.queue) == [["x"]]
    assert (await stored(db, OutboxMessage, unsent.id)).sent_at is not None
    # the parse is PENDING again, so its message claims it at once; the lost attempt counts
    resent = await stored(db, Document, document.id)
    assert (resent.status, resent.attempts) == (DocumentStatus.PENDING, 1)
    again = await sweeper.sweep(db)  # re-sent just now: the next re-send waits another bound
    assert again == {"import": 0, "document": 0, "evaluation": 0, "outbox": 0}


async def test_a_parse_within_its_time_limit_is_not_resent(db: Any, broker: StubBroker) -> None:
    # given: a parse claimed 5 minutes ago (the actor's time limit: its worker may be alive)
    candidate = await make_candidate(db)
    document = make_document_row(candidate, None)
    document.status, document.attempts = DocumentStatus.PARSING, 1
    document.updated_at = utcnow() - timedelta(minutes=5)
    await add(db, document)
    before = await stored(db, Document, document.id)
    # when
    found = await sweeper.sweep(db)
    # then: left to its worker, untouched
    assert found["document"] == 0
    assert sent(broker, PARSE_DOCUMENT.queue) == []
    after = await stored(db, Document, document.id)
    assert (after.status, after.attempts, after.updated_at) == (
        DocumentStatus.PARSING,
        1,
        before.updated_at,
    )


async def test_an_admin_retry_leaves_a_parse_in_progress_to_its_worker(
    client: Any, db: Any, settings: Any, broker: StubBroker
) -> None:
    # given: a parse claimed a minute ago, and one whose worker is long gone
    token = token_for(settings, await make_user(db, Role.ADMIN))
    candidate = await make_candidate(db)
    live, lost = make_document_row(candidate, None), make_document_row(candidate, None)
    live.sha256 = "1" * 64
    live.status = lost.status = DocumentStatus.PARSING
    live.updated_at = utcnow() - timedelta(minutes=1)
    lost.updated_at = utcnow() - sweeper.PARSE_STALE - timedelta(minutes=1)
    await add(db, live, lost)
    before = await stored(db, Document, live.id)
    # when
    results = [
        (await gql(client, RETRY, {"kind": "CV_PARSE", "id": str(row.id)}, token)).data[
            "retryBackgroundJob"
        ]
        for row in (live, lost)
    ]
    # then: both are sent; the live one keeps its claim (its message will find it taken)
    assert [(r["__typename"], r["status"]) for r in results] == [
        ("RetryBackgroundJobSuccess", "PARSING"),
        ("RetryBackgroundJobSuccess", "PENDING"),
    ]
    assert sent(broker, PARSE_DOCUMENT.queue) == [[str(live.id)], [str(lost.id)]]
    assert (await stored(db, Document, live.id)).updated_at == before.updated_at


async def test_a_second_message_for_an_import_held_by_a_live_run_does_nothing(db: Any) -> None:
    # given: a run claimed the job a moment ago
    batch = await import_job(db, ImportStatus.QUEUED, heartbeat_age=None)
    runner = await leases.claim(db, batch.id)
    # when: a duplicate message arrives
    await run_import(db, batch.id)
    # then: the job still belongs to the first run, untouched
    row = await stored(db, ImportBatch, batch.id)
    assert runner is not None
    assert (row.runner, row.status, row.processed) == (runner, ImportStatus.RUNNING, 0)


async def test_an_admin_retries_a_stuck_import_and_the_retry_is_audited(
    client: Any, db: Any, settings: Any, broker: StubBroker
) -> None:
    # given: a job whose run died a second ago (the sweeper would still wait)
    admin = await make_user(db, Role.ADMIN)
    batch = await import_job(db, ImportStatus.RUNNING, heartbeat_age=1)
    # when
    result = await gql(
        client, RETRY, {"kind": "IMPORT", "id": str(batch.id)}, token_for(settings, admin)
    )
    # then
    assert result.data["retryBackgroundJob"] == {
        "__typename": "RetryBackgroundJobSuccess",
        "kind": "IMPORT",
        "id": str(batch.id),
        "status": "QUEUED",
    }
    assert sent(broker, RUN_IMPORT.queue) == [[str(batch.id)]]
    assert [row.entity_id for row in await audit_rows(db, "import.retry")] == [str(batch.id)]


async def test_retrying_a_finished_or_unknown_job_is_a_typed_error(
    client: Any, db: Any, settings: Any, broker: StubBroker
) -> None:
    # given
    token = token_for(settings, await make_user(db, Role.ADMIN))
    done = await import_job(db, ImportStatus.COMPLETED, heartbeat_age=None)
    # when
    finished = await gql(client, RETRY, {"kind": "IMPORT", "id": str(done.id)}, token)
    unknown = await gql(client, RETRY, {"kind": "CV_PARSE", "id": str(uuid.uuid4())}, token)
    malformed = await gql(client, RETRY, {"kind": "EVALUATION", "id": "nope"}, token)
    # then
    assert finished.data["retryBackgroundJob"]["code"] == "INVALID_STATE"
    assert unknown.data["retryBackgroundJob"]["code"] == "NOT_FOUND"
    assert malformed.data["retryBackgroundJob"]["code"] == "NOT_FOUND"
    assert sent(broker, RUN_IMPORT.queue) == []
