"""GraphQL types for interviews, scorecards and notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

import schema.types.common  # noqa: F401  (registers the GraphQL enums)
from loaders.interviews import UserByIdLoader
from models.enums import InterviewKind, InterviewStatus, Recommendation
from models.interview import Interview, Note, Scorecard
from resolvers.context import Context
from resolvers.interviews import is_panel_side
from resolvers.scorecards import ScorecardSummary, sees_scorecards, summarize
from schema.relations import relation
from schema.types.organization import UserType

Info = strawberry.Info[Context, None]

strawberry.enum(InterviewKind, description="How an interview takes place.")
strawberry.enum(InterviewStatus, description="SCHEDULED, or CANCELLED (kept for the record).")
strawberry.enum(Recommendation, description="An interviewer's verdict.")


def calendar_path(interview_id: Any) -> str:
    """Where an interview's iCalendar (RFC 5545) file is served."""
    return f"/interviews/{interview_id}/calendar.ics"


@strawberry.type(name="ScorecardRating", description="One criterion of a scorecard.")
class RatingType:
    criterion: str = strawberry.field(description="What was rated.")
    score: int = strawberry.field(description="1 (poor) to 4 (excellent).")
    note: str | None = strawberry.field(description="Why.")


@strawberry.type(name="Scorecard", description="An interviewer's ratings and recommendation.")
class ScorecardType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the scorecard.")
    ratings: list[RatingType] = strawberry.field(description="Ratings per criterion.")
    recommendation: Recommendation = strawberry.field(description="The verdict.")
    summary: str | None = strawberry.field(description="Overall impression.")
    updated_at: datetime = strawberry.field(description="Last edit (UTC).")
    row: strawberry.Private[Scorecard]

    @classmethod
    def from_model(cls, row: Scorecard) -> ScorecardType:
        return cls(
            id=strawberry.ID(str(row.id)),
            ratings=[
                RatingType(criterion=r["criterion"], score=int(r["score"]), note=r.get("note"))
                for r in row.ratings or []
            ],
            recommendation=row.recommendation,
            summary=row.summary,
            updated_at=row.updated_at,
            row=row,
        )

    interviewer: UserType | None = relation(
        UserByIdLoader, key="interviewer_id", description="Who wrote it."
    )


@strawberry.type(description="A criterion's average over an application's scorecards.")
class CriterionAverage:
    criterion: str = strawberry.field(description="What was rated.")
    average: float = strawberry.field(description="Mean score, 1 to 4.")
    ratings: int = strawberry.field(description="How many ratings.")


@strawberry.type(description="How many scorecards recommend what.")
class RecommendationCount:
    recommendation: Recommendation = strawberry.field(description="The verdict.")
    count: int = strawberry.field(description="Scorecards with it.")


@strawberry.type(
    name="ScorecardSummary", description="All submitted scorecards of an application together."
)
class ScorecardSummaryType:
    count: int = strawberry.field(description="Scorecards submitted.")
    average: float | None = strawberry.field(description="Mean of every rating, 1 to 4.")
    recommendations: list[RecommendationCount] = strawberry.field(description="Verdicts.")
    criteria: list[CriterionAverage] = strawberry.field(description="Per criterion.")

    @classmethod
    def from_summary(cls, summary: ScorecardSummary) -> ScorecardSummaryType:
        return cls(
            count=summary.count,
            average=summary.average,
            recommendations=[
                RecommendationCount(recommendation=r, count=n)
                for r, n in summary.recommendations.items()
            ],
            criteria=[
                CriterionAverage(criterion=c, average=a, ratings=n) for c, a, n in summary.criteria
            ],
        )


