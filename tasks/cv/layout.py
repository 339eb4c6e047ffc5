"""Reading order from pypdf's layout-mode text: running headers/footers out, columns apart.

Layout mode renders each page as fixed-width rows, so columns show up as a vertical band of
whitespace (a gutter) that most rows share. We split rows at that gutter and read the left
column before the right one; rows that run across the gutter (a full-width header, say) stay
where they are and end the column block above them.

With the fonts of each row (`tasks.cv.runs`), a line that the producer wrapped is joined to the
line it continues: a title or an institution wrapped inside a narrow column or table cell reads
as one line again (`rejoined`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from tasks.cv.dates import DATE, RANGE_RE
from tasks.cv.lexicon import COMPANY_WORDS, DEGREE_RE, INSTITUTION_WORDS, TITLE_WORDS
from tasks.cv.runs import Row

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
    # where it sits and how it is drawn, when the fonts are known (see `tasks.cv.runs`)
    start: int = 0  # column of its first character in the layout row
    end: int = 0  # column after its last character
    y: float | None = None  # height on the page, larger is lower
    x0: float = 0.0  # where its text starts and ends on the page (when the fonts are known)
    x1: float = 0.0
    font: str = ""
    size: float = 0.0
    bold: bool = False
    cells: tuple[int, ...] = ()  # where each gap-separated cell of the row piece starts
    cell_x: tuple[float, ...] = ()  # and where on the page (when the fonts are known)


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


GAP = re.compile(rf" {{{MIN_GAP},}}")


def _split_at(row: str, gutter: int) -> tuple[str, str] | None:
    """Split a row at a whitespace run touching the gutter; None when text runs across it."""
    if len(row) <= gutter or not row[gutter:].strip():
        return row, ""
    if not row[:gutter].strip():
        return "", row
    for match in GAP.finditer(row):
        start, end = match.span()
        if start - 3 <= gutter <= end + 3:
            return row[:start], row[end:]
    return None


@dataclass(frozen=True)
class _Gaps:
    """A row's text extent and whitespace runs, measured once for every candidate gutter."""

    row: str
    first: int  # column of the first character
    last: int  # column after the last character
    gaps: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, row: str) -> _Gaps:
        first = len(row) - len(row.lstrip())
        gaps = tuple(match.span() for match in GAP.finditer(row))
        return cls(row, first, len(row.rstrip()), gaps)

    def split(self, gutter: int) -> tuple[int, int] | None:
        """`_split_at` as (end of left, start of right); (-1, -1) when one side is empty."""
        if self.last <= gutter or self.first >= gutter:
            return -1, -1
        for start, end in self.gaps:
            if start - 3 <= gutter <= end + 3:
                return start, end
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
    filled = [_Gaps.of(row.rstrip()) for row in rows if row.strip()]
    if len(filled) < 8:
        return None
    width = max(len(row.row) for row in filled)
    best: tuple[float, int] | None = None
    entry_rows: dict[tuple[int, int], bool] = {}  # (row, gap start): is it an entry row?
    for gutter in range(int(width * 0.2), int(width * 0.8)):
        both = crossing = 0
        starts: Counter[int] = Counter()
        for index, row in enumerate(filled):
            cut = row.split(gutter)
            if cut is None:
                crossing += 1
                continue
            left_end, right_start = cut
            if left_end <= row.first:  # one side is empty
                continue
            entry = entry_rows.get((index, left_end))
            if entry is None:
                entry = is_entry_row(row.row[:left_end], row.row[right_start:])
                entry_rows[(index, left_end)] = entry
            if not entry:
                both += 1
                starts[right_start] += 1
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


def _styled(line: Line, offset: int, half: str, row: Row | None) -> Line:
    """`line` with its position in the row and, when known, the font of its first run."""
    start = offset + len(half) - len(half.lstrip())
    end = offset + len(half.rstrip())
    gaps = GAP.finditer(half.rstrip(), start - offset)
    cells = (start, *(offset + match.end() for match in gaps))
    line = replace(line, cells=cells if line.text.count("  ") else (start,))
    if row is None:
        return replace(line, start=start, end=end)
    run = row.run_at(start)
    extent = row.extent(start, end)
    if run is None or extent is None:
        return replace(line, start=start, end=end, y=row.y)
    xs = [row.x_at(cell) for cell in line.cells]
    return replace(
        line,
        cell_x=tuple(x for x in xs if x is not None) if None not in xs else (),
        start=start,
        end=end,
        y=run.y,
        x0=extent[0],
        x1=extent[1],
        font=run.font,
        size=run.size,
        bold=run.bold,
    )


