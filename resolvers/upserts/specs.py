"""What a partner item may hold, per kind (candidates, jobs), and how each part is validated.

An item is a plain "payload" dict (snake_case keys, JSON-compatible) whichever way it came in:
the GraphQL inputs, a stored import-job row or a CSV line. A key that is absent was not given,
so the stored value is kept; nested lists are validated entry by entry so that the error policy
can drop a bad entry (IGNORE_FAILED) instead of the whole row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.candidate import Candidate, CandidateSkill, Certification, Education, WorkExperience
from models.enums import EmploymentType, ImportKind, JobStatus, MatchedBy, SkillLevel
from models.job import Job, JobSkill
from resolvers.candidate_sections import clean_certification, clean_education, clean_experience
from resolvers.candidate_writes import clean_candidate
from resolvers.job_writes import clean_job
from resolvers.write_checks import WriteChecks, camel

Issue = dict[str, str]  # {"path": ..., "code": ..., "message": ...}
DATE_KEYS = ("date_of_birth", "start_date", "end_date", "issue_date", "expiry_date")
MAX_SECTION_ITEMS = 50
MAX_SKILL_ITEMS = 100


def issue(path: str, code: str, message: str) -> Issue:
    return {"path": path, "code": code, "message": message}


def _dates(checks: WriteChecks, given: dict[str, Any]) -> dict[str, Any]:
    """ISO strings (CSV, stored job rows) become dates; GraphQL already gives dates."""
    out = dict(given)
    for key in DATE_KEYS:
        value = out.get(key)
        if isinstance(value, str):
            try:
                out[key] = date.fromisoformat(value.strip()) if value.strip() else None
            except ValueError:
                checks.reject(
                    key, "INVALID_FORMAT", f"{checks.name(key)} must be a YYYY-MM-DD date"
                )
                out[key] = None
    return out


def _enum(checks: WriteChecks, key: str, value: Any, enum: Any) -> Any:
    if value is None or isinstance(value, enum):
        return value
    try:
        return enum(str(value).strip().upper())
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        checks.reject(key, "INVALID_VALUE", f"{checks.name(key)} must be one of {allowed}")
        return None


def _candidate_skill(checks: WriteChecks, given: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": checks.string("name", given.get("name"), required=True, max_length=100),
        "level": _enum(checks, "level", given.get("level"), SkillLevel),
        "years": checks.number("years", given.get("years"), low=0, high=70),
    }


def _job_skill(checks: WriteChecks, given: dict[str, Any]) -> dict[str, Any]:
    required = given.get("required")
    weight = given.get("weight")
    return {
        "name": checks.string("name", given.get("name"), required=True, max_length=100),
        "required": True if required is None else bool(required),
        "weight": 1.0 if weight is None else checks.number("weight", weight, low=0, high=10),
    }


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


@dataclass(frozen=True)
class Collection:
    """A nested list of an item, stored as child rows of the record."""

    key: str  # payload key
    model: type[Any]
    fk: str  # the child's column naming the record
    fields: tuple[str, ...]  # stored and compared columns
    clean: Callable[[WriteChecks, dict[str, Any]], dict[str, Any]]
    # MERGE matches a given entry to a stored one with the same natural key
    natural_key: Callable[[dict[str, Any]], tuple[Any, ...]]
    max_items: int = MAX_SECTION_ITEMS
    skills: bool = False  # entries name a skill of the vocabulary (resolved to skill_id)

    @property
    def label(self) -> str:
        return camel(self.key)


EDUCATION = Collection(
    "education",
    Education,
    "candidate_id",
    (
        "institution",
        "degree",
        "field_of_study",
        "start_date",
        "end_date",
        "grade",
        "description",
    ),
    clean_education,
    lambda v: (_lower(v["institution"]), _lower(v["degree"]), v["start_date"]),
)
EXPERIENCE = Collection(
    "work_experience",
    WorkExperience,
    "candidate_id",
    (
        "company_name",
        "job_title",
        "location",
        "start_date",
        "end_date",
        "is_current",
        "description",
    ),
    clean_experience,
    lambda v: (_lower(v["company_name"]), _lower(v["job_title"]), v["start_date"]),
)
CERTIFICATIONS = Collection(
    "certifications",
    Certification,
    "candidate_id",
    ("name", "issuer", "issue_date", "expiry_date", "credential_id", "credential_url"),
    clean_certification,
    lambda v: (_lower(v["name"]), _lower(v["issuer"])),
)
CANDIDATE_SKILLS = Collection(
    "skills",
    CandidateSkill,
    "candidate_id",
    ("skill_id", "level", "years"),
    _candidate_skill,
    lambda v: (v["skill_id"],),
    max_items=MAX_SKILL_ITEMS,
    skills=True,
)
JOB_SKILLS = Collection(
    "skills",
    JobSkill,
    "job_id",
    ("skill_id", "required", "weight"),
    _job_skill,
    lambda v: (v["skill_id"],),
    max_items=MAX_SKILL_ITEMS,
    skills=True,
)

CANDIDATE_SCALARS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "date_of_birth",
    "gender",
    "location",
    "headline",
    "summary",
    "external_id",
)
JOB_SCALARS = (
    "title",
    "employment_type",
    "description",
    "location",
    "remote",
    "salary_min",
    "salary_max",
    "salary_currency",
    "external_id",
    "status",
)


def _clean_candidate(checks: WriteChecks, given: dict[str, Any]) -> dict[str, Any]:
    for name in ("first_name", "last_name"):
        given.setdefault(name, None)  # required in every item: a partner sends the full profile
    return clean_candidate(checks, _dates(checks, given))


def _clean_job(checks: WriteChecks, given: dict[str, Any]) -> dict[str, Any]:
    status = given.pop("status", None)
    given.setdefault("title", None)  # required in every item, like the employment type
    given["employment_type"] = _enum(
        checks, "employment_type", given.get("employment_type"), EmploymentType
    )
    values = clean_job(checks, given, None)
    if status is not None:
        values["status"] = _enum(checks, "status", status, JobStatus)
    return values


@dataclass(frozen=True)
class Kind:
    """One kind of record partners upsert."""

    name: ImportKind
    model: type[Any]
    entity: str  # audit entity type and error wording
    scalars: tuple[str, ...]
    clean_scalars: Callable[[WriteChecks, dict[str, Any]], dict[str, Any]]
    collections: tuple[Collection, ...]
    match_keys: tuple[MatchedBy, ...]
    owner: str  # the column holding the partner's organization

    def collection(self, key: str) -> Collection:
        return next(c for c in self.collections if c.key == key)


CANDIDATES = Kind(
    ImportKind.CANDIDATES,
    Candidate,
    "Candidate",
    CANDIDATE_SCALARS,
    _clean_candidate,
    (EDUCATION, EXPERIENCE, CANDIDATE_SKILLS, CERTIFICATIONS),
    (MatchedBy.ID, MatchedBy.EXTERNAL_ID, MatchedBy.EMAIL, MatchedBy.PHONE),
    "sourced_by_organization_id",
)
JOBS = Kind(
    ImportKind.JOBS,
    Job,
    "Job",
    JOB_SCALARS,
    _clean_job,
    (JOB_SKILLS,),
    (MatchedBy.ID, MatchedBy.EXTERNAL_ID),
    "organization_id",
)
KINDS = {CANDIDATES.name: CANDIDATES, JOBS.name: JOBS}


@dataclass
class Cleaned:
    """A validated item: the scalars it gave, its given lists, and what was wrong with it."""

    index: int
    id: uuid.UUID | None
    values: dict[str, Any]
    lists: dict[str, list[dict[str, Any]]]
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


def _checked_id(raw: Any, errors: list[Issue]) -> uuid.UUID | None:
    if raw is None:
        return None
    try:
        return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
    except ValueError:
        errors.append(issue("id", "INVALID_FORMAT", "id must be a UUID"))
        return None


def clean_item(kind: Kind, index: int, payload: dict[str, Any], drop_bad: bool) -> Cleaned:
    """Validate one item; with `drop_bad` an invalid nested entry is dropped with a warning."""
    errors: list[Issue] = []
    warnings: list[Issue] = []
    item_id = _checked_id(payload.get("id"), errors)
    checks = WriteChecks(prefix="")
    given = {k: payload[k] for k in kind.scalars if k in payload}
    values = kind.clean_scalars(checks, given)
    errors.extend(issue(p, c, m) for p, c, m in checks.errors)
    lists: dict[str, list[dict[str, Any]]] = {}
    for coll in kind.collections:
        entries = payload.get(coll.key)
        if entries is None:
            continue  # an omitted list never clears data
        if len(entries) > coll.max_items:
            errors.append(
                issue(coll.label, "TOO_LONG", f"{coll.label} may hold at most {coll.max_items}")
            )
            continue
        kept: list[dict[str, Any]] = []
        for position, entry in enumerate(entries):
            entry_checks = WriteChecks(prefix=f"{coll.label}[{position}]")
            cleaned = coll.clean(entry_checks, _dates(entry_checks, dict(entry)))
            found = [issue(p, c, m) for p, c, m in entry_checks.errors]
            if not found:
                cleaned["_position"] = position
                kept.append(cleaned)
            elif drop_bad:
                warnings.extend({**f, "message": f"Dropped: {f['message']}"} for f in found)
            else:
                errors.extend(found)
        lists[coll.key] = kept
    return Cleaned(index, item_id, values, lists, errors, warnings)
