"""Section headings ("Work History", "EDUCATION", "Licenses & Certifications:") and the sections."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tasks.cv.layout import Line
from tasks.cv.lexicon import HEADING_INDEX

_LEADING_MARKS = re.compile(r"^[\W\d_]*(?=\w)", re.UNICODE)
_SPACED_LETTERS = re.compile(r"^(?:\w ){2,}\w$")
WRAPPED_HEAD = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)?(?: ?[&/+])?")
BULLET = re.compile(r"^\s*[•●▪◦‣∙·*\-–—>»✓✔]\s*")


@dataclass
class Section:
    """Lines under one heading; `key` is "preamble" before the first heading of a column."""

    key: str
    heading: Line | None
    lines: list[Line] = field(default_factory=list)


def normalize_heading(text: str) -> str:
    text = text.strip()
    if _SPACED_LETTERS.match(text):  # "E X P E R I E N C E"
        text = text.replace(" ", "")
    text = _LEADING_MARKS.sub("", text).rstrip(" :.-–—|")
    text = text.replace("&", " and ").replace("/", " and ").replace("+", " and ")
    return " ".join(text.casefold().split())


def heading_key(text: str) -> tuple[str, str] | None:
    """(section key, inline content) when `text` is a heading, e.g. "Skills: Python, Go"."""
    if len(text) > 60:
        head, sep, rest = text.partition(":")
        if not sep:
            return None
    else:
        head, sep, rest = text.partition(":")
    key = HEADING_INDEX.get(normalize_heading(head))
    if key is None:
        if sep:
            return None
        key = HEADING_INDEX.get(normalize_heading(text))
        return (key, "") if key else None
    return key, rest.strip()


def split_sections(lines: list[Line]) -> list[Section]:
    """Group lines by heading; a new column starts over with a preamble of its own."""
    sections = [Section("preamble", None)]
    skip = False
    for index, line in enumerate(lines):
        if skip:
            skip = False
            continue
        if line.column_start and line.column == 1:
            sections.append(Section("preamble", None))
        found = heading_key(line.text)
        following = lines[index + 1] if index + 1 < len(lines) else None
        if found is None and following is not None and WRAPPED_HEAD.fullmatch(line.text):
            # A heading wrapped in a narrow column: "Licenses &" / "Certifications".
            wrapped = heading_key(f"{line.text} {following.text}")
            if wrapped is not None and not wrapped[1]:
                found, skip = wrapped, True
        if found is not None:
            key, inline = found
            sections.append(Section(key, line))
            if inline:
                sections[-1].lines.append(Line(inline, line.page, line.line, line.column))
            continue
        sections[-1].lines.append(line)
    return [section for section in sections if section.lines or section.heading]
