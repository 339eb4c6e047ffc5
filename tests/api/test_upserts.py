"""Partner bulk upserts: outcomes, match keys, in-batch duplicates, policies, dry runs."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import func, select

from models.candidate import Candidate, CandidateSkill, Education, WorkExperience
from models.enums import CandidateSource, OrganizationKind, Role
from tests.helpers import (
    audit_rows,
    gql,
    make_candidate,
    make_org,
    make_user,
    stored,
    token_for,
)

UPSERT = """
mutation Upsert($input: UpsertCandidatesInput!) {
  upsertCandidates(input: $input) {
    __typename
    ... on UpsertCandidatesSuccess {
      batchId dryRun
      counts { created updated unchanged failed }
      results {
        index outcome matchedBy entityId
        errors { path code message }
        warnings { path code message }
        candidate { id firstName email source headline version
          education { institution degree } experience { companyName jobTitle }
          skills { name level } }
      }
    }
    ... on ImportQueued { importJob { id status total } }
    ... on ValidationError { code errors { field code } }
    ... on UserError { code message field }
  }
}
"""


def person(n: int, **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "externalId": f"ext-{n}",
        "firstName": f"First{n}",
        "lastName": f"Last{n}",
        "email": f"person{n}@example.com",
        "headline": f"Engineer {n}",
        "education": [{"institution": "TU Berlin", "degree": "MSc", "startDate": "2010-10-01"}],
        "workExperience": [
            {"companyName": "Acme", "jobTitle": "Developer", "startDate": "2015-01-01"}
        ],
        "skills": [{"name": "Python", "level": "EXPERT", "years": 6}, {"name": "js"}],
    }
    item.update(extra)
    return item


async def partner(db: Any, settings: Any) -> tuple[Any, str]:
    org = await make_org(db, OrganizationKind.PARTNER)
    user = await make_user(db, Role.PARTNER, org)
    return org, token_for(settings, user)


def batch(items: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    options.setdefault("idempotencyKey", uuid.uuid4().hex)
    return {"input": {"items": items, **options}}


async def count(db: Any, model: Any) -> int:
    async with db() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


async def test_fresh_batch_creates_every_item_with_sections_and_partner_source(
    client: Any, db: Any, settings: Any
) -> None:
    # given
    org, token = await partner(db, settings)
    # when
    response = await gql(client, UPSERT, batch([person(1), person(2)]), token)
    # then
    assert not response.errors, response.errors
    result = response.data["upsertCandidates"]
    assert result["__typename"] == "UpsertCandidatesSuccess"
    assert result["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "failed": 0}
    first = result["results"][0]
    assert first["outcome"] == "CREATED" and first["matchedBy"] is None
    assert first["candidate"]["source"] == "PARTNER"
    assert first["candidate"]["education"] == [{"institution": "TU Berlin", "degree": "MSc"}]
    assert sorted(s["name"] for s in first["candidate"]["skills"]) == [
        "JavaScript",
        "Python",
    ]
    async with db() as session:
        rows = (await session.exec(select(Candidate))).all()
    assert {r.sourced_by_organization_id for r in rows} == {org.id}
    assert {r.source for r in rows} == {CandidateSource.PARTNER}
    assert await count(db, Education) == 2
    assert await count(db, CandidateSkill) == 4
    assert [a.action for a in await audit_rows(db)] == ["candidate.upsert"]


async def test_rerun_is_unchanged_and_writes_nothing(client: Any, db: Any, settings: Any) -> None:
    # given
    _, token = await partner(db, settings)
    await gql(client, UPSERT, batch([person(1), person(2)]), token)
    # when
    response = await gql(client, UPSERT, batch([person(1), person(2)]), token)
    # then
    result = response.data["upsertCandidates"]
    assert result["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "failed": 0}
    assert [r["matchedBy"] for r in result["results"]] == ["EXTERNAL_ID", "EXTERNAL_ID"]
    assert [r["candidate"]["version"] for r in result["results"]] == [1, 1]


def outcomes(response: Any) -> list[tuple[str, Any]]:
    rows = response.data["upsertCandidates"]["results"]
    return [(r["outcome"], r["matchedBy"]) for r in rows]


async def test_every_match_key_in_priority_order(client: Any, db: Any, settings: Any) -> None:
    # given: candidates reachable by id, externalId, email and phone
    org, token = await partner(db, settings)
    by_id = await make_candidate(db, sourced_by=org, email="id@example.com")
    await make_candidate(db, sourced_by=org, external_id="ext-77", email="x1@example.com")
    await make_candidate(db, sourced_by=org, email="mail@example.com", phone="+4915112345001")
    await make_candidate(db, sourced_by=org, email="other@example.com", phone="+4915112345002")
    items = [
        {"id": str(by_id.id), "firstName": "A", "lastName": "B"},
        {"externalId": "ext-77", "firstName": "A", "lastName": "B"},
        {"email": " MAIL@example.com ", "firstName": "A", "lastName": "B"},
        {"phone": "+49 151 12345002", "firstName": "A", "lastName": "B"},
        {"email": "new@example.com", "firstName": "A", "lastName": "B"},
    ]
    # when
    response = await gql(client, UPSERT, batch(items), token)
    # then
    assert outcomes(response) == [
        ("UPDATED", "ID"),
        ("UPDATED", "EXTERNAL_ID"),
        ("UPDATED", "EMAIL"),
        ("UPDATED", "PHONE"),
        ("CREATED", None),
    ]


async def test_in_batch_duplicates_fail_before_any_write(
    client: Any, db: Any, settings: Any
) -> None:
    # given: one email in two spellings, and one externalId twice
    _, token = await partner(db, settings)
    items = [
        person(1),
        person(2, email="PERSON1@example.com"),
        person(3, externalId="ext-1", email="p3@example.com"),
    ]
    # when
    response = await gql(client, UPSERT, batch(items), token)
    # then
    rows = response.data["upsertCandidates"]["results"]
    assert [r["outcome"] for r in rows] == ["CREATED", "FAILED", "FAILED"]
    assert rows[1]["errors"][0]["code"] == "DUPLICATE_IN_BATCH"
    assert rows[1]["errors"][0]["path"] == "email"
    assert rows[2]["errors"][0]["path"] == "externalId"


async def test_reject_failed_rows_writes_the_valid_ones(
    client: Any, db: Any, settings: Any
) -> None:
    # given
    _, token = await partner(db, settings)
    items = [person(1), person(2, email="not-an-email"), person(3)]
    # when
    response = await gql(client, UPSERT, batch(items), token)
    # then
    rows = response.data["upsertCandidates"]["results"]
    assert [r["outcome"] for r in rows] == ["CREATED", "FAILED", "CREATED"]
    assert rows[1]["errors"] == [
        {"path": "email", "code": "INVALID_FORMAT", "message": "email is not a valid email address"}
    ]
    assert await count(db, Candidate) == 2


async def test_reject_everything_writes_nothing_when_one_row_fails(
    client: Any, db: Any, settings: Any
) -> None:
    # given
    _, token = await partner(db, settings)
    items = [person(1), person(2, lastName="")]
    # when
    response = await gql(client, UPSERT, batch(items, errorPolicy="REJECT_EVERYTHING"), token)
    # then
    rows = response.data["upsertCandidates"]["results"]
    assert [r["outcome"] for r in rows] == ["FAILED", "FAILED"]
    assert rows[0]["errors"][0]["code"] == "REJECTED_BY_BATCH"
    assert rows[1]["errors"][0]["code"] == "REQUIRED"
    assert await count(db, Candidate) == 0
    assert await count(db, Education) == 0


async def test_ignore_failed_drops_bad_nested_entries_and_writes_the_rest(
    client: Any, db: Any, settings: Any
) -> None:
    # given: one bad experience entry (ends before it starts)
    _, token = await partner(db, settings)
    bad = {
        "companyName": "Bad",
        "jobTitle": "X",
        "startDate": "2020-01-01",
        "endDate": "2019-01-01",
    }
    item = person(1)
    item["workExperience"].append(bad)
    # when
    response = await gql(client, UPSERT, batch([item], errorPolicy="IGNORE_FAILED"), token)
    # then
    row = response.data["upsertCandidates"]["results"][0]
    assert row["outcome"] == "CREATED"
    assert [(w["path"], w["code"]) for w in row["warnings"]] == [
        ("workExperience[1].endDate", "INVALID_VALUE")
    ]
    assert await count(db, WorkExperience) == 1


async def test_forced_mid_batch_failure_leaves_no_partial_rows_under_reject_everything(
    client: Any, db: Any, settings: Any
) -> None:
    # given: a database rule that refuses one experience row while the batch writes
    from sqlalchemy import text

    from tests.conftest import ON_POSTGRES

    _, token = await partner(db, settings)
    async with db() as session:
        conn = await session.connection()
        if ON_POSTGRES:
            await conn.execute(
                text(
                    "CREATE OR REPLACE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN "
                    "IF NEW.company_name = 'Boom' THEN RAISE EXCEPTION 'refused' USING "
                    "ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            await conn.execute(
                text(
                    "CREATE TRIGGER refuse_boom BEFORE INSERT ON work_experience "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_boom()"
                )
            )
        else:
            await conn.execute(
                text(
                    "CREATE TRIGGER refuse_boom BEFORE INSERT ON work_experience "
                    "WHEN NEW.company_name = 'Boom' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
        await session.commit()
    items = [person(n) for n in range(5)]
    items[3]["workExperience"] = [{"companyName": "Boom", "jobTitle": "X"}]
    try:
        # when
        everything = await gql(client, UPSERT, batch(items, errorPolicy="REJECT_EVERYTHING"), token)
        written_after_reject = await count(db, Candidate), await count(db, WorkExperience)
        rows = await gql(client, UPSERT, batch(items), token)
    finally:
        async with db() as session:
            conn = await session.connection()
            await conn.execute(
                text("DROP TRIGGER refuse_boom" + (" ON work_experience" if ON_POSTGRES else ""))
            )
            await session.commit()
    # then: nothing of the rejected batch is stored; row by row, only item 3 fails
    result = everything.data["upsertCandidates"]
    assert result["counts"]["failed"] == 5
    assert result["results"][3]["errors"][0]["code"] == "WRITE_FAILED"
    assert written_after_reject == (0, 0)
    assert [r["outcome"] for r in rows.data["upsertCandidates"]["results"]] == [
        "CREATED",
        "CREATED",
        "CREATED",
        "FAILED",
        "CREATED",
    ]
    assert await count(db, Candidate) == 4


async def test_dry_run_reports_the_same_results_and_writes_nothing(
    client: Any, db: Any, settings: Any
) -> None:
    # given
    _, token = await partner(db, settings)
    await gql(client, UPSERT, batch([person(1)]), token)
    items = [person(1, headline="New"), person(2), person(3, email="bad")]
    # when
    dry = await gql(client, UPSERT, {"input": {"items": items, "dryRun": True}}, token)
    real = await gql(client, UPSERT, batch(items), token)
    # then
    assert dry.data["upsertCandidates"]["dryRun"] is True
    assert (
        outcomes(dry)
        == outcomes(real)
        == [
            ("UPDATED", "EXTERNAL_ID"),
            ("CREATED", None),
            ("FAILED", None),
        ]
    )
    assert dry.data["upsertCandidates"]["counts"] == real.data["upsertCandidates"]["counts"]


async def test_collection_modes(client: Any, db: Any, settings: Any) -> None:
    # given: a stored candidate with one education entry and two skills
    _, token = await partner(db, settings)
    await gql(client, UPSERT, batch([person(1)]), token)
    other = {"institution": "MIT", "degree": "PhD", "startDate": "2016-09-01"}
    changed = {
        "institution": "TU Berlin",
        "degree": "MSc",
        "startDate": "2010-10-01",
        "grade": "1.0",
    }

    async def send(mode: str, education: list[dict[str, Any]]) -> list[dict[str, Any]]:
        item = {
            "externalId": "ext-1",
            "firstName": "First1",
            "lastName": "Last1",
            "education": education,
        }
        response = await gql(client, UPSERT, batch([item], collectionMode=mode), token)
        return list(response.data["upsertCandidates"]["results"][0]["candidate"]["education"])

    # when / then: MERGE updates the matching entry and adds the new one
    assert len(await send("MERGE", [changed, other])) == 2
    # APPEND skips entries equal to stored ones and adds the rest
    assert len(await send("APPEND", [other, {"institution": "ETH"}])) == 3
    # REPLACE makes the stored list the given one
    assert await send("REPLACE", [other]) == [{"institution": "MIT", "degree": "PhD"}]
    # an omitted list never clears data
    item = {"externalId": "ext-1", "firstName": "First1", "lastName": "Last1"}
    response = await gql(client, UPSERT, batch([item], collectionMode="REPLACE"), token)
    assert response.data["upsertCandidates"]["results"][0]["outcome"] == "UNCHANGED"
    assert len(response.data["upsertCandidates"]["results"][0]["candidate"]["education"]) == 1


async def test_foreign_and_colliding_records_fail_their_row(
    client: Any, db: Any, settings: Any
) -> None:
    # given: a candidate sourced by another organization, and one of ours
    org, token = await partner(db, settings)
    elsewhere = await make_org(db)
    await make_candidate(db, sourced_by=elsewhere, email="taken@example.com")
    await make_candidate(db, sourced_by=org, email="ours@example.com", external_id="mine")
    items = [
        person(1, email="taken@example.com"),
        {"externalId": "mine", "firstName": "A", "lastName": "B", "phone": "+49 151 99999999"},
        {"id": str(uuid.uuid4()), "firstName": "A", "lastName": "B"},
    ]
    # when
    response = await gql(client, UPSERT, batch(items), token)
    # then
    rows = response.data["upsertCandidates"]["results"]
    assert [(r["outcome"], r["errors"][0]["code"] if r["errors"] else None) for r in rows] == [
        ("FAILED", "DUPLICATE"),
        ("UPDATED", None),
        ("FAILED", "NOT_FOUND"),
    ]


async def test_records_of_other_organizations_look_like_collisions_or_missing_ids(
    client: Any, db: Any, settings: Any
) -> None:
    """A-07: a partner's upsert (dry run or not) is no oracle for whose email, phone or id it is:
    a foreign record is never matched (no matchedBy, no FORBIDDEN, no id); its email or phone is
    a plain DUPLICATE, its id is as unknown as a random one."""
    # given: a candidate of another organization
    _, token = await partner(db, settings)
    elsewhere = await make_org(db)
    foreign = await make_candidate(
        db, sourced_by=elsewhere, email="theirs@example.com", phone="+4915111111111"
    )
    items = [
        {"email": "theirs@example.com", "firstName": "A", "lastName": "B"},
        {"phone": "+49 151 11111111", "firstName": "A", "lastName": "B"},
    ]
    for dry_run in (True, False):
        # when
        response = await gql(client, UPSERT, batch(items, dryRun=dry_run), token)
        # then
        rows = response.data["upsertCandidates"]["results"]
        assert [
            (r["outcome"], r["matchedBy"], r["entityId"], r["candidate"], r["errors"]) for r in rows
        ] == [
            ("FAILED", None, None, None, [duplicate("email")]),
            ("FAILED", None, None, None, [duplicate("phone")]),
        ]
    assert (await stored(db, Candidate, foreign.id)).version == foreign.version
    # when: an id of another organization's candidate, and a random one
    by_id = [{"id": str(foreign.id), "firstName": "A", "lastName": "B"}]
    by_random_id = [{"id": str(uuid.uuid4()), "firstName": "A", "lastName": "B"}]
    known = await gql(client, UPSERT, batch(by_id, dryRun=True), token)
    unknown = await gql(client, UPSERT, batch(by_random_id, dryRun=True), token)
    # then
    assert known.data["upsertCandidates"]["results"] == unknown.data["upsertCandidates"]["results"]
    assert known.data["upsertCandidates"]["results"][0]["errors"][0]["code"] == "NOT_FOUND"


def duplicate(path: str) -> dict[str, str]:
    return {"path": path, "code": "DUPLICATE", "message": f"Another candidate has this {path}"}
