"""Candidate writes: create, update, erase; validation, duplicates, concurrency, audit rows."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

from sqlmodel import func, select

from models.application import Application, ApplicationEvent
from models.candidate import Candidate, CandidateSkill, Certification, Education, WorkExperience
from models.document import Document
from models.enums import OrganizationKind, Role
from models.evaluation import Evaluation
from tests.helpers import (
    audit_rows,
    gql,
    make_application,
    make_candidate,
    make_job,
    make_org,
    make_user,
    recruiter_token,
    stored,
    token_for,
)

CANDIDATE_FIELDS = """
  id firstName lastName email phone dateOfBirth gender location headline summary source
  externalId version createdAt updatedAt sourcedBy { id }
"""

CREATE = f"""
mutation ($input: CreateCandidateInput!) {{
  createCandidate(input: $input) {{
    __typename
    ... on CreateCandidateSuccess {{ candidate {{ {CANDIDATE_FIELDS} }} }}
    ... on ValidationError {{ code field errors {{ field code }} }}
    ... on Duplicate {{ code field existingId }}
    ... on Forbidden {{ code }}
    ... on AuthenticationRequired {{ code }}
  }}
}}
"""

UPDATE = f"""
mutation ($id: ID!, $version: Int!, $input: UpdateCandidateInput!) {{
  updateCandidate(id: $id, version: $version, input: $input) {{
    __typename
    ... on UpdateCandidateSuccess {{ candidate {{ {CANDIDATE_FIELDS} }} }}
    ... on ValidationError {{ code field errors {{ field code }} }}
    ... on Conflict {{ code field currentVersion }}
    ... on Duplicate {{ code field existingId }}
    ... on NotFound {{ code }}
    ... on Forbidden {{ code }}
    ... on AuthenticationRequired {{ code }}
  }}
}}
"""

DELETE = """
mutation ($id: ID!) {
  deleteCandidate(id: $id) {
    __typename
    ... on DeleteCandidateSuccess { deletedId }
    ... on NotFound { code }
    ... on Forbidden { code }
  }
}
"""


async def _count(db, model) -> int:
    async with db() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


async def test_recruiter_creates_a_normalized_internal_candidate(db, client, settings):
    # given
    org, token = await recruiter_token(db, settings)
    profile = {
        "firstName": " Ada ",
        "lastName": "Lovelace",
        "email": "  Ada@Example.ORG ",
        "phone": "+49 151 23456789",
        "dateOfBirth": "1990-12-10",
        "location": "London",
        "headline": "Analyst",
        "externalId": "crm-1",
    }
    # when
    result = await gql(client, CREATE, {"input": profile}, token)
    # then
    payload = result.data["createCandidate"]
    assert payload["__typename"] == "CreateCandidateSuccess"
    candidate = payload["candidate"]
    assert {k: v for k, v in candidate.items() if k not in ("id", "createdAt", "updatedAt")} == {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "email": "ada@example.org",
        "phone": "+4915123456789",
        "dateOfBirth": "1990-12-10",
        "gender": None,
        "location": "London",
        "headline": "Analyst",
        "summary": None,
        "source": "INTERNAL",
        "externalId": "crm-1",
        "version": 1,
        "sourcedBy": {"id": str(org.id)},
    }
    row = await stored(db, Candidate, candidate["id"])
    assert (row.email, row.phone, row.sourced_by_organization_id) == (
        "ada@example.org",
        "+4915123456789",
        org.id,
    )
    [audit] = await audit_rows(db)
    assert (audit.action, audit.entity_type, audit.entity_id) == (
        "candidate.create",
        "Candidate",
        candidate["id"],
    )
    assert "ada@example.org" not in str(audit.details)


async def test_partner_and_admin_candidates_get_their_sources(db, client, settings):
    # given
    partner_org = await make_org(db, OrganizationKind.PARTNER)
    partner = await make_user(db, Role.PARTNER, partner_org)
    admin = await make_user(db, Role.ADMIN)
    # when
    by_partner = await gql(
        client, CREATE, {"input": {"firstName": "P", "lastName": "Q"}}, token_for(settings, partner)
    )
    by_admin = await gql(
        client, CREATE, {"input": {"firstName": "A", "lastName": "B"}}, token_for(settings, admin)
    )
    # then
    assert by_partner.data["createCandidate"]["candidate"]["source"] == "PARTNER"
    assert by_partner.data["createCandidate"]["candidate"]["sourcedBy"] == {
        "id": str(partner_org.id)
    }
    assert by_admin.data["createCandidate"]["candidate"]["source"] == "DIRECT"
    assert by_admin.data["createCandidate"]["candidate"]["sourcedBy"] is None


async def test_create_candidate_names_every_invalid_field_and_writes_nothing(db, client, settings):
    # given
    _, token = await recruiter_token(db, settings)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    profile = {
        "firstName": "  ",
        "lastName": "x" * 101,
        "email": "not-an-email",
        "phone": "+49 123",
        "dateOfBirth": tomorrow,
        "source": "DIRECT",
    }
    # when
    result = await gql(client, CREATE, {"input": profile}, token)
    # then
    payload = result.data["createCandidate"]
    assert payload["__typename"] == "ValidationError"
    assert payload["code"] == "VALIDATION_FAILED"
    assert payload["field"] == "input.firstName"
    assert payload["errors"] == [
        {"field": "input.firstName", "code": "REQUIRED"},
        {"field": "input.lastName", "code": "TOO_LONG"},
        {"field": "input.email", "code": "INVALID_FORMAT"},
        {"field": "input.phone", "code": "INVALID_FORMAT"},
        {"field": "input.dateOfBirth", "code": "INVALID_VALUE"},
        {"field": "input.source", "code": "INVALID_VALUE"},
    ]
    assert await _count(db, Candidate) == 0
    assert await audit_rows(db) == []


async def test_unparsable_phone_and_ancient_birth_date_are_rejected(db, client, settings):
    # given
    _, token = await recruiter_token(db, settings)
    profile = {
        "firstName": "A",
        "lastName": "B",
        "phone": "0151 2345678",
        "dateOfBirth": "1899-12-31",
    }
    # when
    result = await gql(client, CREATE, {"input": profile}, token)
    # then
    assert result.data["createCandidate"]["errors"] == [
        {"field": "input.phone", "code": "INVALID_FORMAT"},
        {"field": "input.dateOfBirth", "code": "INVALID_VALUE"},
    ]


async def test_create_candidate_needs_a_signed_in_non_candidate(db, client, settings):
    # given
    user = await make_user(db, Role.CANDIDATE)
    await make_candidate(db, user=user, nested=0)
    profile = {"input": {"firstName": "A", "lastName": "B"}}
    # when
    anonymous = await gql(client, CREATE, profile)
    as_candidate = await gql(client, CREATE, profile, token_for(settings, user))
    # then
    assert anonymous.data["createCandidate"] == {
        "__typename": "AuthenticationRequired",
        "code": "UNAUTHENTICATED",
    }
    assert as_candidate.data["createCandidate"] == {"__typename": "Forbidden", "code": "FORBIDDEN"}
    assert await _count(db, Candidate) == 1
    assert await audit_rows(db) == []


async def test_create_with_a_known_email_or_phone_is_a_duplicate(db, client, settings):
    """A-07 (issue 13 item 4): the id is named only when the caller may see the candidate's
    contact data; otherwise the duplicate says the value is taken, never by whom."""
    # given: a pool candidate (contact data hidden from the recruiter) and one its org sourced
    org, token = await recruiter_token(db, settings)
    hidden = await make_candidate(db, email="known@example.org", phone="+4915123456789")
    own = await make_candidate(db, sourced_by=org, email="own@example.org", phone="+4915100000001")

    async def create(**contact):
        result = await gql(
            client, CREATE, {"input": {"firstName": "A", "lastName": "B", **contact}}, token
        )
        return result.data["createCandidate"]

    # when
    by_email = await create(email=" KNOWN@example.org")
    by_phone = await create(phone="+49 1512 3456789")
    own_email = await create(email="OWN@example.org")
    own_phone = await create(phone="+49 151 00000001")
    # then
    assert by_email == {
        "__typename": "Duplicate",
        "code": "DUPLICATE",
        "field": "input.email",
        "existingId": None,
    }
    assert (by_phone["field"], by_phone["existingId"]) == ("input.phone", None)
    assert (own_email["field"], own_email["existingId"]) == ("input.email", str(own.id))
    assert (own_phone["field"], own_phone["existingId"]) == ("input.phone", str(own.id))
    assert hidden.id != own.id
    assert await _count(db, Candidate) == 2
    assert await audit_rows(db) == []


async def test_fifty_concurrent_creates_with_one_email_make_one_candidate(db, client, settings):
    # given
    _, token = await recruiter_token(db, settings)
    spellings = [
        f"{' ' * (i % 3)}Race{'@EXAMPLE.org' if i % 2 else '@example.ORG'}" for i in range(50)
    ]
    # when
    results = await asyncio.gather(
        *(
            gql(client, CREATE, {"input": {"firstName": "R", "lastName": "C", "email": e}}, token)
            for e in spellings
        )
    )
    # then
    assert all(r.status == 200 and not r.errors for r in results)
    payloads = [r.data["createCandidate"] for r in results]
    created = [p for p in payloads if p["__typename"] == "CreateCandidateSuccess"]
    duplicates = [p for p in payloads if p["__typename"] == "Duplicate"]
    assert (len(created), len(duplicates)) == (1, 49)
    assert {d["existingId"] for d in duplicates} == {created[0]["candidate"]["id"]}
    assert {d["field"] for d in duplicates} == {"input.email"}
    assert await _count(db, Candidate) == 1
    assert [a.action for a in await audit_rows(db)] == ["candidate.create"]


async def test_update_changes_only_the_given_fields(db, client, settings):
    # given
    org, token = await recruiter_token(db, settings)
    candidate = await make_candidate(db, sourced_by=org, headline="Old", location="Berlin")
    # when
    result = await gql(
        client,
        UPDATE,
        {
            "id": str(candidate.id),
            "version": 1,
            "input": {"headline": " New ", "summary": None, "phone": "+1 650 253 0000"},
        },
        token,
    )
    # then
    payload = result.data["updateCandidate"]
    assert payload["__typename"] == "UpdateCandidateSuccess"
    updated = payload["candidate"]
    assert (updated["headline"], updated["location"], updated["phone"], updated["version"]) == (
        "New",
        "Berlin",
        "+16502530000",
        2,
    )
    assert updated["firstName"] == candidate.first_name
    assert updated["email"] == candidate.email
    assert updated["updatedAt"] > candidate.updated_at.isoformat()
    row = await stored(db, Candidate, candidate.id)
    assert (row.headline, row.version, row.phone) == ("New", 2, "+16502530000")
    [audit] = await audit_rows(db)
    assert audit.action == "candidate.update"
    assert audit.details == {"fields": ["headline", "phone", "summary"]}


async def test_update_with_a_stale_version_conflicts_and_changes_nothing(db, client, settings):
    # given
    org, token = await recruiter_token(db, settings)
    candidate = await make_candidate(db, sourced_by=org, version=3, headline="Kept")
    # when
    result = await gql(
        client,
        UPDATE,
        {"id": str(candidate.id), "version": 2, "input": {"headline": "Lost"}},
        token,
    )
    # then
    assert result.data["updateCandidate"] == {
        "__typename": "Conflict",
        "code": "CONFLICT",
        "field": "version",
        "currentVersion": 3,
    }
    row = await stored(db, Candidate, candidate.id)
    assert (row.headline, row.version) == ("Kept", 3)
    assert await audit_rows(db) == []


async def test_racing_updates_with_one_version_make_one_success_and_one_conflict(
    db, client, settings
):
    # given
    org, token = await recruiter_token(db, settings)
    candidate = await make_candidate(db, sourced_by=org)
    # when
    results = await asyncio.gather(
        *(
            gql(
                client,
                UPDATE,
                {"id": str(candidate.id), "version": 1, "input": {"headline": f"H{i}"}},
                token,
            )
            for i in range(2)
        )
    )
    # then
    kinds = sorted(r.data["updateCandidate"]["__typename"] for r in results)
    assert kinds == ["Conflict", "UpdateCandidateSuccess"]
    winner = next(
        r.data["updateCandidate"]["candidate"]
        for r in results
        if r.data["updateCandidate"]["__typename"] == "UpdateCandidateSuccess"
    )
    row = await stored(db, Candidate, candidate.id)
    assert (row.version, row.headline) == (2, winner["headline"])
    assert [a.action for a in await audit_rows(db)] == ["candidate.update"]


async def test_update_rejects_invalid_and_taken_values(db, client, settings):
    # given
    org, token = await recruiter_token(db, settings)
    candidate = await make_candidate(db, sourced_by=org)
    await make_candidate(db, email="other@example.org")
    # when
    invalid = await gql(
        client,
        UPDATE,
        {"id": str(candidate.id), "version": 1, "input": {"firstName": None, "email": "x@"}},
        token,
    )
    taken = await gql(
        client,
        UPDATE,
        {"id": str(candidate.id), "version": 1, "input": {"email": "Other@Example.org"}},
        token,
    )
    # then
    assert invalid.data["updateCandidate"]["errors"] == [
        {"field": "input.firstName", "code": "REQUIRED"},
        {"field": "input.email", "code": "INVALID_FORMAT"},
    ]
    assert taken.data["updateCandidate"] == {
        "__typename": "Duplicate",
        "code": "DUPLICATE",
        "field": "input.email",
        "existingId": None,  # a pool candidate: its contact data is not the recruiter's to see
    }
    assert (await stored(db, Candidate, candidate.id)).version == 1
    assert await audit_rows(db) == []


async def test_update_is_authorized_on_the_candidate(db, client, settings):
    # given: a candidate sourced by org A, with their own account
    org_a = await make_org(db)
    own_user = await make_user(db, Role.CANDIDATE)
    candidate = await make_candidate(db, sourced_by=org_a, user=own_user)
    other_user = await make_user(db, Role.CANDIDATE)
    await make_candidate(db, user=other_user)
    _, other_recruiter = await recruiter_token(db, settings)
    other_partner = await make_user(db, Role.PARTNER, await make_org(db, OrganizationKind.PARTNER))
    change = {"id": str(candidate.id), "version": 1, "input": {"headline": "Mine"}}
    # when
    anonymous = await gql(client, UPDATE, change)
    recruiter = await gql(client, UPDATE, change, other_recruiter)
    partner = await gql(client, UPDATE, change, token_for(settings, other_partner))
    other = await gql(client, UPDATE, change, token_for(settings, other_user))
    random = await gql(client, UPDATE, {**change, "id": str(uuid.uuid4())}, other_recruiter)
    malformed = await gql(client, UPDATE, {**change, "id": "nope"}, other_recruiter)
    own = await gql(client, UPDATE, change, token_for(settings, own_user))
    # then
    assert anonymous.data["updateCandidate"]["__typename"] == "AuthenticationRequired"
    assert recruiter.data["updateCandidate"] == {"__typename": "Forbidden", "code": "FORBIDDEN"}
    not_found = {"__typename": "NotFound", "code": "NOT_FOUND"}
    assert partner.data["updateCandidate"] == not_found
    assert other.data["updateCandidate"] == not_found
    assert random.data["updateCandidate"] == not_found
    assert malformed.data["updateCandidate"] == not_found
    assert own.data["updateCandidate"]["candidate"]["headline"] == "Mine"
    assert [a.action for a in await audit_rows(db)] == ["candidate.update"]


async def test_delete_erases_the_candidate_and_everything_attached(db, client, settings):
    # given
    org, token = await recruiter_token(db, settings)
    candidate = await make_candidate(db, sourced_by=org)
    job = await make_job(db, org)
    await make_application(db, candidate, job, with_extras=True)
    keeper = await make_candidate(db, sourced_by=org)
    await make_application(db, keeper, job, with_extras=True)
    # when
    result = await gql(client, DELETE, {"id": str(candidate.id)}, token)
    again = await gql(client, DELETE, {"id": str(candidate.id)}, token)
    # then
    assert result.data["deleteCandidate"] == {
        "__typename": "DeleteCandidateSuccess",
        "deletedId": str(candidate.id),
    }
    assert again.data["deleteCandidate"] == {"__typename": "NotFound", "code": "NOT_FOUND"}
    for model, left in (
        (Candidate, 1),
        (Education, 2),
        (WorkExperience, 2),
        (Certification, 2),
        (Application, 1),
        (ApplicationEvent, 1),
        (Document, 1),
        (Evaluation, 1),
    ):
        assert await _count(db, model) == left, model
    [audit] = await audit_rows(db)
    assert (audit.action, audit.entity_id) == ("candidate.delete", str(candidate.id))


async def test_delete_by_a_recruiter_of_another_organization_is_forbidden(db, client, settings):
    # given
    candidate = await make_candidate(db, sourced_by=await make_org(db))
    _, token = await recruiter_token(db, settings)
    # when
    result = await gql(client, DELETE, {"id": str(candidate.id)}, token)
    # then
    assert result.data["deleteCandidate"] == {"__typename": "Forbidden", "code": "FORBIDDEN"}
    assert await _count(db, Candidate) == 1
    assert await _count(db, CandidateSkill) == 0
    assert await audit_rows(db) == []


SECTION_RESULT = """
    __typename
    ... on SUCCESS { candidate { version education { id institution degree startDate
      endDate } experience { id companyName isCurrent endDate } certifications { id name
      expiryDate } } }
    ... on UserError { code }
    ... on ValidationError { errors { field code } }
