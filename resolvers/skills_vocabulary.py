"""Skill canonicalization: "JS", "js " and "JavaScript" are one skill of the vocabulary.

A name matches a Skill whose normalized name or any alias equals it (case-insensitive). When
the database knows no such skill, the product's vocabulary (models/skill_aliases.py) is consulted;
names still unknown become new skills (normalized name = lower-case name).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, func, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import new_id, utcnow
from models.enums import SkillLevel
from models.skill import Skill
from models.skill_aliases import BUILTIN as BUILTIN  # re-exported: one vocabulary
from models.skill_aliases import BUILTIN_ALIASES as BUILTIN_ALIASES
from resolvers.errors import ValidationFailedError
from resolvers.write_checks import WriteChecks

MAX_SKILLS = 100


@dataclass(frozen=True)
class SkillWanted:
    """One entry of a skill list input (candidate or job)."""

    name: str
    level: SkillLevel | None = None
    years: float | None = None
    required: bool = True
    weight: float = 1.0


def check_skill_list(checks: WriteChecks, wanted: list[SkillWanted], field: str) -> None:
    checks.size(field, wanted, max_items=MAX_SKILLS)
    for index, item in enumerate(wanted[:MAX_SKILLS]):
        checks.text(f"{field}[{index}].name", item.name, required=True, max_length=100)


def _alias_clause(key: str) -> Any:
    """A coarse SQL pre-filter on the JSON alias list; the exact match is checked in Python."""
    quoted = json.dumps(key)
    pattern = quoted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(cast(Skill.aliases, String)).like(f"%{pattern}%", escape="\\")


def _matches(skill: Skill, key: str) -> bool:
    return skill.normalized_name == key or key in {a.strip().lower() for a in skill.aliases or []}


async def _known(session: AsyncSession, keys: set[str]) -> list[Skill]:
    plain = sorted(k for k in keys if '"' not in k and "\\" not in k)
    statement = select(Skill).where(
        or_(col(Skill.normalized_name).in_(sorted(keys)), *(_alias_clause(k) for k in plain))
    )
    return list((await session.exec(statement)).all())


def _lookup(skills: list[Skill], key: str) -> Skill | None:
    exact = [s for s in skills if s.normalized_name == key]
    if exact:
        return exact[0]
    return next((s for s in skills if _matches(s, key)), None)


async def _create(session: AsyncSession, names: dict[str, str]) -> list[Skill]:
    """Insert missing skills; a concurrent writer's twin wins quietly (unique normalized name)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = [
        {
            "id": new_id(),
            "name": name,
            "normalized_name": key,
            "aliases": list(BUILTIN.get(name, ())),
            "category": None,
            "created_at": utcnow(),
        }
        for key, name in sorted(names.items())
    ]
    await session.exec(
        insert(Skill).values(rows).on_conflict_do_nothing(index_elements=["normalized_name"])
    )
    statement = select(Skill).where(col(Skill.normalized_name).in_(sorted(names)))
    return list((await session.exec(statement)).all())


async def resolve_skills(
    session: AsyncSession, wanted: list[SkillWanted], field: str
) -> list[Skill]:
    """The canonical Skill of each wanted name, in order; creates the unknown ones.

    Raises ValidationFailedError when two names mean the same skill.
    """
    raw = [item.name.strip().lower() for item in wanted]
    builtin = {key: BUILTIN_ALIASES[key] for key in raw if key in BUILTIN_ALIASES}
    known = await _known(session, set(raw) | {name.lower() for name in builtin.values()})
    chosen: list[Skill | str] = []  # a Skill, or the normalized name of one to create
    missing: dict[str, str] = {}
    for item, key in zip(wanted, raw, strict=True):
        skill = _lookup(known, key)
        if skill is None and key in builtin:
            skill = _lookup(known, builtin[key].lower())
        if skill is not None:
            chosen.append(skill)
            continue
        name = builtin.get(key, item.name.strip())
        missing[name.lower()] = name
        chosen.append(name.lower())
    errors: list[tuple[str, str, str]] = []
    seen: dict[str, int] = {}
    for index, choice in enumerate(chosen):
        identity = choice.normalized_name if isinstance(choice, Skill) else choice
        if identity in seen:
            errors.append(
                (
                    f"{field}[{index}].name",
                    "INVALID_VALUE",
                    f"{wanted[index].name.strip()} is the same skill as entry {seen[identity]}",
                )
            )
        seen.setdefault(identity, index)
    if errors:
        raise ValidationFailedError(errors)
    created = {s.normalized_name: s for s in await _create(session, missing)} if missing else {}
    return [c if isinstance(c, Skill) else created[c] for c in chosen]
