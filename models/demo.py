"""Seeded demo data so an empty embedded database is explorable right after the first start."""

from __future__ import annotations

import asyncio
import random
import unicodedata
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert
from sqlmodel import select

from models.application import Application, ApplicationEvent
from models.candidate import Candidate, CandidateSkill, Certification, Education, WorkExperience
from models.enums import (
    ApplicationStage,
    CandidateSource,
    EmploymentType,
    EvaluationStatus,
    JobStatus,
    OrganizationKind,
    Role,
    SkillLevel,
)
from models.evaluation import Evaluation
from models.job import Job, JobSkill
from models.organization import Organization, User
from models.security import hash_password
from models.skill import Skill

if TYPE_CHECKING:
    from sqlmodel import SQLModel

    from models.db import SessionFactory

Row = dict[str, Any]

# (name, slug, kind, website, job external-id prefix)
ORGANIZATIONS: tuple[tuple[str, str, OrganizationKind, str, str], ...] = (
    ("Northwind Analytics", "northwind-analytics", OrganizationKind.EMPLOYER, "northwind", "NWA"),
    ("Helio Robotics", "helio-robotics", OrganizationKind.EMPLOYER, "helio-robotics", "HEL"),
    ("BrightPath Talent Partners", "brightpath", OrganizationKind.PARTNER, "brightpath", "BPT"),
)
# category -> "Canonical Name=Alias,Alias; ..."
SKILLS: tuple[tuple[str, str], ...] = (
    ("Language", "Python=py; JavaScript=JS,ECMAScript; TypeScript=TS; Java; Go=Golang; Rust; "
     "Kotlin; C#=CSharp,C Sharp; C++=CPP; Ruby; PHP; Scala; Swift; SQL"),
    ("Framework", "Django; FastAPI; Flask; Spring Boot=Spring; Node.js=Node,NodeJS; "
     "React=React.js,ReactJS; Vue.js=Vue,VueJS; Angular; Next.js=NextJS; "
     "Ruby on Rails=Rails,RoR; .NET=dotnet; GraphQL=GQL"),
    ("Data", "PostgreSQL=Postgres,PSQL; MySQL; MongoDB=Mongo; Redis; Elasticsearch=Elastic; "
     "Apache Kafka=Kafka; Apache Spark=Spark,PySpark; Airflow=Apache Airflow; dbt; Snowflake; "
     "Pandas; NumPy; Data Analysis"),
    ("Machine Learning", "Machine Learning=ML; Deep Learning=DL; PyTorch=Torch; TensorFlow; "
     "scikit-learn=sklearn; Natural Language Processing=NLP; Computer Vision"),
    ("Cloud & DevOps", "Amazon Web Services=AWS; Google Cloud Platform=GCP,Google Cloud; "
     "Microsoft Azure=Azure; Docker; Kubernetes=K8s,kube; Terraform; Ansible; "
     "CI/CD=Continuous Integration; GitHub Actions=GHA; Linux; Prometheus"),
    ("Mobile", "iOS; Android; React Native=RN; Flutter"),
    ("Product & Design", "Product Management=PM; UX Design=User Experience,UX; Figma; Agile; "
     "Scrum; Stakeholder Management; Technical Writing"),
)
# role | skills the role asks for (most important first) | base yearly salary in thousands
ROLES: tuple[str, ...] = (
    "Backend Engineer|Python,Django,FastAPI,PostgreSQL,Redis,Docker,Amazon Web Services|65",
    "Frontend Engineer|TypeScript,React,JavaScript,Next.js,GraphQL,Figma|60",
    "Full-Stack Developer|TypeScript,Node.js,React,PostgreSQL,GraphQL,Docker|62",
    "Data Engineer|Python,SQL,Apache Spark,Airflow,Apache Kafka,Snowflake,dbt|68",
    "Data Scientist|Python,Pandas,scikit-learn,Machine Learning,SQL,Data Analysis|66",
    "Machine Learning Engineer|Python,PyTorch,Machine Learning,Deep Learning,Docker,Kubernetes|75",
    "DevOps Engineer|Kubernetes,Terraform,Docker,Amazon Web Services,CI/CD,Linux,Prometheus|70",
    "Site Reliability Engineer|Go,Kubernetes,Prometheus,Linux,Google Cloud Platform,Terraform|74",
    "Java Developer|Java,Spring Boot,PostgreSQL,Apache Kafka,Docker,Microsoft Azure|64",
    "Mobile Engineer|Swift,Kotlin,iOS,Android,React Native,Flutter|63",
    "Product Manager|Product Management,Agile,Stakeholder Management,Data Analysis,Scrum|72",
    "Product Designer|UX Design,Figma,Agile,Stakeholder Management,Technical Writing|58",
    "Platform Engineer|Rust,Go,Linux,Kubernetes,Apache Kafka,GitHub Actions|78",
    "Analytics Engineer|SQL,dbt,Snowflake,Python,Data Analysis,Airflow|60",
)
# city | E.164 country code | salary currency
CITIES: tuple[str, ...] = tuple(
    "Berlin, Germany|49|EUR;Munich, Germany|49|EUR;Amsterdam, Netherlands|31|EUR;"
    "London, United Kingdom|44|GBP;Warsaw, Poland|48|PLN;Madrid, Spain|34|EUR;"
    "Lagos, Nigeria|234|NGN;Toronto, Canada|1|CAD;New York, United States|1|USD;"
    "Lisbon, Portugal|351|EUR;Stockholm, Sweden|46|SEK;Paris, France|33|EUR".split(";")
)
FEMALE_NAMES: tuple[str, ...] = tuple(
    "Anna,Zoë,Chloé,Ngozi,Aisha,Sofia,Mei,Priya,Emma,Ingrid,Fatima,Lucía,Olga,Hannah,Chiamaka,"
    "Amélie,Yuki,Maja,Leila,Sarah,Agnieszka,Inês".split(",")
)
MALE_NAMES: tuple[str, ...] = tuple(
    "José,Łukasz,Søren,Mateo,Kwame,Jonas,Rahul,Liam,Noah,Tomás,Ahmed,Oliver,Ivan,Felix,Chinedu,"
    "Hiroshi,Björn,Luca,Daniel,Emeka,François,Piotr".split(",")
)
LAST_NAMES: tuple[str, ...] = tuple(
    "Müller,Schmidt,Nowak,Kowalski,García,Fernández,Okafor,Adeyemi,Smith,Johnson,Dubois,Lefèvre,"
    "Rossi,Jensen,Andersson,Silva,Costa,Patel,Chen,Tanaka,Kim,O'Brien,van der Berg,Nguyen,"
    "Ivanova,Yılmaz,Haddad,Schäfer,Williams,Wiśniewski,Eze,Sørensen,Martínez,Brown".split(",")
)
COMPANIES: tuple[str, ...] = tuple(
    "Acme Logistics,Blue Harbor Bank,Kestrel Health,Orbital Media,Greenfield Energy,Lumen Retail,"
    "Atlas Insurance,Pixel Forge Games,Nordlicht Mobility,Copperleaf Software,Riverstone "
    "Consulting,Vantage Telecom,Solaris Fintech,Tandem Travel,Meridian Biotech".split(",")
)
UNIVERSITIES: tuple[str, ...] = tuple(
    "Technical University of Munich;University of Amsterdam;University of Warsaw;"
    "Universidad Complutense de Madrid;University of Lagos;University of Toronto;"
    "Imperial College London;KTH Royal Institute of Technology;Sorbonne University;"
    "University of Lisbon;Humboldt University of Berlin;New York University".split(";")
)
FIELDS: tuple[str, ...] = tuple(
    "Computer Science,Software Engineering,Mathematics,Physics,Economics,Information Systems,"
    "Statistics,Electrical Engineering,Industrial Design,Business Administration".split(",")
)
DEGREES: tuple[tuple[str, ...], ...] = (("BSc", "BA", "BEng"), ("MSc", "MA", "MBA"), ("PhD",))
GRADES: tuple[str | None, ...] = ("1.3", "First Class Honours", "3.8 GPA", "Magna cum laude", None)
CERTIFICATIONS: tuple[str, ...] = tuple(
    "AWS Certified Solutions Architect – Associate|Amazon Web Services;"
    "Certified Kubernetes Administrator (CKA)|The Linux Foundation;"
    "Professional Scrum Master I|Scrum.org;Google Professional Data Engineer|Google Cloud;"
    "Microsoft Certified: Azure Developer Associate|Microsoft;"
    "HashiCorp Certified: Terraform Associate|HashiCorp;"
    "Certified Product Manager|Association of International Product Marketing & Management"
    .split(";")
)
STAGE_NOTES: dict[ApplicationStage, str] = {
    ApplicationStage.APPLIED: "Application received.",
    ApplicationStage.SCREENING: "CV looks promising; phone screen scheduled.",
    ApplicationStage.INTERVIEW: "Passed the screen; technical interview booked.",
    ApplicationStage.OFFER: "Strong interview feedback; offer sent.",
    ApplicationStage.HIRED: "Offer accepted.",
    ApplicationStage.REJECTED: "Not a fit for this role right now.",
    ApplicationStage.WITHDRAWN: "Candidate withdrew the application.",
}
STAGE_WEIGHTS: dict[ApplicationStage, int] = dict(
    zip(ApplicationStage, (30, 20, 15, 6, 5, 18, 6), strict=True)
)
PIPELINE = (ApplicationStage.APPLIED, ApplicationStage.SCREENING, ApplicationStage.INTERVIEW,
            ApplicationStage.OFFER, ApplicationStage.HIRED)  # fmt: skip
