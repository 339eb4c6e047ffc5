"""Loaders for interviews, their panels and scorecards, notes, and users."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select

from loaders.base import ByIdLoader, ByParentLoader, ChildrenLoader
from models.interview import Interview, InterviewPanelist, Note, Scorecard
from models.organization import User


class UserByIdLoader(ByIdLoader[User]):
    model = User


class InterviewsByApplicationIdLoader(ChildrenLoader[Interview]):
    model = Interview
    parent = "application_id"
    order = ("starts_at",)


class PanelistsByInterviewIdLoader(ChildrenLoader[InterviewPanelist]):
    model = InterviewPanelist
    parent = "interview_id"


class ScorecardsByInterviewIdLoader(ChildrenLoader[Scorecard]):
    model = Scorecard
    parent = "interview_id"


class ScorecardsByApplicationIdLoader(ChildrenLoader[Scorecard]):
    model = Scorecard
    parent = "application_id"


class PanelistsByApplicationIdLoader(ByParentLoader[Any]):
    """(interview id, user id) of every panelist of each application's interviews."""

    parent = "application_id"
    keys_only = True

    def statement(self, keys: Sequence[uuid.UUID]) -> Any:
        return (
            select(
                col(Interview.application_id),
                col(InterviewPanelist.interview_id),
                col(InterviewPanelist.user_id),
            )
            .join(Interview, col(Interview.id) == col(InterviewPanelist.interview_id))
            .where(self.among(col(Interview.application_id), keys))
            .order_by(col(InterviewPanelist.interview_id), col(InterviewPanelist.user_id))
        )


class NotesByApplicationIdLoader(ChildrenLoader[Note]):
    model = Note
    parent = "application_id"


class NotesByCandidateIdLoader(ChildrenLoader[Note]):
    model = Note
    parent = "candidate_id"


class InterviewsByCandidateIdLoader(ChildrenLoader[Interview]):
    model = Interview
    parent = "candidate_id"
    order = ("starts_at",)
