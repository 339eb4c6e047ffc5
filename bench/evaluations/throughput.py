"""`evaluateApplicants` end to end: one call over N applications, then the run_evaluation actor on
one dramatiq worker until every evaluation is COMPLETED.

The API is the real app (ASGI, in process); the worker is a real dramatiq Worker on the stub
broker with `--threads` threads (the actor is a coroutine on the worker's one event loop, so the
evaluations themselves run one at a time); the database is a fresh SQLite file by default, or
`--database-url` (a PostgreSQL database this script empties and migrates).

    .venv/bin/python bench/evaluations/throughput.py [--applications 300] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import dramatiq
import httpx2
from sqlalchemy import func, text
from sqlmodel import col, select

import tasks.evaluations  # noqa: F401 - declares the actor
from models import migrate
from models.application import Application
from models.base import utcnow
from models.candidate import Candidate, CandidateSkill, Education, WorkExperience
from models.enums import (
    ApplicationStage,
    CandidateSource,
    EmploymentType,
    EvaluationStatus,
    JobStatus,
    OrganizationKind,
    Role,
)
from models.evaluation import Evaluation
from models.job import Job, JobSkill
from models.organization import Organization, User
from models.settings import Settings, async_url
from models.skill import Skill
from resolvers.auth import issue_access_token
from tasks import runtime
from tasks.worker import start_worker, stop_worker

SKILLS = ["Python", "PostgreSQL", "Docker", "Kubernetes", "Go", "React", "AWS", "Terraform"]
TITLES = ["Backend Engineer", "Software Engineer", "Data Engineer", "Frontend Developer"]
EVALUATE = """
mutation ($jobId: ID!) {
  evaluateApplicants(jobId: $jobId) { __typename ... on EvaluationBatch { queued total } }
}
"""


async def seed(factory: Any, applications: int) -> tuple[Job, User]:
    """One employer, one OPEN job with 5 skills, `applications` applicants with full profiles."""
    async with factory() as session:
        org = Organization(name="Bench Corp", slug="bench-corp", kind=OrganizationKind.EMPLOYER)
        recruiter = User(
            email="recruiter@bench.example", role=Role.RECRUITER, organization_id=org.id
        )
        skills = [Skill(name=n, normalized_name=n.lower(), aliases=[]) for n in SKILLS]
        job = Job(
            organization_id=org.id,
            title="Senior Backend Engineer",
            description="Python services on PostgreSQL, deployed with Docker on Kubernetes. "
            "5+ years of experience.",
            location="Berlin, Germany",
            employment_type=EmploymentType.FULL_TIME,
            status=JobStatus.OPEN,
        )
        session.add(org)
        await session.flush()
        session.add_all([recruiter, job, *skills])
        await session.flush()
        session.add_all(
            JobSkill(job_id=job.id, skill_id=s.id, required=i < 3, weight=5.0 - i)
            for i, s in enumerate(skills[:5])
        )
        rows: list[Any] = []
        for i in range(applications):
            candidate = Candidate(
                first_name=f"Bench{i}",
                last_name="Person",
                email=f"bench{i}@example.com",
                location="Berlin, Germany" if i % 3 else "Lisbon, Portugal",
                headline=TITLES[i % len(TITLES)],
                summary="Engineer who builds and runs services.",
                source=CandidateSource.DIRECT,
            )
            rows.append(candidate)
            for k in range(3):
                rows.append(
                    WorkExperience(
                        candidate_id=candidate.id,
                        company_name=f"Company {k}",
                        job_title=TITLES[(i + k) % len(TITLES)],
                        start_date=date(2012 + 4 * k, 1, 1),
                        end_date=None if k == 2 else date(2015 + 4 * k, 12, 31),
                        is_current=k == 2,
                        description=f"Built {SKILLS[(i + k) % 8]} and {SKILLS[(i + 2 * k) % 8]} "
                        "services for payments.",
                    )
                )
            rows.append(
                Education(
                    candidate_id=candidate.id,
                    institution="TU Berlin",
                    degree="BSc",
                    field_of_study="Computer Science",
                    start_date=date(2008, 10, 1),
                    end_date=date(2011, 9, 30),
                )
            )
            for k in range(4):
                skill = skills[(i + k) % len(skills)]
                rows.append(CandidateSkill(candidate_id=candidate.id, skill_id=skill.id, years=k))
            rows.append(
                Application(
                    candidate_id=candidate.id,
                    job_id=job.id,
                    organization_id=org.id,
                    stage=ApplicationStage.APPLIED,
                )
            )
        for kind in (Candidate, WorkExperience, Education, CandidateSkill, Application):
            session.add_all([r for r in rows if isinstance(r, kind)])
            await session.flush()
        await session.commit()
    return job, recruiter


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from server import close_app, create_app

    folder = Path(tempfile.mkdtemp(prefix="bench-eval-"))
    url = (
        async_url(args.database_url) if args.database_url else f"sqlite+aiosqlite:///{folder}/b.db"
    )
    if args.database_url:
        from sqlalchemy.ext.asyncio import create_async_engine
        from sqlalchemy.pool import NullPool

        engine = create_async_engine(url, poolclass=NullPool)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    await asyncio.to_thread(migrate.upgrade, url)
    settings = Settings(
        database_url=url,
        jwt_secret="bench-secret-0123456789abcdef0123456789abcdef",
        data_dir=folder,
        graphiql=False,
        seed_demo=False,
        rate_limit_user=100_000,
    )
    app = create_app(settings)
    factory = app.state.session_factory
    job, recruiter = await seed(factory, args.applications)
    token = issue_access_token(settings, recruiter)
    runtime.configure(settings)
    broker = dramatiq.get_broker()
    broker.flush_all()
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://bench") as client:
        started = time.perf_counter()
        response = await client.post(
            "/graphql",
            json={"query": EVALUATE, "variables": {"jobId": str(job.id)}},
            headers={"Authorization": f"Bearer {token}"},
        )
        queued_at = time.perf_counter()
        answer = response.json()["data"]["evaluateApplicants"]
        worker = start_worker(broker, threads=args.threads, timeout_ms=50)
        try:
            while True:
                async with factory() as session:
                    done = await session.scalar(
                        select(func.count()).where(
                            col(Evaluation.status).in_(
                                [EvaluationStatus.COMPLETED, EvaluationStatus.FAILED]
                            )
                        )
                    )
                if done >= answer["queued"]:
                    break
                await asyncio.sleep(0.02)
            finished = time.perf_counter()
        finally:
            stop_worker(worker)
    async with factory() as session:
        failed = await session.scalar(
            select(func.count()).where(col(Evaluation.status) == EvaluationStatus.FAILED)
        )
        ranked = await session.scalar(
            select(func.count()).where(col(Application.score).is_not(None))
        )
    await close_app(app)
    total = finished - started
    return {
        "database": "postgresql" if args.database_url else "sqlite",
        "applications": args.applications,
        "queued": answer["queued"],
        "failed": failed,
        "ranked_applications": ranked,
        "request_seconds": round(queued_at - started, 3),
        "total_seconds": round(total, 3),
        "evaluations_per_second": round(answer["queued"] / total, 1),
        "worker_threads": args.threads,
        "at": utcnow().isoformat(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=300)
    parser.add_argument("--threads", type=int, default=1, help="worker threads (default 1)")
    parser.add_argument("--database-url", help="PostgreSQL URL (emptied!); default SQLite")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    print(json.dumps(result, indent=2))
    return 0 if result["failed"] == 0 and result["queued"] == args.applications else 1


if __name__ == "__main__":
    raise SystemExit(main())