def page_lines(
    page: int,
    rows: list[str],
    drop: set[tuple[int, int]],
    styles: list[Row] | None = None,
) -> tuple[list[Line], int]:
    """Lines of one page in reading order, and the gutter position relative to the width."""
    kept = [(index, row) for index, row in enumerate(rows) if (page, index) not in drop]
    gutter = find_gutter([row for _, row in kept])

    def style(index: int) -> Row | None:
        return styles[index] if styles is not None and index < len(styles) else None

    lines: list[Line] = []
    if gutter is None:
        lines = [
            _styled(Line(unjustified(row), page + 1, index + 1), 0, row, style(index))
            for index, row in kept
            if row.strip()
        ]
        return rejoined(lines), 0
    left: list[Line] = []
    right: list[Line] = []

    def flush() -> None:
        for position, line in enumerate(rejoined(left, gutter_x)):
            lines.append(replace(line, column=0, column_start=position == 0))
        for position, line in enumerate(rejoined(right)):
            lines.append(replace(line, column=1, column_start=position == 0))
        left.clear()
        right.clear()

    gutter_x = _gutter_position(kept, gutter, style)
    for index, row in kept:
        if not row.strip():
            continue
        halves = _split_at(row, gutter)
        if halves is None and gutter_x is not None:
            halves = _split_at_runs(row, style(index), gutter_x)
        if halves is None:
            flush()
            lines.append(_styled(Line(unjustified(row), page + 1, index + 1), 0, row, style(index)))
            continue
        if halves[0].strip():
            line = Line(unjustified(halves[0]), page + 1, index + 1)
            left.append(_styled(line, 0, halves[0], style(index)))
        if halves[1].strip():
            line = Line(unjustified(halves[1]), page + 1, index + 1, 1)
            right.append(_styled(line, len(row) - len(halves[1]), halves[1], style(index)))
    flush()
    return lines, gutter


def _gutter_position(
    kept: list[tuple[int, str]], gutter: int, style: Callable[[int], Row | None]
) -> float | None:
    """Where the second column starts on the page, from the rows that split cleanly."""
    found: list[float] = []
    for index, row in kept:
        halves = _split_at(row, gutter) if row.strip() else None
        styled = style(index)
        if halves is None or not halves[0].strip() or not halves[1].strip() or styled is None:
            continue
        run = styled.run_at(len(row) - len(halves[1]))
        if run is not None:
            found.append(run.x0)
    return min(found) if len(found) >= 2 else None


def _split_at_runs(row: str, styled: Row | None, gutter_x: float) -> tuple[str, str] | None:
    """A row whose columns touch in layout text, split where its runs cross the gutter on
    the page (the left column's text was set wider than the average character)."""
    if styled is None:
        return None
    for before, run in zip(styled.runs, styled.runs[1:], strict=False):
        width = (run.x1 - run.x0) / max(run.end - run.start, 1)
        if run.x0 >= gutter_x - width and before.x1 <= run.x0:
            return row[: before.end], row[run.start :]
    return None


LEADING_BULLET = re.compile(r"^[•●▪◦‣∙·*\-–—>»✓✔]")
CELL_GAP = re.compile(r" {2,}")
# Rows closer than this many font heights are lines of one paragraph: a wrapped line sits one
# line pitch below the line it continues, the next entry or block sits further (its margin).
WRAP_PITCH = 1.6
LETTER_WORD = re.compile(r"[^\W\d_]{2,}")
PROSE_WORDS = 3
UNBREAKABLE = re.compile(r"@|://|www\.|\S{24,}")
DIGIT = re.compile(r"\d")
LETTER = re.compile(r"[^\W\d_]")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
FULL_SHARE = 0.6  # a wrapped line fills at least this share of its column
# a field of its own: "Address: …", an email address
FIELD = re.compile(r"^[^\W\d_][\w ]{0,20}:(?:\s|$)|@")


