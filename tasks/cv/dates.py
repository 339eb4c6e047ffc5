"""Date ranges as CVs write them: "Jan 2019 - Present", "03/2018 to 11/2020", "Since 2020", ...

Months are kept when the CV states them ("YYYY-MM"), otherwise only the year ("YYYY"): inventing
a month would turn "2015 - 2018" into false gaps and overlaps downstream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
MONTH_NAME = _MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?:19[5-9]\d|20\d\d)"
# One date: "Jan 2019", "January, 2019", "03/2018", "3.2018", "2019-01", "2019/01", "2019".
DATE = (
    rf"(?:{_MONTH_NAME}\s*,?\s*{_YEAR}"
    rf"|(?:0?[1-9]|1[0-2])\s*[/.]\s*{_YEAR}"
    rf"|{_YEAR}\s*[-/]\s*(?:0[1-9]|1[0-2])(?!\d)"
    rf"|{_YEAR})"
)
PRESENT = r"(?:present|current(?:ly)?|now|today|ongoing|to\s+date|date)"
_DASH = r"(?:-{1,2}|–|—|‒|―|~|to|until|till|through|thru)"
RANGE_RE = re.compile(
    rf"(?<![\w/.-])(?P<start>{DATE})\s*{_DASH}\s*(?:(?P<end>{DATE})|(?P<present>{PRESENT}))(?![\w/])"
    rf"|(?P<open_start>{DATE})\s*{_DASH}(?=\s*(?:$|[|,;)\]]))"
    rf"|\b(?:since|from)\s+(?P<since>{DATE})(?![\w/])",
    re.IGNORECASE,
)
YEAR_RE = re.compile(rf"(?<![\d/.-]){_YEAR}(?![\d/])")
_NUMERIC_MONTH = re.compile(rf"^(?P<m>0?[1-9]|1[0-2])\s*[/.]\s*(?P<y>{_YEAR})$")
_ISO_MONTH = re.compile(rf"^(?P<y>{_YEAR})\s*[-/]\s*(?P<m>0[1-9]|1[0-2])$")
_NAMED_MONTH = re.compile(rf"^(?P<mon>[a-z]+)\.?\s*,?\s*(?P<y>{_YEAR})$", re.IGNORECASE)


@dataclass(frozen=True)
class YearMonth:
    year: int
    month: int | None

    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" if self.month else f"{self.year:04d}"

    def earliest(self) -> int:
        """Months since year 0, reading a bare year as its January."""
        return self.year * 12 + (self.month or 1) - 1

    def latest(self) -> int:
        """Months since year 0, reading a bare year as its December."""
        return self.year * 12 + (self.month or 12) - 1


@dataclass(frozen=True)
class DateRange:
    start: YearMonth
    end: YearMonth | None
    current: bool
    span: tuple[int, int]


def parse_date(text: str) -> YearMonth | None:
    """One date as matched by `DATE`."""
    text = text.strip()
    if match := _NUMERIC_MONTH.match(text):
        return YearMonth(int(match["y"]), int(match["m"]))
    if match := _ISO_MONTH.match(text):
        return YearMonth(int(match["y"]), int(match["m"]))
    if match := _NAMED_MONTH.match(text):
        month = MONTHS.get(match["mon"][:3].lower())
        return YearMonth(int(match["y"]), month) if month else None
    if text.isdigit() and len(text) == 4:
        return YearMonth(int(text), None)
    return None


def find_range(text: str) -> DateRange | None:
    """The first date range in `text` ("Since 2020" and "2020 -" count as ongoing)."""
    for match in RANGE_RE.finditer(text):
        if match["start"]:
            start = parse_date(match["start"])
            end = parse_date(match["end"]) if match["end"] else None
            current = match["present"] is not None
            if start is None or (match["end"] and end is None):
                continue
            if end is not None and end.earliest() < start.earliest():
                continue
            return DateRange(start, end, current, match.span())
        single = match["open_start"] or match["since"]
        start = parse_date(single)
        if start is not None:
            return DateRange(start, None, True, match.span())
    return None


def find_year(text: str) -> tuple[int, tuple[int, int]] | None:
    """The last plausible year in `text` (certificates and degrees name the year last)."""
    found = list(YEAR_RE.finditer(text))
    if not found:
        return None
    last = found[-1]
    return int(last.group()), last.span()
