"""CV parsing quality: field-level precision/recall/F1 against ground truth, and parse time.

    make bench-cv        (or .venv/bin/python bench/cv/quality.py [--split tune|holdout] [-v])

Both splits are reported: the tuning split and the held-out split, generated from template
families the tuning split does not use (see `families.py`); the gap between them is the honest
figure. Every corpus PDF goes through the real sandboxed `parse_pdf`. Matching, after normalisation
(Unicode case folding, whitespace collapsed, surrounding punctuation dropped):
- name, email, location: equal strings; phone: equal E.164 (the truth is normalised with the
  country it was written for) or, for numbers phonenumbers does not accept as valid, equal as
  written (that is what the profile stores for them).
- skills: set of names. The truth records each skill as the CV prints it; the product names
  skills by its one vocabulary (models/skill_aliases.py), so the expected name is the truth's
  spelling mapped through that vocabulary ("Excel" is expected as "Microsoft Excel"; a skill it
  does not know stays as printed). The parser's output is compared as it comes: a parser that
  does not canonicalize loses those skills.
- experience: company + title + start + end all equal (start/end as "YYYY-MM" or "YYYY",
  exactly as precise as the CV prints them; end null when ongoing).
- education: institution + degree (dots and spaces ignored) + start year + end year.
- certifications: title + issuer + year.
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

from models.skill_aliases import canonical  # noqa: E402
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
        expected = data is truth  # only the truth is named the product's way here
        return Counter(
            {norm(canonical(item) or item if expected else item) for item in value or []}
        )
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


def score(doc: dict[str, Any], got: dict[str, Any]) -> dict[str, Counter[str]]:
    """tp/fp/fn per field for one text document, and the differences in words."""
    expected = doc["expected"]
    counts: dict[str, Counter[str]] = {}
    for field in FIELDS:
        want, have = keys(field, expected, expected), keys(field, got, expected)
        tp = sum((want & have).values())
        counts[field] = Counter(tp=tp, fp=sum(have.values()) - tp, fn=sum(want.values()) - tp)
        if want != have:
            counts[field]["miss"] = 1
            doc.setdefault("misses", []).append(
                f"{doc['file']} {field}: want {sorted(want - have, key=str)} "
                f"got {sorted(have - want, key=str)}"
            )
    return counts


def table(title: str, docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Print per-field P/R/F1 and the micro average over `docs`; return them as JSON."""
    print(f"\n== {title} ({len(docs)} documents)")
    print(f"{'field':16}{'precision':>10}{'recall':>10}{'F1':>8}{'TP':>6}{'FP':>6}{'FN':>6}")
    total = Counter[str]()
    results: dict[str, Any] = {}
    for field in FIELDS:
        c = Counter[str]()
        for doc in docs:
            c.update(doc["counts"][field])
        total.update(c)
        p, r, f = prf(c["tp"], c["fp"], c["fn"])
        results[field] = {"precision": p, "recall": r, "f1": f}
        print(f"{field:16}{p:10.3f}{r:10.3f}{f:8.3f}{c['tp']:6}{c['fp']:6}{c['fn']:6}")
    p, r, f = prf(total["tp"], total["fp"], total["fn"])
    results["overall_micro"] = {"precision": p, "recall": r, "f1": f}
    tp, fp, fn = total["tp"], total["fp"], total["fn"]
    print(f"{'overall (micro)':16}{p:10.3f}{r:10.3f}{f:8.3f}{tp:6}{fp:6}{fn:6}")
    return results


def breakdown(title: str, docs: list[dict[str, Any]], key: str) -> dict[str, float]:
    """Micro-F1 per value of `key` (producer, family, occupation)."""
    values: dict[str, float] = {}
    for value in sorted({doc[key] for doc in docs}):
        total = Counter[str]()
        for doc in docs:
            if doc[key] == value:
                for field in FIELDS:
                    total.update(doc["counts"][field])
        values[value] = prf(total["tp"], total["fp"], total["fn"])[2]
    print(f"{title}: " + ", ".join(f"{value} {f1:.3f}" for value, f1 in values.items()))
    return values


def main() -> int:
    """Score the corpus; `--split tune|holdout` limits it to one split, `-v` lists the misses."""
    truth = json.loads((HERE / "truth.json").read_text())
    only = sys.argv[sys.argv.index("--split") + 1] if "--split" in sys.argv else None
    per_page: list[float] = []
    scans_ok = scans = 0
    scored: list[dict[str, Any]] = []
    for doc in truth:
        if only and doc["split"] != only:
            continue
        started = time.perf_counter()
        outcome = parse_pdf(HERE / "corpus" / doc["file"])
        elapsed = time.perf_counter() - started
        if outcome.page_count:
            per_page.append(elapsed / outcome.page_count)
        got = cli_json(outcome)
        if doc["kind"] == "scan":
            scans += 1
            scans_ok += outcome.status == "NEEDS_OCR" and got["text_layer"] is False
            continue
        doc["counts"] = score(doc, got)
        scored.append(doc)
    results: dict[str, Any] = {}
    for split in ("tune", "holdout"):
        docs = [doc for doc in scored if doc["split"] == split]
        if not docs:
            continue
        label = "tuning split" if split == "tune" else "held-out split (never tuned on)"
        results[split] = table(label, docs)
        results[split]["producers"] = breakdown("F1 by producer", docs, "producer")
        results[split]["families"] = breakdown("F1 by family", docs, "family")
        results[split]["occupations"] = breakdown("F1 by occupation", docs, "occupation")
    print(f"\nscanned samples detected as NEEDS_OCR: {scans_ok}/{scans}")
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
        print("\n".join(line for doc in scored for line in doc.get("misses", [])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
