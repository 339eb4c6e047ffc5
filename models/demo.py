"""Seeded demo data so an empty embedded database is explorable right after the first start."""

from __future__ import annotations

import asyncio
import random
import unicodedata
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert
from sqlmodel import SQLModel, select

from models.application import Application, ApplicationEvent
from models.candidate import Candidate, CandidateSkill, Certification, Education, WorkExperience
from models.enums import (
    ApplicationStage,
    CandidateSource,
    EmploymentType,
    EvaluationStatus,
    InterviewKind,
    InterviewStatus,
    JobStatus,
    OrganizationKind,
    Recommendation,
    Role,
    SkillLevel,
)
from models.evaluation import Evaluation
from models.interview import Interview, InterviewPanelist, Note, Scorecard
from models.job import Job, JobSkill
from models.organization import Organization, User
from models.security import hash_password
from models.skill import Skill

if TYPE_CHECKING:
    from models.db import SessionFactory

Row = dict[str, Any]

# name | slug | kind | website host | job external-id prefix
ORGANIZATIONS: tuple[str, ...] = (
    "Northwind Analytics|northwind-analytics|EMPLOYER|northwind.example.com|NWA",
    "Helio Robotics|helio-robotics|EMPLOYER|helio-robotics.example.com|HEL",
    "BrightPath Talent Partners|brightpath|PARTNER|brightpath.example.com|BPT",
)
# "Category: Canonical Name=Alias,Alias; ..." per category
SKILLS: tuple[str, ...] = tuple(
    "Language: Python=py; JavaScript=JS,ECMAScript; TypeScript=TS; Java; Go=Golang; Rust; "
    "Kotlin; C#=CSharp,C Sharp; C++=CPP; Ruby; PHP; Scala; Swift; SQL"
    "|Framework: Django; FastAPI; Flask; Spring Boot=Spring; Node.js=Node,NodeJS; "
    "React=React.js,ReactJS; Vue.js=Vue,VueJS; Angular; Next.js=NextJS; Ruby on Rails=Rails,RoR; "
    ".NET=dotnet; GraphQL=GQL"
    "|Data: PostgreSQL=Postgres,PSQL; MySQL; MongoDB=Mongo; Redis; Elasticsearch=Elastic; "
    "Apache Kafka=Kafka; Apache Spark=Spark,PySpark; Airflow=Apache Airflow; dbt; Snowflake; "
    "Pandas; NumPy; Data Analysis"
    "|Machine Learning: Machine Learning=ML; Deep Learning=DL; PyTorch=Torch; TensorFlow; "
    "scikit-learn=sklearn; Natural Language Processing=NLP; Computer Vision"
    "|Cloud & DevOps: Amazon Web Services=AWS; Google Cloud Platform=GCP,Google Cloud; "
    "Microsoft Azure=Azure; Docker; Kubernetes=K8s,kube; Terraform; Ansible; "
    "CI/CD=Continuous Integration; GitHub Actions=GHA; Linux; Prometheus"
    "|Mobile: iOS; Android; React Native=RN; Flutter"
    "|Product & Design: Product Management=PM; UX Design=User Experience,UX; Figma; Agile; "
    "Scrum; Stakeholder Management; Technical Writing".split("|")
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
    "Product Manager|Product Management,Agile,Stakeholder Management,Data Analysis,Scrum,SQL|72",
    "Product Designer|UX Design,Figma,Agile,Stakeholder Management,Technical Writing|58",
    "Platform Engineer|Rust,Go,Linux,Kubernetes,Apache Kafka,GitHub Actions|78",
    "Analytics Engineer|SQL,dbt,Snowflake,Python,Data Analysis,Airflow|60",
)
# city | mobile number prefix (E.164) | random digits after it | salary currency
CITIES: tuple[str, ...] = tuple(
    "Berlin, Germany|+49151|8|EUR;Munich, Germany|+49171|8|EUR;Amsterdam, Netherlands|+316|8|EUR;"
    "London, United Kingdom|+447|9|GBP;Warsaw, Poland|+485|8|PLN;Madrid, Spain|+346|8|EUR;"
    "Lagos, Nigeria|+23480|8|NGN;Toronto, Canada|+1416|7|CAD;New York, United States|+1212|7|USD;"
    "Lisbon, Portugal|+3519|8|EUR;Stockholm, Sweden|+467|8|SEK;Paris, France|+336|8|EUR".split(";")
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
    "Ivanova,Öztürk,Haddad,Schäfer,Williams,Wiśniewski,Eze,Sørensen,Martínez,Brown".split(",")
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
# name | issuer
CERTIFICATIONS: tuple[str, ...] = tuple(
    "AWS Certified Solutions Architect - Associate|Amazon Web Services;"
    "Certified Kubernetes Administrator (CKA)|The Linux Foundation;"
    "Professional Scrum Master I|Scrum.org;Google Professional Data Engineer|Google Cloud;"
    "Microsoft Certified: Azure Developer Associate|Microsoft;"
    "HashiCorp Certified: Terraform Associate|HashiCorp".split(";")
)
STAGE_NOTES: dict[ApplicationStage, str] = dict(
    zip(
        ApplicationStage,
        (
            "Application received.",
            "CV looks promising; phone screen scheduled.",
            "Passed the screen; technical interview booked.",
            "Strong interview feedback; offer sent.",
            "Offer accepted.",
            "Not a fit for this role right now.",
            "Candidate withdrew the application.",
        ),
        strict=True,
    )
)
STAGE_WEIGHTS: tuple[int, ...] = (30, 20, 15, 6, 5, 18, 6)  # in ApplicationStage order
PIPELINE: tuple[ApplicationStage, ...] = tuple(ApplicationStage)[:5]  # APPLIED .. HIRED
N_CANDIDATES, N_APPLICATIONS, N_EVALUATIONS = 200, 300, 40
# applications whose history passed an interview (REJECTED ones only if they got that far)
INTERVIEWED = frozenset(
    {ApplicationStage.INTERVIEW, ApplicationStage.OFFER, ApplicationStage.HIRED}
)
_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "'": "", " ": ""})


