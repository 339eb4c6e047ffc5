"""Active content in a PDF: JavaScript and launch actions a viewer might run when the CV opens.

We never run them (pypdf only reads text), but a recruiter who downloads the file opens it in a
viewer that might, so the parse reports them as an ACTIVE_CONTENT finding (a warning) and still
stores and reads the CV (see `findings.active_content_finding`). The search is bounded: a few
hundred objects at most, however the file nests its actions.
"""

from __future__ import annotations

from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

ACTIVE_ACTIONS = {"/JavaScript": "javascript", "/Launch": "launch"}
MAX_VISITS = 500  # action dictionaries, annotations and fields looked at, in total
MAX_ANNOTATIONS = 100  # per page


def _get(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


class _Search:
    """One bounded walk over the places a PDF can attach actions."""

    def __init__(self) -> None:
        self.kinds: set[str] = set()
        self.visits = 0

    def action(self, value: Any, depth: int = 0) -> None:
        """An action dictionary (or array of them) and the actions chained after it (/Next)."""
        value = _get(value)
        self.visits += 1
        if depth > 8 or self.visits > MAX_VISITS:
            return
        if isinstance(value, ArrayObject):
            for item in list(value)[:20]:
                self.action(item, depth + 1)
            return
        if not isinstance(value, DictionaryObject):
            return
        kind = ACTIVE_ACTIONS.get(str(_get(value.get("/S"))))
        if kind is not None or "/JS" in value:
            self.kinds.add(kind or "javascript")
        if "/Next" in value:
            self.action(value["/Next"], depth + 1)

    def triggers(self, holder: Any) -> None:
        """/A (on activation) and every /AA trigger (open, close, focus, ...) of an object."""
        holder = _get(holder)
        if not isinstance(holder, DictionaryObject):
            return
        if "/A" in holder:
            self.action(holder["/A"])
        additional = _get(holder.get("/AA"))
        if isinstance(additional, DictionaryObject):
            for trigger in list(additional.values())[:20]:
                self.action(trigger)


def active_content(reader: PdfReader) -> list[str]:
    """The kinds of active content in the document ("javascript", "launch"), sorted."""
    search = _Search()
    root = _get(reader.trailer.get("/Root"))
    if not isinstance(root, DictionaryObject):
        return []
    names = _get(root.get("/Names"))
    if isinstance(names, DictionaryObject) and "/JavaScript" in names:
        search.kinds.add("javascript")
    if "/OpenAction" in root:
        search.action(root["/OpenAction"])
    search.triggers(root)
    form = _get(root.get("/AcroForm"))
    if isinstance(form, DictionaryObject):
        fields = _get(form.get("/Fields"))
        for item in list(fields)[:MAX_ANNOTATIONS] if isinstance(fields, ArrayObject) else []:
            search.triggers(item)
    for page in reader.pages:
        search.triggers(page)
        annotations = _get(page.get("/Annots"))
        if isinstance(annotations, ArrayObject):
            for annotation in list(annotations)[:MAX_ANNOTATIONS]:
                search.triggers(annotation)
        if search.visits > MAX_VISITS:
            break
    return sorted(search.kinds)
