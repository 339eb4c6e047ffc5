"""Organizations (employers, agencies, partners) and their users."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import PortableJSON, created_field, enum_type, fk_field, id_field, updated_field
from models.enums import OrganizationKind, Role


class Organization(SQLModel, table=True):
    __tablename__ = "organizations"

    id: uuid.UUID = id_field()
    name: str = Field(max_length=200, index=True)
    slug: str = Field(max_length=80, unique=True)
    kind: OrganizationKind = Field(sa_type=enum_type(OrganizationKind))
    website: str | None = Field(default=None, max_length=300)
    # pipeline stages this organization keeps to itself: candidates get no notice of a move there
    internal_stages: list[str] = Field(default_factory=list, sa_type=PortableJSON)
    created_at: datetime = created_field()
    updated_at: datetime = updated_field()


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: uuid.UUID = id_field()
    email: str = Field(max_length=320, unique=True)
    password_hash: str | None = Field(default=None, max_length=200)
    external_subject: str | None = Field(default=None, max_length=255, unique=True)
    role: Role = Field(sa_type=enum_type(Role), index=True)
    organization_id: uuid.UUID | None = fk_field(
        "organizations.id", nullable=True, ondelete="SET NULL"
    )
    is_active: bool = Field(default=True)
    created_at: datetime = created_field()
    updated_at: datetime = updated_field()


class RefreshToken(SQLModel, table=True):
    """One issued refresh token; tokens of one login share a family for reuse detection."""

    __tablename__ = "refresh_tokens"

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = fk_field("users.id")
    family_id: uuid.UUID = Field(index=True)
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime
    revoked_at: datetime | None = None
    replaced_by_id: uuid.UUID | None = None
    created_at: datetime = created_field()
