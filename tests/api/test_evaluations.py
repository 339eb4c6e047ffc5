"""Evaluations through the API: requests, policy per role, reuse, ranking, rerun and delete,
computed by the real run_evaluation actor on a real dramatiq worker."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import dramatiq
import pytest
from sqlmodel import col, select

import tasks.evaluations  # noqa: F401 - declares the actor
from models.application import Application
from models.candidate import CandidateSkill, WorkExperience
from models.enums import ApplicationStage, EvaluationStatus, JobStatus, OrganizationKind, Role
from models.evaluation import Evaluation
from tasks import runtime
from tasks.worker import start_worker, stop_worker
from tests.helpers import (
    add,
    audit_actions,
    gql,
    make_application,
    make_candidate,
    make_job,
    make_org,
    make_skill,
    make_user,
    stored,
    token_for,
)

REQUEST = """
mutation ($input: RequestEvaluationInput!) {
  requestEvaluation(input: $input) {
    __typename
    ... on EvaluationRequested { reused evaluation { id status engine } }
    ... on UserError { code field message }
    ... on EngineUnavailable { engine }
    ... on ValidationError { errors { field code } }
  }
}
"""

EVALUATION = """
query ($id: ID!) {
  evaluation(id: $id) {
    id status score rationale matches gaps engine engineVersion requestedEngine failureReason
    criteria { key name score weight note evidence { source ref text } }
    candidate { id } job { id }
  }
}
"""

EVALUATE_APPLICANTS = """
mutation ($jobId: ID!, $stages: [ApplicationStage!]) {
  evaluateApplicants(jobId: $jobId, stages: $stages) {
    __typename
    ... on EvaluationBatch { id queued reused total }
    ... on UserError { code }
  }
}
"""

RANKED = """
query ($id: ID!) {
  job(id: $id) {
    applications(first: 10, orderBy: SCORE) {
      edges { node { candidate { id } latestEvaluation { score status } } }
    }
  }
}
"""


@pytest.fixture
def worker(settings: Any) -> Iterator[Any]:
    runtime.configure(settings)
    broker = dramatiq.get_broker()
    broker.flush_all()
    running = start_worker(broker, threads=1, timeout_ms=100)
    yield running
    stop_worker(running)


@pytest.fixture
def no_worker(settings: Any) -> None:
    runtime.configure(settings)
    dramatiq.get_broker().flush_all()


async def finished(db: Any, evaluation_id: str) -> Evaluation:
    for _ in range(300):
        row = await stored(db, Evaluation, evaluation_id)
        if row.status in (EvaluationStatus.COMPLETED, EvaluationStatus.FAILED):
            return row  # type: ignore[no-any-return]
        await asyncio.sleep(0.05)
    raise AssertionError(f"evaluation {evaluation_id} did not finish")


async def python_world(db: Any) -> dict[str, Any]:
    """An employer with an OPEN Python job, a strong and a weak candidate, and a recruiter."""
    employer = await make_org(db)
    python = await make_skill(db, "Python")
    postgres = await make_skill(db, "PostgreSQL")
    job = await make_job(
        db, employer, skills=[python, postgres], title="Backend Engineer",
        description="Build APIs in Python with PostgreSQL.",
    )  # fmt: skip
    strong = await make_candidate(db, skills=[python, postgres], nested=0, headline="Backend dev")
    await add(
        db,
        WorkExperience(
            candidate_id=strong.id,
            company_name="Acme",
            job_title="Backend Engineer",
            start_date=date(2018, 1, 1),
            is_current=True,
            description="Python services on PostgreSQL.",
        ),
    )
    weak = await make_candidate(db, nested=0, headline="Florist")
    recruiter = await make_user(db, Role.RECRUITER, employer)
    return {"org": employer, "job": job, "strong": strong, "weak": weak, "recruiter": recruiter}


async def request(client: Any, token: str, **fields: Any) -> dict[str, Any]:
    result = await gql(client, REQUEST, {"input": fields}, token=token)
    assert result.errors == [], result.errors
    return dict(result.data["requestEvaluation"])


async def test_a_recruiter_evaluates_a_candidate_and_gets_criteria_with_evidence(
    client, db, settings, worker
):
    # given
    world = await python_world(db)
    token = token_for(settings, world["recruiter"])
    # when
    answer = await request(
        client, token, candidateId=str(world["strong"].id), jobId=str(world["job"].id)
    )
    row = await finished(db, answer["evaluation"]["id"])
    # then
    assert answer["__typename"] == "EvaluationRequested"
    assert answer["reused"] is False
    assert answer["evaluation"]["status"] == "PENDING"
    data = (await gql(client, EVALUATION, {"id": str(row.id)}, token)).data["evaluation"]
    assert data["status"] == "COMPLETED"
    assert data["engine"] == data["requestedEngine"] == "rules"
    assert 0 <= data["score"] <= 100
    assert "Python" in data["matches"]
    assert data["rationale"]
    keys = {c["key"] for c in data["criteria"]}
    assert "required_skills" in keys
    required = next(c for c in data["criteria"] if c["key"] == "required_skills")
    sources = {e["source"] for e in required["evidence"]}
    assert sources & {"skill", "experience"}
    weighted = sum(c["weight"] * c["score"] for c in data["criteria"])
    assert data["score"] == pytest.approx(
        weighted / sum(c["weight"] for c in data["criteria"]), abs=0.06
    )
    assert "evaluation.request" in await audit_actions(db)
    assert "evaluation.complete" in await audit_actions(db)


async def test_the_stronger_profile_scores_higher_and_ranks_first(client, db, settings, worker):
    # given: both applied
    world = await python_world(db)
    for who in ("weak", "strong"):
        await make_application(db, world[who], world["job"])
    token = token_for(settings, world["recruiter"])
    # when
    batch = await gql(client, EVALUATE_APPLICANTS, {"jobId": str(world["job"].id)}, token)
    async with db() as session:
        ids = (await session.exec(select(col(Evaluation.id)))).all()
    for evaluation_id in ids:
        await finished(db, str(evaluation_id))
    ranked = await gql(client, RANKED, {"id": str(world["job"].id)}, token)
    # then
    assert batch.data["evaluateApplicants"]["queued"] == 2
    edges = ranked.data["job"]["applications"]["edges"]
    assert [e["node"]["candidate"]["id"] for e in edges] == [
        str(world["strong"].id),
        str(world["weak"].id),
    ]
    scores = [e["node"]["latestEvaluation"]["score"] for e in edges]
    assert scores[0] > scores[1]


async def test_asking_again_reuses_the_evaluation_until_the_profile_changes(
    client, db, settings, no_worker
):
    # given
    world = await python_world(db)
    token = token_for(settings, world["recruiter"])
    ask = {"candidateId": str(world["strong"].id), "jobId": str(world["job"].id)}
    first = await request(client, token, **ask)
    # when
    again = await request(client, token, **ask)
    async with db() as session:
        candidate = await session.get(type(world["strong"]), world["strong"].id)
        candidate.version += 1  # a saved profile change
        await session.commit()
    after_change = await request(client, token, **ask)
    # then
    assert again["reused"] is True
    assert again["evaluation"]["id"] == first["evaluation"]["id"]
    assert after_change["reused"] is False
    assert after_change["evaluation"]["id"] != first["evaluation"]["id"]


async def test_evaluate_applicants_skips_those_with_a_current_evaluation(
    client, db, settings, no_worker
):
    # given: three applicants, one of them in SCREENING
    world = await python_world(db)
    other = await make_candidate(db, nested=0)
    await make_application(db, world["strong"], world["job"])
    await make_application(db, world["weak"], world["job"])
    await make_application(db, other, world["job"], ApplicationStage.SCREENING)
    token = token_for(settings, world["recruiter"])
    variables: dict[str, Any] = {"jobId": str(world["job"].id)}
    # when
    first = await gql(client, EVALUATE_APPLICANTS, variables, token)
    second = await gql(client, EVALUATE_APPLICANTS, variables, token)
    screening = await gql(client, EVALUATE_APPLICANTS, {**variables, "stages": ["APPLIED"]}, token)
    # then
    assert first.data["evaluateApplicants"]["queued"] == 3
    assert second.data["evaluateApplicants"] == {
        "__typename": "EvaluationBatch",
        "id": second.data["evaluateApplicants"]["id"],
        "queued": 0,
        "reused": 3,
        "total": 3,
    }
    assert screening.data["evaluateApplicants"]["total"] == 2
    async with db() as session:
        rows = (await session.exec(select(Evaluation))).all()
    assert len(rows) == 3
    assert {r.application_id for r in rows} == {
        a.id for a in (await _applications(db, world["job"].id))
    }


async def _applications(db: Any, job_id: uuid.UUID) -> list[Application]:
    async with db() as session:
        return list(
            (await session.exec(select(Application).where(col(Application.job_id) == job_id))).all()
        )


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("other_org_open_job", "FORBIDDEN"),
        ("other_org_draft_job", "NOT_FOUND"),
        ("candidate_other_profile", "NOT_FOUND"),
        ("partner_prompt", "FORBIDDEN"),
        ("partner_foreign_candidate", "NOT_FOUND"),
        ("candidate_draft_job", "NOT_FOUND"),
    ],
)
async def test_policy_per_role(client, db, settings, no_worker, case, expected):
    # given
    world = await python_world(db)
    elsewhere = await make_org(db)
    open_job = await make_job(db, elsewhere)
    draft_job = await make_job(db, elsewhere, status=JobStatus.DRAFT)
    partner_org = await make_org(db, OrganizationKind.PARTNER)
    partner = await make_user(db, Role.PARTNER, partner_org)
    candidate_user = await make_user(db, Role.CANDIDATE)
    await make_candidate(db, user=candidate_user, nested=0)
    recruiter = token_for(settings, world["recruiter"])
    prompt = {"title": "Data analyst", "requiredSkills": ["SQL"]}
    calls = {
        "other_org_open_job": (recruiter, {"jobId": str(open_job.id)}),
        "other_org_draft_job": (recruiter, {"jobId": str(draft_job.id)}),
        "candidate_other_profile": (
            token_for(settings, candidate_user),
            {"candidateId": str(world["strong"].id), "jobPrompt": prompt},
        ),
        "partner_prompt": (token_for(settings, partner), {"jobPrompt": prompt}),
        "partner_foreign_candidate": (
            token_for(settings, partner),
            {"jobId": str(world["job"].id)},
        ),
        "candidate_draft_job": (token_for(settings, candidate_user), {"jobId": str(draft_job.id)}),
    }
    token, fields = calls[case]
    if "candidateId" not in fields and case != "candidate_draft_job":
        fields = {"candidateId": str(world["strong"].id), **fields}
    # when
    answer = await request(client, token, **fields)
    # then
    assert answer["code"] == expected
    async with db() as session:
        assert (await session.exec(select(Evaluation))).all() == []


async def test_a_candidate_evaluates_themself_and_never_sees_recruiters_evaluations(
    client, db, settings, worker
):
    # given: a candidate user with a profile, and a recruiter's evaluation of them
    world = await python_world(db)
    user = await make_user(db, Role.CANDIDATE)
    me = await make_candidate(db, user=user, nested=0)
    recruiter = token_for(settings, world["recruiter"])
    theirs = await request(client, recruiter, candidateId=str(me.id), jobId=str(world["job"].id))
    mine_token = token_for(settings, user)
    # when
    mine = await request(
        client,
        mine_token,
        jobPrompt={"title": "Backend Engineer", "requiredSkills": ["Python", "Go"]},
    )
    await finished(db, mine["evaluation"]["id"])
    listed = await gql(
        client, "{ evaluations { edges { node { id jobPrompt } } } }", {}, mine_token
    )
    hidden = await gql(client, EVALUATION, {"id": theirs["evaluation"]["id"]}, mine_token)
    # then
    assert mine["__typename"] == "EvaluationRequested"
    assert [e["node"]["id"] for e in listed.data["evaluations"]["edges"]] == [
        mine["evaluation"]["id"]
    ]
    assert "Required: Python, Go" in listed.data["evaluations"]["edges"][0]["node"]["jobPrompt"]
    assert hidden.data == {"evaluation": None}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"jobPrompt": {"title": "x"}, "jobId": "JOB"}, "jobId"),
        ({}, "jobId"),
        ({"jobPrompt": {"title": "  "}}, "jobPrompt.title"),
        ({"jobPrompt": {"title": "x", "minYears": 99}}, "jobPrompt.minYears"),
        ({"jobPrompt": {"title": "x", "requiredSkills": ["a" * 101]}}, "jobPrompt.requiredSkills"),
    ],
)
async def test_invalid_requests_are_validation_errors(
    client, db, settings, no_worker, fields, field
):
    # given
    world = await python_world(db)
    if fields.get("jobId") == "JOB":
        fields["jobId"] = str(world["job"].id)
    token = token_for(settings, world["recruiter"])
    # when
    answer = await request(client, token, candidateId=str(world["strong"].id), **fields)
    # then
    assert answer["__typename"] == "ValidationError"
    assert answer["field"] == field


async def test_llm_without_a_provider_is_engine_unavailable(client, db, settings, no_worker):
    # given: no LLM_BASE_URL
    world = await python_world(db)
    token = token_for(settings, world["recruiter"])
    # when
    answer = await request(
        client,
        token,
        candidateId=str(world["strong"].id),
        jobId=str(world["job"].id),
        engine="LLM",
    )
    # then
    assert answer["__typename"] == "EngineUnavailable"
    assert answer["code"] == "ENGINE_UNAVAILABLE"
    assert answer["engine"] == "LLM"


RERUN = """
mutation ($id: ID!) {
  rerunEvaluation(id: $id) {
    __typename ... on EvaluationRequested { reused evaluation { id status } }
    ... on UserError { code }
  }
}
"""
DELETE = """
mutation ($id: ID!) {
  deleteEvaluation(id: $id) { __typename ... on EvaluationDeleted { id } ... on UserError { code } }
}
"""


async def test_rerun_keeps_the_old_result_and_delete_restores_the_previous_ranking(
    client, db, settings, worker
):
    # given: an applicant evaluated once
    world = await python_world(db)
    application = await make_application(db, world["strong"], world["job"])
    token = token_for(settings, world["recruiter"])
    first = await request(
        client, token, candidateId=str(world["strong"].id), jobId=str(world["job"].id)
    )
    old = await finished(db, first["evaluation"]["id"])
    # when: a skill is added, the evaluation rerun, then the new one deleted
    skill = await make_skill(db, "Kubernetes")
    await add(db, CandidateSkill(candidate_id=world["strong"].id, skill_id=skill.id))
    rerun = (await gql(client, RERUN, {"id": str(old.id)}, token)).data["rerunEvaluation"]
    new = await finished(db, rerun["evaluation"]["id"])
    ranked_new = (await stored(db, Application, application.id)).score
    deleted = (await gql(client, DELETE, {"id": str(new.id)}, token)).data["deleteEvaluation"]
    ranked_after = (await stored(db, Application, application.id)).score
    foreign = await make_user(db, Role.RECRUITER, await make_org(db))
    refused = await gql(client, DELETE, {"id": str(old.id)}, token_for(settings, foreign))
    # then
    assert rerun["evaluation"]["id"] != str(old.id)
    assert new.application_id == application.id
    assert ranked_new == new.score
    assert deleted == {"__typename": "EvaluationDeleted", "id": str(new.id)}
    assert ranked_after == old.score
    assert refused.data["deleteEvaluation"]["code"] == "NOT_FOUND"
    assert (await stored(db, Evaluation, old.id)).status is EvaluationStatus.COMPLETED
    assert {"evaluation.rerun", "evaluation.delete"} <= set(await audit_actions(db))


LIST = """
query ($filter: EvaluationFilterInput, $order: EvaluationOrderInput, $after: String) {
  evaluations(first: 2, filter: $filter, orderBy: $order, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id score status } }
  }
}
"""


async def test_the_list_filters_orders_by_score_and_pages(client, db, settings, no_worker):
    # given: three evaluations with scores 90, 40 and none (pending)
    world = await python_world(db)
    rows = [
        Evaluation(
            candidate_id=world["strong"].id,
            job_id=world["job"].id,
            organization_id=world["org"].id,
            status=status,
            score=score,
        )
        for score, status in (
            (90.0, EvaluationStatus.COMPLETED),
            (None, EvaluationStatus.PENDING),
            (40.0, EvaluationStatus.COMPLETED),
        )
    ]
    await add(db, *rows)
    token = token_for(settings, world["recruiter"])
    order = {"field": "SCORE", "direction": "DESC"}
    # when
    page1 = (await gql(client, LIST, {"order": order}, token)).data["evaluations"]
    after = page1["pageInfo"]["endCursor"]
    page2 = (await gql(client, LIST, {"order": order, "after": after}, token)).data["evaluations"]
    good = await gql(client, LIST, {"filter": {"minScore": 50}}, token)
    pending = await gql(client, LIST, {"filter": {"status": ["PENDING"]}}, token)
    bad = await gql(client, LIST, {"filter": {"minScore": 101}}, token)
    # then
    assert [e["node"]["score"] for e in page1["edges"]] == [90.0, 40.0]
    assert [e["node"]["score"] for e in page2["edges"]] == [None]
    assert page1["totalCount"] == 3
    assert [e["node"]["score"] for e in good.data["evaluations"]["edges"]] == [90.0]
    assert [e["node"]["status"] for e in pending.data["evaluations"]["edges"]] == ["PENDING"]
    assert bad.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
