"""The `llm` engine end to end: the API queues, the job body calls a real local
OpenAI-compatible server, the breaker opens and fails requests fast, LLM_FALLBACK=rules
answers meanwhile; nothing identifying leaves the process; identical profiles but for who the
person is get identical prompts and scores."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import dramatiq
import pytest

from models.candidate import WorkExperience
from models.enums import EvaluationStatus, Role
from models.evaluation import Evaluation
from resolvers.evaluations.process import Unfinished, process_evaluation
from tasks import runtime
from tests.api.test_evaluations import REQUEST, python_world
from tests.helpers import (
    add,
    gql,
    make_candidate,
    make_user,
    stored,
    token_for,
    variant_client,
)
from tests.llm_server import LLMServer, Step

METRICS = """
{ evaluationMetrics { llmCircuit llmTokens outcomes { engine status count }
  llmLatency { samples p50Ms p95Ms } } }
"""


@pytest.fixture
async def llm() -> AsyncIterator[LLMServer]:
    server = LLMServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(autouse=True)
def no_worker(settings: Any) -> None:
    runtime.configure(settings)
    dramatiq.get_broker().flush_all()


def with_llm(settings: Any, server: LLMServer, **changes: Any) -> Any:
    return dataclasses.replace(
        settings,
        llm_base_url=server.url,
        llm_api_key="sk-test",
        llm_model="test-model",
        llm_timeout=2.0,
        llm_breaker_threshold=2,
        llm_breaker_cooldown=60.0,
        **changes,
    )


async def ask(client: Any, token: str, world: dict[str, Any], candidate: Any = None) -> Any:
    fields = {
        "candidateId": str((candidate or world["strong"]).id),
        "jobId": str(world["job"].id),
        "engine": "LLM",
    }
    result = await gql(client, REQUEST, {"input": fields}, token=token)
    assert result.errors == [], result.errors
    return result.data["requestEvaluation"]


async def test_an_llm_evaluation_completes_with_usage_and_sends_no_identifiers(db, settings, llm):
    # given
    llm.play(Step("ok"))
    world = await python_world(db)
    strong = world["strong"]
    configured = with_llm(settings, llm)
    token = token_for(settings, world["recruiter"])
    async with variant_client(settings, **_changes(configured)) as client:
        answer = await ask(client, token, world)
    # when
    await process_evaluation(db, configured, uuid.UUID(answer["evaluation"]["id"]))
    admin = token_for(settings, await make_user(db, Role.ADMIN))
    async with variant_client(settings, **_changes(configured)) as client:
        metrics = (await gql(client, METRICS, {}, admin)).data["evaluationMetrics"]
    # then
    row = await stored(db, Evaluation, answer["evaluation"]["id"])
    assert row.status is EvaluationStatus.COMPLETED
    assert (row.engine, row.requested_engine) == ("llm", "llm")
    assert row.score == 81.2 or row.score == 81.3
    assert row.usage == {"prompt_tokens": 420, "completion_tokens": 80, "total_tokens": 500}
    assert row.latency_ms is not None
    assert metrics["llmLatency"]["samples"] == 1
    assert metrics["llmLatency"]["p95Ms"] == row.latency_ms
    assert metrics["llmTokens"] == 500
    assert metrics["llmCircuit"] == "CLOSED"
    (body,) = llm.requests
    sent = body.decode()
    for identifier in (strong.first_name, strong.last_name, strong.email, strong.phone):
        assert identifier not in sent
    assert "1990-01-01" not in sent
    assert llm.headers[0]["authorization"] == "Bearer sk-test"


def _changes(configured: Any) -> dict[str, Any]:
    return {f.name: getattr(configured, f.name) for f in dataclasses.fields(configured)
            if f.name.startswith("llm_")}  # fmt: skip


async def test_the_breaker_opens_after_failures_and_requests_fail_fast(db, settings, llm):
    # given: the provider answers 500, the breaker opens after 2 failures
    llm.play(Step("500"))
    world = await python_world(db)
    configured = with_llm(settings, llm)
    token = token_for(settings, world["recruiter"])
    async with variant_client(settings, **_changes(configured)) as client:
        first = await ask(client, token, world)
        # when: the job body tries twice (two deliveries), then someone asks again
        for _ in range(2):
            with pytest.raises(Unfinished):
                await process_evaluation(db, configured, uuid.UUID(first["evaluation"]["id"]))
        calls = len(llm.requests)
        refused = await ask(client, token, world, await make_candidate(db, nested=0))
        admin = token_for(settings, await make_user(db, Role.ADMIN))
        metrics = (await gql(client, METRICS, {}, admin)).data["evaluationMetrics"]
        hidden = (await gql(client, METRICS, {}, token)).data["evaluationMetrics"]
    # then
    assert refused["__typename"] == "EngineUnavailable"
    assert refused["code"] == "ENGINE_UNAVAILABLE"
    assert 0 < refused.get("retryAfterSeconds", 60) <= 60
    assert calls >= 2
    row = await stored(db, Evaluation, first["evaluation"]["id"])
    assert row.status is EvaluationStatus.PENDING  # retried by the broker, never half-stored
    assert row.attempts == 2
    assert row.score is None
    assert metrics["llmCircuit"] == "OPEN"
    assert metrics["outcomes"] == [{"engine": "llm", "status": "PENDING", "count": 1}]
    assert hidden is None


async def test_with_fallback_the_rules_answer_while_the_llm_is_down(db, settings, llm):
    # given: the breaker is open
    llm.play(Step("500"))
    world = await python_world(db)
    configured = with_llm(settings, llm, llm_fallback="rules")
    token = token_for(settings, world["recruiter"])
    async with variant_client(settings, **_changes(configured)) as client:
        first = await ask(client, token, world)
        await process_evaluation(db, configured, uuid.UUID(first["evaluation"]["id"]))
        # when
        second = await ask(client, token, world, await make_candidate(db, nested=0))
        await process_evaluation(db, configured, uuid.UUID(second["evaluation"]["id"]))
    # then: both answered by the rules, and say so
    for answer in (first, second):
        assert answer["__typename"] == "EvaluationRequested"
        row = await stored(db, Evaluation, answer["evaluation"]["id"])
        assert row.status is EvaluationStatus.COMPLETED
        assert (row.requested_engine, row.engine) == ("llm", "rules")


async def test_a_malformed_answer_twice_fails_with_a_reason_and_stores_nothing(db, settings, llm):
    # given
    llm.play(Step("malformed"), Step("range"))
    world = await python_world(db)
    configured = with_llm(settings, llm)
    token = token_for(settings, world["recruiter"])
    async with variant_client(settings, **_changes(configured)) as client:
        answer = await ask(client, token, world)
    # when
    await process_evaluation(db, configured, uuid.UUID(answer["evaluation"]["id"]))
    # then
    row = await stored(db, Evaluation, answer["evaluation"]["id"])
    assert row.status is EvaluationStatus.FAILED
    assert row.failure_reason and "unusable answer" in row.failure_reason
    assert (row.score, row.criteria, row.matches) == (None, [], [])
    assert len(llm.requests) == 2


async def test_who_the_person_is_changes_neither_the_prompt_nor_the_score(db, settings, llm):
    """Counterfactual fairness: two profiles equal in everything but name, gender and date of
    birth (written into their free text too). The profile has no nationality or photo field."""
    # given
    llm.play(Step("ok"))
    world = await python_world(db)
    configured = with_llm(settings, llm)
    twins = []
    for first, last, gender, born in (
        ("Anna", "Schmidt", "female", date(1990, 5, 1)),
        ("Kwame", "Mensah", "male", date(1971, 2, 3)),
    ):
        person = await make_candidate(
            db,
            nested=0,
            first_name=first,
            last_name=last,
            gender=gender,
            date_of_birth=born,
            headline="Backend engineer",
            summary=f"{first} {last}, born {born.isoformat()}, builds Python services.",
        )
        await add(
            db,
            WorkExperience(
                candidate_id=person.id,
                company_name="Acme",
                job_title="Backend Engineer",
                start_date=date(2019, 1, 1),
                is_current=True,
                description=f"{first} wrote Python services on PostgreSQL.",
            ),
        )
        twins.append(person)
    token = token_for(settings, world["recruiter"])
    results = []
    async with variant_client(settings, **_changes(configured)) as client:
        for person in twins:
            for engine in ("LLM", "RULES"):
                fields = {
                    "candidateId": str(person.id),
                    "jobId": str(world["job"].id),
                    "engine": engine,
                }
                answer = await gql(client, REQUEST, {"input": fields}, token=token)
                evaluation_id = answer.data["requestEvaluation"]["evaluation"]["id"]
                await process_evaluation(db, configured, uuid.UUID(evaluation_id))
                results.append(await stored(db, Evaluation, evaluation_id))
    # then
    anna_prompt, kwame_prompt = llm.requests
    assert anna_prompt == kwame_prompt
    assert "Anna" not in anna_prompt.decode()
    _, anna_rules, _, kwame_rules = results
    assert anna_rules.score == kwame_rules.score
    assert _scored(anna_rules) == _scored(kwame_rules)
    assert (anna_rules.matches, anna_rules.rationale) == (
        kwame_rules.matches,
        kwame_rules.rationale,
    )
    assert "Anna" not in str(anna_rules.criteria)


def _scored(row: Evaluation) -> list[tuple[Any, ...]]:
    """Each criterion with its evidence, less the ids of each person's own entries."""
    return [
        (c["key"], c["weight"], c["score"], c["note"],
         [(e["source"], e["text"]) for e in c["evidence"]])
        for c in row.criteria
    ]  # fmt: skip
