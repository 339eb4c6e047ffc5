"""CV text extraction in a sandboxed child process, and structuring of the text into a profile.

This package re-exports its public interface (the CV pipeline's contract); importing it does not
import pypdf, so the sandbox child can set its rlimits before pypdf loads.
"""

from tasks.cv.outcome import (
    Inspection,
    Limits,
    ParseInterrupted,
    ParseOutcome,
    cli_json,
    has_pdf_magic,
)
from tasks.cv.runner import (
    inspect_pdf,
    inspect_pdf_async,
    parse_pdf,
    parse_pdf_async,
    parse_pdf_in_process,
)

__all__ = [
    "Inspection",
    "Limits",
    "ParseInterrupted",
    "ParseOutcome",
    "cli_json",
    "has_pdf_magic",
    "inspect_pdf",
    "inspect_pdf_async",
    "parse_pdf",
    "parse_pdf_async",
    "parse_pdf_in_process",
]
