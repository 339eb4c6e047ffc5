"""Who the CV is about: name, email, phone, location, links and headline, with provenance."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers

from tasks.cv.dates import RANGE_RE
from tasks.cv.layout import Line
from tasks.cv.lexicon import COUNTRY_NAMES, PHONE_REGIONS, TITLE_WORDS, US_STATES
from tasks.cv.sections import BULLET, Section

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
URL = re.compile(
    r"(?:https?://|www\.)[^\s|,;]+|\b(?:linkedin\.com|github\.com|gitlab\.com|behance\.net"
    r"|dribbble\.com|stackoverflow\.com|twitter\.com|x\.com|medium\.com)/[^\s|,;]+",
    re.IGNORECASE,
)
PHONE_CANDIDATE = re.compile(r"(?:\+|00)?\(?\d[\d\s().\-/]{6,}\d")
LABEL = re.compile(
    r"^(?:e-?mail|mail|phone|tel(?:ephone)?|mobile|cell|mob\.?|location|address|city|"
    r"based in|residence|linkedin|github|website|web|portfolio|name)\s*[:\-–]?\s*",
    re.IGNORECASE,
)
SEPARATORS = re.compile(r"\s*(?:\||•|·|◦|▪|;|\s{3,}|\s[–—]\s)\s*")
NAME_PARTICLES = frozenset(
    "van von der den de da di du le la del della dos das bin ibn al el ter ten zu y".split()
)
NOT_NAME_WORDS = TITLE_WORDS | frozenset(
    """curriculum vitae resume résumé cv contact profile summary page confidential personal
    details information address phone email software data web full stack backend frontend
    senior junior the and of for in at with""".split()
)
NAME_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'’.\-]*(?:[-'’][^\W\d_]+)*\.?$")


def field(value: str, confidence: float, line: Line) -> dict[str, Any]:
    """The profile's Field: a value, how sure we are, and where it was read."""
    return {
        "value": value,
        "confidence": round(confidence, 2),
        "source": {"page": line.page, "line": line.line},
    }


def _segments(text: str) -> list[str]:
    return [part.strip(" ,") for part in SEPARATORS.split(text) if part.strip(" ,")]


def looks_like_name(text: str) -> bool:
    """Two to five capitalised words of letters, none of them a job or heading word."""
    words = text.split()
    if not 2 <= len(words) <= 5 or len(text) > 60:
        return False
    capitalised = 0
    for word in words:
        if not NAME_TOKEN.match(word):
            return False
        if word.casefold() in NOT_NAME_WORDS:
            return False
        if word[0].isupper():
            capitalised += 1
        elif word.casefold() not in NAME_PARTICLES:
            return False
    return capitalised >= 2


def _is_contact_text(text: str) -> bool:
    return bool(EMAIL.search(text) or URL.search(text) or _phone_in(text, None))


