"""Results of the bulk upserts and import jobs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import strawberry

from models.enums import (
    CollectionMode,
    ErrorPolicy,
    ImportKind,
    ImportMode,
    ImportStatus,
    MatchedBy,
    UpsertOutcome,
)
from models.imports import ImportBatch
from resolvers.context import Context
from resolvers.upserts import jobs as import_jobs
from resolvers.upserts.batches import Counts
from resolvers.upserts.engine import RowResult
from schema.types.candidate import CandidateType, visible_candidate
from schema.types.common import ErrorCode
from schema.types.job import JobType, visible_job

Info = strawberry.Info[Context, None]


@strawberry.type(description="A problem with one item (or a note about it, as a warning).")
class UpsertRowError:
    path: str = strawberry.field(
        description="Field within the item, e.g. `email` or `education[1].endDate`; empty for "
        "the whole item."
    )
    code: ErrorCode = strawberry.field(description="Stable machine-readable code.")
    message: str = strawberry.field(description="Human-readable explanation.")


def _issues(items: list[dict[str, str]]) -> list[UpsertRowError]:
    return [
        UpsertRowError(path=i["path"], code=ErrorCode(i["code"]), message=i["message"])
        for i in items
    ]


@strawberry.type(description="Number of items per outcome.")
class UpsertCounts:
    created: int = strawberry.field(description="Items that created a record.")
    updated: int = strawberry.field(description="Items that changed a stored record.")
    unchanged: int = strawberry.field(description="Items equal to what is stored (not written).")
    failed: int = strawberry.field(description="Items not written (see their errors).")

    @classmethod
    def of(cls, counts: Counts) -> UpsertCounts:
        return cls(
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
            failed=counts.failed,
        )


@strawberry.interface(description="The result of one item of a batch.")
class UpsertRow:
    index: int = strawberry.field(description="Position of the item in the input (from 0).")
    outcome: UpsertOutcome | None = strawberry.field(
        description="What happened; null while an import job has not reached the item."
    )
    matched_by: MatchedBy | None = strawberry.field(
        description="The key that matched a stored record; null for a new one."
    )
    entity_id: strawberry.ID | None = strawberry.field(
        description="Id of the record written or matched (null when FAILED)."
    )
    errors: list[UpsertRowError] = strawberry.field(description="Why the item FAILED.")
    warnings: list[UpsertRowError] = strawberry.field(
        description="Notes on a written item, e.g. dropped nested entries (IGNORE_FAILED)."
    )


def _fields(row: RowResult) -> dict[str, Any]:
    return {
        "index": row.index,
        "outcome": row.outcome,
        "matched_by": row.matched_by,
        "entity_id": strawberry.ID(str(row.entity_id)) if row.entity_id else None,
        "errors": _issues(row.errors),
        "warnings": _issues(row.warnings),
        "key": row.entity_id,
    }


@strawberry.type(description="The result of one candidate item.")
class CandidateUpsertRow(UpsertRow):
    key: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="The candidate as now stored (null when FAILED).")
    def candidate(self, info: Info) -> CandidateType | None:
        return visible_candidate(info, self.key)

    @classmethod
    def of(cls, row: RowResult) -> CandidateUpsertRow:
        return cls(**_fields(row))


@strawberry.type(description="The result of one job item.")
class JobUpsertRow(UpsertRow):
    key: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="The job as now stored (null when FAILED).")
    def job(self, info: Info) -> JobType | None:
        return visible_job(info, self.key)

    @classmethod
    def of(cls, row: RowResult) -> JobUpsertRow:
        return cls(**_fields(row))


RowsFirst = Annotated[
    int, strawberry.argument(description="Page size: default 100, at most 1,000.")
]
RowsAfter = Annotated[
    int | None,
    strawberry.argument(description="Return items after this index (the last `index` you got)."),
]
RowsOutcome = Annotated[
    UpsertOutcome | None, strawberry.argument(description="Only items with this outcome.")
]


@strawberry.type(
    name="ImportJob",
    description="A batch of partner items: a synchronous upsert call or a queued import job. "
    "Its rows keep what happened to every item; a finished batch can be reverted.",
)
class ImportJobType:
    id: strawberry.ID = strawberry.field(description="The batch id (`batchId` of an upsert).")
    kind: ImportKind = strawberry.field(description="What the batch writes.")
    mode: ImportMode = strawberry.field(description="SYNC (one call) or ASYNC (import job).")
    status: ImportStatus = strawberry.field(description="Where the batch is.")
    error_policy: ErrorPolicy = strawberry.field(description="Its error policy.")
    collection_mode: CollectionMode = strawberry.field(description="Its collection mode.")
    total: int = strawberry.field(description="Number of items.")
    processed: int = strawberry.field(description="Items done so far.")
    counts: UpsertCounts = strawberry.field(description="Items per outcome so far.")
    filename: str | None = strawberry.field(description="Name of the uploaded CSV file, if any.")
    error: str | None = strawberry.field(description="Why the whole job failed or was rejected.")
    created_at: datetime = strawberry.field(description="When it was submitted (UTC).")
    started_at: datetime | None = strawberry.field(description="When work began.")
    finished_at: datetime | None = strawberry.field(description="When work ended.")
    reverted_at: datetime | None = strawberry.field(description="When it was reverted.")
    batch: strawberry.Private[ImportBatch]

    @strawberry.field(description="Share of items done, 0.0 to 1.0.")
    def progress(self) -> float:
        return 1.0 if self.total == 0 else round(self.processed / self.total, 4)

    @strawberry.field(description="Item results in input order, a page at a time.")
    async def rows(
        self,
        info: Info,
        first: RowsFirst = 100,
        after: RowsAfter = None,
        outcome: RowsOutcome = None,
    ) -> list[UpsertRow]:
        rows = await import_jobs.list_rows(
            info.context, self.batch.id, first=first, after=after, outcome=outcome
        )
        convert = CandidateUpsertRow.of if self.kind is ImportKind.CANDIDATES else JobUpsertRow.of
        return [convert(r) for r in rows]

    @classmethod
    def from_model(cls, batch: ImportBatch) -> ImportJobType:
        return cls(
            id=strawberry.ID(str(batch.id)),
            kind=batch.kind,
            mode=batch.mode,
            status=batch.status,
            error_policy=batch.error_policy,
            collection_mode=batch.collection_mode,
            total=batch.total,
            processed=batch.processed,
            counts=UpsertCounts(
                created=batch.created_count,
                updated=batch.updated_count,
                unchanged=batch.unchanged_count,
                failed=batch.failed_count,
            ),
            filename=batch.filename,
            error=batch.error,
            created_at=batch.created_at,
            started_at=batch.started_at,
            finished_at=batch.finished_at,
            reverted_at=batch.reverted_at,
            batch=batch,
        )
