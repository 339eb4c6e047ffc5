"""Title, seniority, education, certification and location fit: word-level comparisons as data.

Each function returns a 0-1 fit and the profile entries it used. The word tables say which title
words are the same role ("developer" is "engineer") and which only state seniority.
"""

from __future__ import annotations

import re
from datetime import date

from models.skill_aliases import fold
from tasks.evaluation.inputs import CertificationInput, EducationInput, JobInput, ProfileInput
from tasks.evaluation.result import Evidence
from tasks.evaluation.signals import interval, recency

# seniority words -> level (no word: 2)
SENIORITY: dict[str, int] = {
    "intern": 0, "trainee": 0, "apprentice": 0, "graduate": 1, "junior": 1, "jr": 1,
    "assistant": 1, "associate": 1, "senior": 3, "sr": 3, "experienced": 3, "lead": 4,
    "principal": 4, "staff": 3, "charge": 4, "head": 5, "director": 5, "chief": 5, "vp": 5,
    "manager": 4, "supervisor": 3,
}  # fmt: skip
# title words that name the same role
ROLE_WORDS: dict[str, str] = {
    "developer": "engineer", "programmer": "engineer", "swe": "engineer", "dev": "engineer",
    "rn": "nurse", "nursing": "nurse", "accountant": "accounting", "accounts": "accounting",
    "teacher": "teaching", "tutor": "teaching", "lecturer": "teaching", "educator": "teaching",
    "electrician": "electrical", "salesperson": "sales", "seller": "sales",
    "representative": "rep", "executive": "rep", "ux": "designer", "ui": "designer",
    "design": "designer", "analytics": "analyst", "analysis": "analyst", "hr": "people",
    "personnel": "people", "recruiter": "recruitment", "talent": "recruitment",
    "operations": "ops", "logistics": "supply", "fp&a": "finance", "financial": "finance",
    "front-end": "frontend", "back-end": "backend", "fullstack": "full-stack",
}  # fmt: skip
STOP = frozenset(
    "a an and the of for in at to with or on i ii iii iv level mid - & / , required preferred "
    "related field equivalent similar relevant degree qualification".split()
)
DEGREE_LEVEL: dict[str, int] = {
    "phd": 4, "doctorate": 4, "dphil": 4, "master": 3, "masters": 3, "msc": 3, "ma": 3, "mba": 3,
    "meng": 3, "mres": 3, "pgce": 3, "bachelor": 2, "bachelors": 2, "bsc": 2, "ba": 2, "beng": 2,
    "bsn": 2, "bs": 2, "degree": 2, "llb": 2, "diploma": 1, "associate": 1, "hnd": 1,
    "apprenticeship": 1, "nvq": 1, "certificate": 1,
}  # fmt: skip
_WORD = re.compile(r"[a-z0-9][a-z0-9+#&.'-]*")


def words(text: str | None) -> list[str]:
    return [w.strip(".'").removesuffix("'s") for w in _WORD.findall(fold(text or ""))]


def role_words(title: str | None) -> set[str]:
    """A title's role words, seniority and filler removed, synonyms folded, plurals singular."""
    out: set[str] = set()
    for word in words(title):
        if word in SENIORITY or word in STOP:
            continue
        word = ROLE_WORDS.get(word, word)
        out.add(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return out


def seniority(title: str | None) -> int:
    levels = [SENIORITY[w] for w in words(title) if w in SENIORITY]
    return max(levels) if levels else 2


def title_fit(job: JobInput, profile: ProfileInput, today: date) -> tuple[float, list[Evidence]]:
    """The best overlap of the job title's role words with a work title, weighted by recency,
    combined with how close that entry's seniority is to the job's."""
    wanted = role_words(job.title)
    if not wanted:
        return 0.5, []
    best, used = 0.0, None
    for entry in profile.experience:
        overlap = len(wanted & role_words(entry.title)) / len(wanted)
        span = interval(entry, today)
        score = overlap * (0.5 + 0.5 * recency(span[1] if span else None, today))
        if score > best:
            best, used = score, entry
    headline = len(wanted & role_words(profile.headline)) / len(wanted) * 0.6
    if used is None or headline > best:
        evidence = [Evidence("profile", None, profile.headline or "")] if headline else []
        return headline, evidence
    # a step below the job's seniority costs more than a step above it
    gap = seniority(job.title) - seniority(used.title)
    fit = 0.8 * best + 0.2 * max(0.0, 1 - (0.4 * gap if gap > 0 else -0.15 * gap))
    return fit, [Evidence("experience", used.ref, used.title)]


def _degree_level(text: str) -> int:
    levels = [DEGREE_LEVEL[w] for w in words(text) if w in DEGREE_LEVEL]
    return max(levels) if levels else 0


def education_fit(
    asked: str, education: tuple[EducationInput, ...]
) -> tuple[float, list[Evidence]]:
    """The best education entry against the asked level and field words."""
    level = _degree_level(asked)
    topic = {w for w in role_words(asked) if w not in DEGREE_LEVEL}
    best, used = 0.0, None
    for entry in education:
        text = " ".join(filter(None, (entry.degree, entry.field)))
        have = _degree_level(text) or 1
        level_fit = 1.0 if have >= level else (0.6 if have == level - 1 else 0.3)
        field_fit = 1.0 if not topic or topic & role_words(text) else 0.5
        if level_fit * field_fit > best:
            best, used = level_fit * field_fit, entry
    if used is None:
        return 0.0, []
    text = " ".join(filter(None, (used.degree, used.field, used.institution)))
    return best, [Evidence("education", used.ref, text)]


def _cert_match(asked: str, cert: CertificationInput) -> bool:
    want = set(words(asked)) - STOP
    have = set(words(f"{cert.name} {cert.issuer or ''}"))
    return bool(want) and (want <= have or fold(asked) in fold(cert.name))


def certification_fit(
    asked: tuple[str, ...], profile: ProfileInput
) -> tuple[float, list[Evidence], list[str]]:
    """The share of asked certifications held (CV lines count half); the missing ones."""
    found, evidence, missing = 0.0, [], []
    for name in asked:
        cert = next((c for c in profile.certifications if _cert_match(name, c)), None)
        if cert is not None:
            found += 1
            evidence.append(Evidence("certification", cert.ref, cert.name))
            continue
        pattern = re.compile(r"(?<!\w)" + re.escape(fold(name)) + r"(?!\w)")
        line = next((n for n, t in enumerate(profile.cv_lines) if pattern.search(fold(t))), None)
        if line is not None:
            found += 0.5
            evidence.append(Evidence("cv", f"cv:{line}", profile.cv_lines[line].strip()[:200]))
        else:
            missing.append(name)
    return found / len(asked), evidence, missing


def location_fit(job: JobInput, profile: ProfileInput) -> tuple[float, str]:
    """Remote jobs fit anyone; on-site jobs fit the same city best, the same country partly."""
    if job.remote:
        return 1.0, "remote role"
    if not job.location:
        return 1.0, "no location stated"
    if not profile.location:
        return 0.5, "candidate location unknown"
    want = [p.strip() for p in fold(job.location).split(",") if p.strip()]
    have = [p.strip() for p in fold(profile.location).split(",") if p.strip()]
    if want[0] in have:
        return 1.0, f"based in {profile.location}"
    if want[-1] in have:
        return 0.6, f"same country ({profile.location})"
    return 0.15, f"based in {profile.location}, role is in {job.location}"
