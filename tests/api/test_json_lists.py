"""Nested lists of plain columns built as JSON by PostgreSQL (loaders/json_lists.py).

The compiled path loads such a list as one JSON array per parent and the response must still
be byte-identical to graphql-core's, which reads the rows: every test here compares the two
(`compiled_execution="on"` against `"off"`), on values chosen where JSON and Python differ
(integral floats, shortest float text, control characters, far dates) and on stored values only
the rows path answers right (written past the database's own constraints).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx2
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine.url import make_url

from loaders import driver
from loaders.candidates import EducationByCandidateIdLoader
from loaders.json_lists import supports
from loaders.policy import Viewer
from loaders.registry import Loaders
from models.enums import Role
from models.settings import Settings
from schema.api import build_schema
from schema.compiled import json_lists
from schema.relations import RELATIONS
from tests.conftest import ON_POSTGRES
from tests.helpers import make_candidate, make_skill, make_user, token_for, variant_client

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="lists are built as JSON on PostgreSQL")

PROFILES = """
query Profiles {
  candidates(first: 10) { edges { node { id
    education { __typename institution degree fieldOfStudy startDate endDate id }
    experience { companyName title: jobTitle startDate isCurrent }
    skills { name level years skillId }
    certifications { name issuer issueDate expiryDate credentialUrl }
  } } }
}
"""

TRICKY = 'Ü "quoted" \\ back\nnew\ttab \x01\x1f \u2028 \U0001f600 </script>'
FLOATS = [5.0, 0.1, 1e-07, 33.333333333333336, 69.99999999999999, 0.30000000000000004, 0.0]


@pytest.fixture
async def profiles(db: Any, settings: Settings) -> dict[str, Any]:
    skills = [await make_skill(db, f"Skill {n}") for n in range(len(FLOATS))]
    candidates = [await make_candidate(db, skills=skills) for _ in range(3)]
    async with db.kw["bind"].begin() as connection:
        for n, years in enumerate(FLOATS):
            await connection.execute(
                text(
                    "UPDATE candidate_skills SET years = :years, level = :level"
                    " WHERE skill_id = :id"
                ),
                {"years": years, "id": skills[n].id, "level": ["EXPERT", "BEGINNER", None][n % 3]},
            )
        await connection.execute(
            text("UPDATE education SET institution = :name, start_date = :start, end_date = :end"),
            {"name": TRICKY, "start": date(1, 1, 2), "end": date(9999, 12, 30)},
        )
        await connection.execute(text("UPDATE work_experience SET is_current = true"))
    return {
        "admin": token_for(settings, await make_user(db, Role.ADMIN)),
        "candidates": candidates,
    }


async def _post(
    settings: Settings, token: str, mode: str, query: str = PROFILES
) -> httpx2.Response:
    async with variant_client(settings, compiled_execution=mode) as client:
        response = await client.post(
            "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200
    return response


@pytest.fixture
async def statements(app: Any) -> AsyncIterator[list[str]]:
    """The SQL the app's engine sends through SQLAlchemy, with the driver's shapes forgotten
    so that each statement shape's first run (which goes through SQLAlchemy) shows."""
    driver.SHAPES.entries.clear()
    seen: list[str] = []
    engine = app.state.session_factory.kw["bind"].sync_engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


async def test_lists_of_plain_columns_load_as_json_in_as_many_statements(
    settings: Settings, profiles: dict[str, Any], client: httpx2.AsyncClient, statements: list[str]
) -> None:
    # when: the suite's differential mode runs the query compiled, then on graphql-core
    response = await client.post(
        "/graphql",
        json={"query": PROFILES},
        headers={"Authorization": f"Bearer {profiles['admin']}"},
    )

    # then: the compiled run built the four lists in PostgreSQL
    assert response.status_code == 200 and "errors" not in response.json()
    built = [s for s in statements if "json_agg" in s]
    assert len(built) == 4
    assert any("education" in s for s in built) and any("skills.name" in s for s in built)
    # and sent as many statements as graphql-core's rows path
    compiled = await _post(settings, profiles["admin"], "on")
    reference = await _post(settings, profiles["admin"], "off")
    assert compiled.headers["x-sql-statements"] == reference.headers["x-sql-statements"]


