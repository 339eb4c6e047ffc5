"""Recreate the benchmark database, migrate it and bulk-load a deterministic data set with COPY.

Runnable (`.venv/bin/python bench/seed.py --candidates 10000`) and importable (`seed(...)`).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/talentgraph_bench"
ADMIN_EMAIL = "admin@bench.example"
ADMIN_PASSWORD = "bench"
JOBS = 50  # all OPEN

FIRST_NAMES = [
    "Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Edsger",
    "Radia", "Donald", "Katherine", "John", "Hedy", "Tim", "Sophie", "Guido", "Anita", "Bjarne",
]  # fmt: skip
LAST_NAMES = [
    "Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson",
    "Allen", "Dijkstra", "Perlman", "Knuth", "Johnson", "McCarthy", "Lamarr", "Berners-Lee",
    "Wilson", "van Rossum", "Borg", "Stroustrup",
]  # fmt: skip
CITIES = ["Berlin", "Paris", "Lisbon", "Warsaw", "Madrid", "Dublin", "Vienna", "Oslo", "Rome"]
INSTITUTIONS = [
    "TU Berlin", "Sorbonne", "University of Lisbon", "ETH Zurich", "KTH", "Trinity College",
    "Politecnico di Milano", "University of Warsaw", "TU Delft", "Aalto University",
]  # fmt: skip
DEGREES = ["BSc", "MSc", "BA", "MA", "PhD"]
FIELDS = ["Computer Science", "Mathematics", "Physics", "Economics", "Design", "Linguistics"]
COMPANIES = [
    "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises",
    "Soylent", "Tyrell", "Cyberdyne", "Aperture", "Vandelay",
]  # fmt: skip
TITLES = [
    "Software Engineer", "Data Engineer", "Product Manager", "Designer", "SRE", "QA Engineer",
    "Data Scientist", "Engineering Manager", "Frontend Engineer", "Backend Engineer",
]  # fmt: skip
SKILL_BASES = [
    "Python", "Go", "Rust", "Java", "Kotlin", "TypeScript", "JavaScript", "C", "C++", "C#",
    "Ruby", "Elixir", "Scala", "Haskell", "SQL", "PostgreSQL", "Redis", "Kafka", "Docker",
    "Kubernetes", "Terraform", "AWS", "GCP", "Azure", "React", "Vue", "GraphQL", "REST",
    "Linux", "Git",
]  # fmt: skip
SKILL_LEVELS = ["BEGINNER", "INTERMEDIATE", "ADVANCED", "EXPERT"]
STAGES = ["APPLIED", "SCREENING", "INTERVIEW", "OFFER", "HIRED", "REJECTED", "WITHDRAWN"]
EMPLOYMENT_TYPES = ["FULL_TIME", "PART_TIME", "CONTRACT", "TEMPORARY", "INTERNSHIP"]
CERTS = [
    ("AWS Solutions Architect", "Amazon"),
    ("CKA", "CNCF"),
    ("PMP", "PMI"),
    ("Scrum Master", "Scrum Alliance"),
    ("OSCP", "Offensive Security"),
]


def asyncpg_url(url: str) -> str:
    """A plain libpq URL (asyncpg, PostGraphile) from any `postgresql[+driver]://` URL."""
    parts = urlsplit(url)
    return urlunsplit(("postgresql", *parts[1:]))


def sqlalchemy_url(url: str) -> str:
    """The same URL with SQLAlchemy's asyncpg driver, as our server and migrations expect."""
    parts = urlsplit(url)
    return urlunsplit(("postgresql+asyncpg", *parts[1:]))


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"refusing odd database name {name!r} in {url}")
    return name


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(asyncpg_url(url))
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


