"""The values that cross the sandbox boundary: limits, inspection and parse results (plain JSON)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

NOT_A_PDF = "NOT_A_PDF"
ENCRYPTED = "ENCRYPTED"
TOO_MANY_PAGES = "TOO_MANY_PAGES"

MAGIC_WINDOW = 1024

PARSED = "PARSED"
FAILED = "FAILED"
NEEDS_OCR = "NEEDS_OCR"


class ParseInterrupted(Exception):
    """The parse was cut off from outside before the document was judged: its child was killed
    by a signal the parser did not send (a service stop's SIGTERM, a terminal's SIGINT, an
    operator or the kernel's OOM killer), or the parser process itself went away.

    Not a verdict on the document: the caller parses it again later (the CV parse job lets the
    exception out, so its message is retried, within its attempts).
    """


@dataclass(frozen=True)
class Limits:
    """What one CV may cost: CPU and address space of the child, wall clock, and pages.

    A real CV is one to five pages and parses in well under a second; these caps leave a wide
    margin for legitimate files while bounding what a hostile file can burn.
    """

    cpu_seconds: int = 10
    memory_bytes: int = 256 * 1024 * 1024
    wall_seconds: float = 15.0
    max_pages: int = 20


@dataclass
class Inspection:
    """The quick upload-time verdict: is this a PDF we are willing to parse later?"""

    ok: bool
    error: str | None
    message: str | None
    page_count: int | None
    encrypted: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Inspection:
        return cls(
            ok=bool(data["ok"]),
            error=data.get("error"),
            message=data.get("message"),
            page_count=data.get("page_count"),
            encrypted=bool(data.get("encrypted", False)),
        )


@dataclass
class ParseOutcome:
    """The result of parsing one CV; a bad PDF is an outcome (FAILED), never an exception."""

    status: str
    reason: str | None
    page_count: int | None
    text: str | None
    profile: dict[str, Any] | None
    findings: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParseOutcome:
        return cls(
            status=str(data["status"]),
            reason=data.get("reason"),
            page_count=data.get("page_count"),
            text=data.get("text"),
            profile=data.get("profile"),
            findings=list(data.get("findings") or []),
        )

    @classmethod
    def failed(cls, reason: str, page_count: int | None = None) -> ParseOutcome:
        return cls(FAILED, reason, page_count, None, None, [])


def has_pdf_magic(head: bytes) -> bool:
    """True when `%PDF-` occurs in the first 1024 bytes, where PDF readers look for it.

    Only a necessary condition: whether pypdf can open the file is what `inspect_pdf` checks.
    """
    return b"%PDF-" in head[:MAGIC_WINDOW]


def _plain(field_value: Any) -> Any:
    """The bare value of a profile Field (`{"value", "confidence", "source"}`) or None."""
    if isinstance(field_value, dict):
        return field_value.get("value")
    return field_value


def cli_json(outcome: ParseOutcome) -> dict[str, Any]:
    """The `parse-cv` output: plain values a person or a shell pipeline can read directly."""
    profile = outcome.profile or {}
    return {
        "status": outcome.status,
        "reason": outcome.reason,
        "page_count": outcome.page_count,
        "name": _plain(profile.get("name")),
        "email": _plain(profile.get("email")),
        "phone": _plain(profile.get("phone")),
        "location": _plain(profile.get("location")),
        "headline": _plain(profile.get("headline")),
        "skills": [_plain(skill) for skill in profile.get("skills", [])],
        "languages": [_plain(language) for language in profile.get("languages", [])],
        "links": [_plain(link) for link in profile.get("links", [])],
        "experience": [
            {
                "company": job.get("company"),
                "title": job.get("title"),
                "start": job.get("start"),
                "end": None if job.get("current") else job.get("end"),
                "current": bool(job.get("current")),
            }
            for job in profile.get("experience", [])
        ],
        "education": [
            {
                "institution": school.get("institution"),
                "degree": school.get("degree"),
                "field": school.get("field"),
                "start_year": school.get("start_year"),
                "end_year": school.get("end_year"),
            }
            for school in profile.get("education", [])
        ],
        "certifications": [
            {"title": cert.get("title"), "issuer": cert.get("issuer"), "year": cert.get("year")}
            for cert in profile.get("certifications", [])
        ],
        "text_layer": bool(profile.get("text_layer", False)),
        "layout": profile.get("layout"),
        "findings": [finding.get("code") for finding in outcome.findings],
    }
