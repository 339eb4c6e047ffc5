"""Text extraction with pypdf under tight decode limits; runs inside the sandbox child.

Nothing here is safe to run in the server process on an untrusted file: pathological PDFs can
still burn CPU and memory within pypdf's limits, which is why `sandbox` wraps these functions in
a child process with rlimits. `parse_pdf_in_process` exists for the benchmark and debugging.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PasswordType, PdfReader, apply_configuration
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PyPdfError
from pypdf.generic import DictionaryObject, IndirectObject

from tasks.cv.active import active_content
from tasks.cv.findings import active_content_finding, image_only_finding, quality_findings
from tasks.cv.outcome import (
    ENCRYPTED,
    MAGIC_WINDOW,
    NEEDS_OCR,
    NOT_A_PDF,
    PARSED,
    TOO_MANY_PAGES,
    Inspection,
    Limits,
    ParseOutcome,
    has_pdf_magic,
)
from tasks.cv.runs import Row, layout_text
from tasks.cv.structure import empty_profile, structure_profile

# A CV's content streams are a few kilobytes to a few hundred; 10 MB decoded per stream is far
# beyond any real CV and far below what fits in the child's address space.
STREAM_LIMIT = 10_000_000
# A page with fewer visible characters than this is treated as having no text layer.
MIN_PAGE_CHARS = 8
MAX_TEXT_CHARS = 400_000


class Rejected(Exception):
    """A PDF we refuse to process; `code` is one of the Inspection error codes."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@contextlib.contextmanager
def cv_limits() -> Iterator[None]:
    """pypdf limits sized for CVs (the defaults are sized for arbitrary documents)."""
    with apply_configuration(
        maximum_declared_stream_length=STREAM_LIMIT,
        array_based_stream_maximum_output_length=STREAM_LIMIT,
        zlib_maximum_output_length=STREAM_LIMIT,
        lzw_maximum_output_length=STREAM_LIMIT,
        run_length_maximum_output_length=STREAM_LIMIT,
        brotli_maximum_output_length=STREAM_LIMIT,
        jbig2_maximum_output_length=STREAM_LIMIT,
        image_maximum_buffer_size=STREAM_LIMIT,
        zlib_maximum_recovery_input_length=1_000_000,
        stream_decoding_work_maximum_length=50_000_000,
        stream_parsing_work_maximum_count=500_000,
        array_maximum_element_count=20_000,
        dictionary_maximum_element_count=20_000,
        xmp_maximum_input_length=1_000_000,
        outline_maximum_entries=2_000,
        outline_maximum_depth=20,
        page_tree_maximum_entries=1_000,
        page_tree_maximum_depth=20,
        page_tree_maximum_page_entries=1_000,
        form_fields_maximum_entries=1_000,
        named_destinations_maximum_entries=2_000,
        xform_maximum_invocations_per_extraction=500,
        jbig2dec_binary=None,  # never start another program on an untrusted file
    ):
        yield


@dataclass
class Opened:
    reader: PdfReader
    page_count: int
    encrypted: bool


def declared_page_count(reader: PdfReader) -> int | None:
    """The page count the root /Pages node declares (its /Count), without walking the tree.

    A valid PDF's /Count is its number of pages, so a long document is refused by page count
    before the page tree walk, whose entry limits are sized for CVs and would otherwise stop a
    flat 1,000-page file as "unreadable". None when the file declares nothing usable.
    """
    try:
        pages = _resolve(_resolve(reader.trailer["/Root"]).get("/Pages"))
        count = _resolve(pages.get("/Count")) if isinstance(pages, DictionaryObject) else None
    except (PyPdfError, KeyError, TypeError, AttributeError, ValueError):
        return None
    return int(count) if isinstance(count, int) and not isinstance(count, bool) else None


def open_pdf(path: Path, max_pages: int) -> Opened:
    """Open, decrypt with the empty password if needed, and count pages.

    Raises:
        Rejected: not a PDF, encrypted with a real password, or too many pages.
    """
    with path.open("rb") as handle:
        head = handle.read(MAGIC_WINDOW)
    if not has_pdf_magic(head):
        raise Rejected(NOT_A_PDF, "the file is not a PDF (no %PDF- header)")
    try:
        reader = PdfReader(path, strict=False)
    except LimitReachedError:
        raise
    except PyPdfError as exc:
        raise Rejected(NOT_A_PDF, f"the file is not a readable PDF ({exc})") from exc
    encrypted = reader.is_encrypted
    if encrypted:
        try:
            opened = reader.decrypt("")
        except (DependencyError, NotImplementedError) as exc:
            raise Rejected(ENCRYPTED, f"the PDF uses unsupported encryption ({exc})") from exc
        if opened == PasswordType.NOT_DECRYPTED:
            raise Rejected(ENCRYPTED, "the PDF is encrypted with a password")
    declared = declared_page_count(reader)
    if declared is not None and declared > max_pages:
        raise Rejected(
            TOO_MANY_PAGES, f"the PDF has {declared} pages; a CV may have at most {max_pages}"
        )
    try:
        page_count = len(reader.pages)
    except FileNotDecryptedError as exc:
        raise Rejected(ENCRYPTED, "the PDF is encrypted with a password") from exc
    except LimitReachedError as exc:
        if "page tree" not in str(exc) or "depth" in str(exc):
            raise
        # More page-tree entries than any document of max_pages pages needs, /Count aside.
        raise Rejected(
            TOO_MANY_PAGES, f"the PDF has more pages than a CV may have (at most {max_pages})"
        ) from exc
    if page_count == 0:
        raise Rejected(NOT_A_PDF, "the PDF has no pages")
    if page_count > max_pages:
        raise Rejected(
            TOO_MANY_PAGES, f"the PDF has {page_count} pages; a CV may have at most {max_pages}"
        )
    return Opened(reader, page_count, encrypted)


