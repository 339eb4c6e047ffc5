"""The read-policy matrix of DESIGN.md section 5 (loaders/policy.py), checklist rows A-01..A-05.

One world per test; every cell of the matrix comes from the `EXPECTED` table below.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from models.application import Application, ApplicationEvent
from models.enums import ApplicationStage, JobStatus, OrganizationKind, Role
from models.evaluation import Evaluation
from tests.helpers import (
    gql,
    make_application,
    make_candidate,
    make_job,
    make_org,
    make_user,
    token_for,
)

PII = ("email", "phone", "dateOfBirth", "gender")

CANDIDATES_BY_ID = """
query ($c1: ID!, $c2: ID!, $c3: ID!) {
  c1: candidate(id: $c1) { id email phone dateOfBirth gender }
  c2: candidate(id: $c2) { id email phone dateOfBirth gender }
  c3: candidate(id: $c3) { id email phone dateOfBirth gender }
}
"""

CANDIDATE_LIST = """
query {
  candidates(first: 100) { totalCount edges { node { id email phone dateOfBirth gender } } }
}
"""

CANDIDATE_SEARCH = """
query ($search: String!) {
  candidates(filter: {search: $search}) { totalCount edges { node { id } } }
}
"""

JOBS = """
query ($jA: ID!, $jA_draft: ID!, $jB: ID!) {
  jA: job(id: $jA) { id }
  jA_draft: job(id: $jA_draft) { id }
  jB: job(id: $jB) { id }
  jobs(first: 100) { totalCount edges { node { id } } }
}
"""

APPLICATIONS = """
query ($app1: ID!, $app2: ID!, $app3: ID!, $eval1: ID!, $doc1: ID!) {
  app1: application(id: $app1) { id }
  app2: application(id: $app2) { id }
  app3: application(id: $app3) { id }
  eval1: evaluation(id: $eval1) { id }
  doc1: document(id: $doc1) { id }
  applications(first: 100) { totalCount edges { node { id } } }
}
"""

JOB_APPLICANTS = """
query ($id: ID!) {
  job(id: $id) {
    applications { totalCount edges { node { id candidate { id email } } } }
  }
}
"""

CANDIDATE_RELATIONS = """
query ($id: ID!) {
  candidate(id: $id) {
    id applications { id } documents { id } evaluations { edges { node { id } } }
  }
}
"""

CANDIDATE = "query ($id: ID!) { candidate(id: $id) { id } }"

ME = "query { me { id email role candidate { id } } }"


@dataclass(frozen=True)
class Expected:
    """What one viewer may read in the world: space-separated names of `World.ids`."""

    role: str | None
    candidates: str
    contact: str  # candidates whose 4 PII fields are non-null
    jobs: str
    records: str  # applications, evaluations and documents
    hiring: str = ""  # applications whose stage notes and recruiter ids the viewer sees

    def see(self, field: str) -> frozenset[str]:
        return frozenset(getattr(self, field).split())


# fmt: off
EXPECTED: dict[str, Expected] = {
    "anonymous": Expected(
        role=None, candidates="", contact="", jobs="jA jB", records="",
    ),
    "admin": Expected(
        role="ADMIN", candidates="c1 c2 c3", contact="c1 c2 c3", jobs="jA jA_draft jB",
        records="app1 app2 app3 eval1 doc1", hiring="app1 app2 app3",
    ),
    # the talent pool is open to recruiters; contact PII only where their org is related
    "recruiter_a": Expected(
        role="RECRUITER", candidates="c1 c2 c3", contact="c1", jobs="jA jA_draft jB",
        records="app1 eval1 doc1", hiring="app1",
    ),
    # app3 (filed by the partner for c3 with job B) relates org B to c3
    "recruiter_b": Expected(
        role="RECRUITER", candidates="c1 c2 c3", contact="c2 c3", jobs="jA jB",
        records="app2 app3", hiring="app2 app3",
    ),
    # a candidate never sees the evaluations recruiters ran on them, only their own requests
    "candidate_1": Expected(
        role="CANDIDATE", candidates="c1", contact="c1", jobs="jA jB",
        records="app1 doc1",
    ),
    "candidate_2": Expected(
        role="CANDIDATE", candidates="c2", contact="c2", jobs="jA jB", records="app2",
    ),
    # the partner reads the application it filed, not the hiring side of it
    "partner": Expected(
        role="PARTNER", candidates="c3", contact="c3", jobs="jA jB", records="app3",
    ),
}
# fmt: on
VIEWERS = list(EXPECTED)

# creation order; lists sort by CREATED_AT (candidates ASC, jobs and applications DESC)
CANDIDATE_ORDER = ("c1", "c2", "c3")
JOB_ORDER = ("jB", "jA_draft", "jA")
APPLICATION_ORDER = ("app3", "app2", "app1")


@dataclass
class World:
    ids: dict[str, str]
    emails: dict[str, str]  # viewer -> login email
    candidate_emails: dict[str, str]
    tokens: dict[str, str | None]


@pytest.fixture
async def world(db, settings) -> World:
    org_a = await make_org(db)
    org_b = await make_org(db)
    org_p = await make_org(db, OrganizationKind.PARTNER)
    users = {
        "admin": await make_user(db, Role.ADMIN),
        "recruiter_a": await make_user(db, Role.RECRUITER, org_a),
        "recruiter_b": await make_user(db, Role.RECRUITER, org_b),
        "candidate_1": await make_user(db, Role.CANDIDATE),
        "candidate_2": await make_user(db, Role.CANDIDATE),
        "partner": await make_user(db, Role.PARTNER, org_p),
    }
    c1 = await make_candidate(db, user=users["candidate_1"])
    c2 = await make_candidate(db, user=users["candidate_2"])
    c3 = await make_candidate(db, sourced_by=org_p)
    job_a = await make_job(db, org_a)
    job_a_draft = await make_job(db, org_a, status=JobStatus.DRAFT)
    job_b = await make_job(db, org_b)
    app1 = await make_application(db, c1, job_a, with_extras=True)
    app2 = await make_application(db, c2, job_b)
    app3 = await make_application(db, c3, job_b)
    moved_by = {app1.id: users["recruiter_a"], app2.id: users["recruiter_b"]}
    moved_by[app3.id] = users["recruiter_b"]
    async with db() as session:
        await session.exec(
            update(Application)
            .where(col(Application.id) == app3.id)
            .values(filed_by_organization_id=org_p.id)
        )
        for application_id, recruiter in moved_by.items():
            session.add(
                ApplicationEvent(
                    application_id=application_id,
                    from_stage=ApplicationStage.APPLIED,
                    to_stage=ApplicationStage.REJECTED,
                    actor_id=recruiter.id,
                    note="internal remark",
                )
            )
        await session.commit()
    async with db() as session:
        eval1 = (
            await session.exec(select(Evaluation).where(col(Evaluation.application_id) == app1.id))
        ).one()
    rows = {
        "c1": c1,
        "c2": c2,
        "c3": c3,
        "jA": job_a,
        "jA_draft": job_a_draft,
        "jB": job_b,
        "app1": app1,
        "app2": app2,
        "app3": app3,
        "eval1": eval1,
    }
    ids = {name: str(row.id) for name, row in rows.items()}
    ids["doc1"] = str(app1.document_id)
    tokens: dict[str, str | None] = {"anonymous": None}
    tokens.update({name: token_for(settings, user) for name, user in users.items()})
    return World(
        ids=ids,
        emails={name: user.email for name, user in users.items()},
        candidate_emails={"c1": c1.email, "c2": c2.email, "c3": c3.email},
        tokens=tokens,
    )


async def read(client, world: World, viewer: str, query: str, variables: dict | None = None):
    result = await gql(client, query, variables, token=world.tokens[viewer])
    assert result.status == 200
    assert result.errors == []
    return result.data


def assert_contact(node: dict, visible: bool) -> None:
    values = [node[field] for field in PII]
    if visible:
        assert None not in values, values
    else:
        assert values == [None, None, None, None]


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_a01_a05_candidate_by_id_and_contact_pii(client, world, viewer):
    """A-01 candidate(id) per viewer; A-05 contact PII null unless the viewer is related."""
    # given
    expected = EXPECTED[viewer]
    variables = {n: world.ids[n] for n in CANDIDATE_ORDER}
    # when
    data = await read(client, world, viewer, CANDIDATES_BY_ID, variables)
    # then
    assert {n for n in CANDIDATE_ORDER if data[n] is not None} == expected.see("candidates")
    for name in expected.see("candidates"):
        assert data[name]["id"] == world.ids[name]
        assert_contact(data[name], name in expected.see("contact"))
        if name in expected.see("contact"):
            assert data[name]["email"] == world.candidate_emails[name]


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_a01_a05_candidates_list_and_contact_pii(client, world, viewer):
    """A-01 `candidates` holds exactly the visible rows; A-05 PII gated per row of the list."""
    # given
    expected = EXPECTED[viewer]
    # when
    data = await read(client, world, viewer, CANDIDATE_LIST)
    # then
    nodes = [edge["node"] for edge in data["candidates"]["edges"]]
    visible = [n for n in CANDIDATE_ORDER if n in expected.see("candidates")]
    assert [node["id"] for node in nodes] == [world.ids[n] for n in visible]
    assert data["candidates"]["totalCount"] == len(visible)
    for name, node in zip(visible, nodes, strict=True):
        assert_contact(node, name in expected.see("contact"))


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_a05_search_by_email_only_where_contact_is_visible(client, world, viewer):
    """A-05 a search filter must not turn hidden emails into an oracle."""
    # given
    expected = EXPECTED[viewer]
    # when
    found = {
        name: await read(client, world, viewer, CANDIDATE_SEARCH, {"search": email})
        for name, email in world.candidate_emails.items()
    }
    # then
    for name, data in found.items():
        hit = name in expected.see("candidates") & expected.see("contact")
        edges = [{"node": {"id": world.ids[name]}}] if hit else []
        assert data["candidates"] == {"totalCount": len(edges), "edges": edges}


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_a01_jobs_by_id_and_list(client, world, viewer):
    """A-01 OPEN jobs for everyone; a DRAFT only for admins and its organization's staff."""
    # given
    expected = EXPECTED[viewer]
    # when
    data = await read(client, world, viewer, JOBS, {n: world.ids[n] for n in JOB_ORDER})
    # then
    assert {n for n in JOB_ORDER if data[n] is not None} == expected.see("jobs")
    for name in expected.see("jobs"):
        assert data[name] == {"id": world.ids[name]}
    visible = [world.ids[n] for n in JOB_ORDER if n in expected.see("jobs")]
    assert [edge["node"]["id"] for edge in data["jobs"]["edges"]] == visible
    assert data["jobs"]["totalCount"] == len(visible)


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_a01_applications_evaluations_documents(client, world, viewer):
    """A-01 application/evaluation/document by id and the `applications` list per viewer."""
    # given
    expected = EXPECTED[viewer]
    variables = {n: world.ids[n] for n in ("app1", "app2", "app3", "eval1", "doc1")}
    # when
    data = await read(client, world, viewer, APPLICATIONS, variables)
    # then
    visible_by_id = {n for n in variables if data[n] is not None}
    assert visible_by_id == expected.see("records")
    for name in visible_by_id:
        assert data[name] == {"id": world.ids[name]}
    listed = [world.ids[n] for n in APPLICATION_ORDER if n in expected.see("records")]
    assert [edge["node"]["id"] for edge in data["applications"]["edges"]] == listed
    assert data["applications"]["totalCount"] == len(listed)


