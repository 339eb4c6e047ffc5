"""Interviews, scorecards and notes through the API: scheduling rules and typed errors, the
calendar file, who sees which field, anti-anchoring, and constant statement counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from models.application import Application
from models.enums import ApplicationStage, OrganizationKind, Role
from tests.helpers import (
    audit_actions,
    gql,
    make_application,
    make_candidate,
    make_job,
    make_org,
    make_user,
    stored,
    token_for,
)

SCHEDULE = """
mutation ($applicationId: ID!, $input: InterviewInput!) {
  scheduleInterview(applicationId: $applicationId, input: $input) {
    __typename
    ... on InterviewChanged { interview { id status sequence calendarPath } application { stage } }
    ... on UserError { code field }
    ... on InterviewOverlap { interviewId }
  }
}
"""
RESCHEDULE = """
mutation ($id: ID!, $startsAt: DateTime!) {
  rescheduleInterview(id: $id, startsAt: $startsAt) {
    __typename ... on InterviewChanged { interview { sequence startsAt } } ... on UserError { code }
  }
}
"""
CANCEL = """
mutation ($id: ID!) {
  cancelInterview(id: $id, reason: "Position filled") {
    __typename ... on InterviewChanged { interview { status cancelReason sequence } }
    ... on UserError { code }
  }
}
"""
SCORE = """
mutation ($id: ID!, $input: ScorecardInput!) {
  submitScorecard(interviewId: $id, input: $input) {
    __typename ... on ScorecardSubmitted { scorecard { id recommendation } }
    ... on UserError { code field }
  }
}
"""
APPLICATION = """
query ($id: ID!) {
  application(id: $id) {
    interviews { id preparationNotes interviewers { id } scorecards { recommendation } }
    scorecardSummary { count average recommendations { recommendation count } }
    notes { body author { id } }
    events { toStage note actorId }
  }
}
"""
NOTE = """
mutation ($applicationId: ID, $candidateId: ID, $body: String!, $mentions: [ID!]) {
  addNote(applicationId: $applicationId, candidateId: $candidateId, body: $body,
          mentions: $mentions) {
    __typename ... on NoteAdded { note { id body } } ... on UserError { code field }
  }
}
"""


def soon(hours: float = 48) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


async def world(db: Any, stage: ApplicationStage = ApplicationStage.SCREENING) -> dict[str, Any]:
    org = await make_org(db)
    job = await make_job(db, org)
    candidate_user = await make_user(db, Role.CANDIDATE)
    candidate = await make_candidate(db, user=candidate_user, nested=0)
    application = await make_application(db, candidate, job, stage)
    return {
        "org": org,
        "job": job,
        "candidate": candidate,
        "candidate_user": candidate_user,
        "application": application,
        "recruiter": await make_user(db, Role.RECRUITER, org),
        "alice": await make_user(db, Role.RECRUITER, org),
        "bob": await make_user(db, Role.RECRUITER, org),
    }


def interview_input(w: dict[str, Any], **changes: Any) -> dict[str, Any]:
    values = {
        "startsAt": soon(),
        "durationMinutes": 45,
        "timezone": "Europe/Berlin",
        "kind": "VIDEO",
        "meetingUrl": "https://meet.example/abc",
        "interviewerIds": [str(w["alice"].id), str(w["bob"].id)],
        "preparationNotes": "Ask about the payments migration.",
    }
    values.update(changes)
    return values


async def schedule(client: Any, settings: Any, w: dict[str, Any], **changes: Any) -> Any:
    variables = {"applicationId": str(w["application"].id), "input": interview_input(w, **changes)}
    result = await gql(client, SCHEDULE, variables, token_for(settings, w["recruiter"]))
    assert result.errors == [], result.errors
    return result.data["scheduleInterview"]


async def test_scheduling_moves_screening_to_interview_and_serves_a_calendar_file(
    client, db, settings
):
    # given
    w = await world(db)
    # when
    answer = await schedule(client, settings, w)
    path = answer["interview"]["calendarPath"]
    ics = await client.get(
        path, headers={"Authorization": f"Bearer {token_for(settings, w['recruiter'])}"}
    )
    # then
    assert answer["__typename"] == "InterviewChanged"
    assert answer["application"]["stage"] == "INTERVIEW"
    assert answer["interview"]["sequence"] == 0
    application = await stored(db, Application, w["application"].id)
    assert application.stage is ApplicationStage.INTERVIEW
    assert "interview.schedule" in await audit_actions(db)
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    text = ics.text.replace("\r\n ", "")  # unfold
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert "METHOD:REQUEST\r\n" in text
    assert f"UID:interview-{answer['interview']['id']}@talentgraph\r\n" in text
    assert "SEQUENCE:0\r\n" in text
    assert "URL:https://meet.example/abc\r\n" in text
    assert "DESCRIPTION:Ask about the payments migration.\r\n" in text
    assert all(len(line.encode()) <= 75 for line in ics.text.split("\r\n"))


@pytest.mark.parametrize(
    ("case", "typename", "code"),
    [
        ("past", "InterviewInPast", "INTERVIEW_IN_PAST"),
        ("foreign_interviewer", "InterviewerNotInOrganization", "INTERVIEWER_NOT_IN_ORGANIZATION"),
        (
            "candidate_as_interviewer",
            "InterviewerNotInOrganization",
            "INTERVIEWER_NOT_IN_ORGANIZATION",
        ),
        ("video_without_link", "ValidationError", "VALIDATION_FAILED"),
        ("bad_timezone", "ValidationError", "VALIDATION_FAILED"),
        ("no_interviewers", "ValidationError", "VALIDATION_FAILED"),
    ],
)
async def test_invalid_interviews_are_typed_errors(client, db, settings, case, typename, code):
    # given
    w = await world(db)
    stranger = await make_user(db, Role.RECRUITER, await make_org(db))
    changes = {
        "past": {"startsAt": soon(-1)},
        "foreign_interviewer": {"interviewerIds": [str(w["alice"].id), str(stranger.id)]},
        "candidate_as_interviewer": {"interviewerIds": [str(w["candidate_user"].id)]},
        "video_without_link": {"meetingUrl": None},
        "bad_timezone": {"timezone": "Mars/Olympus"},
        "no_interviewers": {"interviewerIds": []},
    }[case]
    # when
    answer = await schedule(client, settings, w, **changes)
    # then
    assert (answer["__typename"], answer["code"]) == (typename, code)
    assert (await stored(db, Application, w["application"].id)).stage is ApplicationStage.SCREENING


async def test_an_interviewer_cannot_be_booked_twice_and_closed_applications_take_none(
    client, db, settings
):
    # given: alice interviews at 10:00-10:45 two days from now
    w = await world(db)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    first = await schedule(client, settings, w, startsAt=start.isoformat())
    other = await world(db)
    other_application = await make_application(
        db, await make_candidate(db, nested=0), w["job"], ApplicationStage.SCREENING
    )
    closed = await make_application(
        db, await make_candidate(db, nested=0), w["job"], ApplicationStage.REJECTED
    )
    token = token_for(settings, w["recruiter"])
    # when
    overlapping = await gql(
        client,
        SCHEDULE,
        {
            "applicationId": str(other_application.id),
            "input": interview_input(
                w, startsAt=(start + timedelta(minutes=30)).isoformat(),
                interviewerIds=[str(w["alice"].id)],
            ),
        },
        token,
    )  # fmt: skip
    back_to_back = await gql(
        client,
        SCHEDULE,
        {
            "applicationId": str(other_application.id),
            "input": interview_input(
                w, startsAt=(start + timedelta(minutes=45)).isoformat(),
                interviewerIds=[str(w["alice"].id)],
            ),
        },
        token,
    )  # fmt: skip
    on_closed = await gql(
        client, SCHEDULE, {"applicationId": str(closed.id), "input": interview_input(w)}, token
    )
    foreign = await gql(
        client,
        SCHEDULE,
        {"applicationId": str(other["application"].id), "input": interview_input(w)},
        token,
    )
    # then
    clash = overlapping.data["scheduleInterview"]
    assert (clash["__typename"], clash["code"]) == ("InterviewOverlap", "INTERVIEW_OVERLAP")
    assert clash["interviewId"] == first["interview"]["id"]
    assert back_to_back.data["scheduleInterview"]["__typename"] == "InterviewChanged"
    assert on_closed.data["scheduleInterview"]["code"] == "APPLICATION_CLOSED"
    assert foreign.data["scheduleInterview"]["code"] == "NOT_FOUND"


async def test_reschedule_and_cancel_raise_the_sequence_and_the_calendar_says_cancel(
    client, db, settings
):
    # given
    w = await world(db)
    interview_id = (await schedule(client, settings, w))["interview"]["id"]
    token = token_for(settings, w["recruiter"])
    # when
    moved = await gql(client, RESCHEDULE, {"id": interview_id, "startsAt": soon(72)}, token)
    past = await gql(client, RESCHEDULE, {"id": interview_id, "startsAt": soon(-2)}, token)
    cancelled = await gql(client, CANCEL, {"id": interview_id}, token)
    again = await gql(client, CANCEL, {"id": interview_id}, token)
    ics = await client.get(
        f"/interviews/{interview_id}/calendar.ics",
        headers={"Authorization": f"Bearer {token_for(settings, w['candidate_user'])}"},
    )
    # then
    assert moved.data["rescheduleInterview"]["interview"]["sequence"] == 1
    assert past.data["rescheduleInterview"]["code"] == "INTERVIEW_IN_PAST"
    assert cancelled.data["cancelInterview"]["interview"] == {
        "status": "CANCELLED",
        "cancelReason": "Position filled",
        "sequence": 2,
    }
    assert again.data["cancelInterview"]["code"] == "APPLICATION_CLOSED"
    text = ics.text.replace("\r\n ", "")
    assert "METHOD:CANCEL\r\n" in text and "STATUS:CANCELLED\r\n" in text
    assert "SEQUENCE:2\r\n" in text
    assert "DESCRIPTION" not in text  # preparation notes are for interviewers only


async def test_the_calendar_file_is_for_those_who_may_see_the_interview(client, db, settings):
    # given
    w = await world(db)
    interview_id = (await schedule(client, settings, w))["interview"]["id"]
    stranger = await make_user(db, Role.RECRUITER, await make_org(db))
    path = f"/interviews/{interview_id}/calendar.ics"
    # when
    anonymous = await client.get(path)
    foreign = await client.get(
        path, headers={"Authorization": f"Bearer {token_for(settings, stranger)}"}
    )
    # then
    assert anonymous.status_code == 401
    assert foreign.status_code == 404
    assert foreign.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


SCORECARD = {
    "ratings": [{"criterion": "Python", "score": 4}, {"criterion": "Communication", "score": 3}],
    "recommendation": "YES",
    "summary": "Strong.",
}


async def test_scorecards_are_hidden_from_an_interviewer_until_they_submit_theirs(
    client, db, settings
):
    # given: alice has scored, bob has not
    w = await world(db)
    interview_id = (await schedule(client, settings, w))["interview"]["id"]
    alice, bob = token_for(settings, w["alice"]), token_for(settings, w["bob"])
    first = await gql(client, SCORE, {"id": interview_id, "input": SCORECARD}, alice)
    variables = {"id": str(w["application"].id)}
    # when
    bob_before = (await gql(client, APPLICATION, variables, bob)).data["application"]
    manager = await gql(client, APPLICATION, variables, token_for(settings, w["recruiter"]))
    candidate = await gql(client, APPLICATION, variables, token_for(settings, w["candidate_user"]))
    await gql(
        client, SCORE, {"id": interview_id, "input": {**SCORECARD, "recommendation": "NO"}}, bob
    )
    bob_after = (await gql(client, APPLICATION, variables, bob)).data["application"]
    # then
    assert first.data["submitScorecard"]["__typename"] == "ScorecardSubmitted"
    assert bob_before["interviews"][0]["scorecards"] == []
    assert bob_before["scorecardSummary"] is None
    assert manager.data["application"]["interviews"][0]["scorecards"] == [{"recommendation": "YES"}]
    assert manager.data["application"]["scorecardSummary"]["count"] == 1
    seen = candidate.data["application"]
    assert seen["interviews"] == [
        {"id": interview_id, "preparationNotes": None, "interviewers": [], "scorecards": []}
    ]
    assert seen["scorecardSummary"] is None
    assert len(bob_after["interviews"][0]["scorecards"]) == 2
    summary = bob_after["scorecardSummary"]
    assert summary["count"] == 2
    assert summary["average"] == 3.5
    assert {r["recommendation"]: r["count"] for r in summary["recommendations"]} == {
        "STRONG_NO": 0,
        "NO": 1,
        "YES": 1,
        "STRONG_YES": 0,
    }


async def test_scorecard_rules(client, db, settings):
    # given
    w = await world(db)
    interview_id = (await schedule(client, settings, w))["interview"]["id"]
    alice = token_for(settings, w["alice"])
    # when
    outsider = await gql(
        client, SCORE, {"id": interview_id, "input": SCORECARD}, token_for(settings, w["recruiter"])
    )
    bad = await gql(
        client,
        SCORE,
        {"id": interview_id, "input": {**SCORECARD, "ratings": [{"criterion": "x", "score": 5}]}},
        alice,
    )
    first = await gql(client, SCORE, {"id": interview_id, "input": SCORECARD}, alice)
    edited = await gql(
        client, SCORE, {"id": interview_id, "input": {**SCORECARD, "recommendation": "STRONG_YES"}},
        alice,
    )  # fmt: skip
    async with db() as session:
        application = await session.get(Application, w["application"].id)
        application.stage = ApplicationStage.REJECTED
        await session.commit()
    closed = await gql(client, SCORE, {"id": interview_id, "input": SCORECARD}, alice)
    # then
    assert outsider.data["submitScorecard"]["code"] == "FORBIDDEN"
    assert bad.data["submitScorecard"]["field"] == "ratings[0].score"
    assert (
        edited.data["submitScorecard"]["scorecard"]["id"]
        == first.data["submitScorecard"]["scorecard"]["id"]
    )
    assert edited.data["submitScorecard"]["scorecard"]["recommendation"] == "STRONG_YES"
    assert closed.data["submitScorecard"]["code"] == "APPLICATION_CLOSED"


async def test_notes_and_stage_notes_stay_inside_the_organization(client, db, settings):
    # given
    w = await world(db)
    await schedule(client, settings, w)
    recruiter = token_for(settings, w["recruiter"])
    partner = await make_user(db, Role.PARTNER, await make_org(db, OrganizationKind.PARTNER))
    stranger = await make_user(db, Role.RECRUITER, await make_org(db))
    variables = {"id": str(w["application"].id)}
    # when
    added = await gql(
        client,
        NOTE,
        {
            "applicationId": str(w["application"].id),
            "body": "Great fit",
            "mentions": [str(w["alice"].id)],
        },
        recruiter,
    )  # fmt: skip
    on_candidate = await gql(
        client, NOTE, {"candidateId": str(w["candidate"].id), "body": "Keep warm"}, recruiter
    )
    foreign_mention = await gql(
        client,
        NOTE,
        {"applicationId": str(w["application"].id), "body": "x", "mentions": [str(stranger.id)]},
        recruiter,
    )
    by_stranger = await gql(
        client, NOTE, {"applicationId": str(w["application"].id), "body": "x"},
        token_for(settings, stranger),
    )  # fmt: skip
    by_partner = await gql(
        client, NOTE, {"candidateId": str(w["candidate"].id), "body": "x"},
        token_for(settings, partner),
    )  # fmt: skip
    seen = (await gql(client, APPLICATION, variables, recruiter)).data["application"]
    candidate = await gql(client, APPLICATION, variables, token_for(settings, w["candidate_user"]))
    notes_of_candidate = await gql(
        client, "query ($id: ID!) { candidate(id: $id) { notes { body } } }",
        {"id": str(w["candidate"].id)}, recruiter,
    )  # fmt: skip
    other_org_view = await gql(
        client, "query ($id: ID!) { candidate(id: $id) { notes { body } } }",
        {"id": str(w["candidate"].id)}, token_for(settings, stranger),
    )  # fmt: skip
    # then
    assert added.data["addNote"]["__typename"] == "NoteAdded"
    assert on_candidate.data["addNote"]["__typename"] == "NoteAdded"
    assert foreign_mention.data["addNote"]["field"] == "mentions[0]"
    assert by_stranger.data["addNote"]["code"] == "NOT_FOUND"
    assert by_partner.data["addNote"]["code"] == "NOT_FOUND"
    assert [n["body"] for n in seen["notes"]] == ["Great fit"]
    assert seen["events"][-1] == {
        "toStage": "INTERVIEW",
        "note": "Interview scheduled",
        "actorId": str(w["recruiter"].id),
    }
    hidden = candidate.data["application"]
    assert hidden["notes"] == []
    assert hidden["events"][-1] == {"toStage": "INTERVIEW", "note": None, "actorId": None}
    assert [n["body"] for n in notes_of_candidate.data["candidate"]["notes"]] == [
        "Great fit",
        "Keep warm",
    ]
    assert other_org_view.data["candidate"]["notes"] == []
    assert "note.add" in await audit_actions(db)


CALENDAR = """
query ($filter: InterviewFilterInput) {
  interviews(first: 10, filter: $filter) { totalCount edges { node { id startsAt } } }
}
"""


async def test_the_calendar_lists_the_organizations_interviews_by_time(client, db, settings):
    # given: two interviews, alice on one, bob on both
    w = await world(db)
    later = await schedule(client, settings, w, startsAt=soon(72))
    second = await make_application(db, await make_candidate(db, nested=0), w["job"])
    earlier = await gql(
        client,
        SCHEDULE,
        {
            "applicationId": str(second.id),
            "input": interview_input(w, startsAt=soon(24), interviewerIds=[str(w["bob"].id)]),
        },
        token_for(settings, w["recruiter"]),
    )
    stranger = await make_user(db, Role.RECRUITER, await make_org(db))
    # when
    everything = await gql(client, CALENDAR, {}, token_for(settings, w["recruiter"]))
    alices = await gql(
        client,
        CALENDAR,
        {"filter": {"interviewerId": str(w["alice"].id)}},
        token_for(settings, w["alice"]),
    )
    foreign = await gql(client, CALENDAR, {}, token_for(settings, stranger))
    mine = await gql(
        client,
        "{ me { candidate { interviews(upcoming: true) { id preparationNotes } } } }",
        {},
        token_for(settings, w["candidate_user"]),
    )
    # then
    ids = [e["node"]["id"] for e in everything.data["interviews"]["edges"]]
    assert ids == [
        earlier.data["scheduleInterview"]["interview"]["id"],
        later["interview"]["id"],
    ]
    assert [e["node"]["id"] for e in alices.data["interviews"]["edges"]] == [
        later["interview"]["id"]
    ]
    assert foreign.data["interviews"]["totalCount"] == 0
    assert mine.data["me"]["candidate"]["interviews"] == [
        {"id": later["interview"]["id"], "preparationNotes": None}
    ]


NESTED = """
query ($first: Int!) {
  applications(first: $first) { edges { node {
    interviews { kind interviewers { email } scorecards { recommendation interviewer { email } } }
    scorecardSummary { count }
    notes { body author { email } }
  } } }
}
"""


async def _nested_statements(client, db, settings, parents: int) -> int:
    org = await make_org(db)
    job = await make_job(db, org)
    recruiter = await make_user(db, Role.RECRUITER, org)
    panel = [await make_user(db, Role.RECRUITER, org) for _ in range(2)]
    token = token_for(settings, recruiter)
    for i in range(parents):
        application = await make_application(db, await make_candidate(db, nested=0), job)
        start = datetime.now(UTC) + timedelta(days=1, hours=i)
        result = await gql(
            client,
            SCHEDULE,
            {
                "applicationId": str(application.id),
                "input": {
                    "startsAt": start.isoformat(), "durationMinutes": 30, "timezone": "UTC",
                    "kind": "PHONE", "interviewerIds": [str(u.id) for u in panel],
                },
            },
            token,
        )  # fmt: skip
        interview_id = result.data["scheduleInterview"]["interview"]["id"]
        await gql(
            client, SCORE, {"id": interview_id, "input": SCORECARD}, token_for(settings, panel[0])
        )
        await gql(client, NOTE, {"applicationId": str(application.id), "body": "n"}, token)
    result = await gql(client, NESTED, {"first": parents}, token)
    assert result.errors == []
    assert len(result.data["applications"]["edges"]) == parents
    return result.statements


async def test_nested_interviews_cost_the_same_statements_for_3_and_15_applications(
    app, client, db, settings
):
    # given / when
    small = await _nested_statements(client, db, settings, 3)
    large = await _nested_statements(client, db, settings, 15)
    # then
    assert small == large
