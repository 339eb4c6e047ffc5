"""Markup producers for the benchmark corpus: HTML/CSS printed by headless Chromium and by
WeasyPrint, and Word documents (python-docx) exported to PDF by LibreOffice.

Only `generate.py` uses them; the committed PDFs are what the benchmark reads, so neither
Chromium nor LibreOffice is needed to score the corpus.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from producers import PUA, ROW_SHARES, columns, runs

CSS = """
@page { size: A4; margin: 14mm 15mm; }
body { font-family: 'DejaVu Sans'; font-size: 9.3pt; margin: 0; }
.sym { font-family: 'OpenSymbol'; }
.name { font-size: 19pt; font-weight: bold; margin: 0 0 2pt; }
.headline { font-size: 12pt; margin: 0 0 4pt; }
.band { background: #dde6f0; padding: 8pt 10pt; margin-bottom: 8pt; }
h2 { font-size: 11.5pt; margin: 9pt 0 3pt; border-bottom: 0.6pt solid #999; }
p { margin: 1pt 0; }
.split { display: flex; justify-content: space-between; gap: 8pt; font-weight: bold; }
.split span:last-child { font-weight: normal; white-space: nowrap; }
.bullet { display: flex; gap: 5pt; margin: 1pt 0 1pt 4pt; }
table.row { width: 100%; border-collapse: collapse; margin: 2pt 0; }
table.row td { vertical-align: top; padding: 0 4pt 0 0; }
table.cols { width: 100%; border-collapse: collapse; }
table.cols > tbody > tr > td { vertical-align: top; padding: 0 10pt 0 0; }
"""


def _inline(text: str) -> str:
    return "".join(
        f"<span class='sym'>{html.escape(part)}</span>" if face else html.escape(part)
        for face, part in runs(text)
    )


def _html_rows(rows: list[Any]) -> str:
    out = []
    for kind, *payload in rows:
        if kind in {"row", "tabbed"}:
            cells = "".join(
                f"<td style='width:{share * 100:.0f}%'>{_inline(cell)}</td>"
                for share, cell in zip(ROW_SHARES, payload[0], strict=True)
            )
            out.append(f"<table class='row'><tr>{cells}</tr></table>")
        elif kind == "split":
            out.append(
                f"<div class='split'><span>{_inline(payload[0])}</span>"
                f"<span>{_inline(payload[1])}</span></div>"
            )
        elif kind == "bullet":
            out.append(
                f"<div class='bullet'><span>{_inline(payload[1])}</span>"
                f"<span>{_inline(payload[0])}</span></div>"
            )
        elif kind == "heading":
            out.append(f"<h2>{_inline(payload[0])}</h2>")
        else:
            tag = {"strong": "b", "em": "i"}.get(kind)
            body = _inline(payload[0])
            out.append(f"<p class='{kind}'>{f'<{tag}>{body}</{tag}>' if tag else body}</p>")
    return "\n".join(out)


def html_document(doc: dict[str, Any]) -> str:
    top, left, right, share = columns(doc)
    body = _html_rows(top)
    if doc["layout"] == "band":
        body = f"<div class='band'>{body}</div>"
    if right:
        body += (
            f"<table class='cols'><tr><td style='width:{share * 100:.0f}%'>{_html_rows(left)}"
            f"</td><td>{_html_rows(right)}</td></tr></table>"
        )
    else:
        body += _html_rows(left)
    return (
        f"<html><head><meta charset='utf-8'><style>{CSS}</style></head><body>{body}</body></html>"
    )


def weasyprint_pdf(doc: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html_document(doc)).write_pdf())


def chromium_pdfs(documents: dict[str, dict[str, Any]], out_dir: Path) -> None:
    """Print each document's HTML with headless Chromium (one browser start per file)."""
    with tempfile.TemporaryDirectory() as work:
        for stem, doc in documents.items():
            source = Path(work) / f"{stem}.html"
            source.write_text(html_document(doc), encoding="utf-8")
            subprocess.run(
                [
                    "chromium",
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-pdf-header-footer",
                    f"--user-data-dir={work}/profile",
                    f"--print-to-pdf={out_dir / f'{stem}.pdf'}",
                    source.as_uri(),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )


def _docx_runs(
    paragraph: Any, text: str, bold: bool = False, italic: bool = False, size: float = 9.5
) -> None:
    from docx.shared import Pt

    for face, part in runs(text):
        run = paragraph.add_run(part)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
        run.font.name = "OpenSymbol" if face else "DejaVu Sans"


def _docx_rows(container: Any, rows: list[Any], width_cm: float) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Cm, Pt

    for kind, *payload in rows:
        if kind in {"row", "tabbed"} and hasattr(container, "add_table"):
            table = container.add_table(rows=1, cols=3)
            for share, cell, text in zip(ROW_SHARES, table.rows[0].cells, payload[0], strict=True):
                cell.width = Cm(width_cm * share)
                _docx_runs(cell.paragraphs[0], text, size=9)
            continue
        paragraph = container.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(1)
        if kind in {"row", "tabbed"}:
            stops = paragraph.paragraph_format.tab_stops
            stops.add_tab_stop(Cm(width_cm * ROW_SHARES[0]))
            stops.add_tab_stop(Cm(width_cm * (ROW_SHARES[0] + ROW_SHARES[1])))
            _docx_runs(paragraph, "\t".join(payload[0]), size=9)
        elif kind == "split":
            paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(width_cm), WD_TAB_ALIGNMENT.RIGHT)
            _docx_runs(paragraph, payload[0], bold=True)
            _docx_runs(paragraph, f"\t{payload[1]}")
        elif kind == "bullet":
            paragraph.paragraph_format.left_indent = Cm(0.5)
            _docx_runs(
                paragraph,
                f"{payload[1]}\t{payload[0]}"
                if PUA.fullmatch(payload[1])
                else f"{payload[1]} {payload[0]}",
            )
        else:
            size = {"name": 18, "headline": 12, "heading": 11.5}.get(kind, 9.5)
            bold, italic = kind in {"name", "heading", "strong"}, kind == "em"
            if kind == "heading":
                paragraph.paragraph_format.space_before = Pt(8)
            _docx_runs(paragraph, payload[0], bold=bold, italic=italic, size=size)


def docx_bytes(doc: dict[str, Any]) -> bytes:
    import io

    from docx import Document
    from docx.shared import Cm

    word = Document()
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.6)
    section.top_margin = section.bottom_margin = Cm(1.4)
    top, left, right, share = columns(doc)
    full = 21 - 3.2
    _docx_rows(word, top, full)
    if right:
        table = word.add_table(rows=1, cols=2)
        cells = table.rows[0].cells
        cells[0].width, cells[1].width = Cm(full * share), Cm(full * (1 - share))
        for cell, rows, width in (
            (cells[0], left, full * share),
            (cells[1], right, full * (1 - share)),
        ):
            _docx_rows(cell, rows, width - 0.4)
    else:
        _docx_rows(word, left, full)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def libreoffice_pdfs(documents: dict[str, dict[str, Any]], out_dir: Path) -> None:
    """Write each document as .docx and export all to PDF with one headless LibreOffice run."""
    if shutil.which("soffice") is None:
        raise SystemExit("soffice not found: install LibreOffice to regenerate the docx PDFs")
    with tempfile.TemporaryDirectory() as work:
        sources = []
        for stem, doc in documents.items():
            source = Path(work) / f"{stem}.docx"
            source.write_bytes(docx_bytes(doc))
            sources.append(str(source))
        subprocess.run(
            [
                "soffice",
                "--headless",
                f"-env:UserInstallation=file://{work}/profile",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(out_dir),
                *sources,
            ],
            check=True,
            capture_output=True,
            timeout=900,
        )
