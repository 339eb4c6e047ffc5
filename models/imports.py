"""Partner import batches, their per-row results, and idempotency keys of partner calls."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import PortableJSON, created_field, enum_type, fk_field, id_field
from models.enums import (
    CollectionMode,
    ErrorPolicy,
    ImportKind,
    ImportMode,
    ImportStatus,
    MatchedBy,
    UpsertOutcome,
)


class ImportBatch(SQLModel, table=True):
    """One upsert call (SYNC) or import job (ASYNC); its counts are the sum of its rows."""

    __tablename__ = "import_batches"
    __table_args__ = (Index("ix_import_batches_status_created_at", "status", "created_at"),)

    id: uuid.UUID = id_field()
    organization_id: uuid.UUID = fk_field("organizations.id")
    created_by_id: uuid.UUID | None = fk_field("users.id", nullable=True, ondelete="SET NULL")
    kind: ImportKind = Field(sa_type=enum_type(ImportKind))
    mode: ImportMode = Field(sa_type=enum_type(ImportMode))
    status: ImportStatus = Field(sa_type=enum_type(ImportStatus))
    error_policy: ErrorPolicy = Field(sa_type=enum_type(ErrorPolicy))
    collection_mode: CollectionMode = Field(sa_type=enum_type(CollectionMode))
    total: int = Field(default=0)
    processed: int = Field(default=0)
    created_count: int = Field(default=0)
    updated_count: int = Field(default=0)
    unchanged_count: int = Field(default=0)
    failed_count: int = Field(default=0)
    filename: str | None = Field(default=None, max_length=255)
    error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = created_field()
    started_at: datetime | None = None
    finished_at: datetime | None = None
    reverted_at: datetime | None = None
    # set by the running job after every chunk; an unfinished job whose heartbeat is old has
    # lost its worker, and the sweeper sends it again
    heartbeat_at: datetime | None = None
    runner: uuid.UUID | None = None  # the run that holds the job; chunks of any other run abort


class ImportRow(SQLModel, table=True):
    """One item of a batch: its input (async jobs), what happened to it, and its prior state."""

    __tablename__ = "import_rows"

    batch_id: uuid.UUID = Field(
        sa_column=Column(
            ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    position: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    payload: dict[str, Any] | None = Field(default=None, sa_type=PortableJSON)
    outcome: UpsertOutcome | None = Field(default=None, sa_type=enum_type(UpsertOutcome))
    matched_by: MatchedBy | None = Field(default=None, sa_type=enum_type(MatchedBy))
    entity_id: uuid.UUID | None = Field(default=None, index=True)
    # version of the record right after this batch wrote it: a revert leaves later edits alone
    entity_version: int | None = None
    errors: list[dict[str, Any]] | None = Field(default=None, sa_type=PortableJSON)
    warnings: list[dict[str, Any]] | None = Field(default=None, sa_type=PortableJSON)
    # the record as stored before an UPDATE, so the batch can be reverted
    before: dict[str, Any] | None = Field(default=None, sa_type=PortableJSON)


class IdempotencyKey(SQLModel, table=True):
    """A partner's `idempotencyKey`: claimed before the work, completed with the batch id."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: uuid.UUID = id_field()
    scope: str = Field(max_length=80)  # "org:<uuid>" or "user:<uuid>"
    key: str = Field(max_length=255)
    operation: str = Field(max_length=60)
    request_hash: str = Field(max_length=64)
    batch_id: uuid.UUID | None = None
    completed: bool = Field(default=False)
    created_at: datetime = created_field()
    expires_at: datetime = Field(index=True)
