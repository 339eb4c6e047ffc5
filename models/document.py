"""Stored CV files and what was extracted from them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, Text, text
from sqlmodel import Field, SQLModel

from models.base import PortableJSON, created_field, enum_type, fk_field, id_field
from models.enums import ApplyMode, DocumentStatus


class Document(SQLModel, table=True):
    __tablename__ = "documents"
    # one stored copy of a file per candidate: a second upload of the same bytes finds the first
    __table_args__ = (
        Index("uq_documents_candidate_id_sha256", "candidate_id", "sha256", unique=True),
    )

    id: uuid.UUID = id_field()
    candidate_id: uuid.UUID = fk_field("candidates.id")
    # the organization that uploaded it (partners, recruiters); null for the candidate's own
    organization_id: uuid.UUID | None = fk_field(
        "organizations.id", nullable=True, ondelete="SET NULL"
    )
    uploaded_by_id: uuid.UUID | None = fk_field("users.id", nullable=True, ondelete="SET NULL")
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=200, unique=True)
    status: DocumentStatus = Field(sa_type=enum_type(DocumentStatus), index=True)
    apply_mode: ApplyMode = Field(
        default=ApplyMode.AUTO_FILL,
        sa_type=enum_type(ApplyMode),
        sa_column_kwargs={"server_default": text("'AUTO_FILL'")},
    )
    page_count: int | None = None
    failure_reason: str | None = Field(default=None, max_length=500)
    extracted_text: str | None = Field(default=None, sa_type=Text)
    parsed_profile: dict[str, Any] | None = Field(default=None, sa_type=PortableJSON)
    findings: list[dict[str, Any]] | None = Field(default=None, sa_type=PortableJSON)
    # the job the CV was sent for, or a free-text role {"role", "description", "keySkills"}
    job_id: uuid.UUID | None = fk_field("jobs.id", nullable=True, ondelete="SET NULL")
    job_context: dict[str, Any] | None = Field(default=None, sa_type=PortableJSON)
    # profile fields the parse wrote to the candidate (AUTO_FILL, REPLACE), e.g. "headline"
    applied_fields: list[str] | None = Field(default=None, sa_type=PortableJSON)
    # parse attempts so far: each delivery of the parse message counts, retries included
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    parsed_at: datetime | None = None
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
