"""GraphQL types for applications, their events and evaluations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import strawberry

import schema.types.common  # noqa: F401  (registers the GraphQL enums)
from loaders.policy import can_view_evaluation, hires_for
from models.application import Application, ApplicationEvent
from models.enums import ApplicationStage, EvaluationStatus
from models.evaluation import Evaluation
from resolvers.applications import get_document
from resolvers.context import Context
from schema.prefetch import each, resolved
from schema.types.candidate import CandidateType, visible_candidate
from schema.types.document import DocumentType
from schema.types.job import JobType, visible_job

Info = strawberry.Info[Context, None]
T = TypeVar("T")


@strawberry.type(name="ApplicationEvent", description="One move of an application.")
class ApplicationEventType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the event.")
    from_stage: ApplicationStage | None = strawberry.field(
        description="Stage before the move; null for the initial application."
    )
    to_stage: ApplicationStage = strawberry.field(description="Stage after the move.")
    actor_id: strawberry.ID | None = strawberry.field(
        description="UUID of the user who made the move, if known; null unless you are an admin "
        "or a member of the hiring organization (recruiters' ids are internal)."
    )
    note: str | None = strawberry.field(
        description="Note recorded with the move; null unless you are an admin or a member of "
        "the hiring organization (notes are the recruiters' internal remarks)."
    )
    created_at: datetime = strawberry.field(description="When the move happened (UTC).")

    @classmethod
    def from_model(cls, row: ApplicationEvent, *, internal: bool) -> ApplicationEventType:
        """`internal`: the viewer hires for this application (sees who moved it, and why)."""
        return cls(
            id=strawberry.ID(str(row.id)),
            from_stage=row.from_stage,
            to_stage=row.to_stage,
            actor_id=strawberry.ID(str(row.actor_id)) if row.actor_id and internal else None,
            note=row.note if internal else None,
            created_at=row.created_at,
        )


@strawberry.type(name="EvaluationCriterion", description="One scored aspect of a match.")
class EvaluationCriterionType:
    name: str = strawberry.field(description="What was scored, e.g. 'Required skills'.")
    score: float = strawberry.field(description="Score of this aspect, 0 to 100.")
    weight: float = strawberry.field(description="Weight in the overall score.")
    evidence: str | None = strawberry.field(description="Why it scored so.")

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> EvaluationCriterionType:
        return cls(
            name=str(item.get("name", "")),
            score=float(item.get("score", 0)),
            weight=float(item.get("weight", 1)),
            evidence=item.get("evidence"),
        )


@strawberry.type(
    name="Evaluation", description="A candidate scored against a job or a job description."
)
class EvaluationType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the evaluation.")
    status: EvaluationStatus = strawberry.field(description="Processing state.")
    score: float | None = strawberry.field(description="Overall score 0-100 once completed.")
    rationale: str | None = strawberry.field(description="Why the score is what it is.")
    matches: list[str] = strawberry.field(description="Requirements the candidate meets.")
    gaps: list[str] = strawberry.field(description="Requirements the candidate misses.")
    criteria: list[EvaluationCriterionType] = strawberry.field(description="Per-criterion scores.")
    job_prompt: str | None = strawberry.field(
        description="Free-text job description evaluated against, when there is no job."
    )
    engine: str = strawberry.field(description="Scoring engine name.")
    engine_version: str = strawberry.field(description="Scoring engine version.")
    created_at: datetime = strawberry.field(description="When it was requested (UTC).")
    completed_at: datetime | None = strawberry.field(description="When it finished (UTC).")
    row: strawberry.Private[Evaluation]

    @classmethod
    def from_model(cls, row: Evaluation) -> EvaluationType:
        return cls(
            id=strawberry.ID(str(row.id)),
            status=row.status,
            score=row.score,
            rationale=row.rationale,
            matches=list(row.matches or []),
            gaps=list(row.gaps or []),
            criteria=[EvaluationCriterionType.from_json(c) for c in row.criteria or []],
            job_prompt=row.job_prompt,
            engine=row.engine,
            engine_version=row.engine_version,
            created_at=row.created_at,
            completed_at=row.completed_at,
            row=row,
        )

    @strawberry.field(description="The evaluated candidate.")
    def candidate(self, info: Info) -> CandidateType | None:
        return visible_candidate(info, self.row.candidate_id)

    @strawberry.field(description="The job evaluated against, if any and visible.")
    def job(self, info: Info) -> JobType | None:
        return visible_job(info, self.row.job_id)

    @strawberry.field(description="The CV that was evaluated, if any and visible.")
    async def document(self, info: Info) -> DocumentType | None:
        if self.row.document_id is None:
            return None
        row = await get_document(info.context, info.context.loaders_at(info), self.row.document_id)
        return DocumentType.from_model(row) if row else None


@strawberry.type(name="Application", description="A candidate's application to a job.")
class ApplicationType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the application.")
    stage: ApplicationStage = strawberry.field(description="Current pipeline stage.")
    cover_letter: str | None = strawberry.field(description="Cover letter, if given.")
    created_at: datetime = strawberry.field(description="When the candidate applied (UTC).")
    updated_at: datetime = strawberry.field(description="Last stage change (UTC).")
    row: strawberry.Private[Application]

    @classmethod
    def from_model(cls, row: Application) -> ApplicationType:
        return cls(
            id=strawberry.ID(str(row.id)),
            stage=row.stage,
            cover_letter=row.cover_letter,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @strawberry.field(description="The applicant.")
    def candidate(self, info: Info) -> CandidateType:
        # whoever may see an application may see its applicant (PII stays gated per field)
        loader = info.context.loaders_at(info).candidate
        return resolved(loader, self.row.candidate_id, _required(CandidateType.from_model))

    @strawberry.field(description="The job applied to.")
    def job(self, info: Info) -> JobType:
        loader = info.context.loaders_at(info).job
        return resolved(loader, self.row.job_id, _required(JobType.from_model))

    @strawberry.field(
        description="Stage history, oldest first (notes and actors only for the hiring side)."
    )
    def events(self, info: Info) -> list[ApplicationEventType]:
        loader = info.context.loaders_at(info).events_by_application
        internal = hires_for(info.context.viewer, self.row)
        return resolved(
            loader,
            self.row.id,
            each(lambda row: ApplicationEventType.from_model(row, internal=internal)),
        )

    @strawberry.field(description="Evaluations made for this application, oldest first.")
    def evaluations(self, info: Info) -> list[EvaluationType]:
        viewer = info.context.viewer
        loader = info.context.loaders_at(info).evaluations_by_application
        return resolved(
            loader,
            self.row.id,
            lambda rows: [
                EvaluationType.from_model(r) for r in rows if can_view_evaluation(viewer, r)
            ],
        )

    @strawberry.field(description="The CV submitted with the application, if any and visible.")
    async def document(self, info: Info) -> DocumentType | None:
        if self.row.document_id is None:
            return None
        row = await get_document(info.context, info.context.loaders_at(info), self.row.document_id)
        return DocumentType.from_model(row) if row else None


def _required(convert: Callable[[Any], T]) -> Callable[[Any | None], T]:
    """For a foreign key the database enforces: the row is always there."""

    def apply(row: Any | None) -> T:
        assert row is not None
        return convert(row)

    return apply