def _wraps_onto(above: Line, below: Line, after: Line | None, right_edge: float) -> str | None:
    """`above` with `below` joined to it when `below` is the rest of its text, else None.

    A wrapped line starts where the text it continues starts, in the same font (name, size,
    weight), one line pitch lower; it is no bullet and no date. Either the line above ran out
    of room (the first word below would not have fitted before the column's right edge), or
    the line above is an entry row whose first cell wrapped: "Junior Frontend" and its dates
    over "Developer". A cell of a narrow table or flex row wraps well before the column's edge,
    so there the cue is the shape: one or two words that no entry row of theirs follows (a
    degree over its school's row is the next entry, not the rest of this one).
    """
    if _dates_of(above, below, right_edge):
        return f"{above.text}   {below.text}"
    if not above.font or above.font != below.font or abs(above.size - below.size) > 0.05:
        return None
    if above.y is None or below.y is None or above.bold != below.bold:
        return None
    pitch = abs(below.y - above.y)
    if pitch == 0 or pitch > WRAP_PITCH * max(above.size, 0.01):
        return None
    if LEADING_BULLET.match(above.text) or is_dates_only(above.text):
        return None
    # the rests of a table row's cells, each under its own cell (a row of its own would
    # carry dates of its own)
    columns = [_cell_above(above, below, index) for index in range(len(below.cells))]
    table_rest = all(column is not None for column in columns) and (
        len(columns) > 1 or columns[0] != 0
    )
    if table_rest and _no_dates_of_its_own(above, below, columns):
        return _into_cells(above, below, [column for column in columns if column is not None])
    if is_dates_only(below.text) and DIGIT.search(below.text):
        return None
    if LEADING_BULLET.match(below.text) and not (
        below.text[:1] in "–—" and below.bold and len(CELL_GAP.split(above.text)) > 1
    ):
        return None  # a bullet, unless a dash that continues a bold title next to its dates
    justified = _justified(below, right_edge)
    if _cell_above(above, below, 0) != 0 or (CELL_GAP.search(below.text) and not justified):
        return None
    cells = CELL_GAP.split(above.text, maxsplit=1)
    if len(cells) == 2 and not justified:
        head, rest = cells
        if not is_entry_row(head, rest) or re.search(DATE, below.text, re.IGNORECASE):
            return None
        if _entry_row_after(below, after) or _runs_into_next_cell(above, below):
            return None
        if after is not None and _dates_of(below, after, right_edge):
            return None  # its own dates follow it: an entry of its own
        if STRONG_BREAK.search(head) and STRONG_BREAK.search(below.text):
            return None  # shaped like the row above ("School | Degree"): the next entry
        gap = above.text[len(head) : len(above.text) - len(rest)]
        return f"{head} {below.text}{gap}{rest}"
    if FIELD.search(below.text) or "@" in above.text:
        return None
    if not LETTER.search(above.text) or not LETTER.search(below.text):
        return None  # a phone number, a figure: no wrapped prose
    if EDGE_DATE.search(above.text) or (YEAR.search(above.text) and YEAR.search(below.text)):
        return None  # an entry that closes with its year, or two dated entries
    if EDGE_DATE.match(below.text):
        return None  # dates that open a line of their own (under a title, say)
    # measured on the page, in the font's own average character width: layout text's fixed
    # columns are too coarse to say whether a word would have fitted
    char_width = (below.x1 - below.x0) / max(len(below.text), 1)
    if _two_kinds(above.text, below.text):
        return None
    first_word = below.text.split()[0]
    needed = above.x1 + char_width * (1 + len(first_word))
    if needed <= right_edge:
        return None  # it would have fitted: the line above ended on purpose
    if above.x1 - above.x0 < FULL_SHARE * (right_edge - above.x0):
        return None  # a short line: a long word (an address, a URL) would never fit after it
    return f"{above.text} {' '.join(below.text.split())}"


STRONG_BREAK = re.compile(r"\s[|·@]\s|\s[—–]\s")
ONE_PIECE_BREAKS = re.compile(r"[|•·,;]|\s[—–-](?:\s|$)|\s@\s")


