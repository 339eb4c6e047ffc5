"""Candidate CSV import: turns an uploaded file into the payloads the bulk upsert consumes.

Pure parsing, no database and no GraphQL: values are only decoded and shaped here, the upsert
engine validates them (lengths, dates, emails, skill levels, required entry keys).

File format:

* UTF-8 (a leading byte-order mark is accepted), comma-separated, quoted as in RFC 4180: a cell
  holding a comma, a double quote or a line break is enclosed in double quotes, and a double
  quote inside it is doubled. At most 100,000 candidate rows; a cell holds at most 1 MiB.
* The first row names the columns, in any order, matched case-insensitively: externalId,
  firstName, lastName, email, phone, dateOfBirth, gender, location, headline, summary, skills,
  education, workExperience, certifications. firstName and lastName are required; an unknown or
  repeated column rejects the file.
* Every further row is one candidate and has exactly as many cells as the header. Blank rows
  (also rows whose cells are all empty) are skipped.
* Cells are trimmed. An empty cell means "not given": an existing candidate keeps that value.
  Dates are written YYYY-MM-DD.
* skills: entries separated by ";", each `name[:level[:years]]`, e.g. `Python:EXPERT:6; SQL; Go::2`.
  The level (BEGINNER, INTERMEDIATE, ADVANCED, EXPERT) and the years may be left empty.
* education, workExperience, certifications: a JSON array of objects with the keys of the GraphQL
  inputs, e.g. `[{"companyName": "Acme", "jobTitle": "Engineer", "startDate": "2021-04-01",
  "isCurrent": true}]`. Values are strings except isCurrent (true or false); null is the same as
  leaving the key out. Keys: education: institution, degree, fieldOfStudy, startDate, endDate,
  grade, description; workExperience: companyName, jobTitle, location, startDate, endDate,
  isCurrent, description; certifications: name, issuer, issueDate, expiryDate, credentialId,
  credentialUrl. At most 50 entries per column and 100 skills.

A file that is not UTF-8, is badly quoted, has a bad header, no rows or too many rows is refused
as a whole. Other problems are reported per row, with the line on which the row starts (the header
is line 1) and a path such as `skills[2].years` (entries count from 0); a cell that cannot be read
is left out of the row and the rest of the row is still imported. A row with the wrong number of
cells is not imported at all.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

COLUMNS: tuple[str, ...] = (
    "externalId",
    "firstName",
    "lastName",
    "email",
    "phone",
    "dateOfBirth",
    "gender",
    "location",
    "headline",
    "summary",
    "skills",
    "education",
    "workExperience",
    "certifications",
)
MAX_CELL_CHARS = 1 << 20  # 50 work entries with 5,000-character descriptions fit comfortably
MAX_SKILLS = 100
MAX_ENTRIES = 50
# JSON columns: camelCase key -> the type its value must have (null counts as not given)
ENTRY_KEYS: dict[str, dict[str, type]] = {
    "education": dict.fromkeys(
        ("institution", "degree", "fieldOfStudy", "startDate", "endDate", "grade", "description"),
        str,
    ),
    "workExperience": {
        **dict.fromkeys(
            ("companyName", "jobTitle", "location", "startDate", "endDate", "description"), str
        ),
        "isCurrent": bool,
    },
    "certifications": dict.fromkeys(
        ("name", "issuer", "issueDate", "expiryDate", "credentialId", "credentialUrl"), str
    ),
}
_YEARS = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")

Error = tuple[str, str, str]


@dataclass(frozen=True)
class CsvRow:
    """One record of the file: its payload (None when unreadable) and the problems found."""

    line: int
    payload: dict[str, Any] | None
    errors: list[Error]


class CsvFileError(Exception):
    """The file as a whole is unusable (code INVALID_FORMAT, TOO_LONG or REQUIRED)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _snake(name: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "_" + m.group().lower(), name)


def _decode(data: bytes) -> str:
    """Decodes strictly, naming the line of the first bad byte so the user can find it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvFileError("INVALID_FORMAT", f"line {line}: the file is not UTF-8 text") from None


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yields (starting line, cells) per non-blank record; quoted cells may span lines."""
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvFileError("INVALID_FORMAT", f"line {start}: {exc}") from None
        if any(cell.strip() for cell in cells):
            yield start, cells
        start = reader.line_num + 1


