"""Mutations of evaluations: request one, rank a job's applicants, rerun, delete."""

from __future__ import annotations

import math
from enum import Enum
from typing import Annotated, Any

import strawberry

from models.enums import ApplicationStage
from resolvers.context import Context
from resolvers.errors import EngineUnavailableError
from resolvers.evaluations import requests
from schema.inputs import lookup_id, optional_id
from schema.types.application import EvaluationType
from schema.types.common import ErrorCode, UserError
from schema.types.errors import AuthenticationRequired, Forbidden, NotFound, ValidationError

Info = strawberry.Info[Context, None]


@strawberry.enum(description="Scoring engines.")
class EvaluationEngine(Enum):
    RULES = "rules"
    LLM = "llm"


@strawberry.input(description="A job described in free text, to evaluate against without a Job.")
class JobPromptInput:
    title: str = strawberry.field(description="Job title (required, at most 200 characters).")
    description: str | None = strawberry.field(
        default=None,
        description="What the job is (at most 20,000 characters); skills, years of experience, "
        "degrees and certifications it names count too.",
    )
    required_skills: list[str] | None = strawberry.field(
        default=None, description="Must-have skills (at most 50, 100 characters each)."
    )
    preferred_skills: list[str] | None = strawberry.field(
        default=None, description="Nice-to-have skills (at most 50, 100 characters each)."
    )
    min_years: float | None = strawberry.field(
        default=None, description="Years of relevant experience asked for (0 to 60)."
    )
    location: str | None = strawberry.field(
        default=None, description="Where the work is (at most 200 characters)."
    )
    remote: bool | None = strawberry.field(default=None, description="True when remote is fine.")


@strawberry.input(description="What to evaluate: a candidate against a job or a job prompt.")
class RequestEvaluationInput:
    candidate_id: strawberry.ID | None = strawberry.field(
        default=None, description="The candidate; default: the signed-in candidate."
    )
    job_id: strawberry.ID | None = strawberry.field(
        default=None, description="The job (give this or `jobPrompt`)."
    )
    job_prompt: JobPromptInput | None = strawberry.field(
        default=None, description="A free-text job (give this or `jobId`)."
    )
    document_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A parsed CV of the candidate to read too; default: their latest parsed CV.",
    )
    engine: EvaluationEngine = strawberry.field(
        default=EvaluationEngine.RULES, description="RULES (default, built in) or LLM."
    )


@strawberry.type(description="The evaluation was queued, or an equal one was found.")
class EvaluationRequested:
    evaluation: EvaluationType = strawberry.field(description="The evaluation (PENDING if new).")
    reused: bool = strawberry.field(
        description="True when an evaluation of the same profile version, job version or "
        "prompt, CV, engine and engine version existed and is returned instead."
    )


@strawberry.type(description="Evaluations of a job's applicants were queued.")
class EvaluationBatch:
    id: strawberry.ID = strawberry.field(
        description="Batch id: follow it with `evaluations(filter: {batchId})` or "
        "`jobEvaluationsUpdated(jobId)`."
    )
    job_id: strawberry.ID = strawberry.field(description="The job.")
    queued: int = strawberry.field(description="Evaluations queued now.")
    reused: int = strawberry.field(
        description="Applications skipped: an equal evaluation exists or is running."
    )
    total: int = strawberry.field(description="Applications considered.")


@strawberry.type(description="The evaluation was erased.")
class EvaluationDeleted:
    id: strawberry.ID = strawberry.field(description="UUID of the erased evaluation.")


@strawberry.type(
    description="The engine cannot take requests now: no LLM provider is configured, or its "
    "circuit breaker is open after repeated failures. Use RULES or retry later."
)
class EngineUnavailable(UserError):
    engine: EvaluationEngine = strawberry.field(description="The engine asked for.")
    retry_after_seconds: int | None = strawberry.field(
        description="When the provider is probed again, if it is failing."
    )


class EngineUnavailableHandler(
    strawberry.ExceptionHandler[EngineUnavailableError, EngineUnavailable]
):
    def handle(
        self, exception: EngineUnavailableError, *, field: Any, info: Any
    ) -> EngineUnavailable:
        wait = exception.retry_after
        return EngineUnavailable(
            code=ErrorCode.ENGINE_UNAVAILABLE,
            message=exception.message,
            field=exception.field,
            engine=EvaluationEngine(exception.engine),
            retry_after_seconds=math.ceil(wait) if wait is not None else None,
        )


