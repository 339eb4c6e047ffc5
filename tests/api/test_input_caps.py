"""Issue 13 items 6 and 9: free-text arguments are capped, and cursors holding anything but
what this server wrote are BAD_USER_INPUT, never an internal error (G-21)."""

from __future__ import annotations

import base64
import json

import pytest

from models.enums import Role
from tests.helpers import gql, make_candidate, make_user, token_for

CANDIDATE_SEARCH = """
query ($search: String, $location: String, $skills: [String!]) {
  candidates(filter: {search: $search, location: $location, skills: $skills}) { totalCount }
}
"""
JOB_SEARCH = """
query ($search: String, $location: String, $skills: [String!]) {
  jobs(filter: {search: $search, location: $location, skills: $skills}) { totalCount }
}
"""
AUDIT_SEARCH = """
query ($action: String, $entityType: String, $entityId: String) {
  auditLog(filter: {action: $action, entityType: $entityType, entityId: $entityId}) {
    edges { node { id } }
  }
}
"""
SKILL_SEARCH = "query ($search: String) { skills(search: $search) { name } }"
CANDIDATES_AFTER = """
query ($after: String, $order: CandidateOrderField!) {
  candidates(first: 1, after: $after, orderBy: {field: $order}) {
    edges { cursor node { id } }
  }
}
"""
FIFTY_KB = "a" * 50_000


@pytest.mark.parametrize(
    ("document", "variable", "value", "limit"),
    [
        (CANDIDATE_SEARCH, "search", FIFTY_KB, 200),
        (CANDIDATE_SEARCH, "location", FIFTY_KB, 200),
        (CANDIDATE_SEARCH, "skills", [FIFTY_KB], 100),
        (JOB_SEARCH, "search", FIFTY_KB, 200),
        (JOB_SEARCH, "location", FIFTY_KB, 200),
        (JOB_SEARCH, "skills", [FIFTY_KB], 100),
        (AUDIT_SEARCH, "action", FIFTY_KB, 100),
        (AUDIT_SEARCH, "entityType", FIFTY_KB, 100),
        (AUDIT_SEARCH, "entityId", FIFTY_KB, 100),
        (SKILL_SEARCH, "search", FIFTY_KB, 200),
    ],
)
async def test_g21_long_free_text_is_bad_user_input(
    db, settings, client, document, variable, value, limit
):
    """50 KB of search text was 9 s of PostgreSQL per MB, and an internal error on SQLite."""
    # given
    token = token_for(settings, await make_user(db, Role.ADMIN))
    # when
    result = await gql(client, document, {variable: value}, token)
    # then
    assert result.data is None
    (error,) = result.errors
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == f"at most {limit} characters are allowed"


async def test_free_text_at_its_cap_is_searched(db, settings, client):
    # given
    token = token_for(settings, await make_user(db, Role.ADMIN))
    # when
    result = await gql(client, CANDIDATE_SEARCH, {"search": "a" * 200}, token)
    # then
    assert result.errors == []
    assert result.data == {"candidates": {"totalCount": 0}}


def forged(payload: object) -> str:
    raw = json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def tag_of(cursor: str) -> str:
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    return str(payload[0])


@pytest.mark.parametrize(
    ("order", "values"),
    [
        ("CREATED_AT", ["2026-01-01T00:00:00+00:00", 123]),  # a number for an id
        ("CREATED_AT", ["2026-01-01T00:00:00+00:00", ["x", {"y": 1}]]),  # nested JSON
        ("CREATED_AT", ["2026-01-01T00:00:00", "00000000000000000000000000000000"]),  # naive
        ("NAME", ["nul\u0000", "first", "00000000000000000000000000000000"]),
    ],
)
async def test_g18_forged_cursors_are_bad_user_input(db, settings, client, order, values):
    """Issue 13 item 9: a cursor holding a number or nested JSON was an internal error."""
    # given
    token = token_for(settings, await make_user(db, Role.ADMIN))
    await make_candidate(db)
    await make_candidate(db)
    first = await gql(client, CANDIDATES_AFTER, {"order": order}, token)
    tag = tag_of(first.data["candidates"]["edges"][0]["cursor"])
    # when
    result = await gql(
        client, CANDIDATES_AFTER, {"order": order, "after": forged([tag, *values])}, token
    )
    # then
    assert result.data is None
    (error,) = result.errors
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


async def test_a_cursor_over_its_cap_is_bad_user_input(db, settings, client):
    # given
    token = token_for(settings, await make_user(db, Role.ADMIN))
    # when
    result = await gql(
        client, CANDIDATES_AFTER, {"order": "CREATED_AT", "after": "A" * 5_000}, token
    )
    # then
    (error,) = result.errors
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
    assert error["message"] == "at most 512 characters are allowed"


async def test_a_real_cursor_still_continues_the_list(db, settings, client):
    # given
    token = token_for(settings, await make_user(db, Role.ADMIN))
    await make_candidate(db)
    await make_candidate(db)
    first = await gql(client, CANDIDATES_AFTER, {"order": "CREATED_AT"}, token)
    cursor = first.data["candidates"]["edges"][0]["cursor"]
    # when
    second = await gql(client, CANDIDATES_AFTER, {"order": "CREATED_AT", "after": cursor}, token)
    # then
    assert second.errors == []
    assert (
        second.data["candidates"]["edges"][0]["node"]["id"]
        != (first.data["candidates"]["edges"][0]["node"]["id"])
    )
