"""Reading order from pypdf's layout-mode text: running headers/footers out, columns apart.

Layout mode renders each page as fixed-width rows, so columns show up as a vertical band of
whitespace (a gutter) that most rows share. We split rows at that gutter and read the left
column before the right one; rows that run across the gutter (a full-width header, say) stay
where they are and end the column block above them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from tasks.cv.dates import DATE, RANGE_RE

PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?(?:page|p\.|seite|pagina|página)?\s*\d{1,3}\s*(?:(?:of|/|von|de|sur)\s*\d{1,3})?"
    r"(?:\s*[-–—])?$",
    re.IGNORECASE,
)
# Symbol/Wingdings bullets and icon fonts draw glyphs at private-use code points
PRIVATE_USE = re.compile(r"[\ue000-\uf8ff\U000f0000-\U000fffff]")
LEADING_MARK = re.compile(r"^(\s*)[\ue000-\uf8ff\U000f0000-\U000fffff➢➤►▸▹❖✦✧⁃◆◇■□]", re.MULTILINE)
# a capital that the producer placed with its own kerning offset ("K         ubernetes")
KERNED_CAPITAL = re.compile(r"(?<![^\W\d_])([A-Z])( {2,20})([a-z]{2,})")
EDGE_ROWS = 3  # rows at the top and bottom of a page where running headers and footers live
MIN_GAP = 2  # spaces that separate two columns in layout text


@dataclass(frozen=True)
class Line:
    """One line of CV text and where it came from (1-based page and row of the layout text)."""

    text: str
    page: int
    line: int
    column: int = 0  # 0 = full width or left column, 1 = right column
    column_start: bool = False  # first line of a column block (a new reading context)


def unjustified(text: str) -> str:
    """A justified line's stretched word spacing back to single spaces.

    Layout mode prints wide word spacing as runs of spaces, which elsewhere separate columns
    or table cells; when every gap of a line of three or more words is two to four spaces (or,
    with four or more words, all gaps are wide and nearly equal), the line was justified and the
    gaps mean nothing.
    """
    widths = [len(gap) for gap in re.findall(r"(?<=\S) +(?=\S)", text.strip())]
    stretched = len(widths) >= 2 and min(widths) >= 2 and max(widths) <= 4
    # a narrow column stretches further, but evenly
    stretched = stretched or (
        len(widths) >= 3 and min(widths) >= 2 and max(widths) - min(widths) <= 2
    )
    return " ".join(text.split()) if stretched else text.strip()


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).casefold())


def _edge_indices(rows: list[str]) -> list[int]:
    filled = [index for index, row in enumerate(rows) if row.strip()]
    return filled[:EDGE_ROWS] + filled[-EDGE_ROWS:]


def running_rows(pages: list[list[str]]) -> set[tuple[int, int]]:
    """(page, row) positions of page numbers and of text repeated at the edge of every page."""
    drop: set[tuple[int, int]] = set()
    seen: Counter[str] = Counter()
    for rows in pages:
        seen.update({_key(rows[index]) for index in _edge_indices(rows)})
    repeated = {key for key, count in seen.items() if len(pages) > 1 and count >= len(pages)}
    for page, rows in enumerate(pages):
        for index in _edge_indices(rows):
            text = rows[index].strip()
            if PAGE_NUMBER.match(text) or _key(text) in repeated:
                drop.add((page, index))
            elif re.search(r"\bpage\s+\d+\s*(?:of|/)\s*\d+\s*$", text, re.IGNORECASE):
                drop.add((page, index))
    return drop


def _split_at(row: str, gutter: int) -> tuple[str, str] | None:
    """Split a row at a whitespace run touching the gutter; None when text runs across it."""
    if len(row) <= gutter or not row[gutter:].strip():
        return row, ""
    if not row[:gutter].strip():
        return "", row
    for match in re.finditer(rf" {{{MIN_GAP},}}", row):
        start, end = match.span()
        if start - 3 <= gutter <= end + 3:
            return row[:start], row[end:]
    return None


def is_dates_only(text: str) -> bool:
    """True for text that is nothing but a date or a date range ("03/2018 - Present")."""
    rest = re.sub(rf"(?i){DATE}", " ", RANGE_RE.sub(" ", text))
    return text.strip() != "" and re.search(r"[^\W_]", rest) is None


EDGE_DATE = re.compile(rf"(?i)^\s*\(?{DATE}|{DATE}\)?\s*$")


def is_entry_row(left: str, right: str) -> bool:
    """A row of one entry laid out with gaps: dates left of the title (a table or tab stops)
    or right-aligned after it. Such rows are no evidence of a second text column."""
    return (
        is_dates_only(right)
        or EDGE_DATE.match(left) is not None
        or EDGE_DATE.search(right) is not None
    )


def find_gutter(rows: list[str]) -> int | None:
    """The column where a second text column starts, if the page has two columns."""
    filled = [row.rstrip() for row in rows if row.strip()]
    if len(filled) < 8:
        return None
    width = max(len(row) for row in filled)
    best: tuple[float, int] | None = None
    for gutter in range(int(width * 0.2), int(width * 0.8)):
        both = crossing = 0
        starts: Counter[int] = Counter()
        for row in filled:
            halves = _split_at(row, gutter)
            if halves is None:
                crossing += 1
                continue
            left, right = halves
            if left.strip() and right.strip() and not is_entry_row(left, right):
                both += 1
                starts[len(row) - len(right.lstrip())] += 1
        if both < 4 or crossing > 0.1 * len(filled):
            continue
        # A real column is left-aligned: its rows start at (nearly) the same position.
        aligned = sum(count for start, count in starts.items() if abs(start - gutter) <= 4)
        if aligned < 0.6 * both:
            continue
        score = both - 4 * crossing
        if best is None or score > best[0]:
            best = (score, gutter)
    return None if best is None else best[1]


def page_lines(page: int, rows: list[str], drop: set[tuple[int, int]]) -> tuple[list[Line], int]:
    """Lines of one page in reading order, and the gutter position relative to the width."""
    kept = [(index, row) for index, row in enumerate(rows) if (page, index) not in drop]
    gutter = find_gutter([row for _, row in kept])
    lines: list[Line] = []
    if gutter is None:
        lines = [Line(unjustified(row), page + 1, index + 1) for index, row in kept if row.strip()]
        return lines, 0
    left: list[Line] = []
    right: list[Line] = []

    def flush() -> None:
        for position, line in enumerate(left):
            lines.append(Line(line.text, line.page, line.line, 0, position == 0))
        for position, line in enumerate(right):
            lines.append(Line(line.text, line.page, line.line, 1, position == 0))
        left.clear()
        right.clear()

    for index, row in kept:
        if not row.strip():
            continue
        halves = _split_at(row, gutter)
        if halves is None:
            flush()
            lines.append(Line(unjustified(row), page + 1, index + 1))
            continue
        if halves[0].strip():
            left.append(Line(unjustified(halves[0]), page + 1, index + 1))
        if halves[1].strip():
            right.append(Line(unjustified(halves[1]), page + 1, index + 1, 1))
    flush()
    return lines, gutter


def _unkerned(row: str) -> str:
    """Join kerned capitals to their words; the removed spaces widen the next wide gap (or pad
    the row's end), so text further right keeps its column."""
    while match := KERNED_CAPITAL.search(row):
        rest = row[match.end() :]
        gap = re.search(r" {2,}", rest)
        at = gap.start() if gap else len(rest)
        row = row[: match.start()] + match[1] + match[3] + rest[:at] + match[2] + rest[at:]
    return row


def normalized(page: str) -> str:
    """Text as a reader sees it: ligatures unfolded (NFKC), a kerned capital joined to the rest
    of its word, a private-use or dingbat glyph that starts a line read as a bullet, other
    private-use glyphs (icons) as blanks.

    Each replacement keeps one character per glyph, so layout columns stay where they were.
    """
    page = unicodedata.normalize("NFKC", page)
    page = "\n".join(_unkerned(row) for row in page.split("\n"))
    page = LEADING_MARK.sub(lambda match: f"{match.group(1)}•", page)
    return PRIVATE_USE.sub(" ", page)


def reading_order(pages: list[str]) -> tuple[list[Line], str]:
    """All lines of the CV in reading order, and its layout (one-column/two-column/sidebar)."""
    split = [normalized(page).split("\n") for page in pages]
    drop = running_rows(split)
    lines: list[Line] = []
    layouts: Counter[str] = Counter()
    for page, rows in enumerate(split):
        page_result, gutter = page_lines(page, rows, drop)
        lines += page_result
        if gutter:
            width = max(len(row.rstrip()) for row in rows if row.strip())
            share = gutter / width
            layouts["sidebar" if share < 0.4 or share > 0.7 else "two-column"] += 1
    layout = layouts.most_common(1)[0][0] if layouts else "one-column"
    return lines, layout
