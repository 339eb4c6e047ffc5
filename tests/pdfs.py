"""Test PDFs built in code: realistic CVs (fpdf2) and hostile files (a byte-level builder).

Good CVs:
- `simple_cv_pdf(**fields)`      one-column CV; every section optional; running header/footer.
- `two_column_cv_pdf(**fields)`  header across the page, then two columns of equal weight.
- `sidebar_cv_pdf(**fields)`     narrow left sidebar (contact, skills, languages), main column.
- `image_only_pdf(pages=1)`      a scanned-looking CV: pages are pictures, no text layer.
- `mixed_image_pdf()`            page 1 has text, page 2 is only a picture.
- `encrypted_pdf(user_password="")`  a CV encrypted with AES-128; "" opens without a password.
- `many_pages_pdf(n)`            n short text pages.
Hostile files (each should end as FAILED, quickly, in the sandbox):
- `flate_bomb_pdf(decoded_bytes)`  a small content stream that inflates to `decoded_bytes`.
- `xref_loop_pdf()`              two cross-reference sections whose /Prev point at each other.
- `cyclic_pages_pdf()`           a page tree whose /Kids contain their own parent.
- `deep_nesting_pdf(depth)`      an object of `depth` nested arrays.
- `truncated_pdf()`              a CV cut off after its first third.
- `cpu_heavy_pdf()`              a legitimate but huge text page (to exercise the CPU limit).
Also `not_a_pdf(kind)` (PNG, HTML, ZIP bytes named like a PDF) and `write(tmp_path, data)`.

Fields for the CV builders (all optional): name, headline, email, phone, location, links,
summary, experience (dicts: title, company, dates, location, bullets, style), education (dicts:
institution, degree, dates), skills, languages, certifications (lines), headings (section key ->
heading text), running_header, footer_page_numbers.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)


def unicode_font(style: str = "") -> Path:
    """A TrueType font with broad Latin coverage: DejaVu Sans, else reportlab's Vera (Latin-1);
    `style` "B" for its bold face, "I" for its oblique one."""
    dejavu = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
    for candidate in FONT_CANDIDATES:
        if candidate.with_name(dejavu[style]).exists():
            return candidate.with_name(dejavu[style])
    import reportlab

    vera = {"": "Vera.ttf", "B": "VeraBd.ttf", "I": "VeraIt.ttf"}
    return Path(reportlab.__file__).parent / "fonts" / vera[style]


DEFAULT_EXPERIENCE: list[dict[str, Any]] = [
    {
        "title": "Senior Software Engineer",
        "company": "Acme Analytics GmbH",
        "dates": "Jan 2019 - Present",
        "bullets": ["Led the migration of the billing platform to event sourcing."],
    },
    {
        "title": "Software Engineer",
        "company": "Globex Corporation",
        "dates": "03/2015 - 12/2018",
        "bullets": ["Built internal tooling for the data team."],
    },
]
DEFAULT_EDUCATION: list[dict[str, Any]] = [
    {
        "institution": "Technical University of Munich",
        "degree": "Master of Science in Computer Science",
        "dates": "2012 - 2014",
    }
]
DEFAULT_HEADINGS = {
    "summary": "Summary",
    "experience": "Work Experience",
    "education": "Education",
    "skills": "Skills",
    "certifications": "Certifications",
    "languages": "Languages",
}

_MISSING: Any = object()


class _CV(FPDF):
    def __init__(self, running_header: str | None, footer_page_numbers: bool) -> None:
        super().__init__(format="A4")
        self.running_header = running_header
        self.footer_page_numbers = footer_page_numbers
        self.add_font("Body", "", str(unicode_font()))
        self.set_auto_page_break(True, margin=20)
        self.set_margins(18, 18, 18)

    def header(self) -> None:
        if self.running_header:
            self.set_font("Body", size=8)
            self.set_y(8)
            self.cell(0, 4, self.running_header, align="C")
            self.set_y(18)

    def footer(self) -> None:
        if self.footer_page_numbers:
            self.set_y(-12)
            self.set_font("Body", size=8)
            self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="C")

    def line_out(self, text: str, size: float = 10, height: float = 5, width: float = 0) -> None:
        self.set_font("Body", size=size)
        self.cell(width, height, text, new_x=XPos.LEFT if width else XPos.LMARGIN, new_y=YPos.NEXT)

    def para(self, text: str, width: float = 0, size: float = 10) -> None:
        self.set_font("Body", size=size)
        self.multi_cell(width, 5, text, new_x=XPos.LEFT if width else XPos.LMARGIN, new_y=YPos.NEXT)


def _fields(overrides: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": "Jane Doe",
        "headline": "Senior Software Engineer",
        "email": "jane.doe@example.com",
        "phone": "+49 30 1234567",
        "location": "Berlin, Germany",
        "links": [],
        "summary": "Backend engineer with ten years of experience building data platforms.",
        "experience": DEFAULT_EXPERIENCE,
        "education": DEFAULT_EDUCATION,
        "skills": ["Python", "PostgreSQL", "Kubernetes", "GraphQL"],
        "languages": [],
        "certifications": [],
        "headings": {},
        "running_header": None,
        "footer_page_numbers": False,
        "filler_bullets": 0,
    }
    unknown = set(overrides) - set(fields)
    if unknown:
        raise TypeError(f"unknown CV fields: {sorted(unknown)}")
    fields.update(overrides)
    fields["headings"] = {**DEFAULT_HEADINGS, **fields["headings"]}
    return fields


def _job_lines(job: dict[str, Any]) -> list[str]:
    """Header lines of one job; `style` varies how CVs arrange title, company and dates."""
    style = job.get("style", "title-company")
    where = f", {job['location']}" if job.get("location") else ""
    if style == "inline":
        return [f"{job['title']} at {job['company']}{where} ({job['dates']})"]
    if style == "company-first":
        return [f"{job['company']}{where} | {job['dates']}", job["title"]]
    return [f"{job['title']} — {job['company']}{where}", job["dates"]]


def _contact_lines(fields: dict[str, Any]) -> list[str]:
    parts = [fields[key] for key in ("email", "phone", "location") if fields[key]]
    return [" | ".join(parts)] if parts else []


def _section(pdf: _CV, heading: str, width: float = 0) -> None:
    pdf.ln(2)
    pdf.line_out(heading.upper() if heading.islower() else heading, size=12, height=7, width=width)


def _main_sections(
    pdf: _CV, fields: dict[str, Any], width: float = 0, skip: Sequence[str] = ()
) -> None:
    headings = fields["headings"]
    if fields["summary"] and "summary" not in skip:
        _section(pdf, headings["summary"], width)
        pdf.para(fields["summary"], width)
    if fields["experience"]:
        _section(pdf, headings["experience"], width)
        for job in fields["experience"]:
            for line in _job_lines(job):
                pdf.line_out(line, width=width)
            for bullet in job.get("bullets", []):
                pdf.para(f"• {bullet}", width)
            for index in range(fields["filler_bullets"]):
                pdf.para(f"• Delivered project number {index + 1} on time and on budget.", width)
            pdf.ln(2)
    if fields["education"]:
        _section(pdf, headings["education"], width)
        for school in fields["education"]:
            pdf.line_out(school["degree"], width=width)
            pdf.line_out(f"{school['institution']}, {school['dates']}", width=width)
    for key in ("skills", "languages", "certifications"):
        if fields[key] and key not in skip:
            _section(pdf, headings[key], width)
            if key == "skills":
                pdf.para(", ".join(fields[key]), width)
            else:
                for line in fields[key]:
                    pdf.line_out(line, width=width)


def _output(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def simple_cv_pdf(**overrides: Any) -> bytes:
    """A one-column CV: name, headline, contact line, then sections in the usual order."""
    fields = _fields(overrides)
    pdf = _CV(fields["running_header"], fields["footer_page_numbers"])
    pdf.add_page()
    if fields["name"]:
        pdf.line_out(fields["name"], size=20, height=10)
    if fields["headline"]:
        pdf.line_out(fields["headline"], size=12, height=6)
    for line in _contact_lines(fields):
        pdf.line_out(line, size=9)
    for link in fields["links"]:
        pdf.line_out(link, size=9)
    _main_sections(pdf, fields)
    return _output(pdf)


# A private-use code point, as Symbol/Wingdings bullets extract; DejaVu Sans has a glyph there.
PRIVATE_USE_BULLET = "\uef00"


def arranged_cv_pdf(sections: dict[str, list[Any]]) -> bytes:
    """A one-column CV whose section rows are laid out exactly as given.

    A row is a string (one line), ("right", text, dates) for dates right-aligned on the text's
    line, ("cells", [a, b, c]) for one table row, or ("bullet", glyph, text).
    """
    pdf = _CV(None, False)
    pdf.add_page()
    pdf.line_out("Jane Doe", size=20, height=10)
    pdf.line_out("jane.doe@example.com | +49 30 1234567 | Berlin, Germany", size=9)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for heading, rows in sections.items():
        _section(pdf, heading)
        for row in rows:
            pdf.set_font("Body", size=10)
            if isinstance(row, str):
                pdf.line_out(row)
            elif row[0] == "right":
                pdf.cell(width - 45, 5, row[1])
                pdf.cell(45, 5, row[2], align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            elif row[0] == "cells":
                for share, cell in zip((0.25, 0.45, 0.3), row[1], strict=True):
                    pdf.cell(width * share, 5, cell)
                pdf.ln(5)
            else:
                pdf.cell(6, 5, row[1])
                pdf.multi_cell(width - 6, 5, row[2], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return _output(pdf)


def _styled_rows(pdf: FPDF, x: float, width: float, rows: Sequence[Any]) -> None:
    """Rows of one column, from the current height down; see `styled_columns_pdf`."""
    for row in rows:
        kind = row[0]
        pdf.set_x(x)
        if kind == "gap":
            pdf.ln(row[1])
            continue
        if kind == "p":  # ("p", style, text, size): wrapped to the column's width
            _, style, text, size = row
            pdf.set_font("Body", style, size)
            pdf.multi_cell(width, size * 0.45, text, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        elif kind == "dated":  # ("dated", style, text, text_width, dates): a narrow text cell
            _, style, text, text_width, dates = row
            top = pdf.get_y()
            pdf.set_font("Body", "", 10)
            pdf.set_xy(x + width - 40, top)
            pdf.cell(40, 4.5, dates, align="R")
            pdf.set_xy(x, top)
            pdf.set_font("Body", style, 10)
            pdf.multi_cell(text_width, 4.5, text, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        elif kind == "table":  # ("table", [(width, text), ...]): one table row, cells wrap
            top, bottom = pdf.get_y(), pdf.get_y()
            left = x
            pdf.set_font("Body", "", 10)
            for cell_width, text in row[1]:
                pdf.set_xy(left, top)
                pdf.multi_cell(cell_width, 4.5, text, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
                bottom = max(bottom, pdf.get_y())
                left += cell_width
            pdf.set_xy(x, bottom)
        elif kind == "bullet":  # ("bullet", text)
            pdf.set_font("Body", "", 10)
            pdf.cell(5, 4.5, "•")
            pdf.multi_cell(width - 5, 4.5, row[1], align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_x(x)


def styled_columns_pdf(sidebar: Sequence[Any], main: Sequence[Any], sidebar_width: float) -> bytes:
    """A sidebar CV drawn row by row in regular, bold ("B") and oblique ("I") faces, so text
    wraps where the producer's column or cell runs out of room, as browsers and word
    processors wrap it.

    A row is ("p", style, text, size) for a paragraph wrapped to the column, ("dated", style,
    text, text_width, dates) for an entry's text in a cell `text_width` wide with its dates
    right-aligned in the column, ("table", [(width, text), ...]) for a table row whose cells
    wrap, ("bullet", text), or ("gap", millimetres).
    """
    pdf = FPDF(format="A4")
    for style in ("", "B", "I"):
        pdf.add_font("Body", style, str(unicode_font(style)))
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    main_x = pdf.l_margin + sidebar_width + 10
    _styled_rows(pdf, pdf.l_margin, sidebar_width, sidebar)
    pdf.set_y(pdf.t_margin)
    _styled_rows(pdf, main_x, pdf.w - pdf.r_margin - main_x, main)
    return _output(pdf)


def _two_columns(fields: dict[str, Any], left_width: float, sidebar: bool) -> bytes:
    pdf = _CV(fields["running_header"], fields["footer_page_numbers"])
    pdf.add_page()
    headings = fields["headings"]
    top = pdf.get_y()
    gutter = 10
    right_x = pdf.l_margin + left_width + gutter
    right_width = pdf.w - pdf.r_margin - right_x
    if sidebar:
        # Sidebar: contact, skills and languages on the left; name and the story on the right.
        pdf.set_xy(pdf.l_margin, top)
        _section(pdf, headings.get("contact", "Contact"), left_width)
        for key in ("email", "phone", "location"):
            if fields[key]:
                pdf.line_out(fields[key], size=9, width=left_width)
        for key in ("skills", "languages"):
            if fields[key]:
                _section(pdf, headings[key], left_width)
                for item in fields[key]:
                    pdf.line_out(item, size=9, width=left_width)
        pdf.set_left_margin(right_x)
        pdf.set_xy(right_x, top)
        if fields["name"]:
            pdf.line_out(fields["name"], size=20, height=10, width=right_width)
        if fields["headline"]:
            pdf.line_out(fields["headline"], size=12, height=6, width=right_width)
        _main_sections(pdf, fields, right_width, skip=("skills", "languages"))
        return _output(pdf)
    # Two columns: full-width header, experience left, the rest right.
    if fields["name"]:
        pdf.line_out(fields["name"], size=20, height=10)
    if fields["headline"]:
        pdf.line_out(fields["headline"], size=12, height=6)
    for line in _contact_lines(fields):
        pdf.line_out(line, size=9)
    top = pdf.get_y() + 2
    pdf.set_xy(pdf.l_margin, top)
    left = {**fields, "education": [], "skills": [], "languages": [], "certifications": []}
    _main_sections(pdf, left, left_width)
    right = {**fields, "summary": "", "experience": []}
    pdf.set_left_margin(right_x)
    pdf.set_xy(right_x, top)
    _main_sections(pdf, right, right_width)
    return _output(pdf)


def two_column_cv_pdf(**overrides: Any) -> bytes:
    """Name and contact across the top, then summary and experience left, the rest right."""
    return _two_columns(_fields(overrides), left_width=95, sidebar=False)


def sidebar_cv_pdf(**overrides: Any) -> bytes:
    """A narrow left sidebar (contact, skills, languages) beside the main column."""
    return _two_columns(_fields(overrides), left_width=50, sidebar=True)


def _text_picture(lines: Sequence[str]) -> Image.Image:
    picture = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(picture)
    for index, line in enumerate(lines):
        draw.text((120, 120 + index * 40), line, fill=0)
    return picture


def image_only_pdf(pages: int = 1) -> bytes:
    """A CV as a scan: each page is one picture of text and there is no text layer."""
    pdf = FPDF(format="A4")
    for number in range(pages):
        pdf.add_page()
        picture = _text_picture(["Jane Doe", "jane.doe@example.com", f"Page {number + 1}"])
        pdf.image(picture, x=0, y=0, w=pdf.w, h=pdf.h)
    return _output(pdf)


def mixed_image_pdf() -> bytes:
    """Page 1 is a text CV; page 2 is a scanned reference letter with no text layer."""
    fields = _fields({})
    pdf = _CV(None, False)
    pdf.add_page()
    pdf.line_out(fields["name"], size=20, height=10)
    for line in _contact_lines(fields):
        pdf.line_out(line, size=9)
    _main_sections(pdf, fields)
    pdf.add_page()
    pdf.image(_text_picture(["Reference letter"]), x=0, y=0, w=pdf.w, h=pdf.h)
    return _output(pdf)


def encrypted_pdf(user_password: str = "", **overrides: Any) -> bytes:
    """`simple_cv_pdf` encrypted with AES-128; an empty user password opens without asking."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(simple_cv_pdf(**overrides))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def active_content_pdf(kind: str) -> bytes:
    """`simple_cv_pdf` carrying active content a viewer might run (security checklist).

    kind: "names" (a /JavaScript name tree), "open-action" (/OpenAction running /JS),
    "launch" (a link annotation whose action launches a program), "page-aa" (a page-open
    trigger running JavaScript).
    """
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(simple_cv_pdf())))
    script = TextStringObject("app.alert('hello')")
    javascript = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): script}
    )
    root, page = writer.root_object, writer.pages[0]
    if kind == "names":
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("hello"), javascript])}
        )
        root[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    elif kind == "open-action":
        root[NameObject("/OpenAction")] = javascript
    elif kind == "launch":
        launch = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc")}
        )
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (72, 72, 200, 90)]),
                NameObject("/A"): launch,
            }
        )
        page[NameObject("/Annots")] = ArrayObject([link])
    elif kind == "page-aa":
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): javascript})
    else:
        raise ValueError(f"unknown kind {kind!r}")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def many_pages_pdf(n: int) -> bytes:
    """`n` short pages of text (for page-count limits)."""
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=11)
    for number in range(n):
        pdf.add_page()
        pdf.cell(0, 10, f"Jane Doe - project list, page {number + 1}")
    return _output(pdf)