async def database_is_empty(session_factory: SessionFactory) -> bool:
    """True when no organization exists yet: the signal to seed a fresh demo database."""
    async with session_factory() as session:
        return (await session.exec(select(Organization.id).limit(1))).first() is None


async def seed_demo(session_factory: SessionFactory, password: str) -> dict[str, int]:
    """Insert the demo data set in one transaction; returns the number of rows per table."""
    password_hash = await asyncio.to_thread(hash_password, password)  # argon2: hash only once
    rows = _DemoBuilder(datetime.now(UTC), password_hash).build()
    async with session_factory() as session, session.begin():
        conn = await session.connection()
        for table in SQLModel.metadata.sorted_tables:  # parents before children
            if rows.get(table.name):
                await conn.execute(insert(table), rows[table.name])
    return {name: len(table_rows) for name, table_rows in rows.items()}


def _ascii(text: str) -> str:
    """Folds a name to the ASCII letters an email local part uses: 'Łukasz' -> 'lukasz'."""
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return folded.encode("ascii", "ignore").decode().lower()


class _DemoBuilder:
    """Builds every row as a plain dict; all randomness flows from one seeded generator."""

    def __init__(self, now: datetime, password_hash: str) -> None:
        self.rng = random.Random(42)  # noqa: S311 - reproducible demo data, not security
        self.now, self.today, self.password_hash = now, now.date(), password_hash
        self.rows: defaultdict[str, list[Row]] = defaultdict(list)
        self.skill_ids: dict[str, uuid.UUID] = {}
        self.cand_skills: dict[uuid.UUID, dict[uuid.UUID, float]] = {}
        self.emails: set[str] = set()
        self.phones: set[str] = set()
        self.stamp = now  # created_at of rows that do not set their own

    def add(self, model: type[SQLModel], **values: Any) -> uuid.UUID:
        row_id = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        self.rows[str(model.__tablename__)].append(
            {"id": row_id, "created_at": self.stamp, **values}
        )
        return row_id

    def ago(self, max_days: float, min_days: float = 0.0) -> datetime:
        return self.now - timedelta(days=self.rng.uniform(min_days, max_days))

    def build(self) -> dict[str, list[Row]]:
        self.stamp = self.ago(181, 180)
        orgs: list[uuid.UUID] = []
        for spec in ORGANIZATIONS:
            name, slug, kind, host, _ = spec.split("|")
            orgs.append(
                self.add(
                    Organization,
                    name=name,
                    slug=slug,
                    kind=OrganizationKind(kind),
                    website=f"https://{host}",
                    updated_at=self.stamp,
                )
            )
        self.user("admin@example.com", Role.ADMIN, None)
        self.recruiters = {
            orgs[0]: self.user("recruiter@example.com", Role.RECRUITER, orgs[0]),
            orgs[1]: self.user("recruiter2@example.com", Role.RECRUITER, orgs[1]),
        }
        self.user("partner@example.com", Role.PARTNER, orgs[2])
        candidate_user = self.user("candidate@example.com", Role.CANDIDATE, None)
        for spec in SKILLS:
            category, _, entries = spec.partition(": ")
            for entry in entries.split("; "):
                name, _, aliases = entry.partition("=")
                self.skill_ids[name] = self.add(
                    Skill,
                    name=name,
                    normalized_name=name.lower(),
                    category=category,
                    aliases=aliases.split(",") if aliases else [],
                )
        jobs = [self.job(orgs, i) for i in range(2 * len(ROLES))]
        cands = [
            self.candidate(i, orgs, None if i else candidate_user) for i in range(N_CANDIDATES)
        ]
        self.applications(cands, jobs)
        return self.rows

    def user(self, email: str, role: Role, org: uuid.UUID | None) -> uuid.UUID:
        return self.add(
            User,
            email=email,
            password_hash=self.password_hash,
            role=role,
            organization_id=org,
            is_active=True,
            updated_at=self.stamp,
        )

    def job(self, orgs: list[uuid.UUID], index: int) -> Row:
        """Adds job `index`: each employer posts every role once; one draft, one closed each."""
        rng, (org_name, *_, prefix) = self.rng, ORGANIZATIONS[index // len(ROLES)].split("|")
        role, skill_spec, base = ROLES[index % len(ROLES)].split("|")
        status = {11: JobStatus.DRAFT, 13: JobStatus.CLOSED}.get(index % len(ROLES), JobStatus.OPEN)
        seniority, factor = rng.choice(
            (("Junior ", 0.7), ("", 1.0), ("Senior ", 1.3), ("Lead ", 1.5))
        )
        city, _, _, currency = rng.choice(CITIES).split("|")
        remote, title = rng.random() < 0.4, f"{seniority}{role}"
        kind = rng.choices(list(EmploymentType), (70, 8, 15, 4, 3))[0]
        low = round(int(base) * factor * (0.5 if kind is EmploymentType.INTERNSHIP else 1)) * 1000
        skills = skill_spec.split(",")[: rng.randint(3, 6)]
        n_required = rng.randint(2, min(4, len(skills)))
        self.stamp = created = self.ago(170, 20)
        description = "\n\n".join(
            (
                f"{org_name} is hiring a {title} to join a product team of eight in {city}"
                f"{' (remote-friendly)' if remote else ''}. You will own your features end to end.",
                "What you will do: design and ship services our customers rely on every day, "
                "review code with care, mentor colleagues and shape the roadmap with product.",
                f"What we look for: solid experience with {', '.join(skills[:n_required])}; "
                f"{', '.join(skills[n_required:]) or 'curiosity'} is a plus.",
                f"What we offer: {low // 1000}k-{round(low * 1.25) // 1000}k {currency} a year, "
                "30 days of holiday, a learning budget and flexible hours.",
            )
        )
        published = None if status is JobStatus.DRAFT else created + timedelta(days=2)
        job_id = self.add(
            Job,
            organization_id=orgs[index // len(ROLES)],
            title=title,
            description=description,
            location=city,
            remote=remote,
            employment_type=kind,
            salary_min=low,
            salary_max=round(low * 1.25),
            salary_currency=currency,
            status=status,
            version=1,
            external_id=f"{prefix}-{1001 + index}",
            published_at=published,
            updated_at=created + timedelta(days=3),
        )
        weights: dict[uuid.UUID, float] = {}
        for pos, name in enumerate(skills):
            skill_id, required = self.skill_ids[name], pos < n_required
            weights[skill_id] = round(rng.uniform(6, 10) if required else rng.uniform(1, 5), 1)
            self.add(
                JobSkill,
                job_id=job_id,
                skill_id=skill_id,
                required=required,
                weight=weights[skill_id],
            )
        return {
            "id": job_id,
            "org": orgs[index // len(ROLES)],
            "role": index % len(ROLES),
            "status": status,
            "published": published,
            "weights": weights,
        }

    def candidate(self, index: int, orgs: list[uuid.UUID], user: uuid.UUID | None) -> Row:
        """Adds one candidate with education, experience, skills and certifications."""
        rng, gender = self.rng, self.rng.choice(("female", "male"))
        first = "Zoë" if user else rng.choice(FEMALE_NAMES if gender == "female" else MALE_NAMES)
        gender, last = "female" if user else gender, rng.choice(LAST_NAMES)
        email = "candidate@example.com" if user else f"{_ascii(first)}.{_ascii(last)}@example.org"
        while email in self.emails:
            email = f"{_ascii(first)}.{_ascii(last)}{rng.randint(2, 99)}@example.net"
        city, prefix, digits, _ = rng.choice(CITIES).split("|")
        phone = ""
        while not phone or phone in self.phones:
            phone = prefix + "".join(rng.choices("0123456789", k=int(digits)))
        self.emails.add(email)
        self.phones.add(phone)
        source = CandidateSource.DIRECT
        if not user:
            source = rng.choices(list(CandidateSource), (60, 25, 15))[0]
        sourced_by = {
            CandidateSource.PARTNER: orgs[2],
            CandidateSource.INTERNAL: rng.choice((orgs[0], orgs[1], None)),
        }.get(source)
        born = date(rng.randint(1968, 2000), rng.randint(1, 12), rng.randint(1, 28))
        self.stamp = created = self.ago(180, 1)
        role_index = rng.randrange(len(ROLES))
        role, skill_spec, _ = ROLES[role_index].split("|")
        cand_id = self.add(
            Candidate,
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            date_of_birth=born,
            gender=gender if rng.random() < 0.7 else None,
            location=city,
            source=source,
            sourced_by_organization_id=sourced_by,
            user_id=user,
            version=1,
            external_id=f"BP-{10000 + index}" if source is CandidateSource.PARTNER else None,
            updated_at=created + timedelta(days=rng.uniform(0, (self.now - created).days)),
        )
        career_start = self.education(cand_id, born)
        companies = self.experience(cand_id, role, career_start, city)
        years = max(1, (self.today - career_start).days // 365)
        own = skill_spec.split(",")
        picked = rng.sample(own, rng.randint(3, len(own)))
        others = [name for name in self.skill_ids if name not in picked]
        picked += rng.sample(others, rng.randint(1, min(4, 10 - len(picked))))  # 4..10 in all
        self.cand_skills[cand_id] = {}
        for name in picked:
            skill_years = round(rng.uniform(0.5, min(years, 15)), 1)
            level = list(SkillLevel)[min(3, int(skill_years // 3))]
            self.cand_skills[cand_id][self.skill_ids[name]] = skill_years
            self.add(
                CandidateSkill,
                candidate_id=cand_id,
                skill_id=self.skill_ids[name],
                level=level,
                years=skill_years,
            )
        for cert in rng.sample(CERTIFICATIONS, rng.choice((1, 1, 1, 2))):
            name, issuer = cert.split("|")
            issued = career_start + timedelta(days=rng.randint(0, (self.today - career_start).days))
            cred = f"{issuer[:3].upper()}-{rng.randint(100000, 999999)}"
            self.add(
                Certification,
                candidate_id=cand_id,
                name=name,
                issuer=issuer,
                issue_date=issued,
                expiry_date=issued + timedelta(days=3 * 365),
                credential_id=cred,
                credential_url=f"https://credentials.example.com/{cred.lower()}",
            )
        self.rows["candidates"][-1].update(
            headline=f"{role} · {years} years · {', '.join(picked[:3])}",
            summary=f"{first} is a {role.lower()} based in {city} with {years} years of "
            f"experience, most recently at {companies[-1]}. Strongest in {', '.join(picked[:3])}; "
            "enjoys mentoring and pragmatic, well-tested delivery.",
        )
        return {"id": cand_id, "role": role_index, "created": created, "user": user}

    def education(self, cand_id: uuid.UUID, born: date) -> date:
        """Adds 1-3 consecutive degrees; returns when the candidate's career started."""
        rng, start = self.rng, date(born.year + 18, 10, 1)
        for level in range(rng.choice((1, 2, 2, 3))):
            end = start + timedelta(days=365 * (3, 2, 4)[level] - 60)
            if level and end > self.today - timedelta(days=365):
                break
            self.add(
                Education,
                candidate_id=cand_id,
                institution=rng.choice(UNIVERSITIES),
                degree=rng.choice(DEGREES[level]),
                field_of_study=rng.choice(FIELDS),
                start_date=start,
                end_date=end,
                grade=rng.choice(GRADES),
            )
            start = end + timedelta(days=rng.randint(60, 400))
        return min(start, self.today - timedelta(days=200))

    def experience(self, cand_id: uuid.UUID, role: str, start: date, city: str) -> list[str]:
        """Adds 1-4 chronological jobs, the last one often current; returns the companies."""
        rng, count = self.rng, self.rng.randint(1, 4)
        span = (self.today - start).days
        cuts = sorted(start + timedelta(days=rng.randint(0, span)) for _ in range(count - 1))
        cuts = [start, *cuts, self.today]
        companies = rng.sample(COMPANIES, count)
        for pos, company in enumerate(companies):
            current = pos == count - 1 and rng.random() < 0.7
            end = max(cuts[pos], cuts[pos + 1] - timedelta(days=rng.randint(0, 30)))
            title = ("Junior ", "", "", "Senior ", "Lead ")[pos + (count < 3)] + role
            self.add(
                WorkExperience,
                candidate_id=cand_id,
                company_name=company,
                job_title=title,
                location=city,
                start_date=cuts[pos],
                end_date=None if current else end,
                is_current=current,
                description=f"{title} at {company}: shipped and ran production work.",
            )
        return companies

    def applications(self, cands: list[Row], jobs: list[Row]) -> None:
        """Adds 300 applications (the demo candidate's first) with their stage histories."""
        rng, stages = self.rng, list(ApplicationStage)
        open_jobs = [job for job in jobs if job["published"] is not None]
        plan: list[tuple[Row, Row, ApplicationStage]] = [
            (cands[0], open_jobs[0], ApplicationStage.INTERVIEW),
            (cands[0], open_jobs[3], ApplicationStage.APPLIED),
            (cands[0], open_jobs[-4], ApplicationStage.REJECTED),
        ]
        seen = {(cand["id"], job["id"]) for cand, job, _ in plan}
        while len(plan) < N_APPLICATIONS:
            cand = rng.choice(cands[1:])
            fits = [job for job in open_jobs if job["role"] == cand["role"]]
            job = rng.choice(fits if fits and rng.random() < 0.6 else open_jobs)
            if (cand["id"], job["id"]) not in seen:
                seen.add((cand["id"], job["id"]))
                plan.append((cand, job, rng.choices(stages, STAGE_WEIGHTS)[0]))
        evaluated = set(rng.sample(range(len(plan)), N_EVALUATIONS))
        for pos, (cand, job, stage) in enumerate(plan):
            path = list(PIPELINE[: PIPELINE.index(stage) + 1]) if stage in PIPELINE else []
            path = path or [*PIPELINE[: rng.randint(1, 4)], stage]
            low = max(job["published"], cand["created"])
            self.stamp = created = low + (self.now - low) * rng.uniform(0.0, 0.5)
            times = sorted(created + (self.now - created) * rng.random() for _ in path[1:])
            times = [created, *times]
            letter = "I would love to bring my experience to your team." if pos % 3 == 0 else None
            app_id = self.add(
                Application,
                candidate_id=cand["id"],
                job_id=job["id"],
                stage=stage,
                organization_id=job["org"],
                cover_letter=letter,
                updated_at=times[-1],
            )
            for before, after, at in zip([None, *path], path, times, strict=False):
                by_candidate = after in (ApplicationStage.APPLIED, ApplicationStage.WITHDRAWN)
                actor = cand["user"] if by_candidate else self.recruiters[job["org"]]
                self.add(
                    ApplicationEvent,
                    application_id=app_id,
                    from_stage=before,
                    to_stage=after,
                    actor_id=actor,
                    note=STAGE_NOTES[after],
                    created_at=at,
                )
            if pos in evaluated:
                self.stamp = created + timedelta(hours=1)
                score = self.evaluation(cand, job, app_id)
                self.rows["applications"][-1]["score"] = score
            if stage in INTERVIEWED:
                self.interview(cand, job, app_id, stage, times[-1])

    def interview(
        self, cand: Row, job: Row, app_id: uuid.UUID, stage: ApplicationStage, moved: datetime
    ) -> None:
        """An interview of an application that reached INTERVIEW: upcoming while it is there,
        held (with the recruiter's scorecard and a note) once it moved on."""
        rng, recruiter = self.rng, self.recruiters[job["org"]]
        upcoming = stage is ApplicationStage.INTERVIEW
        day = (
            self.now + timedelta(days=rng.randint(1, 10)) if upcoming else moved - timedelta(days=2)
        )
        starts = day.replace(hour=rng.choice((9, 10, 11, 14, 15, 16)), minute=0, second=0,
                             microsecond=0)  # fmt: skip
        kind = rng.choice(list(InterviewKind))
        interview_id = self.add(
            Interview,
            application_id=app_id,
            organization_id=job["org"],
            candidate_id=cand["id"],
            job_id=job["id"],
            starts_at=starts,
            ends_at=starts + timedelta(minutes=45),
            duration_minutes=45,
            timezone="Europe/Berlin",
            kind=kind,
            location="Head office, 3rd floor" if kind is InterviewKind.ONSITE else None,
            meeting_url="https://meet.example.com/" + app_id.hex[:10]
            if kind is InterviewKind.VIDEO
            else None,
            preparation_notes="Walk through their most recent project; probe the required skills.",
            status=InterviewStatus.SCHEDULED,
            sequence=0,
            created_by_id=recruiter,
            updated_at=self.stamp,
        )
        self.add(InterviewPanelist, interview_id=interview_id, user_id=recruiter)
        if upcoming:
            return
        verdict = {ApplicationStage.REJECTED: Recommendation.NO}.get(stage, Recommendation.YES)
        self.add(
            Scorecard,
            interview_id=interview_id,
            interviewer_id=recruiter,
            application_id=app_id,
            ratings=[
                {"criterion": name, "score": rng.randint(2, 4), "note": None}
                for name in self.skill_names(job)[:3]
            ],
            recommendation=verdict,
            summary="Clear communicator; solid on the fundamentals.",
            updated_at=starts + timedelta(hours=2),
        )
        self.add(
            Note,
            organization_id=job["org"],
            candidate_id=cand["id"],
            application_id=app_id,
            author_id=recruiter,
            body="Debriefed with the team after the interview.",
            mentions=[],
        )

    def skill_names(self, job: Row) -> list[str]:
        """The job's skills, heaviest first (the default scorecard criteria)."""
        names = {skill_id: name for name, skill_id in self.skill_ids.items()}
        return [names[s] for s, _ in sorted(job["weights"].items(), key=lambda kv: -kv[1])]

    def evaluation(self, cand: Row, job: Row, app_id: uuid.UUID) -> float:
        """Adds a completed rule-based evaluation: job skills scored by the candidate's years."""
        names = {skill_id: name for name, skill_id in self.skill_ids.items()}
        has = self.cand_skills[cand["id"]]
        criteria = [
            {
                "name": names[skill_id],
                "weight": weight,
                "score": min(100.0, 40.0 + 15.0 * has[skill_id]) if skill_id in has else 0.0,
            }
            for skill_id, weight in job["weights"].items()
        ]
        total = sum(c["weight"] for c in criteria) or 1.0
        score: float = round(sum(c["score"] * c["weight"] for c in criteria) / total, 1)
        matches = [c["name"] for c in criteria if c["score"] > 0]
        gaps = [c["name"] for c in criteria if c["score"] == 0]
        rationale = (
            f"Covers {len(matches)} of {len(criteria)} requested skills"
            f"{'; missing ' + ', '.join(gaps) if gaps else ''}. Weighted skill score: {score}."
        )
        self.add(
            Evaluation,
            candidate_id=cand["id"],
            job_id=job["id"],
            application_id=app_id,
            organization_id=job["org"],
            status=EvaluationStatus.COMPLETED,
            score=score,
            rationale=rationale,
            matches=matches,
            gaps=gaps,
            criteria=criteria,
            engine="rules",
            engine_version="1",
            completed_at=self.stamp + timedelta(seconds=self.rng.randint(2, 20)),
            updated_at=self.stamp,
        )
        return score
