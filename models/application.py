"""Applications of candidates to jobs and their stage history."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import created_field, enum_type, fk_field, id_field
from models.enums import ApplicationStage


class Application(SQLModel, table=True):
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("candidate_id", "job_id"),
        Index("ix_applications_job_id_created_at_id", "job_id", "created_at", "id"),
        Index("ix_applications_created_at_id", "created_at", "id"),
        Index("ix_applications_organization_id_created_at", "organization_id", "created_at"),
        Index("ix_applications_job_id_score", "job_id", "score"),
    )

    id: uuid.UUID = id_field()
    candidate_id: uuid.UUID = fk_field("candidates.id")
    job_id: uuid.UUID = fk_field("jobs.id")
    # the job's organization, copied so access checks and org-wide lists need no join
    organization_id: uuid.UUID = fk_field("organizations.id")
    document_id: uuid.UUID | None = fk_field("documents.id", nullable=True, ondelete="SET NULL")
    # the organization that filed it for the candidate (null when the candidate applied): it
    # may read the application, never manage it
    filed_by_organization_id: uuid.UUID | None = fk_field(
        "organizations.id", nullable=True, ondelete="SET NULL"
    )
    stage: ApplicationStage = Field(sa_type=enum_type(ApplicationStage), index=True)
    cover_letter: str | None = Field(default=None, max_length=10000)
    # score of the latest completed evaluation the job's organization ran: ranks applicants
    score: float | None = None
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class ApplicationEvent(SQLModel, table=True):
    __tablename__ = "application_events"

    id: uuid.UUID = id_field()
    application_id: uuid.UUID = fk_field("applications.id")
    from_stage: ApplicationStage | None = Field(
        default=None, sa_type=enum_type(ApplicationStage, "from_stage")
    )
    to_stage: ApplicationStage = Field(sa_type=enum_type(ApplicationStage, "to_stage"))
    actor_id: uuid.UUID | None = fk_field("users.id", nullable=True, ondelete="SET NULL")
    note: str | None = Field(default=None, max_length=2000)
    created_at: datetime = created_field()