async def test_json_lists_answer_byte_for_byte_as_graphql_core(
    settings: Settings, profiles: dict[str, Any]
) -> None:
    # when
    compiled = await _post(settings, profiles["admin"], "on")
    reference = await _post(settings, profiles["admin"], "off")

    # then
    assert compiled.content == reference.content
    node = compiled.json()["data"]["candidates"]["edges"][0]["node"]
    assert node["education"][0]["institution"] == TRICKY
    assert node["education"][0]["startDate"] == "0001-01-02"
    assert sorted(skill["years"] for skill in node["skills"]) == sorted(FLOATS)
    assert b'"years":5.0' in compiled.content  # an integral float stays a float


async def test_a_loader_gives_each_parent_its_list_as_the_rows_path_orders_it(
    app: Any, profiles: dict[str, Any]
) -> None:
    # given
    relation = RELATIONS["Candidate"]["education"]
    assert relation.child_type is not None
    pairs = (("institution", "institution"), ("startDate", "startDate"), ("id", "id"))
    spec = json_lists.json_fields(relation, relation.child_type, pairs)
    assert spec is not None and spec.rows is EducationByCandidateIdLoader
    loaders = Loaders(app.state.session_factory, Viewer()).at(("candidates", "education"))
    ids = [candidate.id for candidate in profiles["candidates"]]

    # when
    built = await loaders.json_list(spec).load_all([*ids, ids[0]])
    rows = await loaders.of(EducationByCandidateIdLoader).load_all(ids)

    # then
    assert built[0] == [
        {"institution": row.institution, "startDate": row.start_date.isoformat(), "id": str(row.id)}
        for row in rows[0]
    ]
    assert len(built[0]) == 2 and built[-1] == built[0]


def _without_request_ids(response: httpx2.Response) -> str:
    return re.sub(r"[0-9a-f]{32}", "?", response.text)


async def _past_constraints(db: Any, statements: list[str]) -> None:
    async with db.kw["bind"].begin() as connection:
        for statement in statements:
            await connection.execute(text(statement))


BROKEN = {
    "nan": (
        ["ALTER TABLE candidate_skills DROP CONSTRAINT ck_candidate_skills_years_range"],
        "UPDATE candidate_skills SET years = 'NaN' WHERE years = 5",
        "ALTER TABLE candidate_skills ADD CONSTRAINT ck_candidate_skills_years_range "
        "CHECK (years IS NULL OR (years >= 0 AND years <= 70)) NOT VALID",
    ),
    "enum": (
        ["ALTER TABLE candidate_skills DROP CONSTRAINT ck_candidate_skills_skilllevel"],
        "UPDATE candidate_skills SET level = 'GURU' WHERE years = 5",
        "ALTER TABLE candidate_skills ADD CONSTRAINT ck_candidate_skills_skilllevel CHECK "
        "(level IN ('BEGINNER', 'INTERMEDIATE', 'ADVANCED', 'EXPERT')) NOT VALID",
    ),
    "null": (
        ["ALTER TABLE education ALTER COLUMN institution DROP NOT NULL"],
        "UPDATE education SET institution = NULL WHERE id IN (SELECT id FROM education LIMIT 1)",
        "DELETE FROM education WHERE institution IS NULL;"
        " ALTER TABLE education ALTER COLUMN institution SET NOT NULL",
    ),
    "infinity": (
        [],
        "UPDATE certifications SET issue_date = 'infinity'",
        "DELETE FROM certifications WHERE NOT isfinite(issue_date)",
    ),
}


