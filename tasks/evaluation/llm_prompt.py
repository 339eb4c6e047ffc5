"""What the `llm` engine sends: the instructions, the JSON schema of the answer, and the request
body built from a redacted profile. Entry ids never leave the process: the prompt numbers the
entries (e0, d0, c0, cv:0) and the answer's evidence is mapped back to the caller's refs."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tasks.evaluation.inputs import JobInput, ProfileInput
from tasks.evaluation.result import SOURCES

PROMPT_VERSION = "1"
SYSTEM_PROMPT = (
    "You are a recruiter screening a candidate against a job. Judge only job-relevant evidence: "
    "skills shown in work experience (recent, sustained use counts most; a skill merely listed "
    "counts little), relevant years, title and seniority, education and certifications the job "
    "asks for, location or remote fit. Placeholders such as [NAME] or [REDACTED] hide personal "
    "data: never guess or weigh what they hide, nor age, gender, nationality, ethnicity, "
    "religion, family status or disability. Answer with JSON only, in the given schema: score "
    "0-100, a short rationale, matches and gaps as short phrases, and criteria each with a "
    "weight, a score 0-100 and evidence quoting the profile entry it used by its ref."
)
_TEXT = {"type": "string"}
_EVIDENCE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["source", "ref", "text"],
    "properties": {
        "source": {"type": "string", "enum": list(SOURCES)},
        "ref": {"type": ["string", "null"]},
        "text": _TEXT,
    },
}
RESPONSE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["score", "rationale", "matches", "gaps", "criteria"],
    "properties": {
        "score": {"type": "number", "minimum": 0, "maximum": 100},
        "rationale": _TEXT,
        "matches": {"type": "array", "items": _TEXT},
        "gaps": {"type": "array", "items": _TEXT},
        "criteria": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "label", "weight", "score", "evidence", "note"],
                "properties": {
                    "key": _TEXT,
                    "label": _TEXT,
                    "weight": {"type": "number", "minimum": 0},
                    "score": {"type": "number", "minimum": 0, "maximum": 100},
                    "evidence": {"type": "array", "items": _EVIDENCE},
                    "note": _TEXT,
                },
            },
        },
    },
}


def engine_version(model: str) -> str:
    """Prompt version and model: a different model is a different engine version."""
    return f"{PROMPT_VERSION}-{hashlib.sha256(model.encode()).hexdigest()[:10]}"


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def profile_document(profile: ProfileInput) -> tuple[dict[str, Any], dict[str, str]]:
    """The (already redacted) profile as JSON data with local refs, and local ref -> caller ref."""
    refs: dict[str, str] = {}

    def ref(local: str, caller: str) -> str:
        refs[local] = caller
        return local

    document = {
        "headline": profile.headline,
        "summary": profile.summary,
        "location": profile.location,
        "remote_ok": profile.remote_ok,
        "skills": [{"name": s.name, "level": s.level, "years": s.years} for s in profile.skills],
        "experience": [
            {"ref": ref(f"e{i}", e.ref), "title": e.title, "company": e.company,
             "location": e.location, "start": _day(e.start), "end": _day(e.end),
             "current": e.is_current, "description": e.description}
            for i, e in enumerate(profile.experience)
        ],
        "education": [
            {"ref": ref(f"d{i}", e.ref), "institution": e.institution, "degree": e.degree,
             "field": e.field, "start": _day(e.start), "end": _day(e.end)}
            for i, e in enumerate(profile.education)
        ],
        "certifications": [
            {"ref": ref(f"c{i}", c.ref), "name": c.name, "issuer": c.issuer,
             "issued": _day(c.issued)}
            for i, c in enumerate(profile.certifications)
        ],
        "cv_lines": [
            {"ref": ref(f"cv:{i}", f"cv:{i}"), "text": line}
            for i, line in enumerate(profile.cv_lines)
        ],
    }  # fmt: skip
    return document, refs


def job_document(job: JobInput) -> dict[str, Any]:
    return {
        "title": job.title,
        "description": job.description,
        "location": job.location,
        "remote": job.remote,
        "skills": [
            {"name": s.name, "required": s.required, "weight": s.weight} for s in job.skills
        ],
        "min_years": job.min_years,
        "education": job.education,
        "certifications": list(job.certifications),
    }


def request_body(
    redacted: ProfileInput, job: JobInput, model: str, max_tokens: int
) -> tuple[dict[str, Any], dict[str, str]]:
    """The chat-completions request body (deterministic bytes for the same inputs)."""
    document, refs = profile_document(redacted)
    content = json.dumps(
        {"job": job_document(job), "candidate": document}, sort_keys=True, ensure_ascii=False
    )
    body = {
        "model": model,
        "temperature": 0,
        "max_tokens": max_tokens,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": content},
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "evaluation", "strict": True, "schema": RESPONSE_SCHEMA},
        },
    }
    return body, refs
