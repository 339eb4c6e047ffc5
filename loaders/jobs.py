"""Loaders for jobs, their skills and organizations."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import col

from loaders.base import ByIdLoader, ByParentLoader
from models.job import Job, JobSkill
from models.organization import Organization
from models.skill import Skill


class JobByIdLoader(ByIdLoader[Job]):
    model = Job


class OrganizationByIdLoader(ByIdLoader[Organization]):
    model = Organization


class JobSkillsByJobIdLoader(ByParentLoader[JobSkill]):
    """A job's skills with the canonical name: required ones first, then by weight and name."""

    parent = "job_id"
    keys_only = True

    def statement(self, keys: Sequence[uuid.UUID]) -> Any:
        return (
            sa_select(
                col(JobSkill.job_id),
                col(JobSkill.skill_id),
                col(JobSkill.required),
                col(JobSkill.weight),
                col(Skill.name),
            )
            .join(Skill, col(Skill.id) == col(JobSkill.skill_id))
            .where(self.among(col(JobSkill.job_id), keys))
            .order_by(
                col(JobSkill.required).desc(),
                col(JobSkill.weight).desc(),
                col(Skill.name),
                col(JobSkill.id),
            )
        )
