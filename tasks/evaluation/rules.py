"""The built-in `rules` engine: a deterministic, explainable score of a profile against a job.

Criteria and their base weights (a criterion the job says nothing about is left out and the rest
count in proportion): required skills 40, preferred skills 15, relevant experience 15, title and
seniority 15, recency 5, education 10 and certifications 10 when the job states them, location 5
when the job has a location or is remote. Within the skill criteria the job's own skill weights
apply. Changing any of this changes VERSION, so stored results stay tied to the scoring that
produced them.
"""

from __future__ import annotations

from datetime import date

from tasks.evaluation.fit import (
    certification_fit,
    education_fit,
    location_fit,
    role_words,
    seniority,
    title_fit,
)
from tasks.evaluation.inputs import JobInput, JobSkillInput, ProfileInput
from tasks.evaluation.rationale import derive
from tasks.evaluation.result import Criterion, EvaluationResult, Evidence
from tasks.evaluation.signals import (
    ProfileIndex,
    SkillSignal,
    interval,
    recency,
    skill_key,
    union_years,
)

ENGINE = "rules"
VERSION = "1.0"
WEIGHTS: dict[str, float] = {
    "required_skills": 40,
    "preferred_skills": 15,
    "experience": 15,
    "title": 15,
    "recency": 5,
    "education": 10,
    "certifications": 10,
    "location": 5,
}
# years a title's seniority implies when the job states none
DEFAULT_YEARS = {0: 0.5, 1: 1.0, 2: 3.0, 3: 5.0, 4: 7.0, 5: 8.0}


def _criterion(key: str, label: str, fit: float, evidence: list[Evidence], note: str) -> Criterion:
    score = round(100 * min(1.0, max(0.0, fit)), 1)
    return Criterion(key, label, WEIGHTS[key], score, tuple(evidence[:8]), note)


def _skill_note(name: str, signal: SkillSignal) -> str:
    if signal.in_experience:
        return f"{name}: used at work for {signal.years:.1f} years"
    if signal.listed:
        return f"{name}: listed, no work experience shown"
    return f"{name}: mentioned" if signal.strength else f"{name}: not found"


def _coverage(
    key: str, label: str, skills: list[JobSkillInput], signals: dict[str, SkillSignal]
) -> Criterion:
    """The job-weighted mean strength of the skills; every skill's state goes in the note."""
    total = sum(max(s.weight, 0.0) or 1.0 for s in skills)
    fit = 0.0
    evidence: list[Evidence] = []
    notes: list[str] = []
    for skill in skills:
        signal = signals[skill_key(skill.name)]
        fit += (max(skill.weight, 0.0) or 1.0) / total * signal.strength
        evidence.extend(signal.evidence[:2])
        notes.append(_skill_note(skill.name, signal))
    return _criterion(key, label, fit, evidence, "; ".join(notes))


def _experience(job: JobInput, index: ProfileIndex, keys: set[str]) -> Criterion:
    """Years in dated work entries that fit the title or used a skill the job asks for."""
    wanted = role_words(job.title)
    spans, evidence = [], []
    for entry, _text, found in index.experience:
        span = interval(entry, index.today)
        title_hit = bool(wanted) and len(wanted & role_words(entry.title)) * 2 >= len(wanted)
        if span is None or not (title_hit or found & keys):
            continue
        spans.append(span)
        when = f"{span[0].year}-{span[1].year}"
        evidence.append(Evidence("experience", entry.ref, f"{entry.title} ({when})"))
    years = union_years(spans)
    target = job.min_years if job.min_years else DEFAULT_YEARS[seniority(job.title)]
    fit = min(1.0, years / target) if target > 0 else 1.0
    note = f"{years:.1f} years of relevant experience against {target:g} asked"
    return _criterion("experience", "Relevant experience", fit, evidence, note)


def _recency(
    skills: list[JobSkillInput], signals: dict[str, SkillSignal], today: date
) -> Criterion:
    """How recently the job's skills were used at work; skills never used at work count 0.2."""
    values: list[float] = []
    evidence: list[Evidence] = []
    for skill in skills:
        signal = signals[skill_key(skill.name)]
        if signal.in_experience:
            values.append(recency(signal.last_used, today))
            evidence.extend(e for e in signal.evidence[:1] if e.source == "experience")
        else:
            values.append(0.2 if signal.strength else 0.0)
    fit = sum(values) / len(values) if values else 0.0
    last = [s.last_used for s in signals.values() if s.last_used is not None]
    note = f"skills last used at work in {max(last).year}" if last else "no dated use of the skills"
    return _criterion("recency", "Recent use of the skills", fit, evidence, note)


def evaluate(profile: ProfileInput, job: JobInput, today: date) -> EvaluationResult:
    """Score the profile against the job; same inputs and day, same result."""
    index = ProfileIndex(profile, today)
    unique: dict[str, JobSkillInput] = {}
    for skill in job.skills:
        unique.setdefault(skill_key(skill.name), skill)
    signals = {key: index.signal(key) for key in unique}
    required = [s for s in unique.values() if s.required]
    preferred = [s for s in unique.values() if not s.required]
    criteria: list[Criterion] = []
    if required:
        criteria.append(_coverage("required_skills", "Required skills", required, signals))
    if preferred:
        criteria.append(_coverage("preferred_skills", "Preferred skills", preferred, signals))
    criteria.append(_experience(job, index, set(unique)))
    fit, evidence = title_fit(job, profile, today)
    note = f"closest: {evidence[0].text}" if evidence else "no similar title"
    criteria.append(_criterion("title", "Title and seniority", fit, evidence, note))
    if unique:
        criteria.append(_recency(required or preferred, signals, today))
    if job.education and job.education.strip():
        fit, evidence = education_fit(job.education, profile.education)
        held = evidence[0].text if evidence else "no matching education"
        note = f"{held} (asked: {job.education})"
        criteria.append(_criterion("education", "Education", fit, evidence, note))
    asked = tuple(name for name in job.certifications if name.strip())
    if asked:
        fit, evidence, missing = certification_fit(asked, profile)
        note = "missing: " + ", ".join(missing) if missing else "all held"
        criteria.append(_criterion("certifications", "Certifications", fit, evidence, note))
    if job.location or job.remote is not None:
        fit, note = location_fit(job, profile)
        where = [Evidence("profile", None, profile.location)] if profile.location else []
        criteria.append(_criterion("location", "Location and remote", fit, where, note))
    total = sum(c.weight for c in criteria)
    score = round(sum(c.weight * c.score for c in criteria) / total, 1) if total else 0.0
    matches, gaps, rationale = derive(job, score, criteria, unique, signals)
    return EvaluationResult(
        score=score,
        rationale=rationale,
        matches=matches,
        gaps=gaps,
        criteria=tuple(criteria),
        engine=ENGINE,
        engine_version=VERSION,
    )