TABLES: tuple[type[SQLModel], ...] = (
    Organization, User, Skill, Job, JobSkill, Candidate, Education, WorkExperience,
    CandidateSkill, Certification, Application, ApplicationEvent, Evaluation,
)  # fmt: skip
N_CANDIDATES, N_APPLICATIONS, N_EVALUATIONS = 200, 300, 40
_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "ı": "i", "'": ""})


async def database_is_empty(session_factory: SessionFactory) -> bool:
    """True when no organization exists yet: the signal to seed a fresh demo database."""
    async with session_factory() as session:
        return (await session.exec(select(Organization.id).limit(1))).first() is None


async def seed_demo(session_factory: SessionFactory, password: str) -> dict[str, int]:
    """Insert the demo data set in one transaction; returns the number of rows per table."""
    password_hash = await asyncio.to_thread(hash_password, password)  # argon2: hash once
    rows = _DemoBuilder(datetime.now(UTC), password_hash).build()
    async with session_factory() as session, session.begin():
        conn = await session.connection()
        for model in TABLES:
            if rows[model]:
                await conn.execute(insert(model), rows[model])
    return {str(model.__tablename__): len(rows[model]) for model in TABLES}


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return folded.encode("ascii", "ignore").decode().replace(" ", "").lower()


class _DemoBuilder:
    """Builds every row as a plain dict; all randomness flows from one seeded generator."""

    def __init__(self, now: datetime, password_hash: str) -> None:
        self.rng = random.Random(42)  # noqa: S311 - reproducible demo data, not security
        self.now, self.today, self.password_hash = now, now.date(), password_hash
        self.rows: dict[type[SQLModel], list[Row]] = {model: [] for model in TABLES}
        self.skill_ids: dict[str, uuid.UUID] = {}
        self.cand_skills: dict[uuid.UUID, dict[uuid.UUID, float]] = {}

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def ago(self, max_days: float, min_days: float = 0.0) -> datetime:
        return self.now - timedelta(days=self.rng.uniform(min_days, max_days))

    def add(self, model: type[SQLModel], **values: Any) -> uuid.UUID:
        row_id = self.uid()
        self.rows[model].append({"id": row_id, **values})
        return row_id

    def build(self) -> dict[type[SQLModel], list[Row]]:
        orgs = [
            self.add(Organization, name=name, slug=slug, kind=kind,
                     website=f"https://{site}.example.com", created_at=(t := self.ago(181, 180)),
                     updated_at=t)  # fmt: skip
            for name, slug, kind, site, _ in ORGANIZATIONS
        ]
        self.admin = self.user("admin@example.com", Role.ADMIN, None)
        self.recruiters = {
            orgs[0]: self.user("recruiter@example.com", Role.RECRUITER, orgs[0]),
            orgs[1]: self.user("recruiter2@example.com", Role.RECRUITER, orgs[1]),
        }
        self.user("partner@example.com", Role.PARTNER, orgs[2])
        candidate_user = self.user("candidate@example.com", Role.CANDIDATE, None)
        for category, spec in SKILLS:
            for entry in spec.split("; "):
                name, _, aliases = entry.partition("=")
                self.skill_ids[name] = self.add(
                    Skill, name=name, normalized_name=name.lower(), category=category,
                    aliases=aliases.split(",") if aliases else [], created_at=self.ago(180, 179),
                )  # fmt: skip
        jobs = [self.job(orgs[i // len(ROLES)], i) for i in range(2 * len(ROLES))]
        cands = [self.candidate(i, orgs, candidate_user if i == 0 else None)
                 for i in range(N_CANDIDATES)]  # fmt: skip
        self.applications(cands, jobs, candidate_user)
        return self.rows

    def user(self, email: str, role: Role, org: uuid.UUID | None) -> uuid.UUID:
        t = self.ago(180, 179)
        return self.add(User, email=email, password_hash=self.password_hash, role=role,
                        organization_id=org, is_active=True, created_at=t, updated_at=t,
                        external_subject=None)  # fmt: skip

    def job(self, org: uuid.UUID, index: int) -> Row:
        rng, org_name = self.rng, ORGANIZATIONS[index // len(ROLES)][0]
        role, skill_spec, base = ROLES[index % len(ROLES)].split("|")
        status = {11: JobStatus.DRAFT, 13: JobStatus.CLOSED}.get(index % len(ROLES), JobStatus.OPEN)
        seniority, factor = rng.choice((("Junior ", 0.7), ("", 1.0), ("Senior ", 1.3),
                                        ("Lead ", 1.5)))  # fmt: skip
        city, _, currency = rng.choice(CITIES).split("|")
        remote = rng.random() < 0.4
        kind = rng.choices(list(EmploymentType), (70, 8, 15, 4, 3))[0]
        low = round(int(base) * factor * (0.5 if kind is EmploymentType.INTERNSHIP else 1)) * 1000
        skills = skill_spec.split(",")[: rng.randint(3, 6)]
        n_required = rng.randint(2, min(4, len(skills)))
        created = self.ago(170, 20)
        title = f"{seniority}{role}"
        description = "\n\n".join((
            f"{org_name} is hiring a {title} to join a product team of eight in {city}"
            f"{' (remote-friendly)' if remote else ''}. You will own features end to end.",
            "What you will do: design and ship services our customers rely on every day, review "
            "code with care, mentor colleagues and shape the roadmap with product and design.",
            f"What we look for: solid experience with {', '.join(skills[:n_required])}; "
            f"{', '.join(skills[n_required:]) or 'curiosity'} is a plus.",
            f"What we offer: {low // 1000}k-{round(low * 1.25) // 1000}k {currency} a year, "
            "30 days of holiday, a learning budget and flexible hours.",
        ))  # fmt: skip
        job_id = self.add(
            Job, organization_id=org, title=title, description=description, location=city,
            remote=remote, employment_type=kind, salary_min=low, salary_max=round(low * 1.25),
            salary_currency=currency, status=status, version=1,
            external_id=f"{ORGANIZATIONS[index // len(ROLES)][4]}-{1001 + index}",
            published_at=None if status is JobStatus.DRAFT else created + timedelta(days=2),
            created_at=created, updated_at=created + timedelta(days=3),
        )  # fmt: skip
        weights: dict[uuid.UUID, float] = {}
        for pos, name in enumerate(skills):
            weights[self.skill_ids[name]] = round(rng.uniform(6, 10) if pos < n_required
                                                  else rng.uniform(1, 5), 1)  # fmt: skip
            self.add(JobSkill, job_id=job_id, skill_id=self.skill_ids[name], created_at=created,
                     required=pos < n_required, weight=weights[self.skill_ids[name]])  # fmt: skip
        return {"id": job_id, "org": org, "role": index % len(ROLES), "status": status,
                "published": created + timedelta(days=2), "weights": weights,
                "required": skills[:n_required]}  # fmt: skip

    def candidate(self, index: int, orgs: list[uuid.UUID], user: uuid.UUID | None) -> Row:
        rng, taken = self.rng, {r["email"] for r in self.rows[Candidate]}
        gender = rng.choice(("female", "male"))
        first = rng.choice(FEMALE_NAMES if gender == "female" else MALE_NAMES)
        if index == 0:
            first, gender = "Zoë", "female"
        last = rng.choice(LAST_NAMES)
        email = "candidate@example.com" if user else f"{_ascii(first)}.{_ascii(last)}@example.org"
        while email in taken:
            email = f"{_ascii(first)}.{_ascii(last)}{rng.randint(2, 999)}@example.net"
        city, code, _ = rng.choice(CITIES).split("|")
        taken_phones = {r["phone"] for r in self.rows[Candidate]}
        phone = ""
        while not phone or phone in taken_phones:
            phone = f"+{code}{'151' if code == '49' else ''}{rng.randint(10**7, 10**8 - 1)}"
        source = (CandidateSource.DIRECT if user else
                  rng.choices(list(CandidateSource), (60, 25, 15))[0])  # fmt: skip
        sourced_by = {CandidateSource.PARTNER: orgs[2],
                      CandidateSource.INTERNAL: rng.choice((orgs[0], orgs[1], None))}.get(source)
        born = date(rng.randint(1968, 2000), rng.randint(1, 12), rng.randint(1, 28))
        created = self.ago(180, 1)
        role_index = rng.randrange(len(ROLES))
        role, skill_spec, _ = ROLES[role_index].split("|")
        cand_id = self.add(
            Candidate, first_name=first, last_name=last, email=email, phone=phone,
            date_of_birth=born, gender=gender if rng.random() < 0.7 else None, location=city,
            headline=None, summary=None, source=source, sourced_by_organization_id=sourced_by,
            external_id=f"BP-{10000 + index}" if source is CandidateSource.PARTNER else None,
            user_id=user, version=1, created_at=created, updated_at=created,
        )  # fmt: skip
        career_start = self.education(cand_id, born, created)
        companies = self.experience(cand_id, role, career_start, city, created)
        years = max(1, (self.today - career_start).days // 365)
        picked = rng.sample(skill_spec.split(","), rng.randint(3, 6))
        picked += rng.sample([s for s in self.skill_ids if s not in picked], rng.randint(1, 4))
        self.cand_skills[cand_id] = {}
        for name in picked:
            level_years = round(rng.uniform(0.5, min(years, 15)), 1)
            level = list(SkillLevel)[min(3, int(level_years // 3))]
            self.cand_skills[cand_id][self.skill_ids[name]] = level_years
            self.add(CandidateSkill, candidate_id=cand_id, skill_id=self.skill_ids[name],
                     level=level, years=level_years, created_at=created)  # fmt: skip
        for cert in rng.sample(CERTIFICATIONS, rng.choice((0, 0, 1, 1, 2))):
            name, issuer = cert.split("|")
            issued = career_start + timedelta(days=rng.randint(0, (self.today - career_start).days))
            cred = f"{issuer[:3].upper()}-{rng.randint(100000, 999999)}"
            self.add(Certification, candidate_id=cand_id, name=name, issuer=issuer,
                     issue_date=issued, expiry_date=issued + timedelta(days=3 * 365),
                     credential_id=cred, created_at=created,
                     credential_url=f"https://credentials.example.com/{cred.lower()}")  # fmt: skip
        cand_row = self.rows[Candidate][-1]
        cand_row["headline"] = f"{role} · {years} years · {', '.join(picked[:3])}"
        cand_row["summary"] = (
            f"{first} is a {role.lower()} based in {city} with {years} years of experience, most "
            f"recently at {companies[-1]}. Strongest in {', '.join(picked[:3])}; enjoys mentoring "
            "and pragmatic, well-tested delivery."
        )
        return {"id": cand_id, "role": role_index, "created": created, "user": user}

    def education(self, cand_id: uuid.UUID, born: date, created: datetime) -> date:
        """Adds 1-3 sequential degrees; returns when the candidate's career started."""
        rng, start = self.rng, born.replace(year=born.year + 18) + timedelta(days=270)
        for level in range(rng.choice((1, 2, 2, 3))):
            end = start + timedelta(days=365 * (3, 2, 4)[level] - 60)
            if level and end > self.today - timedelta(days=365):
                break
            self.add(Education, candidate_id=cand_id, institution=rng.choice(UNIVERSITIES),
                     degree=rng.choice(DEGREES[level]), field_of_study=rng.choice(FIELDS),
                     start_date=start, end_date=end, grade=rng.choice(GRADES),
                     description=None, created_at=created)  # fmt: skip
            start = end + timedelta(days=rng.randint(60, 400))
        return min(start, self.today - timedelta(days=200))

    def experience(
        self, cand_id: uuid.UUID, role: str, start: date, city: str, created: datetime
    ) -> list[str]:
        """Adds 1-4 chronological jobs, the last one often current; returns the companies."""
        rng, span = self.rng, (self.today - start).days
        count = rng.randint(1, 4)
        cuts = [start, *sorted(start + timedelta(days=rng.randint(0, span)) for _ in
                               range(count - 1)), self.today]  # fmt: skip
        companies = rng.sample(COMPANIES, count)
        for pos, company in enumerate(companies):
            current = pos == count - 1 and rng.random() < 0.7
            end = cuts[pos + 1] - timedelta(days=rng.randint(0, 30))
            prefix = ("Junior ", "", "", "Senior ", "Lead ")[min(4, pos + (count < 3))]
            self.add(WorkExperience, candidate_id=cand_id, company_name=company,
                     job_title=f"{prefix}{role}", location=city, start_date=cuts[pos],
                     end_date=None if current else max(cuts[pos], end), is_current=current,
                     description=f"Delivered {role.lower()} work across teams at {company}.",
                     created_at=created)  # fmt: skip
        return companies

    def applications(self, cands: list[Row], jobs: list[Row], cand_user: uuid.UUID) -> None:
        rng, stages = self.rng, list(STAGE_WEIGHTS)
        open_jobs = [j for j in jobs if j["status"] is not JobStatus.DRAFT]
        plan: list[tuple[Row, Row, ApplicationStage]] = [
            (cands[0], open_jobs[0], ApplicationStage.INTERVIEW),
            (cands[0], open_jobs[3], ApplicationStage.APPLIED),
            (cands[0], open_jobs[-4], ApplicationStage.REJECTED),
        ]
        seen = {(c["id"], j["id"]) for c, j, _ in plan}
        while len(plan) < N_APPLICATIONS:
            cand = rng.choice(cands[1:])
            fits = [j for j in open_jobs if j["role"] == cand["role"]]
            job = rng.choice(fits if fits and rng.random() < 0.6 else open_jobs)
            if (cand["id"], job["id"]) not in seen:
                seen.add((cand["id"], job["id"]))
                plan.append((cand, job, rng.choices(stages, list(STAGE_WEIGHTS.values()))[0]))
        evaluated = set(rng.sample(range(len(plan)), N_EVALUATIONS))
        for pos, (cand, job, stage) in enumerate(plan):
            if stage in PIPELINE:
                path = list(PIPELINE[: PIPELINE.index(stage) + 1])
            else:
                path = [*PIPELINE[: rng.randint(1, 4)], stage]
            low = max(job["published"], cand["created"])
            created = low + (self.now - low) * rng.uniform(0.0, 0.5)
            times = [created, *sorted(created + (self.now - created) * rng.random()
                                      for _ in path[1:])]  # fmt: skip
            app_id = self.add(
                Application, candidate_id=cand["id"], job_id=job["id"], organization_id=job["org"],
                document_id=None, stage=stage, created_at=created, updated_at=times[-1],
                cover_letter="I would love to bring my experience to your team."
                if rng.random() < 0.3 else None,
            )  # fmt: skip
            for before, after, at in zip([None, *path], path, times, strict=False):
                by_candidate = after in (ApplicationStage.APPLIED, ApplicationStage.WITHDRAWN)
                self.add(ApplicationEvent, application_id=app_id, from_stage=before,
                         to_stage=after, note=STAGE_NOTES[after], created_at=at,
                         actor_id=cand["user"] if by_candidate else self.recruiters[job["org"]])  # fmt: skip
            if pos in evaluated:
                self.evaluation(cand, job, app_id, created + timedelta(hours=1))

    def evaluation(self, cand: Row, job: Row, app_id: uuid.UUID, at: datetime) -> None:
        names = {v: k for k, v in self.skill_ids.items()}
        has = self.cand_skills[cand["id"]]
        criteria = [
            {"name": names[sid], "weight": weight,
             "score": min(100.0, 40.0 + 15.0 * has[sid]) if sid in has else 0.0}
            for sid, weight in job["weights"].items()
        ]  # fmt: skip
        total = sum(c["weight"] for c in criteria) or 1.0
        score = round(sum(c["score"] * c["weight"] for c in criteria) / total, 1)
        matches = [c["name"] for c in criteria if c["score"] > 0]
        gaps = [c["name"] for c in criteria if c["score"] == 0]
        self.add(
            Evaluation, candidate_id=cand["id"], job_id=job["id"], application_id=app_id,
            document_id=None, organization_id=job["org"], job_prompt=None,
            status=EvaluationStatus.COMPLETED, score=score, matches=matches, gaps=gaps,
            criteria=criteria, engine="rules", engine_version="1", failure_reason=None,
            rationale=f"Covers {len(matches)} of {len(criteria)} requested skills"
            f"{'; missing ' + ', '.join(gaps) if gaps else ''}. Weighted skill score {score}.",
            created_at=at, completed_at=at + timedelta(seconds=self.rng.randint(2, 20)),
        )  # fmt: skip
