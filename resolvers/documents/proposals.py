"""A parsed CV profile as proposed profile changes, checked like typed input, and their diff.

Parsed data goes through the very checks of the write mutations (`clean_candidate`,
`clean_education`, ...): a value a person could not type is not proposed either. Every proposal
has a stable key naming where it came from in the parsed profile ("headline", "skills[2]",
"education[0]"), which is what `acceptProfileSuggestion(fields:)` takes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from resolvers.candidate_sections import clean_certification, clean_education, clean_experience
from resolvers.candidate_writes import clean_candidate
from resolvers.skills_vocabulary import BUILTIN_ALIASES, MAX_SKILLS
from resolvers.write_checks import WriteChecks

# scalar profile fields: GraphQL name -> column of the candidate
SCALARS = {
    "firstName": "first_name",
    "lastName": "last_name",
    "email": "email",
    "phone": "phone",
    "location": "location",
    "headline": "headline",
    "summary": "summary",
}
SECTIONS = ("education", "experience", "certifications", "skills")
MAX_ENTRIES = 50  # per section: a CV listing more is not worth auto-applying entry by entry
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Proposal:
    """One change the CV proposes: a scalar field's value or one section entry."""

    key: str
    section: str | None  # None for scalar fields
    values: dict[str, Any]  # cleaned column values (a scalar: {column: value})
    display: str
    confidence: float | None
    source: dict[str, Any] | None

    @property
    def column(self) -> str:
        return next(iter(self.values))


@dataclass(frozen=True)
class Change:
    """A proposal that differs from the current profile, with what the profile holds now."""

    proposal: Proposal
    current: str | None


def to_date(value: Any) -> date | None:
    """'YYYY-MM' -> first day of that month, 'YYYY' or a year number -> 1 January."""
    if isinstance(value, int) and 1900 <= value <= 2100:
        return date(value, 1, 1)
    if not isinstance(value, str):
        return None
    if match := MONTH.match(value.strip()):
        year, month = int(match[1]), int(match[2])
        return date(year, month, 1) if 1900 <= year <= 2100 and 1 <= month <= 12 else None
    if match := YEAR.match(value.strip()):
        year = int(match[1])
        return date(year, 1, 1) if 1900 <= year <= 2100 else None
    return None


def _value(field: Any) -> Any:
    return field.get("value") if isinstance(field, dict) else None


def _confidence(item: Any) -> float | None:
    value = item.get("confidence") if isinstance(item, dict) else None
    return float(value) if isinstance(value, int | float) else None


def _source(item: Any) -> dict[str, Any] | None:
    source = item.get("source") if isinstance(item, dict) else None
    return source if isinstance(source, dict) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _scalars(profile: dict[str, Any]) -> list[Proposal]:
    name = profile.get("name")
    raw = {
        "first_name": (profile.get("first_name"), name),
        "last_name": (profile.get("last_name"), name),
        **{
            column: (_value(profile.get(column)), profile.get(column))
            for column in ("email", "phone", "location", "headline", "summary")
        },
    }
    proposals = []
    for key, column in SCALARS.items():
        value, origin = raw[column]
        if not isinstance(value, str) or not value.strip():
            continue
        checks = WriteChecks()
        cleaned = clean_candidate(checks, {column: value})
        if checks.errors or cleaned.get(column) is None:
            continue
        proposals.append(
            Proposal(
                key,
                None,
                {column: cleaned[column]},
                str(cleaned[column]),
                _confidence(origin),
                _source(origin),
            )
        )
    return proposals


