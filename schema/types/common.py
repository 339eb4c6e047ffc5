"""Connections, page info, ordering and the shared error interface."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, Generic, TypeVar

import strawberry

from models.enums import (
    ApplicationStage,
    ApplyMode,
    CandidateSource,
    CollectionMode,
    DocumentStatus,
    EmploymentType,
    ErrorPolicy,
    EvaluationStatus,
    ImportKind,
    ImportMode,
    ImportStatus,
    JobStatus,
    MatchedBy,
    OrganizationKind,
    Role,
    SkillLevel,
    UpsertOutcome,
)
from resolvers.pages import OrderDirection, Page

T = TypeVar("T")

strawberry.enum(Role, description="What a user may do (see the access policy).")
strawberry.enum(OrganizationKind, description="Kind of organization.")
strawberry.enum(CandidateSource, description="How a candidate entered the system.")
strawberry.enum(SkillLevel, description="Self-assessed or parsed skill level.")
strawberry.enum(JobStatus, description="DRAFT (not public), OPEN (accepts applications) or CLOSED.")
strawberry.enum(EmploymentType, description="Contract form of a job.")
strawberry.enum(ApplicationStage, description="Pipeline stage of an application.")
strawberry.enum(DocumentStatus, description="Processing state of a CV.")
strawberry.enum(
    ApplyMode,
    description="What a parsed CV does to the profile: AUTO_FILL fills empty fields and adds "
    "missing entries (never overwriting a value), SUGGEST only suggests, REPLACE (admins) "
    "overwrites fields and replaces the sections the CV lists.",
)
strawberry.enum(EvaluationStatus, description="Processing state of an evaluation.")
strawberry.enum(ErrorPolicy, description="What a batch does with invalid rows.")
strawberry.enum(CollectionMode, description="How given nested lists meet stored ones.")
strawberry.enum(UpsertOutcome, description="What happened to one item of a batch.")
strawberry.enum(MatchedBy, description="Which key matched an item to a stored record.")
strawberry.enum(ImportStatus, description="State of an import job.")
strawberry.enum(ImportKind, description="What an import job writes.")
strawberry.enum(ImportMode, description="SYNC: one upsert call; ASYNC: an import job.")
strawberry.enum(OrderDirection, name="OrderDirection", description="Sort direction.")


@strawberry.type(description="Where a page of a connection sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when more items follow this page.")
    has_previous_page: bool = strawberry.field(
        description="True when this page was requested with `after` (items precede it)."
    )
    start_cursor: str | None = strawberry.field(
        description="Cursor of the first edge, null on an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last edge; pass it as `after` to get the next page."
    )


@strawberry.type(description="One item of a connection with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item in the list.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(
    description="A page of a list in a stable order (keyset pagination: default 20, max 100)."
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Number of items in the whole filtered list (all pages).")
    async def total_count(self) -> int:
        return await self.count()


def to_connection(page: Page[Any], convert: Callable[[Any], T]) -> Connection[T]:
    edges = [
        Edge(cursor=cursor, node=convert(row))
        for row, cursor in zip(page.rows, page.cursors, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        count=page.total_count,
    )


@strawberry.enum(description="Machine-readable reason of a typed mutation error.")
class ErrorCode(Enum):
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    VALIDATION_FAILED = "VALIDATION_FAILED"
    REQUIRED = "REQUIRED"
    INVALID_FORMAT = "INVALID_FORMAT"
    TOO_SHORT = "TOO_SHORT"
    TOO_LONG = "TOO_LONG"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    INVALID_TOKEN = "INVALID_TOKEN"  # noqa: S105 - an error code
    INVALID_VALUE = "INVALID_VALUE"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    CONFLICT = "CONFLICT"
    DUPLICATE = "DUPLICATE"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    JOB_NOT_OPEN = "JOB_NOT_OPEN"
    RATE_LIMITED = "RATE_LIMITED"
    DUPLICATE_IN_BATCH = "DUPLICATE_IN_BATCH"
    REJECTED_BY_BATCH = "REJECTED_BY_BATCH"
    WRITE_FAILED = "WRITE_FAILED"
    ALREADY_PRESENT = "ALREADY_PRESENT"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    IDEMPOTENCY_IN_PROGRESS = "IDEMPOTENCY_IN_PROGRESS"
    INVALID_STATE = "INVALID_STATE"
    TOO_LARGE = "TOO_LARGE"
    NOT_A_PDF = "NOT_A_PDF"
    ENCRYPTED = "ENCRYPTED"
    TOO_MANY_PAGES = "TOO_MANY_PAGES"
    ENGINE_UNAVAILABLE = "ENGINE_UNAVAILABLE"
    APPLICATION_CLOSED = "APPLICATION_CLOSED"
    INTERVIEW_IN_PAST = "INTERVIEW_IN_PAST"
    INTERVIEWER_NOT_IN_ORGANIZATION = "INTERVIEWER_NOT_IN_ORGANIZATION"
    INTERVIEW_OVERLAP = "INTERVIEW_OVERLAP"


@strawberry.interface(description="An expected failure of a mutation, returned as data.")
class UserError:
    code: ErrorCode = strawberry.field(description="Stable machine-readable error code.")
    message: str = strawberry.field(description="Human-readable explanation.")
    field: str | None = strawberry.field(
        description="The input field that caused the error, if one did."
    )
