"""The nested candidates query for both servers, and the normalization that proves them equal."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

PAGE_SIZE = 100

OUR_QUERY = """
query Bench($first: Int!) {
  candidates(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id firstName lastName email phone location headline
      education { institution degree fieldOfStudy startDate endDate }
      experience { companyName jobTitle startDate endDate isCurrent }
      skills { name level years }
      certifications { name issuer issueDate }
      applications { stage job { title organization { name } } }
    } }
  }
}
"""

# The same data through PostGraphile v4's generated relation fields. Aliases only rename
# (no extra work); nested lists use the simple-collection (`...List`) variants with the same
# ORDER BY as our loaders. Skills cannot be ordered by the related skill's name in PostGraphile
# without a plugin, so they are sorted by name client-side during verification only.
POSTGRAPHILE_QUERY = """
query Bench($first: Int!) {
  candidates: allCandidates(first: $first, orderBy: [CREATED_AT_ASC, ID_ASC]) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id firstName lastName email phone location headline
      education: educationsByCandidateIdList(orderBy: [START_DATE_ASC, ID_ASC]) {
        institution degree fieldOfStudy startDate endDate
      }
      experience: workExperiencesByCandidateIdList(orderBy: [START_DATE_ASC, ID_ASC]) {
        companyName jobTitle startDate endDate isCurrent
      }
      skills: candidateSkillsByCandidateIdList {
        skill: skillBySkillId { name }
        level years
      }
      certifications: certificationsByCandidateIdList(orderBy: [ISSUE_DATE_ASC, ID_ASC]) {
        name issuer issueDate
      }
      applications: applicationsByCandidateIdList(orderBy: [CREATED_AT_ASC, ID_ASC]) {
        stage
        job: jobByJobId { title organization: organizationByOrganizationId { name } }
      }
    } }
  }
}
"""

LOGIN_MUTATION = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename
    ... on LoginSuccess { accessToken }
  }
}
"""

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def plain_id(value: str) -> str:
    """A raw UUID from either a UUID or a Relay-style base64 global id ("Type:uuid")."""
    if _UUID.fullmatch(value):
        return value.lower()
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return value
    found = _UUID.search(decoded)
    return found.group(0).lower() if found else value


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _candidate(node: dict[str, Any], *, sort_skills: bool) -> dict[str, Any]:
    skills = [
        {
            "name": s["skill"]["name"] if "skill" in s else s["name"],
            "level": s["level"],
            "years": _num(s["years"]),
        }
        for s in node["skills"]
    ]
    if sort_skills:
        skills.sort(key=lambda s: s["name"])
    return {
        "id": plain_id(node["id"]),
        **{k: node[k] for k in ("firstName", "lastName", "email", "phone", "location", "headline")},
        "education": [dict(e) for e in node["education"]],
        "experience": [dict(e) for e in node["experience"]],
        "skills": skills,
        "certifications": [dict(c) for c in node["certifications"]],
        "applications": [
            {
                "stage": a["stage"],
                "job": {
                    "title": a["job"]["title"],
                    "organization": {"name": a["job"]["organization"]["name"]},
                },
            }
            for a in node["applications"]
        ],
    }


def normalize(payload: dict[str, Any], *, postgraphile: bool) -> dict[str, Any]:
    """The page as plain data: cursors dropped, ids raw, skills flattened, numbers as floats."""
    conn = payload["data"]["candidates"]
    return {
        "totalCount": conn["totalCount"],
        "hasNextPage": conn["pageInfo"]["hasNextPage"],
        "candidates": [_candidate(e["node"], sort_skills=postgraphile) for e in conn["edges"]],
    }


def differences(a: Any, b: Any, path: str = "$", limit: int = 20) -> list[str]:
    """Human-readable paths where `a` (ours) and `b` (PostGraphile) differ."""
    out: list[str] = []

    def walk(x: Any, y: Any, p: str) -> None:
        if len(out) >= limit:
            return
        if isinstance(x, dict) and isinstance(y, dict):
            for key in sorted(set(x) | set(y)):
                if key not in x or key not in y:
                    out.append(
                        f"{p}.{key}: ours={x.get(key, '<missing>')!r} "
                        f"postgraphile={y.get(key, '<missing>')!r}"
                    )
                else:
                    walk(x[key], y[key], f"{p}.{key}")
        elif isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                out.append(f"{p}: length ours={len(x)} postgraphile={len(y)}")
            for i, (xi, yi) in enumerate(zip(x, y, strict=False)):
                walk(xi, yi, f"{p}[{i}]")
        elif x != y:
            out.append(f"{p}: ours={x!r} postgraphile={y!r}")

    walk(a, b, path)
    return out


def ordering_only(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """True when the pages hold the same data and differ only in the order of nested lists."""

    def canon(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: canon(v) for k, v in value.items()}
        if isinstance(value, list):
            return sorted((canon(v) for v in value), key=repr)
        return value

    return bool(canon(ours) == canon(theirs))
