"""Mutations of interviews, scorecards and notes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import strawberry

from models.enums import InterviewKind, Recommendation
from resolvers import interviews, scorecards
from resolvers.context import Context
from resolvers.errors import (
    ApplicationClosedError,
    InterviewerNotInOrganizationError,
    InterviewInPastError,
    InterviewOverlapError,
)
from schema.inputs import lookup_id, optional_id
from schema.types.application import ApplicationType
from schema.types.common import ErrorCode, UserError
from schema.types.errors import (
    AuthenticationRequired,
    Forbidden,
    NotFound,
    ValidationError,
    simple_handler,
)
from schema.types.interview import InterviewType, NoteType, ScorecardType

Info = strawberry.Info[Context, None]


@strawberry.input(description="When, how and with whom.")
class InterviewInput:
    starts_at: datetime = strawberry.field(description="Start, with a UTC offset; in the future.")
    duration_minutes: int = strawberry.field(description="5 to 480 minutes.")
    timezone: str = strawberry.field(description="IANA time zone, e.g. Europe/Berlin.")
    kind: InterviewKind = strawberry.field(description="PHONE, VIDEO or ONSITE.")
    location: str | None = strawberry.field(
        default=None, description="Where (required for ONSITE; at most 300 characters)."
    )
    meeting_url: str | None = strawberry.field(
        default=None, description="An http(s) link (required for VIDEO; at most 500)."
    )
    interviewer_ids: list[strawberry.ID] = strawberry.field(
        description="1 to 10 active recruiters or admins of the hiring organization."
    )
    preparation_notes: str | None = strawberry.field(
        default=None, description="For the interviewers only (at most 5,000 characters)."
    )


@strawberry.input(description="One criterion of a scorecard.")
class RatingInput:
    criterion: str = strawberry.field(description="What is rated (at most 100 characters).")
    score: int = strawberry.field(description="1 (poor) to 4 (excellent).")
    note: str | None = strawberry.field(default=None, description="Why (at most 2,000).")


@strawberry.input(description="An interviewer's scorecard.")
class ScorecardInput:
    ratings: list[RatingInput] = strawberry.field(
        description="1 to 20 ratings, each criterion once."
    )
    recommendation: Recommendation = strawberry.field(description="The verdict.")
    summary: str | None = strawberry.field(default=None, description="At most 5,000 characters.")


@strawberry.type(description="The interview was scheduled, moved or cancelled.")
class InterviewChanged:
    interview: InterviewType = strawberry.field(description="The interview as it is now.")
    application: ApplicationType = strawberry.field(
        description="Its application (scheduling moves SCREENING to INTERVIEW)."
    )


@strawberry.type(description="The scorecard was saved.")
class ScorecardSubmitted:
    scorecard: ScorecardType = strawberry.field(description="The saved scorecard.")


@strawberry.type(description="The note was added.")
class NoteAdded:
    note: NoteType = strawberry.field(description="The new note.")


@strawberry.type(description="The application is HIRED, REJECTED or WITHDRAWN (or the interview "
                 "was cancelled): nothing more is scheduled or scored.")  # fmt: skip
class ApplicationClosed(UserError):
    pass


@strawberry.type(description="The interview must start in the future.")
class InterviewInPast(UserError):
    pass


@strawberry.type(description="An interviewer is not an active recruiter of the organization.")
class InterviewerNotInOrganization(UserError):
    pass


@strawberry.type(description="An interviewer has another interview at that time.")
class InterviewOverlap(UserError):
    interviewer_id: strawberry.ID = strawberry.field(description="Who is busy.")
    interview_id: strawberry.ID = strawberry.field(description="With which interview.")


class ApplicationClosedHandler(
    strawberry.ExceptionHandler[ApplicationClosedError, ApplicationClosed]
):
    handle = simple_handler(ApplicationClosed, ErrorCode.APPLICATION_CLOSED)


class InterviewInPastHandler(strawberry.ExceptionHandler[InterviewInPastError, InterviewInPast]):
    handle = simple_handler(InterviewInPast, ErrorCode.INTERVIEW_IN_PAST)


class InterviewerNotInOrganizationHandler(
    strawberry.ExceptionHandler[InterviewerNotInOrganizationError, InterviewerNotInOrganization]
):
    handle = simple_handler(InterviewerNotInOrganization, ErrorCode.INTERVIEWER_NOT_IN_ORGANIZATION)


class InterviewOverlapHandler(strawberry.ExceptionHandler[InterviewOverlapError, InterviewOverlap]):
    def handle(
        self, exception: InterviewOverlapError, *, field: Any, info: Any
    ) -> InterviewOverlap:
        return InterviewOverlap(
            code=ErrorCode.INTERVIEW_OVERLAP,
            message=exception.message,
            field=exception.field,
            interviewer_id=strawberry.ID(str(exception.interviewer_id)),
            interview_id=strawberry.ID(str(exception.interview_id)),
        )


HANDLERS = (
    ApplicationClosedHandler(),
    InterviewInPastHandler(),
    InterviewerNotInOrganizationHandler(),
    InterviewOverlapHandler(),
)

_Errors = NotFound | Forbidden | AuthenticationRequired | ValidationError | ApplicationClosed
InterviewResult = Annotated[
    InterviewChanged | _Errors | InterviewInPast | InterviewerNotInOrganization | InterviewOverlap,
    strawberry.union("InterviewResult", description="Result of the interview mutations."),
]
ScorecardResult = Annotated[
    ScorecardSubmitted | _Errors,
    strawberry.union("ScorecardResult", description="Result of `submitScorecard`."),
]
NoteResult = Annotated[
    NoteAdded | NotFound | Forbidden | AuthenticationRequired | ValidationError,
    strawberry.union("NoteResult", description="Result of `addNote`."),
]
IdArg = Annotated[strawberry.ID, strawberry.argument(description="UUID of the interview.")]


def _ids(values: list[strawberry.ID], field: str) -> tuple[uuid.UUID, ...]:
    found = []
    for index, value in enumerate(values):
        key = lookup_id(value)
        if key is None:
            raise InterviewerNotInOrganizationError("Unknown user", field=f"{field}[{index}]")
        found.append(key)
    return tuple(found)


async def _changed(info: Info, row: Any) -> InterviewChanged:
    application = await info.context.loaders_at(info).application.load(row.application_id)
    assert application is not None  # enforced by the foreign key
    return InterviewChanged(
        interview=InterviewType.from_model(row),
        application=ApplicationType.from_model(application),
    )


@strawberry.type
class InterviewMutations:
    @strawberry.mutation(
        description="Schedule an interview of an application (recruiters of the hiring "
        "organization, admins). Interviewers must be free for the whole slot. An application "
        "in SCREENING moves to INTERVIEW."
    )
    async def schedule_interview(
        self,
        info: Info,
        application_id: Annotated[
            strawberry.ID, strawberry.argument(description="The application.")
        ],
        input: Annotated[InterviewInput, strawberry.argument(description="The interview.")],
    ) -> InterviewResult:
        row = await interviews.schedule_interview(
            info.context,
            lookup_id(application_id),
            interviews.InterviewWanted(
                starts_at=input.starts_at,
                duration_minutes=input.duration_minutes,
                timezone=input.timezone,
                kind=input.kind,
                location=input.location,
                meeting_url=input.meeting_url,
                interviewer_ids=_ids(input.interviewer_ids, "interviewerIds"),
                preparation_notes=input.preparation_notes,
            ),
        )
        return await _changed(info, row)

    @strawberry.mutation(
        description="Move an interview (the panel stays; its members must be free). Its "
        "`sequence` rises, so calendars update the event."
    )
    async def reschedule_interview(
        self,
        info: Info,
        id: IdArg,
        starts_at: Annotated[
            datetime, strawberry.argument(description="New start, in the future.")
        ],
        duration_minutes: Annotated[
            int | None, strawberry.argument(description="New length (default: unchanged).")
        ] = None,
        timezone: Annotated[
            str | None, strawberry.argument(description="New IANA time zone (default: unchanged).")
        ] = None,
    ) -> InterviewResult:
        row = await interviews.reschedule_interview(
            info.context, lookup_id(id), starts_at, duration_minutes, timezone
        )
        return await _changed(info, row)

    @strawberry.mutation(description="Cancel an interview; it stays on record as CANCELLED.")
    async def cancel_interview(
        self,
        info: Info,
        id: IdArg,
        reason: Annotated[
            str | None, strawberry.argument(description="Why (at most 1,000 characters).")
        ] = None,
    ) -> InterviewResult:
        row = await interviews.cancel_interview(info.context, lookup_id(id), reason)
        return await _changed(info, row)

    @strawberry.mutation(
        description="Save your scorecard of an interview you are on the panel of: one per "
        "interviewer, editable until the application closes. Criteria default to the job's "
        "skills (`Job.skills`), but any may be rated."
    )
    async def submit_scorecard(
        self,
        info: Info,
        interview_id: Annotated[strawberry.ID, strawberry.argument(description="The interview.")],
        input: Annotated[ScorecardInput, strawberry.argument(description="The scorecard.")],
    ) -> ScorecardResult:
        row = await scorecards.submit_scorecard(
            info.context,
            lookup_id(interview_id),
            [scorecards.Rating(r.criterion, r.score, r.note) for r in input.ratings],
            input.recommendation,
            input.summary,
        )
        return ScorecardSubmitted(scorecard=ScorecardType.from_model(row))

    @strawberry.mutation(
        description="Add a note about an application or a candidate, visible to your "
        "organization only (never to candidates or partners). `mentions` name colleagues."
    )
    async def add_note(
        self,
        info: Info,
        body: Annotated[str, strawberry.argument(description="1 to 10,000 characters.")],
        application_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The application, or ...")
        ] = None,
        candidate_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="... the candidate.")
        ] = None,
        mentions: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(description="Ids of colleagues to mention (at most 20)."),
        ] = None,
    ) -> NoteResult:
        wanted = [lookup_id(m) for m in mentions or []]
        row = await scorecards.add_note(
            info.context,
            optional_id(application_id, "applicationId"),
            optional_id(candidate_id, "candidateId"),
            body,
            [m if m is not None else uuid.UUID(int=0) for m in wanted],
        )
        return NoteAdded(note=NoteType.from_model(row))
