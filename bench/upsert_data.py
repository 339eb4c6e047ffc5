"""Deterministic partner payloads for the upsert benchmark, and the same data as table rows.

`generate(n, seed)` gives the GraphQL items (camelCase, ISO dates) of the fresh run;
`updated(items)` the all-UPDATED variant (new headline and one new experience description per
candidate, same externalIds/emails/phones). `table_rows(...)` turns items into the rows the
asyncpg floor writes, in COPY column order.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime
from typing import Any

EDUCATION_PER = 2
EXPERIENCE_PER = 3
SKILLS_PER = 8
CERTIFICATIONS_PER = 1
ROWS_PER_CANDIDATE = 1 + EDUCATION_PER + EXPERIENCE_PER + SKILLS_PER + CERTIFICATIONS_PER  # 15

# Canonical names (the same spelling as the demo vocabulary where both have a skill), so every
# name matches exactly one skill by its normalized name and no alias rule is involved.
SKILL_VOCABULARY: tuple[str, ...] = (
    "Python", "JavaScript", "TypeScript", "Java", "Go", "Rust", "Kotlin", "C#", "C++", "Ruby",
    "PHP", "Scala", "Swift", "SQL", "Django", "FastAPI", "Flask", "Spring Boot", "Node.js",
    "React", "Vue.js", "Angular", "Next.js", "Ruby on Rails", ".NET", "GraphQL", "PostgreSQL",
    "MySQL", "MongoDB", "Redis", "Elasticsearch", "Apache Kafka", "Apache Spark", "Airflow", "dbt",
    "Snowflake", "Pandas", "NumPy", "Data Analysis", "Machine Learning", "Deep Learning",
    "PyTorch", "TensorFlow", "scikit-learn", "Computer Vision", "Amazon Web Services",
    "Google Cloud Platform", "Microsoft Azure", "Docker", "Kubernetes", "Terraform", "Ansible",
    "Linux", "Prometheus", "iOS", "Android", "Flutter", "Figma", "Agile", "Scrum",
)  # fmt: skip
SKILL_LEVELS = ("BEGINNER", "INTERMEDIATE", "ADVANCED", "EXPERT")

FIRST_NAMES = (
    "Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Edsger",
    "Radia", "Donald", "Katherine", "John", "Hedy", "Tim", "Sophie", "Guido", "Anita", "Bjarne",
)  # fmt: skip
LAST_NAMES = (
    "Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson",
    "Allen", "Dijkstra", "Perlman", "Knuth", "Johnson", "McCarthy", "Lamarr", "Berners-Lee",
    "Wilson", "Rossum", "Borg", "Stroustrup",
)  # fmt: skip
CITIES = (
    "Berlin, Germany", "Paris, France", "Lisbon, Portugal", "Warsaw, Poland", "Madrid, Spain",
    "Dublin, Ireland", "Vienna, Austria", "Oslo, Norway", "Rome, Italy",
)  # fmt: skip
INSTITUTIONS = (
    "TU Berlin", "Sorbonne University", "University of Lisbon", "ETH Zurich", "KTH",
    "Trinity College Dublin", "Politecnico di Milano", "University of Warsaw", "TU Delft",
    "Aalto University",
)  # fmt: skip
DEGREES = (("BSc", "BA", "BEng"), ("MSc", "MA", "MBA"))
FIELDS = ("Computer Science", "Mathematics", "Physics", "Economics", "Design", "Linguistics")
COMPANIES = (
    "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises",
    "Soylent", "Tyrell", "Cyberdyne", "Aperture", "Vandelay",
)  # fmt: skip
TITLES = (
    "Software Engineer", "Data Engineer", "Product Manager", "Designer", "SRE", "QA Engineer",
    "Data Scientist", "Engineering Manager", "Frontend Engineer", "Backend Engineer",
)  # fmt: skip
CERTS = (
    ("AWS Certified Solutions Architect", "Amazon Web Services"),
    ("Certified Kubernetes Administrator", "The Linux Foundation"),
    ("Professional Scrum Master I", "Scrum.org"),
    ("Google Professional Data Engineer", "Google Cloud"),
    ("HashiCorp Certified: Terraform Associate", "HashiCorp"),
)
# +49 152 is a German mobile range the demo data does not use (it uses +49 151 and +49 171),
# so the bench candidates never collide with a demo candidate's phone
PHONE_PREFIX = "+49152"


def rows_per_run(candidates: int) -> int:
    """Rows one run writes: the candidate plus its 2+3+8+1 child rows (150,000 for 10,000)."""
    return candidates * ROWS_PER_CANDIDATE


def external_id(i: int) -> str:
    return f"UPS-{i:06d}"


def generate(candidates: int, seed: int = 42) -> list[dict[str, Any]]:
    """The fresh payload: `candidates` items, deterministic for a given seed."""
    rng = random.Random(seed)
    items: list[dict[str, Any]] = []
    for i in range(candidates):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        city = rng.choice(CITIES)
        title = rng.choice(TITLES)
        year = 1990 + i % 20
        education = []
        for k in range(EDUCATION_PER):
            start = date(year + 3 * k, 9, 1 + k)
            education.append(
                {
                    "institution": rng.choice(INSTITUTIONS),
                    "degree": rng.choice(DEGREES[k]),
                    "fieldOfStudy": rng.choice(FIELDS),
                    "startDate": start.isoformat(),
                    "endDate": date(start.year + 3, 6, 30).isoformat(),
                }
            )
        experience = []
        for k in range(EXPERIENCE_PER):
            start = date(year + 7 + 3 * k, 1 + k, 1)
            current = k == EXPERIENCE_PER - 1
            company, job_title = rng.choice(COMPANIES), rng.choice(TITLES)
            experience.append(
                {
                    "companyName": company,
                    "jobTitle": job_title,
                    "location": city,
                    "startDate": start.isoformat(),
                    "endDate": None if current else date(start.year + 2, 12, 31).isoformat(),
                    "isCurrent": current,
                    "description": f"{job_title} at {company}: shipped features, reviewed "
                    f"code and mentored {rng.randint(1, 9)} colleagues.",
                }
            )
        skills = [
            {
                "name": name,
                "level": rng.choice(SKILL_LEVELS),
                "years": rng.randrange(1, 40) / 2,  # exact in binary floating point
            }
            for name in rng.sample(SKILL_VOCABULARY, SKILLS_PER)
        ]
        cert, issuer = rng.choice(CERTS)
        items.append(
            {
                "externalId": external_id(i),
                "firstName": first,
                "lastName": last,
                "email": f"{first}.{last}.{i}@upsert.bench.example".lower(),
                "phone": f"{PHONE_PREFIX}{i:08d}",
                "dateOfBirth": date(1970 + i % 30, 1 + i % 12, 1 + i % 28).isoformat(),
                "location": city,
                "headline": f"{title} in {city.split(',')[0]}",
                "summary": f"{first} {last} has worked as a {title.lower()} for "
                f"{rng.randint(2, 25)} years and likes {rng.choice(SKILL_VOCABULARY)}.",
                "education": education,
                "workExperience": experience,
                "skills": skills,
                "certifications": [
                    {
                        "name": cert,
                        "issuer": issuer,
                        "issueDate": date(year + 10, 1 + i % 12, 1).isoformat(),
                        "credentialId": f"CRED-{i:06d}",
                    }
                ],
            }
        )
    return items


def updated(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every candidate changed: a new headline and a new description of its first experience.

    Same externalId/email/phone and the same experience natural key (company, title, start),
    so MERGE matches every row and entry and the outcome is UPDATED for all of them.
    """
    out = []
    for item in items:
        copy = {**item, "headline": item["headline"] + " (open to offers)"}
        experience = [dict(e) for e in item["workExperience"]]
        experience[0]["description"] = experience[0]["description"] + " Led the migration."
        copy["workExperience"] = experience
        out.append(copy)
    return out