@pytest.mark.parametrize("broken", sorted(BROKEN))
async def test_a_value_only_the_rows_path_answers_loads_that_list_as_rows(
    db: Any, settings: Settings, profiles: dict[str, Any], broken: str
) -> None:
    # given: a stored value the JSON would show otherwise than graphql-core (a NaN, an enum
    # label outside the enum, a null in a non-null field, an infinite date), written past
    # the database's own constraint
    relax, write, restore = BROKEN[broken]
    await _past_constraints(db, [*relax, write])
    try:
        # when
        compiled = await _post(settings, profiles["admin"], "on")
        reference = await _post(settings, profiles["admin"], "off")
    finally:
        await _past_constraints(db, restore.split(";"))

    # then: the same response, with graphql-core's errors (each request has its own id)
    assert _without_request_ids(compiled) == _without_request_ids(reference)
    body = compiled.json()
    if broken == "infinity":
        # the rows path reads PostgreSQL's infinity as the latest date
        dates = [c["issueDate"] for e in body["data"]["candidates"]["edges"]
                 for c in e["node"]["certifications"]]  # fmt: skip
        assert dates and set(dates) == {"9999-12-31"}
    else:
        assert body["errors"]


async def test_floats_load_as_rows_when_postgresql_would_round_their_text(
    db: Any, settings: Settings, profiles: dict[str, Any]
) -> None:
    # given: a server set to write floats with 15 digits (0.30000000000000004 as 0.3)
    name = make_url(settings.database_url).database
    await _past_constraints(db, [f'ALTER DATABASE "{name}" SET extra_float_digits = 0'])
    try:
        # when
        compiled = await _post(settings, profiles["admin"], "on")
        reference = await _post(settings, profiles["admin"], "off")
    finally:
        await _past_constraints(db, [f'ALTER DATABASE "{name}" RESET extra_float_digits'])

    # then
    assert compiled.content == reference.content
    assert b"0.30000000000000004" in compiled.content


async def test_a_loader_keeps_its_lists_as_json_only_when_its_statement_reads_only_keys(
    app: Any,
) -> None:
    # given: a subclass whose statement may read more than its keys, without saying so
    class Mine(EducationByCandidateIdLoader):
        def statement(self, keys: Any) -> Any:
            return super().statement(keys)

    relation = RELATIONS["Candidate"]["education"]
    assert relation.child_type is not None
    spec = json_lists.json_fields(relation, relation.child_type, (("degree", "degree"),))
    assert spec is not None
    loaders = Loaders(app.state.session_factory, Viewer()).at(("x",))

    # then
    assert supports(loaders.of(EducationByCandidateIdLoader), spec)
    assert not supports(loaders.of(Mine), spec)


def test_only_fields_with_one_json_form_are_built_as_json(settings: Settings) -> None:
    # given
    schema = build_schema(dataclasses.replace(settings, compiled_execution="on"))
    education = RELATIONS["Candidate"]["education"]
    applications = RELATIONS["Candidate"]["applications"]
    assert education.child_type is not None and applications.child_type is not None
    date_time = schema._schema.get_type("DateTime")

    # then: plain columns are; a date-time is not (its text follows the session's time
    # zone), nor a relation with a policy on each row, nor a name the type does not have
    assert json_lists.json_fields(education, education.child_type, (("id", "id"),))
    assert json_lists._kind(date_time, as_str=False)[0] is None
    assert applications.visible is not None
    stage = (("stage", "stage"),)
    assert json_lists.json_fields(applications, applications.child_type, stage) is None
    assert json_lists.json_fields(education, education.child_type, (("x", "nope"),)) is None


def test_decisions_stay_bounded_whatever_aliases_clients_send() -> None:
    relation = RELATIONS["Candidate"]["education"]
    assert relation.child_type is not None
    for n in range(json_lists.MAX_DECIDED + 10):
        json_lists.json_fields(relation, relation.child_type, ((f"a{n}", "degree"),))
    assert len(json_lists._DECIDED) <= json_lists.MAX_DECIDED
