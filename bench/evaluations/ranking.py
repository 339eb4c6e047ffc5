"""Ranking quality of the `rules` engine against hand-graded candidates, next to a naive baseline.

Prints NDCG@5 and Spearman's rho per job and overall (mean over jobs) for each split, then a
pure-engine throughput figure. Ties in a score list are broken pessimistically (the lower grade
first), so neither engine profits from the order candidates are written in.

    .venv/bin/python bench/evaluations/ranking.py [--split tuning|heldout|all]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from models.skill_aliases import _mentions  # noqa: E402
from tasks.evaluation import (  # noqa: E402
    CertificationInput,
    EducationInput,
    ExperienceInput,
    JobInput,
    ProfileInput,
    SkillInput,
    evaluate,
    job_from_prompt,
)

TODAY = date(2026, 11, 1)
SPLITS: dict[str, list[dict[str, Any]]] = {
    name: json.loads((HERE / f"{name}.json").read_text())["jobs"] for name in ("tuning", "heldout")
}


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    year, _, month = text.partition("-")
    return date(int(year), int(month or 1), 1)


def profile(c: dict[str, Any]) -> ProfileInput:
    skills = []
    for spec in c.get("skills", []):
        name, _, years = spec.partition(":")
        skills.append(SkillInput(name, years=float(years) if years else None))
    work = tuple(
        ExperienceInput(f"{c['id']}-w{i}", t, None, None, _day(s), _day(e), e is None, d)
        for i, (t, s, e, d) in enumerate(c.get("work", []))
    )
    return ProfileInput(
        headline=c.get("head"),
        location=c.get("loc"),
        skills=tuple(skills),
        experience=work,
        education=tuple(
            EducationInput(f"{c['id']}-d{i}", None, degree, field)
            for i, (degree, field) in enumerate(c.get("edu", []))
        ),
        certifications=tuple(
            CertificationInput(f"{c['id']}-c{i}", name) for i, name in enumerate(c.get("certs", []))
        ),
        remote_ok=c.get("remote_ok"),
    )


def job(j: dict[str, Any]) -> JobInput:
    base = job_from_prompt(
        j["title"], j["description"], j["required"], j["preferred"], j.get("min_years"),
        j.get("location"), j.get("remote"),
    )  # fmt: skip
    return JobInput(
        base.title, base.description, base.location, base.remote, base.skills, base.min_years,
        j.get("education", base.education), tuple(j.get("certifications", base.certifications)),
    )  # fmt: skip


def baseline(p: ProfileInput, j: JobInput) -> float:
    """Weighted overlap of listed skill names (required 2, preferred 1), exact names only."""
    listed = {s.name.strip().lower() for s in p.skills}
    weights = {s.name.strip().lower(): 2.0 if s.required else 1.0 for s in j.skills}
    return sum(w for n, w in weights.items() if n in listed) / sum(weights.values())


def ndcg(grades_by_rank: list[int], k: int = 5) -> float:
    def dcg(gs: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gs[:k]))

    ideal = dcg(sorted(grades_by_rank, reverse=True))
    return dcg(grades_by_rank) / ideal if ideal else 0.0


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for m in range(i, j + 1):
            ranks[order[m]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float:
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sx = math.sqrt(sum((a - mx) ** 2 for a in rx))
    sy = math.sqrt(sum((b - my) ** 2 for b in ry))
    return cov / (sx * sy) if sx and sy else 0.0


def rank_quality(scores: list[float], grades: list[int]) -> tuple[float, float]:
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], grades[i]))
    return ndcg([grades[i] for i in order]), spearman(scores, [float(g) for g in grades])


def run_split(name: str, jobs: list[dict[str, Any]], verbose: bool) -> None:
    print(f"\n== {name} split: {len(jobs)} jobs ==")
    print(f"{'job':<18}{'n':>4}  {'rules ndcg5':>11} {'rho':>6}   {'base ndcg5':>10} {'rho':>6}")
    totals = [0.0, 0.0, 0.0, 0.0]
    for j in jobs:
        jb = job(j)
        cands = j["candidates"]
        profiles = [profile(c) for c in cands]
        grades = [c["g"] for c in cands]
        rules = [evaluate(p, jb, TODAY).score for p in profiles]
        base = [baseline(p, jb) for p in profiles]
        values = (*rank_quality(rules, grades), *rank_quality(base, grades))
        totals = [t + v for t, v in zip(totals, values, strict=True)]
        print(f"{j['id']:<18}{len(cands):>4}  {values[0]:>11.3f} {values[1]:>6.3f}   "
              f"{values[2]:>10.3f} {values[3]:>6.3f}")  # fmt: skip
        if verbose:
            for c, s in sorted(zip(cands, rules, strict=True), key=lambda x: -x[1]):
                print(f"    {c['id']} g{c['g']} {s:5.1f} {c.get('note', '')}")
    n = len(jobs)
    print(f"{'overall (mean)':<22}  {totals[0] / n:>11.3f} {totals[1] / n:>6.3f}   "
          f"{totals[2] / n:>10.3f} {totals[3] / n:>6.3f}")  # fmt: skip


def throughput() -> None:
    pairs = [(profile(c), job(j)) for js in SPLITS.values() for j in js for c in j["candidates"]]
    count, start = 0, time.process_time()
    while count < 3000:
        _mentions.cache_clear()  # every pass reads its texts afresh, as new profiles would
        for p, jb in pairs:
            evaluate(p, jb, TODAY)
        count += len(pairs)
    elapsed = time.process_time() - start
    rate = count / elapsed
    print(
        f"\nthroughput: {count} rules evaluations in {elapsed:.2f} s CPU = {rate:,.0f} per second"
    )
    print(f"300 evaluations: {300 / rate * 1000:.0f} ms CPU (pure engine, one process)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["tuning", "heldout", "all"], default="all")
    parser.add_argument("--verbose", action="store_true", help="print each job's ranking")
    args = parser.parse_args()
    for name, jobs in SPLITS.items():
        if args.split in (name, "all"):
            run_split(name, jobs, args.verbose)
    throughput()


if __name__ == "__main__":
    main()
