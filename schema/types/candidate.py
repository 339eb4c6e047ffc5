"""GraphQL types for candidates and their profile sections."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import strawberry

import schema.types.common  # noqa: F401  (registers the GraphQL enums)
from loaders.applications import ApplicationsByCandidateIdLoader
from loaders.candidates import (
    CandidateSkillsByCandidateIdLoader,
    CertificationsByCandidateIdLoader,
    EducationByCandidateIdLoader,
    WorkExperienceByCandidateIdLoader,
)
from loaders.jobs import OrganizationByIdLoader
from loaders.policy import (
    can_view_application,
    can_view_candidate,
    pii_needs_relationship,
)
from models.base import utcnow
from models.candidate import Candidate, Certification, Education, WorkExperience
from models.enums import CandidateSource, InterviewStatus, Role, SkillLevel
from resolvers.candidates import can_see_contact_details
from resolvers.context import Context
from resolvers.documents.access import visible_documents
from resolvers.interviews import can_view_interview
from resolvers.saved_jobs import saved_jobs as saved_job_rows
from schema.pages import EvaluationOrder, nested_connection
from schema.relations import MASKED, Masked, relation, resolved
from schema.types.common import Connection
from schema.types.organization import OrganizationType

if TYPE_CHECKING:
    from schema.types.application import ApplicationType, EvaluationType
    from schema.types.document import DocumentType
    from schema.types.interview import InterviewType, NoteType
    from schema.types.job import JobType

Info = strawberry.Info[Context, None]
T = TypeVar("T")
LazyApplication = Annotated["ApplicationType", strawberry.lazy("schema.types.application")]
LazyDocument = Annotated["DocumentType", strawberry.lazy("schema.types.document")]
LazyEvaluation = Annotated["EvaluationType", strawberry.lazy("schema.types.application")]
LazyInterview = Annotated["InterviewType", strawberry.lazy("schema.types.interview")]
LazyNote = Annotated["NoteType", strawberry.lazy("schema.types.interview")]
LazyJob = Annotated["JobType", strawberry.lazy("schema.types.job")]


@strawberry.type(name="Education", description="A degree or course of study.")
class EducationType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the entry.")
    institution: str = strawberry.field(description="School or university.")
    degree: str | None = strawberry.field(description="Degree, e.g. 'BSc' or 'MBA'.")
    field_of_study: str | None = strawberry.field(description="Subject or major.")
    start_date: date | None = strawberry.field(description="First day (or month) of study.")
    end_date: date | None = strawberry.field(description="Graduation; null while studying.")
    grade: str | None = strawberry.field(description="Final grade as written.")
    description: str | None = strawberry.field(description="Free text (max 2,000 chars).")

    @classmethod
    def from_model(cls, row: Education) -> EducationType:
        return cls(
            id=strawberry.ID(str(row.id)),
            institution=row.institution,
            degree=row.degree,
            field_of_study=row.field_of_study,
            start_date=row.start_date,
            end_date=row.end_date,
            grade=row.grade,
            description=row.description,
        )


@strawberry.type(name="WorkExperience", description="A position held at a company.")
class WorkExperienceType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the entry.")
    company_name: str = strawberry.field(description="Employer name.")
    job_title: str = strawberry.field(description="Title of the position.")
    location: str | None = strawberry.field(description="Where the work was done.")
    start_date: date | None = strawberry.field(description="First day (or month).")
    end_date: date | None = strawberry.field(description="Last day; null when current.")
    is_current: bool = strawberry.field(description="True while the candidate still works here.")
    description: str | None = strawberry.field(description="Free text (max 5,000 chars).")

    @classmethod
    def from_model(cls, row: WorkExperience) -> WorkExperienceType:
        return cls(
            id=strawberry.ID(str(row.id)),
            company_name=row.company_name,
            job_title=row.job_title,
            location=row.location,
            start_date=row.start_date,
            end_date=row.end_date,
            is_current=row.is_current,
            description=row.description,
        )


@strawberry.type(name="CandidateSkill", description="A skill of a candidate.")
class CandidateSkillType:
    skill_id: strawberry.ID = strawberry.field(description="UUID of the canonical skill.")
    name: str = strawberry.field(description="Canonical skill name, e.g. 'PostgreSQL'.")
    level: SkillLevel | None = strawberry.field(description="Proficiency, if known.")
    years: float | None = strawberry.field(description="Years of experience, if known.")

    @classmethod
    def from_model(cls, link: Any) -> CandidateSkillType:
        """`link` is a candidate_skills row with the skill's `name` joined in."""
        return cls(
            skill_id=strawberry.ID(str(link.skill_id)),
            name=link.name,
            level=link.level,
            years=link.years,
        )


