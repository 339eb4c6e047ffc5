"""Saved jobs (and their deadline reminders), and the stages an organization keeps internal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from models.enums import ApplicationStage, JobStatus, NotificationEvent, Role
from models.notification import Notification
from resolvers.notifications import reminders
from tests.helpers import (
    audit_actions,
    gql,
    make_application,
    make_candidate,
    make_job,
    make_org,
    make_user,
    token_for,
)

SAVE = """
mutation ($id: ID!) {
  saveJob(jobId: $id) { __typename ... on JobSaved { job { id } } ... on UserError { code } }
}
"""
UNSAVE = """
mutation ($id: ID!) {
  unsaveJob(jobId: $id) { __typename ... on JobUnsaved { wasSaved } ... on UserError { code } }
}
"""
SAVED = "{ me { candidate { savedJobs { id } } } }"
STAGES = """
mutation ($stages: [ApplicationStage!]!) {
  setInternalStages(stages: $stages) {
    __typename ... on InternalStagesSet { organization { internalStages } }
    ... on UserError { code field }
  }
}
"""
MOVE = """
mutation ($id: ID!, $stage: ApplicationStage!) {
  moveApplication(id: $id, stage: $stage) { __typename }
}
"""


async def events_of(db, user) -> list[NotificationEvent]:
    async with db() as session:
        rows = await session.exec(
            select(col(Notification.event))
            .where(col(Notification.user_id) == user.id)
            .order_by(col(Notification.created_at))
        )
        return list(rows.all())


async def test_a_candidate_saves_and_unsaves_jobs_they_may_see(client, db, settings):
    # given
    org = await make_org(db)
    open_job = await make_job(db, org)
    draft = await make_job(db, org, status=JobStatus.DRAFT)
    user = await make_user(db, Role.CANDIDATE)
    await make_candidate(db, user=user, nested=0)
    token = token_for(settings, user)
    recruiter = token_for(settings, await make_user(db, Role.RECRUITER, org))
    # when
    first = await gql(client, SAVE, {"id": str(open_job.id)}, token)
    again = await gql(client, SAVE, {"id": str(open_job.id)}, token)
    hidden = await gql(client, SAVE, {"id": str(draft.id)}, token)
    by_recruiter = await gql(client, SAVE, {"id": str(open_job.id)}, recruiter)
    listed = await gql(client, SAVED, {}, token)
    dropped = await gql(client, UNSAVE, {"id": str(open_job.id)}, token)
    dropped_again = await gql(client, UNSAVE, {"id": str(open_job.id)}, token)
    after = await gql(client, SAVED, {}, token)
    # then
    assert first.data["saveJob"] == {"__typename": "JobSaved", "job": {"id": str(open_job.id)}}
    assert again.data["saveJob"]["__typename"] == "JobSaved"
    assert hidden.data["saveJob"]["code"] == "NOT_FOUND"
    assert by_recruiter.data["saveJob"]["code"] == "FORBIDDEN"
    assert listed.data["me"]["candidate"]["savedJobs"] == [{"id": str(open_job.id)}]
    assert dropped.data["unsaveJob"]["wasSaved"] is True
    assert dropped_again.data["unsaveJob"]["wasSaved"] is False
    assert after.data["me"]["candidate"]["savedJobs"] == []
    assert (await audit_actions(db)).count("job.save") == 1


async def test_deadline_reminders_reach_candidates_who_saved_the_job(client, db, settings):
    # given: one candidate saved the job, one applied, one did both
    closes = (datetime.now(UTC) + timedelta(days=10)).replace(microsecond=0)
    job = await make_job(db, await make_org(db), closes_at=closes)
    saver, applicant, both = [await make_user(db, Role.CANDIDATE) for _ in range(3)]
    for user in (saver, both):
        await make_candidate(db, user=user, nested=0)
        await gql(client, SAVE, {"id": str(job.id)}, token_for(settings, user))
    await make_application(db, await make_candidate(db, user=applicant, nested=0), job)
    async with db() as session:
        from models.candidate import Candidate

        both_candidate = (
            await session.exec(select(Candidate).where(col(Candidate.user_id) == both.id))
        ).one()
    await make_application(db, both_candidate, job)
    # when: three days before
    made = await reminders.run_round(db, settings, closes - timedelta(days=2, hours=23))
    # then: each is told once
    assert made == 1
    for user in (saver, applicant, both):
        assert await events_of(db, user) == [NotificationEvent.JOB_DEADLINE]


async def test_moves_to_internal_stages_are_not_told_to_the_candidate(client, db, settings):
    # given: the organization keeps SCREENING internal
    org = await make_org(db)
    job = await make_job(db, org)
    user = await make_user(db, Role.CANDIDATE)
    application = await make_application(db, await make_candidate(db, user=user, nested=0), job)
    recruiter = token_for(settings, await make_user(db, Role.RECRUITER, org))
    stranger = token_for(settings, await make_user(db, Role.RECRUITER, await make_org(db)))
    # when
    set_ = await gql(client, STAGES, {"stages": ["SCREENING"]}, recruiter)
    final = await gql(client, STAGES, {"stages": ["REJECTED"]}, recruiter)
    by_candidate = await gql(client, STAGES, {"stages": []}, token_for(settings, user))
    for stage in ("SCREENING", "INTERVIEW"):
        await gql(client, MOVE, {"id": str(application.id), "stage": stage}, recruiter)
    shown = "query ($id: ID!) { job(id: $id) { organization { internalStages } } }"
    to_member = await gql(client, shown, {"id": str(job.id)}, recruiter)
    to_stranger = await gql(client, shown, {"id": str(job.id)}, stranger)
    # then
    assert set_.data["setInternalStages"]["organization"]["internalStages"] == ["SCREENING"]
    assert final.data["setInternalStages"]["code"] == "FORBIDDEN"
    assert by_candidate.data["setInternalStages"]["code"] == "FORBIDDEN"
    async with db() as session:
        told = (
            await session.exec(
                select(Notification.payload).where(
                    col(Notification.user_id) == user.id,
                    col(Notification.event) == NotificationEvent.STAGE_CHANGED,
                )
            )
        ).all()
    assert [p["stage"] for p in told] == [ApplicationStage.INTERVIEW.value]
    assert to_member.data["job"]["organization"]["internalStages"] == ["SCREENING"]
    assert to_stranger.data["job"]["organization"]["internalStages"] == []
