"""documentUpdated over graphql-transport-ws: every status change, then completion."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from typing import Any

import dramatiq
import pytest
from sqlalchemy import update

import tasks.documents  # noqa: F401 - declares the actor
from models.base import utcnow
from models.document import Document
from models.enums import DocumentStatus
from resolvers import events
from tasks import runtime
from tasks.worker import start_worker, stop_worker
from tests import pdfs
from tests.api.test_cv_upload import candidate_user, upload
from tests.asgi_ws import WebSocketClient, WebSocketClosed

UPDATED = """
subscription Updated($id: ID!) {
  documentUpdated(id: $id) { id status profile { name { value } } candidate { id } }
}
"""


async def subscribe(ws: WebSocketClient, token: str | None, document_id: str) -> None:
    payload = {"Authorization": f"Bearer {token}"} if token else {}
    await ws.send_json({"type": "connection_init", "payload": payload})
    assert (await ws.receive_json())["type"] == "connection_ack"
    await ws.send_json(
        {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": UPDATED, "variables": {"id": document_id}},
        }
    )


async def updates(ws: WebSocketClient) -> list[dict[str, Any]]:
    """Every `next` payload until the server completes the subscription."""
    received = []
    while True:
        message = await ws.receive_json()
        if message["type"] == "complete":
            return received
        assert message["type"] == "next", message
        received.append(message["payload"])


async def until_listening(document_id: str) -> None:
    for _ in range(100):
        if events.listeners(uuid.UUID(document_id)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the subscription did not start")


@pytest.fixture(autouse=True)
def empty_queues(settings: Any) -> None:
    runtime.configure(settings)
    dramatiq.get_broker().flush_all()


async def test_a_subscriber_sees_every_status_until_the_parse_finishes(app, client, db, settings):
    # given: an uploaded CV, not yet picked up
    candidate, token = await candidate_user(db, settings)
    uploaded = await upload(client, token, pdfs.simple_cv_pdf())
    document_id = uploaded["document"]["id"]
    async with WebSocketClient(app) as ws:
        await subscribe(ws, token, document_id)
        await until_listening(document_id)
        # when: the embedded worker parses it
        worker = start_worker(dramatiq.get_broker(), threads=1, timeout_ms=100)
        try:
            received = await updates(ws)
        finally:
            stop_worker(worker)
    # then
    statuses = [p["data"]["documentUpdated"]["status"] for p in received]
    assert statuses == ["PENDING", "PARSING", "PARSED"]
    last = received[-1]["data"]["documentUpdated"]
    assert last["profile"]["name"] == {"value": "Jane Doe"}
    assert last["candidate"] == {"id": str(candidate.id)}


async def test_a_change_made_by_another_process_still_arrives(app, client, db, settings):
    # given: no notification in this process, as when a separate worker changes the row
    _, token = await candidate_user(db, settings)
    uploaded = await upload(client, token, pdfs.image_only_pdf())
    document_id = uploaded["document"]["id"]
    async with WebSocketClient(app) as ws:
        await subscribe(ws, token, document_id)
        first = await ws.receive_json()
        # when
        async with db() as session:
            await session.exec(
                update(Document)
                .where(Document.id == uuid.UUID(first["payload"]["data"]["documentUpdated"]["id"]))
                .values(status=DocumentStatus.NEEDS_OCR, updated_at=utcnow())
            )
            await session.commit()
        received = await updates(ws)
    # then: the periodic re-read delivered it
    assert [p["data"]["documentUpdated"]["status"] for p in received] == ["NEEDS_OCR"]


async def test_someone_elses_document_is_not_found(app, client, db, settings):
    # given
    _, owner = await candidate_user(db, settings)
    _, stranger = await candidate_user(db, settings)
    uploaded = await upload(client, owner, pdfs.simple_cv_pdf())
    async with WebSocketClient(app) as ws:
        # when
        await subscribe(ws, stranger, uploaded["document"]["id"])
        message = await ws.receive_json()
    # then
    assert message["type"] == "next"
    assert message["payload"]["data"] is None
    assert [e["extensions"]["code"] for e in message["payload"]["errors"]] == ["NOT_FOUND"]


async def test_anonymous_subscribers_must_sign_in_and_bad_tokens_are_refused(
    app, client, db, settings
):
    # given
    _, token = await candidate_user(db, settings)
    uploaded = await upload(client, token, pdfs.simple_cv_pdf())
    async with WebSocketClient(app) as ws:
        # when
        await subscribe(ws, None, uploaded["document"]["id"])
        anonymous = await ws.receive_json()
    async with WebSocketClient(app) as ws:
        await ws.send_json({"type": "connection_init", "payload": {"Authorization": "Bearer x"}})
        with pytest.raises(WebSocketClosed) as refused:
            await ws.receive_json()
    # then
    assert [e["extensions"]["code"] for e in anonymous["payload"]["errors"]] == ["UNAUTHENTICATED"]
    assert refused.value.code == 4401  # graphql-transport-ws "Unauthorized": sign in again


TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL not set")
async def test_a_worker_in_another_process_wakes_subscribers_through_redis():
    # given: this process relays the channel, and a subscription listens for a document
    from redis.asyncio import Redis

    document_id = uuid.uuid4()
    relay = asyncio.create_task(events.relay(TEST_REDIS_URL))
    other_process = Redis.from_url(TEST_REDIS_URL)
    try:
        with events.listen(document_id) as changed:
            # when: another process announces a change (all it does here is publish)
            for _ in range(100):  # until the relay has subscribed
                if await other_process.publish(events.CHANNEL, str(document_id)):
                    break
                await asyncio.sleep(0.05)
            await asyncio.wait_for(changed.wait(), 5)
            # then
            assert changed.is_set()
    finally:
        relay.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relay
        await other_process.aclose()


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL not set")
async def test_announce_publishes_the_document_id_on_the_channel():
    # given: a listener on the channel, as another API process's relay
    from redis.asyncio import Redis

    document_id = uuid.uuid4()
    client = Redis.from_url(TEST_REDIS_URL)
    async with client.pubsub() as pubsub:
        await pubsub.subscribe(events.CHANNEL)
        await pubsub.get_message(timeout=1)  # the subscribe confirmation
        # when
        await events.announce(document_id, redis_url=TEST_REDIS_URL)
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
    await client.aclose()
    # then
    assert message is not None
    assert message["data"] == str(document_id).encode()


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL not set")
async def test_the_server_relays_redis_notifications_while_it_runs(settings):
    # given: the app with REDIS_URL, started as uvicorn starts it
    import dataclasses

    from redis.asyncio import Redis

    from server import create_app

    app = create_app(dataclasses.replace(settings, redis_url=TEST_REDIS_URL))
    document_id = uuid.uuid4()
    other_process = Redis.from_url(TEST_REDIS_URL)
    try:
        async with app.router.lifespan_context(app):
            with events.listen(document_id) as changed:
                # when: a worker elsewhere announces a change
                for _ in range(100):
                    if await other_process.publish(events.CHANNEL, str(document_id)):
                        break
                    await asyncio.sleep(0.05)
                await asyncio.wait_for(changed.wait(), 5)
        # then: the server was listening, and stopped listening when it stopped
        assert changed.is_set()
        assert await other_process.publish(events.CHANNEL, str(document_id)) == 0
    finally:
        await other_process.aclose()
        runtime.configure(settings)