def _kinds(text: str) -> set[str]:
    words = [word.strip(".,()").casefold() for word in text.split()]
    kinds = set()
    if DEGREE_RE.search(text):
        kinds.add("degree")
    if any(word in INSTITUTION_WORDS for word in words):
        kinds.add("institution")
    if any(word in TITLE_WORDS for word in words):
        kinds.add("title")
    if any(word in COMPANY_WORDS for word in words) or "&" in text:
        kinds.add("company")
    return kinds


def _two_kinds(above: str, below: str) -> bool:
    """Whether two lines name two different things of one entry, each whole: a degree over
    its school, a job title over its employer (or the other way round). A line with a
    separator in it names both itself; its wrapped rest may name anything."""
    if ONE_PIECE_BREAKS.search(above):
        return False
    upper, lower = _kinds(above), _kinds(below)
    pairs = (("degree", "institution"), ("title", "company"), ("company", "title"))
    return any(
        first in upper and second in lower and second not in upper and first not in lower
        for first, second in pairs
    )


def _right_edge(longest: list[float], without: float) -> float:
    """Where the lines of a column end when they run out of room: the furthest any other line
    of prose reaches (the line being judged says nothing about the column's width); with no
    other line to tell, nothing counts as having run out of room. `longest` holds the two
    furthest ends of the column's lines of prose."""
    others = list(longest)
    if without in others:
        others.remove(without)
    return max(others, default=math.inf)


ALIGN_SHARE = 0.75  # of a character: text that starts this close on the page is aligned
OPEN_END = re.compile(r"(?:[–—-]|\bto)\s*$", re.IGNORECASE)


def _no_dates_of_its_own(above: Line, below: Line, columns: list[int | None]) -> bool:
    """Whether the pieces of `below` carry no dates but the end of a range that the cell above
    left open ("11/2020 -" over "07/2024"): a row with dates of its own is a row of its own."""
    cells = CELL_GAP.split(above.text)
    pieces = CELL_GAP.split(below.text)
    if len(cells) != len(above.cells) or len(pieces) != len(columns):
        return False
    for piece, column in zip(pieces, columns, strict=True):
        if not (YEAR.search(piece) or RANGE_RE.search(piece)):
            continue
        if column is None or not OPEN_END.search(cells[column]) or not is_dates_only(piece):
            return False
    return True


def _cell_above(above: Line, below: Line, index: int) -> int | None:
    """Which cell of `above` the `index`th cell of `below` starts under: on the page when
    both know where (layout text's fixed columns can be a few characters off), else in
    layout text."""
    if len(above.cell_x) == len(above.cells) and len(below.cell_x) == len(below.cells):
        width = (above.x1 - above.x0) / max(len(above.text), 1)
        x = below.cell_x[index]
        return next(
            (k for k, cell in enumerate(above.cell_x) if abs(cell - x) <= ALIGN_SHARE * width),
            None,
        )
    start = below.cells[index]
    return next((k for k, cell in enumerate(above.cells) if abs(cell - start) <= 1), None)


def _into_cells(above: Line, below: Line, columns: list[int]) -> str | None:
    """The row of a table entry with the wrapped rests of its later cells ("Universidad de
    Buenos" over "Aires") put back in their cells; None unless the row is an entry's row."""
    parts = re.split(r"( {2,})", above.text)
    cells = parts[::2]
    pieces = CELL_GAP.split(below.text)
    if len(cells) != len(above.cells) or len(pieces) != len(columns):
        return None
    if not any(EDGE_DATE.match(cell) for cell in cells):  # a table row holds its dates
        return None
    for column, piece in zip(columns, pieces, strict=True):
        parts[2 * column] = f"{parts[2 * column]} {piece}"
    return "".join(parts)


def _justified(line: Line, right_edge: float) -> bool:
    """Whether the gaps of a line are a justified paragraph's stretched word spacing: two or
    more gaps of one width, the line reaching the column's edge."""
    gaps = {len(gap) for gap in re.findall(r"(?<=\S) +(?=\S)", line.text)}
    wide = re.findall(r"(?<=\S) {2,}(?=\S)", line.text)
    if len(wide) < 2 or max(gaps) - min(gaps) > 1 or math.isinf(right_edge):
        return False
    width = (line.x1 - line.x0) / max(len(line.text), 1)
    return line.x1 >= right_edge - width


