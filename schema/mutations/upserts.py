"""Partner bulk upserts, CSV imports and import jobs."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from models.enums import CollectionMode, ErrorPolicy
from resolvers.context import Context
from resolvers.upserts import imports_api
from resolvers.upserts.api import Queued, upsert
from resolvers.upserts.batches import BatchOutcome
from resolvers.upserts.engine import Options
from resolvers.upserts.specs import CANDIDATES, JOBS
from schema.inputs import lookup_id
from schema.inputs_upsert import UpsertCandidatesInput, UpsertJobsInput, plain_items
from schema.types.errors import (
    AuthenticationRequired,
    Forbidden,
    IdempotencyInProgress,
    IdempotencyKeyReused,
    InvalidState,
    NotFound,
    ValidationError,
)
from schema.types.imports import (
    CandidateUpsertRow,
    ImportJobType,
    JobUpsertRow,
    UpsertCounts,
)

Info = strawberry.Info[Context, None]


@strawberry.type(description="The batch ran; one result per item, in input order.")
class UpsertCandidatesSuccess:
    batch_id: strawberry.ID = strawberry.field(
        description="Id of the batch: `importJob(id)` reads it again, `revertImport` undoes it."
    )
    dry_run: bool = strawberry.field(description="True when nothing was written.")
    counts: UpsertCounts = strawberry.field(description="Items per outcome.")
    results: list[CandidateUpsertRow] = strawberry.field(description="One result per item.")


@strawberry.type(description="The batch ran; one result per item, in input order.")
class UpsertJobsSuccess:
    batch_id: strawberry.ID = strawberry.field(
        description="Id of the batch: `importJob(id)` reads it again, `revertImport` undoes it."
    )
    dry_run: bool = strawberry.field(description="True when nothing was written.")
    counts: UpsertCounts = strawberry.field(description="Items per outcome.")
    results: list[JobUpsertRow] = strawberry.field(description="One result per item.")


@strawberry.type(
    description="More than 1,000 items (or a CSV file): an import job was queued. Follow it "
    "with `importJob(id)`."
)
class ImportQueued:
    import_job: ImportJobType = strawberry.field(description="The queued job.")


@strawberry.type(description="The batch was reverted.")
class RevertImportSuccess:
    import_job: ImportJobType = strawberry.field(description="The batch, now REVERTED.")
    reverted: int = strawberry.field(description="Records removed or restored.")
    skipped_indexes: list[int] = strawberry.field(
        description="Items left alone because their record changed (or gained applications) "
        "after the batch."
    )


_ERRORS = (
    ValidationError
    | AuthenticationRequired
    | Forbidden
    | NotFound
    | IdempotencyKeyReused
    | IdempotencyInProgress
)
UpsertCandidatesResult = Annotated[
    UpsertCandidatesSuccess | ImportQueued | _ERRORS,
    strawberry.union("UpsertCandidatesResult", description="Result of `upsertCandidates`."),
]
UpsertJobsResult = Annotated[
    UpsertJobsSuccess | ImportQueued | _ERRORS,
    strawberry.union("UpsertJobsResult", description="Result of `upsertJobs`."),
]
ImportCandidatesCsvResult = Annotated[
    ImportQueued | _ERRORS,
    strawberry.union("ImportCandidatesCsvResult", description="Result of `importCandidatesCsv`."),
]
RevertImportResult = Annotated[
    RevertImportSuccess | AuthenticationRequired | NotFound | InvalidState,
    strawberry.union("RevertImportResult", description="Result of `revertImport`."),
]


def _options(input: UpsertCandidatesInput | UpsertJobsInput) -> Options:
    return Options(input.error_policy, input.collection_mode, input.dry_run)


@strawberry.type
class UpsertMutations:
    @strawberry.mutation(
        description="Create or update up to 100,000 candidates of your organization (partners "
        "and admins). Items match stored candidates by id, externalId, email, then phone; every "
        "written candidate gets source PARTNER. Up to 1,000 items run at once, more become an "
        "import job."
    )
    async def upsert_candidates(
        self,
        info: Info,
        input: Annotated[UpsertCandidatesInput, strawberry.argument(description="The batch.")],
    ) -> UpsertCandidatesResult:
        outcome = await upsert(
            info.context,
            CANDIDATES,
            plain_items(input.items),
            _options(input),
            idempotency_key=input.idempotency_key,
            organization_id=lookup_id(input.organization_id) if input.organization_id else None,
        )
        if isinstance(outcome, Queued):
            return ImportQueued(import_job=ImportJobType.from_model(outcome.batch))
        return _candidates_success(outcome, input.dry_run)

    @strawberry.mutation(
        description="Create or update up to 100,000 jobs of your organization (partners and "
        "admins), matched by id, then externalId. Up to 1,000 items run at once, more become "
        "an import job."
    )
    async def upsert_jobs(
        self,
        info: Info,
        input: Annotated[UpsertJobsInput, strawberry.argument(description="The batch.")],
    ) -> UpsertJobsResult:
        outcome = await upsert(
            info.context,
            JOBS,
            plain_items(input.items),
            _options(input),
            idempotency_key=input.idempotency_key,
            organization_id=lookup_id(input.organization_id) if input.organization_id else None,
        )
        if isinstance(outcome, Queued):
            return ImportQueued(import_job=ImportJobType.from_model(outcome.batch))
        return UpsertJobsSuccess(
            batch_id=strawberry.ID(str(outcome.batch_id)),
            dry_run=input.dry_run,
            counts=UpsertCounts.of(outcome.counts),
            results=[JobUpsertRow.of(r) for r in outcome.rows],
        )

    @strawberry.mutation(
        description="Upload a CSV file of candidates (one row per candidate; see the README "
        "for the columns, at most 100,000 rows). It becomes an import job."
    )
    async def import_candidates_csv(
        self,
        info: Info,
        file: Annotated[Upload, strawberry.argument(description="The CSV file (UTF-8).")],
        idempotency_key: Annotated[
            str | None,
            strawberry.argument(description="As for upsertCandidates (required for partners)."),
        ] = None,
        error_policy: Annotated[
            ErrorPolicy, strawberry.argument(description="As for upsertCandidates.")
        ] = ErrorPolicy.REJECT_FAILED_ROWS,
        collection_mode: Annotated[
            CollectionMode, strawberry.argument(description="As for upsertCandidates.")
        ] = CollectionMode.MERGE,
        organization_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Admins: acting organization.")
        ] = None,
    ) -> ImportCandidatesCsvResult:
        batch = await imports_api.import_csv(
            info.context,
            file,
            Options(error_policy, collection_mode),
            idempotency_key=idempotency_key,
            organization_id=lookup_id(organization_id) if organization_id else None,
        )
        return ImportQueued(import_job=ImportJobType.from_model(batch))

    @strawberry.mutation(
        description="Undo a finished batch: candidates or jobs it created are removed, those it "
        "updated get their prior state back. Records changed since are left alone and listed."
    )
    async def revert_import(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The batch id.")],
    ) -> RevertImportResult:
        batch, done = await imports_api.revert(info.context, lookup_id(id))
        return RevertImportSuccess(
            import_job=ImportJobType.from_model(batch),
            reverted=done.reverted,
            skipped_indexes=[index for index, _ in done.skipped],
        )


def _candidates_success(outcome: BatchOutcome, dry_run: bool) -> UpsertCandidatesSuccess:
    return UpsertCandidatesSuccess(
        batch_id=strawberry.ID(str(outcome.batch_id)),
        dry_run=dry_run,
        counts=UpsertCounts.of(outcome.counts),
        results=[CandidateUpsertRow.of(r) for r in outcome.rows],
    )