def batches(items: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def check(items: list[dict[str, Any]]) -> None:
    """Assert the generator's promises: unique lower-case emails, valid E.164 phones, ordered
    dates, the per-candidate section sizes and distinct skill names."""
    import phonenumbers

    emails = [it["email"] for it in items]
    phones = [it["phone"] for it in items]
    assert len(set(emails)) == len(items), "emails not unique"
    assert len(set(phones)) == len(items), "phones not unique"
    assert len({it["externalId"] for it in items}) == len(items), "externalIds not unique"
    for it in items:
        assert it["email"] == it["email"].lower().strip(), it["email"]
        parsed = phonenumbers.parse(it["phone"], None)
        assert phonenumbers.is_valid_number(parsed), it["phone"]
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        assert e164 == it["phone"], it["phone"]
        assert len(it["education"]) == EDUCATION_PER
        assert len(it["workExperience"]) == EXPERIENCE_PER
        assert len(it["skills"]) == SKILLS_PER
        assert len({s["name"] for s in it["skills"]}) == SKILLS_PER
        assert len(it["certifications"]) == CERTIFICATIONS_PER
        for entry in [*it["education"], *it["workExperience"]]:
            if entry["endDate"] is not None:
                assert entry["startDate"] <= entry["endDate"], entry


# --- the same data as table rows (the floor) -----------------------------------------------

CANDIDATE_COLUMNS = [
    "id", "first_name", "last_name", "email", "phone", "date_of_birth", "location", "headline",
    "summary", "source", "sourced_by_organization_id", "external_id", "version", "created_at",
    "updated_at",
]  # fmt: skip
EDUCATION_COLUMNS = [
    "id", "candidate_id", "institution", "degree", "field_of_study", "start_date", "end_date",
    "created_at",
]  # fmt: skip
EXPERIENCE_COLUMNS = [
    "id", "candidate_id", "company_name", "job_title", "location", "start_date", "end_date",
    "is_current", "description", "created_at",
]  # fmt: skip
SKILL_COLUMNS = ["id", "candidate_id", "skill_id", "level", "years", "created_at"]
CERTIFICATION_COLUMNS = ["id", "candidate_id", "name", "issuer", "issue_date", "credential_id",
                         "created_at"]  # fmt: skip
TABLE_COLUMNS: dict[str, list[str]] = {
    "candidates": CANDIDATE_COLUMNS,
    "education": EDUCATION_COLUMNS,
    "work_experience": EXPERIENCE_COLUMNS,
    "candidate_skills": SKILL_COLUMNS,
    "certifications": CERTIFICATION_COLUMNS,
}


def _d(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def table_rows(
    items: list[dict[str, Any]], organization_id: uuid.UUID, skill_ids: dict[str, uuid.UUID]
) -> dict[str, list[tuple[Any, ...]]]:
    """Rows per table (TABLE_COLUMNS order), ids from uuid4 as the API would make them.

    `skill_ids` maps a vocabulary name (lower-cased) to its skills.id.
    """
    now = datetime.now(UTC)
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in TABLE_COLUMNS}
    uid = uuid.uuid4
    for it in items:
        cid = uid()
        rows["candidates"].append(
            (
                cid, it["firstName"], it["lastName"], it["email"], it["phone"],
                _d(it["dateOfBirth"]), it["location"], it["headline"], it["summary"], "PARTNER",
                organization_id, it["externalId"], 1, now, now,
            )
        )  # fmt: skip
        for e in it["education"]:
            rows["education"].append(
                (
                    uid(), cid, e["institution"], e["degree"], e["fieldOfStudy"],
                    _d(e["startDate"]), _d(e["endDate"]), now,
                )
            )  # fmt: skip
        for w in it["workExperience"]:
            rows["work_experience"].append(
                (
                    uid(), cid, w["companyName"], w["jobTitle"], w["location"],
                    _d(w["startDate"]), _d(w["endDate"]), w["isCurrent"], w["description"], now,
                )
            )  # fmt: skip
        for s in it["skills"]:
            rows["candidate_skills"].append(
                (uid(), cid, skill_ids[s["name"].lower()], s["level"], s["years"], now)
            )
        for c in it["certifications"]:
            rows["certifications"].append(
                (uid(), cid, c["name"], c["issuer"], _d(c["issueDate"]), c["credentialId"], now)
            )
    return rows
