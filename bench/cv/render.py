"""Writing a CV document from ground truth in varied styles, and the expected parse of it.

`document(person, rng)` picks a layout, headings, date format and entry arrangement, returns the
lines to print (per column) and the values a perfect parser would read from exactly that print.
"""

from __future__ import annotations

import random
from typing import Any

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
LONG_MONTHS = (
    "January February March April May June July August September October November December".split()
)
HEADINGS = {
    "summary": ["Summary", "Profile", "About me", "Professional Summary", "PROFILE"],
    "experience": [
        "Work Experience",
        "Professional Experience",
        "Work History",
        "Employment",
        "EXPERIENCE",
        "Experience",
        "Employment History",
    ],
    "education": ["Education", "Academic Background", "EDUCATION", "Education & Training"],
    "skills": ["Skills", "Technical Skills", "Core Competencies", "SKILLS", "Skills & Tools"],
    "certifications": [
        "Certifications",
        "Licenses & Certifications",
        "Certificates",
        "CERTIFICATIONS",
    ],
    "languages": ["Languages", "Language Skills", "LANGUAGES"],
}
Line = tuple[str, Any]  # (kind, payload): name, headline, contact, heading, text, bullet, row


def _date(ym: tuple[int, int], style: str) -> tuple[str, str]:
    """(printed, expected) for one date."""
    year, month = ym
    if style == "mon":
        return f"{MONTHS[month - 1]} {year}", f"{year:04d}-{month:02d}"
    if style == "month":
        return f"{LONG_MONTHS[month - 1]} {year}", f"{year:04d}-{month:02d}"
    if style == "iso":
        return f"{year:04d}-{month:02d}", f"{year:04d}-{month:02d}"
    if style == "slash":
        return f"{month:02d}/{year}", f"{year:04d}-{month:02d}"
    return str(year), str(year)


def _range(job: dict[str, Any], style: str, rng: random.Random) -> tuple[str, str, str | None]:
    start, start_expected = _date(job["start"], style)
    if job["current"]:
        if style in {"year", "since"} and rng.random() < 0.5:
            return f"Since {start}", start_expected, None
        word = rng.choice(["Present", "Current", "present", "Today"])
        dash = rng.choice([" - ", " – ", " — ", " to "])
        return f"{start}{dash}{word}", start_expected, None
    end, end_expected = _date(job["end"], style)
    dash = " to " if style == "iso" else rng.choice([" - ", " – ", " — "])
    return f"{start}{dash}{end}", start_expected, end_expected


def document(person: dict[str, Any], rng: random.Random, layout: str) -> dict[str, Any]:
    date_style = rng.choice(["mon", "month", "iso", "slash", "year", "since"])
    job_style = rng.choice(["title-company", "company-first", "inline", "title-lines", "table"])
    heading = {key: rng.choice(options) for key, options in HEADINGS.items()}
    expected: dict[str, Any] = {
        "name": person["name"],
        "email": person["email"],
        "phone": person["phone"],
        "location": person["location"],
        "skills": person["skills"],
        "experience": [],
        "education": [],
        "certifications": [],
        "text_layer": True,
    }
    header: list[Line] = [("name", person["name"]), ("headline", person["headline"])]
    contact_values = [person["email"], person["phone"], person["location"]]
    rng.shuffle(contact_values)
    contact_style = rng.choice(["pipes", "dots", "lines", "labels"])
    if contact_style == "pipes":
        contact = [("contact", " | ".join(contact_values))]
    elif contact_style == "dots":
        contact = [("contact", "  ·  ".join(contact_values))]
    elif contact_style == "lines":
        contact = [("contact", value) for value in contact_values]
    else:
        labels = {
            person["email"]: "Email",
            person["phone"]: "Phone",
            person["location"]: "Location",
        }
        contact = [("contact", f"{labels[value]}: {value}") for value in contact_values]
    main: list[Line] = [("heading", heading["summary"]), ("text", person["summary"])]
    main.append(("heading", heading["experience"]))
    for job in person["experience"]:
        dates, start, end = _range(job, date_style, rng)
        expected["experience"].append(
            {"company": job["company"], "title": job["title"], "start": start, "end": end}
        )
        where = f", {job['location']}" if job["location"] else ""
        if job_style == "title-company":
            main += [("text", f"{job['title']} — {job['company']}{where}"), ("text", dates)]
        elif job_style == "company-first":
            main += [("text", f"{job['company']}{where} | {dates}"), ("text", job["title"])]
        elif job_style == "inline":
            main += [("text", f"{job['title']} at {job['company']} ({dates})")]
        elif job_style == "title-lines":
            main += [("text", job["title"]), ("text", job["company"]), ("text", dates)]
        else:
            main += [("row", [dates, job["title"], job["company"]])]
        main += [("bullet", bullet) for bullet in job["bullets"]]
    main.append(("heading", heading["education"]))
    edu_style = rng.choice(["two-lines", "one-line", "table"])
    for school in person["education"]:
        long_name, short = school["degree"]
        degree = rng.choice([long_name, short])
        years = f"{school['start_year']} – {school['end_year']}"
        start_year: int | None = school["start_year"]
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
        subject = f" in {school['field']}" if school["field"] else ""
        if edu_style == "two-lines":
            main += [("text", f"{degree}{subject}"), ("text", f"{school['institution']}, {years}")]
        elif edu_style == "one-line":
            main += [("text", f"{school['institution']} — {degree}{subject} ({years})")]
        else:
            main += [("row", [years, f"{degree}{subject}", school["institution"]])]
    side: list[Line] = [("heading", heading["skills"])]
    skill_style = rng.choice(["commas", "bullets", "pipes"])
    if skill_style == "commas" or (layout == "one-column" and skill_style == "bullets"):
        side.append(("text", ", ".join(person["skills"])))
    elif skill_style == "pipes":
        side.append(("text", " | ".join(person["skills"])))
    else:
        side += [("bullet", skill) for skill in person["skills"]]
    if person["certifications"]:
        side.append(("heading", heading["certifications"]))
        cert_style = rng.choice(["commas", "dash-paren", "pipes", "issued-by"])
        for cert in person["certifications"]:
            expected["certifications"].append(dict(cert))
            title, issuer, year = cert["title"], cert["issuer"], cert["year"]
            text = {
                "commas": f"{title}, {issuer}, {year}",
                "dash-paren": f"{title} — {issuer} ({year})",
                "pipes": f"{title} | {issuer} | {year}",
                "issued-by": f"{title} ({year}), issued by {issuer}",
            }[cert_style]
            side.append(("text", text))
    side.append(("heading", heading["languages"]))
    levels = ["native", "fluent", "C1", "B2", "professional"]
    side.append(
        ("text", ", ".join(f"{lang} ({rng.choice(levels)})" for lang in person["languages"]))
    )
    return {
        "layout": layout,
        "header": header,
        "contact": contact,
        "main": main,
        "side": side,
        "expected": expected,
        "style": {
            "dates": date_style,
            "jobs": job_style,
            "education": edu_style,
            "contact": contact_style,
            "skills": skill_style,
        },
    }