@strawberry.type(name="Certification", description="A professional certification.")
class CertificationType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the entry.")
    name: str = strawberry.field(description="Certificate title.")
    issuer: str | None = strawberry.field(description="Issuing body.")
    issue_date: date | None = strawberry.field(description="When it was awarded.")
    expiry_date: date | None = strawberry.field(description="When it lapses; null if never.")
    credential_id: str | None = strawberry.field(description="Issuer's credential id.")
    credential_url: str | None = strawberry.field(description="Verification link.")

    @classmethod
    def from_model(cls, row: Certification) -> CertificationType:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            issuer=row.issuer,
            issue_date=row.issue_date,
            expiry_date=row.expiry_date,
            credential_id=row.credential_id,
            credential_url=row.credential_url,
        )


@strawberry.type(
    name="Candidate",
    description=(
        "A person in the talent pool. Contact fields (email, phone, dateOfBirth, gender) are "
        "null unless the viewer is an admin, the candidate, or acts for an organization the "
        "candidate applied to or was sourced by."
    ),
)
class CandidateType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the candidate.")
    first_name: str = strawberry.field(description="Given name.")
    last_name: str = strawberry.field(description="Family name.")
    location: str | None = strawberry.field(description="City and country as given.")
    headline: str | None = strawberry.field(description="One-line professional summary.")
    summary: str | None = strawberry.field(description="Longer profile text.")
    source: CandidateSource = strawberry.field(description="How the candidate entered.")
    external_id: str | None = strawberry.field(
        description="Identifier in the sourcing organization's system."
    )
    version: int = strawberry.field(description="Optimistic-concurrency version.")
    created_at: datetime = strawberry.field(description="When the profile was created (UTC).")
    updated_at: datetime = strawberry.field(description="Last profile change (UTC).")
    row: strawberry.Private[Candidate]

    @classmethod
    def from_model(cls, row: Candidate) -> CandidateType:
        return cls(
            id=strawberry.ID(str(row.id)),
            first_name=row.first_name,
            last_name=row.last_name,
            location=row.location,
            headline=row.headline,
            summary=row.summary,
            source=row.source,
            external_id=row.external_id,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @strawberry.field(description="First and last name.")
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def _contact(self, info: Info, value: T) -> T | None:
        """A contact field: decided from the row where possible, else by one batched lookup.

        Returns the value itself or an awaitable of it (graphql-core awaits what a resolver
        returns), so the common cases cost no coroutine per field.
        """
        decided = pii_needs_relationship(info.context.viewer, self.row)
        if decided is not None:
            return value if decided else None
        return cast("T | None", self._contact_later(info, value))

    async def _contact_later(self, info: Info, value: T) -> T | None:
        loaders = info.context.loaders_at(info, parent=True)
        return value if await can_see_contact_details(info.context, loaders, self.row) else None

    @strawberry.field(
        description="Normalized email (contact PII: see the type description).",
        metadata={MASKED: Masked("email", pii_needs_relationship)},
    )
    def email(self, info: Info) -> str | None:
        return self._contact(info, self.row.email)

    @strawberry.field(
        description="Phone in E.164 (contact PII: see the type description).",
        metadata={MASKED: Masked("phone", pii_needs_relationship)},
    )
    def phone(self, info: Info) -> str | None:
        return self._contact(info, self.row.phone)

    @strawberry.field(
        description="Date of birth (contact PII: see the type description).",
        metadata={MASKED: Masked("date_of_birth", pii_needs_relationship)},
    )
    def date_of_birth(self, info: Info) -> date | None:
        return self._contact(info, self.row.date_of_birth)

    @strawberry.field(
        description="Gender as given (contact PII: see the type description).",
        metadata={MASKED: Masked("gender", pii_needs_relationship)},
    )
    def gender(self, info: Info) -> str | None:
        return self._contact(info, self.row.gender)

    sourced_by: OrganizationType | None = relation(
        OrganizationByIdLoader,
        key="sourced_by_organization_id",
        description="The organization that sourced the candidate, if any.",
    )
    education: list[EducationType] = relation(
        EducationByCandidateIdLoader, many=True, description="Education, oldest first."
    )
    experience: list[WorkExperienceType] = relation(
        WorkExperienceByCandidateIdLoader, many=True, description="Work experience, oldest first."
    )
    skills: list[CandidateSkillType] = relation(
        CandidateSkillsByCandidateIdLoader,
        many=True,
        description="Skills with level and years, by skill name.",
    )
    certifications: list[CertificationType] = relation(
        CertificationsByCandidateIdLoader, many=True, description="Certifications, oldest first."
    )
    applications: list[LazyApplication] = relation(
        ApplicationsByCandidateIdLoader,
        many=True,
        visible=can_view_application,
        description="Applications the viewer may see (their organization's, those it filed, "
        "or their own).",
    )

    @strawberry.field(description="Uploaded CVs the viewer may see, oldest first.")
    async def documents(self, info: Info) -> list[LazyDocument]:
        from schema.types.document import DocumentType

        rows = await info.context.loaders_at(info).documents_by_candidate.load(self.row.id)
        return [
            DocumentType.from_model(r)
            for r in await visible_documents(info.context, info.context.loaders_at(info), rows)
        ]

    @strawberry.field(
        description="Evaluations of this candidate the viewer may see (their organization's; "
        "a candidate sees only those they requested), newest first or best first."
    )
    async def evaluations(
        self,
        info: Info,
        first: Annotated[
            int | None, strawberry.argument(description="Page size: default 20, max 100.")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor to continue after.")
        ] = None,
        order_by: Annotated[
            EvaluationOrder | None,
            strawberry.argument(
                description="CREATED_AT (default): newest first. SCORE: best first, unscored last."
            ),
        ] = None,
    ) -> Connection[LazyEvaluation]:
        from schema.types.application import EvaluationType

        loaders = info.context.loaders_at(info)
        candidate_id = self.row.id

        async def count() -> int:
            return await loaders.evaluation_count_by_candidate.load(candidate_id)  # type: ignore[no-any-return]

        return await nested_connection(
            loaders.evaluation_page_by_candidate,
            candidate_id,
            first=first,
            after=after,
            tag="candidate-evaluation",
            order=(order_by or EvaluationOrder.CREATED_AT).value,
            convert=EvaluationType.from_model,
            count=count,
            info=info,
            node_type="Evaluation",
        )

    @strawberry.field(
        description="Interviews of this candidate the viewer may see, by start time: the "
        "organization's, or a candidate's own (without interviewer-only fields)."
    )
    async def interviews(
        self,
        info: Info,
        upcoming: Annotated[
            bool, strawberry.argument(description="Only SCHEDULED ones that have not ended.")
        ] = False,
    ) -> list[LazyInterview]:
        from schema.types.interview import InterviewType

        viewer = info.context.viewer
        rows = await info.context.loaders_at(info).interviews_by_candidate.load(self.row.id)
        now = utcnow()
        return [
            InterviewType.from_model(r)
            for r in rows
            if can_view_interview(viewer, r)
            and (not upcoming or (r.status is InterviewStatus.SCHEDULED and r.ends_at > now))
        ]

    @strawberry.field(
        description="Notes your organization keeps on this candidate and their applications, "
        "oldest first (recruiters of that organization and admins; empty for everyone else)."
    )
    async def notes(self, info: Info) -> list[LazyNote]:
        from schema.types.interview import NoteType

        viewer = info.context.viewer
        if not (viewer.is_admin or viewer.role is Role.RECRUITER):
            return []
        rows = await info.context.loaders_at(info).notes_by_candidate.load(self.row.id)
        return [
            NoteType.from_model(r)
            for r in rows
            if viewer.is_admin or r.organization_id == viewer.organization_id
        ]

    @strawberry.field(
        description="Jobs this candidate saved, newest first (only the candidate themself; "
        "empty for everyone else)."
    )
    async def saved_jobs(self, info: Info) -> list[LazyJob]:
        from schema.types.job import JobType

        rows = await saved_job_rows(info.context, self.row.id)
        return [JobType.from_model(r) for r in rows]


def visible_candidate(info: Info, candidate_id: Any) -> CandidateType | None:
    """The candidate by id through the request's loader, or None when missing or not visible.

    For fields of other types that point at a candidate (documents, evaluations, upsert rows);
    may return an awaitable, which graphql-core awaits.
    """
    if candidate_id is None:
        return None
    viewer = info.context.viewer
    return resolved(
        info.context.loaders_at(info).candidate,
        candidate_id,
        lambda row: (
            CandidateType.from_model(row)
            if row is not None and can_view_candidate(viewer, row)
            else None
        ),
    )
