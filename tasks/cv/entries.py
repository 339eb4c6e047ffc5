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

from tasks.cv.dates import DATE, RANGE_RE, YEAR_RE, find_range
from tasks.cv.layout import Line
from tasks.cv.lexicon import (
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
RANGE_TAIL = re.compile(r"^(?:[–—-]|to)\s*", re.IGNORECASE)
PARENS = re.compile(r"\(([^()]*)\)")


@dataclass
class Entry:
    header: list[Line]
    body: list[Line]
    anchor: Line
    dates: str


def _clean(text: str) -> str:
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
    text = line.text
    return (
        not BULLET.match(text)
        and len(text) <= 100
        and len(text.split()) <= 14
        and not text.rstrip().endswith((".", ";"))
    )


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
            while start - 1 >= floor and anchor - (start - 1) <= 2:
                if not is_header_like(lines[start - 1]):
                    break
                start -= 1
                if _has_title_and_org(lines[start : anchor + 1]):
                    break
            starts.append(start)
            header_spans.append((start, anchor + 1))
        else:
            end = anchor + 1
            while end < ceiling and end - anchor <= 2 and is_header_like(lines[end]):
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


def rejoined_ranges(lines: list[Line]) -> list[Line]:
    """Put a date range that a line wrap cut in two back on one line."""
    out: list[Line] = []
    for line in lines:
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
    pieces = _pieces(" | ".join(_without_dates(line.text) for line in lines))
    return len(pieces) >= 2


def _without_dates(text: str) -> str:
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
    parts = [part.strip() for part in text.split(",")]
    return (
        parts[-1].casefold() in COUNTRY_NAMES
        or parts[-1] in US_STATES
        or (text.casefold() in {"remote", "hybrid", "on-site"})
    )


def _pieces(text: str) -> list[str]:
    text = PARENS.sub(lambda m: " | " + m.group(1) + " | ", text)
    pieces: list[str] = []
    for part in STRONG_SEPARATORS.split(text):
        for sub in AT.split(part):
            sub = _clean(strip_place(_clean(sub)))
            if sub and not _is_place_piece(sub) and re.search(r"[^\W\d_]", sub):
                pieces.append(sub)
    return pieces


def _words(text: str) -> list[str]:
    return [word.strip(".,()").casefold() for word in text.split()]


def _title_score(text: str) -> int:
    return sum(word in TITLE_WORDS for word in _words(text))


def _company_score(text: str) -> int:
    words = _words(text)
    return sum(word in COMPANY_WORDS for word in words) + ("&" in text)


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
        key=lambda i: (_title_score(pieces[i]) - _company_score(pieces[i]), -i),
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


def _source(line: Line) -> dict[str, int]:
    return {"page": line.page, "line": line.line}


def _description(lines: list[Line]) -> str | None:
    text = "\n".join(line.text for line in lines).strip()
    return text or None


def experience_entries(lines: list[Line]) -> list[dict[str, Any]]:
    jobs = []
    lines = rejoined_ranges(lines)
    for entry in group_entries(lines, lambda text: find_range(text) is not None):
        found = find_range(entry.anchor.text)
        if found is None:
            continue
        header = " | ".join(_without_dates(line.text) for line in entry.header)
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
                "source": _source(entry.header[0]),
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
        r" administration|fine arts|philosophy|education|technology|medicine|music))"
        r"(?:\s*(?:in|,|:|-|–)\s*|\s+)(?P<field>.+)$",
        text,
        re.IGNORECASE,
    )
    if match:
        return match["degree"].strip(), _clean(match["field"]) or None
    if re.fullmatch(r"(?i)(?:bachelor|master|doctor)\w*\s+of\s+[\w ]+", text) and not re.search(
        r"\sin\s", text
    ):
        return text, None
    match = re.match(r"^(?P<degree>.+?)\s+(?:in|of)\s+(?P<field>.+)$", text)
    if match and DEGREE_RE.search(match["degree"]):
        return match["degree"].strip(), _clean(match["field"]) or None
    found = DEGREE_RE.search(text)
    if found and found.start() == 0 and found.end() < len(text):
        rest = _clean(text[found.end() :])
        if rest and rest[0].isupper():
            return text[: found.end()].strip(), rest
    return text, None


