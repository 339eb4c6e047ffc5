"""The write side of the policy matrix: every mutation x every role, on objects owned by
organization A and by candidate 1 (so "recruiter A" and "candidate 1" are the owners and
everyone else is "other"). Each cell runs on a fresh world and asserts the exact outcome.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from models.application import Application
from models.candidate import Certification, Education, WorkExperience
from models.enums import JobStatus, OrganizationKind, Role
from tests.helpers import (
    gql,
    make_application,
    make_candidate,
    make_job,
    make_org,
    make_user,
    token_for,
)

ROLES = (
    "anonymous",
    "admin",
    "recruiter_a",
    "recruiter_b",
    "candidate_1",
    "candidate_2",
    "partner",
)
OK, NOT_FOUND, FORBIDDEN, UNAUTH, INVALID = "OK", "NOT_FOUND", "FORBIDDEN", "UNAUTH", "INVALID"
CODES = {"UNAUTHENTICATED": UNAUTH, "NOT_FOUND": NOT_FOUND, "FORBIDDEN": FORBIDDEN}


@dataclass
class World:
    tokens: dict[str, str | None]
    ids: dict[str, str]


@pytest.fixture
async def world(db, settings) -> World:
    org_a, org_b = await make_org(db), await make_org(db)
    partner_org = await make_org(db, OrganizationKind.PARTNER)
    users = {
        "admin": await make_user(db, Role.ADMIN),
        "recruiter_a": await make_user(db, Role.RECRUITER, org_a),
        "recruiter_b": await make_user(db, Role.RECRUITER, org_b),
        "candidate_1": await make_user(db, Role.CANDIDATE),
        "candidate_2": await make_user(db, Role.CANDIDATE),
        "partner": await make_user(db, Role.PARTNER, partner_org),
    }
    org_candidate = await make_candidate(db, sourced_by=org_a, nested=1)
    pool_candidate = await make_candidate(db, nested=0)
    own_profile = await make_candidate(db, user=users["candidate_1"], nested=1)
    await make_candidate(db, user=users["candidate_2"], nested=1)
    open_job = await make_job(db, org_a)
    second_open_job = await make_job(db, org_a)
    draft_job = await make_job(db, org_a, status=JobStatus.DRAFT)
    application = await make_application(db, own_profile, open_job)
    # an application the partner filed for a candidate it sourced, with organization A's job
    partner_candidate = await make_candidate(db, sourced_by=partner_org, nested=0)
    filed = await make_application(db, partner_candidate, open_job)
    async with db() as session:
        await session.exec(
            update(Application)
            .where(col(Application.id) == filed.id)
            .values(filed_by_organization_id=partner_org.id)
        )
        await session.commit()
    ids = {
        "org_candidate": str(org_candidate.id),
        "pool_candidate": str(pool_candidate.id),
        "own_profile": str(own_profile.id),
        "open_job": str(open_job.id),
        "second_open_job": str(second_open_job.id),
        "draft_job": str(draft_job.id),
        "application": str(application.id),
        "filed_application": str(filed.id),
    }
    async with db() as session:
        for model, prefix in ((Education, "edu"), (WorkExperience, "exp"), (Certification, "cert")):
            for key in ("org_candidate", "own_profile"):
                row = (
                    await session.exec(
                        select(model).where(col(model.candidate_id) == uuid.UUID(ids[key]))
                    )
                ).one()
                ids[f"{prefix}:{key}"] = str(row.id)
    tokens: dict[str, str | None] = {"anonymous": None}
    tokens.update({role: token_for(settings, user) for role, user in users.items()})
    return World(tokens=tokens, ids=ids)


Vars = Callable[[World, str], dict[str, Any]]


def _candidate(target: str) -> Vars:
    return lambda w, role: {"id": w.ids[target]}


def _section(prefix: str, target: str) -> Vars:
    return lambda w, role: {"id": w.ids[f"{prefix}:{target}"]}


EDU = '{institution: "Open University"}'
EXP = '{companyName: "Acme", jobTitle: "Engineer"}'
CERT = '{name: "CKA"}'

# mutation -> (argument list, variables builder, declared variable types)
CANDIDATE_WRITES: dict[str, tuple[str, Callable[[str], Vars], str]] = {
    "updateCandidate": (
        'id: $id, version: 1, input: {headline: "Updated"}',
        _candidate,
        "$id: ID!",
    ),
    "deleteCandidate": ("id: $id", _candidate, "$id: ID!"),
    "addEducation": (f"candidateId: $id, input: {EDU}", _candidate, "$id: ID!"),
    "addWorkExperience": (f"candidateId: $id, input: {EXP}", _candidate, "$id: ID!"),
    "addCertification": (f"candidateId: $id, input: {CERT}", _candidate, "$id: ID!"),
    "setCandidateSkills": ('candidateId: $id, skills: [{name: "Python"}]', _candidate, "$id: ID!"),
    "updateEducation": (f"id: $id, input: {EDU}", lambda t: _section("edu", t), "$id: ID!"),
    "removeEducation": ("id: $id", lambda t: _section("edu", t), "$id: ID!"),
    "updateWorkExperience": (f"id: $id, input: {EXP}", lambda t: _section("exp", t), "$id: ID!"),
    "removeWorkExperience": ("id: $id", lambda t: _section("exp", t), "$id: ID!"),
    "updateCertification": (f"id: $id, input: {CERT}", lambda t: _section("cert", t), "$id: ID!"),
    "removeCertification": ("id: $id", lambda t: _section("cert", t), "$id: ID!"),
}

# expected outcome per role for a candidate owned by organization A / for candidate 1's profile
ON_ORG_CANDIDATE = dict(zip(ROLES, (UNAUTH, OK, OK, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND)))
ON_OWN_PROFILE = dict(zip(ROLES, (UNAUTH, OK, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, NOT_FOUND)))

OTHER_MUTATIONS: dict[str, tuple[str, Vars, str, dict[str, str]]] = {
    "createCandidate": (
        'input: {firstName: "New", lastName: "Person"}',
        lambda w, role: {},
        "",
        dict(zip(ROLES, (UNAUTH, OK, OK, OK, FORBIDDEN, FORBIDDEN, OK))),
    ),
    "createJob": (
        'input: {title: "Engineer", employmentType: FULL_TIME}',
        lambda w, role: {},
        "",
        # admins must name the organization (validation), org members post for their own
        dict(zip(ROLES, (UNAUTH, INVALID, OK, OK, FORBIDDEN, FORBIDDEN, OK))),
    ),
    "updateJob:draft": (
        'id: $id, version: 1, input: {title: "Renamed"}',
        lambda w, role: {"id": w.ids["draft_job"]},
        "$id: ID!",
        dict(zip(ROLES, (UNAUTH, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND))),
    ),
    "updateJob:open": (
        'id: $id, version: 1, input: {title: "Renamed"}',
        lambda w, role: {"id": w.ids["open_job"]},
        "$id: ID!",
        dict(zip(ROLES, (UNAUTH, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN))),
    ),
    "setJobSkills": (
        'jobId: $id, skills: [{name: "Go", required: true, weight: 1}]',
        lambda w, role: {"id": w.ids["open_job"]},
        "$id: ID!",
        dict(zip(ROLES, (UNAUTH, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN))),
    ),
    "setJobStatus": (
        "id: $id, status: OPEN",
        lambda w, role: {"id": w.ids["draft_job"]},
        "$id: ID!",
        dict(zip(ROLES, (UNAUTH, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND))),
    ),
    "applyToJob": (
        "jobId: $job, candidateId: $candidate",
        lambda w, role: {
            "job": w.ids["second_open_job"],
            "candidate": None if role.startswith("candidate") else w.ids["org_candidate"],
        },
        "$job: ID!, $candidate: ID",
        # organizations file for a candidate they sourced; candidates apply for themselves
        dict(zip(ROLES, (UNAUTH, OK, OK, FORBIDDEN, OK, OK, NOT_FOUND))),
    ),
    "applyToJob:pool": (
        "jobId: $job, candidateId: $candidate",
        lambda w, role: {"job": w.ids["second_open_job"], "candidate": w.ids["pool_candidate"]},
        "$job: ID!, $candidate: ID",
        # filing relates the job's organization to the candidate (contact data): owning the
        # job is not enough, the organization must have sourced the candidate (issue 13 item 3)
        dict(zip(ROLES, (UNAUTH, OK, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND))),
    ),
    "upsertCandidates": (
        'input: {items: [{firstName: "Bulk", lastName: "Person"}], dryRun: true}',
        lambda w, role: {},
        "",
        # partner service accounts; admins must name the organization they act for
        dict(zip(ROLES, (UNAUTH, INVALID, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK))),
    ),
    "upsertJobs": (
        'input: {items: [{title: "Bulk", employmentType: FULL_TIME}], dryRun: true}',
        lambda w, role: {},
        "",
        dict(zip(ROLES, (UNAUTH, INVALID, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK))),
    ),
    "revertImport": (
        "id: $id",
        lambda w, role: {"id": str(uuid.uuid4())},
        "$id: ID!",
        dict(
            zip(ROLES, (UNAUTH, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND))
        ),
    ),
    "retryBackgroundJob": (
        "kind: IMPORT, id: $id",
        lambda w, role: {"id": str(uuid.uuid4())},
        "$id: ID!",
        # admins only; an admin's unknown job is missing (tests/api/test_sweeper.py)
        dict(
            zip(ROLES, (UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN))
        ),
    ),
    "acceptProfileSuggestion": (
        "documentId: $id",
        lambda w, role: {"id": str(uuid.uuid4())},
        "$id: ID!",
        # owners and roles: test_cv_processing.py; an unknown document is missing for everyone
        dict(
            zip(ROLES, (UNAUTH, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND))
        ),
    ),
    "moveApplication": (
        "id: $id, stage: $stage",
        lambda w, role: {
            "id": w.ids["application"],
            "stage": "WITHDRAWN" if role.startswith("candidate") else "SCREENING",
        },
        "$id: ID!, $stage: ApplicationStage!",
        dict(zip(ROLES, (UNAUTH, OK, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND))),
    ),
    "moveApplication:filed": (
        "id: $id, stage: $stage",
        lambda w, role: {
            "id": w.ids["filed_application"],
            "stage": "WITHDRAWN" if role.startswith("candidate") else "SCREENING",
        },
        "$id: ID!, $stage: ApplicationStage!",
        # the partner that filed it reads it (test_policy.py) but only the hiring side moves it
        dict(zip(ROLES, (UNAUTH, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN))),
    ),
}


def _cells() -> list[Any]:
    cells = []
    for name, (_, vars_for, _types) in CANDIDATE_WRITES.items():
        for target, expected in (
            ("org_candidate", ON_ORG_CANDIDATE),
            ("own_profile", ON_OWN_PROFILE),
        ):
            for role in ROLES:
                cells.append(
                    pytest.param(name, target, role, expected[role], id=f"{name}-{target}-{role}")
                )
    for key, (*_, expected) in OTHER_MUTATIONS.items():
        for role in ROLES:
            cells.append(pytest.param(key, None, role, expected[role], id=f"{key}-{role}"))
    return cells


def _outcome(payload: dict[str, Any]) -> str:
    if payload["__typename"].endswith("Success"):
        return OK
    if payload["__typename"] == "ValidationError":
        return INVALID
    return CODES.get(payload.get("code", ""), payload["__typename"])


@pytest.mark.parametrize(("key", "target", "role", "expected"), _cells())
async def test_mutation_matrix(client, world, key, target, role, expected):
    # given
    name = key.split(":")[0]
    if name in CANDIDATE_WRITES:
        arguments, builder, types = CANDIDATE_WRITES[name]
        variables = builder(target)(world, role)
    else:
        arguments, vars_for, types, _ = OTHER_MUTATIONS[key]
        variables = vars_for(world, role)
    header = f"({types})" if types else ""
    document = (
        f"mutation{header} {{ {name}({arguments}) {{ __typename ... on UserError {{ code }} }} }}"
    )
    # when
    result = await gql(client, document, variables, world.tokens[role])
    # then
    assert result.errors == []
    assert _outcome(result.data[name]) == expected
