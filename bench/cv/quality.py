"""CV parsing quality: field-level precision/recall/F1 against ground truth, and parse time.

    make bench-cv        (or .venv/bin/python bench/cv/quality.py)

Every corpus PDF goes through the real sandboxed `parse_pdf`. Matching, after normalisation
(Unicode case folding, whitespace collapsed, surrounding punctuation dropped):
- name, email, location: equal strings; phone: equal E.164 (the truth is normalised with the
  country it was written for) or, for numbers phonenumbers does not accept as valid, equal as
  written (that is what the profile stores for them).
- skills: set of names. experience: company + title + start + end all equal (start/end as
  "YYYY-MM" or "YYYY", exactly as precise as the CV prints them; end null when ongoing).
  education: institution + degree (dots and spaces ignored) + start year + end year.
  certifications: title + issuer + year.
- A wrong value counts as one false positive and one false negative; micro-F1 sums all fields.
Scanned samples must come back NEEDS_OCR with text_layer false; they are scored separately.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import phonenumbers

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tasks.cv import cli_json, parse_pdf  # noqa: E402
from tasks.cv.lexicon import PHONE_REGIONS, US_STATES  # noqa: E402

HERE = Path(__file__).resolve().parent
FIELDS = (
    "name",
    "email",
    "phone",
    "location",
    "skills",
    "experience",
    "education",
    "certifications",
)


def norm(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    text = unicodedata.normalize("NFC", str(value)).casefold()
    text = re.sub(r"\s*,\s*", ", ", " ".join(text.split()))
    return text.strip(" .,;:|-–—")


def norm_degree(value: Any) -> Any:
    return None if value is None else re.sub(r"[\s.]", "", norm(value))


def e164(phone: str, location: str) -> str:
    last = location.split(",")[-1].strip()
    region = "US" if last in US_STATES else PHONE_REGIONS.get(last.casefold())
    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return phone
    if not phonenumbers.is_valid_number(number):
        return phone  # the profile format keeps numbers phonenumbers cannot validate as written
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def keys(field: str, data: dict[str, Any], truth: dict[str, Any]) -> Counter[Any]:
    """The comparable items of one field (a multiset; empty when absent)."""
    value = data.get(field)
    if field == "phone":
        return Counter(
            [e164(value, truth["location"]) if data is truth else value] if value else []
        )
    if field in {"name", "email", "location"}:
        return Counter([norm(value)] if value else [])
    if field == "skills":
        return Counter({norm(item) for item in value or []})
    if field == "experience":
        return Counter(
            (norm(j["company"]), norm(j["title"]), j["start"], j["end"]) for j in value or []
        )
    if field == "education":
        return Counter(
            (norm(e["institution"]), norm_degree(e["degree"]), e["start_year"], e["end_year"])
            for e in value or []
        )
    return Counter((norm(c["title"]), norm(c["issuer"]), c["year"]) for c in value or [])


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> int:
    truth = json.loads((HERE / "truth.json").read_text())
    counts = {field: Counter[str]() for field in FIELDS}
    per_page: list[float] = []
    scans_ok = scans = 0
    misses: list[str] = []
    for doc in truth:
        started = time.perf_counter()
        outcome = parse_pdf(HERE / "corpus" / doc["file"])
        elapsed = time.perf_counter() - started
        if outcome.page_count:
            per_page.append(elapsed / outcome.page_count)
        got = cli_json(outcome)
        expected = doc["expected"]
        if doc["kind"] == "scan":
            scans += 1
            scans_ok += outcome.status == "NEEDS_OCR" and got["text_layer"] is False
            continue
        for field in FIELDS:
            want, have = keys(field, expected, expected), keys(field, got, expected)
            tp = sum((want & have).values())
            counts[field]["tp"] += tp
            counts[field]["fp"] += sum(have.values()) - tp
            counts[field]["fn"] += sum(want.values()) - tp
            if want != have:
                misses.append(
                    f"{doc['file']} {field}: want {sorted(want - have, key=str)} "
                    f"got {sorted(have - want, key=str)}"
                )
    print(f"{'field':16}{'precision':>10}{'recall':>10}{'F1':>8}{'TP':>6}{'FP':>6}{'FN':>6}")
    total = Counter[str]()
    results: dict[str, Any] = {}
    for field in FIELDS:
        c = counts[field]
        total.update(c)
        p, r, f = prf(c["tp"], c["fp"], c["fn"])
        results[field] = {"precision": p, "recall": r, "f1": f, **c}
        print(f"{field:16}{p:10.3f}{r:10.3f}{f:8.3f}{c['tp']:6}{c['fp']:6}{c['fn']:6}")
    p, r, f = prf(total["tp"], total["fp"], total["fn"])
    results["overall_micro"] = {"precision": p, "recall": r, "f1": f}
    print(
        f"{'overall (micro)':16}{p:10.3f}{r:10.3f}{f:8.3f}"
        f"{total['tp']:6}{total['fp']:6}{total['fn']:6}"
    )
    print(f"scanned samples detected as NEEDS_OCR: {scans_ok}/{scans}")
    per_page.sort()
    median = statistics.median(per_page)
    p95 = per_page[min(len(per_page) - 1, round(0.95 * (len(per_page) - 1)))]
    print(
        f"parse time per page through the sandbox (n={len(per_page)} documents): "
        f"median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
    )
    results["time_per_page_ms"] = {"median": median * 1000, "p95": p95 * 1000}
    results["scans_needs_ocr"] = f"{scans_ok}/{scans}"
    out = HERE.parent / "out" / "cv_quality.json"  # bench/out is not committed
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"JSON: {out.relative_to(HERE.parent.parent)}")
    if "-v" in sys.argv:
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