STAGE_HISTORY = """
query ($app1: ID!, $app2: ID!, $app3: ID!) {
  app1: application(id: $app1) { events { toStage note actorId } }
  app2: application(id: $app2) { events { toStage note actorId } }
  app3: application(id: $app3) { events { toStage note actorId } }
}
"""


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_a05_stage_notes_and_recruiter_ids_only_for_the_hiring_side(client, world, viewer):
    """A-05 (issue 13 item 11): a stage move's note and the recruiter's user id are internal to
    the hiring organization; the candidate and a filing partner see the moves without them."""
    # given
    expected = EXPECTED[viewer]
    variables = {n: world.ids[n] for n in ("app1", "app2", "app3")}
    # when
    data = await read(client, world, viewer, STAGE_HISTORY, variables)
    # then
    for name in variables:
        if name not in expected.see("records"):
            assert data[name] is None
            continue
        move = data[name]["events"][-1]
        assert move["toStage"] == "REJECTED"
        if name in expected.see("hiring"):
            assert move["note"] == "internal remark"
            assert move["actorId"] is not None
        else:
            assert (move["note"], move["actorId"]) == (None, None)


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_a04_job_applications_edges_apply_the_policy(client, world, viewer):
    """A-04 job.applications.edges.node.candidate gets the same checks as direct access."""
    # given
    expected = EXPECTED[viewer]
    # when
    data = await read(client, world, viewer, JOB_APPLICANTS, {"id": world.ids["jA"]})
    # then
    connection = data["job"]["applications"]
    if "app1" in expected.see("records"):
        assert connection["totalCount"] == 1
        assert len(connection["edges"]) == 1
        node = connection["edges"][0]["node"]
        assert node["id"] == world.ids["app1"]
        email = world.candidate_emails["c1"] if "c1" in expected.see("contact") else None
        assert node["candidate"] == {"id": world.ids["c1"], "email": email}
    else:
        assert connection == {"totalCount": 0, "edges": []}


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_a04_candidate_relations_are_filtered(client, world, viewer):
    """A-04 candidate(c1) { applications documents evaluations } hold only visible rows."""
    # given
    expected = EXPECTED[viewer]
    # when
    data = await read(client, world, viewer, CANDIDATE_RELATIONS, {"id": world.ids["c1"]})
    # then
    if "c1" not in expected.see("candidates"):
        assert data == {"candidate": None}
        return
    visible = expected.see("records")
    assert data["candidate"] == {
        "id": world.ids["c1"],
        "applications": [{"id": world.ids[n]} for n in ("app1",) if n in visible],
        "documents": [{"id": world.ids[n]} for n in ("doc1",) if n in visible],
        "evaluations": {
            "edges": [{"node": {"id": world.ids[n]}} for n in ("eval1",) if n in visible]
        },
    }


