"""Scorecards (one per interviewer per interview) and shared notes of the hiring organization.

An interviewer sees the other scorecards of an interview only after submitting their own, so no
one anchors on a colleague's verdict. Candidates and partners never see scorecards or notes.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from loaders.policy import Viewer, can_view_candidate
from models.application import Application
from models.base import utcnow
from models.candidate import Candidate
from models.enums import Recommendation, Role
from models.interview import Interview, InterviewPanelist, Note, Scorecard
from models.organization import User
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import (
    ApplicationClosedError,
    AuthenticationRequiredError,
    ForbiddenError,
    NotFoundError,
    ValidationFailedError,
)
from resolvers.interviews import CLOSED, can_view_interview, is_panel_side
from resolvers.validation import Checks

MAX_RATINGS = 20
MAX_MENTIONS = 20


@dataclass(frozen=True)
class Rating:
    criterion: str
    score: int
    note: str | None = None


@dataclass(frozen=True)
class ScorecardSummary:
    count: int
    average: float | None
    recommendations: dict[Recommendation, int]
    criteria: list[tuple[str, float, int]]  # (criterion, average score, ratings)


def sees_scorecards(
    viewer: Viewer,
    organization_id: uuid.UUID,
    panel: Sequence[uuid.UUID],
    submitted_by: Sequence[uuid.UUID],
) -> bool:
    """Panel-side viewers see an interview's scorecards, except an interviewer who has not yet
    submitted their own."""
    if not is_panel_side(viewer, organization_id):
        return False
    return viewer.user_id not in panel or viewer.user_id in submitted_by


def summarize(cards: Sequence[Scorecard]) -> ScorecardSummary:
    recommendations = Counter(card.recommendation for card in cards)
    by_criterion: dict[str, list[int]] = defaultdict(list)
    for card in cards:
        for rating in card.ratings or []:
            by_criterion[str(rating["criterion"])].append(int(rating["score"]))
    scores = [s for values in by_criterion.values() for s in values]
    return ScorecardSummary(
        count=len(cards),
        average=round(sum(scores) / len(scores), 2) if scores else None,
        recommendations={r: recommendations.get(r, 0) for r in Recommendation},
        criteria=[
            (name, round(sum(values) / len(values), 2), len(values))
            for name, values in sorted(by_criterion.items())
        ],
    )


def _clean_ratings(ratings: Sequence[Rating], summary: str | None) -> tuple[list[dict], str | None]:  # type: ignore[type-arg]
    checks = Checks()
    if not 1 <= len(ratings) <= MAX_RATINGS:
        checks.fail("ratings", "INVALID_VALUE", f"give 1 to {MAX_RATINGS} ratings")
    cleaned: list[dict] = []  # type: ignore[type-arg]
    seen: set[str] = set()
    for i, rating in enumerate(ratings[:MAX_RATINGS]):
        name = checks.text(
            f"ratings[{i}].criterion", rating.criterion, required=True, max_length=100
        )
        note = checks.text(f"ratings[{i}].note", rating.note, required=False, max_length=2000)
        if not 1 <= rating.score <= 4:
            checks.fail(f"ratings[{i}].score", "INVALID_VALUE", "score must be 1 to 4")
        if name and name.lower() in seen:
            checks.fail(f"ratings[{i}].criterion", "DUPLICATE", "each criterion once")
        if name:
            seen.add(name.lower())
        cleaned.append({"criterion": name, "score": rating.score, "note": note})
    text = checks.text("summary", summary, required=False, max_length=5000)
    checks.done()
    return cleaned, text


async def submit_scorecard(
    ctx: Context,
    interview_id: uuid.UUID | None,
    ratings: Sequence[Rating],
    recommendation: Recommendation,
    summary: str | None,
) -> Scorecard:
    """Create or update the viewer's scorecard of the interview (until the application closes)."""
    if ctx.viewer.user_id is None:
        raise AuthenticationRequiredError("Sign in to do this")
    cleaned, text = _clean_ratings(ratings, summary)
    user_id = ctx.viewer.user_id
    async with ctx.session_factory() as session:
        interview = await session.get(Interview, interview_id) if interview_id else None
        if interview is None or not can_view_interview(ctx.viewer, interview):
            raise NotFoundError("Interview not found", field="interviewId")
        on_panel = await session.scalar(
            select(col(InterviewPanelist.id)).where(
                col(InterviewPanelist.interview_id) == interview.id,
                col(InterviewPanelist.user_id) == user_id,
            )
        )
        if on_panel is None:
            raise ForbiddenError("Only the interview's interviewers submit scorecards")
        application = await session.get(Application, interview.application_id)
        if application is None or application.stage in CLOSED:
            raise ApplicationClosedError("The application is closed")
        card = (
            await session.exec(
                select(Scorecard).where(
                    col(Scorecard.interview_id) == interview.id,
                    col(Scorecard.interviewer_id) == user_id,
                )
            )
        ).first()
        now = utcnow()
        if card is None:
            card = Scorecard(
                interview_id=interview.id,
                interviewer_id=user_id,
                application_id=interview.application_id,
                created_at=now,
                recommendation=recommendation,
            )
        card.ratings, card.recommendation, card.summary = cleaned, recommendation, text
        card.updated_at = now
        session.add(card)
        record(
            session,
            ctx,
            "scorecard.submit",
            "Scorecard",
            card.id,
            {"interviewId": str(interview.id)},
        )
        try:
            await session.commit()
        except IntegrityError:  # a concurrent first submission of the same interviewer won
            await session.rollback()
            raise ValidationFailedError(
                [("interviewId", "DUPLICATE", "Your scorecard was submitted meanwhile; edit it")]
            ) from None
        await session.refresh(card)
    return card


