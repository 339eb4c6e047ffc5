"""`notificationAdded`: your own notifications pushed as they are committed, nobody else's."""

from __future__ import annotations

from typing import Any

import pytest
from redis.asyncio import Redis

from resolvers import events
from resolvers.notifications.outbox import settle, user_topic
from tests.api.test_evaluation_subscriptions import TEST_REDIS_URL, subscribe, until_listening
from tests.api.test_interviews import schedule, world
from tests.asgi_ws import WebSocketClient
from tests.helpers import gql, token_for, variant_client

ADDED = "subscription { notificationAdded { event title applicationId interviewId } }"
MOVE = """
mutation ($id: ID!) { moveApplication(id: $id, stage: INTERVIEW) { __typename } }
"""


async def test_each_user_is_pushed_their_own_notifications(app, client, db, settings):
    # given: the candidate and an interviewer follow their notifications
    w = await world(db)
    application_id = str(w["application"].id)
    async with WebSocketClient(app) as candidate, WebSocketClient(app) as alice:
        await subscribe(candidate, token_for(settings, w["candidate_user"]), ADDED, {})
        await subscribe(alice, token_for(settings, w["alice"]), ADDED, {})
        await until_listening(user_topic(w["candidate_user"].id))
        await until_listening(user_topic(w["alice"].id))
        # when: the application moves (the candidate is told), then an interview is booked
        token = token_for(settings, w["recruiter"])
        await gql(client, MOVE, {"id": application_id}, token)
        first_for_candidate = await candidate.receive_json()
        await schedule(client, settings, w)
        second_for_candidate = await candidate.receive_json()
        first_for_alice = await alice.receive_json()
    # then: Alice never saw the candidate's stage change
    events: list[Any] = [
        m["payload"]["data"]["notificationAdded"]
        for m in (first_for_candidate, second_for_candidate, first_for_alice)
    ]
    assert [e["event"] for e in events] == [
        "STAGE_CHANGED",
        "INTERVIEW_SCHEDULED",
        "INTERVIEW_SCHEDULED",
    ]
    assert events[0]["applicationId"] == application_id
    assert events[1]["interviewId"] == events[2]["interviewId"]


async def test_signed_out_callers_cannot_follow_notifications(app):
    # given
    async with WebSocketClient(app) as ws:
        await ws.send_json({"type": "connection_init", "payload": {}})
        assert (await ws.receive_json())["type"] == "connection_ack"
        # when
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": ADDED}})
        message = await ws.receive_json()
    # then
    assert [e["extensions"]["code"] for e in message["payload"]["errors"]] == ["UNAUTHENTICATED"]


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL not set")
async def test_a_notification_is_announced_to_the_other_api_processes(db, settings):
    # given: another API process's relay listening on the Redis channel
    w = await world(db)
    client = Redis.from_url(TEST_REDIS_URL)
    async with client.pubsub() as pubsub, variant_client(settings, redis_url=TEST_REDIS_URL) as api:
        await pubsub.subscribe(events.CHANNEL)
        await pubsub.get_message(timeout=1)
        # when: the application moves in this process
        token = token_for(settings, w["recruiter"])
        await gql(api, MOVE, {"id": str(w["application"].id)}, token)
        await settle()
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
    await client.aclose()
    # then: the candidate's topic, so their subscription elsewhere wakes at once
    assert message is not None
    assert message["data"] == user_topic(w["candidate_user"].id).encode()
