"""The filter of the `interviews` calendar."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from resolvers.interviews import InterviewFilter
from schema.inputs import lookup_id


@strawberry.input(description="Filters of `interviews`; all given conditions must hold.")
class InterviewFilterInput:
    starts_from: datetime | None = strawberry.field(
        default=None, description="Starting at or after this time (with a UTC offset)."
    )
    starts_before: datetime | None = strawberry.field(
        default=None, description="Starting before this time."
    )
    interviewer_id: strawberry.ID | None = strawberry.field(
        default=None, description="On this interviewer's panel."
    )
    job_id: strawberry.ID | None = strawberry.field(default=None, description="For this job.")
    include_cancelled: bool = strawberry.field(
        default=False, description="Also CANCELLED interviews."
    )

    def to_filter(self) -> InterviewFilter:
        def key(value: strawberry.ID | None) -> uuid.UUID | None:
            # a malformed id matches nothing, like an unknown one
            return None if value is None else (lookup_id(value) or uuid.UUID(int=0))

        return InterviewFilter(
            starts_from=self.starts_from,
            starts_before=self.starts_before,
            interviewer_id=key(self.interviewer_id),
            job_id=key(self.job_id),
            include_cancelled=self.include_cancelled,
        )
