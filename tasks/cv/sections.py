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


def _style(line: Line) -> tuple[str, float, bool] | None:
    return (line.font, round(line.size, 1), line.bold) if line.font else None


def heading_styles(lines: list[Line]) -> set[tuple[str, float, bool]]:
    """The font, size and weight of the CV's known headings, when they are the headings' own:
    at most a few other lines share them (else the style is that of entry titles, say)."""
    known = [style for line in lines if heading_key(line.text) and (style := _style(line))]
    styles = set(known)
    others = sum(1 for line in lines if _style(line) in styles and heading_key(line.text) is None)
    return styles if known and others <= max(1, len(known) // 3) else set()


def looks_like_heading(line: Line, styles: set[tuple[str, float, bool]]) -> bool:
    """A short line set exactly like the CV's headings: a heading our word lists do not know
    ("Research Grants"), which ends the section above it."""
    text = line.text.strip()
    return (
        _style(line) in styles
        and len(text.split()) <= 5
        and not re.search(r"[\d@.]", text)
        and re.search(r"[^\W\d_]", text) is not None
    )


def split_sections(lines: list[Line]) -> list[Section]:
    """Group lines by heading; a new column starts over with a preamble of its own. A line set
    like the known headings but not among them opens an "other" section."""
    sections = [Section("preamble", None)]
    styles = heading_styles(lines)
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
        if found is None and sections[-1].key != "preamble" and looks_like_heading(line, styles):
            found = ("other", "")  # (a preamble's name and headline are no headings)
        if found is not None:
            key, inline = found
            sections.append(Section(key, line))
            if inline:
                sections[-1].lines.append(Line(inline, line.page, line.line, line.column))
            continue
        sections[-1].lines.append(line)
    return [section for section in sections if section.lines or section.heading]
