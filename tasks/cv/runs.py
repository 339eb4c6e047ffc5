"""Layout-mode text with the font of every piece of it: which font, how big, bold or not, and the
height each row sits at.

pypdf's layout mode places text in fixed-width rows (which keeps columns apart) but drops the
fonts on the way. The structurer needs them: a title wrapped onto a second row of a narrow
column is told from the next entry by the font it continues in and by how close the rows are,
and headings and names are bold or bigger. So this module runs the same stages as
`PageObject.extract_text(extraction_mode="layout", layout_mode_space_vertically=False)` (pypdf's
layout-mode functions, in the same order) and keeps, for every row, where each text run starts
and ends and in which font. The page text is what pypdf returns but for two fixes: ligatures
are unfolded (NFKC) run by run, so the columns of the runs after them stay where they are on
the page, and two runs with empty page between them are never glued together.

The font name comes from pypdf's `bt_group`, which builds the record of each run: it is wrapped
once to also record the font. pypdf is pinned in uv.lock; should a later version rename that
function, runs carry no font name (`font` empty) and the text is unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from math import ceil
from typing import Any, cast

from pypdf._text_extraction import _layout_mode
from pypdf._text_extraction._layout_mode import _fixed_width_page
from pypdf.generic import ArrayObject, ContentStream, StreamObject

BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|extrabold", re.IGNORECASE)
FORCE_BOLD = 1 << 18  # FontDescriptor /Flags bit 19
SCALE_WEIGHT = 1.25  # pypdf's default weighting of the fixed character width
WHITESPACE_LIMIT = _fixed_width_page.WHITESPACE_LIMIT
COLUMN_SLACK = 2  # characters a normalised text (ligatures unfolded) may have moved
COLUMN_GAP = 2.0  # characters of empty page between two runs that must not touch
CONTROL_CHARACTERS = str.maketrans(dict.fromkeys(range(14, 32), " "))


@dataclass(frozen=True)
class Run:
    """Text drawn in one font on one row: columns [start, end) of the row's text."""

    start: int
    end: int
    x0: float  # where it starts and ends on the page, in the page's text units
    x1: float
    y: float  # its own height (rows group runs a little above or below each other)
    font: str
    size: float  # the rendered height of the font (its size in page space)
    bold: bool


@dataclass(frozen=True)
class Row:
    """One row of layout text: its height on the page (larger is lower) and its runs."""

    y: float
    runs: tuple[Run, ...]

    def extent(self, start: int, end: int) -> tuple[float, float] | None:
        """Where the text in columns [start, end) starts and ends on the page."""
        inside = [run for run in self.runs if run.end > start and run.start < end]
        return (inside[0].x0, max(run.x1 for run in inside)) if inside else None

    def x_at(self, column: int) -> float | None:
        """Where the text at `column` starts on the page: where the run starting there (give
        or take the odd character the text was normalised by) starts, else in proportion
        inside the run that covers it."""
        near = [run for run in self.runs if abs(run.start - column) <= COLUMN_SLACK]
        if near:
            return min(near, key=lambda run: abs(run.start - column)).x0
        run = self.run_at(column)
        if run is None:
            return None
        if column <= run.start or run.end <= run.start:
            return run.x0
        return run.x0 + (column - run.start) * (run.x1 - run.x0) / (run.end - run.start)

    def run_at(self, column: int) -> Run | None:
        """The run that draws the text starting at `column` (or the nearest one left of it)."""
        found: Run | None = None
        for run in self.runs:
            if run.start <= column + 1:
                found = run
            else:
                break
        return found


def _is_bold(font: Any) -> bool:
    name = str(getattr(font, "name", ""))
    descriptor = getattr(font, "font_descriptor", None)
    flags = getattr(descriptor, "flags", 0)
    weight = str(getattr(descriptor, "weight", ""))
    return (
        BOLD_NAME.search(name) is not None
        or (isinstance(flags, int) and flags & FORCE_BOLD != 0)
        or BOLD_NAME.search(weight) is not None
        or (weight.isdigit() and int(weight) >= 600)
    )


_plain_bt_group = _fixed_width_page.bt_group


def _bt_group_with_font(tj_op: Any, rendered_text: str, displaced_tx: float) -> Any:
    group = cast("dict[str, Any]", _plain_bt_group(tj_op, rendered_text, displaced_tx))
    group["font"] = str(getattr(tj_op.font, "name", ""))
    group["bold"] = _is_bold(tj_op.font)
    return group


_fixed_width_page.bt_group = _bt_group_with_font


def _fixed_width(ty_groups: dict[int, list[Any]], char_width: float) -> tuple[str, list[Row]]:
    """pypdf's `fixed_width_page` (no vertical spacing), recording each run's columns."""
    lines: list[str] = []
    rows: list[Row] = []
    for y_coord, line_data in ty_groups.items():
        parts: list[str] = []
        runs: list[Run] = []
        current_len = 0
        last_disp = 0.0
        for bt_op in line_data:
            tx = bt_op["tx"]
            offset = int(tx // char_width) if char_width else current_len
            needed_spaces = offset - current_len
            if needed_spaces > 0 and ceil(last_disp) < int(tx):
                needed_spaces = min(needed_spaces, WHITESPACE_LIMIT)
                parts.append(" " * needed_spaces)
                current_len += needed_spaces
            elif parts and char_width and tx - last_disp > COLUMN_GAP * char_width:
                # Text set wider than the average character ran into the next column: keep
                # the two apart (pypdf glues them, "2013Lumen Bank plc").
                parts.append("  ")
                current_len += 2
            # ligatures unfolded here (NFKC), not later, so runs keep their columns
            text = unicodedata.normalize("NFKC", bt_op["text"]).translate(CONTROL_CHARACTERS)
            parts.append(text)
            stripped = text.lstrip()
            if stripped.strip():
                start = current_len + len(text) - len(stripped)
                runs.append(
                    Run(
                        start,
                        current_len + len(text.rstrip()),
                        float(tx),
                        float(bt_op["displaced_tx"]),
                        float(bt_op["ty"] * bt_op["flip_sort"]),
                        str(bt_op.get("font", "")),
                        float(bt_op["font_height"]),
                        bool(bt_op.get("bold", False)),
                    )
                )
            current_len += len(text)
            last_disp = bt_op["displaced_tx"]
        full_line = "".join(parts).rstrip()
        if full_line.strip():
            lines.append(full_line)
            rows.append(Row(float(y_coord), tuple(runs)))
    return "\n".join(lines), rows


def layout_text(page: Any) -> tuple[str, list[Row]]:
    """The page's layout-mode text and, row by row, its runs (see the module docstring)."""
    fonts = page._layout_mode_fonts()
    contents = page.get("/Contents")
    if contents is not None:
        contents = contents.get_object()
    if not isinstance(contents, (ArrayObject, StreamObject)):
        return "", []
    ops = iter(ContentStream(contents, page.pdf, "bytes").operations)
    bt_groups = _layout_mode.text_show_operations(ops, fonts, True, None)
    if not bt_groups:
        return "", []
    ty_groups = _layout_mode.y_coordinate_groups(bt_groups, None)
    char_width = _layout_mode.fixed_char_width(bt_groups, SCALE_WEIGHT)
    return _fixed_width(ty_groups, char_width)
