"""Sign-up, refresh-token rotation with reuse detection, sign-out, and their audit rows."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from models.candidate import Candidate
from models.enums import Role
from models.organization import RefreshToken, User
from tests.helpers import PASSWORD, audit_actions, gql, make_candidate, make_user

REGISTER = """
mutation ($email: String!, $password: String!, $first: String!, $last: String!) {
  register(email: $email, password: $password, firstName: $first, lastName: $last) {
    __typename
    ... on RegistrationReceived { email message }
    ... on ValidationError { code field errors { field code } }
  }
}
"""

LOGIN = """
mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename
    ... on LoginSuccess { accessToken refreshToken user { email role candidate { firstName } } }
  }
}
"""

REFRESH = """
mutation ($token: String!) {
  refreshToken(refreshToken: $token) {
    __typename
    ... on LoginSuccess { accessToken refreshToken expiresIn }
    ... on InvalidRefreshToken { code field }
  }
}
"""

LOGOUT = """
mutation ($token: String!) {
  logout(refreshToken: $token) {
    __typename
    ... on LogoutSuccess { revokedTokens }
    ... on InvalidRefreshToken { code }
  }
}
"""

ME = "{ me { email } }"
AUDIT = "{ auditLog(first: 50) { totalCount edges { node { action entityType actorId } } } }"


RECEIVED = (
    "If this email can be used, the account is ready: sign in with it and your password. "
    "If it is already registered, its owner has been told."
)


def _sign_up(email="ada@example.org", password="a long passphrase", first="Ada", last="L"):
    return {"email": email, "password": password, "first": first, "last": last}


async def test_register_creates_account_and_profile_then_the_person_signs_in(db, client):
    # when
    result = await gql(client, REGISTER, _sign_up(email="  Ada@Example.ORG "))
    login = await gql(client, LOGIN, {"email": "ada@example.org", "password": "a long passphrase"})
    # then
    assert result.data["register"] == {
        "__typename": "RegistrationReceived",
        "email": "ada@example.org",
        "message": RECEIVED,
    }
    signed_in = login.data["login"]
    assert signed_in["user"] == {
        "email": "ada@example.org",
        "role": "CANDIDATE",
        "candidate": {"firstName": "Ada"},
    }
    me = await gql(client, ME, token=signed_in["accessToken"])
    assert me.data == {"me": {"email": "ada@example.org"}}
    assert await audit_actions(db) == ["user.register", "auth.login"]


async def test_register_names_every_invalid_field_and_writes_nothing(db, client):
    # when
    result = await gql(client, REGISTER, _sign_up(email="nope", password="short", first=" "))
    # then
    payload = result.data["register"]
    assert payload["__typename"] == "ValidationError"
    assert payload["code"] == "VALIDATION_FAILED"
    assert payload["field"] == "email"
    assert payload["errors"] == [
        {"field": "email", "code": "INVALID_FORMAT"},
        {"field": "password", "code": "TOO_SHORT"},
        {"field": "firstName", "code": "REQUIRED"},
    ]
    async with db() as session:
        assert (await session.exec(select(User))).all() == []
    assert await audit_actions(db) == []


async def test_register_with_a_taken_email_answers_like_success_and_changes_nothing(db, client):
    """A-07 (issue 13 item 4): sign-up is no oracle for accounts or talent-pool emails."""
    # given: one account, and one candidate imported by a partner without an account
    await make_user(db, Role.RECRUITER, email="taken@example.org")
    await make_candidate(db, email="imported@example.org", nested=0)
    fresh = await gql(client, REGISTER, _sign_up(email="fresh@example.org"))
    for email in ("TAKEN@example.org", "imported@example.org"):
        # when
        result = await gql(client, REGISTER, _sign_up(email=email))
        # then: the same answer as a free email, and the chosen password signs nobody in
        assert result.status == fresh.status
        assert result.data["register"] == {**fresh.data["register"], "email": email.lower()}
        login = await gql(client, LOGIN, {"email": email, "password": "a long passphrase"})
        assert login.data["login"]["__typename"] == "InvalidCredentials"
    async with db() as session:
        assert len((await session.exec(select(Candidate))).all()) == 2
        assert len((await session.exec(select(User))).all()) == 2
    assert (await audit_actions(db)).count("user.register_taken") == 2


async def test_concurrent_sign_ups_with_one_email_create_one_account(db, client):
    # when
    results = await asyncio.gather(
        *(gql(client, REGISTER, _sign_up(email=f"{' ' * i}race@example.org")) for i in range(8))
    )
    # then
    kinds = {r.data["register"]["__typename"] for r in results}
    assert kinds == {"RegistrationReceived"}
    async with db() as session:
        assert len((await session.exec(select(User))).all()) == 1


async def test_refresh_rotates_and_a_reused_token_revokes_the_family(db, client):
    # given
    user = await make_user(db, Role.ADMIN)
    login = await gql(client, LOGIN, {"email": user.email, "password": PASSWORD})
    first = login.data["login"]["refreshToken"]
    # when: rotate twice, then replay the first token (as a thief would)
    second = (await gql(client, REFRESH, {"token": first})).data["refreshToken"]
    third = (await gql(client, REFRESH, {"token": second["refreshToken"]})).data["refreshToken"]
    replay = await gql(client, REFRESH, {"token": first})
    after_reuse = await gql(client, REFRESH, {"token": third["refreshToken"]})
    # then
    assert second["__typename"] == third["__typename"] == "LoginSuccess"
    assert len({first, second["refreshToken"], third["refreshToken"]}) == 3
    assert replay.data["refreshToken"] == {
        "__typename": "InvalidRefreshToken",
        "code": "INVALID_TOKEN",
        "field": "refreshToken",
    }
    assert after_reuse.data["refreshToken"]["__typename"] == "InvalidRefreshToken"
    async with db() as session:
        tokens = (await session.exec(select(RefreshToken))).all()
    assert len(tokens) == 3
    assert all(t.revoked_at is not None for t in tokens)
    assert await audit_actions(db) == [
        "auth.login",
        "auth.refresh",
        "auth.refresh",
        "auth.refresh_reuse",
        "auth.refresh_reuse",
    ]


async def test_concurrent_refreshes_of_one_token_succeed_at_most_once(db, client):
    # given
    user = await make_user(db, Role.ADMIN)
    login = await gql(client, LOGIN, {"email": user.email, "password": PASSWORD})
    token = login.data["login"]["refreshToken"]
    # when
    results = await asyncio.gather(*(gql(client, REFRESH, {"token": token}) for _ in range(5)))
    # then
    kinds = [r.data["refreshToken"]["__typename"] for r in results]
    assert kinds.count("LoginSuccess") <= 1
    assert kinds.count("InvalidRefreshToken") >= 4


async def test_unknown_token_and_logout(db, client):
    # given
    user = await make_user(db, Role.ADMIN)
    login = await gql(client, LOGIN, {"email": user.email, "password": PASSWORD})
    token = login.data["login"]["refreshToken"]
    # when
    unknown = await gql(client, REFRESH, {"token": "not-a-token"})
    logout = await gql(client, LOGOUT, {"token": token})
    again = await gql(client, LOGOUT, {"token": token})
    refresh_after = await gql(client, REFRESH, {"token": token})
    # then
    assert unknown.data["refreshToken"]["__typename"] == "InvalidRefreshToken"
    assert logout.data["logout"] == {"__typename": "LogoutSuccess", "revokedTokens": 1}
    assert again.data["logout"] == {"__typename": "InvalidRefreshToken", "code": "INVALID_TOKEN"}
    assert refresh_after.data["refreshToken"]["__typename"] == "InvalidRefreshToken"


async def test_signing_out_ends_the_access_tokens_of_that_sign_in_only(db, client):
    """Issue 13 item 7: a revoked sign-in no longer authenticates (HTTP 401 at once)."""
    # given: two sign-ins of one user
    user = await make_user(db, Role.RECRUITER)
    credentials = {"email": user.email, "password": PASSWORD}
    first = (await gql(client, LOGIN, credentials)).data["login"]
    second = (await gql(client, LOGIN, credentials)).data["login"]
    # when
    await gql(client, LOGOUT, {"token": first["refreshToken"]})
    signed_out = await gql(client, ME, token=first["accessToken"])
    still_in = await gql(client, ME, token=second["accessToken"])
    # then
    assert signed_out.status == 401
    assert signed_out.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert still_in.data == {"me": {"email": user.email}}


async def test_audit_log_is_for_admins_only(db, client, settings):
    # given
    admin = await make_user(db, Role.ADMIN)
    recruiter = await make_user(db, Role.RECRUITER)
    admin_token = (await gql(client, LOGIN, {"email": admin.email, "password": PASSWORD})).data[
        "login"
    ]["accessToken"]
    recruiter_token = (
        await gql(client, LOGIN, {"email": recruiter.email, "password": PASSWORD})
    ).data["login"]["accessToken"]
    # when
    as_admin = await gql(client, AUDIT, token=admin_token)
    as_recruiter = await gql(client, AUDIT, token=recruiter_token)
    anonymous = await gql(client, AUDIT)
    # then
    assert as_admin.data["auditLog"]["totalCount"] == 2
    assert {e["node"]["actorId"] for e in as_admin.data["auditLog"]["edges"]} == {
        str(admin.id),
        str(recruiter.id),
    }
    assert as_recruiter.data["auditLog"] == {"totalCount": 0, "edges": []}
    assert anonymous.data["auditLog"] == {"totalCount": 0, "edges": []}


async def test_failed_login_leaves_no_audit_row(db, client):
    # given
    user = await make_user(db, Role.ADMIN)
    # when
    await gql(client, LOGIN, {"email": user.email, "password": "wrong password!"})
    # then
    assert await audit_actions(db) == []
