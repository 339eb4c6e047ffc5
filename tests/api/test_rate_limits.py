"""Rate limits: per user and per client address, login attempts separately (G-14)."""

from __future__ import annotations

import os

import httpx2
import pytest

from models.enums import Role
from resolvers.ratelimit import Limit, MemoryRateLimiter, RedisRateLimiter
from tests.helpers import PASSWORD, make_user, token_for, variant_client

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")

LOGIN = """
mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename
    ... on RateLimited { code retryAfterSeconds }
  }
}
"""

ALIASED_LOGINS = (
    "mutation {"
    + "".join(
        f' a{i}: login(email: "x@example.org", password: "guess{i}") '
        "{ __typename ... on RateLimited { retryAfterSeconds } }"
        for i in range(5)
    )
    + "}"
)


async def _post(client, query, variables=None, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )


async def test_anonymous_requests_are_limited_per_address(settings, db):
    # given
    user = await make_user(db, Role.ADMIN)
    async with variant_client(settings, rate_limit_anonymous=3, rate_limit_user=5) as client:
        # when
        anonymous = [await _post(client, "{ __typename }") for _ in range(4)]
        signed_in = [
            await _post(client, "{ __typename }", token=token_for(settings, user)) for _ in range(6)
        ]
    # then
    assert [r.status_code for r in anonymous] == [200, 200, 200, 429]
    assert [r.status_code for r in signed_in] == [200] * 5 + [429]
    limited = anonymous[-1]
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_login_attempts_are_limited_per_account_and_address_with_a_typed_error(settings, db):
    # given
    user = await make_user(db, Role.ADMIN)
    async with variant_client(settings, login_attempts=2) as client:
        # when
        attempts = [
            await _post(client, LOGIN, {"email": user.email, "password": "wrong one!!"})
            for _ in range(3)
        ]
        right_password = await _post(client, LOGIN, {"email": user.email, "password": PASSWORD})
    # then
    kinds = [r.json()["data"]["login"]["__typename"] for r in attempts]
    assert kinds == ["InvalidCredentials", "InvalidCredentials", "RateLimited"]
    assert attempts[-1].status_code == 429
    assert int(attempts[-1].headers["retry-after"]) >= 1
    assert right_password.json()["data"]["login"]["__typename"] == "RateLimited"


async def test_wrong_passwords_from_one_address_do_not_lock_the_account_elsewhere(settings, db):
    """Issue 13 item 10: ten wrong passwords from address A throttle A (for this account and,
    past five times the budget, for every account), never the owner signing in from B."""
    # given
    from server import close_app, create_app

    user = await make_user(db, Role.ADMIN)
    other = await make_user(db, Role.RECRUITER)
    app = create_app(settings)
    clients = {
        name: httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=app, client=(address, 4000)),
            base_url="http://testserver",
        )
        for name, address in (("a", "203.0.113.1"), ("b", "198.51.100.2"))
    }
    try:
        # when
        wrong = [
            await _post(clients["a"], LOGIN, {"email": user.email, "password": "wrong one!!"})
            for _ in range(settings.login_attempts)
        ]
        right = {"email": user.email, "password": PASSWORD}
        from_b = await _post(clients["b"], LOGIN, right)
        again_from_a = await _post(clients["a"], LOGIN, right)
        other_right = {"email": other.email, "password": PASSWORD}
        other_from_a = await _post(clients["a"], LOGIN, other_right)
    finally:
        for client in clients.values():
            await client.aclose()
        await close_app(app)
    # then
    kinds = {r.json()["data"]["login"]["__typename"] for r in wrong}
    assert kinds == {"InvalidCredentials"}
    assert from_b.json()["data"]["login"]["__typename"] == "LoginSuccess"
    assert again_from_a.json()["data"]["login"]["__typename"] == "RateLimited"
    assert again_from_a.status_code == 429
    # the address's own budget (five times the per-account one) is not spent yet
    assert other_from_a.json()["data"]["login"]["__typename"] == "LoginSuccess"


async def test_g14_aliased_logins_count_one_by_one(settings):
    # given
    async with variant_client(settings, login_attempts=2) as client:
        # when
        response = await _post(client, ALIASED_LOGINS)
    # then
    kinds = [response.json()["data"][f"a{i}"]["__typename"] for i in range(5)]
    assert kinds == ["InvalidCredentials"] * 2 + ["RateLimited"] * 3
    assert response.status_code == 429


async def test_memory_limiter_windows():
    # given
    limiter = MemoryRateLimiter()
    limit = Limit(requests=2, window_seconds=60)
    # when
    results = [await limiter.hit("k", limit) for _ in range(3)]
    other = await limiter.hit("other", limit)
    # then
    assert results[:2] == [None, None]
    assert results[2] is not None and 0 < results[2] <= 60
    assert other is None


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL not set")
async def test_redis_limiter_is_shared_between_processes():
    # given: two limiters stand for two API processes sharing one Redis
    from redis.asyncio import Redis

    admin = Redis.from_url(TEST_REDIS_URL)
    await admin.flushdb()
    await admin.aclose()
    first, second = RedisRateLimiter(TEST_REDIS_URL), RedisRateLimiter(TEST_REDIS_URL)
    limit = Limit(requests=3, window_seconds=60)
    # when
    results = [await (first if i % 2 else second).hit("user:1", limit) for i in range(4)]
    await first.close()
    await second.close()
    # then
    assert results[:3] == [None, None, None]
    assert results[3] is not None and 0 < results[3] <= 60


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL not set")
async def test_app_counts_in_redis_when_configured(settings):
    # given
    from redis.asyncio import Redis

    admin = Redis.from_url(TEST_REDIS_URL)
    await admin.flushdb()
    # when: two app instances (two API processes) share the anonymous budget of one address
    async with variant_client(settings, redis_url=TEST_REDIS_URL, rate_limit_anonymous=2) as a:
        async with variant_client(settings, redis_url=TEST_REDIS_URL, rate_limit_anonymous=2) as b:
            codes = [(await _post(c, "{ __typename }")).status_code for c in (a, b, a)]
    keys = await admin.keys("talentgraph:rl:*")
    await admin.aclose()
    # then
    assert codes == [200, 200, 429]
    assert len(keys) == 1
