"""The README's recruiting workflow, run exactly as documented against the demo data."""

from __future__ import annotations

from models.demo import seed_demo
from tests.helpers import gql

SIGN_IN = """
mutation SignIn($email: String!) {
  login(email: $email, password: "talentgraph") {
    ... on LoginSuccess { accessToken }
  }
}
"""

CREATE_JOB = """
mutation CreateJob {
  createJob(input: {
    title: "Staff Data Engineer", employmentType: FULL_TIME, location: "Berlin",
    remote: true, salaryMin: 90000, salaryMax: 120000, salaryCurrency: "EUR",
    description: "Own our data platform."
  }) {
    __typename
    ... on CreateJobSuccess { job { id status version } }
    ... on UserError { code field message }
  }
}
"""

SET_SKILLS_AND_OPEN = """
mutation Publish($job: ID!) {
  setJobSkills(jobId: $job, skills: [
    {name: "Python", required: true, weight: 8},
    {name: "postgres", required: true, weight: 6},
    {name: "k8s", required: false, weight: 3}
  ]) {
    ... on SetJobSkillsSuccess { job { skills { name required weight } } }
    ... on UserError { code field message }
  }
  setJobStatus(id: $job, status: OPEN) {
    ... on SetJobStatusSuccess { job { status publishedAt } }
    ... on UserError { code field message }
  }
}
"""

APPLY = """
mutation Apply($job: ID!) {
  applyToJob(jobId: $job, coverLetter: "I built data platforms for eight years.") {
    __typename
    ... on ApplyToJobSuccess { application { id stage } }
    ... on UserError { code field message }
  }
}
"""

MOVE = """
mutation Move($application: ID!, $stage: ApplicationStage!, $note: String) {
  moveApplication(id: $application, stage: $stage, note: $note) {
    __typename
    ... on MoveApplicationSuccess { application { stage } }
    ... on InvalidStageTransition { allowedStages }
    ... on UserError { code message }
  }
}
"""

HISTORY = """
query History($job: ID!) {
  job(id: $job) {
    title
    applications {
      totalCount
      edges { node {
        stage
        candidate { fullName email }
        events { fromStage toStage note createdAt }
      } }
    }
  }
}
"""


async def test_readme_workflow(db, client):
    # given: the demo data set, as after the first `make run`
    await seed_demo(db, "talentgraph")

    async def sign_in(email):
        result = await gql(client, SIGN_IN, {"email": email})
        return result.data["login"]["accessToken"]

    recruiter = await sign_in("recruiter@example.com")
    candidate = await sign_in("candidate@example.com")
    # when: the recruiter creates, describes and opens a job
    created = await gql(client, CREATE_JOB, token=recruiter)
    job = created.data["createJob"]["job"]
    published = await gql(client, SET_SKILLS_AND_OPEN, {"job": job["id"]}, recruiter)
    # and the candidate applies, and the recruiter moves the application along
    applied = await gql(client, APPLY, {"job": job["id"]}, candidate)
    application = applied.data["applyToJob"]["application"]["id"]
    moves = [
        await gql(
            client, MOVE, {"application": application, "stage": stage, "note": note}, recruiter
        )
        for stage, note in (("SCREENING", "Strong CV"), ("INTERVIEW", "Phone screen went well"))
    ]
    history = await gql(client, HISTORY, {"job": job["id"]}, recruiter)
    # then
    assert job["status"] == "DRAFT"
    skills = published.data["setJobSkills"]["job"]["skills"]
    assert [s["name"] for s in skills] == ["Python", "PostgreSQL", "Kubernetes"]
    assert published.data["setJobStatus"]["job"]["status"] == "OPEN"
    assert published.data["setJobStatus"]["job"]["publishedAt"] is not None
    assert [m.data["moveApplication"]["application"]["stage"] for m in moves] == [
        "SCREENING",
        "INTERVIEW",
    ]
    (edge,) = history.data["job"]["applications"]["edges"]
    node = edge["node"]
    assert node["stage"] == "INTERVIEW"
    assert node["candidate"]["email"] == "candidate@example.com"
    assert [(e["fromStage"], e["toStage"], e["note"]) for e in node["events"]] == [
        (None, "APPLIED", None),
        ("APPLIED", "SCREENING", "Strong CV"),
        ("SCREENING", "INTERVIEW", "Phone screen went well"),
    ]
