"""Certificates: one per line (or per wrapped or two-line block), split into title, issuer, year.

"Title — Issuer, 2019", "Title (Issuer) 2019", "Title, Issuer, 2019", "Title | Issuer | 2019",
"2019  Title, Issuer", "Title (2019), issued by Issuer" and "Title" over "Issuer · 2019" are
all read; a level after a dash ("- Associate") belongs to the title.
"""

from __future__ import annotations

import re
from typing import Any

from tasks.cv.dates import YEAR_RE
from tasks.cv.entries import PARENS, clean, source, without_dates
from tasks.cv.layout import Line
from tasks.cv.sections import BULLET

# "Issuer · 2019", "Issuer, 2019", "Issuer (2019)": an issuer line that closes with the year
ISSUER_YEAR = re.compile(r"[^\W\d_].*(?:[·|,—–]\s*\(?|\()\d{4}\)?\s*$")
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
    pending_font: str | None = None
    for line, text in zip(lines, texts, strict=True):
        if not text:
            continue
        if bulleted and merged and not BULLET.match(line.text):
            last = merged[-1]
            merged[-1] = Line(f"{last.text} {text}", last.page, last.line)
            continue
        current = Line(text, line.page, line.line)
        if pending is not None:
            # "Title" then "Issuer · 2019" is a title on a line of its own; anything else
            # is a certificate that ran out of room and wrapped
            issuer_line = ISSUER_YEAR.search(text) is not None and text[:1].isupper()
            own_line = issuer_line and (
                # set in another font (a bold title over an italic issuer)
                (pending_font is not None and line.font != "" and line.font != pending_font)
                or (
                    not re.search(r"[,|·—–(]", pending.text)
                    and not pending.text.endswith((" of", " and", " for", " in", "&"))
                )
            )
            joiner = " | " if own_line else " "
            current = Line(f"{pending.text}{joiner}{text}", pending.page, pending.line)
            pending = None
        if dated and not bulleted and not YEAR_RE.search(current.text):
            pending = current
            pending_font = line.font or None
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
        rest = without_dates(text)
        rest = re.sub(r"(?i)\b(?:issued|obtained|earned|valid until|expires?)\b", " ", rest)
        issuer = None
        hint = CERT_ISSUER_HINT.search(rest)
        if hint:
            issuer = clean(hint["issuer"].split("|")[0])
            rest = rest[: hint.start()]
        pieces = _cert_pieces(rest)
        if not pieces:
            continue
        title = pieces[0]
        if issuer is not None:  # "Title, Level (2020), issued by Issuer": the rest is the title
            whole = clean(" ".join(PARENS.sub(" ", rest).split()))
            title = whole if whole and "|" not in whole else title
        if issuer is None and len(pieces) > 1:
            issuer = pieces[-1]
            title = " – ".join(pieces[:-1]) if len(pieces) > 2 else pieces[0]
        certs.append(
            {
                "title": title,
                "issuer": issuer,
                "year": year,
                "confidence": 0.8 if issuer else 0.6,
                "source": source(line),
            }
        )
    return certs


def _abbreviates(match: re.Match[str]) -> bool:
    """ "(CKA)" after "Certified Kubernetes Administrator" abbreviates the title; "(NALA)" after
    "Certified Paralegal" names the issuer."""
    letters = [ch for ch in match.group(1) if ch.isalpha()]
    if not re.fullmatch(r"[A-Z0-9\-]{2,6}", match.group(1)) or not letters:
        return False
    initials = iter(w[0] for w in match.string[: match.start()].split() if w[:1].isupper())
    return all(letter in initials for letter in letters)


def _cert_pieces(text: str) -> list[str]:
    text = PARENS.sub(lambda m: m.group(0) if _abbreviates(m) else f" | {m.group(1)} |", text)
    for pattern in (r"\s*(?:\||·|•|\s{3,})\s*", r"\s+—\s+", r"\s+[–-]\s+", r"\s*,\s+"):
        parts = [clean(part) for part in re.split(pattern, text) if clean(part)]
        if len(parts) > 1:
            level = parts[-1].casefold().split()[0].strip(",;")
            if pattern.startswith(r"\s+[–-]") and level in LEVEL_WORDS:
                continue
            if pattern == r"\s*,\s+" and len(parts) > 2:  # a comma inside the title
                return [", ".join(parts[:-1]), parts[-1]]
            return parts
    cleaned = clean(text)
    return [cleaned] if cleaned else []
