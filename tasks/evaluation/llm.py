"""The `llm` engine: a profile scored by any OpenAI-compatible chat-completions endpoint.

Errors (the whole hierarchy):
    EngineError
    ├── EngineUnavailable  the provider cannot be used now (breaker open, timeout, network
    │                      error, 5xx, rate limited for longer than LLM_MAX_RETRY_AFTER):
    │                      retry later or fall back to `rules`
    └── EvaluationFailed   the provider answered but the answer is unusable twice in a row
                           (malformed or truncated JSON, out-of-range score, rejected request)

Nothing is half-stored: `evaluate_llm` returns a complete validated result or raises. The profile
is redacted before the request is built. A 429 whose Retry-After is at most
`config.max_retry_after` seconds is waited out once; a longer one fails as EngineUnavailable
carrying `retry_after`, so the caller can schedule the retry. Timeouts, network errors, 5xx and
truncated bodies count as breaker failures; any complete HTTP answer counts as a success.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import httpx2

from tasks.evaluation.breaker import CircuitBreaker
from tasks.evaluation.inputs import Identifiers, JobInput, ProfileInput
from tasks.evaluation.llm_prompt import engine_version, request_body
from tasks.evaluation.redact import redact_profile
from tasks.evaluation.result import Criterion, EvaluationResult, Evidence

ENGINE = "llm"


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    api_key: str | None
    model: str
    timeout: float = 30.0
    max_retry_after: float = 5.0
    max_tokens: int = 1500
    breaker_threshold: int = 5
    breaker_cooldown: float = 30.0


class EngineError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class EngineUnavailable(EngineError):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class EvaluationFailed(EngineError):
    pass


class _Unusable(Exception):
    """An answer that may be asked for again once."""


def _number(value: Any, what: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Unusable(f"{what} is not a number")
    if not low <= float(value) <= high:
        raise _Unusable(f"{what} {value} is outside {low:g}-{high:g}")
    return float(value)


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Unusable(f"{what} is not a list of strings")
    return tuple(v[:500] for v in value[:50])


def _evidence(value: Any, refs: dict[str, str]) -> Evidence:
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        raise _Unusable("evidence entry is malformed")
    try:
        evidence = Evidence.from_json(value)
    except (KeyError, ValueError) as error:
        raise _Unusable(f"evidence entry is malformed: {error}") from None
    return Evidence(evidence.source, refs.get(evidence.ref or ""), evidence.text[:500])


def _criterion(value: Any, refs: dict[str, str]) -> Criterion:
    if not isinstance(value, dict) or not all(
        isinstance(value.get(k), str) for k in ("key", "label", "note")
    ):
        raise _Unusable("criterion is malformed")
    evidence = value.get("evidence")
    if not isinstance(evidence, list):
        raise _Unusable("criterion evidence is not a list")
    return Criterion(
        key=value["key"][:60],
        label=value["label"][:200],
        weight=_number(value.get("weight"), "criterion weight", 0, 1000),
        score=round(_number(value.get("score"), "criterion score", 0, 100), 1),
        evidence=tuple(_evidence(e, refs) for e in evidence[:20]),
        note=value["note"][:500],
    )


def parse_answer(payload: Any, refs: dict[str, str]) -> tuple[dict[str, Any], dict[str, int]]:
    """The validated fields of a chat-completions answer, and its token usage."""
    try:
        choice = payload["choices"][0]
        content = choice["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise _Unusable("the answer has no message") from None
    if choice.get("finish_reason") == "length":
        raise _Unusable("the answer was cut off at the token limit")
    try:
        data = json.loads(content)
    except (TypeError, ValueError):
        raise _Unusable("the answer is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("rationale"), str):
        raise _Unusable("the answer does not follow the schema")
    criteria = data.get("criteria")
    if not isinstance(criteria, list):
        raise _Unusable("criteria is not a list")
    fields = {
        "score": round(_number(data.get("score"), "score", 0, 100), 1),
        "rationale": data["rationale"][:4000],
        "matches": _strings(data.get("matches"), "matches"),
        "gaps": _strings(data.get("gaps"), "gaps"),
        "criteria": tuple(_criterion(c, refs) for c in criteria[:20]),
    }
    raw_usage = payload.get("usage") if isinstance(payload, dict) else None
    usage = {
        k: int(v)
        for k, v in (raw_usage or {}).items()
        if k in ("prompt_tokens", "completion_tokens", "total_tokens") and isinstance(v, int)
    }
    return fields, usage


def _retry_after(response: httpx2.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


async def _post(
    client: httpx2.AsyncClient, config: LLMConfig, body: dict[str, Any], breaker: CircuitBreaker
) -> httpx2.Response:
    """One HTTP exchange; 429 waited out once when short; provider failures to the breaker."""
    headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    for waited in (False, True):
        try:
            response = await client.post(
                f"{config.base_url}/chat/completions",
                json=body,
                headers=headers,
                timeout=config.timeout,
            )
        except httpx2.TimeoutException:
            await breaker.failure()
            reason = f"the provider did not answer within {config.timeout:g} s"
            raise EngineUnavailable(reason) from None
        except httpx2.RemoteProtocolError:
            await breaker.failure()
            raise _Unusable("the answer was truncated") from None
        except httpx2.TransportError as error:
            await breaker.failure()
            reason = f"the provider is unreachable: {type(error).__name__}"
            raise EngineUnavailable(reason) from None
        if response.status_code == 429:
            delay = _retry_after(response)
            if waited or delay is None or delay > config.max_retry_after:
                raise EngineUnavailable("the provider is rate limiting", retry_after=delay)
            await asyncio.sleep(delay)
            continue
        if response.status_code >= 500:
            await breaker.failure()
            raise EngineUnavailable(f"the provider failed with HTTP {response.status_code}")
        await breaker.success()
        if response.status_code >= 400:
            raise EvaluationFailed(
                f"the provider rejected the request: HTTP {response.status_code}"
            )
        return response
    raise AssertionError("unreachable")  # pragma: no cover


async def evaluate_llm(
    profile: ProfileInput,
    job: JobInput,
    identifiers: Identifiers,
    config: LLMConfig,
    breaker: CircuitBreaker,
    client: httpx2.AsyncClient,
) -> EvaluationResult:
    """Score the redacted profile with the provider; a complete result or an EngineError."""
    body, refs = request_body(
        redact_profile(profile, identifiers), job, config.model, config.max_tokens
    )
    started = time.perf_counter()
    usage: dict[str, int] = {}
    problem = ""
    for _attempt in range(2):
        if not await breaker.allow():
            raise EngineUnavailable("the provider's circuit breaker is open")
        try:
            response = await _post(client, config, body, breaker)
            try:
                payload = response.json()
            except ValueError:
                raise _Unusable("the answer body is not JSON") from None
            fields, used = parse_answer(payload, refs)
        except _Unusable as error:
            problem = str(error)
            continue
        for key, value in used.items():
            usage[key] = usage.get(key, 0) + value
        return EvaluationResult(
            **fields,
            engine=ENGINE,
            engine_version=engine_version(config.model),
            usage=usage or None,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
        )
    raise EvaluationFailed(f"unusable answer twice: {problem}")
