"""Jobs and the skills they ask for."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import created_field, enum_type, fk_field, id_field
from models.enums import EmploymentType, JobStatus


class Job(SQLModel, table=True):
    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("organization_id", "external_id"),
        Index("ix_jobs_created_at_id", "created_at", "id"),
        Index("ix_jobs_updated_at_id", "updated_at", "id"),
        Index("ix_jobs_status_created_at", "status", "created_at"),
        CheckConstraint(
            "salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max",
            name="salary_ordered",
        ),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: uuid.UUID = id_field()
    organization_id: uuid.UUID = fk_field("organizations.id")
    title: str = Field(max_length=200, index=True)
    description: str = Field(default="", max_length=20000)
    location: str | None = Field(default=None, max_length=200, index=True)
    remote: bool = Field(default=False, index=True)
    employment_type: EmploymentType = Field(sa_type=enum_type(EmploymentType), index=True)
    salary_min: int | None = Field(default=None, index=True)
    salary_max: int | None = Field(default=None, index=True)
    salary_currency: str | None = Field(default=None, max_length=3)
    status: JobStatus = Field(sa_type=enum_type(JobStatus), index=True)
    external_id: str | None = Field(default=None, max_length=200)
    version: int = Field(default=1)
    published_at: datetime | None = None
    # applications close then; candidates who applied are reminded 3 days before and on the day
    closes_at: datetime | None = None
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class JobSkill(SQLModel, table=True):
    __tablename__ = "job_skills"
    __table_args__ = (
        UniqueConstraint("job_id", "skill_id"),
        CheckConstraint("weight >= 0 AND weight <= 10", name="weight_range"),
    )

    id: uuid.UUID = id_field()
    job_id: uuid.UUID = fk_field("jobs.id")
    skill_id: uuid.UUID = fk_field("skills.id", ondelete="RESTRICT")
    required: bool = Field(default=True)
    weight: float = Field(default=1.0)
    created_at: datetime = created_field()


class SavedJob(SQLModel, table=True):
    """A job a candidate keeps an eye on: its deadline reminders reach them too."""

    __tablename__ = "saved_jobs"
    __table_args__ = (UniqueConstraint("candidate_id", "job_id"),)

    id: uuid.UUID = id_field()
    candidate_id: uuid.UUID = fk_field("candidates.id")
    job_id: uuid.UUID = fk_field("jobs.id")
    created_at: datetime = created_field()
