"""Loaders for applications, their events, evaluations and documents."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from loaders.base import ByIdLoader, ChildrenLoader, Loader
from loaders.pagination import OrderColumn, after_clause
from loaders.policy import Viewer, application_clause
from models.application import Application, ApplicationEvent
from models.db import SessionFactory
from models.document import Document
from models.enums import ApplicationStage
from models.evaluation import Evaluation

APPLICATION_ORDER = (
    OrderColumn(col(Application.created_at), "created_at", datetime),
    OrderColumn(col(Application.id), "id", uuid.UUID),
)


class ApplicationByIdLoader(ByIdLoader[Application]):
    model = Application


class DocumentByIdLoader(ByIdLoader[Document]):
    model = Document


class EvaluationByIdLoader(ByIdLoader[Evaluation]):
    model = Evaluation


class ApplicationsByCandidateIdLoader(ChildrenLoader[Application]):
    model = Application
    parent = "candidate_id"


class ApplicationEventsByApplicationIdLoader(ChildrenLoader[ApplicationEvent]):
    model = ApplicationEvent
    parent = "application_id"


class EvaluationsByApplicationIdLoader(ChildrenLoader[Evaluation]):
    model = Evaluation
    parent = "application_id"


class EvaluationsByCandidateIdLoader(ChildrenLoader[Evaluation]):
    model = Evaluation
    parent = "candidate_id"


@dataclass(frozen=True)
class JobApplicationsKey:
    """One job's page of applications: the same arguments batch into one statement."""

    job_id: uuid.UUID
    first: int
    after: tuple[Any, ...] | None = None
    stages: tuple[ApplicationStage, ...] = ()


@dataclass(frozen=True)
class ApplicationPage:
    rows: list[Application]
    has_next_page: bool


class _ViewerLoader(Loader[Any, Any]):
    def __init__(self, session_factory: SessionFactory, viewer: Viewer) -> None:
        super().__init__(session_factory)
        self.viewer = viewer

    def filters(self, job_ids: Sequence[uuid.UUID], stages: tuple[ApplicationStage, ...]) -> Any:
        clauses = [col(Application.job_id).in_(job_ids), application_clause(self.viewer)]
        if stages:
            clauses.append(col(Application.stage).in_(stages))
        return clauses


class ApplicationPageByJobIdLoader(_ViewerLoader):
    """A keyset page of each job's visible applications in one windowed statement per batch."""

    async def batch_load_fn(self, keys: Sequence[JobApplicationsKey]) -> list[ApplicationPage]:
        groups: dict[tuple[Any, ...], list[uuid.UUID]] = defaultdict(list)
        for key in keys:
            groups[(key.first, key.after, key.stages)].append(key.job_id)
        pages: dict[JobApplicationsKey, ApplicationPage] = {}
        for (first, after, stages), job_ids in groups.items():
            clauses = self.filters(job_ids, stages)
            if after is not None:
                clauses.append(after_clause(APPLICATION_ORDER, after, descending=False))
            rank = (
                func.row_number()
                .over(
                    partition_by=col(Application.job_id),
                    order_by=(col(Application.created_at), col(Application.id)),
                )
                .label("rank")
            )
            inner = select(Application, rank).where(*clauses).subquery()
            row = aliased(Application, inner)
            statement = (
                select(row).where(inner.c.rank <= first + 1).order_by(inner.c.job_id, inner.c.rank)
            )
            grouped: dict[uuid.UUID, list[Application]] = defaultdict(list)
            for application in await self.fetch(statement):
                grouped[application.job_id].append(application)
            for job_id in job_ids:
                found = grouped.get(job_id, [])
                pages[JobApplicationsKey(job_id, first, after, stages)] = ApplicationPage(
                    rows=found[:first], has_next_page=len(found) > first
                )
        return [pages[key] for key in keys]


class ApplicationCountByJobIdLoader(_ViewerLoader):
    """How many visible applications each job has (for `totalCount`), keyed by (job, stages)."""

    async def batch_load_fn(
        self, keys: Sequence[tuple[uuid.UUID, tuple[ApplicationStage, ...]]]
    ) -> list[int]:
        groups: dict[tuple[ApplicationStage, ...], list[uuid.UUID]] = defaultdict(list)
        for job_id, stages in keys:
            groups[stages].append(job_id)
        counts: dict[tuple[uuid.UUID, tuple[ApplicationStage, ...]], int] = {}
        for stages, job_ids in groups.items():
            statement = (
                select(col(Application.job_id), func.count())
                .where(*self.filters(job_ids, stages))
                .group_by(col(Application.job_id))
            )
            found = {job_id: count for job_id, count in await self.fetch(statement)}
            for job_id in job_ids:
                counts[(job_id, stages)] = found.get(job_id, 0)
        return [counts[key] for key in keys]
