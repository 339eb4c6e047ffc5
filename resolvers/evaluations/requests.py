"""Asking for evaluations: one candidate against a job or a prompt, or every applicant of a job.

Rows are written PENDING in the request's transaction and their ids sent to `run_evaluation`
after commit. An evaluation is keyed by what determines its result (who asked, the candidate's
profile version, the job's version or the prompt, the CV, the engine and its version): asking
again with an equal key returns the existing evaluation (`reused`) instead of computing, or
paying for, the same answer twice.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from loaders.policy import (
    Viewer,
    can_view_candidate,
    can_view_evaluation,
    can_view_job,
    can_write_job,
    evaluation_clause,
)
from models.application import Application
from models.base import new_id, utcnow
from models.candidate import Candidate
from models.db import SessionFactory
from models.document import Document
from models.enums import ApplicationStage, DocumentStatus, EvaluationStatus, Role
from models.evaluation import Evaluation
from models.job import Job
from resolvers import outbox
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import (
    AuthenticationRequiredError,
    ForbiddenError,
    NotFoundError,
    ValidationFailedError,
)
from resolvers.evaluations import engines
from resolvers.evaluations.inputs import latest_documents, prompt_hash
from resolvers.pages import bounded
from resolvers.validation import Checks

MAX_BATCH = 2000  # applications one `evaluateApplicants` call evaluates
MAX_PROMPT_SKILLS = 50
REUSABLE = (EvaluationStatus.PENDING, EvaluationStatus.RUNNING, EvaluationStatus.COMPLETED)


@dataclass(frozen=True)
class PromptWanted:
    title: str
    description: str | None = None
    required_skills: tuple[str, ...] = ()
    preferred_skills: tuple[str, ...] = ()
    min_years: float | None = None
    location: str | None = None
    remote: bool | None = None


@dataclass(frozen=True)
class EvaluationWanted:
    candidate_id: uuid.UUID | None
    job_id: uuid.UUID | None
    prompt: PromptWanted | None
    document_id: uuid.UUID | None
    engine: str


@dataclass(frozen=True)
class Batch:
    id: uuid.UUID
    job_id: uuid.UUID
    queued: int
    reused: int
    total: int


def _require_user(ctx: Context) -> None:
    if ctx.viewer.user_id is None:
        raise AuthenticationRequiredError("Sign in to do this")


def clean_prompt(prompt: PromptWanted) -> dict[str, Any]:
    """The stored form of a free-text job, checked field by field."""
    checks = Checks()
    title = checks.text("jobPrompt.title", prompt.title, required=True, max_length=200)
    description = checks.text(
        "jobPrompt.description", prompt.description, required=False, max_length=20_000
    )
    location = checks.text("jobPrompt.location", prompt.location, required=False, max_length=200)
    skills: dict[str, list[str]] = {}
    for name, given in (
        ("requiredSkills", prompt.required_skills),
        ("preferredSkills", prompt.preferred_skills),
    ):
        if len(given) > MAX_PROMPT_SKILLS:
            checks.fail(f"jobPrompt.{name}", "TOO_LONG", f"at most {MAX_PROMPT_SKILLS} skills")
        cleaned = [
            checks.text(f"jobPrompt.{name}", s, required=True, max_length=100) or ""
            for s in given[:MAX_PROMPT_SKILLS]
        ]
        skills[name] = list(dict.fromkeys(s for s in cleaned if s))
    if prompt.min_years is not None and not 0 <= prompt.min_years <= 60:
        checks.fail("jobPrompt.minYears", "INVALID_VALUE", "minYears must be between 0 and 60")
    checks.done()
    return {
        "title": title,
        "description": description,
        "requiredSkills": skills["requiredSkills"],
        "preferredSkills": skills["preferredSkills"],
        "minYears": prompt.min_years,
        "location": location,
        "remote": prompt.remote,
    }


def prompt_text(prompt: dict[str, Any]) -> str:
    """The prompt as readable text, shown as `jobPrompt` on the evaluation."""
    parts = [prompt["title"]]
    if prompt.get("description"):
        parts.append(prompt["description"])
    if prompt.get("requiredSkills"):
        parts.append("Required: " + ", ".join(prompt["requiredSkills"]))
    if prompt.get("preferredSkills"):
        parts.append("Preferred: " + ", ".join(prompt["preferredSkills"]))
    return "\n".join(parts)[:20_000]


def _scope(viewer: Viewer, organization_id: uuid.UUID | None) -> str:
    """Whose result it is: results are reused only within the audience that may read them."""
    if organization_id is not None:
        return f"org:{organization_id}"
    return f"user:{viewer.user_id}"


def reuse_key(
    scope: str,
    candidate_id: uuid.UUID,
    candidate_version: int,
    job: Job | None,
    prompt: dict[str, Any] | None,
    document_id: uuid.UUID | None,
    engine: str,
    version: str,
) -> str:
    target = (
        f"job:{job.id}:{job.version}" if job is not None else f"prompt:{prompt_hash(prompt or {})}"
    )
    raw = json.dumps(
        [scope, str(candidate_id), candidate_version, target, str(document_id), engine, version]
    ).encode()
    return hashlib.sha256(raw).hexdigest()


async def _reusable(session: AsyncSession, keys: list[str], engine: str) -> dict[str, Evaluation]:
    """Evaluations with these keys that are done or still running (failures are retried)."""
    found: dict[str, Evaluation] = {}
    for start in range(0, len(keys), 500):
        rows = await session.exec(
            select(Evaluation)
            .where(
                col(Evaluation.reuse_key).in_(keys[start : start + 500]),
                col(Evaluation.status).in_(REUSABLE),
                col(Evaluation.requested_engine) == engine,
            )
            .order_by(col(Evaluation.created_at))
        )
        for row in rows.all():
            # a fallback answer (rules standing in for the LLM) is not what was asked for
            if row.status is not EvaluationStatus.COMPLETED or row.engine == engine:
                found[row.reuse_key or ""] = row
    return found


async def _target_job(ctx: Context, session: AsyncSession, job_id: uuid.UUID) -> Job:
    viewer = ctx.viewer
    job = await session.get(Job, job_id)
    if job is None or not can_view_job(viewer, job):
        raise NotFoundError("Job not found", field="jobId")
    if viewer.org_member and job.organization_id != viewer.organization_id:
        raise ForbiddenError("You may evaluate against your organization's jobs", field="jobId")
    return job


async def _document(
    ctx: Context, session: AsyncSession, candidate_id: uuid.UUID, document_id: uuid.UUID | None
) -> uuid.UUID | None:
    """The CV to read: the one named (it must be this candidate's and parsed), else the latest."""
    if document_id is None:
        return (await latest_documents(session, [candidate_id])).get(candidate_id)
    document = await session.get(Document, document_id)
    if document is None or document.candidate_id != candidate_id:
        raise NotFoundError("Document not found", field="documentId")
    if document.status is not DocumentStatus.PARSED:
        raise ValidationFailedError(
            [("documentId", "INVALID_VALUE", "The document has not been parsed")]
        )
    return document.id


async def request_evaluation(ctx: Context, wanted: EvaluationWanted) -> tuple[Evaluation, bool]:
    """Queue one evaluation (or find an equal one); returns it and whether it was reused."""
    _require_user(ctx)
    viewer = ctx.viewer
    if (wanted.job_id is None) == (wanted.prompt is None):
        raise ValidationFailedError(
            [("jobId", "REQUIRED", "Give exactly one of jobId and jobPrompt")]
        )
    prompt = clean_prompt(wanted.prompt) if wanted.prompt is not None else None
    engine = await engines.check_available(ctx.settings, wanted.engine)
    candidate_id = wanted.candidate_id or viewer.candidate_id
    if candidate_id is None:
        raise NotFoundError("Candidate not found", field="candidateId")
    if viewer.role is Role.PARTNER and prompt is not None:
        raise ForbiddenError("Partners evaluate against their organization's jobs", field="jobId")
    async with ctx.session_factory() as session:
        candidate = await session.get(Candidate, candidate_id)
        if candidate is None or not can_view_candidate(viewer, candidate):
            raise NotFoundError("Candidate not found", field="candidateId")
        job = await _target_job(ctx, session, wanted.job_id) if wanted.job_id else None
        document_id = await _document(ctx, session, candidate.id, wanted.document_id)
        organization_id = viewer.organization_id if viewer.org_member else None
        if viewer.is_admin and job is not None:
            organization_id = job.organization_id
        application_id = None
        if job is not None and viewer.role is not Role.CANDIDATE:
            application_id = await session.scalar(
                select(col(Application.id)).where(
                    col(Application.candidate_id) == candidate.id,
                    col(Application.job_id) == job.id,
                )
            )
        key = reuse_key(
            _scope(viewer, organization_id),
            candidate.id,
            candidate.version,
            job,
            prompt,
            document_id,
            engine,
            engines.version(ctx.settings, engine),
        )
        existing = (await _reusable(session, [key], engine)).get(key)
        if existing is not None:
            return existing, True
        row = _new(
            viewer,
            candidate.id,
            candidate.version,
            job,
            prompt,
            document_id,
            organization_id,
            application_id,
            engine,
            engines.version(ctx.settings, engine),
            key,
        )
        session.add(row)
        record(
            session,
            ctx,
            "evaluation.request",
            "Evaluation",
            row.id,
            {
                "candidateId": str(candidate.id),
                "jobId": str(job.id) if job else None,
                "engine": engine,
            },
        )
        messages = engines.stage(session, [row.id])
        await session.commit()
    await outbox.relay_after_commit(ctx.session_factory, messages)
    return row, False


def _new(
    viewer: Viewer,
    candidate_id: uuid.UUID,
    candidate_version: int,
    job: Job | None,
    prompt: dict[str, Any] | None,
    document_id: uuid.UUID | None,
    organization_id: uuid.UUID | None,
    application_id: uuid.UUID | None,
    engine: str,
    version: str,
    key: str | None,
    batch_id: uuid.UUID | None = None,
) -> Evaluation:
    now = utcnow()
    return Evaluation(
        id=new_id(),
        candidate_id=candidate_id,
        job_id=job.id if job else None,
        application_id=application_id,
        document_id=document_id,
        organization_id=organization_id,
        requested_by_id=viewer.user_id,
        job_prompt=prompt_text(prompt) if prompt else None,
        prompt=prompt,
        status=EvaluationStatus.PENDING,
        requested_engine=engine,
        engine=engine,
        engine_version=version,
        reuse_key=key,
        candidate_version=candidate_version,
        job_version=job.version if job else None,
        batch_id=batch_id,
        created_at=now,
        updated_at=now,
    )


async def evaluate_applicants(
    ctx: Context, job_id: uuid.UUID | None, stages: list[ApplicationStage] | None, engine: str
) -> Batch:
    """Queue an evaluation for every application of the job (in `stages`), skipping those with
    an equal evaluation already (same profile and job versions, CV, engine and version)."""
    _require_user(ctx)
    viewer = ctx.viewer
    wanted_stages = bounded(stages, "stages")
    engine = await engines.check_available(ctx.settings, engine)
    version = engines.version(ctx.settings, engine)
    if job_id is None:
        raise NotFoundError("Job not found", field="jobId")
    async with ctx.session_factory() as session:
        job = await _target_job(ctx, session, job_id)
        if not can_write_job(viewer, job):
            raise ForbiddenError("Only the job's organization ranks its applicants", field="jobId")
        statement = (
            select(col(Application.id), col(Application.candidate_id), col(Candidate.version))
            .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
            .where(col(Application.job_id) == job.id)
            .order_by(col(Application.created_at), col(Application.id))
            .limit(MAX_BATCH + 1)
        )
        if wanted_stages:
            statement = statement.where(col(Application.stage).in_(wanted_stages))
        applications = list((await session.exec(statement)).all())
        if len(applications) > MAX_BATCH:
            raise ValidationFailedError(
                [("stages", "TOO_LONG", f"At most {MAX_BATCH} applications per call")]
            )
        documents = await latest_documents(session, [a[1] for a in applications])
        scope = _scope(viewer, job.organization_id)
        keys = [
            reuse_key(scope, cid, cver, job, None, documents.get(cid), engine, version)
            for _, cid, cver in applications
        ]
        existing = await _reusable(session, keys, engine)
        batch_id = new_id()
        rows = [
            _new(
                viewer,
                candidate_id,
                candidate_version,
                job,
                None,
                documents.get(candidate_id),
                job.organization_id,
                application_id,
                engine,
                version,
                key,
                batch_id,
            )
            for (application_id, candidate_id, candidate_version), key in zip(
                applications, keys, strict=True
            )
            if key not in existing
        ]
        session.add_all(rows)
        record(
            session,
            ctx,
            "evaluation.batch",
            "Job",
            job.id,
            {"batchId": str(batch_id), "queued": len(rows), "engine": engine},
        )
        messages = engines.stage(session, [row.id for row in rows], engine)
        await session.commit()
    await outbox.relay_after_commit(ctx.session_factory, messages)
    return Batch(
        id=batch_id,
        job_id=job_id,
        queued=len(rows),
        reused=len(applications) - len(rows),
        total=len(applications),
    )


async def _own(ctx: Context, session: AsyncSession, evaluation_id: uuid.UUID | None) -> Evaluation:
    """The evaluation, if the viewer may see it (whoever may see it may rerun or erase it)."""
    _require_user(ctx)
    row = await session.get(Evaluation, evaluation_id) if evaluation_id else None
    if row is None or not can_view_evaluation(ctx.viewer, row):
        raise NotFoundError("Evaluation not found", field="id")
    return row


async def rerun_evaluation(ctx: Context, evaluation_id: uuid.UUID | None) -> Evaluation:
    """A new evaluation with the same question, computed afresh (the old one stays)."""
    async with ctx.session_factory() as session:
        old = await _own(ctx, session, evaluation_id)
        engine = await engines.check_available(ctx.settings, old.requested_engine)
        candidate = await session.get(Candidate, old.candidate_id)
        job = await session.get(Job, old.job_id) if old.job_id else None
        if (
            candidate is None
            or (old.job_id is not None and job is None)
            or (job is None and old.prompt is None)
        ):
            raise NotFoundError("The candidate or job no longer exists", field="id")
        version = engines.version(ctx.settings, engine)
        key = reuse_key(
            _scope(ctx.viewer, old.organization_id),
            candidate.id,
            candidate.version,
            job,
            old.prompt,
            old.document_id,
            engine,
            version,
        )
        row = _new(
            ctx.viewer,
            candidate.id,
            candidate.version,
            job,
            old.prompt,
            old.document_id,
            old.organization_id,
            old.application_id,
            engine,
            version,
            key,
        )
        session.add(row)
        record(session, ctx, "evaluation.rerun", "Evaluation", row.id, {"rerunOf": str(old.id)})
        messages = engines.stage(session, [row.id])
        await session.commit()
    await outbox.relay_after_commit(ctx.session_factory, messages)
    return row


async def delete_evaluation(ctx: Context, evaluation_id: uuid.UUID | None) -> uuid.UUID:
    """Erase an evaluation; the application's ranking score falls back to the one before."""
    async with ctx.session_factory() as session:
        row = await _own(ctx, session, evaluation_id)
        deleted_id, application_id = row.id, row.application_id
        organization_id = row.organization_id
        await session.exec(delete(Evaluation).where(col(Evaluation.id) == deleted_id))
        if application_id is not None:
            await refresh_application_score(session, application_id, organization_id)
        record(session, ctx, "evaluation.delete", "Evaluation", deleted_id)
        await session.commit()
    return deleted_id


async def refresh_application_score(
    session: AsyncSession, application_id: uuid.UUID, organization_id: uuid.UUID | None
) -> None:
    """Set the application's ranking score from the latest completed evaluation its job's
    organization ran (a candidate's own self-evaluation never ranks them)."""
    application = await session.get(Application, application_id)
    if application is None or organization_id != application.organization_id:
        return
    latest = await session.scalar(
        select(col(Evaluation.score))
        .where(
            col(Evaluation.application_id) == application_id,
            col(Evaluation.organization_id) == application.organization_id,
            col(Evaluation.status) == EvaluationStatus.COMPLETED,
        )
        .order_by(col(Evaluation.completed_at).desc(), col(Evaluation.id).desc())
        .limit(1)
    )
    application.score = latest
    session.add(application)


async def batch_counts(ctx: Context, batch_id: uuid.UUID) -> dict[EvaluationStatus, int]:
    """How many of a batch's evaluations are in each state (only those the viewer may see)."""
    async with ctx.session_factory() as session:
        rows = await session.exec(
            select(col(Evaluation.status), func.count())
            .where(col(Evaluation.batch_id) == batch_id, evaluation_clause(ctx.viewer))
            .group_by(col(Evaluation.status))
        )
        return {status: count for status, count in rows.all()}


async def requeue_unfinished(factory: SessionFactory, before: datetime | None = None) -> int:
    """Send again every evaluation left PENDING or RUNNING (the embedded worker's in-memory
    queue died with the previous process); `before` leaves newer requests alone."""
    async with factory() as session:
        statement = select(col(Evaluation.id), col(Evaluation.requested_engine)).where(
            col(Evaluation.status).in_([EvaluationStatus.PENDING, EvaluationStatus.RUNNING])
        )
        if before is not None:
            statement = statement.where(col(Evaluation.created_at) < before)
        rows = list((await session.exec(statement)).all())
    for engine in engines.ENGINES:
        await engines.enqueue([i for i, e in rows if e == engine], engine)
    return len(rows)
