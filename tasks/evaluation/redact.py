"""PII redaction of a profile before it leaves the process (the `llm` engine's prompt).

Replaces, in every free-text field and CV line: the candidate's known names, emails, phones,
addresses and dates of birth by [NAME], [EMAIL], [PHONE], [ADDRESS], [DATE]; any email, any
phone-like run of nine or more digits, social-profile URLs ([URL]); lines stating gender, sex,
nationality, date of birth, age or marital status ([REDACTED]); and gendered pronouns and titles,
which become neutral ones ("she led" -> "they led"), so two candidates who differ only in those
send the same prompt. Skills, titles, employers, places of work and dates of work are kept.
"""

from __future__ import annotations

import re
from dataclasses import fields, replace
from datetime import date
from typing import Any

from tasks.cv.contact import EMAIL as _EMAIL
from tasks.cv.contact import NAME_PARTICLES
from tasks.evaluation.inputs import Identifiers, ProfileInput

# nine or more digits with phone punctuation between them; a "2015-2019" span has eight
_PHONE = re.compile(r"(?<![\w])\+?\(?\d(?:[\s().-]{0,3}\d){8,14}(?![\w])")
_SOCIAL = re.compile(
    r"(?:https?://)?(?:www\.)?(?:linkedin\.com|github\.com|gitlab\.com|twitter\.com|x\.com|"
    r"facebook\.com|instagram\.com|xing\.com|t\.me|behance\.net|dribbble\.com)/\S*",
    re.IGNORECASE,
)
_PERSONAL = re.compile(
    r"\b(?:gender|sex|nationality|citizenship|date of birth|d\.?o\.?b\.?|age|marital status|"
    r"religion|place of birth)\s*:\s*[^;\n|,]*|\bborn\b(?:\s+(?:on|in))?\s+[^;\n|]*",
    re.IGNORECASE,
)
_RUNS = re.compile(r"\[NAME\](?:\s+\[NAME\])+")
_STREET = re.compile(
    r"\b\d{1,5}[a-z]?\s+(?:[A-Z][\w'-]*\s+){1,4}(?:street|st|road|rd|avenue|ave|lane|ln|drive|"
    r"dr|boulevard|blvd|way|close|court|place|square|strasse|straße|str|weg|platz)\b\.?",
    re.IGNORECASE,
)
_NEUTRAL = {
    "he": "they", "she": "they", "him": "them", "his": "their", "her": "their", "hers": "theirs",
    "himself": "themselves", "herself": "themselves", "mr": "Mx", "mrs": "Mx", "ms": "Mx",
    "miss": "Mx", "male": "person", "female": "person", "man": "person", "woman": "person",
}  # fmt: skip
_PRONOUN = re.compile(r"\b(" + "|".join(_NEUTRAL) + r")\b\.?", re.IGNORECASE)
_MONTHS = (
    "January February March April May June July August September October November December".split()
)


def _date_spellings(day: date) -> list[str]:
    month = _MONTHS[day.month - 1]
    d, m, y = day.day, day.month, day.year
    return [
        day.isoformat(),
        f"{d:02d}/{m:02d}/{y}", f"{m:02d}/{d:02d}/{y}", f"{d}/{m}/{y}", f"{m}/{d}/{y}",
        f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y}", f"{d:02d}-{m:02d}-{y}",
        f"{d} {month} {y}", f"{d} {month[:3]} {y}", f"{month} {d}, {y}", f"{month[:3]} {d}, {y}",
        f"{d}th {month} {y}", f"{d}st {month} {y}", f"{d}nd {month} {y}", f"{d}rd {month} {y}",
    ]  # fmt: skip


def _literal(values: list[str]) -> re.Pattern[str] | None:
    words = sorted({v.strip() for v in values if len(v.strip()) >= 2}, key=len, reverse=True)
    if not words:
        return None
    parts = [re.escape(w).replace(r"\ ", r"\s+") for w in words]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def _capitalized_name(match: re.Match[str]) -> str:
    """A name as names are written (capitalized); "will" stays a verb for a candidate "Will"."""
    return "[NAME]" if match.group(0)[:1].isupper() else match.group(0)


def _phone_digits(text: str) -> str:
    return re.sub(r"\D", "", text)


class Redactor:
    """The patterns for one candidate, compiled once and applied to every text."""

    def __init__(self, identifiers: Identifiers) -> None:
        # each part of a name too ("Jane", "Doe"), except particles ("van", "de")
        name_parts = [
            part
            for name in identifiers.names
            for part in (name, *re.split(r"[\s,]+", name))
            if part.lower() not in NAME_PARTICLES
        ]
        self._names = _literal(name_parts)
        self._emails = _literal(list(identifiers.emails))
        # the whole address, and its parts with a number (street, postcode); a bare city part
        # stays, as the city is the location the job's fit is judged on
        address_parts = [
            part
            for address in identifiers.addresses
            for part in (address, *address.split(","))
            if part == address or any(ch.isdigit() for ch in part)
        ]
        self._addresses = _literal([p for p in address_parts if len(p.strip()) >= 4])
        self._dates = _literal([s for d in identifiers.dates for s in _date_spellings(d)])
        # a known phone matches by its last nine digits, whatever the formatting
        self._phones = {
            _phone_digits(p)[-9:] for p in identifiers.phones if len(_phone_digits(p)) >= 6
        }

    def text(self, value: str) -> str:
        value = _SOCIAL.sub("[URL]", value)
        value = _EMAIL.sub("[EMAIL]", value)
        if self._emails:
            value = self._emails.sub("[EMAIL]", value)
        if self._dates:
            value = self._dates.sub("[DATE]", value)
        value = _PERSONAL.sub("[REDACTED]", value)
        value = _PHONE.sub("[PHONE]", value)
        if self._phones:
            value = re.sub(
                r"\+?[\d\s().-]{6,}\d",
                lambda m: (
                    "[PHONE]" if _phone_digits(m.group(0))[-9:] in self._phones else m.group(0)
                ),
                value,
            )
        if self._addresses:
            value = self._addresses.sub("[ADDRESS]", value)
        value = _STREET.sub("[ADDRESS]", value)
        if self._names:
            value = _RUNS.sub("[NAME]", self._names.sub(_capitalized_name, value))
        return _PRONOUN.sub(lambda m: _NEUTRAL[m.group(1).lower()], value)

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, tuple):
            return tuple(self.value(v) for v in value)
        if hasattr(value, "__dataclass_fields__"):
            changes = {f.name: self.value(getattr(value, f.name)) for f in fields(value)}
            changes.pop("ref", None)
            return replace(value, **changes)
        return value


def redact_text(text: str, identifiers: Identifiers) -> str:
    return Redactor(identifiers).text(text)


def redact_profile(profile: ProfileInput, identifiers: Identifiers) -> ProfileInput:
    """The profile with every free-text field and CV line redacted (entry refs kept)."""
    redacted = Redactor(identifiers).value(profile)
    assert isinstance(redacted, ProfileInput)
    return redacted