def _dates_of(above: Line, below: Line, right_edge: float) -> bool:
    """Whether `below` holds only the dates of `above`, right-aligned one line pitch lower:
    a word processor puts a right tab's dates under a title that wrapped."""
    if above.y is None or below.y is None or below.x1 <= below.x0 or not above.font:
        return False
    if not is_dates_only(below.text) or not YEAR.search(below.text):
        return False
    if re.search(DATE, above.text, re.IGNORECASE) or CELL_GAP.search(above.text):
        return False
    if abs(below.y - above.y) > WRAP_PITCH * max(above.size, below.size, 0.01):
        return False
    width = (below.x1 - below.x0) / max(len(below.text), 1)
    middle = (above.x0 + right_edge) / 2
    return below.x0 > middle and below.x1 >= right_edge - 2 * width


def _runs_into_next_cell(above: Line, below: Line) -> bool:
    """Whether `below` reaches under the second cell of `above`: the rest of a wrapped first
    cell stays inside that cell, a line of its own need not."""
    if len(above.cell_x) < 2 or below.x1 <= below.x0:
        return False
    width = (above.x1 - above.x0) / max(len(above.text), 1)
    return below.x1 > above.cell_x[1] + ALIGN_SHARE * width


def _entry_row_after(line: Line, after: Line | None) -> bool:
    """Whether `after` is an entry row (text and its dates) in the font of `line`."""
    if after is None or after.font != line.font or after.bold != line.bold:
        return False
    cells = CELL_GAP.split(after.text, maxsplit=1)
    return len(cells) == 2 and is_entry_row(*cells)


def rejoined(lines: list[Line], limit: float | None = None) -> list[Line]:
    """Consecutive lines of one column with wrapped lines joined to the line they continue.

    A joined line keeps the place of its first row and the extent of its last one, so a
    further wrapped row is judged against the row it continues. `limit` is where the next
    column starts on the page: a line reaching past it is no measure of this column's width.
    """
    # Lines of prose measure the column: entry rows (a title and its right-aligned dates)
    # reach a tab stop, not the wrap width; an address or a long word may run past the
    # column's edge; a word or two ("English (native)") says nothing of the width.
    ends = [
        line.x1
        for line in lines
        if len(LETTER_WORD.findall(line.text)) >= PROSE_WORDS
        and not CELL_GAP.search(LEADING_BULLET.sub("", line.text).lstrip())
        and not UNBREAKABLE.search(line.text)
        and (limit is None or line.x1 <= limit)
    ]
    longest = sorted(ends, reverse=True)[:2]
    merged: list[Line] = []
    for index, line in enumerate(lines):
        after = lines[index + 1] if index + 1 < len(lines) else None
        joined = None
        if merged and line.font:
            right_edge = _right_edge(longest, lines[index - 1].x1)
            joined = _wraps_onto(merged[-1], line, after, right_edge)
        if joined is None:
            merged.append(line)
            continue
        merged[-1] = replace(
            merged[-1],
            text=joined,
            start=line.start,
            end=line.end,
            x0=line.x0,
            x1=line.x1,
            y=line.y,
        )
    return merged


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


def reading_order(
    pages: list[str], styles: list[list[Row]] | None = None
) -> tuple[list[Line], str]:
    """All lines of the CV in reading order, and its layout (one-column/two-column/sidebar).

    `styles` holds, page by page, the runs of each non-blank row of the page's text (as
    `tasks.cv.runs.layout_text` returns them); without it no line is known to be wrapped.
    """
    split = [normalized(page).split("\n") for page in pages]
    drop = running_rows(split)
    lines: list[Line] = []
    layouts: Counter[str] = Counter()
    for page, rows in enumerate(split):
        page_styles = styles[page] if styles is not None and page < len(styles) else None
        if page_styles is not None and len(page_styles) != len(rows):
            page_styles = None  # not the rows of this text
        page_result, gutter = page_lines(page, rows, drop, page_styles)
        lines += page_result
        if gutter:
            width = max(len(row.rstrip()) for row in rows if row.strip())
            share = gutter / width
            layouts["sidebar" if share < 0.4 or share > 0.7 else "two-column"] += 1
    layout = layouts.most_common(1)[0][0] if layouts else "one-column"
    return lines, layout
