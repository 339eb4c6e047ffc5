"""Loaders for candidates and their profile sections."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import col, select

from loaders.base import ByIdLoader, ByParentLoader, ChildrenLoader, Loader
from loaders.policy import related_candidate_ids
from models.candidate import Candidate, CandidateSkill, Certification, Education, WorkExperience
from models.db import SessionFactory
from models.document import Document
from models.skill import Skill


class CandidateByIdLoader(ByIdLoader[Candidate]):
    model = Candidate


class CandidateByUserIdLoader(Loader[uuid.UUID, Candidate | None]):
    """A user's own candidate profile (candidate accounts have exactly one)."""

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[Candidate | None]:
        statement = select(Candidate).where(self.among(col(Candidate.user_id), keys))
        rows = await self.fetch(statement)
        by_user = {row.user_id: row for row in rows}
        return [by_user.get(key) for key in keys]


class EducationByCandidateIdLoader(ChildrenLoader[Education]):
    model = Education
    parent = "candidate_id"
    order = ("start_date",)


class WorkExperienceByCandidateIdLoader(ChildrenLoader[WorkExperience]):
    model = WorkExperience
    parent = "candidate_id"
    order = ("start_date",)


class CertificationsByCandidateIdLoader(ChildrenLoader[Certification]):
    model = Certification
    parent = "candidate_id"
    order = ("issue_date",)


class DocumentsByCandidateIdLoader(ChildrenLoader[Document]):
    model = Document
    parent = "candidate_id"


class CandidateSkillsByCandidateIdLoader(ByParentLoader[CandidateSkill]):
    """A candidate's skills with the canonical skill name, ordered by that name."""

    parent = "candidate_id"
    keys_only = True

    def statement(self, keys: Sequence[uuid.UUID]) -> Any:
        return (
            sa_select(
                col(CandidateSkill.candidate_id),
                col(CandidateSkill.skill_id),
                col(CandidateSkill.level),
                col(CandidateSkill.years),
                col(Skill.name),
            )
            .join(Skill, col(Skill.id) == col(CandidateSkill.skill_id))
            .where(self.among(col(CandidateSkill.candidate_id), keys))
            .order_by(col(Skill.name), col(CandidateSkill.id))
        )


class RelatedCandidateByIdLoader(Loader[uuid.UUID, bool]):
    """Whether the viewer's organization is related to each candidate (gates contact PII)."""

    def __init__(self, session_factory: SessionFactory, organization_id: uuid.UUID) -> None:
        super().__init__(session_factory)
        self.organization_id = organization_id

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[bool]:
        rows = await self.fetch(
            select(col(Candidate.id)).where(
                self.among(col(Candidate.id), keys), related_candidate_ids(self.organization_id)
            )
        )
        related = {row.id for row in rows}
        return [key in related for key in keys]
