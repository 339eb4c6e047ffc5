"""Inputs of the partner bulk upserts: items carry the full profile plus batch options."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from enum import Enum
from typing import Any

import strawberry
from strawberry.types.arguments import InputContext
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.utils.str_converters import to_camel_case

from models.enums import CollectionMode, EmploymentType, ErrorPolicy, JobStatus
from schema.inputs_writes import (
    CandidateSkillInput,
    CertificationInput,
    EducationInput,
    JobSkillInput,
    WorkExperienceInput,
)

UNSET: Any = strawberry.UNSET


def _opt(description: str) -> Any:
    return strawberry.field(default=UNSET, description=description)


def payload(value: Any) -> Any:
    """An input object as a plain dict of the given fields (nested inputs included)."""
    if isinstance(value, list):
        return [payload(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: payload(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not UNSET
        }
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "value", value)


@strawberry.input(
    description="A candidate to create or update. It matches a stored candidate by `id`, then "
    "`externalId` (of your organization), then email, then phone. Left-out fields and lists "
    "keep their stored values; null clears an optional field."
)
class CandidateUpsertInput:
    id: strawberry.ID | None = _opt("Update exactly this candidate (it must exist).")
    external_id: str | None = _opt("Your system's id of the candidate (max 200).")
    first_name: str = strawberry.field(description="Given name (1 to 100).")
    last_name: str = strawberry.field(description="Family name (1 to 100).")
    email: str | None = _opt("Email; trimmed and lower-cased. Unique among candidates.")
    phone: str | None = _opt("International phone ('+49 151 2345678'), stored as E.164.")
    date_of_birth: date | None = _opt("Not in the future, not before 1900.")
    gender: str | None = _opt("As the candidate states it (max 40).")
    location: str | None = _opt("City and country (max 200).")
    headline: str | None = _opt("One-line summary (max 300).")
    summary: str | None = _opt("Profile text (max 5,000).")
    education: list[EducationInput] | None = _opt(
        "Education (max 50); an entry matches a stored one by institution, degree, startDate."
    )
    work_experience: list[WorkExperienceInput] | None = _opt(
        "Positions (max 50); an entry matches a stored one by company, title, startDate."
    )
    skills: list[CandidateSkillInput] | None = _opt(
        "Skills (max 100), canonicalized; an entry matches the stored entry of the same skill."
    )
    certifications: list[CertificationInput] | None = _opt(
        "Certifications (max 50); an entry matches a stored one by name and issuer."
    )


@strawberry.input(
    description="A job to create or update: matched by `id`, then `externalId` of your "
    "organization. New jobs start as DRAFT unless `status` says otherwise."
)
class JobUpsertInput:
    id: strawberry.ID | None = _opt("Update exactly this job (it must exist).")
    external_id: str | None = _opt("Your system's id of the job (max 200).")
    title: str = strawberry.field(description="Job title (1 to 200).")
    employment_type: EmploymentType = strawberry.field(description="Contract form.")
    description: str | None = _opt("Full description (max 20,000).")
    location: str | None = _opt("Office location (max 200).")
    remote: bool | None = _opt("Whether the job can be done remotely.")
    salary_min: int | None = _opt("Lower end of the yearly salary (>= 0).")
    salary_max: int | None = _opt("Upper end of the yearly salary (>= salaryMin).")
    salary_currency: str | None = _opt("ISO 4217 code, 3 letters.")
    status: JobStatus | None = _opt(
        "DRAFT, OPEN or CLOSED; a change must follow the job status machine."
    )
    skills: list[JobSkillInput] | None = _opt(
        "Skills the job asks for (max 100); an entry matches the stored entry of the same skill."
    )


@strawberry.input(description="Options shared by both bulk upserts.")
class UpsertOptions:
    error_policy: ErrorPolicy = strawberry.field(
        default=ErrorPolicy.REJECT_FAILED_ROWS,
        description="REJECT_EVERYTHING: all or nothing. REJECT_FAILED_ROWS (default): valid "
        "rows are written, invalid ones reported. IGNORE_FAILED: invalid nested entries are "
        "dropped (reported as warnings) and the rest of the row is written.",
    )
    dry_run: bool = strawberry.field(
        default=False, description="Compute exactly the same results and write nothing."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="1 to 255 characters, required for partner accounts (not for dry runs). "
        "The same key within 24 hours replays the first call's result without writing; with a "
        "different payload it is an IdempotencyKeyReused error.",
    )
    collection_mode: CollectionMode = strawberry.field(
        default=CollectionMode.MERGE,
        description="Nested lists: REPLACE (the stored list becomes the given one), MERGE "
        "(default: matching entries updated, new ones added, others kept) or APPEND (new "
        "entries added; entries equal to a stored one are skipped). A left-out list is kept.",
    )
    organization_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Admins: the organization the records belong to. Partners: their own "
        "(the default).",
    )


@strawberry.input(
    description="Up to 1,000 candidates run at once; up to 100,000 become an import job."
)
class UpsertCandidatesInput(UpsertOptions):
    items: list[CandidateUpsertInput] = strawberry.field(
        description="The candidates (1 to 100,000); results come back in this order."
    )


@strawberry.input(description="Up to 1,000 jobs run at once; up to 100,000 become an import job.")
class UpsertJobsInput(UpsertOptions):
    items: list[JobUpsertInput] = strawberry.field(
        description="The jobs (1 to 100,000); results come back in this order."
    )


# --- items as plain dicts ---------------------------------------------------------------------
#
# A batch of 1,000 full profiles is ~15,000 input objects. graphql-core has already coerced and
# validated them against the schema; building a dataclass per object (and walking them back into
# dicts for the engine) cost more CPU than planning the batch. The items' `from_input` hook, which
# strawberry calls with the coerced value, turns each item straight into the engine's payload:
# python field names, ISO dates, enum values; nested entries the same way.


def _python_names(definition: StrawberryObjectDefinition, names: dict[str, str]) -> None:
    for field in definition.fields:
        names[field.graphql_name or to_camel_case(field.python_name)] = field.python_name
        inner: Any = field.type
        while hasattr(inner, "of_type"):
            inner = inner.of_type
        nested = getattr(inner, "__strawberry_definition__", None)
        if isinstance(nested, StrawberryObjectDefinition) and nested.is_input:
            _python_names(nested, names)


def _plain(value: Any, names: Mapping[str, str]) -> Any:
    kind = type(value)
    if kind is dict:
        return {names.get(key, key): _plain(item, names) for key, item in value.items()}
    if kind is list:
        return [_plain(item, names) for item in value]
    if kind in _LEAVES or value is None:
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {names.get(key, key): _plain(item, names) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item, names) for item in value]
    return value


_LEAVES = frozenset({str, int, float, bool})


def _install_plain_items(cls: type) -> None:
    definition: StrawberryObjectDefinition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    names: dict[str, str] = {}
    _python_names(definition, names)

    def from_input(_: type, value: Mapping[str, Any], __: InputContext) -> dict[str, Any]:
        plain: dict[str, Any] = _plain(value, names)
        return plain

    definition.from_input = from_input


_install_plain_items(CandidateUpsertInput)
_install_plain_items(JobUpsertInput)


def plain_items(items: Sequence[Any]) -> list[dict[str, Any]]:
    """The items of an upsert input as engine payloads (dicts from the hook pass through)."""
    return [item if isinstance(item, dict) else payload(item) for item in items]
