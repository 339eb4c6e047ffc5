"""Test helpers: GraphQL calls over the real ASGI app and data builders on the real database."""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx2
from sqlmodel import col, select

from models.application import Application, ApplicationEvent
from models.audit import AuditLog
from models.candidate import Candidate, CandidateSkill, Certification, Education, WorkExperience
from models.db import SessionFactory
from models.document import Document
from models.enums import (
    ApplicationStage,
    CandidateSource,
    DocumentStatus,
    EmploymentType,
    EvaluationStatus,
    JobStatus,
    OrganizationKind,
    Role,
)
from models.evaluation import Evaluation
from models.job import Job, JobSkill
from models.organization import Organization, User
from models.security import hash_password
from models.settings import Settings
from models.skill import Skill
from models.storage import LocalStorage, new_key
from resolvers.auth import issue_access_token

_seq = itertools.count(1)
PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password(PASSWORD)
BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


@asynccontextmanager
async def variant_client(settings: Settings, **changes: Any) -> AsyncIterator[httpx2.AsyncClient]:
    """The real app built with other settings (closed afterwards)."""
    from server import close_app, create_app

    app = create_app(dataclasses.replace(settings, **changes))
    try:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c
    finally:
        await close_app(app)


@dataclass
class GraphQLResponse:
    status: int
    body: dict[str, Any]
    headers: httpx2.Headers

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.body.get("errors") or [])

    @property
    def statements(self) -> int:
        return int(self.headers["x-sql-statements"])