# -- hostile files, built byte by byte -------------------------------------------------------


def raw_pdf(objects: Sequence[bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF from object bodies (object i+1 = objects[i]) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _one_page(content: bytes, content_extra: bytes = b"") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(content, content_extra),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def flat_pages_pdf(pages: int, declared: int | None = None) -> bytes:
    """A valid PDF whose one /Pages node lists `pages` kids sharing one content stream.

    `declared` overrides /Count (a file that lies about its length); default: the truth.
    """
    kids = b" ".join(b"%d 0 R" % (4 + index) for index in range(pages))
    count = pages if declared is None else declared
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>"
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
            _stream(b"BT /F1 12 Tf 72 720 Td (Jane Doe, project list) Tj ET"),
            *[page] * pages,
        ]
    )


def flate_bomb_pdf(decoded_bytes: int = 128 * 1024 * 1024) -> bytes:
    """A page whose ~100 KB content stream inflates to `decoded_bytes` of spaces."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    packed = bytearray()
    for _ in range(decoded_bytes // len(chunk)):
        packed += compressor.compress(chunk)
    packed += compressor.flush()
    return raw_pdf(_one_page(bytes(packed), b"/Filter /FlateDecode "))


def xref_loop_pdf() -> bytes:
    """A valid page whose trailer chain loops: each xref section's /Prev names the other."""
    base = raw_pdf(_one_page(b"BT /F1 12 Tf 72 720 Td (Jane Doe, Senior Engineer) Tj ET"))
    first_xref = int(base.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    body = base[: base.rindex(b"xref\n0 ")]
    table = base[first_xref : base.rindex(b"trailer")]
    trailer = b"trailer\n<< /Size 6 /Root 1 0 R /Prev %010d >>\n"
    second_xref = len(body) + len(table) + len(trailer % 0)
    out = bytearray(body)
    out += table + trailer % second_xref
    out += table + trailer % first_xref
    out += b"startxref\n%d\n%%%%EOF\n" % second_xref
    return bytes(out)


def cyclic_pages_pdf() -> bytes:
    """A page tree where the root /Pages node lists itself among its kids."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Count 3 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            _stream(b"BT /F1 12 Tf 72 720 Td (Jane Doe, Senior Engineer) Tj ET"),
        ]
    )


def deep_nesting_pdf(depth: int = 100_000) -> bytes:
    """A page whose /Resources entry is `depth` nested arrays (recursion in every parser)."""
    nested = b"[" * depth + b"]" * depth
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources 5 0 R >>",
            _stream(b"BT /F1 12 Tf 72 720 Td (Jane Doe, Senior Engineer) Tj ET"),
            nested,
        ]
    )


def truncated_pdf() -> bytes:
    """A real CV cut off after its first third (an interrupted upload)."""
    data = simple_cv_pdf()
    return data[: len(data) // 3]


def cpu_heavy_pdf(operations: int = 40_000) -> bytes:
    """A legitimate one-page PDF with an enormous number of text operations (slow to lay out)."""
    content = b"BT /F1 6 Tf " + b"1 0 0 1 72 700 Tm (Jane Doe wrote this line) Tj " * operations
    return raw_pdf(_one_page(content + b"ET"))


def not_a_pdf(kind: str) -> bytes:
    """Bytes of another format that an attacker or a confused user might name `cv.pdf`."""
    if kind == "png":
        picture = io.BytesIO()
        Image.new("RGB", (4, 4), "white").save(picture, format="PNG")
        return picture.getvalue()
    if kind == "html":
        return b"<!doctype html><html><body><h1>Jane Doe</h1></body></html>"
    if kind == "zip":
        import zipfile

        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            zipped.writestr("cv.pdf", simple_cv_pdf())
        return archive.getvalue()
    raise ValueError(f"unknown kind {kind!r}")


def write(directory: Path, data: bytes, name: str = "cv.pdf") -> Path:
    """Write `data` to `directory/name` and return the path."""
    path = directory / name
    path.write_bytes(data)
    return path
