"""Creating, updating and erasing candidates: authorized, validated, audited, race-safe."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from loaders.policy import (
    Viewer,
    can_create_candidates,
    can_view_candidate,
    can_write_candidate,
    candidate_clause,
    pii_clause,
)
from models.candidate import Candidate
from models.document import Document
from models.enums import CandidateSource, Role
from models.organization import User
from models.storage import open_storage
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import (
    AuthenticationRequiredError,
    ConflictError,
    DuplicateError,
    ForbiddenError,
    NotFoundError,
)
from resolvers.write_checks import WriteChecks

logger = logging.getLogger("talentgraph.candidates")

# field -> (required, max length) of the free-text columns
TEXT_FIELDS = {
    "first_name": (True, 100),
    "last_name": (True, 100),
    "gender": (False, 40),
    "location": (False, 200),
    "headline": (False, 300),
    "summary": (False, 5000),
    "external_id": (False, 200),
}
# contact data: audit details name these fields but never hold their values
CANDIDATE_NOT_FOUND = "Candidate not found"
SOURCES = {Role.RECRUITER: CandidateSource.INTERNAL, Role.PARTNER: CandidateSource.PARTNER}


def require_viewer(ctx: Context) -> None:
    if ctx.viewer.user_id is None:
        raise AuthenticationRequiredError("Sign in to change data")


def clean_candidate(checks: WriteChecks, given: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalize the given fields (a partial update gives only some)."""
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name in TEXT_FIELDS:
            required, max_length = TEXT_FIELDS[name]
            values[name] = checks.string(name, value, required=required, max_length=max_length)
        elif name == "email":
            values[name] = checks.optional_email(name, value)
        elif name == "phone":
            values[name] = checks.phone(name, value)
        elif name == "date_of_birth":
            values[name] = checks.birth_date(name, value)
        elif name == "source":
            if value is None:
                checks.reject(name, "REQUIRED", "input.source must not be null")
            values[name] = value
        else:  # pragma: no cover - the input types hold only the fields above
            raise ValueError(f"unknown candidate field {name}")
    return values


async def find_duplicate(
    session: AsyncSession, values: dict[str, Any], exclude: uuid.UUID | None = None
) -> tuple[str, uuid.UUID] | None:
    """The first contact field (email, phone) another candidate has already, with its id."""
    for name in ("email", "phone"):
        value = values.get(name)
        if value is None:
            continue
        statement = select(col(Candidate.id)).where(getattr(Candidate, name) == value)
        if exclude is not None:
            statement = statement.where(col(Candidate.id) != exclude)
        existing = (await session.exec(statement)).first()
        if existing is not None:
            return name, existing
    external_id = values.get("external_id")
    if external_id is not None and values.get("sourced_by_organization_id") is not None:
        statement = select(col(Candidate.id)).where(
            col(Candidate.external_id) == external_id,
            col(Candidate.sourced_by_organization_id) == values.get("sourced_by_organization_id"),
        )
        if exclude is not None:
            statement = statement.where(col(Candidate.id) != exclude)
        existing = (await session.exec(statement)).first()
        if existing is not None:
            return "external_id", existing
    return None


async def duplicate_error(
    session: AsyncSession, viewer: Viewer, found: tuple[str, uuid.UUID]
) -> DuplicateError:
    """The collision as the viewer may know it (A-07).

    The existing candidate's id is named only when the viewer may see that candidate and its
    contact data; otherwise a DUPLICATE without an id says the value is taken, never by whom
    (an id next to an email would tie the email to a profile whose contact data is hidden).
    """
    name, existing = found
    label = {"email": "email", "phone": "phone", "external_id": "externalId"}[name]
    statement = select(col(Candidate.id)).where(
        col(Candidate.id) == existing, candidate_clause(viewer), pii_clause(viewer)
    )
    disclosed = (await session.exec(statement)).first()
    return DuplicateError(
        f"Another candidate has this {label}", existing_id=disclosed, field=f"input.{label}"
    )


async def raise_duplicate_after(
    ctx: Context, exc: IntegrityError, values: dict[str, Any], exclude: uuid.UUID | None
) -> None:
    """A unique constraint fired (a concurrent writer won): name the row it collided with."""
    async with ctx.session_factory() as fresh:
        found = await find_duplicate(fresh, values, exclude)
        if found is None:
            raise exc
        raise await duplicate_error(fresh, ctx.viewer, found) from exc


async def create_candidate(ctx: Context, given: dict[str, Any]) -> Candidate:
    """Recruiters' candidates are INTERNAL, partners' PARTNER (both sourced by their org)."""
    require_viewer(ctx)
    viewer = ctx.viewer
    if not can_create_candidates(viewer):
        raise ForbiddenError("Candidates sign up through `register`")
    checks = WriteChecks()
    values = clean_candidate(checks, given)
    if "source" in given and not viewer.is_admin:
        checks.reject("source", "INVALID_VALUE", "Only admins choose the source")
    checks.done()
    if viewer.is_admin:
        values.setdefault("source", CandidateSource.DIRECT)
    else:
        assert viewer.role is not None
        values["source"] = SOURCES[viewer.role]
        values["sourced_by_organization_id"] = viewer.organization_id
    row = Candidate(**values)
    async with ctx.session_factory() as session:
        found = await find_duplicate(session, values)
        if found is not None:
            raise await duplicate_error(session, ctx.viewer, found)
        session.add(row)
        record(session, ctx, "candidate.create", "Candidate", row.id, {"source": row.source})
        try:
            await session.commit()
        except IntegrityError as exc:
            await session.rollback()
            await raise_duplicate_after(ctx, exc, values, None)
    return row