async def add_note(
    ctx: Context,
    application_id: uuid.UUID | None,
    candidate_id: uuid.UUID | None,
    body: str,
    mentions: Sequence[uuid.UUID],
) -> Note:
    """A note of the viewer's organization about an application or a candidate."""
    viewer = ctx.viewer
    if viewer.user_id is None:
        raise AuthenticationRequiredError("Sign in to do this")
    checks = Checks()
    text = checks.text("body", body, required=True, max_length=10_000)
    if (application_id is None) == (candidate_id is None):
        checks.fail(
            "applicationId", "REQUIRED", "give exactly one of applicationId and candidateId"
        )
    wanted = list(dict.fromkeys(mentions))
    if len(wanted) > MAX_MENTIONS:
        checks.fail("mentions", "TOO_LONG", f"at most {MAX_MENTIONS} mentions")
    checks.done()
    async with ctx.session_factory() as session:
        if application_id is not None:
            application = await session.get(Application, application_id)
            if application is None or not is_panel_side(viewer, application.organization_id):
                raise NotFoundError("Application not found", field="applicationId")
            organization_id, about = application.organization_id, application.candidate_id
        else:
            candidate = await session.get(Candidate, candidate_id)
            if candidate is None or not can_view_candidate(viewer, candidate):
                raise NotFoundError("Candidate not found", field="candidateId")
            if viewer.role is not Role.RECRUITER or viewer.organization_id is None:
                raise ForbiddenError("Notes belong to an organization's recruiters")
            organization_id, about = viewer.organization_id, candidate.id
        if wanted:
            members = set(
                (
                    await session.exec(
                        select(col(User.id)).where(
                            col(User.id).in_(wanted),
                            col(User.organization_id) == organization_id,
                            col(User.is_active),
                        )
                    )
                ).all()
            )
            for index, user_id in enumerate(wanted):
                if user_id not in members:
                    raise ValidationFailedError(
                        [
                            (
                                f"mentions[{index}]",
                                "INVALID_VALUE",
                                "mention people of your organization",
                            )
                        ]
                    )
        note = Note(
            organization_id=organization_id,
            candidate_id=about,
            application_id=application_id,
            author_id=viewer.user_id,
            body=text or "",
            mentions=[str(m) for m in wanted],
        )
        session.add(note)
        record(session, ctx, "note.add", "Note", note.id, {"candidateId": str(about)})
        await session.commit()
        await session.refresh(note)
    return note
