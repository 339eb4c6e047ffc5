"""Stored CV files and what was extracted from them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from models.base import PortableJSON, created_field, enum_type, fk_field, id_field
from models.enums import DocumentStatus


class Document(SQLModel, table=True):
    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_candidate_id_sha256", "candidate_id", "sha256"),)

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
    page_count: int | None = None
    failure_reason: str | None = Field(default=None, max_length=500)
    extracted_text: str | None = Field(default=None, sa_type=Text)
    parsed_profile: dict[str, Any] | None = Field(default=None, sa_type=PortableJSON)
    findings: list[dict[str, Any]] | None = Field(default=None, sa_type=PortableJSON)
    job_context: dict[str, Any] | None = Field(default=None, sa_type=PortableJSON)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