HANDLERS = (EngineUnavailableHandler(),)

_Common = NotFound | Forbidden | AuthenticationRequired | ValidationError | EngineUnavailable
RequestEvaluationResult = Annotated[
    EvaluationRequested | _Common,
    strawberry.union(
        "RequestEvaluationResult", description="Result of `requestEvaluation`/`rerunEvaluation`."
    ),
]
EvaluateApplicantsResult = Annotated[
    EvaluationBatch | _Common,
    strawberry.union("EvaluateApplicantsResult", description="Result of `evaluateApplicants`."),
]
DeleteEvaluationResult = Annotated[
    EvaluationDeleted | NotFound | Forbidden | AuthenticationRequired,
    strawberry.union("DeleteEvaluationResult", description="Result of `deleteEvaluation`."),
]
IdArg = Annotated[strawberry.ID, strawberry.argument(description="UUID of the evaluation.")]


@strawberry.type
class EvaluationMutations:
    @strawberry.mutation(
        description="Score a candidate against a job or a free-text job prompt, in the "
        "background (follow it with `evaluationUpdated`). Recruiters and partners evaluate "
        "candidates they may see against their organization's jobs (recruiters also against "
        "a prompt); candidates evaluate themselves against an OPEN job or a prompt; admins "
        "anything. An equal earlier evaluation is returned instead (`reused`)."
    )
    async def request_evaluation(
        self,
        info: Info,
        input: Annotated[RequestEvaluationInput, strawberry.argument(description="What.")],
    ) -> RequestEvaluationResult:
        prompt = input.job_prompt
        wanted = requests.EvaluationWanted(
            candidate_id=optional_id(input.candidate_id, "candidateId"),
            job_id=optional_id(input.job_id, "jobId"),
            prompt=requests.PromptWanted(
                title=prompt.title,
                description=prompt.description,
                required_skills=tuple(prompt.required_skills or ()),
                preferred_skills=tuple(prompt.preferred_skills or ()),
                min_years=prompt.min_years,
                location=prompt.location,
                remote=prompt.remote,
            )
            if prompt is not None
            else None,
            document_id=optional_id(input.document_id, "documentId"),
            engine=input.engine.value,
        )
        row, reused = await requests.request_evaluation(info.context, wanted)
        return EvaluationRequested(evaluation=EvaluationType.from_model(row), reused=reused)

    @strawberry.mutation(
        description="Evaluate every application of a job (only those in `stages`, when given; "
        f"at most {requests.MAX_BATCH}) in the background, skipping applications that have "
        "an equal evaluation already. Recruiters and partners of the job's organization, "
        "and admins. Rank the result with `job.applications(orderBy: SCORE)`."
    )
    async def evaluate_applicants(
        self,
        info: Info,
        job_id: Annotated[strawberry.ID, strawberry.argument(description="The job.")],
        stages: Annotated[
            list[ApplicationStage] | None,
            strawberry.argument(description="Only applications in these stages (at most 20)."),
        ] = None,
        engine: Annotated[
            EvaluationEngine, strawberry.argument(description="RULES (default) or LLM.")
        ] = EvaluationEngine.RULES,
    ) -> EvaluateApplicantsResult:
        batch = await requests.evaluate_applicants(
            info.context, lookup_id(job_id), stages, engine.value
        )
        return EvaluationBatch(
            id=strawberry.ID(str(batch.id)),
            job_id=strawberry.ID(str(batch.job_id)),
            queued=batch.queued,
            reused=batch.reused,
            total=batch.total,
        )

    @strawberry.mutation(
        description="Ask the same question again, computed afresh with the current profile, "
        "job and engine version (the old evaluation stays). Whoever may see it may rerun it."
    )
    async def rerun_evaluation(self, info: Info, id: IdArg) -> RequestEvaluationResult:
        row = await requests.rerun_evaluation(info.context, lookup_id(id))
        return EvaluationRequested(evaluation=EvaluationType.from_model(row), reused=False)

    @strawberry.mutation(
        description="Erase an evaluation (whoever may see it). An application ranked by it "
        "falls back to its previous evaluation's score."
    )
    async def delete_evaluation(self, info: Info, id: IdArg) -> DeleteEvaluationResult:
        deleted = await requests.delete_evaluation(info.context, lookup_id(id))
        return EvaluationDeleted(id=strawberry.ID(str(deleted)))
