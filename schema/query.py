"""The Query root."""

from __future__ import annotations

from typing import Annotated

import strawberry

from loaders.pagination import MAX_CURSOR_LENGTH, PageArgs
from models.enums import ApplyMode, EvaluationStatus
from resolvers import applications, audit, candidates, jobs, skills
from resolvers import interviews as interview_resolvers
from resolvers.context import Context
from resolvers.documents import access as document_access
from resolvers.evaluations import metrics as evaluation_metrics
from resolvers.evaluations import reads as evaluation_reads
from resolvers.pages import MAX_SEARCH_LENGTH, bounded_text
from resolvers.upserts import imports_api
from schema.inputs import (
    ApplicationFilterInput,
    ApplicationOrderInput,
    AuditLogFilterInput,
    CandidateFilterInput,
    CandidateOrderInput,
    JobFilterInput,
    JobOrderInput,
    lookup_id,
)
from schema.inputs_evaluations import (
    EvaluationFilterInput,
    EvaluationMetricsType,
    EvaluationOrderInput,
    EvaluationOutcomeCount,
    LatencySummary,
)
from schema.inputs_interviews import InterviewFilterInput
from schema.mutations.notifications import NotificationQueries
from schema.pages import root_connection
from schema.types.application import ApplicationType, EvaluationType
from schema.types.audit import AuditLogEntryType
from schema.types.candidate import CandidateType
from schema.types.common import Connection, to_connection
from schema.types.document import DocumentType, UploadConstraints
from schema.types.imports import ImportJobType
from schema.types.interview import InterviewType
from schema.types.job import JobType, SkillType
from schema.types.organization import UserType

Info = strawberry.Info[Context, None]
First = Annotated[
    int | None, strawberry.argument(description="Page size: default 20, at most 100.")
]
After = Annotated[
    str | None,
    strawberry.argument(
        description=f"`endCursor` of the previous page (at most {MAX_CURSOR_LENGTH} characters)."
    ),
]
IdArg = Annotated[strawberry.ID, strawberry.argument(description="UUID of the object.")]