async def writable_candidate(session: AsyncSession, ctx: Context, candidate_id: Any) -> Candidate:
    """The candidate if the viewer may change it; invisible ones look missing."""
    require_viewer(ctx)
    row = await session.get(Candidate, candidate_id) if candidate_id is not None else None
    if row is None or not can_view_candidate(ctx.viewer, row):
        raise NotFoundError(CANDIDATE_NOT_FOUND, field="id")
    if not can_write_candidate(ctx.viewer, row):
        raise ForbiddenError("You may not change this candidate", field="id")
    return row


async def bump_version(
    session: AsyncSession,
    row: Candidate,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> None:
    """Apply `changes` and advance the version in one `UPDATE ... WHERE version = :v`.

    Without `expected_version` (section and skill changes, which name no version) the stored
    version is simply incremented in SQL, so concurrent section edits each count once.
    Raises ConflictError when `expected_version` is no longer the stored one.
    """
    candidate_id = row.id  # rows expire on rollback
    statement = update(Candidate).where(col(Candidate.id) == candidate_id)
    if expected_version is None:
        statement = statement.values(version=col(Candidate.version) + 1)
    else:
        statement = statement.where(col(Candidate.version) == expected_version).values(
            version=expected_version + 1
        )
    result = await session.exec(statement.values(**changes, updated_at=datetime.now(UTC)))
    if result.rowcount != 1:
        await session.rollback()
        current = (
            await session.exec(
                select(col(Candidate.version)).where(col(Candidate.id) == candidate_id)
            )
        ).first()
        if current is None:
            raise NotFoundError(CANDIDATE_NOT_FOUND, field="id")
        raise ConflictError(
            f"Candidate is at version {current}, not {expected_version}",
            current_version=current,
            field="version",
        )
    await session.refresh(row)


async def update_candidate(
    ctx: Context, candidate_id: uuid.UUID | None, version: int, given: dict[str, Any]
) -> Candidate:
    """Change only the given fields, if `version` is still the stored one."""
    checks = WriteChecks()
    values = clean_candidate(checks, given)
    if "source" in given and not ctx.viewer.is_admin:
        checks.reject("source", "INVALID_VALUE", "Only admins choose the source")
    async with ctx.session_factory() as session:
        row = await writable_candidate(session, ctx, candidate_id)
        checks.done()
        if version != row.version:
            raise ConflictError(
                f"Candidate is at version {row.version}, not {version}",
                current_version=row.version,
                field="version",
            )
        candidate_id = row.id  # rows expire on rollback
        scope = {**values, "sourced_by_organization_id": row.sourced_by_organization_id}
        found = await find_duplicate(session, scope, exclude=candidate_id)
        if found is not None:
            raise await duplicate_error(session, ctx.viewer, found)
        try:
            await bump_version(session, row, values, version)
            record(
                session, ctx, "candidate.update", "Candidate", row.id, {"fields": sorted(values)}
            )
            await session.commit()
        except IntegrityError as exc:
            await session.rollback()
            await raise_duplicate_after(ctx, exc, scope, candidate_id)
    return row


async def delete_candidate(ctx: Context, candidate_id: uuid.UUID | None) -> uuid.UUID:
    """Erase the candidate; the database cascades to profile sections, applications, CVs.

    A profile that belongs to a candidate account takes the account (and its sign-ins) with
    it: an account without its profile could neither apply nor sign up again with its email.
    The person may register again afterwards.

    The stored CV files go once the erasure is committed (a rollback keeps them); a file that
    cannot be deleted is logged, as its row, and so any way to reach it, is gone already.
    """
    async with ctx.session_factory() as session:
        row = await writable_candidate(session, ctx, candidate_id)
        deleted = row.id
        keys = list(
            (
                await session.exec(
                    select(col(Document.storage_key)).where(col(Document.candidate_id) == deleted)
                )
            ).all()
        )
        account = row.user_id
        details = {"documents": len(keys), "account": account is not None}
        record(session, ctx, "candidate.delete", "Candidate", deleted, details)
        await session.flush()  # the audit row's actor may be the account erased below
        await session.exec(delete(Candidate).where(col(Candidate.id) == deleted))
        if account is not None:
            await session.exec(
                delete(User).where(col(User.id) == account, col(User.role) == Role.CANDIDATE)
            )
        await session.commit()
    storage = open_storage(ctx.settings)
    for key in keys:
        try:
            await storage.delete(key)
        except Exception:  # the erasure stands; the operator cleans up the file
            logger.exception("could not delete stored file %s of candidate %s", key, deleted)
    return deleted
