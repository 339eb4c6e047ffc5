"""Profile sections of a candidate (education, experience, certifications) and their skills.

Every change advances the candidate's version, so clients holding the old version learn of it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models.candidate import Candidate, CandidateSkill, Certification, Education, WorkExperience
from resolvers.audit import record
from resolvers.candidate_writes import bump_version, require_viewer, writable_candidate
from resolvers.context import Context
from resolvers.errors import NotFoundError
from resolvers.skills_vocabulary import SkillWanted, check_skill_list, resolve_skills
from resolvers.write_checks import WriteChecks


def clean_education(checks: WriteChecks, given: dict[str, Any]) -> dict[str, Any]:
    values = {
        "institution": checks.string(
            "institution", given.get("institution"), required=True, max_length=200
        ),
        "degree": checks.string("degree", given.get("degree"), required=False, max_length=200),
        "field_of_study": checks.string(
            "field_of_study", given.get("field_of_study"), required=False, max_length=200
        ),
        "grade": checks.string("grade", given.get("grade"), required=False, max_length=50),
        "description": checks.string(
            "description", given.get("description"), required=False, max_length=2000
        ),
        "start_date": given.get("start_date"),
        "end_date": given.get("end_date"),
    }
    checks.ordered("start_date", values["start_date"], "end_date", values["end_date"])
    return values


def clean_experience(checks: WriteChecks, given: dict[str, Any]) -> dict[str, Any]:
    values = {
        "company_name": checks.string(
            "company_name", given.get("company_name"), required=True, max_length=200
        ),
        "job_title": checks.string(
            "job_title", given.get("job_title"), required=True, max_length=200
        ),
        "location": checks.string(
            "location", given.get("location"), required=False, max_length=200
        ),
        "description": checks.string(
            "description", given.get("description"), required=False, max_length=5000
        ),
        "start_date": given.get("start_date"),
        "end_date": given.get("end_date"),
        "is_current": bool(given.get("is_current")),
    }
    if values["is_current"] and values["end_date"] is not None:
        checks.reject(
            "end_date", "INVALID_VALUE", f"{checks.name('end_date')} must be empty while isCurrent"
        )
    checks.ordered("start_date", values["start_date"], "end_date", values["end_date"])
    return values


def clean_certification(checks: WriteChecks, given: dict[str, Any]) -> dict[str, Any]:
    values = {
        "name": checks.string("name", given.get("name"), required=True, max_length=200),
        "issuer": checks.string("issuer", given.get("issuer"), required=False, max_length=200),
        "credential_id": checks.string(
            "credential_id", given.get("credential_id"), required=False, max_length=200
        ),
        "credential_url": checks.url("credential_url", given.get("credential_url"), max_length=500),
        "issue_date": given.get("issue_date"),
        "expiry_date": given.get("expiry_date"),
    }
    checks.ordered("issue_date", values["issue_date"], "expiry_date", values["expiry_date"])
    return values


@dataclass(frozen=True)
class Section:
    model: type[Any]
    action: str  # audit action prefix
    clean: Any
    missing: str


EDUCATION = Section(Education, "candidate.education", clean_education, "Education entry not found")
EXPERIENCE = Section(
    WorkExperience, "candidate.experience", clean_experience, "Work experience entry not found"
)
CERTIFICATION = Section(
    Certification, "candidate.certification", clean_certification, "Certification not found"
)


def _validated(section: Section, given: dict[str, Any]) -> tuple[WriteChecks, dict[str, Any]]:
    checks = WriteChecks()
    return checks, section.clean(checks, given)


async def _entry(
    session: AsyncSession, ctx: Context, section: Section, entry_id: uuid.UUID | None
) -> tuple[Any, Candidate]:
    """The entry and its candidate, if the viewer may change them (else both look missing)."""
    require_viewer(ctx)
    entry = await session.get(section.model, entry_id) if entry_id is not None else None
    if entry is None:
        raise NotFoundError(section.missing, field="id")
    try:
        candidate = await writable_candidate(session, ctx, entry.candidate_id)
    except NotFoundError as exc:
        raise NotFoundError(section.missing, field="id") from exc
    return entry, candidate


async def add_entry(
    ctx: Context, section: Section, candidate_id: uuid.UUID | None, given: dict[str, Any]
) -> Candidate:
    checks, values = _validated(section, given)
    async with ctx.session_factory() as session:
        candidate = await writable_candidate(session, ctx, candidate_id)
        checks.done()
        entry = section.model(candidate_id=candidate.id, **values)
        session.add(entry)
        await session.flush()
        await bump_version(session, candidate, {})
        record(
            session,
            ctx,
            f"{section.action}.add",
            "Candidate",
            candidate.id,
            {"entryId": str(entry.id)},
        )
        await session.commit()
    return candidate


async def update_entry(
    ctx: Context, section: Section, entry_id: uuid.UUID | None, given: dict[str, Any]
) -> Candidate:
    """Replace the entry with the input (fields left out become empty)."""
    checks, values = _validated(section, given)
    async with ctx.session_factory() as session:
        entry, candidate = await _entry(session, ctx, section, entry_id)
        checks.done()
        for name, value in values.items():
            setattr(entry, name, value)
        await session.flush()
        await bump_version(session, candidate, {})
        record(
            session,
            ctx,
            f"{section.action}.update",
            "Candidate",
            candidate.id,
            {"entryId": str(entry.id), "fields": sorted(values)},
        )
        await session.commit()
    return candidate


async def remove_entry(ctx: Context, section: Section, entry_id: uuid.UUID | None) -> Candidate:
    async with ctx.session_factory() as session:
        entry, candidate = await _entry(session, ctx, section, entry_id)
        await session.delete(entry)
        await session.flush()
        await bump_version(session, candidate, {})
        record(
            session,
            ctx,
            f"{section.action}.remove",
            "Candidate",
            candidate.id,
            {"entryId": str(entry.id)},
        )
        await session.commit()
    return candidate


async def set_candidate_skills(
    ctx: Context, candidate_id: uuid.UUID | None, wanted: list[SkillWanted]
) -> Candidate:
    """Replace the candidate's skill list; names go through the vocabulary."""
    checks = WriteChecks(prefix="")
    check_skill_list(checks, wanted, "skills")
    for index, item in enumerate(wanted):
        checks.number(f"skills[{index}].years", item.years, low=0, high=70)
    async with ctx.session_factory() as session:
        candidate = await writable_candidate(session, ctx, candidate_id)
        checks.done()
        skills = await resolve_skills(session, wanted, "skills")
        await session.exec(
            delete(CandidateSkill).where(col(CandidateSkill.candidate_id) == candidate.id)
        )
        session.add_all(
            CandidateSkill(
                candidate_id=candidate.id, skill_id=skill.id, level=item.level, years=item.years
            )
            for item, skill in zip(wanted, skills, strict=True)
        )
        await session.flush()
        await bump_version(session, candidate, {})
        record(
            session,
            ctx,
            "candidate.skills",
            "Candidate",
            candidate.id,
            {"skills": [skill.name for skill in skills]},
        )
        await session.commit()
    return candidate
