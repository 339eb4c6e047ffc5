"""Regenerate the CV benchmark corpus: `truth.json` plus `corpus/*.pdf` from three producers.

    .venv/bin/python bench/cv/generate.py

The corpus PDFs are committed, so the benchmark runs without LibreOffice; this script needs it
(`soffice`) to rewrite the LibreOffice third of the corpus.
"""

from __future__ import annotations

import io
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from fpdf import FPDF  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from producers import (  # noqa: E402
    fpdf2_pdf,
    html_document,
    libreoffice_available,
    libreoffice_pdfs,
    reportlab_pdf,
)
from pypdf import PdfReader, PdfWriter  # noqa: E402
from render import document  # noqa: E402
from truth import person  # noqa: E402

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
PLAN = [  # (producer, layout, count, multi-page with running header/footer)
    ("fpdf2", "one-column", 5, False),
    ("fpdf2", "one-column", 4, True),
    ("fpdf2", "sidebar", 5, False),
    ("reportlab", "one-column", 6, False),
    ("reportlab", "two-column", 5, False),
    ("reportlab", "sidebar", 3, False),
    ("libreoffice", "one-column", 8, False),
    ("libreoffice", "sidebar", 4, False),
    ("libreoffice", "two-column", 4, False),
]


def scanned_pdf(doc: dict[str, object]) -> bytes:
    """A CV printed and scanned: one picture per page, no text layer."""
    picture = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(picture)
    lines = [str(payload) for _, payload in doc["header"] + doc["contact"] + doc["main"]]  # type: ignore[operator]
    for index, line in enumerate(lines[:40]):
        draw.text((100, 100 + index * 38), line[:110], fill=0)
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(picture, x=0, y=0, w=pdf.w, h=pdf.h)
    return bytes(pdf.output())


def encrypt(data: bytes) -> bytes:
    """Protect with an owner password only: opens for reading with the empty password."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="", owner_password="bench-owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def main() -> int:
    rng = random.Random(20240605)
    CORPUS.mkdir(exist_ok=True)
    truth = []
    html_jobs: dict[str, str] = {}
    index = 0
    for producer, layout, count, multi_page in PLAN:
        for _ in range(count):
            index += 1
            who = person(rng, index)
            if layout != "one-column":
                for job in who["experience"]:
                    job["bullets"] = job["bullets"][:1]
            if multi_page:
                for job in who["experience"]:
                    job["bullets"] = job["bullets"] * 4
            doc = document(who, rng, layout)
            stem = f"{who['id']}-{producer}-{layout}{'-multipage' if multi_page else ''}"
            entry = {"file": f"{stem}.pdf", "producer": producer, "layout": layout, "kind": "text"}
            truth.append({**entry, "style": doc["style"], "expected": doc["expected"]})
            if producer == "fpdf2":
                running = f"{who['name']} — Curriculum Vitae" if multi_page else None
                (CORPUS / f"{stem}.pdf").write_bytes(fpdf2_pdf(doc, running))
            elif producer == "reportlab":
                (CORPUS / f"{stem}.pdf").write_bytes(reportlab_pdf(doc))
            else:
                html_jobs[stem] = html_document(doc)
    for number in range(3):
        index += 1
        who = person(rng, index)
        doc = document(who, rng, "one-column")
        stem = f"{who['id']}-scan"
        (CORPUS / f"{stem}.pdf").write_bytes(scanned_pdf(doc))
        expected = {"status": "NEEDS_OCR", "text_layer": False}
        truth.append(
            {
                "file": f"{stem}.pdf",
                "producer": "fpdf2-image",
                "layout": "scan",
                "kind": "scan",
                "style": {},
                "expected": expected,
            }
        )
        del number
    for number, producer in enumerate(("fpdf2", "reportlab", "fpdf2")):
        index += 1
        who = person(rng, index)
        doc = document(who, rng, "one-column")
        stem = f"{who['id']}-{producer}-encrypted"
        data = fpdf2_pdf(doc) if producer == "fpdf2" else reportlab_pdf(doc)
        (CORPUS / f"{stem}.pdf").write_bytes(encrypt(data))
        truth.append(
            {
                "file": f"{stem}.pdf",
                "producer": producer,
                "layout": "one-column",
                "kind": "encrypted",
                "style": doc["style"],
                "expected": doc["expected"],
            }
        )
        del number
    if html_jobs:
        if libreoffice_available():
            libreoffice_pdfs(html_jobs, CORPUS)
        else:
            print("soffice not found: keeping the committed LibreOffice PDFs", file=sys.stderr)
    (HERE / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n")
    print(f"{len(truth)} documents in {CORPUS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
