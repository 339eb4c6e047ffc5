"""What the screening alerts watch: evaluations by engine and outcome, LLM latency, the circuit.

Read from the database and the breaker's store, so the figures are the same whichever API
process answers, and include the work of every worker process.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from models.db import SessionFactory
from models.evaluation import Evaluation
from models.settings import Settings
from resolvers.context import Context
from resolvers.errors import ForbiddenError
from resolvers.evaluations import engines

LATENCY_SAMPLE = 1000  # the most recent LLM answers the latency figures describe


@dataclass(frozen=True)
class Outcome:
    engine: str
    status: str
    count: int


@dataclass(frozen=True)
class Latency:
    samples: int
    p50_ms: float | None
    p95_ms: float | None
    max_ms: float | None


@dataclass(frozen=True)
class EvaluationMetrics:
    outcomes: list[Outcome]
    llm_latency: Latency
    llm_tokens: int
    llm_circuit: str  # CLOSED, OPEN, HALF_OPEN, or NOT_CONFIGURED


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def evaluation_metrics(ctx: Context) -> EvaluationMetrics:
    """Admins only."""
    if not ctx.viewer.is_admin:
        raise ForbiddenError("Admins only")
    return await read_evaluation_metrics(ctx.session_factory, ctx.settings)


async def read_evaluation_metrics(
    session_factory: SessionFactory, settings: Settings
) -> EvaluationMetrics:
    """The figures themselves, for the admin query and for the Prometheus scrape."""
    async with session_factory() as session:
        counted = await session.exec(
            select(col(Evaluation.engine), col(Evaluation.status), func.count())
            .group_by(col(Evaluation.engine), col(Evaluation.status))
            .order_by(col(Evaluation.engine), col(Evaluation.status))
        )
        outcomes = [Outcome(engine, status.value, count) for engine, status, count in counted]
        recent = await session.exec(
            select(col(Evaluation.latency_ms), col(Evaluation.usage))
            .where(col(Evaluation.engine) == engines.LLM, col(Evaluation.latency_ms).is_not(None))
            .order_by(col(Evaluation.completed_at).desc())
            .limit(LATENCY_SAMPLE)
        )
        rows = recent.all()
    latencies = [float(ms) for ms, _ in rows if ms is not None]
    tokens = sum(int((usage or {}).get("total_tokens") or 0) for _, usage in rows)
    circuit = "NOT_CONFIGURED"
    if settings.llm_base_url:
        circuit = await engines.breaker(settings).state()
    return EvaluationMetrics(
        outcomes=outcomes,
        llm_latency=Latency(
            samples=len(latencies),
            p50_ms=_percentile(latencies, 0.5),
            p95_ms=_percentile(latencies, 0.95),
            max_ms=max(latencies) if latencies else None,
        ),
        llm_tokens=tokens,
        llm_circuit=circuit,
    )
