"""Three independent PDF producers for the benchmark corpus: fpdf2, reportlab and LibreOffice.

Each gets the same document model (top lines, left column, right column) and typesets it its
own way, so the parser meets different text-drawing orders, fonts and spacing.
"""

from __future__ import annotations

import html
import shutil
import subprocess
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

from tests.pdfs import unicode_font

SIZES = {"name": 18, "headline": 12, "heading": 12, "contact": 9, "text": 9.5, "bullet": 9.5}
ROW_SHARES = (0.3, 0.38, 0.32)


def columns(doc: dict[str, Any]) -> tuple[list[Any], list[Any], list[Any], float]:
    """(full-width top, left column, right column, left share of the width)."""
    if doc["layout"] == "two-column":
        return doc["header"] + doc["contact"], doc["main"], doc["side"], 0.6
    if doc["layout"] == "sidebar":
        left = [("heading", "Contact"), *doc["contact"], *doc["side"]]
        return [], left, doc["header"] + doc["main"], 0.3
    return doc["header"] + doc["contact"], doc["main"] + doc["side"], [], 1.0


class _Fpdf(FPDF):
    def __init__(self, running: str | None) -> None:
        super().__init__(format="A4")
        self.running = running
        self.add_font("Body", "", str(unicode_font()))
        self.set_margins(16, 16, 16)

    def header(self) -> None:
        if self.running:
            self.set_font("Body", size=7)
            self.set_y(7)
            self.cell(0, 4, self.running, align="R")
            self.set_y(16)

    def footer(self) -> None:
        if self.running:
            self.set_y(-11)
            self.set_font("Body", size=7)
            self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="C")


def _fpdf_lines(pdf: _Fpdf, lines: list[Any], x: float, width: float) -> None:
    for kind, payload in lines:
        pdf.set_x(x)
        pdf.set_font("Body", size=SIZES.get(kind, 9.5))
        if kind == "heading":
            pdf.ln(2)
            pdf.set_x(x)
        if kind == "row":
            for share, cell in zip(ROW_SHARES, payload, strict=True):
                pdf.cell(width * share, 5, cell)
            pdf.ln(5)
            continue
        text = f"• {payload}" if kind == "bullet" else payload
        height = 8 if kind == "name" else 5
        pdf.multi_cell(width, height, text, new_x=XPos.LEFT, new_y=YPos.NEXT)


def fpdf2_pdf(doc: dict[str, Any], running: str | None = None) -> bytes:
    pdf = _Fpdf(running)
    pdf.set_auto_page_break(doc["layout"] == "one-column", margin=16)
    pdf.add_page()
    top, left, right, share = columns(doc)
    full = pdf.w - pdf.l_margin - pdf.r_margin
    _fpdf_lines(pdf, top, pdf.l_margin, full)
    y = pdf.get_y() + 3
    left_width = full * share - (5 if right else 0)
    pdf.set_y(y)
    _fpdf_lines(pdf, left, pdf.l_margin, left_width)
    if right:
        pdf.set_y(y)
        _fpdf_lines(pdf, right, pdf.l_margin + full * share + 5, full * (1 - share) - 5)
    return bytes(pdf.output())


def reportlab_pdf(doc: dict[str, Any]) -> bytes:
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(unicode_font())))
    out = tempfile.SpooledTemporaryFile()
    page = canvas.Canvas(out, pagesize=A4, invariant=True)
    width, height = A4
    margin = 44.0
    top, left, right, share = columns(doc)
    state = {"page": 1}

    def draw(lines: list[Any], x: float, y: float, col_width: float) -> float:
        for kind, payload in lines:
            size = SIZES.get(kind, 9.5)
            if kind == "heading":
                y -= 6
            if y < margin + 20:
                page.drawCentredString(width / 2, 24, f"Page {state['page']}")
                page.showPage()
                state["page"] += 1
                y = height - margin
            page.setFont("DejaVu", size)
            if kind == "row":
                offset = x
                for cell_share, cell in zip(ROW_SHARES, payload, strict=True):
                    page.drawString(offset, y, cell)
                    offset += col_width * cell_share
                y -= size + 4
                continue
            text = f"• {payload}" if kind == "bullet" else payload
            for piece in simpleSplit(text, "DejaVu", size, col_width):
                page.drawString(x, y, piece)
                y -= size + 4
        return y

    y = draw(top, margin, height - margin, width - 2 * margin) - 8
    full = width - 2 * margin
    draw(left, margin, y, full * share - (12 if right else 0))
    if right:
        draw(right, margin + full * share + 12, y, full * (1 - share) - 12)
    if state["page"] > 1:
        page.drawCentredString(width / 2, 24, f"Page {state['page']}")
    page.showPage()
    page.save()
    out.seek(0)
    return out.read()


def _html_lines(lines: list[Any]) -> str:
    parts = []
    tags = {"headline": "h3", "heading": "h2"}
    for kind, payload in lines:
        if kind == "row":
            cells = "".join(f"<td>{html.escape(cell)}</td>" for cell in payload)
            parts.append(f"<table width='100%'><tr>{cells}</tr></table>")
        elif kind == "name":
            parts.append(f"<p style='font-size:18pt'><b>{html.escape(payload)}</b></p>")
        elif kind == "bullet":
            parts.append(f"<ul><li>{html.escape(payload)}</li></ul>")
        else:
            tag = tags.get(kind, "p")
            parts.append(f"<{tag}>{html.escape(payload)}</{tag}>")
    return "\n".join(parts)


def html_document(doc: dict[str, Any]) -> str:
    top, left, right, share = columns(doc)
    body = _html_lines(top)
    if right:
        body += (
            f"<table width='100%'><tr><td width='{int(share * 100)}%' valign='top'>"
            f"{_html_lines(left)}</td><td valign='top'>{_html_lines(right)}</td></tr></table>"
        )
    else:
        body += _html_lines(left)
    style = "body{font-family:'DejaVu Sans';font-size:9.5pt} p,li{margin:1pt}"
    return (
        f"<html><head><meta charset='utf-8'><style>{style}</style></head><body>{body}</body></html>"
    )


def libreoffice_available() -> bool:
    return shutil.which("soffice") is not None


def libreoffice_pdfs(documents: dict[str, str], out_dir: Path) -> None:
    """Convert {stem: html} to out_dir/stem.pdf with one headless LibreOffice run."""
    with tempfile.TemporaryDirectory() as work:
        sources = []
        for stem, text in documents.items():
            source = Path(work) / f"{stem}.html"
            source.write_text(text, encoding="utf-8")
            sources.append(str(source))
        subprocess.run(
            [
                "soffice",
                "--headless",
                f"-env:UserInstallation=file://{work}/profile",
                "--infilter=HTML (StarWriter)",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(out_dir),
                *sources,
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
