"""Reading the skill vocabulary and the current user."""

from __future__ import annotations

from sqlmodel import col, select

from loaders.pagination import clamp_first
from models.organization import User
from models.skill import Skill
from resolvers.context import Context
from resolvers.pages import like_pattern


async def search_skills(ctx: Context, search: str | None, first: int | None) -> list[Skill]:
    limit = clamp_first(None if first is None else max(first, 0))
    statement = select(Skill).order_by(col(Skill.name), col(Skill.id)).limit(limit)
    if search and search.strip():
        statement = statement.where(col(Skill.name).ilike(like_pattern(search), escape="\\"))
    async with ctx.session_factory() as session:
        return list((await session.exec(statement)).all())


async def current_user(ctx: Context) -> User | None:
    if ctx.viewer.user_id is None:
        return None
    async with ctx.session_factory() as session:
        return await session.get(User, ctx.viewer.user_id)
