"""The canonical skill vocabulary."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import PortableJSON, created_field, id_field


class Skill(SQLModel, table=True):
    __tablename__ = "skills"

    id: uuid.UUID = id_field()
    name: str = Field(max_length=100)
    # lower-cased canonical name; unique so concurrent writers cannot create twins
    normalized_name: str = Field(max_length=100, unique=True)
    aliases: list[str] = Field(default_factory=list, sa_type=PortableJSON)
    category: str | None = Field(default=None, max_length=60)
    created_at: datetime = created_field()
