"""Template families: how a CV arranges its entries, and the expected parse of exactly that print.

A family fixes a layout and one arrangement each for jobs, degrees and certificates (title first
or company first, one line with separators or several lines, dates before, after or right of the
title, tables, tab stops), plus bullet glyphs and contact style. The TUNE families are the ones
the parser may be tuned on; the HOLDOUT families combine arrangements differently and are scored
only at the end (the "never tuned" split). The tuning families in ADDED came later and are
generated after the others, each from its own seed (`generate.py --add`). Rows are (kind,
payload...) tuples the producers typeset: name, headline, contact, heading, text, strong, em,
split (left, right-aligned right), bullet (text, glyph), row (cells), tabbed (parts).
"""

from __future__ import annotations

import random
from typing import Any

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
LONG = "January February March April May June July August September October November December"
PUA_BULLET, PUA_ICONS = "\ue00a", ("\ue02a", "\ue09e", "\ue0a8")  # OpenSymbol private-use glyphs
HEADINGS = {
    "summary": ["Summary", "Profile", "PROFESSIONAL SUMMARY", "About Me"],
    "experience": ["Work Experience", "EXPERIENCE", "Employment History", "Career History"],
    "education": ["Education", "EDUCATION", "Education & Training", "Academic Background"],
    "skills": ["Skills", "Core Competencies", "KEY SKILLS", "Skills & Tools"],
    "certifications": ["Certifications", "Licenses & Certifications", "CERTIFICATES"],
    "languages": ["Languages", "LANGUAGES"],
}
# name: (split, layout, job, education, certificate, bullet, contact, date styles, producers)
FAMILIES: dict[str, tuple[str, str, str, str, str, str, str, str, str]] = {
    "t01-classic": (
        "tune",
        "one-column",
        "title-pipe-company",
        "inst-first",
        "dash-comma",
        "•",
        "pipes",
        "mon year",
        "fpdf2 chromium",
    ),
    "t02-right-dates": (
        "tune",
        "one-column",
        "title-dash-company-right",
        "degree-split-years",
        "paren-issuer",
        PUA_BULLET,
        "icons",
        "month slash",
        "reportlab weasyprint",
    ),
    "t03-sidebar": (
        "tune",
        "sidebar",
        "company-then-title-right",
        "degree-dash-inst",
        "commas",
        "▪",
        "lines",
        "mon iso",
        "chromium docx",
    ),
    "t04-two-column": (
        "tune",
        "two-column",
        "title-at-company",
        "degree-comma-inst-paren",
        "pipes",
        "•",
        "lines",
        "year mon",
        "fpdf2 weasyprint",
    ),
    "t05-dates-first": (
        "tune",
        "one-column",
        "dates-first",
        "years-first",
        "year-first",
        "–",
        "labels",
        "slash year",
        "docx reportlab",
    ),
    "t06-table": (
        "tune",
        "one-column",
        "dates-left-table",
        "table",
        "two-lines",
        "•",
        "pipes",
        "mon month",
        "chromium docx",
    ),
    "t07-band": (
        "tune",
        "band",
        "location-dates-line",
        "inst-first",
        "issued-by",
        PUA_BULLET,
        "icons",
        "month year",
        "weasyprint fpdf2",
    ),
    "t08-tabs": (
        "tune",
        "one-column",
        "tabs",
        "inst-pipe-degree",
        "dash-paren",
        "•",
        "dots",
        "iso mon",
        "docx reportlab",
    ),
    # Added later (generate.py --add), each from its own seed: narrow columns that wrap
    # titles, names and certificates, drawn and printed by all five producers.
    "t09-wide-sidebar": (
        "tune",
        "wide-sidebar",
        "title-dash-company-right",
        "degree-dash-inst",
        "commas",
        "▪",
        "lines",
        "month year",
        "chromium weasyprint",
    ),
    "t10-drawn-columns": (
        "tune",
        "two-column",
        "dates-first",
        "inst-pipe-degree",
        "dash-paren",
        "–",
        "dots",
        "mon iso",
        "fpdf2 reportlab",
    ),
    "t11-sidebar-tabs": (
        "tune",
        "sidebar",
        "tabs",
        "years-first",
        "issued-by",
        "•",
        "labels",
        "slash year",
        "docx chromium",
    ),
    "h01-sidebar-loc": (
        "holdout",
        "sidebar",
        "company-location-right",
        "degree-split-years",
        "paren-issuer",
        PUA_BULLET,
        "icons",
        "mon slash",
        "chromium weasyprint",
    ),
    "h02-two-column": (
        "holdout",
        "two-column",
        "title-comma-company",
        "inst-first",
        "dash-comma",
        "▪",
        "labels",
        "month year",
        "docx fpdf2",
    ),
    "h03-band": (
        "holdout",
        "band",
        "company-dash-title-right",
        "degree-comma-inst-paren",
        "year-first",
        "•",
        "pipes",
        "year iso",
        "chromium reportlab",
    ),
    "h04-two-lines": (
        "holdout",
        "one-column",
        "title-then-company",
        "table",
        "pipes",
        "➢",
        "lines",
        "mon month",
        "weasyprint docx",
    ),
    "h05-sidebar": (
        "holdout",
        "sidebar",
        "title-pipe-company",
        "years-first",
        "two-lines",
        "•",
        "dots",
        "slash mon",
        "fpdf2 chromium",
    ),
    "h06-table": (
        "holdout",
        "one-column",
        "dates-left-table",
        "degree-dash-inst",
        "issued-by",
        PUA_BULLET,
        "icons",
        "month year",
        "reportlab weasyprint",
    ),
}
ADDED = ("t09-wide-sidebar", "t10-drawn-columns", "t11-sidebar-tabs")