def _education(item: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    checks = WriteChecks()
    values = clean_education(
        checks,
        {
            "institution": _text(item.get("institution")),
            "degree": _text(item.get("degree")),
            "field_of_study": _text(item.get("field")),
            "start_date": to_date(item.get("start_year")),
            "end_date": to_date(item.get("end_year")),
        },
    )
    if checks.errors:
        return None
    what = ", ".join(v for v in (values["degree"], values["field_of_study"]) if v)
    return values, _entry_text(
        what, values["institution"], values["start_date"], values["end_date"]
    )


def _experience(item: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    current = bool(item.get("current"))
    checks = WriteChecks()
    values = clean_experience(
        checks,
        {
            "company_name": _text(item.get("company")),
            "job_title": _text(item.get("title")),
            "description": _text(item.get("description")),
            "start_date": to_date(item.get("start")),
            "end_date": None if current else to_date(item.get("end")),
            "is_current": current,
        },
    )
    if checks.errors:
        return None
    end = "present" if current else values["end_date"]
    return values, _entry_text(
        values["job_title"], values["company_name"], values["start_date"], end
    )


def _certification(item: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    checks = WriteChecks()
    values = clean_certification(
        checks,
        {
            "name": _text(item.get("title")),
            "issuer": _text(item.get("issuer")),
            "issue_date": to_date(item.get("year")),
        },
    )
    if checks.errors:
        return None
    return values, _entry_text(values["name"], values["issuer"], values["issue_date"], None)


def _skill(item: Any) -> tuple[dict[str, Any], str] | None:
    checks = WriteChecks()
    name = checks.string("name", _text(_value(item)), required=True, max_length=100)
    if checks.errors or not name:
        return None
    return {"name": name}, name


def _entry_text(what: str | None, where: str | None, start: Any, end: Any) -> str:
    head = " at ".join(part for part in (what, where) if part)
    years = [str(d.year) if isinstance(d, date) else str(d) for d in (start, end) if d]
    return f"{head} ({'-'.join(years)})" if years else head


CLEANERS = {
    "education": _education,
    "experience": _experience,
    "certifications": _certification,
    "skills": _skill,
}


def proposals(profile: dict[str, Any] | None) -> list[Proposal]:
    """Every valid change the parsed profile proposes, scalars first, then section entries."""
    if not profile:
        return []
    found = _scalars(profile)
    for section in SECTIONS:
        items = profile.get(section)
        limit = MAX_SKILLS if section == "skills" else MAX_ENTRIES
        for index, item in enumerate(items[:limit] if isinstance(items, list) else []):
            cleaned = CLEANERS[section](item) if isinstance(item, dict) else None
            if cleaned is None:
                continue
            values, display = cleaned
            found.append(
                Proposal(
                    f"{section}[{index}]",
                    section,
                    values,
                    display,
                    _confidence(item),
                    _source(item),
                )
            )
    return found


# --- what the profile holds already -----------------------------------------------------------


def _fold(value: Any) -> str:
    return " ".join(str(value or "").lower().split())


def skill_identity(name: str) -> str:
    """Skill names compared through the built-in alias table ('JS' is 'JavaScript')."""
    folded = _fold(name)
    return BUILTIN_ALIASES[folded].lower() if folded in BUILTIN_ALIASES else folded


def _get(values: Any, name: str) -> Any:
    return values.get(name) if isinstance(values, dict) else getattr(values, name, None)


def entry_identity(section: str, values: Any) -> tuple[str, ...]:
    """When two entries are the same (a CV re-listing a stored entry adds nothing)."""
    if section == "education":
        return (_fold(_get(values, "institution")), _fold(_get(values, "degree")))
    if section == "experience":
        return (_fold(_get(values, "company_name")), _fold(_get(values, "job_title")))
    if section == "certifications":
        return (_fold(_get(values, "name")),)
    return (skill_identity(str(_get(values, "name"))),)


@dataclass(frozen=True)
class Current:
    """The candidate's profile as the diff needs it (rows from loaders or a session)."""

    candidate: Any
    education: Sequence[Any]
    experience: Sequence[Any]
    certifications: Sequence[Any]
    skill_names: Sequence[str]

    def identities(self, section: str) -> set[tuple[str, ...]]:
        if section == "skills":
            return {(skill_identity(name),) for name in self.skill_names}
        rows: Iterable[Any] = getattr(self, section)
        return {entry_identity(section, row) for row in rows}


def scalar_text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def diff(found: Sequence[Proposal], current: Current) -> list[Change]:
    """The proposals that would change the profile: differing scalar values, missing entries."""
    changes: list[Change] = []
    present = {section: current.identities(section) for section in SECTIONS}
    for proposal in found:
        if proposal.section is None:
            now = scalar_text(getattr(current.candidate, proposal.column, None))
            if now is None or _fold(now) != _fold(proposal.display):
                changes.append(Change(proposal, now))
            continue
        identity = entry_identity(proposal.section, proposal.values)
        if identity not in present[proposal.section]:
            present[proposal.section].add(identity)  # a CV listing an entry twice adds it once
            changes.append(Change(proposal, None))
    return changes
