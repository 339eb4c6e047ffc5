"""Quality findings a recruiter should see next to a parsed CV (gaps, overlaps, odd dates).

Year-only dates are read in the way that avoids false alarms: for a gap a bare start year counts
from its January and a bare end year until its December (the widest job); for an overlap a bare
start year counts from its December and a bare end year until its January (the narrowest job).
Rules:
- EMPLOYMENT_GAP: more than 12 months between the end of one job and the start of the next
  (jobs sorted by start; an ongoing job covers everything after its start).
- OVERLAPPING_DATES: two jobs that have both ended overlap by more than one month (concurrent
  ongoing roles, e.g. a side job, are normal and not flagged).
- FUTURE_DATE: a job or certification dated after the current month (an expected graduation
  year in the future is normal and not flagged).
- NO_CONTACT_DETAILS: neither an email address nor a phone number was found.
- IMAGE_ONLY_PAGES: pages without a text layer in an otherwise readable CV.
- ACTIVE_CONTENT (a warning): the PDF carries JavaScript or launch actions; never run here, but
  a viewer might run them when a recruiter opens the file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tasks.cv.dates import YearMonth, parse_date

GAP_MONTHS = 12
OVERLAP_MONTHS = 1


def _finding(code: str, message: str, **details: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details}


def _month(value: Any) -> YearMonth | None:
    return parse_date(value) if isinstance(value, str) else None


def _label(job: dict[str, Any]) -> str:
    parts = [part for part in (job.get("title"), job.get("company")) if part]
    return " at ".join(parts) or "a job"


def image_only_finding(pages: list[int]) -> dict[str, Any]:
    listed = ", ".join(str(page) for page in pages)
    return _finding(
        "IMAGE_ONLY_PAGES",
        f"page(s) {listed} have no text layer and were not read (they need OCR)",
        pages=pages,
    )


def active_content_finding(kinds: list[str]) -> dict[str, Any]:
    """ACTIVE_CONTENT for the kinds `tasks.cv.active` found ("javascript", "launch")."""
    names = {"javascript": "JavaScript", "launch": "launch actions"}
    listed = " and ".join(names.get(kind, kind) for kind in kinds)
    return _finding(
        "ACTIVE_CONTENT",
        f"the PDF contains {listed}; it was not run here (only its text was read), "
        "but a PDF viewer may run it when the file is opened",
        severity="warning",
        kinds=kinds,
    )


def _gap_findings(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    dated = []
    for job in jobs:
        start = _month(job.get("start"))
        end = _month(job.get("end"))
        if start is None or (end is None and not job.get("current")):
            continue
        dated.append((start.earliest(), None if job.get("current") else end, job))
    dated.sort(key=lambda item: item[0])
    findings = []
    covered_until: int | None = None
    previous: dict[str, Any] | None = None
    for begins, end, job in dated:
        if covered_until is not None and previous is not None:
            gap = begins - covered_until - 1
            if gap > GAP_MONTHS:
                findings.append(
                    _finding(
                        "EMPLOYMENT_GAP",
                        f"{gap} months without a listed job between {_label(previous)} "
                        f"and {_label(job)}",
                        months=gap,
                        after=previous.get("end"),
                        before=job.get("start"),
                    )
                )
        until = 10**9 if end is None else end.latest()
        if covered_until is None or until > covered_until:
            covered_until, previous = until, job
    return findings


def _overlap_findings(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    spans = []
    for job in jobs:
        start, end = _month(job.get("start")), _month(job.get("end"))
        if job.get("current") or start is None or end is None:
            continue
        narrow_start = start.year * 12 + (start.month or 12) - 1
        narrow_end = end.year * 12 + (end.month or 1) - 1
        spans.append((narrow_start, narrow_end, job))
    findings = []
    for index, (start_a, end_a, job_a) in enumerate(spans):
        for start_b, end_b, job_b in spans[index + 1 :]:
            overlap = min(end_a, end_b) - max(start_a, start_b)
            if overlap > OVERLAP_MONTHS:
                findings.append(
                    _finding(
                        "OVERLAPPING_DATES",
                        f"{_label(job_a)} and {_label(job_b)} overlap by {overlap} months",
                        months=overlap,
                        jobs=[_label(job_a), _label(job_b)],
                    )
                )
    return findings


def _future_findings(profile: dict[str, Any], today: dt.date) -> list[dict[str, Any]]:
    now = today.year * 12 + today.month - 1
    findings = []
    for job in profile.get("experience", []):
        for key in ("start", "end"):
            when = _month(job.get(key))
            if when is not None and when.earliest() > now:
                findings.append(
                    _finding(
                        "FUTURE_DATE",
                        f"{_label(job)} has a {key} date in the future ({when.iso()})",
                        entry="experience",
                        field=key,
                        value=when.iso(),
                    )
                )
    for cert in profile.get("certifications", []):
        year = cert.get("year")
        if isinstance(year, int) and year > today.year:
            findings.append(
                _finding(
                    "FUTURE_DATE",
                    f"certification {cert.get('title')!r} is dated in the future ({year})",
                    entry="certifications",
                    field="year",
                    value=str(year),
                )
            )
    return findings


def quality_findings(profile: dict[str, Any], today: dt.date | None = None) -> list[dict[str, Any]]:
    """All findings for a structured profile (see the module docstring for the rules)."""
    today = today or dt.date.today()
    findings: list[dict[str, Any]] = []
    if not profile.get("email") and not profile.get("phone"):
        findings.append(
            _finding("NO_CONTACT_DETAILS", "no email address or phone number was found")
        )
    jobs = list(profile.get("experience", []))
    findings += _overlap_findings(jobs)
    findings += _gap_findings(jobs)
    findings += _future_findings(profile, today)
    return findings
