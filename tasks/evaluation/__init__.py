"""Evaluation engines: a candidate profile scored against a job, as pure code the actor calls.

This package re-exports its public interface: the input and result dataclasses, the `rules`
engine, the `llm` engine with its configuration, circuit breaker and errors, and redaction.
Nothing here touches the database; the caller builds the inputs and stores the result.
"""

from tasks.evaluation.breaker import CircuitBreaker, MemoryStore, RedisStore, breaker_for
from tasks.evaluation.inputs import (
    CertificationInput,
    EducationInput,
    ExperienceInput,
    Identifiers,
    JobInput,
    JobSkillInput,
    ProfileInput,
    SkillInput,
    job_from_prompt,
    job_input,
)
from tasks.evaluation.llm import ENGINE as LLM_ENGINE
from tasks.evaluation.llm import (
    EngineError,
    EngineUnavailable,
    EvaluationFailed,
    LLMConfig,
    evaluate_llm,
)
from tasks.evaluation.llm_prompt import engine_version as llm_engine_version
from tasks.evaluation.redact import redact_profile
from tasks.evaluation.result import Criterion, EvaluationResult, Evidence
from tasks.evaluation.rules import ENGINE as RULES_ENGINE
from tasks.evaluation.rules import VERSION as RULES_VERSION
from tasks.evaluation.rules import evaluate

__all__ = [
    "LLM_ENGINE",
    "RULES_ENGINE",
    "RULES_VERSION",
    "CertificationInput",
    "CircuitBreaker",
    "Criterion",
    "EducationInput",
    "EngineError",
    "EngineUnavailable",
    "EvaluationFailed",
    "EvaluationResult",
    "Evidence",
    "ExperienceInput",
    "Identifiers",
    "JobInput",
    "JobSkillInput",
    "LLMConfig",
    "MemoryStore",
    "ProfileInput",
    "RedisStore",
    "SkillInput",
    "breaker_for",
    "evaluate",
    "evaluate_llm",
    "job_from_prompt",
    "job_input",
    "llm_engine_version",
    "redact_profile",
]
