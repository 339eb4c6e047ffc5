"""Candidates and their profile sections."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import created_field, enum_type, fk_field, id_field
from models.enums import CandidateSource, SkillLevel


class Candidate(SQLModel, table=True):
    __tablename__ = "candidates"
    __table_args__ = (
        UniqueConstraint("sourced_by_organization_id", "external_id"),
        Index("ix_candidates_created_at_id", "created_at", "id"),
        Index("ix_candidates_updated_at_id", "updated_at", "id"),
        Index("ix_candidates_last_name_first_name_id", "last_name", "first_name", "id"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("email = lower(trim(email))", name="email_normalized"),
        CheckConstraint("phone LIKE '+%'", name="phone_e164"),
    )

    id: uuid.UUID = id_field()
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    # normalized (trimmed, lower-cased) email and E.164 phone: unique when present
    email: str | None = Field(default=None, max_length=320, unique=True)
    phone: str | None = Field(default=None, max_length=20, unique=True)
    date_of_birth: date | None = None
    gender: str | None = Field(default=None, max_length=40)
    location: str | None = Field(default=None, max_length=200, index=True)
    headline: str | None = Field(default=None, max_length=300)
    summary: str | None = Field(default=None, max_length=5000)
    source: CandidateSource = Field(sa_type=enum_type(CandidateSource), index=True)
    sourced_by_organization_id: uuid.UUID | None = fk_field(
        "organizations.id", nullable=True, ondelete="SET NULL"
    )
    external_id: str | None = Field(default=None, max_length=200)
    user_id: uuid.UUID | None = Field(
        default=None, foreign_key="users.id", unique=True, ondelete="SET NULL"
    )
    version: int = Field(default=1)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class Education(SQLModel, table=True):
    __tablename__ = "education"
    __table_args__ = (
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR start_date <= end_date", name="dates_ordered"
        ),
    )

    id: uuid.UUID = id_field()
    candidate_id: uuid.UUID = fk_field("candidates.id")
    institution: str = Field(max_length=200)
    degree: str | None = Field(default=None, max_length=200)
    field_of_study: str | None = Field(default=None, max_length=200)
    start_date: date | None = None
    end_date: date | None = None
    grade: str | None = Field(default=None, max_length=50)
    description: str | None = Field(default=None, max_length=2000)
    created_at: datetime = created_field()


class WorkExperience(SQLModel, table=True):
    __tablename__ = "work_experience"
    __table_args__ = (
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR start_date <= end_date", name="dates_ordered"
        ),
    )

    id: uuid.UUID = id_field()
    candidate_id: uuid.UUID = fk_field("candidates.id")
    company_name: str = Field(max_length=200)
    job_title: str = Field(max_length=200)
    location: str | None = Field(default=None, max_length=200)
    start_date: date | None = None
    end_date: date | None = None
    is_current: bool = Field(default=False)
    description: str | None = Field(default=None, max_length=5000)
    created_at: datetime = created_field()


class Certification(SQLModel, table=True):
    __tablename__ = "certifications"

    id: uuid.UUID = id_field()
    candidate_id: uuid.UUID = fk_field("candidates.id")
    name: str = Field(max_length=200)
    issuer: str | None = Field(default=None, max_length=200)
    issue_date: date | None = None
    expiry_date: date | None = None
    credential_id: str | None = Field(default=None, max_length=200)
    credential_url: str | None = Field(default=None, max_length=500)
    created_at: datetime = created_field()


class CandidateSkill(SQLModel, table=True):
    __tablename__ = "candidate_skills"
    __table_args__ = (
        UniqueConstraint("candidate_id", "skill_id"),
        CheckConstraint("years IS NULL OR (years >= 0 AND years <= 70)", name="years_range"),
    )

    id: uuid.UUID = id_field()
    candidate_id: uuid.UUID = fk_field("candidates.id")
    skill_id: uuid.UUID = fk_field("skills.id", ondelete="RESTRICT")
    level: SkillLevel | None = Field(default=None, sa_type=enum_type(SkillLevel))
    years: float | None = None
    created_at: datetime = created_field()
