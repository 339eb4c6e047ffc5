"""Inputs of the `evaluations` list, and the admins' `evaluationMetrics`."""

from __future__ import annotations

import uuid

import strawberry

from models.enums import EvaluationStatus
from resolvers.evaluations.reads import EvaluationFilter
from resolvers.pages import OrderDirection
from schema.inputs import lookup_id
from schema.mutations.evaluations import EvaluationEngine
from schema.pages import EvaluationOrder

NOWHERE = uuid.UUID(int=0)  # matches no row


@strawberry.input(description="Filters of `evaluations`; all given conditions must hold.")
class EvaluationFilterInput:
    job_id: strawberry.ID | None = strawberry.field(default=None, description="Of this job.")
    candidate_id: strawberry.ID | None = strawberry.field(
        default=None, description="Of this candidate."
    )
    application_id: strawberry.ID | None = strawberry.field(
        default=None, description="Of this application."
    )
    batch_id: strawberry.ID | None = strawberry.field(
        default=None, description="Queued by this `evaluateApplicants` call."
    )
    status: list[EvaluationStatus] | None = strawberry.field(
        default=None, description="In these states (at most 20 values)."
    )
    engine: EvaluationEngine | None = strawberry.field(
        default=None, description="Produced by this engine."
    )
    min_score: float | None = strawberry.field(
        default=None, description="Score at least this (0 to 100); unscored ones are left out."
    )

    def to_filter(self) -> EvaluationFilter:
        def key(value: strawberry.ID | None) -> object:
            # a malformed id matches nothing, like an unknown one
            return None if value is None else (lookup_id(value) or NOWHERE)

        return EvaluationFilter(
            job_id=key(self.job_id),  # type: ignore[arg-type]
            candidate_id=key(self.candidate_id),  # type: ignore[arg-type]
            application_id=key(self.application_id),  # type: ignore[arg-type]
            batch_id=key(self.batch_id),  # type: ignore[arg-type]
            status=tuple(self.status or ()),
            engine=self.engine.value if self.engine else None,
            min_score=self.min_score,
        )


@strawberry.input(description="Sort order of `evaluations`.")
class EvaluationOrderInput:
    field: EvaluationOrder = strawberry.field(
        default=EvaluationOrder.CREATED_AT,
        description="CREATED_AT (default) or SCORE (unscored ones sort as lowest).",
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.DESC, description="Sort direction (default DESC)."
    )


@strawberry.type(
    name="EvaluationOutcomeCount", description="Evaluations of one engine in one state."
)
class EvaluationOutcomeCount:
    engine: str = strawberry.field(description="rules or llm (the engine that produced it).")
    status: EvaluationStatus = strawberry.field(description="The state.")
    count: int = strawberry.field(description="How many.")


@strawberry.type(description="Answer times of the most recent LLM evaluations (up to 1,000).")
class LatencySummary:
    samples: int = strawberry.field(description="How many answers the figures describe.")
    p50_ms: float | None = strawberry.field(description="Median, milliseconds.")
    p95_ms: float | None = strawberry.field(description="95th percentile, milliseconds.")
    max_ms: float | None = strawberry.field(description="Slowest, milliseconds.")


@strawberry.type(
    description="Figures for the screening service's alerts, the same from every API process."
)
class EvaluationMetricsType:
    outcomes: list[EvaluationOutcomeCount] = strawberry.field(
        description="Evaluations by engine and state."
    )
    llm_latency: LatencySummary = strawberry.field(description="LLM answer times.")
    llm_tokens: int = strawberry.field(description="Tokens used by those same LLM answers.")
    llm_circuit: str = strawberry.field(
        description="The LLM breaker: CLOSED, OPEN, HALF_OPEN, or NOT_CONFIGURED."
    )
