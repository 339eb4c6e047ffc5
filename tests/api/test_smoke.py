"""First end-to-end check: log in and read a candidate through the real app."""

from models.enums import Role
from tests.helpers import PASSWORD, gql, make_candidate, make_user

LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename
    ... on LoginSuccess { accessToken tokenType expiresIn user { email role } }
    ... on InvalidCredentials { code message }
  }
}
"""

CANDIDATES = """
query {
  candidates(first: 10) {
    totalCount
    edges { node { id fullName email education { institution } } }
  }
}
"""


async def test_login_then_read_candidates(client, db):
    # given
    admin = await make_user(db, Role.ADMIN)
    await make_candidate(db)
    # when
    login = await gql(client, LOGIN, {"email": admin.email.upper(), "password": PASSWORD})
    token = login.data["login"]["accessToken"]
    result = await gql(client, CANDIDATES, token=token)
    # then
    assert result.errors == []
    assert result.data["candidates"]["totalCount"] == 1
    node = result.data["candidates"]["edges"][0]["node"]
    assert node["email"].endswith("@example.com")
    assert len(node["education"]) == 2