def _phone_in(text: str, region: str | None) -> tuple[str, float] | None:
    """(number, confidence): E.164 when phonenumbers can read it, else as written."""
    for match in PHONE_CANDIDATE.finditer(text):
        raw = match.group().strip()
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15 or RANGE_RE.search(raw):
            continue
        # a national number belongs to the CV's own country when the location names one;
        # reading it as another country's would invent a wrong international number
        if raw.startswith(("+", "00")):
            regions: list[str | None] = [None]
        else:
            regions = [region] if region else ["US", "GB", "DE"]
        for candidate_region in regions:
            if raw.startswith("00"):
                raw = "+" + raw[2:]
            try:
                number = phonenumbers.parse(raw, candidate_region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                return e164, 0.95 if candidate_region in (None, region) else 0.8
        if raw.startswith("+") or len(digits) >= 9:
            return " ".join(match.group().split()), 0.5
    return None


def _is_place(text: str) -> tuple[bool, float]:
    """Whether a short text reads as "City, Country", "City, ST" or a country name."""
    parts = [part.strip() for part in text.split(",")]
    if not 1 <= len(parts) <= 3 or any(not part for part in parts):
        return False, 0.0
    if any(ch.isdigit() for ch in text) and not re.search(r"\b\d{4,5}\b", text):
        return False, 0.0
    last = parts[-1]
    if last.casefold() in COUNTRY_NAMES or last in US_STATES:
        return True, 0.9
    words = text.replace(",", " ").split()
    if len(parts) >= 2 and all(word[0].isupper() for word in words if word[0].isalpha()):
        if not any(word.casefold() in TITLE_WORDS for word in words) and len(words) <= 6:
            return True, 0.6
    return False, 0.0


def region_for(location: str | None) -> str | None:
    if not location:
        return None
    last = location.split(",")[-1].strip()
    if last in US_STATES:
        return "US"
    return PHONE_REGIONS.get(last.casefold())


# the two halves of an email or phone number that a narrow column broke in the middle
EMAIL_HEAD = re.compile(r"\S+@\S*$")
DOMAIN_TAIL = re.compile(r"^[a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}$", re.IGNORECASE)
PHONE_HEAD = re.compile(r"\+?\d[\d ()./-]{5,}\d$")
DIGITS_TAIL = re.compile(r"^\d{2,5}$")


def _joiner(line: Line, following: Line) -> str | None:
    """How `following` continues a wrapped contact line ("" or " "), or None when it does not.

    "…@inbox.exa" + "mple.net" and "+34 91 8342" + "8801" were broken mid-value; "…, Oslo," +
    "Norway" and "Location: London, United" + "Kingdom" were broken mid-place.
    """
    text, tail = line.text.rstrip(), following.text.strip()
    if following.column != line.column or len(tail.split()) > 3:
        return None
    if EMAIL_HEAD.search(text) and DOMAIN_TAIL.match(tail):
        return ""
    if PHONE_HEAD.search(text) and DIGITS_TAIL.match(tail):
        return " "
    if LABEL.match(tail) or EMAIL.search(tail):
        return None
    if text.endswith(","):
        return " "
    last = text.rsplit(",", 1)[-1].strip()
    completed = f"{last} {tail}".casefold()
    if "," in text and last.casefold() not in COUNTRY_NAMES and completed in COUNTRY_NAMES:
        return " "
    return None


def _unwrapped(lines: list[Line]) -> list[Line]:
    out: list[Line] = []
    for line in lines:
        joiner = _joiner(out[-1], line) if out else None
        if joiner is not None:
            last = out[-1]
            text = f"{last.text.rstrip()}{joiner}{line.text.strip()}"
            out[-1] = Line(text, last.page, last.line, last.column)
            continue
        out.append(line)
    return out


def contact_profile(sections: list[Section]) -> dict[str, Any]:
    """name, first/last name, email, phone, location, links, headline from the whole CV."""
    near = _unwrapped(
        [
            line
            for section in sections
            if section.key in {"preamble", "contact", "links"}
            for line in section.lines
        ]
    )
    every = [line for section in sections for line in section.lines]
    result: dict[str, Any] = {"links": []}
    for line in near + every:
        if "email" not in result and (match := EMAIL.search(line.text)):
            result["email"] = field(match.group().rstrip("."), 0.99 if line in near else 0.8, line)
        for match in URL.finditer(line.text):
            link = match.group().rstrip(".")
            if not EMAIL.search(link) and link not in [item["value"] for item in result["links"]]:
                result["links"].append(field(link, 0.95, line))
    location = None
    for line in near:
        labelled = LABEL.match(line.text)
        if labelled and re.match(r"(?i)(location|address|city|based in|residence)", line.text):
            value = line.text[labelled.end() :].strip()
            location = field(value, 0.95, line)
            break
        for segment in _segments(LABEL.sub("", line.text)):
            place, confidence = _is_place(segment)
            if place and not _is_contact_text(segment) and not looks_like_name(segment):
                if location is None or confidence > location["confidence"]:
                    location = field(segment, confidence, line)
    result["location"] = location
    region = region_for(location["value"] if location else None)
    for line in near + every:
        if RANGE_RE.search(line.text) and line not in near:
            continue
        found = _phone_in(LABEL.sub("", line.text), region)
        if found:
            result["phone"] = field(found[0], found[1] if line in near else found[1] - 0.2, line)
            break
    result.update(_name_and_headline(sections, result))
    return result


def _name_and_headline(sections: list[Section], found: dict[str, Any]) -> dict[str, Any]:
    name_line: Line | None = None
    name = None
    headline = None
    preamble = [line for section in sections if section.key == "preamble" for line in section.lines]
    candidates = preamble + [
        line for section in sections if section.key == "contact" for line in section.lines
    ]
    # The name is usually the first name-like text; a name-like text set in a bigger font
    # than it (the name printed large under a "Contact" sidebar, say) is the better guess.
    for line in candidates:
        text = LABEL.sub("", line.text) if line.text.lower().startswith("name") else line.text
        for segment in _segments(text)[:2]:
            if looks_like_name(segment):
                if name_line is None or line.size > name_line.size:
                    name, name_line = segment, line
                break
    result: dict[str, Any] = {"name": None, "first_name": None, "last_name": None}
    if name and name_line:
        confidence = 0.9 if name_line in preamble[:3] else 0.7
        display = name.title() if name.isupper() else name
        result["name"] = field(display, confidence, name_line)
        words = display.split()
        result["first_name"] = words[0]
        result["last_name"] = " ".join(words[1:])
        index = preamble.index(name_line) if name_line in preamble else -1
        for line in preamble[index + 1 : index + 4] if index >= 0 else []:
            text = BULLET.sub("", line.text)
            rest = [s for s in _segments(text) if not _is_contact_text(s) and not _is_place(s)[0]]
            if rest and len(rest[0].split()) <= 10 and not rest[0].endswith("."):
                headline = field(rest[0], 0.75, line)
                break
        else:
            segments = _segments(name_line.text)
            if len(segments) > 1 and not _is_contact_text(segments[1]):
                headline = field(segments[1], 0.7, name_line)
    result["headline"] = headline
    return result
