"""G-21: request bodies are capped before they are buffered."""

from __future__ import annotations

from tests.helpers import variant_client


async def test_g21_oversized_body_gets_413_and_small_one_passes(settings):
    # given
    async with variant_client(settings, max_body_bytes=1_000) as client:
        # when
        small = await client.post("/graphql", json={"query": "{ __typename }"})
        large = await client.post(
            "/graphql", json={"query": "{ __typename }", "variables": {"pad": "a" * 5_000}}
        )
    # then
    assert small.status_code == 200
    assert small.json() == {"data": {"__typename": "Query"}}
    assert large.status_code == 413
