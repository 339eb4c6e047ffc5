"""Skill names of a whole batch resolved to the vocabulary in two statements (and one insert)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from models.base import new_id, utcnow
from models.skill import Skill
from resolvers.skills_vocabulary import BUILTIN, BUILTIN_ALIASES, _alias_clause
from resolvers.upserts.plan import RowPlan
from resolvers.upserts.specs import Kind, issue

SKILLS = Skill.__table__  # type: ignore[attr-defined]
DRY_RUN_NAMESPACE = uuid.UUID("5b0f6a3e-7f57-4a53-9a3c-2f8f1f3d0c11")


def _canonical(key: str) -> str:
    """The lower-cased name a spelling stands for ("js" -> "javascript")."""
    return BUILTIN_ALIASES.get(key, key).lower()


async def _vocabulary(conn: AsyncConnection, keys: set[str]) -> dict[str, uuid.UUID]:
    """Lower-cased names and aliases known to the database -> skill id."""
    wanted = keys | {_canonical(k) for k in keys}
    plain = sorted(k for k in wanted if '"' not in k and "\\" not in k)
    found: dict[str, uuid.UUID] = {}
    names = sorted(wanted)
    for start in range(0, max(len(names), 1), 400):
        part = names[start : start + 400]
        clauses = [SKILLS.c.normalized_name.in_(part)]
        clauses += [_alias_clause(k) for k in plain if k in part]
        result = await conn.execute(
            select(SKILLS.c.id, SKILLS.c.normalized_name, SKILLS.c.aliases).where(or_(*clauses))
        )
        for skill_id, name, aliases in result:
            found[name] = skill_id
            for alias in aliases or []:
                found.setdefault(str(alias).strip().lower(), skill_id)
    return found


async def _create(conn: AsyncConnection, names: dict[str, str]) -> dict[str, uuid.UUID]:
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
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
    await conn.execute(
        insert(SKILLS).on_conflict_do_nothing(index_elements=["normalized_name"]), rows
    )
    result = await conn.execute(
        select(SKILLS.c.id, SKILLS.c.normalized_name).where(
            SKILLS.c.normalized_name.in_(sorted(names))
        )
    )
    return {name: skill_id for skill_id, name in result}


async def resolve_skill_ids(
    conn: AsyncConnection, kind: Kind, plans: list[RowPlan], *, create: bool, drop_bad: bool
) -> None:
    """Give every skill entry its `skill_id`; unknown names become skills (not in a dry run).

    Two names of one row meaning the same skill fail the row (or drop the later entry).
    """
    field = next((c for c in kind.collections if c.skills), None)
    if field is None:
        return
    live = [p for p in plans if not p.failed and field.key in p.cleaned.lists]
    keys = {e["name"].strip().lower() for p in live for e in p.cleaned.lists[field.key]}
    if not keys:
        return
    known = await _vocabulary(conn, keys)
    missing: dict[str, str] = {}
    for key in keys:
        if key not in known and _canonical(key) not in known:
            canonical = _canonical(key)
            display = next((n for n in BUILTIN if n.lower() == canonical), None)
            missing.setdefault(canonical, display or key)
    if missing and create:
        known.update(await _create(conn, missing))
    for plan in live:
        seen: dict[uuid.UUID, int] = {}
        kept: list[dict[str, Any]] = []
        for entry in plan.cleaned.lists[field.key]:
            key = entry["name"].strip().lower()
            skill_id = known.get(key) or known.get(_canonical(key))
            if skill_id is None:  # dry run: a stable stand-in for the skill to be created
                skill_id = uuid.uuid5(DRY_RUN_NAMESPACE, _canonical(key))
            path = f"{field.label}[{entry['_position']}].name"
            if skill_id in seen:
                problem = issue(
                    path,
                    "INVALID_VALUE",
                    f"{entry['name']} is the same skill as entry {seen[skill_id]}",
                )
                if drop_bad:
                    plan.cleaned.warnings.append(
                        {**problem, "message": f"Dropped: {problem['message']}"}
                    )
                    continue
                plan.fail(problem)
                break
            seen[skill_id] = entry["_position"]
            kept.append({**entry, "skill_id": skill_id})
        plan.cleaned.lists[field.key] = kept
