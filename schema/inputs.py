"""Filter and order inputs of the list queries."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

import schema.types.common  # noqa: F401  (registers the GraphQL enums)
from models.enums import ApplicationStage, CandidateSource, EmploymentType, JobStatus
from resolvers.applications import ApplicationFilter, ApplicationOrderField
from resolvers.audit import AuditFilter
from resolvers.candidates import CandidateFilter, CandidateOrderField
from resolvers.errors import BadUserInputError, NotFoundError
from resolvers.jobs import JobFilter, JobOrderField
from resolvers.pages import (
    MAX_NAME_LENGTH,
    MAX_SEARCH_LENGTH,
    OrderDirection,
    bounded_text,
    bounded_texts,
)

strawberry.enum(CandidateOrderField, description="Sort key of `candidates`; ties break on id.")
strawberry.enum(JobOrderField, description="Sort key of `jobs`.")
strawberry.enum(ApplicationOrderField, description="Sort key of `applications`.")


def parse_id(value: strawberry.ID | None, field: str) -> uuid.UUID | None:
    """Ids in filters must be well-formed (unlike lookups, where a bad id is just missing)."""
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise BadUserInputError("not a valid id", field=field) from exc


def lookup_id(value: strawberry.ID) -> uuid.UUID | None:
    """A malformed id finds nothing, exactly like an unknown or forbidden one."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def optional_id(value: strawberry.ID | None, field: str) -> uuid.UUID | None:
    """An optional id argument: None when left out; a malformed one is NOT_FOUND on `field`."""
    if value is None:
        return None
    key = lookup_id(value)
    if key is None:
        raise NotFoundError("Not found", field=field)
    return key


@strawberry.input(description="Filters of `candidates`; all given conditions must hold.")
class CandidateFilterInput:
    search: str | None = strawberry.field(
        default=None,
        description="Case-insensitive text in name, headline or skill names (and email where "
        f"the viewer may see it); at most {MAX_SEARCH_LENGTH} characters.",
    )
    skills: list[str] | None = strawberry.field(
        default=None,
        description="Canonical skill names the candidate must ALL have (max 20, each at most "
        f"{MAX_NAME_LENGTH} characters).",
    )
    location: str | None = strawberry.field(
        default=None,
        description=f"Case-insensitive text in the location; at most {MAX_SEARCH_LENGTH} "
        "characters.",
    )
    source: CandidateSource | None = strawberry.field(
        default=None, description="Only candidates from this source."
    )
    updated_since: datetime | None = strawberry.field(
        default=None, description="Only candidates changed at or after this time."
    )

    def to_filter(self) -> CandidateFilter:
        return CandidateFilter(
            search=bounded_text(self.search, MAX_SEARCH_LENGTH, "filter.search"),
            skills=bounded_texts(self.skills, MAX_NAME_LENGTH, "filter.skills"),
            location=bounded_text(self.location, MAX_SEARCH_LENGTH, "filter.location"),
            source=self.source,
            updated_since=self.updated_since,
        )


@strawberry.input(description="Sort order of `candidates`.")
class CandidateOrderInput:
    field: CandidateOrderField = strawberry.field(
        default=CandidateOrderField.CREATED_AT, description="Sort key (default CREATED_AT)."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Sort direction (default ASC)."
    )


@strawberry.input(description="Filters of `jobs`; all given conditions must hold.")
class JobFilterInput:
    status: list[JobStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    search: str | None = strawberry.field(
        default=None,
        description="Case-insensitive text in title or description; at most "
        f"{MAX_SEARCH_LENGTH} characters.",
    )
    skills: list[str] | None = strawberry.field(
        default=None,
        description="Canonical skill names the job must ALL ask for (max 20, each at most "
        f"{MAX_NAME_LENGTH} characters).",
    )
    location: str | None = strawberry.field(
        default=None,
        description=f"Case-insensitive text in the location; at most {MAX_SEARCH_LENGTH} "
        "characters.",
    )
    employment_type: list[EmploymentType] | None = strawberry.field(
        default=None, description="Any of these contract forms."
    )
    remote: bool | None = strawberry.field(default=None, description="Remote or not.")
    salary_at_least: int | None = strawberry.field(
        default=None, description="Jobs whose salary range reaches at least this amount."
    )
    salary_at_most: int | None = strawberry.field(
        default=None, description="Jobs whose salary range starts at or below this amount."
    )
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only jobs of this organization."
    )

    def to_filter(self) -> JobFilter:
        return JobFilter(
            status=tuple(self.status or ()),
            search=bounded_text(self.search, MAX_SEARCH_LENGTH, "filter.search"),
            skills=bounded_texts(self.skills, MAX_NAME_LENGTH, "filter.skills"),
            location=bounded_text(self.location, MAX_SEARCH_LENGTH, "filter.location"),
            employment_type=tuple(self.employment_type or ()),
            remote=self.remote,
            salary_at_least=self.salary_at_least,
            salary_at_most=self.salary_at_most,
            organization_id=parse_id(self.organization_id, "filter.organizationId"),
        )


@strawberry.input(description="Sort order of `jobs`.")
class JobOrderInput:
    field: JobOrderField = strawberry.field(
        default=JobOrderField.CREATED_AT, description="Sort key (default CREATED_AT)."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.DESC, description="Sort direction (default DESC: newest first)."
    )


@strawberry.input(description="Filters of `applications`; all given conditions must hold.")
class ApplicationFilterInput:
    job_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only applications to this job."
    )
    candidate_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only applications of this candidate."
    )
    stage: list[ApplicationStage] | None = strawberry.field(
        default=None, description="Any of these stages."
    )

    def to_filter(self) -> ApplicationFilter:
        return ApplicationFilter(
            job_id=parse_id(self.job_id, "filter.jobId"),
            candidate_id=parse_id(self.candidate_id, "filter.candidateId"),
            stage=tuple(self.stage or ()),
        )


@strawberry.input(description="Sort order of `applications`.")
class ApplicationOrderInput:
    field: ApplicationOrderField = strawberry.field(
        default=ApplicationOrderField.CREATED_AT, description="Sort key (default CREATED_AT)."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.DESC, description="Sort direction (default DESC: newest first)."
    )


@strawberry.input(description="Filters of `auditLog`; all given conditions must hold.")
class AuditLogFilterInput:
    action: str | None = strawberry.field(
        default=None, description=f"Exact action name (at most {MAX_NAME_LENGTH} characters)."
    )
    entity_type: str | None = strawberry.field(
        default=None, description=f"Exact entity type (at most {MAX_NAME_LENGTH} characters)."
    )
    entity_id: str | None = strawberry.field(
        default=None, description=f"Exact entity id (at most {MAX_NAME_LENGTH} characters)."
    )
    actor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only entries of this user."
    )
    since: datetime | None = strawberry.field(
        default=None, description="Only entries at or after this time."
    )

    def to_filter(self) -> AuditFilter:
        return AuditFilter(
            action=bounded_text(self.action, MAX_NAME_LENGTH, "filter.action"),
            entity_type=bounded_text(self.entity_type, MAX_NAME_LENGTH, "filter.entityType"),
            entity_id=bounded_text(self.entity_id, MAX_NAME_LENGTH, "filter.entityId"),
            actor_id=parse_id(self.actor_id, "filter.actorId"),
            since=self.since,
        )