"""


def _section(mutation: str, arguments: str, success: str) -> str:
    variables = ", ".join(f"${a.split(':')[0]}:{a.split(':')[1]}" for a in arguments.split(","))
    passed = ", ".join(f"{a.split(':')[0]}: ${a.split(':')[0]}" for a in arguments.split(","))
    result = SECTION_RESULT.replace("SUCCESS", success)
    if mutation.startswith("remove"):
        result = result.replace("... on ValidationError { errors { field code } }", "")
    return f"mutation ({variables}) {{ {mutation}({passed}) {{ {result} }} }}"


ADD_EDUCATION = _section(
    "addEducation", "candidateId:ID!,input:EducationInput!", "AddEducationSuccess"
)
UPDATE_EDUCATION = _section(
    "updateEducation", "id:ID!,input:EducationInput!", "UpdateEducationSuccess"
)
REMOVE_EDUCATION = _section("removeEducation", "id:ID!", "RemoveEducationSuccess")
ADD_EXPERIENCE = _section(
    "addWorkExperience", "candidateId:ID!,input:WorkExperienceInput!", "AddWorkExperienceSuccess"
)
UPDATE_EXPERIENCE = _section(
    "updateWorkExperience", "id:ID!,input:WorkExperienceInput!", "UpdateWorkExperienceSuccess"
)
REMOVE_EXPERIENCE = _section("removeWorkExperience", "id:ID!", "RemoveWorkExperienceSuccess")
ADD_CERTIFICATION = _section(
    "addCertification", "candidateId:ID!,input:CertificationInput!", "AddCertificationSuccess"
)
UPDATE_CERTIFICATION = _section(
    "updateCertification", "id:ID!,input:CertificationInput!", "UpdateCertificationSuccess"
)
REMOVE_CERTIFICATION = _section("removeCertification", "id:ID!", "RemoveCertificationSuccess")

SET_SKILLS = """
mutation ($candidateId: ID!, $skills: [CandidateSkillInput!]!) {
  setCandidateSkills(candidateId: $candidateId, skills: $skills) {
    __typename
    ... on SetCandidateSkillsSuccess { candidate { version skills { name level years } } }
    ... on ValidationError { code errors { field code } }
    ... on NotFound { code }
  }
}
"""


async def _own_profile(db, settings):
    user = await make_user(db, Role.CANDIDATE)
    candidate = await make_candidate(db, user=user, nested=0)
    return candidate, token_for(settings, user)


async def test_education_is_added_replaced_and_removed(db, client, settings):
    # given
    candidate, token = await _own_profile(db, settings)
    entry = {
        "institution": " MIT ",
        "degree": "BSc",
        "startDate": "2010-09-01",
        "endDate": "2014-06-30",
    }
    # when
    added = await gql(
        client, ADD_EDUCATION, {"candidateId": str(candidate.id), "input": entry}, token
    )
    entry_id = added.data["addEducation"]["candidate"]["education"][0]["id"]
    replaced = await gql(
        client, UPDATE_EDUCATION, {"id": entry_id, "input": {"institution": "ETH"}}, token
    )
    removed = await gql(client, REMOVE_EDUCATION, {"id": entry_id}, token)
    # then
    assert added.data["addEducation"]["candidate"]["version"] == 2
    assert added.data["addEducation"]["candidate"]["education"] == [
        {
            "id": entry_id,
            "institution": "MIT",
            "degree": "BSc",
            "startDate": "2010-09-01",
            "endDate": "2014-06-30",
        }
    ]
    assert replaced.data["updateEducation"]["candidate"]["version"] == 3
    assert replaced.data["updateEducation"]["candidate"]["education"] == [
        {"id": entry_id, "institution": "ETH", "degree": None, "startDate": None, "endDate": None}
    ]
    assert removed.data["removeEducation"]["candidate"]["education"] == []
    assert removed.data["removeEducation"]["candidate"]["version"] == 4
    assert await _count(db, Education) == 0
    assert [a.action for a in await audit_rows(db)] == [
        "candidate.education.add",
        "candidate.education.update",
        "candidate.education.remove",
    ]


async def test_section_dates_must_be_ordered(db, client, settings):
    # given
    candidate, token = await _own_profile(db, settings)
    target = {"candidateId": str(candidate.id)}
    # when
    education = await gql(
        client,
        ADD_EDUCATION,
        {
            **target,
            "input": {"institution": "X", "startDate": "2014-01-01", "endDate": "2013-01-01"},
        },
        token,
    )
    experience = await gql(
        client,
        ADD_EXPERIENCE,
        {
            **target,
            "input": {
                "companyName": "",
                "jobTitle": "Dev",
                "isCurrent": True,
                "endDate": "2020-01-01",
            },
        },
        token,
    )
    certification = await gql(
        client,
        ADD_CERTIFICATION,
        {
            **target,
            "input": {
                "name": "Cert",
                "issueDate": "2020-01-02",
                "expiryDate": "2020-01-01",
                "credentialUrl": "ftp://example.org",
            },
        },
        token,
    )
    # then
    assert education.data["addEducation"]["errors"] == [
        {"field": "input.endDate", "code": "INVALID_VALUE"}
    ]
    assert experience.data["addWorkExperience"]["errors"] == [
        {"field": "input.companyName", "code": "REQUIRED"},
        {"field": "input.endDate", "code": "INVALID_VALUE"},
    ]
    assert certification.data["addCertification"]["errors"] == [
        {"field": "input.credentialUrl", "code": "INVALID_FORMAT"},
        {"field": "input.expiryDate", "code": "INVALID_VALUE"},
    ]
    assert (await stored(db, Candidate, candidate.id)).version == 1
    assert await audit_rows(db) == []


async def test_experience_and_certifications_round_trip(db, client, settings):
    # given
    candidate, token = await _own_profile(db, settings)
    target = {"candidateId": str(candidate.id)}
    # when
    job = await gql(
        client,
        ADD_EXPERIENCE,
        {**target, "input": {"companyName": "ACME", "jobTitle": "Dev"}},
        token,
    )
    job_id = job.data["addWorkExperience"]["candidate"]["experience"][0]["id"]
    current = await gql(
        client,
        UPDATE_EXPERIENCE,
        {"id": job_id, "input": {"companyName": "ACME", "jobTitle": "Lead", "isCurrent": True}},
        token,
    )
    cert = await gql(client, ADD_CERTIFICATION, {**target, "input": {"name": "CKA"}}, token)
    cert_id = cert.data["addCertification"]["candidate"]["certifications"][0]["id"]
    renewed = await gql(
        client,
        UPDATE_CERTIFICATION,
        {"id": cert_id, "input": {"name": "CKA", "expiryDate": "2030-01-01"}},
        token,
    )
    gone_job = await gql(client, REMOVE_EXPERIENCE, {"id": job_id}, token)
    gone_cert = await gql(client, REMOVE_CERTIFICATION, {"id": cert_id}, token)
    # then
    assert current.data["updateWorkExperience"]["candidate"]["experience"] == [
        {"id": job_id, "companyName": "ACME", "isCurrent": True, "endDate": None}
    ]
    assert renewed.data["updateCertification"]["candidate"]["certifications"] == [
        {"id": cert_id, "name": "CKA", "expiryDate": "2030-01-01"}
    ]
    assert gone_job.data["removeWorkExperience"]["candidate"]["experience"] == []
    assert gone_cert.data["removeCertification"]["candidate"]["certifications"] == []
    assert gone_cert.data["removeCertification"]["candidate"]["version"] == 7
    assert len(await audit_rows(db)) == 6


async def test_sections_of_invisible_candidates_are_not_found(db, client, settings):
    # given: someone else's profile with one entry of each section
    other = await make_candidate(db, nested=1)
    _, token = await _own_profile(db, settings)
    async with db() as session:
        education = (await session.exec(select(Education))).one()
    # when
    add = await gql(
        client, ADD_EDUCATION, {"candidateId": str(other.id), "input": {"institution": "X"}}, token
    )
    update = await gql(
        client, UPDATE_EDUCATION, {"id": str(education.id), "input": {"institution": "X"}}, token
    )
    remove = await gql(client, REMOVE_EDUCATION, {"id": str(education.id)}, token)
    unknown = await gql(client, REMOVE_CERTIFICATION, {"id": str(uuid.uuid4())}, token)
    # then
    not_found = {"__typename": "NotFound", "code": "NOT_FOUND"}
    assert add.data["addEducation"] == not_found
    assert update.data["updateEducation"] == not_found
    assert remove.data["removeEducation"] == not_found
    assert unknown.data["removeCertification"] == not_found
    assert await _count(db, Education) == 1
    assert await audit_rows(db) == []


async def test_skills_are_canonicalized_through_the_vocabulary(db, client, settings):
    # given: the vocabulary knows two skills, one with a custom alias
    from models.skill import Skill
    from tests.helpers import add

    await add(
        db,
        Skill(name="PostgreSQL", normalized_name="postgresql", aliases=["Postgres"]),
        Skill(name="Elixir", normalized_name="elixir", aliases=["Ex-Lang"]),
    )
    candidate, token = await _own_profile(db, settings)
    skills = [
        {"name": " postgres ", "level": "EXPERT", "years": 8},
        {"name": "JS", "years": 5},
        {"name": "k8s"},
        {"name": "EX-LANG"},
        {"name": "Rust", "level": "BEGINNER"},
    ]
    # when
    result = await gql(
        client, SET_SKILLS, {"candidateId": str(candidate.id), "skills": skills}, token
    )
    again = await gql(
        client, SET_SKILLS, {"candidateId": str(candidate.id), "skills": [{"name": "rust"}]}, token
    )
    # then
    payload = result.data["setCandidateSkills"]
    assert payload["candidate"]["version"] == 2
    assert payload["candidate"]["skills"] == [
        {"name": "Elixir", "level": None, "years": None},
        {"name": "JavaScript", "level": None, "years": 5.0},
        {"name": "Kubernetes", "level": None, "years": None},
        {"name": "PostgreSQL", "level": "EXPERT", "years": 8.0},
        {"name": "Rust", "level": "BEGINNER", "years": None},
    ]
    assert again.data["setCandidateSkills"]["candidate"]["skills"] == [
        {"name": "Rust", "level": None, "years": None}
    ]
    async with db() as session:
        vocabulary = {s.normalized_name: s for s in (await session.exec(select(Skill))).all()}
    assert sorted(vocabulary) == ["elixir", "javascript", "kubernetes", "postgresql", "rust"]
    assert vocabulary["kubernetes"].aliases == ["k8s", "kube"]
    assert await _count(db, CandidateSkill) == 1
    audit = await audit_rows(db)
    assert [a.action for a in audit] == ["candidate.skills", "candidate.skills"]
    assert audit[1].details == {"skills": ["Rust"]}


async def test_skill_lists_are_validated(db, client, settings):
    # given
    candidate, token = await _own_profile(db, settings)
    target = {"candidateId": str(candidate.id)}
    # when
    twins = await gql(
        client,
        SET_SKILLS,
        {**target, "skills": [{"name": "JS"}, {"name": "Go"}, {"name": "javascript"}]},
        token,
    )
    bad = await gql(
        client,
        SET_SKILLS,
        {**target, "skills": [{"name": " ", "years": 71}, {"name": "Go", "years": -1}]},
        token,
    )
    too_many = await gql(
        client, SET_SKILLS, {**target, "skills": [{"name": f"S{i}"} for i in range(101)]}, token
    )
    # then
    assert twins.data["setCandidateSkills"]["errors"] == [
        {"field": "skills[2].name", "code": "INVALID_VALUE"}
    ]
    assert bad.data["setCandidateSkills"]["errors"] == [
        {"field": "skills[0].name", "code": "REQUIRED"},
        {"field": "skills[0].years", "code": "INVALID_VALUE"},
        {"field": "skills[1].years", "code": "INVALID_VALUE"},
    ]
    assert too_many.data["setCandidateSkills"]["errors"] == [
        {"field": "skills", "code": "TOO_LONG"}
    ]
    assert await _count(db, CandidateSkill) == 0
    assert (await stored(db, Candidate, candidate.id)).version == 1
    assert await audit_rows(db) == []


async def test_concurrent_section_changes_each_advance_the_version(db, client, settings):
    # given
    candidate, token = await _own_profile(db, settings)
    # when
    results = await asyncio.gather(
        *(
            gql(
                client,
                ADD_EDUCATION,
                {"candidateId": str(candidate.id), "input": {"institution": f"U{i}"}},
                token,
            )
            for i in range(4)
        )
    )
    # then
    assert {r.data["addEducation"]["__typename"] for r in results} == {"AddEducationSuccess"}
    assert (await stored(db, Candidate, candidate.id)).version == 5
    assert await _count(db, Education) == 4
    assert len(await audit_rows(db)) == 4