@strawberry.type(
    name="Interview",
    description="An interview of an application. The candidate sees their own interviews "
    "without the interviewer-only fields (`preparationNotes`, `interviewers`, `scorecards` "
    "are null or empty for them).",
)
class InterviewType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the interview.")
    starts_at: datetime = strawberry.field(description="Start (UTC).")
    ends_at: datetime = strawberry.field(description="End (UTC).")
    duration_minutes: int = strawberry.field(description="Length, 5 to 480 minutes.")
    timezone: str = strawberry.field(description="IANA time zone the times are shown in.")
    kind: InterviewKind = strawberry.field(description="PHONE, VIDEO or ONSITE.")
    location: str | None = strawberry.field(description="Where (ONSITE).")
    meeting_url: str | None = strawberry.field(description="Link (VIDEO).")
    status: InterviewStatus = strawberry.field(description="SCHEDULED or CANCELLED.")
    cancel_reason: str | None = strawberry.field(description="Why it was cancelled.")
    sequence: int = strawberry.field(
        description="Revision (RFC 5545 SEQUENCE): each reschedule or cancellation adds one."
    )
    calendar_path: str = strawberry.field(
        description="GET it with your bearer token: an iCalendar file (METHOD:REQUEST, or "
        "CANCEL) calendars import."
    )
    row: strawberry.Private[Interview]

    @classmethod
    def from_model(cls, row: Interview) -> InterviewType:
        return cls(
            id=strawberry.ID(str(row.id)),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            duration_minutes=row.duration_minutes,
            timezone=row.timezone,
            kind=row.kind,
            location=row.location,
            meeting_url=row.meeting_url,
            status=row.status,
            cancel_reason=row.cancel_reason,
            sequence=row.sequence,
            calendar_path=calendar_path(row.id),
            row=row,
        )

    def _panel_side(self, info: Info) -> bool:
        return is_panel_side(info.context.viewer, self.row.organization_id)

    @strawberry.field(description="What interviewers should prepare (interviewers only).")
    def preparation_notes(self, info: Info) -> str | None:
        return self.row.preparation_notes if self._panel_side(info) else None

    @strawberry.field(description="The panel (interviewers only).")
    async def interviewers(self, info: Info) -> list[UserType]:
        if not self._panel_side(info):
            return []
        loaders = info.context.loaders_at(info)
        panel = await loaders.panelists_by_interview.load(self.row.id)
        users = await loaders.user.load_many([p.user_id for p in panel])
        return [UserType.from_model(u) for u in users if u is not None]

    @strawberry.field(
        description="Submitted scorecards. An interviewer sees them only after submitting "
        "their own; the candidate never."
    )
    async def scorecards(self, info: Info) -> list[ScorecardType]:
        if not self._panel_side(info):
            return []
        loaders = info.context.loaders_at(info)
        panel = await loaders.panelists_by_interview.load(self.row.id)
        cards = await loaders.scorecards_by_interview.load(self.row.id)
        viewer = info.context.viewer
        if not sees_scorecards(
            viewer,
            self.row.organization_id,
            [p.user_id for p in panel],
            [c.interviewer_id for c in cards],
        ):
            return [
                ScorecardType.from_model(c) for c in cards if c.interviewer_id == viewer.user_id
            ]
        return [ScorecardType.from_model(c) for c in cards]


@strawberry.type(name="Note", description="A note of the hiring organization (never shown to "
                 "candidates or partners).")  # fmt: skip
class NoteType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the note.")
    body: str = strawberry.field(description="The text.")
    mentions: list[strawberry.ID] = strawberry.field(description="Mentioned colleagues' ids.")
    application_id: strawberry.ID | None = strawberry.field(
        description="The application it is about, if any."
    )
    created_at: datetime = strawberry.field(description="When it was written (UTC).")
    row: strawberry.Private[Note]

    @classmethod
    def from_model(cls, row: Note) -> NoteType:
        return cls(
            id=strawberry.ID(str(row.id)),
            body=row.body,
            mentions=[strawberry.ID(m) for m in row.mentions or []],
            application_id=strawberry.ID(str(row.application_id)) if row.application_id else None,
            created_at=row.created_at,
            row=row,
        )

    author: UserType | None = relation(UserByIdLoader, key="author_id", description="Who wrote it.")


def scorecard_summary(
    info: Info, organization_id: Any, panel: list[Any], cards: list[Scorecard]
) -> ScorecardSummaryType | None:
    """The summary, or None while the viewer may not see the scorecards (anti-anchoring)."""
    viewer = info.context.viewer
    pending = {p.interview_id for p in panel if p.user_id == viewer.user_id} - {
        c.interview_id for c in cards if c.interviewer_id == viewer.user_id
    }
    if not is_panel_side(viewer, organization_id) or pending:
        return None
    return ScorecardSummaryType.from_summary(summarize(cards))
