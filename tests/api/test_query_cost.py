"""G-11: operations are priced before execution; page sizes multiply what is below them."""

from __future__ import annotations

from models.enums import Role
from tests.helpers import gql, make_candidate, make_user, token_for

NESTED_PAGES = """
query ($outer: Int!, $inner: Int!) {
  candidates(first: $outer) {
    edges { node { applications { job { applications(first: $inner) {
      edges { node { candidate { firstName lastName headline } } }
    } } } } }
  }
}
"""

FRAGMENTED = """
query { candidates(first: 100) { edges { node { ...Profile } } } }
fragment Profile on Candidate {
  firstName lastName education { institution degree fieldOfStudy startDate endDate }
  experience { companyName jobTitle startDate endDate isCurrent description }
  skills { name level years } certifications { name issuer issueDate }
  a1: experience { companyName jobTitle startDate endDate isCurrent description }
  a2: experience { companyName jobTitle startDate endDate isCurrent description }
  a3: experience { companyName jobTitle startDate endDate isCurrent description }
  a4: experience { companyName jobTitle startDate endDate isCurrent description }
  a5: experience { companyName jobTitle startDate endDate isCurrent description }
  a6: experience { companyName jobTitle startDate endDate isCurrent description }
  a7: experience { companyName jobTitle startDate endDate isCurrent description }
}
"""


async def test_g11_nested_pages_are_rejected_before_any_sql(db, settings, client):
    # given
    token = token_for(settings, await make_user(db, Role.ADMIN))
    await make_candidate(db)
    # when
    huge = await gql(client, NESTED_PAGES, {"outer": 100, "inner": 100}, token)
    small = await gql(client, NESTED_PAGES, {"outer": 5, "inner": 5}, token)
    # then: the page sizes decide (the document is the same)
    assert huge.data is None
    (error,) = huge.errors
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["cost"] > error["extensions"]["maxCost"]
    assert huge.statements == 1  # authentication only
    assert len(small.errors) == 0
    assert small.errors == []
    assert len(small.data["candidates"]["edges"]) == 1


async def test_g11_fragments_and_aliases_are_counted(db, settings, client):
    # given
    token = token_for(settings, await make_user(db, Role.ADMIN))
    # when
    result = await gql(client, FRAGMENTED, token=token)
    # then
    assert result.errors[0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
