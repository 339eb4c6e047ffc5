"""An API process killed (SIGKILL) in the middle of an idempotent upsert, then the retry.

The key is written in the batch's own transaction, so the killed call leaves nothing behind:
the retry runs at once (no 15-minute wait for an abandoned claim), writes the items once, and a
further retry replays the stored answer. PostgreSQL only: the test holds a table lock to stop
the killed call at a known point inside its transaction.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from models.candidate import Candidate
from models.imports import IdempotencyKey, ImportBatch
from tests.api.test_upserts import UPSERT, count, partner
from tests.conftest import ON_POSTGRES
from tests.helpers import gql
from tests.processes import api_server, environment, kill, post

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs TEST_DATABASE_URL: a table lock pauses the killed call"
)

WAITING_ON_BATCHES = """
SELECT count(*) FROM pg_stat_activity
WHERE wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO import_batches%'
"""


def anonymous(n: int) -> dict[str, Any]:
    """No external id, email or phone: nothing but the key can stop a second write."""
    return {"firstName": f"Nameless{n}", "lastName": "Person", "headline": f"Role {n}"}


async def test_a_call_killed_mid_transaction_leaves_no_claim_and_the_retry_writes_once(
    client: Any, db: Any, settings: Any, database_url: str
) -> None:
    # given: a real API process whose upsert is stopped by a lock just before its commit
    _, token = await partner(db, settings)
    variables = {"input": {"items": [anonymous(n) for n in range(3)], "idempotencyKey": "k-9"}}
    locker = create_async_engine(database_url, poolclass=NullPool)
    async with locker.connect() as lock_conn, api_server(environment(settings)) as (process, base):
        await lock_conn.execute(text("LOCK TABLE import_batches IN EXCLUSIVE MODE"))
        call = asyncio.create_task(post(base, UPSERT, variables, token))
        for _ in range(400):
            await lock_conn.execute(text("SELECT pg_stat_clear_snapshot()"))  # a fresh view
            if (await lock_conn.execute(text(WAITING_ON_BATCHES))).scalar():
                break
            await asyncio.sleep(0.025)
        else:
            raise AssertionError("the upsert never reached its batch row")
        # when: the process dies with its transaction open, then the client retries
        kill(process)
        await asyncio.gather(call, return_exceptions=True)
        await lock_conn.commit()
    await locker.dispose()
    retry = await gql(client, UPSERT, variables, token)
    again = await gql(client, UPSERT, variables, token)
    # then: the retry did the work once; the next one replays its answer
    assert retry.data["upsertCandidates"]["__typename"] == "UpsertCandidatesSuccess"
    assert retry.data["upsertCandidates"]["counts"]["created"] == 3
    assert again.body == retry.body
    assert await count(db, Candidate) == 3
    assert await count(db, ImportBatch) == 1
    assert await count(db, IdempotencyKey) == 1
