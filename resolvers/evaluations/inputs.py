"""What an evaluation reads, gathered from the database into the engines' plain inputs.

A whole batch is read in a fixed number of statements (one per table), so evaluating every
applicant of a job costs the same few queries whether it has 3 applicants or 300.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.candidate import Candidate, CandidateSkill, Certification, Education, WorkExperience
from models.document import Document
from models.enums import DocumentStatus
from models.job import Job, JobSkill
from models.skill import Skill
from tasks.evaluation import (
    CertificationInput,
    EducationInput,
    ExperienceInput,
    Identifiers,
    JobInput,
    JobSkillInput,
    ProfileInput,
    SkillInput,
    job_from_prompt,
    job_input,
)

MAX_CV_LINES = 400  # a CV's text beyond this adds nothing a screen would read


@dataclass(frozen=True)
class Subject:
    """One candidate as the engines see it, and what identifies them (for redaction only)."""

    profile: ProfileInput
    identifiers: Identifiers
    version: int


def prompt_input(prompt: dict[str, Any]) -> JobInput:
    """The engines' job from a stored structured prompt (see `requests.clean_prompt`)."""
    return job_from_prompt(
        prompt["title"],
        prompt.get("description"),
        tuple(prompt.get("requiredSkills") or ()),
        tuple(prompt.get("preferredSkills") or ()),
        prompt.get("minYears"),
        prompt.get("location"),
        prompt.get("remote"),
    )


def prompt_hash(prompt: dict[str, Any]) -> str:
    raw = json.dumps(prompt, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(raw).hexdigest()


async def load_jobs(session: AsyncSession, job_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """Jobs by id with their skills: {id: (Job, JobInput)}."""
    if not job_ids:
        return {}
    jobs = (await session.exec(select(Job).where(col(Job.id).in_(job_ids)))).all()
    skills: dict[uuid.UUID, list[JobSkillInput]] = defaultdict(list)
    rows = await session.exec(
        select(col(JobSkill.job_id), col(Skill.name), col(JobSkill.required), col(JobSkill.weight))
        .join(Skill, col(Skill.id) == col(JobSkill.skill_id))
        .where(col(JobSkill.job_id).in_(job_ids))
        .order_by(col(JobSkill.job_id), col(JobSkill.required).desc(), col(Skill.name))
    )
    for job_id, name, required, weight in rows.all():
        skills[job_id].append(JobSkillInput(name, required=required, weight=weight))
    return {
        job.id: (
            job,
            job_input(
                job.title,
                job.description,
                tuple(skills.get(job.id, ())),
                location=job.location,
                remote=job.remote,
            ),
        )
        for job in jobs
    }


async def latest_documents(
    session: AsyncSession, candidate_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """Each candidate's most recently parsed CV: its text counts as evidence too."""
    if not candidate_ids:
        return {}
    rows = await session.exec(
        select(col(Document.candidate_id), col(Document.id))
        .where(
            col(Document.candidate_id).in_(candidate_ids),
            col(Document.status) == DocumentStatus.PARSED,
        )
        .order_by(col(Document.parsed_at), col(Document.id))
    )
    return {candidate_id: document_id for candidate_id, document_id in rows.all()}


async def load_subjects(
    session: AsyncSession, wanted: Sequence[tuple[uuid.UUID, uuid.UUID | None]]
) -> dict[uuid.UUID, Subject]:
    """Profiles of (candidate id, CV document id or None) pairs, keyed by candidate id."""
    ids = list(dict.fromkeys(candidate_id for candidate_id, _ in wanted))
    if not ids:
        return {}
    candidates = (await session.exec(select(Candidate).where(col(Candidate.id).in_(ids)))).all()
    experience = await _children(session, WorkExperience, ids)
    education = await _children(session, Education, ids)
    certifications = await _children(session, Certification, ids)
    skills: dict[uuid.UUID, list[SkillInput]] = defaultdict(list)
    rows = await session.exec(
        select(
            col(CandidateSkill.candidate_id),
            col(Skill.name),
            col(CandidateSkill.level),
            col(CandidateSkill.years),
        )
        .join(Skill, col(Skill.id) == col(CandidateSkill.skill_id))
        .where(col(CandidateSkill.candidate_id).in_(ids))
        .order_by(col(CandidateSkill.candidate_id), col(CandidateSkill.created_at))
    )
    for candidate_id, name, level, years in rows.all():
        skills[candidate_id].append(
            SkillInput(name, level.value if level is not None else None, years)
        )
    document_ids = [d for _, d in wanted if d is not None]
    texts: dict[uuid.UUID, str] = {}
    if document_ids:
        found = await session.exec(
            select(col(Document.candidate_id), col(Document.extracted_text)).where(
                col(Document.id).in_(document_ids)
            )
        )
        texts = {candidate_id: text or "" for candidate_id, text in found.all()}
    return {
        c.id: _subject(
            c,
            skills.get(c.id, []),
            experience.get(c.id, []),
            education.get(c.id, []),
            certifications.get(c.id, []),
            texts.get(c.id, ""),
        )
        for c in candidates
    }


async def _children(
    session: AsyncSession, model: Any, candidate_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Any]]:
    rows = await session.exec(
        select(model)
        .where(col(model.candidate_id).in_(candidate_ids))
        .order_by(col(model.candidate_id), col(model.created_at), col(model.id))
    )
    grouped: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in rows.all():
        grouped[row.candidate_id].append(row)
    return grouped


def _subject(
    candidate: Candidate,
    skills: list[SkillInput],
    experience: list[WorkExperience],
    education: list[Education],
    certifications: list[Certification],
    cv_text: str,
) -> Subject:
    # no name, gender, date of birth or photo reaches an engine: ProfileInput has no place for them
    profile = ProfileInput(
        headline=candidate.headline,
        summary=candidate.summary,
        location=candidate.location,
        skills=tuple(skills),
        experience=tuple(
            ExperienceInput(
                ref=str(e.id),
                title=e.job_title,
                company=e.company_name,
                location=e.location,
                start=e.start_date,
                end=e.end_date,
                is_current=e.is_current,
                description=e.description,
            )
            for e in experience
        ),
        education=tuple(
            EducationInput(
                ref=str(e.id),
                institution=e.institution,
                degree=e.degree,
                field=e.field_of_study,
                start=e.start_date,
                end=e.end_date,
            )
            for e in education
        ),
        certifications=tuple(
            CertificationInput(ref=str(c.id), name=c.name, issuer=c.issuer, issued=c.issue_date)
            for c in certifications
        ),
        cv_lines=tuple(line for line in cv_text.splitlines() if line.strip())[:MAX_CV_LINES],
    )
    identifiers = Identifiers(
        names=tuple(n for n in (candidate.first_name, candidate.last_name) if n),
        emails=(candidate.email,) if candidate.email else (),
        phones=(candidate.phone,) if candidate.phone else (),
        addresses=(),
        dates=(candidate.date_of_birth,) if candidate.date_of_birth else (),
    )
    return Subject(profile=profile, identifiers=identifiers, version=candidate.version)
