"""graphql-transport-ws keeps the HTTP controls (issue 13 item 7): rate limits per operation,
typed errors, and a sign-in that is checked again before every operation (G-13, J-10)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from models.enums import Role
from models.organization import User
from resolvers.auth import LEEWAY_SECONDS, issue_access_token
from server import close_app, create_app
from tests.asgi_ws import WebSocketClient, WebSocketClosed
from tests.helpers import PASSWORD, gql, make_org, make_user

ME = "{ me { email role } }"
LOGIN = """
mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename
    ... on LoginSuccess { accessToken refreshToken }
    ... on RateLimited { code retryAfterSeconds }
  }
}
"""
LOGOUT = "mutation ($token: String!) { logout(refreshToken: $token) { __typename } }"


@pytest.fixture
async def limited_app(settings: Any) -> AsyncIterator[Any]:
    app = create_app(
        dataclasses.replace(settings, rate_limit_anonymous=3, rate_limit_user=3, login_attempts=1)
    )
    yield app
    await close_app(app)


async def connect(ws: WebSocketClient, token: str | None = None) -> None:
    payload = {"Authorization": f"Bearer {token}"} if token else {}
    await ws.send_json({"type": "connection_init", "payload": payload})
    assert (await ws.receive_json())["type"] == "connection_ack"


async def run(
    ws: WebSocketClient, operation_id: str, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One operation: its `next` payload, or the `error` message the server answered with."""
    await ws.send_json(
        {
            "id": operation_id,
            "type": "subscribe",
            "payload": {"query": query, "variables": variables or {}},
        }
    )
    message = await ws.receive_json()
    if message["type"] == "next":
        assert (await ws.receive_json()) == {"id": operation_id, "type": "complete"}
    return message


async def sign_in(client: Any, user: User) -> dict[str, str]:
    result = await gql(client, LOGIN, {"email": user.email, "password": PASSWORD})
    return dict(result.data["login"])


async def test_socket_operations_count_against_the_http_rate_limit(limited_app: Any) -> None:
    """Issue 13 item 7: a socket is no way around the per-address budget HTTP enforces."""
    import httpx2

    # given: one HTTP request of the anonymous budget of three is spent
    transport = httpx2.ASGITransport(app=limited_app, client=("127.0.0.1", 123))
    async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await gql(client, "{ __typename }")).status == 200
    async with WebSocketClient(limited_app) as ws:
        await connect(ws)
        # when
        answers = [await run(ws, str(n), "{ __typename }") for n in range(3)]
    # then: two more operations run, the third is refused with HTTP's typed error
    assert [a["type"] for a in answers] == ["next", "next", "error"]
    assert answers[0]["payload"] == {"data": {"__typename": "Query"}}
    error = answers[2]["payload"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= error["extensions"]["retryAfterSeconds"] <= 60


async def test_a_rate_limited_login_over_a_socket_is_the_typed_error(
    limited_app: Any, db: Any
) -> None:
    # given
    user = await make_user(db, Role.RECRUITER)
    variables = {"email": user.email, "password": "wrong password"}
    async with WebSocketClient(limited_app) as ws:
        await connect(ws)
        # when
        first = await run(ws, "1", LOGIN, variables)
        second = await run(ws, "2", LOGIN, variables)
    # then
    assert first["payload"]["data"]["login"] == {"__typename": "InvalidCredentials"}
    assert "errors" not in second["payload"]
    login = second["payload"]["data"]["login"]
    assert (login["__typename"], login["code"]) == ("RateLimited", "RATE_LIMITED")


async def test_signing_out_closes_the_socket_with_4401(app: Any, client: Any, db: Any) -> None:
    # given: a socket signed in with an access token of a sign-in
    user = await make_user(db, Role.RECRUITER, await make_org(db))
    tokens = await sign_in(client, user)
    async with WebSocketClient(app) as ws:
        await connect(ws, tokens["accessToken"])
        before = await run(ws, "1", ME)
        # when
        await gql(client, LOGOUT, {"token": tokens["refreshToken"]})
        with pytest.raises(WebSocketClosed) as closed:
            await run(ws, "2", ME)
    # then
    assert before["payload"] == {"data": {"me": {"email": user.email, "role": "RECRUITER"}}}
    assert closed.value.code == 4401


@pytest.mark.parametrize(
    "change",
    [{"is_active": False}, {"role": Role.PARTNER}, {"organization_id": None}],
    ids=["deactivated", "role-changed", "organization-changed"],
)
async def test_a_changed_account_closes_the_socket_with_4403(
    app: Any, client: Any, db: Any, change: dict[str, Any]
) -> None:
    # given
    user = await make_user(db, Role.RECRUITER, await make_org(db))
    tokens = await sign_in(client, user)
    async with WebSocketClient(app) as ws:
        await connect(ws, tokens["accessToken"])
        await run(ws, "1", ME)
        # when
        async with db() as session:
            await session.exec(update(User).where(User.id == user.id).values(**change))
            await session.commit()
        with pytest.raises(WebSocketClosed) as closed:
            await run(ws, "2", ME)
    # then
    assert closed.value.code == 4403


async def test_an_expiring_token_closes_an_idle_socket_with_4401(
    app: Any, db: Any, settings: Any
) -> None:
    """J-10: a subscription-only socket does not outlive its access token."""
    # given: a token with two seconds left (leeway included)
    user = await make_user(db, Role.RECRUITER, await make_org(db))
    issued = datetime.now(UTC) - timedelta(
        seconds=settings.access_token_ttl_seconds + LEEWAY_SECONDS - 2
    )
    token = issue_access_token(settings, user, now=issued)
    async with WebSocketClient(app) as ws:
        await connect(ws, token)
        # when: the client sends nothing more
        with pytest.raises(WebSocketClosed) as closed:
            await ws.receive_json(wait_seconds=30)
    # then
    assert closed.value.code == 4401


async def test_an_expired_or_invalid_token_is_refused_at_connection_init_with_4401(
    app: Any, db: Any, settings: Any
) -> None:
    # given
    user = await make_user(db, Role.RECRUITER, await make_org(db))
    expired = issue_access_token(settings, user, now=datetime.now(UTC) - timedelta(days=1))
    codes = []
    for token in (expired, "not-a-token"):
        async with WebSocketClient(app) as ws:
            # when
            payload = {"Authorization": f"Bearer {token}"}
            await ws.send_json({"type": "connection_init", "payload": payload})
            with pytest.raises(WebSocketClosed) as closed:
                await ws.receive_json()
            codes.append(closed.value.code)
    # then
    assert codes == [4401, 4401]
