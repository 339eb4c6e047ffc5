"""CSV imports, reading import jobs, and reverting batches, as the API offers them."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from models.enums import ImportStatus
from models.imports import ImportBatch
from resolvers.context import Context
from resolvers.csv_import import CsvFileError, parse_candidates_csv
from resolvers.errors import AuthenticationRequiredError, InvalidStateError, ValidationFailedError
from resolvers.upserts import idempotency
from resolvers.upserts.api import Queued, check_request, once, owner_of, scope_of
from resolvers.upserts.engine import Options
from resolvers.upserts.jobs import queue_import, visible_batch
from resolvers.upserts.revert import Reverted, revert_batch
from resolvers.upserts.specs import CANDIDATES, issue

MAX_CSV_BYTES = 64 * 1024 * 1024


async def import_csv(
    ctx: Context,
    file: Any,
    options: Options,
    *,
    idempotency_key: str | None,
    organization_id: uuid.UUID | None,
) -> ImportBatch:
    """Parse the file (bounded), store its rows and queue the job; bad lines fail alone."""
    try:
        scope = await scope_of(ctx, organization_id)
        data = await file.read(MAX_CSV_BYTES + 1)
    finally:
        await file.close()
    if len(data) > MAX_CSV_BYTES:
        raise ValidationFailedError([("file", "TOO_LONG", "The file exceeds 64 MiB")])
    try:
        rows = parse_candidates_csv(data)
    except CsvFileError as exc:
        raise ValidationFailedError([("file", exc.code, exc.message)]) from exc
    check_request(ctx, len(rows), idempotency_key, dry_run=False)
    payloads = [row.payload for row in rows]
    errors = {
        index: [issue(p, c, f"line {row.line}: {m}") for p, c, m in row.errors]
        for index, row in enumerate(rows)
        if row.payload is None
    }
    # a cell that could not be read fails its row, except under IGNORE_FAILED (it is dropped)
    warnings_only = options.error_policy.value == "IGNORE_FAILED"
    for index, row in enumerate(rows):
        if row.payload is not None and row.errors and not warnings_only:
            errors[index] = [issue(p, c, f"line {row.line}: {m}") for p, c, m in row.errors]
    filename = (getattr(file, "filename", None) or "upload.csv")[:255]

    async def queue(hold: idempotency.Hold | None = None) -> Queued:
        batch = await queue_import(
            ctx.session_factory,
            CANDIDATES,
            scope,
            options,
            payloads,
            filename=filename,
            row_errors=errors,
            hold=hold,
        )
        return Queued(batch)

    if idempotency_key is None:
        return (await queue()).batch
    digest = idempotency.request_hash(
        "import.csv",
        {"org": str(scope.organization_id), "options": str(options), "sha": _sha(data)},
    )
    key = idempotency.Key(owner_of(scope), idempotency_key, "import.csv", digest)
    queued = await once(ctx, key, queue)
    assert isinstance(queued, Queued)  # an import's key always names an import job
    return queued.batch


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def import_job(ctx: Context, batch_id: uuid.UUID | None) -> ImportBatch | None:
    if ctx.viewer.user_id is None:
        return None
    try:
        return await visible_batch(ctx, batch_id)
    except Exception:  # not found or not visible: null, like every other lookup
        return None


async def revert(ctx: Context, batch_id: uuid.UUID | None) -> tuple[ImportBatch, Reverted]:
    if ctx.viewer.user_id is None:
        raise AuthenticationRequiredError("Sign in to change data")
    batch = await visible_batch(ctx, batch_id)
    if batch.status not in (ImportStatus.COMPLETED, ImportStatus.FAILED):
        raise InvalidStateError(f"A {batch.status.value} batch cannot be reverted", field="id")
    done = await revert_batch(
        ctx.session_factory,
        batch.id,
        actor_id=ctx.viewer.user_id,
        request_id=ctx.request_id or None,
    )
    async with ctx.session_factory() as session:
        fresh = await session.get(ImportBatch, batch.id)
    assert fresh is not None
    return fresh, done
