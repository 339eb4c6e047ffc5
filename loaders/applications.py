"""Loaders for applications, their events, evaluations and documents."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select

from loaders.base import ByIdLoader, ChildrenLoader, Loader
from loaders.pagination import NullsLast, OrderColumn, ParentPageLoader
from loaders.policy import Viewer, application_clause, evaluation_clause
from models.application import Application, ApplicationEvent
from models.db import SessionFactory
from models.document import Document
from models.enums import ApplicationStage
from models.evaluation import Evaluation

APPLICATION_ORDER = (
    OrderColumn(col(Application.created_at), "created_at", datetime),
    OrderColumn(col(Application.id), "id", uuid.UUID),
)
# name -> (columns, descending): oldest first, or best latest evaluation first (unscored last)
APPLICATION_ORDERS = {
    "DEFAULT": (APPLICATION_ORDER, False),
    "SCORE": (
        (
            OrderColumn(func.coalesce(col(Application.score), -1.0), "score", NullsLast),
            *APPLICATION_ORDER,
        ),
        True,
    ),
}
EVALUATION_ORDER = (
    OrderColumn(col(Evaluation.created_at), "created_at", datetime),
    OrderColumn(col(Evaluation.id), "id", uuid.UUID),
)
EVALUATION_ORDERS = {
    "DEFAULT": (EVALUATION_ORDER, True),
    "SCORE": (
        (
            OrderColumn(func.coalesce(col(Evaluation.score), -1.0), "score", NullsLast),
            *EVALUATION_ORDER,
        ),
        True,
    ),
}


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


class _ViewerLoader(Loader[Any, Any]):
    def __init__(self, session_factory: SessionFactory, viewer: Viewer) -> None:
        super().__init__(session_factory)
        self.viewer = viewer

    @classmethod
    def build(cls, session_factory: SessionFactory, viewer: Viewer) -> Any:
        return cls(session_factory, viewer)

    def filters(self, job_ids: Sequence[uuid.UUID], stages: tuple[ApplicationStage, ...]) -> Any:
        clauses = [self.among(col(Application.job_id), job_ids), application_clause(self.viewer)]
        if stages:
            clauses.append(col(Application.stage).in_(stages))
        return clauses


class _ViewerPageLoader(ParentPageLoader):
    def __init__(self, session_factory: SessionFactory, viewer: Viewer) -> None:
        super().__init__(session_factory)
        self.viewer = viewer

    @classmethod
    def build(cls, session_factory: SessionFactory, viewer: Viewer) -> Any:
        return cls(session_factory, viewer)


class ApplicationPageByJobIdLoader(_ViewerPageLoader):
    """A keyset page of each job's visible applications; `filters` holds the stages."""

    model = Application
    parent = "job_id"
    orders = APPLICATION_ORDERS

    def clauses(
        self, parent_ids: Sequence[uuid.UUID], filters: tuple[Any, ...]
    ) -> list[ColumnElement[bool]]:
        clauses = [
            self.among(col(Application.job_id), parent_ids),
            application_clause(self.viewer),
        ]
        if filters:
            clauses.append(col(Application.stage).in_(filters))
        return clauses


class EvaluationPageByCandidateIdLoader(_ViewerPageLoader):
    """A keyset page of each candidate's visible evaluations, newest first."""

    model = Evaluation
    parent = "candidate_id"
    orders = EVALUATION_ORDERS

    def clauses(
        self, parent_ids: Sequence[uuid.UUID], filters: tuple[Any, ...]
    ) -> list[ColumnElement[bool]]:
        return [
            self.among(col(Evaluation.candidate_id), parent_ids),
            evaluation_clause(self.viewer),
        ]


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


class EvaluationCountByCandidateIdLoader(_ViewerLoader):
    """How many evaluations of each candidate the viewer may see (for `totalCount`)."""

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[int]:
        statement = (
            select(col(Evaluation.candidate_id), func.count())
            .where(self.among(col(Evaluation.candidate_id), keys), evaluation_clause(self.viewer))
            .group_by(col(Evaluation.candidate_id))
        )
        found = {candidate_id: count for candidate_id, count in await self.fetch(statement)}
        return [found.get(key, 0) for key in keys]
