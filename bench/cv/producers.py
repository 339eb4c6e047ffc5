"""Drawing producers for the benchmark corpus: fpdf2 and reportlab place every row themselves.

Both get the same rows (`families.py`) and typeset them their own way, so the parser meets
different text-drawing orders, fonts and spacing. The markup producers (headless Chromium,
WeasyPrint, LibreOffice) are in `markup.py`.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONTS = Path("/usr/share/fonts/truetype")
FACES = {
    "Body": FONTS / "dejavu/DejaVuSans.ttf",
    "Bold": FONTS / "dejavu/DejaVuSans-Bold.ttf",
    "Oblique": FONTS / "dejavu/DejaVuSans-Oblique.ttf",
    "Sym": FONTS / "libreoffice/opens___.ttf",  # OpenSymbol: glyphs at private-use code points
}
SIZES = {"name": 18, "headline": 12, "heading": 11.5, "contact": 9}
FACE_OF = {"strong": "Bold", "heading": "Bold", "name": "Bold", "em": "Oblique"}
ROW_SHARES = (0.26, 0.4, 0.34)
PUA = re.compile(r"([\ue000-\uf8ff])")


def columns(doc: dict[str, Any]) -> tuple[list[Any], list[Any], list[Any], float]:
    """(full-width top, left column, right column, left share of the width)."""
    if doc["layout"] == "two-column":
        return doc["header"] + doc["contact"], doc["main"], doc["side"], 0.62
    if doc["layout"] in {"sidebar", "wide-sidebar"}:
        left = [("heading", "Contact"), *doc["contact"], *doc["side"]]
        return [], left, doc["header"] + doc["main"], 0.32 if doc["layout"] == "sidebar" else 0.42
    return doc["header"] + doc["contact"], doc["main"] + doc["side"], [], 1.0


def runs(text: str) -> list[tuple[str, str]]:
    """(face, text) runs: private-use characters in the symbol font, the rest as given."""
    return [("Sym" if PUA.fullmatch(part) else "", part) for part in PUA.split(text) if part]


class _Fpdf(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        for face, path in FACES.items():
            self.add_font(face, "", str(path))
        self.set_margins(16, 14, 16)


def _fpdf_text(pdf: _Fpdf, text: str, face: str, size: float, width: float, x: float) -> None:
    """One paragraph, wrapped to `width`; a leading private-use glyph drawn in the symbol font."""
    pieces = runs(text)
    if pieces and pieces[0][0] == "Sym":
        pdf.set_font("Sym", size=size)
        pdf.cell(5, 5, pieces[0][1])
        text = "".join(part for _, part in pieces[1:]).lstrip()
        width -= 5
    pdf.set_font(face, size=size)
    pdf.multi_cell(width, 5, text, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(x)


def _fpdf_rows(pdf: _Fpdf, rows: list[Any], x: float, width: float) -> None:
    for kind, *payload in rows:
        pdf.set_x(x)
        size = SIZES.get(kind, 9.5)
        face = FACE_OF.get(kind, "Body")
        if kind == "heading":
            pdf.ln(2)
            pdf.set_x(x)
        if kind in {"row", "tabbed"}:
            pdf.set_font("Body", size=8.5)
            with pdf.table(
                width=width,
                col_widths=ROW_SHARES,
                borders_layout="NONE",
                align="LEFT",
                first_row_as_headings=False,
                padding=1,
            ) as table:
                row = table.row()
                for cell in payload[0]:
                    row.cell(cell)
            pdf.set_x(x)
            continue
        if kind == "split":
            left, right = payload
            pdf.set_font("Bold", size=size)
            if pdf.get_string_width(left) + pdf.get_string_width(right) + 8 < width:
                pdf.cell(width - pdf.get_string_width(right) - 4, 5, left)
                pdf.set_font("Body", size=size)
                pdf.cell(pdf.get_string_width(right) + 4, 5, right, align="R")
                pdf.ln(5)
            else:
                _fpdf_text(pdf, left, "Bold", size, width, x)
                pdf.set_font("Body", size=size)
                pdf.cell(width, 5, right, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_x(x)
            continue
        if kind == "bullet":
            text, glyph = payload
            pdf.set_font("Sym" if PUA.fullmatch(glyph) else "Body", size=size)
            pdf.cell(5, 5, glyph)
            pdf.set_font("Body", size=size)
            pdf.multi_cell(width - 5, 5, text, new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_x(x)
            continue
        _fpdf_text(pdf, payload[0], face, size, width, x)


def fpdf2_pdf(doc: dict[str, Any]) -> bytes:
    pdf = _Fpdf()
    pdf.set_auto_page_break(doc["layout"] in {"one-column", "band"}, margin=14)
    pdf.add_page()
    top, left, right, share = columns(doc)
    full = pdf.w - pdf.l_margin - pdf.r_margin
    if doc["layout"] == "band":
        pdf.set_fill_color(225, 232, 240)
        pdf.rect(0, 0, pdf.w, 36, style="F")
    _fpdf_rows(pdf, top, pdf.l_margin, full)
    y = pdf.get_y() + 3
    pdf.set_y(y)
    _fpdf_rows(pdf, left, pdf.l_margin, full * share - (5 if right else 0))
    if right:
        pdf.set_y(y)
        _fpdf_rows(pdf, right, pdf.l_margin + full * share + 5, full * (1 - share) - 5)
    return bytes(pdf.output())


def _register() -> None:
    if "Body" not in pdfmetrics.getRegisteredFontNames():
        for face, path in FACES.items():
            pdfmetrics.registerFont(TTFont(face, str(path)))


def reportlab_pdf(doc: dict[str, Any]) -> bytes:
    _register()
    out = tempfile.SpooledTemporaryFile()
    page = canvas.Canvas(out, pagesize=A4, invariant=True)
    width, height = A4
    margin = 44.0
    state = {"page": 1}

    def room(y: float) -> float:
        if y >= margin + 20:
            return y
        page.showPage()
        state["page"] += 1
        return height - margin

    def line(x: float, y: float, text: str, face: str, size: float) -> None:
        for run_face, part in runs(text):
            page.setFont(run_face or face, size)
            page.drawString(x, y, part)
            x += pdfmetrics.stringWidth(part, run_face or face, size) + (3 if run_face else 0)

    def draw(rows: list[Any], x: float, y: float, col: float) -> float:
        for kind, *payload in rows:
            size = SIZES.get(kind, 9.5)
            face = FACE_OF.get(kind, "Body")
            y = room(y - (6 if kind == "heading" else 0))
            if kind in {"row", "tabbed"}:
                offset, lowest = x, y
                for share, cell in zip(ROW_SHARES, payload[0], strict=True):
                    cy = y
                    for piece in simpleSplit(cell, "Body", 8.5, col * share - 6):
                        line(offset, cy, piece, "Body", 8.5)
                        cy -= 12
                    offset, lowest = offset + col * share, min(lowest, cy)
                y = lowest
                continue
            if kind == "split":
                left, right = payload
                right_width = pdfmetrics.stringWidth(right, "Body", size)
                if pdfmetrics.stringWidth(left, "Bold", size) + right_width + 10 > col:
                    line(x, y, left, "Bold", size)
                    y -= size + 4
                else:
                    line(x, y, left, "Bold", size)
                page.setFont("Body", size)
                page.drawRightString(x + col, y, right)
                y -= size + 4
                continue
            text = payload[0]
            indent = 0.0
            if kind == "bullet":
                line(x, y, payload[1], "Body", size)
                indent = 10.0
            for piece in simpleSplit(text, face, size, col - indent):
                line(x + indent, y, piece, face, size)
                y = room(y - (size + 4))
        return y

    top, left, right, share = columns(doc)
    if doc["layout"] == "band":
        page.setFillColorRGB(0.88, 0.91, 0.94)
        page.rect(0, height - 110, width, 110, stroke=0, fill=1)
        page.setFillColorRGB(0, 0, 0)
    y = draw(top, margin, height - margin, width - 2 * margin) - 8
    full = width - 2 * margin
    draw(left, margin, y, full * share - (12 if right else 0))
    if right:
        state["page"] = 1
        draw(right, margin + full * share + 12, y, full * (1 - share) - 12)
    page.showPage()
    page.save()
    out.seek(0)
    return out.read()