async def recreate_database(url: str) -> None:
    """DROP ... WITH (FORCE) and CREATE the database named in `url` via the `postgres` db."""
    name = database_name(url)
    conn = await asyncpg.connect(_with_database(url, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def migrate(url: str) -> None:
    """Apply our Alembic migrations (blocking; Alembic runs its own event loop)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from models.migrate import upgrade

    upgrade(sqlalchemy_url(url))


@dataclass
class Tables:
    """Rows per table, in COPY column order."""

    columns: dict[str, list[str]]
    rows: dict[str, list[tuple[Any, ...]]]

    def add(self, table: str, columns: list[str], row: tuple[Any, ...]) -> None:
        self.columns.setdefault(table, columns)
        self.rows.setdefault(table, []).append(row)


def generate(candidates: int, password_hash: str, rng_seed: int = 42) -> Tables:
    """Build every row in memory; deterministic for a given seed (ids included)."""
    rng = random.Random(rng_seed)

    def uid() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    t = Tables({}, {})
    epoch = datetime(2024, 1, 1, tzinfo=UTC)

    org_cols = ["id", "name", "slug", "kind", "website", "created_at", "updated_at"]
    orgs: list[uuid.UUID] = []
    for i, (name, kind) in enumerate(
        [("Acme Hiring", "EMPLOYER"), ("Talent Scouts", "AGENCY"), ("Job Board Co", "PARTNER")]
    ):
        oid = uid()
        orgs.append(oid)
        ts = epoch + timedelta(minutes=i)
        slug = name.lower().replace(" ", "-")
        t.add("organizations", org_cols, (oid, name, slug, kind, None, ts, ts))

    skill_cols = ["id", "name", "normalized_name", "aliases", "category", "created_at"]
    skills: list[uuid.UUID] = []
    names = [*SKILL_BASES, *(f"{s} Advanced" for s in SKILL_BASES)]
    for i, name in enumerate(names):
        sid = uid()
        skills.append(sid)
        t.add(
            "skills",
            skill_cols,
            (sid, name, name.lower(), "[]", "technology", epoch + timedelta(seconds=i)),
        )

    job_cols = [
        "id", "organization_id", "title", "description", "location", "remote", "employment_type",
        "salary_min", "salary_max", "salary_currency", "status", "external_id", "version",
        "published_at", "created_at", "updated_at",
    ]  # fmt: skip
    js_cols = ["id", "job_id", "skill_id", "required", "weight", "created_at"]
    jobs: list[tuple[uuid.UUID, uuid.UUID]] = []
    for i in range(JOBS):
        jid, org = uid(), orgs[i % len(orgs)]
        jobs.append((jid, org))
        ts = epoch + timedelta(hours=i)
        salary = 40_000 + 1_000 * rng.randrange(60)
        t.add(
            "jobs",
            job_cols,
            (
                jid, org, f"{TITLES[i % len(TITLES)]} #{i + 1}", "Benchmark job.",
                CITIES[i % len(CITIES)], i % 3 == 0, EMPLOYMENT_TYPES[i % len(EMPLOYMENT_TYPES)],
                salary, salary + 20_000, "EUR", "OPEN", f"job-{i}", 1, ts, ts, ts,
            ),
        )  # fmt: skip
        for sid in rng.sample(skills, rng.randint(4, 6)):
            weight = float(rng.randint(1, 10))
            t.add("job_skills", js_cols, (uid(), jid, sid, rng.random() < 0.7, weight, ts))

    t.add(
        "users",
        [
            "id", "email", "password_hash", "external_subject", "role", "organization_id",
            "is_active", "created_at", "updated_at",
        ],
        (uid(), ADMIN_EMAIL, password_hash, None, "ADMIN", None, True, epoch, epoch),
    )  # fmt: skip

    cand_cols = [
        "id", "first_name", "last_name", "email", "phone", "date_of_birth", "gender", "location",
        "headline", "summary", "source", "sourced_by_organization_id", "external_id", "user_id",
        "version", "created_at", "updated_at",
    ]  # fmt: skip
    edu_cols = [
        "id", "candidate_id", "institution", "degree", "field_of_study", "start_date",
        "end_date", "grade", "description", "created_at",
    ]  # fmt: skip
    exp_cols = [
        "id", "candidate_id", "company_name", "job_title", "location", "start_date", "end_date",
        "is_current", "description", "created_at",
    ]  # fmt: skip
    cs_cols = ["id", "candidate_id", "skill_id", "level", "years", "created_at"]
    cert_cols = [
        "id", "candidate_id", "name", "issuer", "issue_date", "expiry_date", "credential_id",
        "credential_url", "created_at",
    ]  # fmt: skip
    app_cols = [
        "id", "candidate_id", "job_id", "organization_id", "document_id", "stage",
        "cover_letter", "created_at", "updated_at",
    ]  # fmt: skip
    ev_cols = ["id", "application_id", "from_stage", "to_stage", "actor_id", "note", "created_at"]

    for i in range(candidates):
        cid = uid()
        created = epoch + timedelta(days=30, seconds=37 * i)  # distinct and increasing
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{first}.{last}.{i}@bench.example".lower().replace(" ", "")
        city = rng.choice(CITIES)
        t.add(
            "candidates",
            cand_cols,
            (
                cid, first, last, email, f"+4915{i:09d}", date(1970 + i % 30, 1 + i % 12, 1),
                None, city, f"{rng.choice(TITLES)} in {city}", None, "DIRECT", None, None, None,
                1, created, created,
            ),
        )  # fmt: skip
        # education: two degrees, strictly increasing start dates
        year = 1990 + i % 20
        for k in range(2):
            start = date(year + 3 * k, 9, 1 + k)
            t.add(
                "education",
                edu_cols,
                (
                    uid(), cid, rng.choice(INSTITUTIONS), DEGREES[k + rng.randrange(3)],
                    rng.choice(FIELDS), start, date(start.year + 3, 6, 30), None, None, created,
                ),
            )  # fmt: skip
        # work experience: three jobs, the last one current
        for k in range(3):
            start = date(year + 7 + 3 * k, 1 + k, 1)
            current = k == 2
            end = None if current else date(start.year + 2, 12, 31)
            t.add(
                "work_experience",
                exp_cols,
                (
                    uid(), cid, rng.choice(COMPANIES), rng.choice(TITLES), city, start, end,
                    current, None, created,
                ),
            )  # fmt: skip
        for sid in rng.sample(skills, 8):
            years = rng.randrange(1, 40) / 2  # exact in binary floating point
            t.add(
                "candidate_skills",
                cs_cols,
                (uid(), cid, sid, rng.choice(SKILL_LEVELS), years, created),
            )
        cert, issuer = rng.choice(CERTS)
        t.add(
            "certifications",
            cert_cols,
            (uid(), cid, cert, issuer, date(year + 10, 1 + i % 12, 1), None, None, None, created),
        )
        for k, (jid, org) in enumerate(rng.sample(jobs, 2)):
            aid, stage = uid(), rng.choice(STAGES)
            applied = created + timedelta(seconds=1 + k)
            t.add(
                "applications",
                app_cols,
                (aid, cid, jid, org, None, stage, None, applied, applied),
            )
            from_stage = None if stage == "APPLIED" else "APPLIED"
            t.add(
                "application_events", ev_cols, (uid(), aid, from_stage, stage, None, None, applied)
            )
    return t


LOAD_ORDER = [
    "organizations", "skills", "jobs", "job_skills", "users", "candidates", "education",
    "work_experience", "candidate_skills", "certifications", "applications", "application_events",
]  # fmt: skip


async def load(url: str, tables: Tables) -> dict[str, int]:
    """COPY every table in foreign-key order inside one transaction, then ANALYZE."""
    conn = await asyncpg.connect(asyncpg_url(url))
    counts: dict[str, int] = {}
    try:
        async with conn.transaction():
            for table in LOAD_ORDER:
                rows = tables.rows.get(table, [])
                await conn.copy_records_to_table(table, records=rows, columns=tables.columns[table])
                counts[table] = len(rows)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return counts


def seed(url: str = DEFAULT_DATABASE_URL, candidates: int = 10_000) -> dict[str, int]:
    """Recreate, migrate and load the bench database; prints timings; returns row counts.

    Must be called outside a running event loop (the migration runs its own).
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from models.security import hash_password

    t0 = time.perf_counter()
    asyncio.run(recreate_database(url))
    migrate(url)
    t1 = time.perf_counter()
    tables = generate(candidates, hash_password(ADMIN_PASSWORD))
    t2 = time.perf_counter()
    counts = asyncio.run(load(url, tables))
    t3 = time.perf_counter()
    total = sum(counts.values())
    print(
        f"seed: recreate+migrate {t1 - t0:.1f}s, generate {t2 - t1:.1f}s, "
        f"COPY+ANALYZE {t3 - t2:.1f}s ({total:,} rows), total {t3 - t0:.1f}s"
    )
    print("seed: " + ", ".join(f"{k}={v:,}" for k, v in counts.items()))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--candidates", type=int, default=10_000)
    args = parser.parse_args()
    seed(args.database_url, args.candidates)


if __name__ == "__main__":
    main()
