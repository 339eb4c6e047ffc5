"""What the evaluation engines read: a candidate profile and a job, as frozen plain data.

The profile deliberately has no name, gender, date of birth, photo or nationality field: an engine
cannot weigh what it is never given, so the fairness rule holds by construction. `ref` strings are
opaque ids the caller chooses (entry UUIDs, or "cv:<line>" for CV lines) and evidence points back
at them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from models.skill_aliases import concept, fold, mentions


@dataclass(frozen=True)
class SkillInput:
    name: str
    level: str | None = None
    years: float | None = None


@dataclass(frozen=True)
class ExperienceInput:
    ref: str
    title: str
    company: str | None = None
    location: str | None = None
    start: date | None = None
    end: date | None = None
    is_current: bool = False
    description: str | None = None


@dataclass(frozen=True)
class EducationInput:
    ref: str
    institution: str | None = None
    degree: str | None = None
    field: str | None = None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class CertificationInput:
    ref: str
    name: str
    issuer: str | None = None
    issued: date | None = None


@dataclass(frozen=True)
class ProfileInput:
    headline: str | None = None
    summary: str | None = None
    location: str | None = None
    skills: tuple[SkillInput, ...] = ()
    experience: tuple[ExperienceInput, ...] = ()
    education: tuple[EducationInput, ...] = ()
    certifications: tuple[CertificationInput, ...] = ()
    cv_lines: tuple[str, ...] = ()
    remote_ok: bool | None = None


@dataclass(frozen=True)
class JobSkillInput:
    name: str
    required: bool = True
    weight: float = 1.0


@dataclass(frozen=True)
class JobInput:
    title: str
    description: str | None = None
    location: str | None = None
    remote: bool | None = None
    skills: tuple[JobSkillInput, ...] = ()
    min_years: float | None = None
    education: str | None = None
    certifications: tuple[str, ...] = ()


@dataclass(frozen=True)
class Identifiers:
    """What identifies the candidate, for redaction before a profile leaves the process."""

    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()


_YEARS = re.compile(r"(\d{1,2}(?:\.\d)?)\s*\+?\s*(?:years?|yrs?)\b", re.IGNORECASE)
_DEGREE = re.compile(
    r"[^.;\n]*\b(?:bachelor'?s?|master'?s?|degree|phd|doctorate|diploma|bsc|msc|ba|ma|mba|"
    r"bsn|qts|pgce|apprenticeship|nvq)\b[^.;\n]*",
    re.IGNORECASE,
)
_CERTIFIED = re.compile(
    r"\b(?:certified|certification|certificate|licen[cs]ed?|registration|accredited)\b",
    re.IGNORECASE,
)
_CERT_NAMES = re.compile(
    r"\b(CPA|ACCA|CIMA|CFA|CIPD|PMP|PRINCE2|CKA|NMC|RN|BLS|ACLS|PALS|QTS|CSCS|ECS|CPC|"
    r"18th Edition|Gas Safe|AWS Certified [A-Z][\w -]+?|CompTIA [A-Z][\w+]*)\b"
)


def years_asked(text: str) -> float | None:
    """The smallest number of years a job text asks for ("5+ years of ..."), if any."""
    found = [float(m.group(1)) for m in _YEARS.finditer(text or "")]
    return min(found) if found else None


def education_asked(text: str) -> str | None:
    match = _DEGREE.search(text or "")
    return " ".join(match.group(0).split()) if match else None


def certifications_asked(text: str) -> tuple[str, ...]:
    """Named certifications a job text asks for; only from sentences that talk about them."""
    found: dict[str, None] = {}
    for sentence in re.split(r"[.;\n]", text or ""):
        if _CERTIFIED.search(sentence) or _CERT_NAMES.search(sentence):
            for match in _CERT_NAMES.finditer(sentence):
                found.setdefault(match.group(1).strip(), None)
    return tuple(found)


def job_input(
    title: str,
    description: str | None,
    skills: tuple[JobSkillInput, ...],
    *,
    location: str | None = None,
    remote: bool | None = None,
    min_years: float | None = None,
) -> JobInput:
    """A job as the engines read it; skills, years, degree and certifications the description
    names count too (a skill only named there is a preferred one)."""
    listed = {concept(s.name) or fold(s.name) for s in skills}
    extra: dict[str, None] = {}
    for mention in mentions(description or ""):
        if mention.canonical not in listed and fold(mention.canonical) not in listed:
            extra.setdefault(mention.canonical, None)
    all_skills = skills + tuple(JobSkillInput(name, required=False) for name in extra)
    return JobInput(
        title=title,
        description=description,
        location=location,
        remote=remote,
        skills=all_skills,
        min_years=min_years if min_years is not None else years_asked(description or ""),
        education=education_asked(description or ""),
        certifications=certifications_asked(description or ""),
    )


def job_from_prompt(
    title: str,
    description: str | None,
    required_skills: tuple[str, ...] | list[str] = (),
    preferred_skills: tuple[str, ...] | list[str] = (),
    min_years: float | None = None,
    location: str | None = None,
    remote: bool | None = None,
) -> JobInput:
    """A free-text job prompt (title, description, skill names) as a job."""
    required = tuple(JobSkillInput(name, required=True) for name in required_skills)
    preferred = tuple(JobSkillInput(name, required=False) for name in preferred_skills)
    return job_input(
        title, description, required + preferred, location=location, remote=remote,
        min_years=min_years,
    )  # fmt: skip