def _date(ym: tuple[int, int], style: str) -> tuple[str, str]:
    """(printed, expected) for one (year, month0) date."""
    year, month0 = ym
    if style == "mon":
        return f"{MONTHS[month0]} {year}", f"{year:04d}-{month0 + 1:02d}"
    if style == "month":
        return f"{LONG.split()[month0]} {year}", f"{year:04d}-{month0 + 1:02d}"
    if style == "iso":
        return f"{year:04d}-{month0 + 1:02d}", f"{year:04d}-{month0 + 1:02d}"
    if style == "slash":
        return f"{month0 + 1:02d}/{year}", f"{year:04d}-{month0 + 1:02d}"
    return str(year), str(year)


def _range(job: dict[str, Any], style: str, rng: random.Random) -> tuple[str, str, str | None]:
    start, start_expected = _date(job["start"], style)
    dash = rng.choice([" – ", " - ", " — "])
    if job["current"]:
        return f"{start}{dash}{rng.choice(['Present', 'Current', 'present'])}", start_expected, None
    end, end_expected = _date(job["end"], style)
    return f"{start}{dash}{end}", start_expected, end_expected


def _job_rows(kind: str, t: str, c: str, loc: str, dates: str) -> list[tuple[Any, ...]]:
    """The header rows of one job in arrangement `kind` (title t, company c)."""
    return {
        "title-pipe-company": [("strong", f"{t} | {c}"), ("em", dates)],
        "title-dash-company-right": [("split", f"{t} — {c}", dates)],
        "company-then-title-right": [("strong", c), ("split", t, dates)],
        "title-at-company": [("strong", f"{t} at {c}"), ("em", dates)],
        "dates-first": [("em", dates), ("strong", t), ("text", c)],
        "dates-left-table": [("row", [dates, t, c])],
        "location-dates-line": [("strong", t), ("text", c), ("em", f"{loc} | {dates}")],
        "tabs": [("tabbed", [t, c, dates])],
        "company-location-right": [("split", f"{c}, {loc}", dates), ("em", t)],
        "title-comma-company": [("strong", f"{t}, {c}"), ("em", f"{dates} | {loc}")],
        "company-dash-title-right": [("split", f"{c} — {t}", dates)],
        "title-then-company": [("strong", t), ("text", c), ("em", dates)],
    }[kind]


def _school_rows(kind: str, inst: str, degree: str, years: str) -> list[tuple[Any, ...]]:
    return {
        "inst-first": [("strong", inst), ("text", degree), ("em", years)],
        "degree-split-years": [("strong", degree), ("split", inst, years)],
        "degree-dash-inst": [("text", f"{degree} — {inst}, {years}")],
        "degree-comma-inst-paren": [("text", f"{degree}, {inst} ({years})")],
        "years-first": [("em", years), ("strong", degree), ("text", inst)],
        "table": [("row", [years, degree, inst])],
        "inst-pipe-degree": [("split", f"{inst} | {degree}", years)],
    }[kind]


