"""Evaluations: a candidate's CV scored against a job or a free-text job prompt."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from models.base import PortableJSON, created_field, enum_type, fk_field, id_field
from models.enums import EvaluationStatus


class Evaluation(SQLModel, table=True):
    __tablename__ = "evaluations"
    __table_args__ = (
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
        Index("ix_evaluations_created_at_id", "created_at", "id"),
        Index("ix_evaluations_reuse_key_status", "reuse_key", "status"),
    )

    id: uuid.UUID = id_field()
    candidate_id: uuid.UUID = fk_field("candidates.id")
    job_id: uuid.UUID | None = fk_field("jobs.id", nullable=True, ondelete="SET NULL")
    application_id: uuid.UUID | None = fk_field("applications.id", nullable=True)
    document_id: uuid.UUID | None = fk_field("documents.id", nullable=True, ondelete="SET NULL")
    # the organization that asked for it; it decides who may read the result
    organization_id: uuid.UUID | None = fk_field(
        "organizations.id", nullable=True, ondelete="SET NULL"
    )
    # who asked: a candidate sees only the evaluations they requested themself
    requested_by_id: uuid.UUID | None = fk_field("users.id", nullable=True, ondelete="SET NULL")
    job_prompt: str | None = Field(default=None, max_length=20000)
    # the structured free-text job (title, skills, years, location, remote) when there is no job
    prompt: dict[str, Any] | None = Field(default=None, sa_type=PortableJSON)
    status: EvaluationStatus = Field(sa_type=enum_type(EvaluationStatus), index=True)
    score: float | None = None
    rationale: str | None = Field(default=None, max_length=10000)
    matches: list[str] = Field(default_factory=list, sa_type=PortableJSON)
    gaps: list[str] = Field(default_factory=list, sa_type=PortableJSON)
    criteria: list[dict[str, Any]] = Field(default_factory=list, sa_type=PortableJSON)
    # what was asked for, and (once finished) what produced the result: they differ when the
    # LLM was unavailable and LLM_FALLBACK=rules answered instead
    requested_engine: str = Field(default="rules", max_length=60)
    engine: str = Field(default="rules", max_length=60)
    engine_version: str = Field(default="1", max_length=30)
    failure_reason: str | None = Field(default=None, max_length=500)
    # (requester scope, candidate version, job version or prompt hash, document, engine and its
    # version): an equal key means an equal result, so a request with one is answered by reuse
    reuse_key: str | None = Field(default=None, max_length=64)
    candidate_version: int | None = None
    job_version: int | None = None
    batch_id: uuid.UUID | None = Field(default=None, index=True)
    attempts: int = Field(default=0)
    usage: dict[str, Any] | None = Field(default=None, sa_type=PortableJSON)
    latency_ms: float | None = None
    created_at: datetime = created_field()
    started_at: datetime | None = None
    updated_at: datetime = created_field()
    completed_at: datetime | None = None