@strawberry.type(description="Read access to the recruiting graph.")
class Query(NotificationQueries):
    @strawberry.field(description="The signed-in user; null when anonymous.")
    async def me(self, info: Info) -> UserType | None:
        user = await skills.current_user(info.context)
        return UserType.from_model(user) if user else None

    @strawberry.field(
        description="A batch of partner items (an upsert call or import job) by id: status, "
        "progress, counts and item results. Partners see their organization's, admins all."
    )
    async def import_job(self, info: Info, id: IdArg) -> ImportJobType | None:
        batch = await imports_api.import_job(info.context, lookup_id(id))
        return ImportJobType.from_model(batch) if batch is not None else None

    @strawberry.field(description="A candidate by id; null if missing or not visible.")
    async def candidate(self, info: Info, id: IdArg) -> CandidateType | None:
        key = lookup_id(id)
        row = (
            await candidates.get_candidate(info.context, info.context.loaders_at(info), key)
            if key
            else None
        )
        return CandidateType.from_model(row) if row else None

    @strawberry.field(description="Candidates visible to the viewer, filtered and ordered.")
    async def candidates(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: Annotated[
            CandidateFilterInput | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            CandidateOrderInput | None,
            strawberry.argument(description="Sort order (default CREATED_AT ASC)."),
        ] = None,
    ) -> Connection[CandidateType]:
        order = order_by or CandidateOrderInput()
        page = await candidates.list_candidates(
            info.context,
            PageArgs(first=first if first is not None else 20, after=after),
            filter.to_filter() if filter else None,
            candidates.CandidateOrderField(order.field),
            order.direction,
        )
        return await root_connection(info, "Candidate", page, CandidateType.from_model)

    @strawberry.field(description="A job by id; null if missing or not visible.")
    async def job(self, info: Info, id: IdArg) -> JobType | None:
        key = lookup_id(id)
        row = await jobs.get_job(info.context, info.context.loaders_at(info), key) if key else None
        return JobType.from_model(row) if row else None

    @strawberry.field(
        description="Jobs visible to the viewer (everyone sees OPEN jobs), filtered and ordered."
    )
    async def jobs(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: Annotated[
            JobFilterInput | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            JobOrderInput | None,
            strawberry.argument(description="Sort order (default CREATED_AT DESC)."),
        ] = None,
    ) -> Connection[JobType]:
        order = order_by or JobOrderInput()
        page = await jobs.list_jobs(
            info.context,
            PageArgs(first=first if first is not None else 20, after=after),
            filter.to_filter() if filter else None,
            jobs.JobOrderField(order.field),
            order.direction,
        )
        return await root_connection(info, "Job", page, JobType.from_model)

    @strawberry.field(description="An application by id; null if missing or not visible.")
    async def application(self, info: Info, id: IdArg) -> ApplicationType | None:
        key = lookup_id(id)
        row = (
            await applications.get_application(info.context, info.context.loaders_at(info), key)
            if key
            else None
        )
        return ApplicationType.from_model(row) if row else None

    @strawberry.field(description="Applications visible to the viewer, filtered and ordered.")
    async def applications(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: Annotated[
            ApplicationFilterInput | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            ApplicationOrderInput | None,
            strawberry.argument(description="Sort order (default CREATED_AT DESC)."),
        ] = None,
    ) -> Connection[ApplicationType]:
        order = order_by or ApplicationOrderInput()
        page = await applications.list_applications(
            info.context,
            PageArgs(first=first if first is not None else 20, after=after),
            filter.to_filter() if filter else None,
            applications.ApplicationOrderField(order.field),
            order.direction,
        )
        return await root_connection(info, "Application", page, ApplicationType.from_model)

    @strawberry.field(description="An evaluation by id; null if missing or not visible.")
    async def evaluation(self, info: Info, id: IdArg) -> EvaluationType | None:
        key = lookup_id(id)
        row = (
            await applications.get_evaluation(info.context, info.context.loaders_at(info), key)
            if key
            else None
        )
        return EvaluationType.from_model(row) if row else None

    @strawberry.field(
        description="Evaluations visible to the viewer (their organization's; a candidate's "
        "own requests), filtered and ordered."
    )
    async def evaluations(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: Annotated[
            EvaluationFilterInput | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            EvaluationOrderInput | None,
            strawberry.argument(description="Sort order (default CREATED_AT DESC)."),
        ] = None,
    ) -> Connection[EvaluationType]:
        order = order_by or EvaluationOrderInput()
        page = await evaluation_reads.list_evaluations(
            info.context,
            PageArgs(first=first if first is not None else 20, after=after),
            filter.to_filter() if filter else None,
            evaluation_reads.EvaluationOrderField(order.field.value),
            order.direction,
        )
        return await root_connection(info, "Evaluation", page, EvaluationType.from_model)

    @strawberry.field(
        description="Evaluations by engine and outcome, LLM latency and token use, and the LLM "
        "circuit's state (admins only; null for everyone else)."
    )
    async def evaluation_metrics(self, info: Info) -> EvaluationMetricsType | None:
        if not info.context.viewer.is_admin:
            return None
        found = await evaluation_metrics.evaluation_metrics(info.context)
        return EvaluationMetricsType(
            outcomes=[
                EvaluationOutcomeCount(
                    engine=o.engine, status=EvaluationStatus(o.status), count=o.count
                )
                for o in found.outcomes
            ],
            llm_latency=LatencySummary(
                samples=found.llm_latency.samples,
                p50_ms=found.llm_latency.p50_ms,
                p95_ms=found.llm_latency.p95_ms,
                max_ms=found.llm_latency.max_ms,
            ),
            llm_tokens=found.llm_tokens,
            llm_circuit=found.llm_circuit,
        )

    @strawberry.field(
        description="A calendar: your organization's interviews (a candidate's own), by start "
        "time, SCHEDULED only unless `includeCancelled`."
    )
    async def interviews(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: Annotated[
            InterviewFilterInput | None, strawberry.argument(description="Conditions.")
        ] = None,
    ) -> Connection[InterviewType]:
        page = await interview_resolvers.list_interviews(
            info.context,
            PageArgs(first=first if first is not None else 20, after=after),
            filter.to_filter() if filter else None,
        )
        return to_connection(page, InterviewType.from_model)

    @strawberry.field(description="A stored CV by id; null if missing or not visible.")
    async def document(self, info: Info, id: IdArg) -> DocumentType | None:
        key = lookup_id(id)
        row = (
            await document_access.get_document(info.context, info.context.loaders_at(info), key)
            if key
            else None
        )
        return DocumentType.from_model(row) if row else None

    @strawberry.field(description="The limits `uploadCv` enforces, for clients to check first.")
    def upload_constraints(self, info: Info) -> UploadConstraints:
        settings = info.context.settings
        return UploadConstraints(
            max_bytes=settings.max_upload_bytes,
            max_request_bytes=settings.max_body_bytes,
            max_pages=settings.max_cv_pages,
            content_types=["application/pdf"],
            apply_modes=list(ApplyMode),
        )

    @strawberry.field(description="The skill vocabulary by name, for autocompletion.")
    async def skills(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Case-insensitive text in the name; at most "
                f"{MAX_SEARCH_LENGTH} characters."
            ),
        ] = None,
        first: First = None,
    ) -> list[SkillType]:
        text = bounded_text(search, MAX_SEARCH_LENGTH, "search")
        rows = await skills.search_skills(info.context, text, first)
        return [SkillType.from_model(r) for r in rows]

    @strawberry.field(
        description="The audit trail, newest first (admins only; empty for everyone else)."
    )
    async def audit_log(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: Annotated[
            AuditLogFilterInput | None, strawberry.argument(description="Conditions.")
        ] = None,
    ) -> Connection[AuditLogEntryType]:
        page = await audit.list_audit_log(
            info.context,
            PageArgs(first=first if first is not None else 20, after=after),
            filter.to_filter() if filter else None,
        )
        return to_connection(page, AuditLogEntryType.from_model)
