"""GraphQL types of what parsing a CV found: the profile with confidence and source lines."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _items(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


@strawberry.type(description="Where in the CV a value was read.")
class SourceLocation:
    page: int = strawberry.field(description="Page number, from 1.")
    line: int = strawberry.field(description="Line on that page, from 1.")

    @classmethod
    def of(cls, item: Any) -> SourceLocation | None:
        source = item.get("source") if isinstance(item, dict) else None
        if not isinstance(source, dict):
            return None
        page, line = _int(source.get("page")), _int(source.get("line"))
        return cls(page=page, line=line) if page is not None and line is not None else None


@strawberry.type(description="One value read from a CV.")
class ParsedField:
    value: str = strawberry.field(description="The value as found (phones in E.164 if parseable).")
    confidence: float = strawberry.field(description="How sure the parser is, 0 to 1.")
    source: SourceLocation | None = strawberry.field(description="Where it was read.")

    @classmethod
    def of(cls, item: Any) -> ParsedField | None:
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            return None
        return cls(
            value=item["value"],
            confidence=_float(item.get("confidence")) or 0.0,
            source=SourceLocation.of(item),
        )

    @classmethod
    def many(cls, items: Any) -> list[ParsedField]:
        return [f for f in map(cls.of, _items(items)) if f is not None]


@strawberry.type(description="A position read from a CV.")
class ParsedExperience:
    company: str | None = strawberry.field(description="Employer.")
    title: str | None = strawberry.field(description="Job title.")
    start: str | None = strawberry.field(description="'YYYY-MM' or 'YYYY' as the CV states it.")
    end: str | None = strawberry.field(description="Like start; null when current or unknown.")
    current: bool = strawberry.field(description="True when the CV says it is ongoing.")
    description: str | None = strawberry.field(description="What the CV says about it.")
    confidence: float | None = strawberry.field(description="How sure the parser is, 0 to 1.")
    source: SourceLocation | None = strawberry.field(description="Where it was read.")

    @classmethod
    def of(cls, item: dict[str, Any]) -> ParsedExperience:
        return cls(
            company=_str(item.get("company")),
            title=_str(item.get("title")),
            start=_str(item.get("start")),
            end=_str(item.get("end")),
            current=bool(item.get("current")),
            description=_str(item.get("description")),
            confidence=_float(item.get("confidence")),
            source=SourceLocation.of(item),
        )


@strawberry.type(description="A degree or course read from a CV.")
class ParsedEducation:
    institution: str | None = strawberry.field(description="School or university.")
    degree: str | None = strawberry.field(description="Degree.")
    field: str | None = strawberry.field(description="Subject.")
    start_year: int | None = strawberry.field(description="First year.")
    end_year: int | None = strawberry.field(description="Last year.")
    confidence: float | None = strawberry.field(description="How sure the parser is, 0 to 1.")
    source: SourceLocation | None = strawberry.field(description="Where it was read.")

    @classmethod
    def of(cls, item: dict[str, Any]) -> ParsedEducation:
        return cls(
            institution=_str(item.get("institution")),
            degree=_str(item.get("degree")),
            field=_str(item.get("field")),
            start_year=_int(item.get("start_year")),
            end_year=_int(item.get("end_year")),
            confidence=_float(item.get("confidence")),
            source=SourceLocation.of(item),
        )


@strawberry.type(description="A certification read from a CV.")
class ParsedCertification:
    title: str | None = strawberry.field(description="Certificate title.")
    issuer: str | None = strawberry.field(description="Issuing body.")
    year: int | None = strawberry.field(description="Year awarded.")
    confidence: float | None = strawberry.field(description="How sure the parser is, 0 to 1.")
    source: SourceLocation | None = strawberry.field(description="Where it was read.")

    @classmethod
    def of(cls, item: dict[str, Any]) -> ParsedCertification:
        return cls(
            title=_str(item.get("title")),
            issuer=_str(item.get("issuer")),
            year=_int(item.get("year")),
            confidence=_float(item.get("confidence")),
            source=SourceLocation.of(item),
        )


@strawberry.type(description="The profile a CV yielded, before it meets the candidate's.")
class ParsedProfile:
    name: ParsedField | None = strawberry.field(description="Full name.")
    first_name: str | None = strawberry.field(description="Given name, split from the name.")
    last_name: str | None = strawberry.field(description="Family name, split from the name.")
    email: ParsedField | None = strawberry.field(description="Email address.")
    phone: ParsedField | None = strawberry.field(description="Phone (E.164 when parseable).")
    location: ParsedField | None = strawberry.field(description="City and country.")
    headline: ParsedField | None = strawberry.field(description="Professional headline.")
    summary: ParsedField | None = strawberry.field(description="Profile text.")
    skills: list[ParsedField] = strawberry.field(description="Skills as written.")
    languages: list[ParsedField] = strawberry.field(description="Spoken languages.")
    links: list[ParsedField] = strawberry.field(description="Web links (profiles, sites).")
    experience: list[ParsedExperience] = strawberry.field(description="Positions, as listed.")
    education: list[ParsedEducation] = strawberry.field(description="Education, as listed.")
    certifications: list[ParsedCertification] = strawberry.field(description="As listed.")
    text_layer: bool = strawberry.field(description="False when pages had no extractable text.")
    layout: str | None = strawberry.field(description="Layout the parser recognized.")

    @classmethod
    def of(cls, profile: dict[str, Any] | None) -> ParsedProfile | None:
        if not profile:
            return None
        return cls(
            name=ParsedField.of(profile.get("name")),
            first_name=_str(profile.get("first_name")),
            last_name=_str(profile.get("last_name")),
            email=ParsedField.of(profile.get("email")),
            phone=ParsedField.of(profile.get("phone")),
            location=ParsedField.of(profile.get("location")),
            headline=ParsedField.of(profile.get("headline")),
            summary=ParsedField.of(profile.get("summary")),
            skills=ParsedField.many(profile.get("skills")),
            languages=ParsedField.many(profile.get("languages")),
            links=ParsedField.many(profile.get("links")),
            experience=[ParsedExperience.of(i) for i in _items(profile.get("experience"))],
            education=[ParsedEducation.of(i) for i in _items(profile.get("education"))],
            certifications=[
                ParsedCertification.of(i) for i in _items(profile.get("certifications"))
            ],
            text_layer=bool(profile.get("text_layer", True)),
            layout=_str(profile.get("layout")),
        )


@strawberry.type(
    description="A quality finding about a parsed CV. Codes: NO_CONTACT_DETAILS, "
    "OVERLAPPING_DATES, FUTURE_DATE, EMPLOYMENT_GAP (over 12 months), IMAGE_ONLY_PAGES, "
    "ACTIVE_CONTENT (a warning: the PDF carries JavaScript or launch actions, never run)."
)
class DocumentFinding:
    code: str = strawberry.field(description="What was found (see the type description).")
    message: str = strawberry.field(description="Human-readable explanation.")
    details: JSON | None = strawberry.field(description="Specifics, e.g. the dates or pages.")

    @classmethod
    def many(cls, findings: Any) -> list[DocumentFinding]:
        return [
            cls(
                code=str(item.get("code", "")),
                message=str(item.get("message", "")),
                details=cast("JSON", item.get("details")),
            )
            for item in _items(findings)
        ]