def education_entries(lines: list[Line]) -> list[dict[str, Any]]:
    schools = []
    lines = rejoined_ranges(lines)
    for entry in group_entries(lines, _is_education_anchor):
        found = find_range(entry.anchor.text)
        years = [int(y) for y in YEAR_RE.findall(entry.dates)]
        start_year = found.start.year if found else None
        end_year = (
            (found.end.year if found.end else None) if found else (years[-1] if years else None)
        )
        header = " | ".join(_without_dates(line.text) for line in entry.header)
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
                "source": _source(entry.header[0]),
            }
        )
    return schools


CERT_ISSUER_HINT = re.compile(r"\b(?:issued by|by|from)\s+(?P<issuer>.+)$", re.IGNORECASE)
LEVEL_WORDS = frozenset(
    "associate professional practitioner foundation expert specialty advanced fundamentals"
    " intermediate beginner level part".split()
)


def _certificate_lines(lines: list[Line]) -> list[Line]:
    """One line per certificate: when certificates carry years, a line without one (or a
    bullet-less line in a bulleted list) is the wrapped start or end of its neighbour."""
    texts = [BULLET.sub("", line.text).strip() for line in lines]
    bulleted = sum(bool(BULLET.match(line.text)) for line in lines) >= 2
    dated = any(YEAR_RE.search(text) for text in texts)
    merged: list[Line] = []
    pending: Line | None = None
    for line, text in zip(lines, texts, strict=True):
        if not text:
            continue
        if bulleted and merged and not BULLET.match(line.text):
            last = merged[-1]
            merged[-1] = Line(f"{last.text} {text}", last.page, last.line)
            continue
        current = Line(text, line.page, line.line)
        if pending is not None:
            current = Line(f"{pending.text} {text}", pending.page, pending.line)
            pending = None
        if dated and not bulleted and not YEAR_RE.search(current.text):
            pending = current
            continue
        merged.append(current)
    if pending is not None:
        if merged:
            last = merged[-1]
            merged[-1] = Line(f"{last.text} {pending.text}", last.page, last.line)
        else:
            merged.append(pending)
    return merged


def certification_entries(lines: list[Line]) -> list[dict[str, Any]]:
    certs: list[dict[str, Any]] = []
    for line in _certificate_lines(lines):
        text = line.text
        years = [int(y) for y in YEAR_RE.findall(text)]
        year = years[-1] if years else None
        rest = _without_dates(text)
        rest = re.sub(r"(?i)\b(?:issued|obtained|earned|valid until|expires?)\b", " ", rest)
        issuer = None
        hint = CERT_ISSUER_HINT.search(rest)
        if hint:
            issuer = _clean(hint["issuer"].split("|")[0])
            rest = rest[: hint.start()]
        pieces = _cert_pieces(rest)
        if not pieces:
            continue
        title = pieces[0]
        if issuer is None and len(pieces) > 1:
            issuer = pieces[-1]
            title = " – ".join(pieces[:-1]) if len(pieces) > 2 else pieces[0]
        certs.append(
            {
                "title": title,
                "issuer": issuer,
                "year": year,
                "confidence": 0.8 if issuer else 0.6,
                "source": _source(line),
            }
        )
    return certs


def _cert_pieces(text: str) -> list[str]:
    text = PARENS.sub(
        lambda m: (
            m.group(0) if re.fullmatch(r"[A-Z0-9\-]{2,6}", m.group(1)) else f" | {m.group(1)} |"
        ),
        text,
    )
    for pattern in (r"\s*(?:\||·|•|\s{3,})\s*", r"\s*,\s+", r"\s+—\s+", r"\s+[–-]\s+"):
        parts = [_clean(part) for part in re.split(pattern, text) if _clean(part)]
        if len(parts) > 1:
            if pattern.startswith(r"\s+[–-]") and parts[-1].casefold().split()[0] in LEVEL_WORDS:
                continue
            return parts
    cleaned = _clean(text)
    return [cleaned] if cleaned else []
