"""G-21: request bodies are capped before they are buffered."""

from __future__ import annotations

import dataclasses

import httpx2

from server import create_app


async def test_g21_oversized_body_gets_413_and_small_one_passes(settings):
    # given
    app = create_app(dataclasses.replace(settings, max_body_bytes=1_000))
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as client:
        # when
        small = await client.post("/graphql", json={"query": "{ __typename }"})
        large = await client.post(
            "/graphql", json={"query": "{ __typename }", "variables": {"pad": "a" * 5_000}}
        )
    await app.state.engine.dispose()
    # then
    assert small.status_code == 200
    assert small.json() == {"data": {"__typename": "Query"}}
    assert large.status_code == 413
