"""The `llm` engine against a real local OpenAI-compatible server the tests start themselves."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date

import httpx2
import pytest

from tasks.evaluation import (
    CircuitBreaker,
    EngineUnavailable,
    EvaluationFailed,
    ExperienceInput,
    Identifiers,
    LLMConfig,
    ProfileInput,
    SkillInput,
    evaluate_llm,
    job_from_prompt,
    llm_engine_version,
)
from tests.llm_server import LLMServer, Step

JOB = job_from_prompt("Backend Engineer", "Python and PostgreSQL", ["Python", "PostgreSQL"])
ENTRY = "3f0c2a8e-1111-4c4c-9d9d-000000000001"
PROFILE = ProfileInput(
    headline="Backend engineer",
    summary="Jane Doe, reachable at jane.doe@example.org or +44 7700 900123.",
    location="Leeds, United Kingdom",
    skills=(SkillInput("Python", years=6),),
    experience=(
        ExperienceInput(
            ENTRY,
            "Backend Engineer",
            "Acme",
            None,
            date(2019, 1, 1),
            None,
            True,
            "Python and PostgreSQL. Ask Jane: 07700 900123.",
        ),
    ),
    cv_lines=("JANE DOE", "12 Rose Lane, Leeds LS1 4AB", "Born 3 March 1991"),
)
IDENTIFIERS = Identifiers(
    names=("Jane Doe",),
    emails=("jane.doe@example.org",),
    phones=("+44 7700 900123",),
    addresses=("12 Rose Lane, Leeds LS1 4AB",),
    dates=(date(1991, 3, 3),),
)


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[LLMServer]:
    running = LLMServer()
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient() as client:
        yield client


def config(server: LLMServer, **changes: object) -> LLMConfig:
    base = LLMConfig(base_url=server.url, api_key="sk-test", model="test-model", timeout=2.0)
    return replace(base, **changes)  # type: ignore[arg-type]


async def test_a_good_answer_is_a_complete_result_with_usage_and_mapped_evidence(server, http):
    # given
    server.play(Step("ok"))
    breaker = CircuitBreaker(threshold=2)

    # when
    result = await evaluate_llm(PROFILE, JOB, IDENTIFIERS, config(server), breaker, http)

    # then
    assert (result.score, result.matches, result.gaps) == (
        81.2,
        ("Python", "PostgreSQL"),
        ("Kubernetes",),
    )
    assert result.criteria[0].evidence[0].ref == ENTRY
    assert (result.engine, result.engine_version) == ("llm", llm_engine_version("test-model"))
    assert llm_engine_version("other-model") != result.engine_version
    assert result.usage == {"prompt_tokens": 420, "completion_tokens": 80, "total_tokens": 500}
    assert result.latency_ms is not None
    assert server.headers[0]["authorization"] == "Bearer sk-test"
    sent = json.loads(server.requests[0])
    assert sent["response_format"]["json_schema"]["schema"]["required"] == [
        "score", "rationale", "matches", "gaps", "criteria",
    ]  # fmt: skip


async def test_the_outgoing_request_contains_none_of_the_candidates_identifiers(server, http):
    # given
    server.play(Step("ok"))

    # when
    await evaluate_llm(PROFILE, JOB, IDENTIFIERS, config(server), CircuitBreaker(), http)

    # then
    body = server.requests[0].decode()
    for secret in ("Jane", "Doe", "JANE", "jane.doe", "7700", "900123", "Rose Lane", "LS1 4AB",
                   "1991", "March", ENTRY):  # fmt: skip
        assert secret not in body
    assert "[NAME]" in body and "[EMAIL]" in body and "[PHONE]" in body
    assert "Python and PostgreSQL" in body


async def test_a_malformed_answer_is_asked_again_once(server, http):
    # given
    server.play(Step("malformed"), Step("ok"))

    # when
    result = await evaluate_llm(PROFILE, JOB, IDENTIFIERS, config(server), CircuitBreaker(), http)

    # then
    assert result.score == 81.2
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("malformed", "unusable answer twice: the answer is not JSON"),
        ("range", "unusable answer twice: score 140 is outside 0-100"),
        ("length", "unusable answer twice: the answer was cut off at the token limit"),
        ("truncated", "unusable answer twice: the answer was truncated"),
    ],
)
async def test_an_unusable_answer_twice_fails_the_evaluation_with_a_reason(
    server, http, kind, reason
):
    # given
    server.play(Step(kind))

    # when
    with pytest.raises(EvaluationFailed) as failed:
        await evaluate_llm(PROFILE, JOB, IDENTIFIERS, config(server), CircuitBreaker(), http)

    # then
    assert failed.value.reason == reason
    assert len(server.requests) == 2


async def test_a_truncated_body_counts_as_a_provider_failure(server, http):
    # given
    server.play(Step("truncated"))
    breaker = CircuitBreaker(threshold=2)

    # when
    with pytest.raises(EvaluationFailed):
        await evaluate_llm(PROFILE, JOB, IDENTIFIERS, config(server), breaker, http)

    # then
    assert await breaker.state() == "OPEN"


async def test_a_slow_answer_within_the_timeout_is_a_result(server, http):
    # given
    server.play(Step("slow", delay=0.3))
    breaker = CircuitBreaker(threshold=1)

    # when
    result = await evaluate_llm(PROFILE, JOB, IDENTIFIERS, config(server), breaker, http)

    # then
    assert result.score == 81.2
    assert await breaker.state() == "CLOSED"


async def test_a_slow_provider_times_out_as_unavailable_and_counts_against_the_breaker(
    server, http
):
    # given
    server.play(Step("slow", delay=1.0))
    breaker = CircuitBreaker(threshold=1)

    # when
    with pytest.raises(EngineUnavailable) as unavailable:
        await evaluate_llm(PROFILE, JOB, IDENTIFIERS, config(server, timeout=0.2), breaker, http)

    # then
    assert unavailable.value.reason == "the provider did not answer within 0.2 s"
    assert await breaker.state() == "OPEN"


async def test_server_errors_open_the_breaker_and_then_calls_fail_fast(server, http):
    # given
    server.play(Step("500"))
    breaker = CircuitBreaker(threshold=2, cooldown=60)
    reasons = []

    # when
    for _ in range(3):
        with pytest.raises(EngineUnavailable) as unavailable:
            await evaluate_llm(PROFILE, JOB, IDENTIFIERS, config(server), breaker, http)
        reasons.append(unavailable.value.reason)

    # then
    assert reasons == [
        "the provider failed with HTTP 500",
        "the provider failed with HTTP 500",
        "the provider's circuit breaker is open",
    ]
    assert len(server.requests) == 2


async def test_a_short_retry_after_is_waited_out(server, http):
    # given
    server.play(Step("429", retry_after="0"), Step("ok"))

    # when
    result = await evaluate_llm(PROFILE, JOB, IDENTIFIERS, config(server), CircuitBreaker(), http)

    # then
    assert result.score == 81.2
    assert len(server.requests) == 2


async def test_a_long_retry_after_fails_as_unavailable_with_the_delay(server, http):
    # given
    server.play(Step("429", retry_after="120"))
    breaker = CircuitBreaker(threshold=1)

    # when
    with pytest.raises(EngineUnavailable) as unavailable:
        await evaluate_llm(PROFILE, JOB, IDENTIFIERS, config(server), breaker, http)

    # then rate limiting is not a provider failure
    assert (unavailable.value.reason, unavailable.value.retry_after) == (
        "the provider is rate limiting",
        120.0,
    )
    assert await breaker.state() == "CLOSED"
