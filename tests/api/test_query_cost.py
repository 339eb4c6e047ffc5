"""G-11: operations are priced before execution; page sizes multiply what is below them."""

from __future__ import annotations

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from models.enums import Role
from schema.api import schema
from schema.cost import TooComplexError, estimate
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


def doubling_fragments(levels: int) -> str:
    """Issue 13's reproducer: each fragment spreads the next one twice (2**levels fields)."""
    spreads = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels - 1)
    )
    return f"query Q {{ ...F0 }} {spreads} fragment F{levels - 1} on Query {{ __typename }}"


NESTED_DEFAULT_PAGES = """
query ($n: Int = 100) {
  candidates(first: $n) {
    edges { node { applications { job { applications(first: $n) {
      edges { node { candidate { firstName lastName headline } } }
    } } } } }
  }
}
"""

NESTED_FLOAT_PAGES = """
query ($n: Int) {
  candidates(first: $n) {
    edges { node { applications { job { applications(first: $n) {
      edges { node { candidate { firstName lastName headline } } }
    } } } } }
  }
}
"""


@pytest.mark.parametrize("levels", [23, 40, 100])
async def test_g11_doubling_fragments_are_rejected_anonymously(client, levels):
    """Issue 13 item 1: 906 bytes once froze the process for seconds; every level doubled it."""
    # when
    result = await gql(client, doubling_fragments(levels))
    # then
    assert result.data is None
    (error,) = result.errors
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert result.statements == 0


@pytest.mark.parametrize("levels", [23, 60, 200])
def test_g11_the_estimate_stops_within_the_document_size(levels):
    """The walk is bounded by the document (each fragment costed once), not its expansion."""
    # given
    document = parse(doubling_fragments(levels))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    (operation,) = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    selections = 1 + 2 * (levels - 1) + 1  # the spreads and fields written in the document
    # when
    with pytest.raises(TooComplexError) as raised:
        estimate(schema._schema, operation, fragments, {}, max_cost=50_000, max_fields=250)
    # then
    assert raised.value.estimate.fields > 250
    assert raised.value.steps <= selections


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (NESTED_DEFAULT_PAGES, {}),  # the variable's default
        (NESTED_FLOAT_PAGES, {"n": 100.0}),  # a float the Int coerces
    ],
    ids=["default", "float"],
)
async def test_g11_page_sizes_count_as_the_executor_will_use_them(
    db, settings, client, document, variables
):
    """Issue 13 item 5: `first` from variable defaults and floats used to count as 20."""
    # given
    token = token_for(settings, await make_user(db, Role.ADMIN))
    # when
    result = await gql(client, document, variables, token)
    # then
    assert result.data is None
    (error,) = result.errors
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert result.statements == 1  # authentication only


async def test_g11_explicit_null_and_small_pages_still_run(db, settings, client):
    # given
    token = token_for(settings, await make_user(db, Role.ADMIN))
    await make_candidate(db)
    # when
    null = await gql(client, NESTED_FLOAT_PAGES, {"n": None}, token)
    small = await gql(client, NESTED_DEFAULT_PAGES, {"n": 5}, token)
    # then: null is the default page size (20), which fits
    assert null.errors == []
    assert small.errors == []
    assert len(small.data["candidates"]["edges"]) == 1
