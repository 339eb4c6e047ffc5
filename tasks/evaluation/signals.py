"""Where a profile shows a skill, and for how long: the facts the rules engine scores.

A skill counts from the skill list, from work entries' titles and descriptions, from CV lines,
certifications, education and the headline/summary, each source with its own strength: work
experience weighs most (and less the longer ago it was), a bare listing weighs little.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from models.skill_aliases import broader, concept, fold, mentions
from tasks.evaluation.inputs import ExperienceInput, ProfileInput
from tasks.evaluation.result import Evidence

YEAR_DAYS = 365.25
# strength of each kind of evidence when it is the best a profile has
LISTED = 0.3
LISTED_WITH_YEARS = 0.4
CERTIFIED = 0.5
CV_LINE = 0.5
PROFILE_TEXT = 0.35
EDUCATION = 0.3
BOTH_BONUS = 0.1


def skill_key(name: str) -> str:
    """The identity a skill name is compared by: its vocabulary concept, else its folded text."""
    return concept(name) or fold(name)


def interval(entry: ExperienceInput, today: date) -> tuple[date, date] | None:
    """The dates a work entry covers; an open end is today when current, else one year."""
    if entry.start is None or entry.start > today:
        return None
    end = entry.end or (today if entry.is_current else entry.start + timedelta(days=365))
    return entry.start, min(max(end, entry.start), today)


def union_years(spans: list[tuple[date, date]]) -> float:
    """Years covered by the spans, overlaps counted once."""
    total = 0
    current: tuple[date, date] | None = None
    for start, end in sorted(spans):
        if current is None or start > current[1]:
            if current is not None:
                total += (current[1] - current[0]).days
            current = (start, end)
        else:
            current = (current[0], max(current[1], end))
    if current is not None:
        total += (current[1] - current[0]).days
    return total / YEAR_DAYS


def recency(last_used: date | None, today: date) -> float:
    """1.0 for use in the last two years, falling to 0.1 for use fourteen or more years ago."""
    if last_used is None:
        return 0.5
    age = (today - last_used).days / YEAR_DAYS
    return 1.0 if age <= 2 else max(0.1, 1.0 - (age - 2) * 0.075)


def _keys(text: str | None) -> set[str]:
    """The skills a text shows: those it names and the broader ones they imply."""
    found = {m.canonical for m in mentions(text or "")}
    return found | {parent for name in found for parent in broader(name)}


def _has(text: str | None, key: str, known: set[str]) -> bool:
    """A skill in a text: by the vocabulary's finder, or by its own words for unknown skills."""
    if key in known:
        return True
    if concept(key) is not None or not text:
        return False
    return re.search(r"(?<!\w)" + re.escape(key) + r"(?!\w)", fold(text)) is not None


@dataclass(frozen=True)
class SkillSignal:
    """How strongly a profile shows one skill, with the evidence behind it."""

    strength: float
    years: float
    last_used: date | None
    in_experience: bool
    listed: bool
    evidence: tuple[Evidence, ...]


@dataclass
class ProfileIndex:
    """A profile's texts with the vocabulary skills found in each, computed once per evaluation."""

    profile: ProfileInput
    today: date
    experience: list[tuple[ExperienceInput, str, set[str]]] = field(default_factory=list)
    listed: dict[str, tuple[str, float | None, str | None]] = field(default_factory=dict)
    cv: list[tuple[int, str, set[str]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for entry in self.profile.experience:
            text = f"{entry.title}. {entry.description or ''}"
            self.experience.append((entry, text, _keys(text)))
        for skill in self.profile.skills:
            self.listed.setdefault(skill_key(skill.name), (skill.name, skill.years, skill.level))
        for number, line in enumerate(self.profile.cv_lines):
            self.cv.append((number, line, _keys(line)))
        self._about = " ".join(filter(None, (self.profile.headline, self.profile.summary)))
        self._about_keys = _keys(self._about)

    def signal(self, key: str) -> SkillSignal:
        today = self.today
        evidence: list[Evidence] = []
        spans: list[tuple[date, date]] = []
        undated = 0
        last: date | None = None
        for entry, text, keys in self.experience:
            if not _has(text, key, keys):
                continue
            span = interval(entry, today)
            when = f" ({span[0].year}-{span[1].year})" if span else ""
            at = f" at {entry.company}" if entry.company else ""
            evidence.append(Evidence("experience", entry.ref, f"{entry.title}{at}{when}"))
            if span is None:
                undated += 1
                continue
            spans.append(span)
            last = span[1] if last is None else max(last, span[1])
        years = union_years(spans) + 0.5 * undated
        strength = 0.0
        if evidence:
            depth = 0.55 + 0.45 * min(1.0, years / 3.0)
            strength = depth * (0.25 + 0.75 * recency(last, today))
        listed = self.listed.get(key)
        if listed is not None:
            name, listed_years, level = listed
            claimed = (listed_years or 0) >= 2 or (level or "").upper() in {"ADVANCED", "EXPERT"}
            evidence.append(Evidence("skill", None, name))
            base = LISTED_WITH_YEARS if claimed else LISTED
            strength = min(1.0, strength + BOTH_BONUS) if strength else base
        for cert in self.profile.certifications:
            if _has(cert.name, key, _keys(cert.name)):
                evidence.append(Evidence("certification", cert.ref, cert.name))
                strength = max(strength, CERTIFIED)
        for education in self.profile.education:
            text = " ".join(filter(None, (education.degree, education.field)))
            if _has(text, key, _keys(text)):
                evidence.append(Evidence("education", education.ref, text))
                strength = max(strength, EDUCATION)
        for number, line, keys in self.cv:
            if _has(line, key, keys):
                evidence.append(Evidence("cv", f"cv:{number}", line.strip()[:200]))
                strength = max(strength, CV_LINE)
                break
        if _has(self._about, key, self._about_keys):
            evidence.append(Evidence("profile", None, self._about[:200]))
            strength = max(strength, PROFILE_TEXT)
        return SkillSignal(
            strength=round(strength, 4),
            years=years,
            last_used=last,
            in_experience=bool(spans) or undated > 0,
            listed=listed is not None,
            evidence=tuple(evidence[:6]),
        )
