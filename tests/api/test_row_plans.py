"""Plans that read loaded rows directly (schema/compiled/rows.py and the executor's row mode).

A relation's rows are handed to its plan as they are when every selected field is a column
its type's `from_model` copies; anything else makes the objects as before. Either way the
response is byte-identical to graphql-core's (the whole suite runs in differential mode; the
tests here compare both paths explicitly on the shapes that take the row mode).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from sqlalchemy import text

from models.enums import OrganizationKind, Role
from models.settings import Settings
from schema.api import build_schema
from schema.compiled.plans import LEAF, RELATION, ObjectPlan
from schema.compiled.rows import ROW, Column, row_columns
from schema.types.application import ApplicationEventType, ApplicationType
from schema.types.candidate import CandidateType, EducationType
from schema.types.job import SkillType
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

JOBS = """
query Jobs {
  jobs(first: 10) {
    edges { node { title organization { name }
      applications(first: 10) { edges { node { stage
        candidate { id firstName email phone skills { name level years }
          experience { companyName startDate isCurrent } } } } }
    } }
  }
}
"""


def test_the_columns_a_from_model_copies_are_read_out_of_it() -> None:
    # when
    education = row_columns(EducationType)
    candidate = row_columns(CandidateType)
    application = row_columns(ApplicationType)
    skill = row_columns(SkillType)

    # then: plain copies and `strawberry.ID(str(row.x))` are columns, `row=row` is the row
    assert education is not None and candidate is not None and skill is not None
    assert education["institution"] == Column("institution", as_str=False)
    assert education["id"] == Column("id", as_str=True)
    assert candidate["row"] is ROW and application is not None and application["row"] is ROW
    # a computed value (`list(row.aliases or [])`) is not a column
    assert "aliases" not in skill and skill["name"] == Column("name", as_str=False)
    # a from_model that needs more than the row has no mapping at all
    assert row_columns(ApplicationEventType) is None


def _plans(plan: ObjectPlan) -> Iterator[ObjectPlan]:
    yield plan
    for step in plan.steps:
        if step.plan is not None:
            yield from _plans(step.plan)


@pytest.fixture
async def hiring(db: Any, settings: Settings) -> dict[str, Any]:
    employer = await make_org(db)
    partner = await make_org(db, OrganizationKind.PARTNER)
    python = await make_skill(db, "Python")
    job = await make_job(db, employer)
    for index in range(4):
        candidate = await make_candidate(
            db, skills=[python], sourced_by=partner if index % 2 else None
        )
        await make_application(db, candidate, job)
    return {
        "admin": token_for(settings, await make_user(db, Role.ADMIN)),
        "recruiter": token_for(settings, await make_user(db, Role.RECRUITER, employer)),
    }


async def _post(settings: Settings, query: str, token: str, mode: str) -> httpx2.Response:
    async with variant_client(settings, compiled_execution=mode) as client:
        response = await client.post(
            "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200
    return response


async def test_relations_run_their_plans_on_the_loaded_rows(
    settings: Settings, hiring: dict[str, Any]
) -> None:
    # given
    tuned = dataclasses.replace(settings, compiled_execution="on")
    cache = build_schema(tuned).execution_context_class.cache

    # when
    response = await _post(tuned, JOBS, hiring["admin"], "on")

    # then: the applicant (reached through a relation) is planned on rows, its leaf-only
    # lists are built inline, and its ID reads the column as a string
    assert response.json()["data"]["jobs"]["edges"]
    plans = [p for top in cache.plans.values() for p in _plans(top)]
    applicant = next(s for p in plans for s in p.steps if s.key == "candidate")
    candidate = applicant.plan
    assert candidate is not None and candidate.rows
    steps = {step.key: step for step in candidate.steps}
    assert steps["id"].kind == LEAF and steps["id"].column == Column("id", as_str=True)
    assert steps["skills"].kind == RELATION and steps["skills"].inline
    assert steps["experience"].inline
    # the job page's nodes come from a resolver, as objects
    assert not next(p for p in plans if p.type.name == "Job").rows


@pytest.mark.parametrize("viewer", ["admin", "recruiter"])
async def test_rows_answer_byte_for_byte_as_graphql_core(
    settings: Settings, hiring: dict[str, Any], viewer: str
) -> None:
    # when
    compiled = await _post(settings, JOBS, hiring[viewer], "on")
    reference = await _post(settings, JOBS, hiring[viewer], "off")

    # then
    assert compiled.content == reference.content
    applications = compiled.json()["data"]["jobs"]["edges"][0]["node"]["applications"]["edges"]
    assert len(applications) == 4
    # the recruiter's contact rule needs the database for applicants the employer did not
    # source: the resolver decides on an object made from the row, and shows them
    assert all(a["node"]["candidate"]["email"] for a in applications)


async def test_a_field_computed_by_the_object_makes_the_objects(
    settings: Settings, hiring: dict[str, Any]
) -> None:
    # given: `fullName` is a resolver of the candidate object, not a column
    query = JOBS.replace("id firstName", "id fullName")
    tuned = dataclasses.replace(settings, compiled_execution="on")
    cache = build_schema(tuned).execution_context_class.cache

    # when
    compiled = await _post(tuned, query, hiring["admin"], "on")
    reference = await _post(settings, query, hiring["admin"], "off")

    # then
    assert compiled.content == reference.content
    plans = [p for top in cache.plans.values() for p in _plans(top)]
    candidate = next(p for p in plans if any(s.key == "fullName" for s in p.steps))
    assert not candidate.rows
    # its own relations' rows are still read directly
    skills = next(s for s in candidate.steps if s.key == "skills")
    assert skills.plan is not None and skills.plan.rows and skills.inline
    node = compiled.json()["data"]["jobs"]["edges"][0]["node"]
    assert node["applications"]["edges"][0]["node"]["candidate"]["fullName"]


async def test_an_item_of_an_inline_list_fails_with_its_own_path(
    db: Any, settings: Settings, hiring: dict[str, Any]
) -> None:
    # given: a stored value the schema cannot show (Float has no infinity); the database's
    # own check refuses it, so it is written past the check (SQLite can be told to)
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("written past a CHECK constraint, which only SQLite allows")
    async with db.kw["bind"].connect() as connection:
        await connection.execute(text("PRAGMA ignore_check_constraints = ON"))
        await connection.execute(text("UPDATE candidate_skills SET years = 9e999"))
        await connection.commit()

    # when
    compiled = await _post(settings, JOBS, hiring["admin"], "on")
    reference = await _post(settings, JOBS, hiring["admin"], "off")

    # then: the same errors, each at its item's path, and the items' other fields intact
    assert compiled.content == reference.content
    body = compiled.json()
    paths = [error["path"] for error in body["errors"]]
    assert len(paths) == 4 and all(p[-3:-1] == ["skills", 0] and p[-1] == "years" for p in paths)
    applicant = body["data"]["jobs"]["edges"][0]["node"]["applications"]["edges"][0]["node"]
    assert applicant["candidate"]["skills"] == [{"name": "Python", "level": None, "years": None}]
