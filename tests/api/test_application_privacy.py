"""Who reads what of an application, and erasing a profile with its account (issue 13 item 11).

- Stage history: the recruiters' notes and user ids are for the hiring side (A-05).
- An organization that filed an application for a candidate it sourced reads it, never moves it.
- Deleting a profile that belongs to an account deletes the account: the person can sign up again.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from models.enums import OrganizationKind, Role
from models.organization import RefreshToken, User
from tests.helpers import (
    PASSWORD,
    gql,
    make_candidate,
    make_job,
    make_org,
    make_user,
    token_for,
)

APPLY = """
mutation ($job: ID!, $candidate: ID) {
  applyToJob(jobId: $job, candidateId: $candidate) {
    __typename
    ... on ApplyToJobSuccess { application { id } }
    ... on ApplicationExists { code existingApplication { id } }
  }
}
"""
MOVE = """
mutation ($id: ID!, $stage: ApplicationStage!, $note: String) {
  moveApplication(id: $id, stage: $stage, note: $note) {
    __typename ... on UserError { code }
  }
}
"""
APPLICATION = """
query ($id: ID!) {
  application(id: $id) { id stage events { fromStage toStage note actorId } }
}
"""
APPLICATIONS = "{ applications(first: 10) { totalCount edges { node { id } } } }"
DELETE = "mutation ($id: ID!) { deleteCandidate(id: $id) { __typename } }"
LOGIN = """
mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename ... on LoginSuccess { accessToken refreshToken }
  }
}
"""
REGISTER = """
mutation ($email: String!) {
  register(email: $email, password: "a long passphrase", firstName: "Ada", lastName: "L") {
    __typename
  }
}
"""
ME = "{ me { email candidate { id } } }"


@pytest.fixture
async def world(db: Any, settings: Any) -> dict[str, Any]:
    employer = await make_org(db)
    partner_org = await make_org(db, OrganizationKind.PARTNER)
    recruiter = await make_user(db, Role.RECRUITER, employer)
    partner = await make_user(db, Role.PARTNER, partner_org)
    person = await make_user(db, Role.CANDIDATE)
    return {
        "job": await make_job(db, employer),
        "recruiter": token_for(settings, recruiter),
        "recruiter_id": str(recruiter.id),
        "partner": token_for(settings, partner),
        "person": token_for(settings, person),
        "person_user": person,
        "admin": token_for(settings, await make_user(db, Role.ADMIN)),
        # the person's own profile, which the partner sourced (and so may edit)
        "profile": await make_candidate(db, user=person, sourced_by=partner_org, nested=0),
        "partner_sourced": await make_candidate(db, sourced_by=partner_org, nested=0),
    }


async def test_stage_notes_and_recruiter_ids_are_for_the_hiring_side_only(
    client: Any, world: dict[str, Any]
) -> None:
    # given: the person applied, a recruiter moved the application with a note
    applied = await gql(client, APPLY, {"job": str(world["job"].id)}, world["person"])
    application_id = applied.data["applyToJob"]["application"]["id"]
    moved = await gql(
        client,
        MOVE,
        {"id": application_id, "stage": "SCREENING", "note": "Salary too high?"},
        world["recruiter"],
    )
    assert moved.data["moveApplication"] == {"__typename": "MoveApplicationSuccess"}
    # when
    seen = {
        who: await gql(client, APPLICATION, {"id": application_id}, world[who])
        for who in ("recruiter", "admin", "person")
    }
    # then
    internal = {
        "fromStage": "APPLIED",
        "toStage": "SCREENING",
        "note": "Salary too high?",
        "actorId": world["recruiter_id"],
    }
    for who in ("recruiter", "admin"):
        assert seen[who].data["application"]["events"][1] == internal, who
    events = seen["person"].data["application"]["events"]
    assert events[1] == {**internal, "note": None, "actorId": None}
    assert events[0]["actorId"] is None  # not even the person's own user id is needed here


async def test_an_organization_reads_the_application_it_filed_but_never_moves_it(
    client: Any, world: dict[str, Any]
) -> None:
    # given: the partner files for a candidate it sourced, with another organization's job
    variables = {"job": str(world["job"].id), "candidate": str(world["partner_sourced"].id)}
    filed = await gql(client, APPLY, variables, world["partner"])
    application_id = filed.data["applyToJob"]["application"]["id"]
    await gql(
        client,
        MOVE,
        {"id": application_id, "stage": "SCREENING", "note": "Hmm"},
        world["recruiter"],
    )
    # when
    read = await gql(client, APPLICATION, {"id": application_id}, world["partner"])
    listed = await gql(client, APPLICATIONS, token=world["partner"])
    moved = await gql(client, MOVE, {"id": application_id, "stage": "REJECTED"}, world["partner"])
    # then
    assert read.data["application"]["stage"] == "SCREENING"
    assert read.data["application"]["events"][1]["note"] is None  # the hiring side's note
    assert listed.data["applications"]["totalCount"] == 1
    assert listed.data["applications"]["edges"] == [{"node": {"id": application_id}}]
    assert moved.data["moveApplication"] == {"__typename": "Forbidden", "code": "FORBIDDEN"}


async def test_an_application_the_filer_cannot_read_is_not_shown_as_the_duplicate(
    client: Any, world: dict[str, Any]
) -> None:
    """A-07: the person applied themself; the partner who sourced them learns only that an
    application exists, not the person's own application."""
    # given
    await gql(client, APPLY, {"job": str(world["job"].id)}, world["person"])
    # when
    variables = {"job": str(world["job"].id), "candidate": str(world["profile"].id)}
    again = await gql(client, APPLY, variables, world["partner"])
    # then
    assert again.data["applyToJob"] == {
        "__typename": "ApplicationExists",
        "code": "DUPLICATE",
        "existingApplication": None,
    }


@pytest.mark.parametrize("deleted_by", ["person", "admin"])
async def test_deleting_a_profile_deletes_its_account_so_the_person_can_sign_up_again(
    client: Any, db: Any, world: dict[str, Any], deleted_by: str
) -> None:
    # given: the person is signed in
    email = world["person_user"].email
    login = await gql(client, LOGIN, {"email": email, "password": PASSWORD})
    access = login.data["login"]["accessToken"]
    # when
    deleted = await gql(client, DELETE, {"id": str(world["profile"].id)}, world[deleted_by])
    signed_in = await gql(client, ME, token=access)
    registered = await gql(client, REGISTER, {"email": email})
    relogin = await gql(client, LOGIN, {"email": email, "password": "a long passphrase"})
    # then: the account and its sign-ins are gone, and the email works for a new account
    assert deleted.data["deleteCandidate"] == {"__typename": "DeleteCandidateSuccess"}
    assert signed_in.status == 401
    assert registered.data["register"] == {"__typename": "RegistrationReceived"}
    token = relogin.data["login"]["accessToken"]
    me = await gql(client, ME, token=token)
    assert me.data["me"]["email"] == email
    assert me.data["me"]["candidate"]["id"] != str(world["profile"].id)
    applied = await gql(client, APPLY, {"job": str(world["job"].id)}, token)
    assert applied.data["applyToJob"]["__typename"] == "ApplyToJobSuccess"
    async with db() as session:
        old = await session.get(User, world["person_user"].id)
        tokens = (
            await session.exec(
                select(RefreshToken).where(RefreshToken.user_id == world["person_user"].id)
            )
        ).all()
    assert old is None
    assert tokens == []
