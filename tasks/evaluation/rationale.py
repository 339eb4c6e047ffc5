"""Matches, gaps and the rationale paragraph, all derived from the criteria of a rules result."""

from __future__ import annotations

from tasks.evaluation.inputs import JobInput, JobSkillInput
from tasks.evaluation.result import Criterion
from tasks.evaluation.signals import SkillSignal

FOUND = 0.5  # a skill shown at this strength or more is a match
WEAK = 50.0  # a non-skill criterion under this score is a gap


def derive(
    job: JobInput,
    score: float,
    criteria: list[Criterion],
    skills: dict[str, JobSkillInput],
    signals: dict[str, SkillSignal],
) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """(matches, gaps, rationale) of a result."""
    matches: list[str] = []
    gaps: list[str] = []
    weak: list[str] = []
    for key, skill in skills.items():
        signal = signals[key]
        kind = "required" if skill.required else "preferred"
        if signal.strength >= FOUND:
            matches.append(skill.name)
        elif signal.listed:
            weak.append(skill.name)
            gaps.append(f"{skill.name} ({kind}): listed, no work experience shown")
        else:
            gaps.append(f"{skill.name} ({kind}): not shown")
    for criterion in criteria:
        if criterion.key.endswith("_skills"):
            continue
        if criterion.score < WEAK:
            gaps.append(f"{criterion.label}: {criterion.note}")
        elif criterion.score >= 80:
            matches.append(f"{criterion.label}: {criterion.note}")
    return tuple(matches), tuple(gaps), _paragraph(job, score, criteria, skills, signals, weak)


def _paragraph(
    job: JobInput,
    score: float,
    criteria: list[Criterion],
    skills: dict[str, JobSkillInput],
    signals: dict[str, SkillSignal],
    weak: list[str],
) -> str:
    required = [(k, s) for k, s in skills.items() if s.required]
    found = [s.name for k, s in required if signals[k].strength >= FOUND]
    missing = [s.name for k, s in required if signals[k].strength < FOUND and not signals[k].listed]
    parts = [f"Scores {score:g}/100 for {job.title}."]
    if required:
        parts.append(f"Shows {len(found)} of {len(required)} required skills")
        parts[-1] += f" ({', '.join(found)})." if found else "."
    if missing:
        parts.append(f"Required but not shown: {', '.join(missing)}.")
    if weak:
        parts.append(f"Listed without work experience behind them: {', '.join(weak)}.")
    by_key = {c.key: c for c in criteria}
    for key in ("experience", "title", "recency", "education", "certifications", "location"):
        criterion = by_key.get(key)
        if criterion is None:
            continue
        verdict = (
            "strong" if criterion.score >= 80 else "partial" if criterion.score >= 50 else "weak"
        )
        parts.append(f"{criterion.label}: {verdict} ({criterion.note}).")
    return " ".join(parts)
