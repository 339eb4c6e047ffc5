"""Entries of the list sections: jobs, degrees and certifications, each anchored on its dates.

A CV repeats one arrangement per section: either the title/company lines come *before* the
line with the dates, or the dates come first and the rest follows. We learn which from the first
entry and read the others the same way; the remaining lines of an entry are its description.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tasks.cv.dates import DATE, MONTH_NAME, PRESENT, RANGE_RE, YEAR_RE, find_range
from tasks.cv.layout import Line, is_dates_only
from tasks.cv.lexicon import (
    CITY_NAMES,
    COMPANY_WORDS,
    COUNTRY_NAMES,
    DEGREE_RE,
    INSTITUTION_WORDS,
    TITLE_WORDS,
    US_STATES,
)
from tasks.cv.sections import BULLET

STRONG_SEPARATORS = re.compile(r"\s*(?:\||•|·|▪|\s[—–]\s|\s-\s|\s@\s|\s{3,}|\t)\s*")
AT = re.compile(r"\s+at\s+", re.IGNORECASE)
# a date range cut by a line wrap: "... (2011 -" + "2014)", or "... (2008" + "- 2010)"
OPEN_RANGE_END = re.compile(r"\d{4}\s*(?:[–—-]|to)\s*$", re.IGNORECASE)
YEAR_END = re.compile(r"\d{4}\s*$")
RANGE_REST = re.compile(
    r"^\(?\s*(?:[a-z]{3,9}\.?\s+)?(?:\d{1,2}[/.])?(?:\d{4}|present|current|now|today)\b",
    re.IGNORECASE,
)
DATE_TAIL = re.compile(rf"(?i)(?:{PRESENT}|{DATE}|{MONTH_NAME})")
# a range left open at the end of a cell ("Dec 2023 -", "Feb 2021 - July"), then a gap or the end
OPEN_CELL = re.compile(rf"(?i){DATE}\s*(?:[–—-]|to)(?:\s*{MONTH_NAME})?(?=\s{{2,}}|\s*$)")
RANGE_TAIL = re.compile(r"^(?:[–—-]|to)\s*", re.IGNORECASE)
PARENS = re.compile(r"\(([^()]*)\)")
LINKING_END = re.compile(r"(?i)\s(?:of|de|di|da|do|del|der|des|du|the|and|for|&)$")
# title, employer and "place | dates" each on a line of their own is the longest common header
MAX_HEADER_LINES = 3


@dataclass
class Entry:
    header: list[Line]
    body: list[Line]
    anchor: Line
    dates: str


def clean(text: str) -> str:
    """Trim separators and unbalanced brackets left over from splitting."""
    previous = None
    while previous != text:
        previous = text
        text = text.strip(" ,;:|–—-•·\t")
        if text.endswith(")") and text.count("(") < text.count(")"):
            text = text[:-1]
        if text.startswith("(") and text.count("(") > text.count(")"):
            text = text[1:]
        if text.startswith("(") and text.endswith(")"):
            text = text[1:-1]
    return text


def is_header_like(line: Line) -> bool:
    """Short and not a sentence; "Hooli Inc." and "Coastline Construction Co." end with an
    abbreviation, not a full stop."""
    text = line.text.rstrip()
    last = text.rsplit(maxsplit=1)[-1].casefold() if text else ""
    sentence = text.endswith(";") or (text.endswith(".") and last not in COMPANY_WORDS)
    return not BULLET.match(text) and len(text) <= 100 and len(text.split()) <= 14 and not sentence


def group_entries(lines: list[Line], is_anchor: Callable[[str], bool]) -> list[Entry]:
    """Split a section into entries around its anchor lines (see the module docstring)."""
    anchors = [index for index, line in enumerate(lines) if is_anchor(line.text)]
    if not anchors:
        return []
    before = anchors[0] > 0 and is_header_like(lines[anchors[0] - 1])
    starts: list[int] = []
    header_spans: list[tuple[int, int]] = []
    for position, anchor in enumerate(anchors):
        floor = anchors[position - 1] + 1 if position else 0
        ceiling = anchors[position + 1] if position + 1 < len(anchors) else len(lines)
        if before:
            start = anchor
            while start - 1 >= floor and anchor - (start - 1) <= MAX_HEADER_LINES:
                if not is_header_like(lines[start - 1]):
                    break
                start -= 1
                if _has_title_and_org(lines[start : anchor + 1]):
                    break
            starts.append(start)
            header_spans.append((start, anchor + 1))
        else:
            end = anchor + 1
            while end < ceiling and end - anchor <= MAX_HEADER_LINES and is_header_like(lines[end]):
                if _has_title_and_org(lines[anchor:end]):
                    break
                end += 1
            starts.append(anchor)
            header_spans.append((anchor, end))
    entries = []
    for position, (start, end) in enumerate(header_spans):
        stop = starts[position + 1] if position + 1 < len(starts) else len(lines)
        anchor_line = lines[anchors[position]]
        found = RANGE_RE.search(anchor_line.text) or YEAR_RE.search(anchor_line.text)
        entries.append(
            Entry(
                header=lines[start:end],
                body=lines[end:stop],
                anchor=anchor_line,
                dates=found.group() if found else "",
            )
        )
    return entries


def _cell_rejoined(previous: str, text: str) -> str | None:
    """A date range wrapped inside a table cell or column: "July 2016 - August   Title" +
    "2020" gives "July 2016 - August 2020   Title"; None when `text` is no such tail."""
    if not DATE_TAIL.fullmatch(text):
        return None
    opened = OPEN_CELL.search(previous)
    if opened is None:
        return None
    return f"{previous[: opened.end()]} {text}{previous[opened.end() :]}"


def rejoined_names(lines: list[Line]) -> list[Line]:
    """A name a narrow column wrapped: after a linking word ("Stockholm School of" +
    "Economics") or before its legal form ("... at Bluefin Distribution" + "LLC")."""
    out: list[Line] = []
    for line in lines:
        linked = LINKING_END.search(out[-1].text) if out else None
        legal_form = line.text.strip().casefold() in COMPANY_WORDS and len(line.text.split()) == 1
        if out and (linked or legal_form) and not BULLET.match(line.text):
            previous = out[-1]
            out[-1] = Line(
                f"{previous.text} {line.text}", previous.page, previous.line, previous.column
            )
            continue
        out.append(line)
    return out


def rejoined_ranges(lines: list[Line]) -> list[Line]:
    """Put a date range that a line wrap cut in two back on one line."""
    out: list[Line] = []
    for line in lines:
        text = line.text.strip()
        wrapped_dates = text.startswith("(") or (out and out[-1].text.rstrip().endswith(","))
        if out and wrapped_dates and is_dates_only(text) and not find_range(out[-1].text):
            # "Degree, Institution" + "(2006 - 2009)": the dates of that line, wrapped
            previous = out[-1]
            out[-1] = Line(f"{previous.text} {text}", previous.page, previous.line, previous.column)
            continue
        if out and (joined := _cell_rejoined(out[-1].text, text)) is not None:
            previous = out[-1]
            out[-1] = Line(joined, previous.page, previous.line, previous.column)
            continue
        if out:
            last = out[-1].text
            text = line.text.strip()
            tail = RANGE_TAIL.sub("", text, count=1)
            cut_after_dash = OPEN_RANGE_END.search(last) and RANGE_REST.match(text)
            cut_before_dash = YEAR_END.search(last) and tail != text and RANGE_REST.match(tail)
            if cut_after_dash or cut_before_dash:
                previous = out[-1]
                out[-1] = Line(f"{last} {text}", previous.page, previous.line, previous.column)
                continue
        out.append(line)
    return out


def _has_title_and_org(lines: list[Line]) -> bool:
    pieces = _pieces(" | ".join(without_dates(line.text) for line in lines))
    return len(pieces) >= 2


def without_dates(text: str) -> str:
    text = RANGE_RE.sub(" | ", text)
    return re.sub(rf"(?i)\b(?:since|from|until|expected|issued|obtained)?\s*{DATE}", " | ", text)


def strip_place(text: str) -> str:
    """Drop a trailing ", City, Country" / ", City, ST" / ", Remote" from an entry piece."""
    parts = [part.strip() for part in text.split(",")]
    while len(parts) > 1:
        last = parts[-1]
        if last.casefold() in COUNTRY_NAMES or last in US_STATES or last.lower() == "remote":
            parts.pop()
            if len(parts) > 1 and len(parts[-1].split()) <= 3 and parts[-1][:1].isupper():
                parts.pop()
            continue
        break
    return ", ".join(parts)


def _is_place_piece(text: str) -> bool:
    """ "City, Country", "City, ST", a known city or country alone, or a work mode."""
    parts = [part.strip() for part in text.split(",")]
    return (
        parts[-1].casefold() in COUNTRY_NAMES
        or parts[-1] in US_STATES
        or (text.casefold() in {"remote", "hybrid", "on-site"})
        or all(part.casefold() in CITY_NAMES for part in parts)
    )


def _comma_parts(text: str) -> list[str]:
    """ "Title, Company" as two pieces; a legal form after a comma ("Acme, Inc.") stays attached."""
    parts: list[str] = []
    for part in text.split(", "):
        if parts and (part.casefold().strip(".") in COMPANY_WORDS and len(part.split()) == 1):
            parts[-1] = f"{parts[-1]}, {part}"
        else:
            parts.append(part)
    return parts


def _pieces(text: str) -> list[str]:
    text = PARENS.sub(lambda m: " | " + m.group(1) + " | ", text)
    pieces: list[str] = []
    for part in STRONG_SEPARATORS.split(text):
        for sub in AT.split(part):
            for piece in _comma_parts(clean(strip_place(clean(sub)))):
                piece = clean(piece)
                if piece and not _is_place_piece(piece) and re.search(r"[^\W\d_]", piece):
                    pieces.append(piece)
    return pieces


def _words(text: str) -> list[str]:
    return [word.strip(".,()").casefold() for word in text.split()]


def _title_score(text: str) -> int:
    return sum(word in TITLE_WORDS for word in _words(text))


def _company_score(text: str) -> int:
    words = _words(text)
    return sum(word in COMPANY_WORDS for word in words) + ("&" in text)


def _ends_in_role(text: str) -> bool:
    words = _words(text)
    return bool(words) and words[-1] in TITLE_WORDS and words[-1] not in COMPANY_WORDS


def split_title_company(pieces: list[str]) -> tuple[str | None, str | None, float]:
    """Which piece is the job title and which the employer, with a confidence."""
    if not pieces:
        return None, None, 0.0
    if len(pieces) == 1:
        piece = pieces[0]
        if _title_score(piece) > _company_score(piece):
            return piece, None, 0.5
        return None, piece, 0.4
    scored = sorted(
        range(len(pieces)),
        key=lambda i: (
            _title_score(pieces[i]) - _company_score(pieces[i]),
            _ends_in_role(pieces[i]),  # "Software Engineer": the role noun comes last
            -i,
        ),
        reverse=True,
    )
    title_index = scored[0]
    rest = [i for i in range(len(pieces)) if i != title_index]
    company_index = max(rest, key=lambda i: (_company_score(pieces[i]), -i))
    sure = _title_score(pieces[title_index]) > 0 and _title_score(pieces[company_index]) == 0
    confidence = 0.85 if sure else 0.55
    if _title_score(pieces[title_index]) == 0:
        title_index, company_index = (
            min(title_index, company_index),
            max(title_index, company_index),
        )
    return pieces[title_index], pieces[company_index], confidence


def source(line: Line) -> dict[str, int]:
    return {"page": line.page, "line": line.line}


def _description(lines: list[Line]) -> str | None:
    text = "\n".join(line.text for line in lines).strip()
    return text or None


def experience_entries(lines: list[Line]) -> list[dict[str, Any]]:
    jobs = []
    lines = rejoined_ranges(rejoined_names(lines))
    for entry in group_entries(lines, lambda text: find_range(text) is not None):
        found = find_range(entry.anchor.text)
        if found is None:
            continue
        header = " | ".join(without_dates(line.text) for line in entry.header)
        title, company, confidence = split_title_company(_pieces(header))
        jobs.append(
            {
                "company": company,
                "title": title,
                "start": found.start.iso(),
                "end": found.end.iso() if found.end else None,
                "current": found.current,
                "description": _description(entry.body),
                "confidence": confidence,
                "source": source(entry.header[0]),
            }
        )
    return jobs


def _is_education_anchor(text: str) -> bool:
    return find_range(text) is not None or bool(YEAR_RE.search(text))


def _institution_score(text: str) -> int:
    words = _words(text)
    return sum(word in INSTITUTION_WORDS for word in words)


def split_degree(text: str) -> tuple[str, str | None]:
    """("Master of Science", "Computer Science") from "Master of Science in Computer Science"."""
    match = re.match(
        r"^(?P<degree>.*?\b(?:of|in)\s+(?:arts|science|sciences|engineering|laws|business"
        r" administration|fine arts|philosophy|education|technology|medicine|music|applied science"
        r"|applied arts|nursing|commerce|architecture|public health|social work|law))"
        r"(?:\s*(?:in|,|:|-|–)\s*|\s+)(?P<field>.+)$",
        text,
        re.IGNORECASE,
    )
    if match:
        return match["degree"].strip(), clean(match["field"]) or None
    written_out = re.fullmatch(r"(?i)(?:bachelor|master|doctor|associate)\w*\s+of\s+[\w ]+", text)
    if written_out and not re.search(r"\sin\s", text):
        return text, None
    match = re.match(r"^(?P<degree>.+?)\s+(?:in|of)\s+(?P<field>.+)$", text)
    if match and DEGREE_RE.search(match["degree"]):
        return match["degree"].strip(), clean(match["field"]) or None
    found = DEGREE_RE.search(text)
    if found and found.start() == 0 and found.end() < len(text):
        rest = clean(text[found.end() :])
        if rest and rest[0].isupper():
            return text[: found.end()].strip(), rest
    return text, None


def education_entries(lines: list[Line]) -> list[dict[str, Any]]:
    schools = []
    lines = rejoined_ranges(rejoined_names(lines))
    for entry in group_entries(lines, _is_education_anchor):
        found = find_range(entry.anchor.text)
        years = [int(y) for y in YEAR_RE.findall(entry.dates)]
        start_year = found.start.year if found else None
        end_year = (
            (found.end.year if found.end else None) if found else (years[-1] if years else None)
        )
        header = " | ".join(without_dates(line.text) for line in entry.header)
        pieces = _pieces(header)
        institution = max(pieces, key=_institution_score, default=None)
        if institution is not None and not _institution_score(institution):
            degree_pieces = [p for p in pieces if DEGREE_RE.search(p)]
            others = [p for p in pieces if p not in degree_pieces]
            institution = others[0] if others else None
        degree_piece = next(
            (p for p in pieces if p != institution and DEGREE_RE.search(p)),
            next((p for p in pieces if p != institution), None),
        )
        degree, subject = split_degree(degree_piece) if degree_piece else (None, None)
        if subject is None and degree_piece:
            remaining = [p for p in pieces if p not in (institution, degree_piece)]
            subject = remaining[0] if remaining else None
        confidence = 0.85 if institution and degree and _institution_score(institution) else 0.6
        schools.append(
            {
                "institution": institution,
                "degree": degree,
                "field": subject,
                "start_year": start_year,
                "end_year": end_year,
                "confidence": confidence,
                "source": source(entry.header[0]),
            }
        )
    return schools
