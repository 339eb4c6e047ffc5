"""Gauges read at scrape time from shared state: the database, the broker, the LLM breaker.

These describe the whole deployment rather than one process (every API process answers with the
same figures), so they are read when `/metrics` is scraped instead of being counted as events.
A source that cannot be read is left out and its `talentgraph_up` sample says 0, so one outage
does not hide the rest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

import dramatiq
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry
from sqlalchemy import func
from sqlmodel import col, select

from models.db import SessionFactory
from models.document import Document
from models.imports import ImportBatch
from models.settings import Settings
from resolvers.evaluations.metrics import read_evaluation_metrics
from tasks.jobmetrics import queue_depths

logger = logging.getLogger(__name__)
CIRCUIT_STATES = ("CLOSED", "OPEN", "HALF_OPEN")


class _Fixed(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterable[Metric]:
        return self.families


async def _job_states(session_factory: SessionFactory) -> list[Metric]:
    documents = GaugeMetricFamily(
        "talentgraph_documents",
        "Stored CVs by status: parse outcomes (PARSED, FAILED, NEEDS_OCR) and work not done yet.",
        labels=["status"],
    )
    imports = GaugeMetricFamily(
        "talentgraph_import_batches", "Import batches by status.", labels=["status"]
    )
    async with session_factory() as session:
        for table, family in ((Document, documents), (ImportBatch, imports)):
            status = col(table.status)
            rows = await session.exec(select(status, func.count()).group_by(status))
            for value, count in rows:
                family.add_metric([value.value], count)
    return [documents, imports]


async def _evaluations(session_factory: SessionFactory, settings: Settings) -> list[Metric]:
    figures = await read_evaluation_metrics(session_factory, settings)
    outcomes = GaugeMetricFamily(
        "talentgraph_evaluations", "Evaluations by engine and status.", labels=["engine", "status"]
    )
    for outcome in figures.outcomes:
        outcomes.add_metric([outcome.engine, outcome.status], outcome.count)
    families: list[Metric] = [outcomes]
    if figures.llm_circuit in CIRCUIT_STATES:
        circuit = GaugeMetricFamily(
            "talentgraph_llm_circuit_state",
            "The LLM provider's circuit breaker: 1 for the current state.",
            labels=["state"],
        )
        for state in CIRCUIT_STATES:
            circuit.add_metric([state], 1.0 if state == figures.llm_circuit else 0.0)
        families.append(circuit)
    return families


async def _queues() -> list[Metric]:
    depths = await asyncio.to_thread(queue_depths, dramatiq.get_broker())
    family = GaugeMetricFamily(
        "talentgraph_queue_depth",
        "Job messages waiting in each broker queue (retries waiting included).",
        labels=["queue"],
    )
    for queue, depth in depths.items():
        family.add_metric([queue], depth)
    return [family]


async def scrape(session_factory: SessionFactory, settings: Settings) -> CollectorRegistry:
    """A registry holding the shared gauges as they are now."""
    sources = {
        "database": _job_states(session_factory),
        "evaluations": _evaluations(session_factory, settings),
        "broker": _queues(),
    }
    results = await asyncio.gather(*sources.values(), return_exceptions=True)
    up = GaugeMetricFamily(
        "talentgraph_up", "Whether the scrape could read a shared source.", labels=["source"]
    )
    families: list[Metric] = []
    for name, result in zip(sources, results, strict=True):
        if isinstance(result, BaseException):
            logger.warning("metrics: %s could not be read: %s", name, result)
            up.add_metric([name], 0.0)
        else:
            up.add_metric([name], 1.0)
            families.extend(result)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Fixed([*families, up]))
    return registry