async def test_a04_recruiter_of_other_org_gets_candidate_with_empty_relations(client, world):
    """A-04/A-05 the explicit cell: recruiter B sees c1 but none of org A's data about it."""
    # when
    data = await read(client, world, "recruiter_b", CANDIDATE_RELATIONS, {"id": world.ids["c1"]})
    # then
    assert data["candidate"] == {
        "id": world.ids["c1"],
        "applications": [],
        "documents": [],
        "evaluations": {"edges": []},
    }


@pytest.mark.parametrize(
    ("viewer", "forbidden"),
    [("anonymous", "c1"), ("candidate_1", "c3"), ("candidate_2", "c1"), ("partner", "c1")],
)
async def test_a02_a03_forbidden_missing_malformed_ids_look_the_same(
    client, world, viewer, forbidden
):
    """A-02 a forbidden id answers like a random one; A-03 malformed or other-type ids too."""
    # given
    assert forbidden not in EXPECTED[viewer].see("candidates")
    headers = {"Authorization": f"Bearer {world.tokens[viewer]}"} if world.tokens[viewer] else {}
    global_id = base64.b64encode(f"Job:{world.ids['jA']}".encode()).decode()
    ids = [world.ids[forbidden], str(uuid.uuid4()), "not-a-uuid", world.ids["jA"], global_id]
    # when
    responses = [
        await client.post(
            "/graphql", json={"query": CANDIDATE, "variables": {"id": i}}, headers=headers
        )
        for i in ids
    ]
    # then
    assert [r.status_code for r in responses] == [200] * 5
    bodies = [r.content for r in responses]
    assert bodies == [bodies[0]] * 5
    assert json.loads(bodies[0]) == {"data": {"candidate": None}}


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_a01_me(client, world, viewer):
    """`me` is null for anonymous, else the user with role; a candidate gets their profile."""
    # given
    expected = EXPECTED[viewer]
    own_candidate = {"candidate_1": "c1", "candidate_2": "c2"}.get(viewer)
    # when
    data = await read(client, world, viewer, ME)
    # then
    if expected.role is None:
        assert data == {"me": None}
        return
    assert data["me"]["email"] == world.emails[viewer]
    assert data["me"]["role"] == expected.role
    assert data["me"]["candidate"] == ({"id": world.ids[own_candidate]} if own_candidate else None)
