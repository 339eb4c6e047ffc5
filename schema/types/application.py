"""GraphQL types for applications, their events and evaluations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry

import schema.types.common  # noqa: F401  (registers the GraphQL enums)
from loaders.applications import (
    ApplicationEventsByApplicationIdLoader,
    EvaluationsByApplicationIdLoader,
)
from loaders.candidates import CandidateByIdLoader
from loaders.jobs import JobByIdLoader
from loaders.policy import can_view_candidate, can_view_evaluation, can_view_job, hires_for
from models.application import Application, ApplicationEvent
from models.enums import ApplicationStage, EvaluationStatus
from models.evaluation import Evaluation
from resolvers.context import Context
from resolvers.documents.access import get_document
from resolvers.interviews import can_view_interview, is_panel_side
from schema.relations import relation
from schema.types.candidate import CandidateType
from schema.types.document import DocumentType
from schema.types.job import JobType

if TYPE_CHECKING:
    from schema.types.interview import InterviewType, NoteType, ScorecardSummaryType

Info = strawberry.Info[Context, None]
T = TypeVar("T")
LazyInterview = Annotated["InterviewType", strawberry.lazy("schema.types.interview")]
LazyScorecardSummary = Annotated["ScorecardSummaryType", strawberry.lazy("schema.types.interview")]
LazyNote = Annotated["NoteType", strawberry.lazy("schema.types.interview")]


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


@strawberry.type(
    name="EvaluationEvidence",
    description="What in the profile a criterion used: a listed skill, a work, education or "
    "certification entry (`ref` is its id), a line of the CV (`ref` is `cv:<line>`), or the "
    "profile's own fields.",
)
class EvaluationEvidenceType:
    source: str = strawberry.field(
        description="skill, experience, education, certification, cv or profile."
    )
    ref: str | None = strawberry.field(description="Id of the entry, or `cv:<line>`.")
    text: str = strawberry.field(description="The words that counted.")


@strawberry.type(name="EvaluationCriterion", description="One scored aspect of a match.")
class EvaluationCriterionType:
    key: str = strawberry.field(description="Stable id of the criterion, e.g. `required_skills`.")
    name: str = strawberry.field(description="What was scored, e.g. 'Required skills'.")
    score: float = strawberry.field(description="Score of this aspect, 0 to 100.")
    weight: float = strawberry.field(
        description="Its weight: the overall score is the weighted mean of the criteria."
    )
    note: str | None = strawberry.field(description="Why it scored so, in a sentence.")
    evidence: list[EvaluationEvidenceType] = strawberry.field(
        description="Where in the profile the criterion found what it scored."
    )

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> EvaluationCriterionType:
        evidence = item.get("evidence")
        return cls(
            key=str(item.get("key", "")),
            name=str(item.get("label") or item.get("name") or ""),
            score=float(item.get("score", 0)),
            weight=float(item.get("weight", 1)),
            note=item.get("note") or (evidence if isinstance(evidence, str) else None),
            evidence=[
                EvaluationEvidenceType(
                    source=str(e.get("source", "")), ref=e.get("ref"), text=str(e.get("text", ""))
                )
                for e in (evidence if isinstance(evidence, list) else [])
            ],
        )


@strawberry.type(name="EvaluationUsage", description="What an LLM evaluation cost.")
class EvaluationUsageType:
    prompt_tokens: int | None = strawberry.field(description="Tokens sent.")
    completion_tokens: int | None = strawberry.field(description="Tokens received.")
    total_tokens: int | None = strawberry.field(description="Both together.")


@strawberry.type(
    name="Evaluation",
    description="A candidate scored against a job or a free-text job prompt, per criterion "
    "with evidence. Recruiters and partners see their organization's evaluations; a "
    "candidate sees only the evaluations they requested themself.",
)
class EvaluationType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the evaluation.")
    status: EvaluationStatus = strawberry.field(
        description="PENDING, RUNNING, then COMPLETED or FAILED."
    )
    score: float | None = strawberry.field(description="Overall score 0-100 once completed.")
    rationale: str | None = strawberry.field(description="Why the score is what it is.")
    matches: list[str] = strawberry.field(description="Requirements the candidate meets.")
    gaps: list[str] = strawberry.field(description="Requirements the candidate misses.")
    criteria: list[EvaluationCriterionType] = strawberry.field(description="Per-criterion scores.")
    job_prompt: str | None = strawberry.field(
        description="Free-text job description evaluated against, when there is no job."
    )
    requested_engine: str = strawberry.field(description="The engine asked for: rules or llm.")
    engine: str = strawberry.field(
        description="The engine that produced the result (rules when LLM_FALLBACK answered "
        "for an unavailable llm)."
    )
    engine_version: str = strawberry.field(
        description="Version of that engine (and the LLM model); results stay readable with "
        "the version that produced them."
    )
    failure_reason: str | None = strawberry.field(description="Why it FAILED, if it did.")
    latency_ms: float | None = strawberry.field(description="LLM answer time, milliseconds.")
    usage: EvaluationUsageType | None = strawberry.field(description="LLM token usage.")
    batch_id: strawberry.ID | None = strawberry.field(
        description="The `evaluateApplicants` call that queued it, if one did."
    )
    created_at: datetime = strawberry.field(description="When it was requested (UTC).")
    completed_at: datetime | None = strawberry.field(description="When it finished (UTC).")
    row: strawberry.Private[Evaluation]

    @classmethod
    def from_model(cls, row: Evaluation) -> EvaluationType:
        usage = row.usage or None
        return cls(
            id=strawberry.ID(str(row.id)),
            status=row.status,
            score=row.score,
            rationale=row.rationale,
            matches=list(row.matches or []),
            gaps=list(row.gaps or []),
            criteria=[EvaluationCriterionType.from_json(c) for c in row.criteria or []],
            job_prompt=row.job_prompt,
            requested_engine=row.requested_engine,
            engine=row.engine,
            engine_version=row.engine_version,
            failure_reason=row.failure_reason,
            latency_ms=row.latency_ms,
            usage=EvaluationUsageType(
                prompt_tokens=usage.get("prompt_tokens"),
                completion_tokens=usage.get("completion_tokens"),
                total_tokens=usage.get("total_tokens"),
            )
            if usage
            else None,
            batch_id=strawberry.ID(str(row.batch_id)) if row.batch_id else None,
            created_at=row.created_at,
            completed_at=row.completed_at,
            row=row,
        )

    candidate: CandidateType | None = relation(
        CandidateByIdLoader,
        key="candidate_id",
        visible=can_view_candidate,
        description="The evaluated candidate.",
    )
    job: JobType | None = relation(
        JobByIdLoader,
        key="job_id",
        visible=can_view_job,
        description="The job evaluated against, if any and visible.",
    )

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

    # whoever may see an application may see its applicant (PII stays gated per field)
    candidate: CandidateType = relation(
        CandidateByIdLoader, key="candidate_id", description="The applicant."
    )
    job: JobType = relation(JobByIdLoader, key="job_id", description="The job applied to.")
    events: list[ApplicationEventType] = relation(
        ApplicationEventsByApplicationIdLoader,
        many=True,
        convert=lambda context, application, row: ApplicationEventType.from_model(
            row, internal=hires_for(context.viewer, application)
        ),
        description="Stage history, oldest first (notes and actors only for the hiring side).",
    )
    evaluations: list[EvaluationType] = relation(
        EvaluationsByApplicationIdLoader,
        many=True,
        visible=can_view_evaluation,
        description="Evaluations made for this application, oldest first.",
    )
    latest_evaluation: EvaluationType | None = relation(
        EvaluationsByApplicationIdLoader,
        many=True,
        latest=True,
        visible=can_view_evaluation,
        description="The newest evaluation of this application the viewer may see (any "
        "status), or null.",
    )

    @strawberry.field(
        description="Interviews of this application, by start time (cancelled ones included). "
        "The candidate sees their own without interviewer-only fields; partners see none."
    )
    async def interviews(self, info: Info) -> list[LazyInterview]:
        from schema.types.interview import InterviewType

        viewer = info.context.viewer
        rows = await info.context.loaders_at(info).interviews_by_application.load(self.row.id)
        return [InterviewType.from_model(r) for r in rows if can_view_interview(viewer, r)]

    @strawberry.field(
        description="All submitted scorecards together (the hiring organization only; null for "
        "an interviewer of this application who has a scorecard still to submit)."
    )
    async def scorecard_summary(self, info: Info) -> LazyScorecardSummary | None:
        from schema.types.interview import scorecard_summary

        loaders = info.context.loaders_at(info)
        panel = await loaders.panelists_by_application.load(self.row.id)
        cards = await loaders.scorecards_by_application.load(self.row.id)
        return scorecard_summary(info, self.row.organization_id, panel, cards)

    @strawberry.field(
        description="Notes the hiring organization keeps on this application, oldest first "
        "(empty for everyone else)."
    )
    async def notes(self, info: Info) -> list[LazyNote]:
        from schema.types.interview import NoteType

        if not is_panel_side(info.context.viewer, self.row.organization_id):
            return []
        rows = await info.context.loaders_at(info).notes_by_application.load(self.row.id)
        return [NoteType.from_model(r) for r in rows]

    @strawberry.field(description="The CV submitted with the application, if any and visible.")
    async def document(self, info: Info) -> DocumentType | None:
        if self.row.document_id is None:
            return None
        row = await get_document(info.context, info.context.loaders_at(info), self.row.document_id)
        return DocumentType.from_model(row) if row else None