def inspect_file(path: Path, limits: Limits) -> Inspection:
    """The upload-time check: magic bytes, pypdf opens it, password, page count."""
    with cv_limits():
        try:
            opened = open_pdf(path, limits.max_pages)
        except Rejected as exc:
            return Inspection(False, exc.code, exc.message, None, exc.code == ENCRYPTED)
        return Inspection(True, None, None, opened.page_count, opened.encrypted)


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _has_images(page: DictionaryObject) -> bool:
    """True when the page paints an image XObject (directly or one form level down)."""
    resources = _resolve(page.get("/Resources"))
    if not isinstance(resources, DictionaryObject):
        return False
    xobjects = _resolve(resources.get("/XObject"))
    if not isinstance(xobjects, DictionaryObject):
        return False
    for ref in list(xobjects.values())[:100]:
        xobject = _resolve(ref)
        if not isinstance(xobject, DictionaryObject):
            continue
        if xobject.get("/Subtype") == "/Image":
            return True
        if xobject.get("/Subtype") == "/Form" and _has_images(xobject):
            return True
    return False


def page_text(page: Any) -> str:
    """Layout-mode text (keeps columns apart); plain mode when layout mode cannot cope."""
    return page_layout(page)[0]


def page_layout(page: Any) -> tuple[str, list[Row] | None]:
    """Layout-mode text and the fonts of its rows (`tasks.cv.runs`); plain-mode text without
    fonts when layout mode cannot cope."""
    try:
        text, rows = layout_text(page)
    except LimitReachedError:
        raise
    except Exception:
        return str(page.extract_text()).replace("\f", "\n"), None
    if "\f" in text:  # a form feed drawn as text: the rows no longer match
        return text.replace("\f", "\n"), None
    return text, rows


def parse_file(path: Path, limits: Limits) -> ParseOutcome:
    """Extract and structure one CV; every rejection becomes a FAILED outcome."""
    with cv_limits():
        try:
            opened = open_pdf(path, limits.max_pages)
        except Rejected as exc:
            reason = "encrypted" if exc.code == ENCRYPTED else exc.message
            return ParseOutcome.failed(reason)
        active = active_content(opened.reader)
        pages: list[str] = []
        styles: list[list[Row]] = []
        image_only: list[int] = []
        for number, page in enumerate(opened.reader.pages, start=1):
            text, rows = page_layout(page)
            if len("".join(text.split())) < MIN_PAGE_CHARS:
                if _has_images(page):
                    image_only.append(number)
                text, rows = "", []
            pages.append(text)
            styles.append(rows if rows is not None else [])
    full_text = "\f".join(pages)[:MAX_TEXT_CHARS]
    if not any(pages):
        reason = (
            "no text layer on any page: needs OCR"
            if image_only
            else "no text on any page (blank or unsupported text encoding): needs OCR"
        )
        profile = empty_profile(opened.page_count, text_layer=False)
        warnings = [active_content_finding(active)] if active else []
        return ParseOutcome(NEEDS_OCR, reason, opened.page_count, "", profile, warnings)
    profile = structure_profile(pages, styles)
    findings = quality_findings(profile)
    if image_only:
        findings.append(image_only_finding(image_only))
    if active:
        findings.append(active_content_finding(active))
    return ParseOutcome(PARSED, None, opened.page_count, full_text, profile, findings)


def parse_pdf_in_process(path: Path) -> ParseOutcome:
    """The parse logic without a child process: for the benchmark and debugging only."""
    try:
        return parse_file(path, Limits())
    except LimitReachedError as exc:
        return ParseOutcome.failed(f"the PDF exceeds a decoding limit ({exc})")
    except (PyPdfError, RecursionError, ValueError, KeyError, TypeError) as exc:
        return ParseOutcome.failed(f"unreadable PDF ({type(exc).__name__}: {exc})")
