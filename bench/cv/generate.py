"""Regenerate the CV benchmark corpus: `truth.json` plus `corpus/*.pdf` from five producers.

    .venv/bin/python bench/cv/generate.py                  (everything, from scratch)
    .venv/bin/python bench/cv/generate.py --add FAMILY...  (new families only)

`--add` generates the documents of families not yet in `truth.json` and appends them, each
family from a random generator seeded with its own name: the committed documents stay as
they are, byte for byte, so figures measured before stay comparable.

Producers: fpdf2 and reportlab (drawn), headless Chromium and WeasyPrint (HTML/CSS), and
LibreOffice (python-docx documents exported to PDF). Regenerating needs `chromium` and
`soffice`; scoring (`quality.py`) reads only the committed PDFs. Each template family
(`families.py`) belongs to the tuning split or to the held-out split that is never tuned on.
"""

from __future__ import annotations

import io
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from families import ADDED, FAMILIES, document  # noqa: E402
from fpdf import FPDF  # noqa: E402
from markup import chromium_pdfs, libreoffice_pdfs, weasyprint_pdf  # noqa: E402
from people import OCCUPATIONS, person  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from producers import fpdf2_pdf, reportlab_pdf  # noqa: E402
from pypdf import PdfReader, PdfWriter  # noqa: E402

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
PER_FAMILY = {"tune": 10, "holdout": 8}


def scanned_pdf(doc: dict[str, object]) -> bytes:
    """A CV printed and scanned: one picture per page, no text layer."""
    picture = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(picture)
    rows = doc["header"] + doc["contact"] + doc["main"]  # type: ignore[operator]
    for index, row in enumerate(rows[:40]):
        draw.text((100, 100 + index * 38), str(row[1])[:110], fill=0)
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


def _family_documents(
    family: str,
    rng: random.Random,
    first_index: int,
    truth: list[dict[str, object]],
    batches: dict[str, dict[str, dict[str, object]]],
) -> int:
    """Typeset the documents of one family; returns the next free document number."""
    split, layout, *_, producers = FAMILIES[family]
    occupations = sorted(OCCUPATIONS)
    index = first_index
    for number in range(PER_FAMILY[split]):
        index += 1
        producer = producers.split()[number % 2]
        who = person(rng, index, occupations[index % len(occupations)])
        if layout in {"sidebar", "wide-sidebar", "two-column"}:
            for job in who["experience"]:
                job["bullets"] = job["bullets"][:1]
        doc = document(who, family, rng)
        label = "libreoffice" if producer == "docx" else producer
        stem = f"{who['id']}-{family}-{label}"
        truth.append(
            {
                "file": f"{stem}.pdf",
                "split": split,
                "family": family,
                "producer": label,
                "layout": layout,
                "occupation": who["occupation"],
                "origin": who["origin"],
                "kind": "text",
                "style": doc["style"],
                "expected": doc["expected"],
            }
        )
        if producer == "fpdf2":
            (CORPUS / f"{stem}.pdf").write_bytes(fpdf2_pdf(doc))
        elif producer == "reportlab":
            (CORPUS / f"{stem}.pdf").write_bytes(reportlab_pdf(doc))
        elif producer == "weasyprint":
            (CORPUS / f"{stem}.pdf").write_bytes(weasyprint_pdf(doc))
        else:
            batches[producer][stem] = doc
    return index


def add(families: list[str]) -> int:
    """Append the documents of `families` (not yet in the corpus) to it."""
    truth = json.loads((HERE / "truth.json").read_text())
    present = {doc["family"] for doc in truth}
    unknown = [family for family in families if family not in FAMILIES]
    if unknown or present & set(families):
        print(f"unknown or already present: {sorted(set(unknown) | (present & set(families)))}")
        return 2
    index = max(int(str(doc["file"])[2:5]) for doc in truth)
    batches: dict[str, dict[str, dict[str, object]]] = {"chromium": {}, "docx": {}}
    for family in families:
        index = _family_documents(family, random.Random(family), index, truth, batches)
    chromium_pdfs(batches["chromium"], CORPUS)
    libreoffice_pdfs(batches["docx"], CORPUS)
    (HERE / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n")
    print(f"{len(truth)} documents in {CORPUS.relative_to(ROOT)}")
    return 0


def main() -> int:
    if "--add" in sys.argv:
        return add(sys.argv[sys.argv.index("--add") + 1 :])
    rng = random.Random(20261129)
    CORPUS.mkdir(exist_ok=True)
    for old in CORPUS.glob("*.pdf"):
        old.unlink()
    occupations = sorted(OCCUPATIONS)
    truth: list[dict[str, object]] = []
    batches: dict[str, dict[str, dict[str, object]]] = {"chromium": {}, "docx": {}}
    index = 0
    for family in FAMILIES:
        if family not in ADDED:  # those come last, each from its own seed, as --add makes them
            index = _family_documents(family, rng, index, truth, batches)
    for kind in ("scan", "scan", "encrypted", "encrypted"):
        index += 1
        who = person(rng, index, occupations[index % len(occupations)])
        doc = document(who, "t01-classic", rng)
        stem = f"{who['id']}-{kind}"
        data = scanned_pdf(doc) if kind == "scan" else encrypt(reportlab_pdf(doc))
        (CORPUS / f"{stem}.pdf").write_bytes(data)
        expected = (
            {"status": "NEEDS_OCR", "text_layer": False} if kind == "scan" else doc["expected"]
        )
        truth.append(
            {
                "file": f"{stem}.pdf",
                "split": "tune",
                "family": "t01-classic",
                "producer": "fpdf2-image" if kind == "scan" else "reportlab",
                "layout": "one-column",
                "occupation": who["occupation"],
                "origin": who["origin"],
                "kind": kind,
                "style": doc["style"],
                "expected": expected,
            }
        )
    for family in ADDED:  # after the scans: each from its own seed, exactly as --add made it
        index = _family_documents(family, random.Random(family), index, truth, batches)
    chromium_pdfs(batches["chromium"], CORPUS)
    libreoffice_pdfs(batches["docx"], CORPUS)
    (HERE / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n")
    print(f"{len(truth)} documents in {CORPUS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
