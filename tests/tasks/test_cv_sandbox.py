"""The CV sandbox: magic bytes, upload inspection, and hostile PDFs ending as FAILED in a child."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tasks.cv import (
    Limits,
    has_pdf_magic,
    inspect_pdf,
    inspect_pdf_async,
    parse_pdf,
    parse_pdf_async,
)
from tasks.cv.runner import death_reason
from tests import pdfs


def test_magic_accepts_a_pdf_header_within_the_first_kilobyte():
    # given
    head = b"\x00" * 1000 + b"%PDF-1.7\n"
    # when
    found = has_pdf_magic(head)
    # then
    assert found is True


def test_magic_rejects_a_pdf_header_after_byte_1024():
    # given
    head = b" " * 1024 + b"%PDF-1.7\n"
    # when
    found = has_pdf_magic(head)
    # then
    assert found is False


@pytest.mark.parametrize("kind", ["png", "html", "zip"])
def test_magic_rejects_other_formats_named_pdf(kind):
    # given
    data = pdfs.not_a_pdf(kind)
    # when
    found = has_pdf_magic(data[:1024])
    # then
    assert found is False


@pytest.mark.parametrize("kind", ["png", "html", "zip"])
def test_inspect_rejects_other_formats_named_pdf(tmp_path, kind):
    # given
    path = pdfs.write(tmp_path, pdfs.not_a_pdf(kind))
    # when
    inspection = inspect_pdf(path)
    # then
    assert (inspection.ok, inspection.error, inspection.page_count) == (False, "NOT_A_PDF", None)


def test_inspect_rejects_a_pdf_header_pypdf_cannot_read(tmp_path):
    # given
    path = pdfs.write(tmp_path, b"%PDF-1.7\nthis is not really a PDF\n")
    # when
    inspection = inspect_pdf(path)
    # then
    assert (inspection.ok, inspection.error) == (False, "NOT_A_PDF")


def test_inspect_accepts_a_cv(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.simple_cv_pdf())
    # when
    inspection = inspect_pdf(path)
    # then
    assert inspection.ok is True
    assert inspection.error is None
    assert inspection.message is None
    assert inspection.page_count == 1
    assert inspection.encrypted is False


def test_inspect_opens_a_pdf_encrypted_with_the_empty_password(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.encrypted_pdf(user_password=""))
    # when
    inspection = inspect_pdf(path)
    # then
    assert (inspection.ok, inspection.encrypted, inspection.page_count) == (True, True, 1)


def test_inspect_rejects_a_password_protected_pdf(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.encrypted_pdf(user_password="s3cret"))
    # when
    inspection = inspect_pdf(path)
    # then
    assert (inspection.ok, inspection.error, inspection.encrypted) == (False, "ENCRYPTED", True)
    assert inspection.message == "the PDF is encrypted with a password"


def test_inspect_rejects_too_many_pages(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.many_pages_pdf(21))
    # when
    inspection = inspect_pdf(path)
    # then
    assert (inspection.ok, inspection.error) == (False, "TOO_MANY_PAGES")
    assert inspection.message == "the PDF has 21 pages; a CV may have at most 20"


@pytest.mark.parametrize("pages", [100, 1000, 5000])
def test_inspect_refuses_any_valid_pdf_over_the_page_limit_as_too_many_pages(tmp_path, pages):
    """A flat page tree far past the limit is a long document, not an unreadable one."""
    # given
    path = pdfs.write(tmp_path, pdfs.flat_pages_pdf(pages))
    # when
    inspection = inspect_pdf(path)
    # then
    assert (inspection.ok, inspection.error) == (False, "TOO_MANY_PAGES")
    assert inspection.message == f"the PDF has {pages} pages; a CV may have at most 20"


def test_inspect_refuses_a_page_tree_larger_than_its_declared_count(tmp_path):
    # given: /Count claims one page, the tree lists 1,000
    path = pdfs.write(tmp_path, pdfs.flat_pages_pdf(1000, declared=1))
    # when
    inspection = inspect_pdf(path)
    # then
    assert (inspection.ok, inspection.error) == (False, "TOO_MANY_PAGES")


def test_inspect_honours_a_lower_page_limit(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.many_pages_pdf(3))
    # when
    inspection = inspect_pdf(path, Limits(max_pages=2))
    # then
    assert inspection.error == "TOO_MANY_PAGES"


async def test_inspect_async_matches_the_blocking_variant(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.many_pages_pdf(2))
    # when
    inspection = await inspect_pdf_async(path)
    # then
    assert (inspection.ok, inspection.page_count) == (True, 2)


def test_parse_reads_a_pdf_encrypted_with_the_empty_password(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.encrypted_pdf(user_password="", name="Ana Müller"))
    # when
    outcome = parse_pdf(path)
    # then
    assert outcome.status == "PARSED"
    assert outcome.profile is not None
    assert outcome.profile["name"]["value"] == "Ana Müller"


def test_parse_fails_a_password_protected_pdf(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.encrypted_pdf(user_password="s3cret"))
    # when
    outcome = parse_pdf(path)
    # then
    assert (outcome.status, outcome.reason, outcome.profile) == ("FAILED", "encrypted", None)


def test_parse_of_a_scan_needs_ocr(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.image_only_pdf(pages=2))
    # when
    outcome = parse_pdf(path)
    # then
    assert outcome.status == "NEEDS_OCR"
    assert outcome.reason == "no text layer on any page: needs OCR"
    assert outcome.page_count == 2
    assert outcome.profile is not None
    assert outcome.profile["text_layer"] is False


def test_parse_flags_image_only_pages_in_a_text_cv(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.mixed_image_pdf())
    # when
    outcome = parse_pdf(path)
    # then
    assert outcome.status == "PARSED"
    image_pages = [f for f in outcome.findings if f["code"] == "IMAGE_ONLY_PAGES"]
    assert [f["details"] for f in image_pages] == [{"pages": [2]}]


@pytest.mark.parametrize("kind", ["names", "open-action", "launch", "page-aa"])
def test_active_content_is_reported_and_the_cv_still_read(tmp_path, kind):
    """JavaScript and launch actions are never run; the recruiter is warned (checklist)."""
    # given
    path = pdfs.write(tmp_path, pdfs.active_content_pdf(kind))
    # when
    outcome = parse_pdf(path)
    # then
    assert outcome.status == "PARSED"
    assert outcome.profile is not None and outcome.profile["name"]["value"] == "Jane Doe"
    active = [f for f in outcome.findings if f["code"] == "ACTIVE_CONTENT"]
    expected = ["launch"] if kind == "launch" else ["javascript"]
    assert [(f["details"]["severity"], f["details"]["kinds"]) for f in active] == [
        ("warning", expected)
    ]


def test_a_plain_cv_has_no_active_content_finding(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.simple_cv_pdf())
    # when
    outcome = parse_pdf(path)
    # then
    assert "ACTIVE_CONTENT" not in [f["code"] for f in outcome.findings]


def test_flate_bomb_fails_on_the_decoding_limit(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.flate_bomb_pdf())
    # when
    outcome = parse_pdf(path)
    # then
    assert outcome.status == "FAILED"
    assert outcome.reason is not None
    assert outcome.reason.startswith("the PDF exceeds a decoding limit")


def test_circular_xref_chain_ends_with_a_partial_parse(tmp_path):
    # given: pypdf detects the /Prev loop and keeps the objects it has read
    path = pdfs.write(tmp_path, pdfs.xref_loop_pdf())
    # when
    outcome = parse_pdf(path)
    # then
    assert outcome.status == "PARSED"
    assert outcome.text is not None
    assert "Jane Doe" in outcome.text


def test_cyclic_page_tree_fails(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.cyclic_pages_pdf())
    # when
    outcome = parse_pdf(path)
    # then
    assert outcome.status == "FAILED"
    assert outcome.reason == "unreadable PDF (Detected cyclic page references.)"


def test_deep_nesting_fails(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.deep_nesting_pdf())
    # when
    outcome = parse_pdf(path)
    # then
    assert outcome.status == "FAILED"
    assert outcome.profile is None


def test_truncated_upload_fails(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.truncated_pdf())
    # when
    outcome = parse_pdf(path)
    # then
    assert outcome.status == "FAILED"
    assert outcome.reason == "the file is not a readable PDF (Stream has ended unexpectedly)"


def test_cpu_limit_kills_a_slow_parse(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.cpu_heavy_pdf())
    # when
    outcome = parse_pdf(path, Limits(cpu_seconds=1))
    # then
    assert (outcome.status, outcome.reason) == ("FAILED", "parsing exceeded 1 s of CPU")


def test_memory_limit_stops_a_greedy_parse(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.cpu_heavy_pdf())
    # when
    outcome = parse_pdf(path, Limits(memory_bytes=110 * 1024 * 1024))
    # then
    assert (outcome.status, outcome.reason) == ("FAILED", "parsing exceeded 110 MB of memory")


def test_wall_clock_limit_kills_the_child(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.cpu_heavy_pdf())
    # when
    outcome = parse_pdf(path, Limits(wall_seconds=0.5))
    # then
    assert (outcome.status, outcome.reason) == (
        "FAILED",
        "parsing exceeded 0.5 s of wall-clock time",
    )


async def test_async_parse_survives_a_killed_child(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.cpu_heavy_pdf())
    # when
    outcome = await parse_pdf_async(path, Limits(cpu_seconds=1))
    # then
    assert (outcome.status, outcome.reason) == ("FAILED", "parsing exceeded 1 s of CPU")


async def test_async_parse_reads_a_cv(tmp_path):
    # given
    path = pdfs.write(tmp_path, pdfs.simple_cv_pdf())
    # when
    outcome = await parse_pdf_async(path)
    # then
    assert (outcome.status, outcome.page_count) == ("PARSED", 1)


def test_a_crashed_child_is_reported_by_signal_name():
    # given
    limits = Limits()
    # when
    reason = death_reason(-signal.SIGSEGV, b"", limits)
    # then
    assert reason == "the parser crashed (SIGSEGV)"


def test_a_child_without_output_is_reported_with_its_last_words():
    # given
    stderr = b"Traceback (most recent call last):\nSystemError: bad things\n"
    # when
    reason = death_reason(1, stderr, Limits())
    # then
    assert reason == "the parser stopped without a result (exit status 1): SystemError: bad things"


def test_parse_of_a_missing_file_fails(tmp_path):
    # given
    path = Path(tmp_path / "missing.pdf")
    # when
    outcome = parse_pdf(path)
    # then
    assert outcome.status == "FAILED"
    assert outcome.reason is not None
    assert outcome.reason.startswith("unreadable PDF (FileNotFoundError")
