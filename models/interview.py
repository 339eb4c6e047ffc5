"""Interviews of an application, their panel, the panel's scorecards, and shared notes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import PortableJSON, created_field, enum_type, fk_field, id_field
from models.enums import InterviewKind, InterviewStatus, Recommendation


class Interview(SQLModel, table=True):
    __tablename__ = "interviews"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 480", name="duration"),
        Index("ix_interviews_organization_id_starts_at", "organization_id", "starts_at"),
        Index("ix_interviews_candidate_id_starts_at", "candidate_id", "starts_at"),
    )

    id: uuid.UUID = id_field()
    application_id: uuid.UUID = fk_field("applications.id")
    # copied from the application so calendars and access checks need no join
    organization_id: uuid.UUID = fk_field("organizations.id")
    candidate_id: uuid.UUID = fk_field("candidates.id")
    job_id: uuid.UUID = fk_field("jobs.id")
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    timezone: str = Field(max_length=64)  # IANA name the times are shown in
    kind: InterviewKind = Field(sa_type=enum_type(InterviewKind))
    location: str | None = Field(default=None, max_length=300)
    meeting_url: str | None = Field(default=None, max_length=500)
    preparation_notes: str | None = Field(default=None, max_length=5000)
    status: InterviewStatus = Field(sa_type=enum_type(InterviewStatus), index=True)
    cancel_reason: str | None = Field(default=None, max_length=1000)
    # RFC 5545 SEQUENCE: bumped by each reschedule or cancellation, so calendars update
    sequence: int = Field(default=0)
    created_by_id: uuid.UUID | None = fk_field("users.id", nullable=True, ondelete="SET NULL")
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class InterviewPanelist(SQLModel, table=True):
    __tablename__ = "interview_panelists"
    __table_args__ = (UniqueConstraint("interview_id", "user_id"),)

    id: uuid.UUID = id_field()
    interview_id: uuid.UUID = fk_field("interviews.id")
    user_id: uuid.UUID = fk_field("users.id")
    created_at: datetime = created_field()


class Scorecard(SQLModel, table=True):
    __tablename__ = "scorecards"
    __table_args__ = (UniqueConstraint("interview_id", "interviewer_id"),)

    id: uuid.UUID = id_field()
    interview_id: uuid.UUID = fk_field("interviews.id")
    interviewer_id: uuid.UUID = fk_field("users.id")
    application_id: uuid.UUID = fk_field("applications.id")
    # [{"criterion": str, "score": 1-4, "note": str | None}]
    ratings: list[dict[str, Any]] = Field(default_factory=list, sa_type=PortableJSON)
    recommendation: Recommendation = Field(sa_type=enum_type(Recommendation))
    summary: str | None = Field(default=None, max_length=5000)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()


class Note(SQLModel, table=True):
    """A note an organization keeps about a candidate or one of their applications."""

    __tablename__ = "notes"
    __table_args__ = (
        Index("ix_notes_organization_id_candidate_id", "organization_id", "candidate_id"),
    )

    id: uuid.UUID = id_field()
    organization_id: uuid.UUID = fk_field("organizations.id")
    candidate_id: uuid.UUID = fk_field("candidates.id")
    application_id: uuid.UUID | None = fk_field("applications.id", nullable=True)
    author_id: uuid.UUID | None = fk_field("users.id", nullable=True, ondelete="SET NULL")
    body: str = Field(sa_type=Text)
    mentions: list[str] = Field(default_factory=list, sa_type=PortableJSON)  # user ids
    created_at: datetime = created_field()