def _header(line: int, cells: list[str]) -> list[str]:
    """Maps header cells to the documented column names, refusing unknown and repeated ones."""
    known = {column.lower(): column for column in COLUMNS}
    columns = [known.get(cell.strip().lower(), cell.strip()) for cell in cells]
    unknown = [c for c in columns if c not in COLUMNS]
    repeated = sorted({c for c in columns if c in COLUMNS and columns.count(c) > 1})
    problems = []
    if unknown:
        problems.append("unknown columns " + ", ".join(json.dumps(c) for c in unknown))
    if repeated:
        problems.append("repeated columns " + ", ".join(repeated))
    if problems:
        raise CsvFileError(
            "INVALID_FORMAT",
            f"line {line}: {'; '.join(problems)} (known columns: {', '.join(COLUMNS)})",
        )
    missing = [c for c in ("firstName", "lastName") if c not in columns]
    if missing:
        raise CsvFileError(
            "REQUIRED", f"line {line}: the {' and '.join(missing)} columns are required"
        )
    return columns


def _skills(cell: str, errors: list[Error]) -> list[dict[str, Any]]:
    entries = [entry.strip() for entry in cell.split(";") if entry.strip()]
    if len(entries) > MAX_SKILLS:
        errors.append(("skills", "TOO_LONG", f"skills may hold at most {MAX_SKILLS} entries"))
        return []
    skills = []
    for i, entry in enumerate(entries):
        parts = [part.strip() for part in entry.split(":")]
        if len(parts) > 3:
            errors.append(
                (f"skills[{i}]", "INVALID_FORMAT", f"skills[{i}] must be name[:level[:years]]")
            )
            continue
        name, level, years = (*parts, "", "")[:3]
        skill: dict[str, Any] = {"name": name, "level": level.upper() or None, "years": None}
        if not name:
            errors.append((f"skills[{i}].name", "REQUIRED", f"skills[{i}].name is required"))
        if _YEARS.fullmatch(years) and math.isfinite(float(years)):
            skill["years"] = float(years)
        elif years:
            message = f"skills[{i}].years must be a number, not {json.dumps(years)}"
            errors.append((f"skills[{i}].years", "INVALID_FORMAT", message))
        skills.append(skill)
    return skills


def _entries(column: str, cell: str, errors: list[Error]) -> list[dict[str, Any]]:
    """Decodes a JSON column into snake_case entries; null values count as not given."""
    try:
        value = json.loads(cell)
    except (ValueError, RecursionError):
        errors.append((column, "INVALID_FORMAT", f"{column} is not valid JSON"))
        return []
    if not isinstance(value, list):
        errors.append((column, "INVALID_FORMAT", f"{column} must be a JSON array of objects"))
        return []
    if len(value) > MAX_ENTRIES:
        errors.append((column, "TOO_LONG", f"{column} may hold at most {MAX_ENTRIES} entries"))
        return []
    keys = ENTRY_KEYS[column]
    entries = []
    for i, item in enumerate(value):
        path = f"{column}[{i}]"
        if not isinstance(item, dict):
            errors.append((path, "INVALID_FORMAT", f"{path} must be an object"))
            continue
        entry: dict[str, Any] = {}
        for key, given in item.items():
            kind = keys.get(key)
            if kind is None:
                problem = "is not known"
            elif given is not None and not isinstance(given, kind):
                problem = "must be true or false" if kind is bool else "must be a string"
            else:
                if given is not None:
                    entry[_snake(key)] = given
                continue
            errors.append((f"{path}.{key}", "INVALID_FORMAT", f"{path}.{key} {problem}"))
        entries.append(entry)
    return entries


def _row(line: int, columns: list[str], cells: list[str]) -> CsvRow:
    if len(cells) != len(columns):
        message = f"the row has {len(cells)} cells but the header has {len(columns)}"
        return CsvRow(line, None, [("", "INVALID_FORMAT", message)])
    payload: dict[str, Any] = {}
    errors: list[Error] = []
    for column, raw in zip(columns, cells, strict=True):
        cell = raw.strip()
        if not cell:
            continue
        found = len(errors)
        if column == "skills":
            value: Any = _skills(cell, errors)
        elif column in ENTRY_KEYS:
            value = _entries(column, cell, errors)
        else:
            value = cell
        if len(errors) == found:  # a column with any problem is left out as a whole
            payload[_snake(column)] = value
    return CsvRow(line, payload, errors)


def parse_candidates_csv(data: bytes, *, max_rows: int = 100_000) -> list[CsvRow]:
    """Parses an uploaded candidate file (format in the module docstring) into payload rows."""
    records = _records(_decode(data))
    first = next(records, None)
    if first is None:
        raise CsvFileError("REQUIRED", "the file is empty: expected a header and candidate rows")
    columns = _header(*first)
    rows: list[CsvRow] = []
    for line, cells in records:
        if len(rows) == max_rows:
            raise CsvFileError("TOO_LONG", f"the file may hold at most {max_rows} candidate rows")
        rows.append(_row(line, columns, cells))
    if not rows:
        raise CsvFileError("REQUIRED", "the file has a header but no candidate rows")
    return rows