def _cert_rows(kind: str, title: str, issuer: str, year: int) -> list[tuple[Any, ...]]:
    return {
        "dash-comma": [("text", f"{title} — {issuer}, {year}")],
        "paren-issuer": [("text", f"{title} ({issuer}) {year}")],
        "commas": [("text", f"{title}, {issuer}, {year}")],
        "pipes": [("text", f"{title} | {issuer} | {year}")],
        "year-first": [("text", f"{year}  {title}, {issuer}")],
        "two-lines": [("strong", title), ("em", f"{issuer} · {year}")],
        "issued-by": [("text", f"{title} ({year}), issued by {issuer}")],
        "dash-paren": [("text", f"{title} — {issuer} ({year})")],
    }[kind]


def _contact(person: dict[str, Any], style: str, rng: random.Random) -> list[tuple[Any, ...]]:
    values = [person["email"], person["phone"], person["location"]]
    rng.shuffle(values)
    if style == "pipes":
        return [("contact", " | ".join(values))]
    if style == "dots":
        return [("contact", "  ·  ".join(values))]
    if style == "labels":
        label = {person["email"]: "Email", person["phone"]: "Phone", person["location"]: "Address"}
        return [("contact", f"{label[v]}: {v}") for v in values]
    if style == "icons":
        icon = dict(
            zip([person["email"], person["phone"], person["location"]], PUA_ICONS, strict=True)
        )
        return [("contact", f"{icon[v]} {v}") for v in values]
    return [("contact", v) for v in values]


def document(person: dict[str, Any], family: str, rng: random.Random) -> dict[str, Any]:
    """Rows to typeset for `person` in `family`, and the values a perfect parser reads."""
    _, layout, job_kind, edu_kind, cert_kind, glyph, contact, dates, _ = FAMILIES[family]
    date_style = rng.choice(dates.split())
    heading = {key: rng.choice(options) for key, options in HEADINGS.items()}
    expected: dict[str, Any] = {
        key: person[key] for key in ("name", "email", "phone", "location", "skills")
    }
    expected.update(experience=[], education=[], certifications=[], text_layer=True)
    main: list[tuple[Any, ...]] = [("heading", heading["summary"]), ("text", person["summary"])]
    main.append(("heading", heading["experience"]))
    for job in person["experience"]:
        printed, start, end = _range(job, date_style, rng)
        expected["experience"].append(
            {"company": job["company"], "title": job["title"], "start": start, "end": end}
        )
        main += _job_rows(job_kind, job["title"], job["company"], job["location"], printed)
        main += [("bullet", text, glyph) for text in job["bullets"]]
    main.append(("heading", heading["education"]))
    for school in person["education"]:
        long_name, short = school["degree"]
        degree = rng.choice([long_name, short])
        subject = f" in {school['field']}" if school["field"] else ""
        start_year: int | None = school["start_year"]
        years = f"{start_year} – {school['end_year']}"
        if rng.random() < 0.3:
            years, start_year = str(school["end_year"]), None
        expected["education"].append(
            {
                "institution": school["institution"],
                "degree": degree,
                "start_year": start_year,
                "end_year": school["end_year"],
            }
        )
        main += _school_rows(edu_kind, school["institution"], f"{degree}{subject}", years)
    side: list[tuple[Any, ...]] = [("heading", heading["skills"])]
    skills = person["skills"]
    skill_style = rng.choice(["commas", "bullets", "pipes"])
    if skill_style == "commas":
        side.append(("text", ", ".join(skills)))
    elif skill_style == "pipes":
        side.append(("text", " | ".join(skills)))
    else:
        side += [("bullet", skill, glyph) for skill in skills]
    if person["certifications"]:
        side.append(("heading", heading["certifications"]))
        for cert in person["certifications"]:
            expected["certifications"].append(dict(cert))
            side += _cert_rows(cert_kind, cert["title"], cert["issuer"], cert["year"])
    side.append(("heading", heading["languages"]))
    levels = ["native", "fluent", "C1", "B2"]
    side.append(
        ("text", ", ".join(f"{lang} ({rng.choice(levels)})" for lang in person["languages"]))
    )
    return {
        "layout": layout,
        "header": [("name", person["name"]), ("headline", person["headline"])],
        "contact": _contact(person, contact, rng),
        "main": main,
        "side": side,
        "expected": expected,
        "style": {"family": family, "dates": date_style, "skills": skill_style},
    }
