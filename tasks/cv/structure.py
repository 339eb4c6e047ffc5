"""Structuring: from page texts to the profile dict stored in Document.parsed_profile.

Every value keeps a confidence (0..1, a heuristic: how unambiguous the cue was) and the page and
line it was read from, so a recruiter can check it against the PDF.
"""

from __future__ import annotations

import re
from typing import Any

from models.skill_aliases import canonical
from tasks.cv.certificates import certification_entries
from tasks.cv.contact import contact_profile, field
from tasks.cv.entries import education_entries, experience_entries
from tasks.cv.layout import Line, reading_order
from tasks.cv.runs import Row
from tasks.cv.sections import BULLET, Section, split_sections

LIST_SEPARATORS = re.compile(r"\s*(?:[,;|•·●▪◦]|\s{3,}|\s[–—]\s)\s*")
# a list written with explicit separators: whitespace runs inside it are justification, not gaps
EXPLICIT_SEPARATORS = re.compile(r"\s*(?:[,;|•·●▪◦]|\s[–—]\s)\s*")
SEPARATOR_END = re.compile(r"[,;|•·●▪◦]\s*$")
WRAPPED_SHARE = 0.8  # a list line at least this share of the block's widest line ran out of room
LEVEL_SUFFIX = re.compile(
    r"\s*(?:\([^)]*\)|[:\-–—]\s*(?:native|fluent|basic|intermediate|advanced|expert|beginner"
    r"|proficient|conversational|mother tongue|business|professional|working|limited|full"
    r"|elementary|[abc][12]|\d+\+? years?)\b.*|\s+[●○■□★☆]+)$",
    re.IGNORECASE,
)
SKILL_LABEL = re.compile(r"^[^:]{2,30}:\s*")


def empty_profile(page_count: int, text_layer: bool, layout: str = "one-column") -> dict[str, Any]:
    return {
        "name": None,
        "first_name": None,
        "last_name": None,
        "email": None,
        "phone": None,
        "location": None,
        "headline": None,
        "summary": None,
        "skills": [],
        "languages": [],
        "links": [],
        "experience": [],
        "education": [],
        "certifications": [],
        "text_layer": text_layer,
        "page_count": page_count,
        "layout": layout,
    }


def _joined(lines: list[Line]) -> list[Line]:
    """Merge wrapped lines: in a bulleted list a line without a bullet continues the one
    above; elsewhere a line that starts lowercase does."""
    bulleted = sum(bool(BULLET.match(line.text)) for line in lines) >= 2
    merged: list[Line] = []
    for line in lines:
        continues = bulleted or line.text[:1].islower()
        if merged and continues and not BULLET.match(line.text):
            last = merged[-1]
            merged[-1] = Line(f"{last.text} {line.text}", last.page, last.line, last.column)
        else:
            merged.append(line)
    return merged


def _unwrapped(lines: list[Line]) -> list[Line]:
    """Join a comma-separated list's lines where the text wrapped in the middle of an item.

    A line that ran out of room (nearly as wide as the widest line of the list) and does not
    end with a separator continues on the next line: "…, TensorFlow, Power" + "BI, GraphQL".
    A short line without a trailing comma is a deliberate break, and a labelled or bulleted
    line ("Tools: …") always starts anew.
    """
    widest = max((len(line.text) for line in lines), default=0)
    merged: list[Line] = []
    for line in lines:
        if merged:
            last = merged[-1]
            wrapped = (
                EXPLICIT_SEPARATORS.search(last.text) is not None
                and not SEPARATOR_END.search(last.text)
                and len(last.text) >= WRAPPED_SHARE * widest
                and last.column == line.column
                and not BULLET.match(line.text)
                and not SKILL_LABEL.match(line.text)
            )
            if wrapped:
                merged[-1] = Line(f"{last.text} {line.text}", last.page, last.line, last.column)
                continue
        merged.append(line)
    return merged


def list_items(lines: list[Line], max_words: int = 5) -> list[tuple[str, Line]]:
    """Items of a skills-like list: comma/bullet/pipe separated, one or more per line."""
    items: list[tuple[str, Line]] = []
    for line in _unwrapped(_joined(lines)):
        text = BULLET.sub("", line.text)
        text = SKILL_LABEL.sub("", text)
        explicit = EXPLICIT_SEPARATORS.search(text) is not None
        for raw in (EXPLICIT_SEPARATORS if explicit else LIST_SEPARATORS).split(text):
            item = " ".join(LEVEL_SUFFIX.sub("", raw.strip()).strip(" .:-–—*").split())
            if not item or len(item) > 40 or len(item.split()) > max_words:
                continue
            if not re.search(r"[^\W\d_]", item):
                continue
            if item.casefold() not in {seen.casefold() for seen, _ in items}:
                items.append((item, line))
    return items


def canonical_skills(items: list[tuple[str, Line]]) -> list[tuple[str, Line]]:
    """Skills as the product names them (models/skill_aliases.py: "JS" is JavaScript), once
    each; a skill the vocabulary does not know keeps its spelling from the CV."""
    named: list[tuple[str, Line]] = []
    seen: set[str] = set()
    for item, line in items:
        name = canonical(item) or item
        if name.casefold() not in seen:
            seen.add(name.casefold())
            named.append((name, line))
    return named


def _summary(sections: list[Section]) -> dict[str, Any] | None:
    for section in sections:
        if section.key == "summary" and section.lines:
            text = " ".join(line.text for line in section.lines)
            return field(" ".join(text.split()), 0.8, section.lines[0])
    return None


def structure_profile(pages: list[str], styles: list[list[Row]] | None = None) -> dict[str, Any]:
    """The profile for the page texts of one CV (layout-mode text, one string per page), with
    the fonts of their rows when known (`tasks.cv.runs`)."""
    lines, layout = reading_order(pages, styles)
    sections = split_sections(lines)
    profile = empty_profile(len(pages), text_layer=True, layout=layout)
    profile.update(contact_profile(sections))
    profile["summary"] = _summary(sections)

    def lines_of(key: str) -> list[Line]:
        return [line for section in sections if section.key == key for line in section.lines]

    skills = canonical_skills(list_items(lines_of("skills")))
    profile["skills"] = [field(item, 0.8, line) for item, line in skills]
    profile["languages"] = [
        field(item, 0.8, line)
        for item, line in list_items(lines_of("languages"), max_words=3)
        if item[:1].isupper()
    ]
    profile["experience"] = experience_entries(lines_of("experience"))
    profile["education"] = education_entries(lines_of("education"))
    profile["certifications"] = certification_entries(lines_of("certifications"))
    return profile
