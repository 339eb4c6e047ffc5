"""Reading candidates: by id and as a filtered, ordered, paginated list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, exists, or_
from sqlmodel import col

from loaders.pagination import OrderColumn, PageArgs
from loaders.policy import (
    can_view_candidate,
    candidate_clause,
    pii_clause,
    pii_needs_relationship,
)
from loaders.registry import LoaderSet
from models.candidate import Candidate, CandidateSkill
from models.enums import CandidateSource
from models.skill import Skill
from resolvers.context import Context
from resolvers.pages import OrderDirection, Page, bounded, fetch_page, like_pattern


class CandidateOrderField(StrEnum):
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    NAME = "NAME"


ID = OrderColumn(col(Candidate.id), "id", uuid.UUID)
CANDIDATE_ORDERS: dict[CandidateOrderField, tuple[OrderColumn, ...]] = {
    CandidateOrderField.CREATED_AT: (
        OrderColumn(col(Candidate.created_at), "created_at", datetime),
        ID,
    ),
    CandidateOrderField.UPDATED_AT: (
        OrderColumn(col(Candidate.updated_at), "updated_at", datetime),
        ID,
    ),
    CandidateOrderField.NAME: (
        OrderColumn(col(Candidate.last_name), "last_name"),
        OrderColumn(col(Candidate.first_name), "first_name"),
        ID,
    ),
}


@dataclass(frozen=True)
class CandidateFilter:
    search: str | None = None
    skills: tuple[str, ...] = ()
    location: str | None = None
    source: CandidateSource | None = None
    updated_since: datetime | None = None


def _has_skill(name: str) -> ColumnElement[bool]:
    return exists().where(
        col(CandidateSkill.candidate_id) == col(Candidate.id),
        col(CandidateSkill.skill_id) == col(Skill.id),
        col(Skill.normalized_name) == name.strip().lower(),
    )


def _search(text: str, pii_visible: ColumnElement[bool]) -> ColumnElement[bool]:
    pattern = like_pattern(text)
    skill_match = exists().where(
        col(CandidateSkill.candidate_id) == col(Candidate.id),
        col(CandidateSkill.skill_id) == col(Skill.id),
        col(Skill.name).ilike(pattern, escape="\\"),
    )
    full_name = col(Candidate.first_name) + " " + col(Candidate.last_name)
    return or_(
        full_name.ilike(pattern, escape="\\"),
        col(Candidate.headline).ilike(pattern, escape="\\"),
        skill_match,
        # matching on email would reveal contact data, so only where it is visible anyway
        and_(col(Candidate.email).ilike(pattern, escape="\\"), pii_visible),
    )


def candidate_filters(ctx: Context, flt: CandidateFilter | None) -> list[ColumnElement[bool]]:
    clauses = [candidate_clause(ctx.viewer)]
    if flt is None:
        return clauses
    if flt.search and flt.search.strip():
        clauses.append(_search(flt.search, pii_clause(ctx.viewer)))
    for name in bounded(flt.skills, "filter.skills"):
        clauses.append(_has_skill(name))
    if flt.location and flt.location.strip():
        clauses.append(col(Candidate.location).ilike(like_pattern(flt.location), escape="\\"))
    if flt.source is not None:
        clauses.append(col(Candidate.source) == flt.source)
    if flt.updated_since is not None:
        clauses.append(col(Candidate.updated_at) >= flt.updated_since)
    return clauses


async def list_candidates(
    ctx: Context,
    args: PageArgs,
    flt: CandidateFilter | None,
    order: CandidateOrderField,
    direction: OrderDirection,
) -> Page[Candidate]:
    return await fetch_page(
        ctx.session_factory,
        Candidate,
        candidate_filters(ctx, flt),
        CANDIDATE_ORDERS[order],
        direction,
        f"candidate:{order.value}",
        args,
    )


async def get_candidate(
    ctx: Context, loaders: LoaderSet, candidate_id: uuid.UUID
) -> Candidate | None:
    row = await loaders.candidate.load(candidate_id)
    return row if row is not None and can_view_candidate(ctx.viewer, row) else None


async def can_see_contact_details(ctx: Context, loaders: LoaderSet, row: Candidate) -> bool:
    """Whether contact PII of this candidate resolves for the viewer (batched when needed)."""
    decided = pii_needs_relationship(ctx.viewer, row)
    if decided is not None:
        return decided
    loader = loaders.related_candidate
    return loader is not None and await loader.load(row.id)
