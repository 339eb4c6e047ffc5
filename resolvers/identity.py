"""Self-service identity: candidate sign-up, refresh-token rotation, sign-out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.candidate import Candidate
from models.enums import CandidateSource, Role
from models.organization import RefreshToken, User
from models.security import hash_password
from resolvers.audit import record
from resolvers.auth import IssuedTokens, hash_refresh_token, issue_tokens, new_refresh_token
from resolvers.context import Context
from resolvers.errors import InvalidRefreshTokenError
from resolvers.notifications import hooks
from resolvers.validation import Checks

INVALID_REFRESH = "Refresh token is invalid, expired or revoked; sign in again"


@dataclass(frozen=True)
class Registration:
    """What `register` answers, the same whether the email was free or taken (A-07)."""

    email: str


async def register(
    ctx: Context, email: str, password: str, first_name: str, last_name: str
) -> Registration:
    """Create a CANDIDATE account with its own empty profile; the person then signs in.

    A taken email (an account, or a talent-pool profile) gets exactly the same answer and
    changes nothing, so sign-up tells nobody which emails are known; the owner is told through
    `notify_existing_owner`. Recruiters, partners and admins are created by an admin
    (`server.py create-user`).
    """
    checks = Checks()
    email = checks.email("email", email)
    checks.password("password", password)
    first = checks.text("firstName", first_name, required=True, max_length=100)
    last = checks.text("lastName", last_name, required=True, max_length=100)
    checks.done()
    assert first is not None and last is not None
    password_hash = hash_password(password)  # also for taken emails: the same work either way
    async with ctx.session_factory() as session:
        owner = await _email_owner(session, email)
        if owner is not None:
            await notify_existing_owner(session, ctx, *owner)
            return Registration(email)
        user = User(email=email, password_hash=password_hash, role=Role.CANDIDATE)
        try:
            session.add(user)
            await session.flush()
            session.add(
                Candidate(
                    first_name=first,
                    last_name=last,
                    email=email,
                    source=CandidateSource.DIRECT,
                    user_id=user.id,
                )
            )
            record(session, ctx, "user.register", "User", user.id, actor_id=user.id)
            await session.commit()
        except IntegrityError:  # a concurrent sign-up with the same email won
            await session.rollback()
            owner = await _email_owner(session, email)
            if owner is None:
                raise
            await notify_existing_owner(session, ctx, *owner)
    return Registration(email)


async def _email_owner(session: AsyncSession, email: str) -> tuple[str, uuid.UUID] | None:
    """The account, or else the talent-pool profile, that holds this email."""
    user_id = (await session.exec(select(col(User.id)).where(col(User.email) == email))).first()
    if user_id is not None:
        return "User", user_id
    candidate_id = (
        await session.exec(select(col(Candidate.id)).where(col(Candidate.email) == email))
    ).first()
    return ("Candidate", candidate_id) if candidate_id is not None else None


async def notify_existing_owner(
    session: AsyncSession, ctx: Context, entity_type: str, entity_id: uuid.UUID
) -> None:
    """Someone signed up with an email that is taken: audited, and an account's owner is told
    (in the app and by email: "someone tried to register with your address; sign in or reset
    your password"). A talent-pool profile has no account to tell. The answer to the caller
    never differs."""
    record(session, ctx, "user.register_taken", entity_type, entity_id)
    if entity_type == "User":
        await hooks.registration_attempt(session, entity_id)
    await session.commit()


async def _revoke_family(session: AsyncSession, family_id: uuid.UUID) -> int:
    result = await session.exec(
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return int(result.rowcount)


async def refresh(ctx: Context, token: str) -> IssuedTokens:
    """Rotate: the presented token is spent and a new one of the same family is issued.

    Presenting a spent token again means it leaked (RFC 9700 section 4.14.2): the whole family
    is revoked, so both the thief and the user must sign in again.
    """
    now = datetime.now(UTC)
    async with ctx.session_factory() as session:
        row = (
            await session.exec(
                select(RefreshToken).where(
                    col(RefreshToken.token_hash) == hash_refresh_token(token)
                )
            )
        ).first()
        if row is None or row.expires_at <= now:
            raise InvalidRefreshTokenError(INVALID_REFRESH)
        family_id, user_id = row.family_id, row.user_id
        user = await session.get(User, user_id)
        if row.revoked_at is not None or user is None or not user.is_active:
            await _reuse_detected(session, ctx, family_id, user_id)
            raise InvalidRefreshTokenError(INVALID_REFRESH)
        new = new_refresh_token(session, ctx.settings, user.id, row.family_id)
        await session.flush()
        # spend the old token only if nobody else did in the meantime
        spent = await session.exec(
            update(RefreshToken)
            .where(col(RefreshToken.id) == row.id, col(RefreshToken.revoked_at).is_(None))
            .values(revoked_at=now, replaced_by_id=new[1].id)
        )
        if spent.rowcount != 1:
            await session.rollback()
            await _reuse_detected(session, ctx, family_id, user_id)
            raise InvalidRefreshTokenError(INVALID_REFRESH)
        record(session, ctx, "auth.refresh", "User", user.id, actor_id=user.id)
        await session.commit()
    return issue_tokens(ctx.settings, user, new)


async def _reuse_detected(
    session: AsyncSession, ctx: Context, family_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    revoked = await _revoke_family(session, family_id)
    record(
        session,
        ctx,
        "auth.refresh_reuse",
        "User",
        user_id,
        {"family": str(family_id), "revoked": revoked},
        actor_id=user_id,
    )
    await session.commit()


async def logout(ctx: Context, token: str) -> int:
    """Revoke the refresh token's whole family (this device's session); returns how many.

    Access tokens of this sign-in stop working at once (their `sid` names the family), on HTTP
    and on open WebSockets.
    """
    async with ctx.session_factory() as session:
        row = (
            await session.exec(
                select(RefreshToken).where(
                    col(RefreshToken.token_hash) == hash_refresh_token(token)
                )
            )
        ).first()
        if row is None or row.revoked_at is not None:
            raise InvalidRefreshTokenError(INVALID_REFRESH)
        revoked = await _revoke_family(session, row.family_id)
        record(session, ctx, "auth.logout", "User", row.user_id, actor_id=row.user_id)
        await session.commit()
    return revoked
