"""Evaluation engines: a candidate profile scored against a job, as pure code the actor calls.

This package re-exports its public interface: the input and result dataclasses and the `rules`
engine. Nothing here touches the database; the caller builds the inputs and stores the result.
"""

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
from tasks.evaluation.result import Criterion, EvaluationResult, Evidence
from tasks.evaluation.rules import ENGINE as RULES_ENGINE
from tasks.evaluation.rules import VERSION as RULES_VERSION
from tasks.evaluation.rules import evaluate

__all__ = [
    "RULES_ENGINE",
    "RULES_VERSION",
    "CertificationInput",
    "Criterion",
    "EducationInput",
    "EvaluationResult",
    "Evidence",
    "ExperienceInput",
    "Identifiers",
    "JobInput",
    "JobSkillInput",
    "ProfileInput",
    "SkillInput",
    "evaluate",
    "job_from_prompt",
    "job_input",
]
