"""The embedded demo: realistic volume, and the four documented users can sign in."""

from __future__ import annotations

import pytest

from models.demo import database_is_empty, seed_demo
from tests.helpers import gql

DEMO_PASSWORD = "demo-pass-for-tests"

LOGIN = """
mutation ($email: String!) {
  login(email: $email, password: "demo-pass-for-tests") {
    __typename
    ... on LoginSuccess { accessToken user { role organization { name } } }
  }
}
"""

RECRUITER_VIEW = """
{
  jobs(first: 100, filter: {status: [OPEN]}) {
    edges { node { organization { name } applications { totalCount edges { node { stage } } } } }
  }
}
"""


async def test_demo_seed_has_the_promised_volume(db):
    # given
    assert await database_is_empty(db)
    # when
    counts = await seed_demo(db, DEMO_PASSWORD)
    # then
    assert not await database_is_empty(db)
    assert counts["organizations"] >= 3
    assert counts["jobs"] >= 25
    assert counts["candidates"] >= 200
    assert counts["applications"] >= 300
    for section in ("education", "work_experience", "candidate_skills", "certifications"):
        assert counts[section] >= counts["candidates"], section


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("admin@example.com", "ADMIN"),
        ("recruiter@example.com", "RECRUITER"),
        ("partner@example.com", "PARTNER"),
        ("candidate@example.com", "CANDIDATE"),
    ],
)
async def test_demo_users_sign_in(db, client, email, role):
    # given
    await seed_demo(db, DEMO_PASSWORD)
    # when
    result = await gql(client, LOGIN, {"email": email})
    # then
    assert result.data["login"]["__typename"] == "LoginSuccess"
    assert result.data["login"]["user"]["role"] == role


async def test_demo_recruiter_sees_applicants_across_stages(db, client):
    # given
    await seed_demo(db, DEMO_PASSWORD)
    login = await gql(client, LOGIN, {"email": "recruiter@example.com"})
    token = login.data["login"]["accessToken"]
    own_org = login.data["login"]["user"]["organization"]["name"]
    # when
    result = await gql(client, RECRUITER_VIEW, token=token)
    # then: applicants are visible on the recruiter's own jobs only, in several stages
    stages, foreign = set(), 0
    for edge in result.data["jobs"]["edges"]:
        job = edge["node"]
        stages |= {a["node"]["stage"] for a in job["applications"]["edges"]}
        if job["organization"]["name"] != own_org:
            foreign += job["applications"]["totalCount"]
    assert len(stages) >= 5
    assert foreign == 0


async def test_demo_dashboards_have_interviews_scorecards_and_notes(db, client):
    # given
    counts = await seed_demo(db, DEMO_PASSWORD)
    recruiter = (await gql(client, LOGIN, {"email": "recruiter@example.com"})).data["login"]
    candidate = (await gql(client, LOGIN, {"email": "candidate@example.com"})).data["login"]
    # when
    calendar = await gql(
        client,
        "{ interviews(first: 5) { totalCount edges { node { kind interviewers { email } } } } }",
        token=recruiter["accessToken"],
    )
    mine = await gql(
        client,
        "{ me { candidate { interviews(upcoming: true) { startsAt kind } } } }",
        token=candidate["accessToken"],
    )
    # then
    assert counts["interviews"] >= 20
    assert counts["scorecards"] >= 10
    assert counts["notes"] >= 10
    assert calendar.data["interviews"]["totalCount"] >= 3
    assert calendar.data["interviews"]["edges"][0]["node"]["interviewers"] == [
        {"email": "recruiter@example.com"}
    ]
    assert len(mine.data["me"]["candidate"]["interviews"]) == 1
