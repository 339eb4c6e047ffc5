"""The compiled execution path (schema/compiled.py) answers exactly as graphql-core does.

The whole suite runs in the differential mode (tests/conftest.py), so every query it sends is
checked both ways. Here: the raw bytes of the two paths side by side on shapes that exercise
the plan (nested relations, masked contact fields, aliases, fragments, `__typename`,
`@skip`/`@include` by variable, errors with null propagation), that the differential mode
does catch a declaration that disagrees with its resolver, and that the plan cache stays
within its bytes.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
import strawberry

from loaders.base import Loader
from loaders.policy import ANONYMOUS
from loaders.registry import LoaderSet
from models.enums import OrganizationKind, Role
from models.settings import Settings
from resolvers.context import Context
from schema.api import build_schema
from schema.compiled import MISMATCHES, compiled_executor
from schema.relations import MASKED, Masked
from tests.helpers import (
    make_application,
    make_candidate,
    make_job,
    make_org,
    make_skill,
    make_user,
    token_for,
    variant_client,
)

NESTED = """
query Page($first: Int!, $withContact: Boolean!, $skipJobs: Boolean!) {
  candidates(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      __typename
      id name: firstName lastName
      email @include(if: $withContact)
      phone @include(if: $withContact)
      ...Sections
      applications { stage job @skip(if: $skipJobs) { title organization { name __typename } } }
    } }
  }
}
fragment Sections on Candidate {
  education { institution degree startDate endDate }
  experience { companyName jobTitle isCurrent }
  skills { name level years }
  certifications { name issuer issueDate }
  sourcedBy { name }
}
"""

JOBS = """
query Jobs($inner: Int) {
  jobs(first: 10) {
    totalCount
    edges { node { title organization { name }
      applications(first: $inner) { totalCount edges { node { stage
        candidate { id firstName email skills { name } experience { companyName } } } } }
    } }
  }
}
"""


@pytest.fixture
async def world(db: Any, settings: Settings) -> dict[str, Any]:
    employer = await make_org(db)
    other = await make_org(db, OrganizationKind.PARTNER)
    python = await make_skill(db, "Python")
    sql = await make_skill(db, "SQL")
    jobs = [await make_job(db, employer) for _ in range(3)]
    for index in range(6):
        candidate = await make_candidate(
            db, skills=[python, sql], sourced_by=other if index % 2 else None
        )
        for job in jobs[: 1 + index % 3]:
            await make_application(db, candidate, job)
    admin = await make_user(db, Role.ADMIN)
    recruiter = await make_user(db, Role.RECRUITER, employer)
    return {
        "admin": token_for(settings, admin),
        "recruiter": token_for(settings, recruiter),
    }


async def both_ways(
    settings: Settings, query: str, variables: dict[str, Any], token: str
) -> tuple[bytes, bytes]:
    """The raw response bodies of the compiled path and of graphql-core."""
    bodies = []
    for mode in ("on", "off"):
        async with variant_client(settings, compiled_execution=mode) as client:
            response = await client.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 200
            bodies.append(response.content)
    return bodies[0], bodies[1]


@pytest.mark.parametrize("viewer", ["admin", "recruiter"])
@pytest.mark.parametrize(
    "variables",
    [
        {"first": 10, "withContact": True, "skipJobs": False},
        {"first": 10, "withContact": False, "skipJobs": True},
        {"first": 2, "withContact": True, "skipJobs": True},
    ],
)
async def test_a_nested_page_answers_byte_for_byte_as_graphql_core(
    settings: Settings, world: dict[str, Any], viewer: str, variables: dict[str, Any]
) -> None:
    # when
    compiled, reference = await both_ways(settings, NESTED, variables, world[viewer])

    # then
    assert compiled == reference
    page = httpx2.Response(200, content=compiled).json()["data"]["candidates"]
    node = page["edges"][0]["node"]
    assert node["__typename"] == "Candidate" and "name" in node
    assert ("email" in node) is variables["withContact"]
    assert all(("job" in a) is not variables["skipJobs"] for a in node["applications"])
    if viewer == "recruiter" and variables["withContact"]:
        # contact data is masked per candidate: shown for applicants to the employer's jobs
        assert {e["node"]["email"] is None for e in page["edges"]} == {False}


async def test_the_same_document_with_other_directive_values_gets_its_own_plan(
    settings: Settings, world: dict[str, Any]
) -> None:
    # given
    shown = {"first": 3, "withContact": True, "skipJobs": False}
    hidden = {"first": 3, "withContact": False, "skipJobs": True}
    async with variant_client(settings, compiled_execution="on") as client:
        headers = {"Authorization": f"Bearer {world['admin']}"}

        # when
        first = await client.post(
            "/graphql", json={"query": NESTED, "variables": shown}, headers=headers
        )
        second = await client.post(
            "/graphql", json={"query": NESTED, "variables": hidden}, headers=headers
        )
        third = await client.post(
            "/graphql", json={"query": NESTED, "variables": shown}, headers=headers
        )

    # then
    node = second.json()["data"]["candidates"]["edges"][0]["node"]
    assert "email" not in node and "job" not in node["applications"][0]
    assert first.content == third.content
    assert "email" in first.json()["data"]["candidates"]["edges"][0]["node"]


async def test_errors_and_null_propagation_match_graphql_core(
    settings: Settings, world: dict[str, Any]
) -> None:
    # when: a negative page size fails each job's applications (a non-null field), which
    # nulls the job's node and propagates as graphql-core does
    compiled, reference = await both_ways(settings, JOBS, {"inner": -1}, world["admin"])

    # then
    assert compiled == reference
    body = httpx2.Response(200, content=compiled).json()
    assert body["errors"] and body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["path"][:3] == ["jobs", "edges", 0]


async def test_nested_connections_keep_a_constant_statement_count(
    db: Any, settings: Settings, world: dict[str, Any]
) -> None:
    # given
    async with variant_client(settings, compiled_execution="on") as client:
        headers = {"Authorization": f"Bearer {world['admin']}"}
        before = await client.post(
            "/graphql", json={"query": JOBS, "variables": {"inner": 5}}, headers=headers
        )
        employer = await make_org(db)
        for _ in range(4):
            job = await make_job(db, employer)
            await make_application(db, await make_candidate(db), job)

        # when
        after = await client.post(
            "/graphql", json={"query": JOBS, "variables": {"inner": 5}}, headers=headers
        )

    # then
    assert len(after.json()["data"]["jobs"]["edges"]) > len(before.json()["data"]["jobs"]["edges"])
    assert after.headers["x-sql-statements"] == before.headers["x-sql-statements"]


async def test_the_plan_cache_stays_within_its_bytes(
    settings: Settings, world: dict[str, Any]
) -> None:
    # given
    bound = 24 * 1024
    tuned = dataclasses.replace(settings, compiled_execution="on", plan_cache_bytes=bound)
    cache = build_schema(tuned).execution_context_class.cache
    async with variant_client(tuned) as client:
        headers = {"Authorization": f"Bearer {world['admin']}"}

        # when: many distinct documents
        for n in range(60):
            node = f"a{n}: firstName education {{ institution }}"
            query = f"{{ candidates(first: 2) {{ edges {{ node {{ {node} }} }} }} }}"
            response = await client.post("/graphql", json={"query": query}, headers=headers)
            assert f"a{n}" in response.json()["data"]["candidates"]["edges"][0]["node"]

    # then
    assert 0 < cache.plans.bytes <= bound
    assert len(cache.plans) < 60


@strawberry.type
class Secret:
    row: strawberry.Private[Any]

    @strawberry.field(metadata={MASKED: Masked("column", lambda viewer, row: True)})
    def value(self) -> str | None:
        return "from the resolver"


@strawberry.type
class Probe:
    @strawberry.field
    def secret(self) -> Secret:
        return Secret(row=type("Row", (), {"column": "from the column"})())


@dataclasses.dataclass
class _Context:
    viewer: Any = ANONYMOUS


@pytest.fixture
def mismatches() -> AsyncIterator[list[dict[str, Any]]]:
    yield MISMATCHES
    MISMATCHES.clear()  # found on purpose here


async def test_the_differential_mode_catches_a_declaration_that_disagrees_with_its_resolver(
    mismatches: list[dict[str, Any]],
) -> None:
    # given: a masked column whose resolver answers something else
    probe = strawberry.Schema(
        query=Probe, execution_context_class=compiled_executor("differential", 1 << 20)
    )

    # when
    result = await probe.execute("{ secret { value } }", context_value=_Context())

    # then: the compiled answer is returned, and the difference recorded
    assert result.data == {"secret": {"value": "from the column"}}
    assert len(mismatches) == 1
    assert "from the resolver" in mismatches[0]["graphql-core"]


async def test_a_plan_is_charged_for_its_document_and_large_documents_are_not_kept(
    settings: Settings, world: dict[str, Any]
) -> None:
    # given: the parse cache keeps documents of up to 400 bytes
    tuned = dataclasses.replace(
        settings, compiled_execution="on", max_cached_document_bytes=400, plan_cache_bytes=1 << 20
    )
    cache = build_schema(tuned).execution_context_class.cache
    small = "{ candidates(first: 2) { edges { node { firstName } } } }"
    large = small + "\n# " + "x" * 1000
    async with variant_client(tuned) as client:
        headers = {"Authorization": f"Bearer {world['admin']}"}

        # when
        first = await client.post("/graphql", json={"query": small}, headers=headers)
        kept = len(cache.plans), cache.plans.bytes
        second = await client.post("/graphql", json={"query": large}, headers=headers)

    # then: the small document's plans are kept and charged at least its text; the large
    # one is answered alike but leaves nothing behind
    assert first.json() == second.json()
    assert kept[0] > 0 and kept[1] >= kept[0] * len(small)
    assert (len(cache.plans), cache.plans.bytes) == kept


@pytest.mark.parametrize("mode", ["on", "off"])
async def test_a_request_leaves_no_cycle_holding_its_rows(
    settings: Settings, world: dict[str, Any], mode: str
) -> None:
    # given: the collector off, so only reference counting frees anything
    async with variant_client(settings, compiled_execution=mode) as client:
        headers = {"Authorization": f"Bearer {world['admin']}"}
        variables = {"first": 10, "withContact": True, "skipJobs": False}
        await client.post(
            "/graphql", json={"query": NESTED, "variables": variables}, headers=headers
        )
        gc.collect()
        gc.disable()
        try:
            # when
            response = await client.post(
                "/graphql", json={"query": NESTED, "variables": variables}, headers=headers
            )
            gc.set_debug(gc.DEBUG_SAVEALL)
            gc.collect()
            left = [o for o in gc.garbage if isinstance(o, (Loader, LoaderSet, Context))]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
            gc.enable()

    # then: the request's context, loaders and rows went with its response
    assert response.status_code == 200 and response.json()["data"]["candidates"]["edges"]
    assert left == []
