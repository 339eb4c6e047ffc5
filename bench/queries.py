"""The benchmark documents for both servers, and the normalization that proves them equal.

Two documents: `candidates` (a page of candidates with every profile section) and `jobs` (a
page of jobs, each with a page of its applications and the applicants' skills and experience).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PAGE_SIZE = 100
JOBS_PAGE_SIZE = 50
APPLICATIONS_PAGE_SIZE = 20

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

# A page of jobs with a page of each job's applications and the applicants' skills and
# experience: 50 jobs x 20 applications = 1,000 applications with their candidates.
# `jobs` lists newest first (CREATED_AT DESC, then id DESC) and shows an admin every status;
# `Job.applications` lists oldest first (created_at, then id).
OUR_JOBS_QUERY = """
query BenchJobs($first: Int!, $applicationsFirst: Int!) {
  jobs(first: $first) {
    totalCount
    edges { node {
      id title location
      organization { name }
      applications(first: $applicationsFirst) {
        totalCount
        edges { node {
          stage
          candidate {
            id firstName lastName headline
            skills { name level years }
            experience { companyName jobTitle startDate endDate isCurrent }
          }
        } }
      }
    } }
  }
}
"""

# The same through PostGraphile: `allJobs` and the connection `applicationsByJobId` (for its
# totalCount) with our orders spelled out; no row-level security, so every job is listed, as
# for our admin. Skills are sorted by name client-side, as in the candidates document.
POSTGRAPHILE_JOBS_QUERY = """
query BenchJobs($first: Int!, $applicationsFirst: Int!) {
  jobs: allJobs(first: $first, orderBy: [CREATED_AT_DESC, ID_DESC]) {
    totalCount
    edges { node {
      id title location
      organization: organizationByOrganizationId { name }
      applications: applicationsByJobId(
        first: $applicationsFirst, orderBy: [CREATED_AT_ASC, ID_ASC]
      ) {
        totalCount
        edges { node {
          stage
          candidate: candidateByCandidateId {
            id firstName lastName headline
            skills: candidateSkillsByCandidateIdList {
              skill: skillBySkillId { name }
              level years
            }
            experience: workExperiencesByCandidateIdList(orderBy: [START_DATE_ASC, ID_ASC]) {
              companyName jobTitle startDate endDate isCurrent
            }
          }
        } }
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


def _skills(items: list[dict[str, Any]], *, sort_skills: bool) -> list[dict[str, Any]]:
    """Skills flattened (PostGraphile nests the name in `skill`), years as floats."""
    skills = [
        {
            "name": s["skill"]["name"] if "skill" in s else s["name"],
            "level": s["level"],
            "years": _num(s["years"]),
        }
        for s in items
    ]
    if sort_skills:
        skills.sort(key=lambda s: s["name"])
    return skills


def _candidate(node: dict[str, Any], *, sort_skills: bool) -> dict[str, Any]:
    skills = _skills(node["skills"], sort_skills=sort_skills)
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


def _applicant(node: dict[str, Any], *, sort_skills: bool) -> dict[str, Any]:
    return {
        "id": plain_id(node["id"]),
        **{k: node[k] for k in ("firstName", "lastName", "headline")},
        "skills": _skills(node["skills"], sort_skills=sort_skills),
        "experience": [dict(e) for e in node["experience"]],
    }


def _job(node: dict[str, Any], *, sort_skills: bool) -> dict[str, Any]:
    apps = node["applications"]
    return {
        "id": plain_id(node["id"]),
        "title": node["title"],
        "location": node["location"],
        "organization": {"name": node["organization"]["name"]},
        "applicationsTotalCount": apps["totalCount"],
        "applications": [
            {
                "stage": e["node"]["stage"],
                "candidate": _applicant(e["node"]["candidate"], sort_skills=sort_skills),
            }
            for e in apps["edges"]
        ],
    }


def normalize_jobs(payload: dict[str, Any], *, postgraphile: bool) -> dict[str, Any]:
    """The jobs page as plain data: ids raw, skills flattened, numbers as floats."""
    conn = payload["data"]["jobs"]
    return {
        "totalCount": conn["totalCount"],
        "jobs": [_job(e["node"], sort_skills=postgraphile) for e in conn["edges"]],
    }


def _candidates_summary(page: dict[str, Any]) -> dict[str, Any]:
    return {
        "candidates_compared": len(page["candidates"]),
        "nested_rows_compared": sum(
            len(c[k])
            for c in page["candidates"]
            for k in ("education", "experience", "skills", "certifications", "applications")
        ),
    }


def _jobs_summary(page: dict[str, Any]) -> dict[str, Any]:
    applicants = [a["candidate"] for j in page["jobs"] for a in j["applications"]]
    return {
        "jobs_compared": len(page["jobs"]),
        "applications_compared": len(applicants),
        "applications_total_count_sum": sum(j["applicationsTotalCount"] for j in page["jobs"]),
        "nested_rows_compared": sum(len(c["skills"]) + len(c["experience"]) for c in applicants),
    }


@dataclass(frozen=True)
class Document:
    """One benchmark document: its text for each server, its variables, how to compare pages."""

    name: str
    ours: str
    postgraphile: str
    variables: dict[str, int]
    normalize: Callable[..., dict[str, Any]]
    summary: Callable[[dict[str, Any]], dict[str, Any]]
    # (root list key in the normalized page, page size asked for)
    listed: tuple[str, int] = field(default=("candidates", PAGE_SIZE))


DOCUMENTS: dict[str, Document] = {
    "candidates": Document(
        name="candidates",
        ours=OUR_QUERY,
        postgraphile=POSTGRAPHILE_QUERY,
        variables={"first": PAGE_SIZE},
        normalize=normalize,
        summary=_candidates_summary,
        listed=("candidates", PAGE_SIZE),
    ),
    "jobs": Document(
        name="jobs",
        ours=OUR_JOBS_QUERY,
        postgraphile=POSTGRAPHILE_JOBS_QUERY,
        variables={"first": JOBS_PAGE_SIZE, "applicationsFirst": APPLICATIONS_PAGE_SIZE},
        normalize=normalize_jobs,
        summary=_jobs_summary,
        listed=("jobs", JOBS_PAGE_SIZE),
    ),
}
