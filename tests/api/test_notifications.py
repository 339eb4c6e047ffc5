"""In-app notifications through the API: which events notify whom, reading and marking your
own only, preferences, and the job deadline field. Email delivery: test_notification_email.py;
reminders: test_notification_reminders.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from models.enums import ApplicationStage, DeliveryStatus, Role
from models.notification import Notification, NotificationDelivery
from tests.api.test_interviews import schedule, world
from tests.helpers import gql, make_candidate, make_job, make_org, make_user, token_for

NOTIFICATIONS = """
query ($unreadOnly: Boolean! = false, $first: Int) {
  notifications(unreadOnly: $unreadOnly, first: $first) {
    totalCount
    edges { node { id event title body readAt applicationId interviewId jobId } }
  }
}
"""
MARK_READ = """
mutation ($ids: [ID!]!) {
  markNotificationsRead(ids: $ids) {
    __typename
    ... on NotificationsMarkedRead { notifications { id readAt } }
    ... on UserError { code field }
  }
}
"""
PREFERENCES = "{ notificationPreferences { event channel enabled } }"
UPDATE_PREFERENCES = """
mutation ($preferences: [NotificationPreferenceInput!]!) {
  updateNotificationPreferences(preferences: $preferences) {
    __typename
    ... on NotificationPreferencesUpdated { preferences { event channel enabled } }
    ... on UserError { code field }
  }
}
"""
APPLY = """
mutation ($job: ID!) {
  applyToJob(jobId: $job) { __typename ... on UserError { code } }
}
"""
MOVE = """
mutation ($id: ID!, $stage: ApplicationStage!) {
  moveApplication(id: $id, stage: $stage) { __typename ... on UserError { code } }
}
"""
CREATE_JOB = """
mutation ($input: CreateJobInput!) {
  createJob(input: $input) {
    __typename ... on CreateJobSuccess { job { id closesAt } }
    ... on ValidationError { code errors { field code } }
  }
}
"""
UPDATE_JOB = """
mutation ($id: ID!, $version: Int!, $input: UpdateJobInput!) {
  updateJob(id: $id, version: $version, input: $input) {
    __typename ... on UpdateJobSuccess { job { closesAt version } }
  }
}
"""
REGISTER = """
mutation ($email: String!) {
  register(email: $email, password: "a long password 123", firstName: "A", lastName: "B") {
    __typename
  }
}
"""


async def inbox(client: Any, settings: Any, user: Any, **variables: Any) -> dict[str, Any]:
    result = await gql(client, NOTIFICATIONS, variables, token_for(settings, user))
    assert result.errors == [], result.errors
    return dict(result.data["notifications"])


def events_of(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["event"] for edge in page["edges"]]


async def deliveries(db: Any) -> list[NotificationDelivery]:
    async with db() as session:
        return list(await session.exec(select(NotificationDelivery)))


async def test_applying_notifies_the_candidate_and_the_recruiters_only(client, db, settings):
    # given
    org = await make_org(db)
    job = await make_job(db, org)
    recruiter = await make_user(db, Role.RECRUITER, org)
    outsider = await make_user(db, Role.RECRUITER, await make_org(db))
    person = await make_user(db, Role.CANDIDATE)
    await make_candidate(db, user=person, nested=0)
    # when
    applied = await gql(client, APPLY, {"job": str(job.id)}, token_for(settings, person))
    # then
    assert applied.data["applyToJob"]["__typename"] == "ApplyToJobSuccess"
    mine = await inbox(client, settings, person)
    theirs = await inbox(client, settings, recruiter)
    assert events_of(mine) == ["APPLICATION_RECEIVED"]
    assert mine["edges"][0]["node"]["jobId"] == str(job.id)
    assert mine["edges"][0]["node"]["title"] == f"Application received: {job.title}"
    assert events_of(theirs) == ["APPLICATION_RECEIVED"]
    assert theirs["edges"][0]["node"]["title"] == f"New application: {job.title}"
    assert (await inbox(client, settings, outsider))["totalCount"] == 0
    rows = await deliveries(db)
    assert len(rows) == 2
    assert {r.status for r in rows} == {DeliveryStatus.PENDING}


async def test_a_stage_change_tells_the_candidate_in_its_own_words(client, db, settings):
    # given
    w = await world(db, ApplicationStage.SCREENING)
    token = token_for(settings, w["recruiter"])
    # when
    moved = await gql(client, MOVE, {"id": str(w["application"].id), "stage": "REJECTED"}, token)
    # then
    assert moved.data["moveApplication"]["__typename"] == "MoveApplicationSuccess"
    page = await inbox(client, settings, w["candidate_user"])
    assert events_of(page) == ["STAGE_CHANGED"]
    assert "decided not to move forward" in page["edges"][0]["node"]["body"]
    assert (await inbox(client, settings, w["recruiter"]))["totalCount"] == 0


async def test_an_interview_notifies_the_candidate_and_the_panel_at_each_change(
    client, db, settings
):
    # given
    w = await world(db)
    # when: booked two days ahead, then moved, then cancelled
    answer = await schedule(client, settings, w)
    interview_id = answer["interview"]["id"]
    token = token_for(settings, w["recruiter"])
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    await gql(
        client,
        "mutation ($id: ID!, $at: DateTime!) { rescheduleInterview(id: $id, startsAt: $at) "
        "{ __typename } }",
        {"id": interview_id, "at": later},
        token,
    )
    await gql(
        client, "mutation ($id: ID!) { cancelInterview(id: $id) { __typename } }",
        {"id": interview_id}, token,
    )  # fmt: skip
    # then: newest first, no reminder (more than 24 hours ahead), the organizer not told
    told = ["INTERVIEW_CANCELLED", "INTERVIEW_RESCHEDULED", "INTERVIEW_SCHEDULED"]
    for person in ("candidate_user", "alice", "bob"):
        page = await inbox(client, settings, w[person])
        assert events_of(page) == told
        assert {e["node"]["interviewId"] for e in page["edges"]} == {interview_id}
    assert (await inbox(client, settings, w["recruiter"]))["totalCount"] == 0


async def test_you_read_and_mark_only_your_own_notifications(client, db, settings):
    # given: the candidate and a recruiter each have one notification
    w = await world(db)
    await schedule(client, settings, w)
    candidate_page = await inbox(client, settings, w["candidate_user"])
    alice_page = await inbox(client, settings, w["alice"])
    own = candidate_page["edges"][0]["node"]["id"]
    foreign = alice_page["edges"][0]["node"]["id"]
    token = token_for(settings, w["candidate_user"])
    # when
    refused = await gql(client, MARK_READ, {"ids": [own, foreign]}, token)
    marked = await gql(client, MARK_READ, {"ids": [own]}, token)
    again = await gql(client, MARK_READ, {"ids": [own]}, token)
    # then: all or nothing; a foreign id looks exactly like a missing one
    assert refused.data["markNotificationsRead"] == {
        "__typename": "NotFound",
        "code": "NOT_FOUND",
        "field": "ids[1]",
    }
    assert marked.data["markNotificationsRead"]["notifications"][0]["id"] == own
    read_at = marked.data["markNotificationsRead"]["notifications"][0]["readAt"]
    assert read_at is not None
    assert again.data["markNotificationsRead"]["notifications"][0]["readAt"] == read_at
    unread = await inbox(client, settings, w["candidate_user"], unreadOnly=True)
    assert unread["totalCount"] == 0
    assert (await inbox(client, settings, w["alice"], unreadOnly=True))["totalCount"] == 1


async def test_marking_needs_one_to_a_hundred_ids(client, db, settings):
    # given
    user = await make_user(db, Role.CANDIDATE)
    token = token_for(settings, user)
    # when
    empty = await gql(client, MARK_READ, {"ids": []}, token)
    garbage = await gql(client, MARK_READ, {"ids": ["not-an-id"]}, token)
    # then
    assert empty.data["markNotificationsRead"]["code"] == "VALIDATION_FAILED"
    assert garbage.data["markNotificationsRead"] == {
        "__typename": "NotFound",
        "code": "NOT_FOUND",
        "field": "ids[0]",
    }


async def test_anonymous_callers_have_no_notifications(client):
    # when
    page = await gql(client, NOTIFICATIONS)
    preferences = await gql(client, PREFERENCES)
    # then
    assert page.data["notifications"]["totalCount"] == 0
    assert preferences.data["notificationPreferences"] == []


async def test_preferences_turn_email_and_in_app_off_per_event(client, db, settings):
    # given
    w = await world(db)
    token = token_for(settings, w["candidate_user"])
    before = await gql(client, PREFERENCES, token=token)
    # when: the candidate wants no invitation emails, Alice no invitations in the app
    off = {"event": "INTERVIEW_SCHEDULED", "enabled": False}
    updated = await gql(
        client, UPDATE_PREFERENCES, {"preferences": [{**off, "channel": "EMAIL"}]}, token
    )
    await gql(
        client,
        UPDATE_PREFERENCES,
        {"preferences": [{**off, "channel": "IN_APP"}]},
        token_for(settings, w["alice"]),
    )
    await schedule(client, settings, w)
    # then
    assert len(before.data["notificationPreferences"]) == 20
    assert all(p["enabled"] for p in before.data["notificationPreferences"])
    assert [
        (p["event"], p["channel"])
        for p in updated.data["updateNotificationPreferences"]["preferences"]
        if not p["enabled"]
    ] == [("INTERVIEW_SCHEDULED", "EMAIL")]
    assert (await inbox(client, settings, w["candidate_user"], unreadOnly=True))["totalCount"] == 1
    alice = await inbox(client, settings, w["alice"])
    assert alice["totalCount"] == 1
    assert alice["edges"][0]["node"]["readAt"] is not None  # kept as the email's record, not new
    async with db() as session:
        emailed = (
            await session.exec(
                select(col(Notification.user_id)).join(
                    NotificationDelivery,
                    col(NotificationDelivery.notification_id) == col(Notification.id),
                )
            )
        ).all()
    assert sorted(emailed) == sorted([w["alice"].id, w["bob"].id])


async def test_updating_preferences_needs_at_least_one(client, db, settings):
    # given
    user = await make_user(db, Role.CANDIDATE)
    # when
    result = await gql(client, UPDATE_PREFERENCES, {"preferences": []}, token_for(settings, user))
    # then
    assert result.data["updateNotificationPreferences"]["code"] == "VALIDATION_FAILED"


async def test_a_job_deadline_is_set_in_the_future_only(client, db, settings):
    # given
    org = await make_org(db)
    token = token_for(settings, await make_user(db, Role.RECRUITER, org))
    base = {"title": "Engineer", "employmentType": "FULL_TIME"}
    future = (datetime.now(UTC) + timedelta(days=10)).replace(microsecond=0)
    past = datetime.now(UTC) - timedelta(days=1)
    # when
    created = await gql(
        client, CREATE_JOB, {"input": {**base, "closesAt": future.isoformat()}}, token
    )
    refused = await gql(
        client, CREATE_JOB, {"input": {**base, "closesAt": past.isoformat()}}, token
    )
    # then
    job = created.data["createJob"]["job"]
    assert datetime.fromisoformat(job["closesAt"]) == future
    assert refused.data["createJob"]["errors"] == [
        {"field": "input.closesAt", "code": "INVALID_VALUE"}
    ]


async def test_a_job_deadline_is_moved_and_cleared_with_update_job(client, db, settings):
    # given
    org = await make_org(db)
    job = await make_job(db, org, closes_at=datetime.now(UTC) + timedelta(days=5))
    token = token_for(settings, await make_user(db, Role.RECRUITER, org))
    later = (datetime.now(UTC) + timedelta(days=20)).replace(microsecond=0)
    # when
    moved = await gql(
        client,
        UPDATE_JOB,
        {"id": str(job.id), "version": 1, "input": {"closesAt": later.isoformat()}},
        token,
    )
    cleared = await gql(
        client, UPDATE_JOB, {"id": str(job.id), "version": 2, "input": {"closesAt": None}}, token
    )
    # then
    assert datetime.fromisoformat(moved.data["updateJob"]["job"]["closesAt"]) == later
    assert cleared.data["updateJob"]["job"] == {"closesAt": None, "version": 3}


async def test_signing_up_with_a_taken_email_tells_its_owner(client, db, settings):
    # given
    owner = await make_user(db, Role.CANDIDATE)
    # when: three attempts in a row
    results = [await gql(client, REGISTER, {"email": owner.email}) for _ in range(3)]
    # then: the same answer each time; the owner is told once (at most once an hour)
    assert {r.data["register"]["__typename"] for r in results} == {"RegistrationReceived"}
    assert events_of(await inbox(client, settings, owner)) == ["REGISTRATION_ATTEMPT"]
