"""Inputs of the candidate and job mutations; a left-out field of an update stays unchanged."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

import strawberry

import schema.types.common  # noqa: F401  (registers the GraphQL enums)
from models.enums import CandidateSource, EmploymentType, SkillLevel
from resolvers.skills_vocabulary import SkillWanted

UNSET: Any = strawberry.UNSET


def given(value: Any) -> dict[str, Any]:
    """The fields the client sent (null included), by Python name; left-out ones are absent."""
    return {
        f.name: getattr(value, f.name)
        for f in dataclasses.fields(value)
        if getattr(value, f.name) is not strawberry.UNSET
    }


def _opt(description: str) -> Any:
    return strawberry.field(default=UNSET, description=description)


@strawberry.input(description="A new candidate. Text is trimmed; empty optional text is null.")
class CreateCandidateInput:
    first_name: str = strawberry.field(description="Given name (1 to 100 characters).")
    last_name: str = strawberry.field(description="Family name (1 to 100 characters).")
    email: str | None = _opt("Email; trimmed and lower-cased. Unique among candidates.")
    phone: str | None = _opt(
        "Phone in international format ('+49 151 2345678'); stored as E.164. Unique."
    )
    date_of_birth: date | None = _opt("Date of birth: not in the future, not before 1900.")
    gender: str | None = _opt("Gender as the candidate states it (max 40).")
    location: str | None = _opt("City and country (max 200).")
    headline: str | None = _opt("One-line professional summary (max 300).")
    summary: str | None = _opt("Longer profile text (max 5,000).")
    external_id: str | None = _opt(
        "Identifier in the sourcing organization's system (max 200, unique per organization)."
    )
    source: CandidateSource | None = _opt(
        "Admins only: how the candidate entered (default DIRECT). Recruiters' candidates are "
        "INTERNAL and partners' PARTNER."
    )


@strawberry.input(
    description="Changes to a candidate: only the fields given change; null clears an optional one."
)
class UpdateCandidateInput:
    first_name: str | None = _opt("Given name (1 to 100 characters; cannot be cleared).")
    last_name: str | None = _opt("Family name (1 to 100 characters; cannot be cleared).")
    email: str | None = _opt("Email; trimmed and lower-cased. Unique among candidates.")
    phone: str | None = _opt("Phone in international format; stored as E.164. Unique.")
    date_of_birth: date | None = _opt("Date of birth: not in the future, not before 1900.")
    gender: str | None = _opt("Gender as the candidate states it (max 40).")
    location: str | None = _opt("City and country (max 200).")
    headline: str | None = _opt("One-line professional summary (max 300).")
    summary: str | None = _opt("Longer profile text (max 5,000).")
    external_id: str | None = _opt("Identifier in the sourcing organization's system (max 200).")
    source: CandidateSource | None = _opt("Admins only: how the candidate entered.")


@strawberry.input(description="An education entry; an update replaces the whole entry.")
class EducationInput:
    institution: str = strawberry.field(description="School or university (1 to 200).")
    degree: str | None = strawberry.field(default=None, description="Degree (max 200).")
    field_of_study: str | None = strawberry.field(default=None, description="Subject (max 200).")
    start_date: date | None = strawberry.field(default=None, description="First day of study.")
    end_date: date | None = strawberry.field(
        default=None, description="Graduation; not before startDate."
    )
    grade: str | None = strawberry.field(default=None, description="Final grade (max 50).")
    description: str | None = strawberry.field(default=None, description="Free text (max 2,000).")


@strawberry.input(description="A position held; an update replaces the whole entry.")
class WorkExperienceInput:
    company_name: str = strawberry.field(description="Employer (1 to 200).")
    job_title: str = strawberry.field(description="Title of the position (1 to 200).")
    location: str | None = strawberry.field(default=None, description="Where (max 200).")
    start_date: date | None = strawberry.field(default=None, description="First day.")
    end_date: date | None = strawberry.field(
        default=None, description="Last day; not before startDate, empty when isCurrent."
    )
    is_current: bool = strawberry.field(default=False, description="Still working here.")
    description: str | None = strawberry.field(default=None, description="Free text (max 5,000).")


@strawberry.input(description="A certification; an update replaces the whole entry.")
class CertificationInput:
    name: str = strawberry.field(description="Certificate title (1 to 200).")
    issuer: str | None = strawberry.field(default=None, description="Issuing body (max 200).")
    issue_date: date | None = strawberry.field(default=None, description="When it was awarded.")
    expiry_date: date | None = strawberry.field(
        default=None, description="When it lapses; not before issueDate."
    )
    credential_id: str | None = strawberry.field(
        default=None, description="Issuer's credential id (max 200)."
    )
    credential_url: str | None = strawberry.field(
        default=None, description="Verification link: an http(s) URL (max 500)."
    )


@strawberry.input(description="A skill of a candidate.")
class CandidateSkillInput:
    name: str = strawberry.field(
        description="Skill name; aliases are canonicalized ('JS' -> 'JavaScript'). Max 100."
    )
    level: SkillLevel | None = strawberry.field(default=None, description="Proficiency.")
    years: float | None = strawberry.field(default=None, description="Years of use, 0 to 70.")

    def wanted(self) -> SkillWanted:
        return SkillWanted(name=self.name, level=self.level, years=self.years)


@strawberry.input(description="A skill a job asks for.")
class JobSkillInput:
    name: str = strawberry.field(
        description="Skill name; aliases are canonicalized ('Postgres' -> 'PostgreSQL'). Max 100."
    )
    required: bool = strawberry.field(default=True, description="False for a preferred skill.")
    weight: float = strawberry.field(default=1.0, description="Importance, 0 to 10.")

    def wanted(self) -> SkillWanted:
        return SkillWanted(name=self.name, required=self.required, weight=self.weight)


CLOSES_AT = (
    "Application deadline, in the future (with an offset). Applicants get a reminder 3 days "
    "before and on the day; the job is not closed automatically."
)


@strawberry.input(description="A new job; it starts as DRAFT.")
class CreateJobInput:
    organization_id: strawberry.ID | None = _opt(
        "The posting organization: required for admins; recruiters and partners post for "
        "their own organization (the default)."
    )
    title: str = strawberry.field(description="Job title (1 to 200).")
    employment_type: EmploymentType = strawberry.field(description="Contract form.")
    description: str | None = _opt("Full description (max 20,000).")
    location: str | None = _opt("Office location (max 200).")
    remote: bool | None = _opt("Whether the job can be done remotely (default false).")
    salary_min: int | None = _opt("Lower end of the yearly salary (>= 0, <= salaryMax).")
    salary_max: int | None = _opt("Upper end of the yearly salary (>= salaryMin).")
    salary_currency: str | None = _opt("ISO 4217 code: 3 letters, stored upper-case.")
    external_id: str | None = _opt(
        "Identifier in the organization's system (max 200, unique per organization)."
    )
    closes_at: datetime | None = _opt(CLOSES_AT)


@strawberry.input(description="Changes to a job: only the fields given change.")
class UpdateJobInput:
    title: str | None = _opt("Job title (1 to 200; cannot be cleared).")
    employment_type: EmploymentType | None = _opt("Contract form (cannot be cleared).")
    description: str | None = _opt("Full description (max 20,000).")
    location: str | None = _opt("Office location (max 200).")
    remote: bool | None = _opt("Whether the job can be done remotely (cannot be cleared).")
    salary_min: int | None = _opt("Lower end of the yearly salary (>= 0, <= salaryMax).")
    salary_max: int | None = _opt("Upper end of the yearly salary (>= salaryMin).")
    salary_currency: str | None = _opt("ISO 4217 code: 3 letters, stored upper-case.")
    external_id: str | None = _opt("Identifier in the organization's system (max 200).")
    closes_at: datetime | None = _opt(CLOSES_AT + " Null clears it.")
