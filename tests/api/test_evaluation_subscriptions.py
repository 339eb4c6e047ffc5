"""evaluationUpdated and jobEvaluationsUpdated over graphql-transport-ws."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import dramatiq
import pytest

import tasks.evaluations  # noqa: F401 - declares the actor
from models.enums import Role
from resolvers import events
from tasks import runtime
from tasks.worker import start_worker, stop_worker
from tests.api.test_evaluations import REQUEST, python_world
from tests.asgi_ws import WebSocketClient
from tests.helpers import gql, make_application, make_org, make_user, token_for

UPDATED = """
subscription ($id: ID!) { evaluationUpdated(id: $id) { id status score candidate { id } } }
"""
JOB_UPDATED = """
subscription ($jobId: ID!) { jobEvaluationsUpdated(jobId: $jobId) { id status score } }
"""
EVALUATE = "mutation ($jobId: ID!) { evaluateApplicants(jobId: $jobId) { __typename } }"


@pytest.fixture(autouse=True)
def empty_queues(settings: Any) -> None:
    runtime.configure(settings)
    dramatiq.get_broker().flush_all()


async def subscribe(ws: WebSocketClient, token: str, query: str, variables: dict[str, Any]) -> None:
    await ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    assert (await ws.receive_json())["type"] == "connection_ack"
    await ws.send_json(
        {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}
    )


async def until_listening(topic: str) -> None:
    for _ in range(100):
        if events.listeners(topic):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the subscription did not start")


async def test_a_subscriber_sees_every_status_until_the_evaluation_completes(
    app, client, db, settings
):
    # given: a queued evaluation
    world = await python_world(db)
    token = token_for(settings, world["recruiter"])
    fields = {"candidateId": str(world["strong"].id), "jobId": str(world["job"].id)}
    answer = await gql(client, REQUEST, {"input": fields}, token=token)
    evaluation_id = answer.data["requestEvaluation"]["evaluation"]["id"]
    received = []
    async with WebSocketClient(app) as ws:
        await subscribe(ws, token, UPDATED, {"id": evaluation_id})
        received.append(await ws.receive_json())
        # when: the worker runs it
        worker = start_worker(dramatiq.get_broker(), threads=1, timeout_ms=100)
        try:
            while received[-1]["type"] != "complete":
                received.append(await ws.receive_json())
        finally:
            stop_worker(worker)
    # then
    payloads = [m["payload"]["data"]["evaluationUpdated"] for m in received if m["type"] == "next"]
    assert payloads[0]["status"] == "PENDING"
    assert payloads[-1]["status"] == "COMPLETED"
    assert payloads[-1]["score"] is not None
    assert payloads[-1]["candidate"] == {"id": str(world["strong"].id)}


async def test_another_organization_cannot_follow_the_evaluation_or_the_job(
    app, client, db, settings
):
    # given
    world = await python_world(db)
    token = token_for(settings, world["recruiter"])
    fields = {"candidateId": str(world["strong"].id), "jobId": str(world["job"].id)}
    answer = await gql(client, REQUEST, {"input": fields}, token=token)
    stranger = token_for(settings, await make_user(db, Role.RECRUITER, await make_org(db)))
    codes = []
    for query, variables in (
        (UPDATED, {"id": answer.data["requestEvaluation"]["evaluation"]["id"]}),
        (JOB_UPDATED, {"jobId": str(world["job"].id)}),
    ):
        async with WebSocketClient(app) as ws:
            # when
            await subscribe(ws, stranger, query, variables)
            message = await ws.receive_json()
        codes.append([e["extensions"]["code"] for e in message["payload"]["errors"]])
    # then
    assert codes == [["NOT_FOUND"], ["NOT_FOUND"]]


async def test_the_job_feed_shows_each_applicant_evaluation_as_it_changes(
    app, client, db, settings
):
    # given: two applicants and a recruiter following the job
    world = await python_world(db)
    for who in ("strong", "weak"):
        await make_application(db, world[who], world["job"])
    token = token_for(settings, world["recruiter"])
    job_id = str(world["job"].id)
    async with WebSocketClient(app) as ws:
        await subscribe(ws, token, JOB_UPDATED, {"jobId": job_id})
        await until_listening(events.job_evaluations_topic(world["job"].id))
        # when: every applicant is evaluated
        await gql(client, EVALUATE, {"jobId": job_id}, token=token)
        worker = start_worker(dramatiq.get_broker(), threads=1, timeout_ms=100)
        latest: dict[str, str] = {}
        try:
            while sorted(latest.values()) != ["COMPLETED", "COMPLETED"]:
                message = await asyncio.wait_for(ws.receive_json(), 10)
                row = message["payload"]["data"]["jobEvaluationsUpdated"]
                latest[row["id"]] = row["status"]
        finally:
            stop_worker(worker)
    # then
    assert len(latest) == 2


TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL not set")
async def test_evaluation_changes_are_announced_on_the_redis_channel():
    # given: another API process's relay, listening on the channel
    import uuid

    from redis.asyncio import Redis

    evaluation_id, job_id = uuid.uuid4(), uuid.uuid4()
    client = Redis.from_url(TEST_REDIS_URL)
    async with client.pubsub() as pubsub:
        await pubsub.subscribe(events.CHANNEL)
        await pubsub.get_message(timeout=1)
        # when
        await events.announce(
            events.evaluation_topic(evaluation_id),
            events.job_evaluations_topic(job_id),
            redis_url=TEST_REDIS_URL,
        )
        first = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
        second = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
    await client.aclose()
    # then
    assert first is not None and second is not None
    assert [first["data"], second["data"]] == [
        f"evaluation:{evaluation_id}".encode(),
        f"job-evaluations:{job_id}".encode(),
    ]