async def gql(
    client: httpx2.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> GraphQLResponse:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    return GraphQLResponse(response.status_code, response.json(), response.headers)


def token_for(settings: Settings, user: User) -> str:
    return issue_access_token(settings, user)


def _tick() -> datetime:
    return BASE_TIME + timedelta(seconds=next(_seq))


async def add(db: SessionFactory, *rows: Any) -> None:
    """Insert in the given order (tables have no ORM relationships to order the flush)."""
    async with db() as session:
        for kind, group in itertools.groupby(rows, key=type):
            del kind
            session.add_all(list(group))
            await session.flush()
        await session.commit()


async def make_org(
    db: SessionFactory, kind: OrganizationKind = OrganizationKind.EMPLOYER
) -> Organization:
    n = next(_seq)
    org = Organization(name=f"Org {n}", slug=f"org-{n}-{uuid.uuid4().hex[:6]}", kind=kind)
    await add(db, org)
    return org


async def make_user(
    db: SessionFactory, role: Role, org: Organization | None = None, email: str | None = None
) -> User:
    user = User(
        email=email or f"user{next(_seq)}-{uuid.uuid4().hex[:6]}@example.org",
        password_hash=_PASSWORD_HASH,
        role=role,
        organization_id=org.id if org else None,
    )
    await add(db, user)
    return user


async def make_skill(db: SessionFactory, name: str) -> Skill:
    skill = Skill(name=name, normalized_name=name.lower(), aliases=[], category="Test")
    await add(db, skill)
    return skill


async def make_candidate(
    db: SessionFactory,
    *,
    skills: list[Skill] | None = None,
    sourced_by: Organization | None = None,
    user: User | None = None,
    nested: int = 2,
    **fields: Any,
) -> Candidate:
    n = next(_seq)
    created = _tick()
    values: dict[str, Any] = {
        "first_name": f"First{n}",
        "last_name": f"Last{n}",
        "email": f"cand{n}-{uuid.uuid4().hex[:8]}@example.com",
        "phone": f"+49151{n:08d}",
        "date_of_birth": date(1990, 1, 1),
        "gender": "female",
        "location": "Berlin, Germany",
        "headline": f"Engineer {n}",
        "source": CandidateSource.PARTNER if sourced_by else CandidateSource.DIRECT,
        "sourced_by_organization_id": sourced_by.id if sourced_by else None,
        "user_id": user.id if user else None,
        "created_at": created,
        "updated_at": created,
    }
    values.update(fields)
    candidate = Candidate(**values)
    rows: list[Any] = [candidate]
    for i in range(nested):
        rows.append(
            Education(
                candidate_id=candidate.id,
                institution=f"University {i}",
                degree="BSc",
                field_of_study="CS",
                start_date=date(2010 + i, 9, 1),
                end_date=date(2013 + i, 6, 30),
            )
        )
        rows.append(
            WorkExperience(
                candidate_id=candidate.id,
                company_name=f"Company {i}",
                job_title="Developer",
                start_date=date(2014 + i, 1, 1),
            )
        )
        rows.append(Certification(candidate_id=candidate.id, name=f"Cert {i}", issuer="Issuer"))
    for skill in skills or []:
        rows.append(CandidateSkill(candidate_id=candidate.id, skill_id=skill.id, years=3.0))
    await add(db, *rows)
    return candidate


async def make_job(
    db: SessionFactory,
    org: Organization,
    *,
    status: JobStatus = JobStatus.OPEN,
    skills: list[Skill] | None = None,
    **fields: Any,
) -> Job:
    created = _tick()
    values: dict[str, Any] = {
        "organization_id": org.id,
        "title": f"Job {next(_seq)}",
        "description": "Build things.",
        "location": "Berlin",
        "employment_type": EmploymentType.FULL_TIME,
        "status": status,
        "salary_min": 50000,
        "salary_max": 70000,
        "salary_currency": "EUR",
        "created_at": created,
        "updated_at": created,
    }
    values.update(fields)
    job = Job(**values)
    rows: list[Any] = [job]
    for i, skill in enumerate(skills or []):
        rows.append(JobSkill(job_id=job.id, skill_id=skill.id, required=i == 0, weight=5.0))
    await add(db, *rows)
    return job


async def make_application(
    db: SessionFactory,
    candidate: Candidate,
    job: Job,
    stage: ApplicationStage = ApplicationStage.APPLIED,
    *,
    with_extras: bool = False,
) -> Application:
    created = _tick()
    application = Application(
        candidate_id=candidate.id,
        job_id=job.id,
        organization_id=job.organization_id,
        stage=stage,
        created_at=created,
        updated_at=created,
    )
    rows: list[Any] = [
        application,
        ApplicationEvent(application_id=application.id, to_stage=ApplicationStage.APPLIED),
    ]
    if stage is not ApplicationStage.APPLIED:
        rows.append(
            ApplicationEvent(
                application_id=application.id, from_stage=ApplicationStage.APPLIED, to_stage=stage
            )
        )
    if with_extras:
        document = make_document_row(candidate, job.organization_id)
        application.document_id = document.id
        rows.insert(0, document)
        rows.append(
            Evaluation(
                candidate_id=candidate.id,
                job_id=job.id,
                application_id=application.id,
                document_id=document.id,
                organization_id=job.organization_id,
                status=EvaluationStatus.COMPLETED,
                score=72.5,
                matches=["Python"],
                gaps=["Go"],
                criteria=[{"name": "Skills", "score": 80, "weight": 1}],
            )
        )
    await add(db, *rows)
    return application


def make_document_row(candidate: Candidate, organization_id: uuid.UUID | None) -> Document:
    key = uuid.uuid4().hex
    return Document(
        candidate_id=candidate.id,
        organization_id=organization_id,
        filename="cv.pdf",
        content_type="application/pdf",
        size_bytes=1234,
        sha256="0" * 64,
        storage_key=key,
        status=DocumentStatus.PARSED,
    )


async def pending_document(db: SessionFactory, settings: Settings, data: bytes) -> Document:
    """A PENDING document of an organization-sourced candidate, `data` in the file store."""
    org = await make_org(db)
    user = await make_user(db, Role.ADMIN)
    candidate = await make_candidate(db, sourced_by=org)
    staged = settings.data_dir / "staged.pdf"
    staged.write_bytes(data)
    key = new_key("cv", "pdf")
    await LocalStorage(settings.files_dir).put(key, staged)
    document = Document(
        candidate_id=candidate.id,
        organization_id=org.id,
        uploaded_by_id=user.id,
        filename="cv.pdf",
        content_type="application/pdf",
        size_bytes=len(data),
        sha256="0" * 64,
        storage_key=key,
        status=DocumentStatus.PENDING,
    )
    await add(db, document)
    return document


async def audit_rows(db: SessionFactory, action: str | None = None) -> list[AuditLog]:
    """Audit rows, oldest first (optionally of one action)."""
    statement = select(AuditLog).order_by(col(AuditLog.created_at))
    if action is not None:
        statement = statement.where(col(AuditLog.action) == action)
    async with db() as session:
        return list((await session.exec(statement)).all())


async def audit_actions(db: SessionFactory) -> list[str]:
    return [row.action for row in await audit_rows(db)]


async def stored(db: SessionFactory, model: Any, object_id: Any) -> Any:
    """The row as the database holds it now (fails when it is gone)."""
    async with db() as session:
        row = await session.get(model, uuid.UUID(str(object_id)))
    assert row is not None
    return row


async def recruiter_token(
    db: SessionFactory, settings: Settings, org: Organization | None = None
) -> tuple[Organization, str]:
    """A recruiter of `org` (a new organization by default) and their access token."""
    org = org or await make_org(db)
    user = await make_user(db, Role.RECRUITER, org)
    return org, token_for(settings, user)
