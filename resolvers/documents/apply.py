"""Writing a parsed CV into a candidate's profile, in the caller's transaction.

AUTO_FILL fills empty fields and adds missing entries, never overwriting a value that is there
(a person may have typed it). REPLACE overwrites fields and replaces each section the CV lists
entries for (a section the parser found nothing in is kept, so a parser miss wipes nothing).
Accepting a suggestion applies exactly the chosen changes. Every write advances the candidate's
version with `WHERE version = <read>`: a person saving in between makes it a ConflictError, and
the caller starts over from fresh data instead of overwriting what was just saved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.candidate import Candidate, CandidateSkill, Certification, Education, WorkExperience
from models.enums import ApplyMode
from models.skill import Skill
from resolvers.candidate_writes import bump_version, find_duplicate
from resolvers.documents.proposals import Change, Current, Proposal, diff, proposals
from resolvers.errors import ValidationFailedError
from resolvers.skills_vocabulary import SkillWanted, resolve_skills

# AUTO_FILL leaves less certain values to the suggestion, where a person decides
MIN_AUTO_CONFIDENCE = 0.5
MODELS: dict[str, Any] = {
    "education": Education,
    "experience": WorkExperience,
    "certifications": Certification,
}
INDEX = re.compile(r"\[(\d+)\]")


async def load_current(session: AsyncSession, candidate: Candidate) -> Current:
    """The candidate's sections and skill names, read in the caller's transaction."""
    sections = {}
    for section, model in MODELS.items():
        statement = select(model).where(col(model.candidate_id) == candidate.id)
        sections[section] = list((await session.exec(statement)).all())
    skills = await session.exec(
        select(col(Skill.name))
        .join(CandidateSkill, col(CandidateSkill.skill_id) == col(Skill.id))
        .where(col(CandidateSkill.candidate_id) == candidate.id)
    )
    return Current(
        candidate,
        sections["education"],
        sections["experience"],
        sections["certifications"],
        list(skills.all()),
    )


def _confident(proposal: Proposal) -> bool:
    return proposal.confidence is None or proposal.confidence >= MIN_AUTO_CONFIDENCE


def choose(
    mode: ApplyMode, profile: dict[str, Any] | None, current: Current
) -> tuple[list[Change], set[str]]:
    """The changes a parse applies in `mode`, and the sections it replaces wholesale."""
    found = proposals(profile)
    if mode is ApplyMode.SUGGEST:
        return [], set()
    if mode is ApplyMode.AUTO_FILL:
        changes = [
            change
            for change in diff(found, current)
            if _confident(change.proposal)
            and (change.proposal.section is not None or change.current is None)
        ]
        return changes, set()
    replaced = {p.section for p in found if p.section is not None}
    emptied = replace(
        current,
        **{s: [] for s in ("education", "experience", "certifications") if s in replaced},
        skill_names=[] if "skills" in replaced else current.skill_names,
    )
    return diff(found, emptied), replaced


async def write(
    session: AsyncSession,
    candidate: Candidate,
    changes: Sequence[Change],
    *,
    replaced: Sequence[str] = (),
) -> list[str]:
    """Apply the changes (scalars overwrite) and return the keys written, in order.

    Raises ConflictError when the candidate changed since it was read.
    """
    applied: list[str] = []
    scalars: dict[str, Any] = {}
    for change in changes:
        proposal = change.proposal
        if proposal.section is not None:
            continue
        if proposal.column in ("email", "phone") and await find_duplicate(
            session, proposal.values, exclude=candidate.id
        ):
            continue  # another candidate has it: contact data stays unique
        scalars.update(proposal.values)
        applied.append(proposal.key)
    for section in replaced:
        model = MODELS.get(section, CandidateSkill)
        await session.exec(delete(model).where(col(model.candidate_id) == candidate.id))
    entries = [c.proposal for c in changes if c.proposal.section in MODELS]
    for proposal in entries:
        assert proposal.section is not None
        session.add(MODELS[proposal.section](candidate_id=candidate.id, **proposal.values))
        applied.append(proposal.key)
    applied += await _add_skills(
        session, candidate, [c.proposal for c in changes if c.proposal.section == "skills"]
    )
    if applied:
        await session.flush()
        await bump_version(session, candidate, scalars, candidate.version)
    return applied


async def _add_skills(
    session: AsyncSession, candidate: Candidate, wanted: list[Proposal]
) -> list[str]:
    """Link the skills through the vocabulary; names that turn out to be known aliases of a
    linked skill, or of each other, are skipped."""
    while wanted:
        try:
            skills = await resolve_skills(
                session, [SkillWanted(name=p.values["name"]) for p in wanted], "skills"
            )
        except ValidationFailedError as exc:
            twins = {int(m[1]) for name, _, _ in exc.errors if (m := INDEX.search(name))}
            wanted = [p for i, p in enumerate(wanted) if i not in twins]
            continue
        linked = set(
            (
                await session.exec(
                    select(col(CandidateSkill.skill_id)).where(
                        col(CandidateSkill.candidate_id) == candidate.id
                    )
                )
            ).all()
        )
        applied = []
        for proposal, skill in zip(wanted, skills, strict=True):
            if skill.id not in linked:
                linked.add(skill.id)
                session.add(CandidateSkill(candidate_id=candidate.id, skill_id=skill.id))
                applied.append(proposal.key)
        return applied
    return []
