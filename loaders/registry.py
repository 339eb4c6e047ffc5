"""The per-request set of loaders; each is created on first use."""

from __future__ import annotations

from functools import cached_property

from loaders.applications import (
    ApplicationByIdLoader,
    ApplicationCountByJobIdLoader,
    ApplicationEventsByApplicationIdLoader,
    ApplicationPageByJobIdLoader,
    ApplicationsByCandidateIdLoader,
    DocumentByIdLoader,
    EvaluationByIdLoader,
    EvaluationCountByCandidateIdLoader,
    EvaluationPageByCandidateIdLoader,
    EvaluationsByApplicationIdLoader,
)
from loaders.candidates import (
    CandidateByIdLoader,
    CandidateByUserIdLoader,
    CandidateSkillsByCandidateIdLoader,
    CertificationsByCandidateIdLoader,
    DocumentsByCandidateIdLoader,
    EducationByCandidateIdLoader,
    RelatedCandidateByIdLoader,
    WorkExperienceByCandidateIdLoader,
)
from loaders.interviews import (
    InterviewsByApplicationIdLoader,
    InterviewsByCandidateIdLoader,
    NotesByApplicationIdLoader,
    NotesByCandidateIdLoader,
    PanelistsByApplicationIdLoader,
    PanelistsByInterviewIdLoader,
    ScorecardsByApplicationIdLoader,
    ScorecardsByInterviewIdLoader,
    UserByIdLoader,
)
from loaders.jobs import JobByIdLoader, JobSkillsByJobIdLoader, OrganizationByIdLoader
from loaders.policy import Viewer
from models.db import SessionFactory


class LoaderSet:
    """One loader per relation, created on first use."""

    def __init__(self, session_factory: SessionFactory, viewer: Viewer) -> None:
        self.session_factory = session_factory
        self.viewer = viewer

    @cached_property
    def candidate(self) -> CandidateByIdLoader:
        return CandidateByIdLoader(self.session_factory)

    @cached_property
    def candidate_by_user(self) -> CandidateByUserIdLoader:
        return CandidateByUserIdLoader(self.session_factory)

    @cached_property
    def job(self) -> JobByIdLoader:
        return JobByIdLoader(self.session_factory)

    @cached_property
    def organization(self) -> OrganizationByIdLoader:
        return OrganizationByIdLoader(self.session_factory)

    @cached_property
    def application(self) -> ApplicationByIdLoader:
        return ApplicationByIdLoader(self.session_factory)

    @cached_property
    def document(self) -> DocumentByIdLoader:
        return DocumentByIdLoader(self.session_factory)

    @cached_property
    def evaluation(self) -> EvaluationByIdLoader:
        return EvaluationByIdLoader(self.session_factory)

    @cached_property
    def education_by_candidate(self) -> EducationByCandidateIdLoader:
        return EducationByCandidateIdLoader(self.session_factory)

    @cached_property
    def experience_by_candidate(self) -> WorkExperienceByCandidateIdLoader:
        return WorkExperienceByCandidateIdLoader(self.session_factory)

    @cached_property
    def skills_by_candidate(self) -> CandidateSkillsByCandidateIdLoader:
        return CandidateSkillsByCandidateIdLoader(self.session_factory)

    @cached_property
    def certifications_by_candidate(self) -> CertificationsByCandidateIdLoader:
        return CertificationsByCandidateIdLoader(self.session_factory)

    @cached_property
    def applications_by_candidate(self) -> ApplicationsByCandidateIdLoader:
        return ApplicationsByCandidateIdLoader(self.session_factory)

    @cached_property
    def documents_by_candidate(self) -> DocumentsByCandidateIdLoader:
        return DocumentsByCandidateIdLoader(self.session_factory)

    @cached_property
    def evaluation_page_by_candidate(self) -> EvaluationPageByCandidateIdLoader:
        return EvaluationPageByCandidateIdLoader(self.session_factory, self.viewer)

    @cached_property
    def evaluation_count_by_candidate(self) -> EvaluationCountByCandidateIdLoader:
        return EvaluationCountByCandidateIdLoader(self.session_factory, self.viewer)

    @cached_property
    def skills_by_job(self) -> JobSkillsByJobIdLoader:
        return JobSkillsByJobIdLoader(self.session_factory)

    @cached_property
    def application_page_by_job(self) -> ApplicationPageByJobIdLoader:
        return ApplicationPageByJobIdLoader(self.session_factory, self.viewer)

    @cached_property
    def application_count_by_job(self) -> ApplicationCountByJobIdLoader:
        return ApplicationCountByJobIdLoader(self.session_factory, self.viewer)

    @cached_property
    def events_by_application(self) -> ApplicationEventsByApplicationIdLoader:
        return ApplicationEventsByApplicationIdLoader(self.session_factory)

    @cached_property
    def evaluations_by_application(self) -> EvaluationsByApplicationIdLoader:
        return EvaluationsByApplicationIdLoader(self.session_factory)

    @cached_property
    def user(self) -> UserByIdLoader:
        return UserByIdLoader(self.session_factory)

    @cached_property
    def interviews_by_application(self) -> InterviewsByApplicationIdLoader:
        return InterviewsByApplicationIdLoader(self.session_factory)

    @cached_property
    def interviews_by_candidate(self) -> InterviewsByCandidateIdLoader:
        return InterviewsByCandidateIdLoader(self.session_factory)

    @cached_property
    def panelists_by_interview(self) -> PanelistsByInterviewIdLoader:
        return PanelistsByInterviewIdLoader(self.session_factory)

    @cached_property
    def panelists_by_application(self) -> PanelistsByApplicationIdLoader:
        return PanelistsByApplicationIdLoader(self.session_factory)

    @cached_property
    def scorecards_by_interview(self) -> ScorecardsByInterviewIdLoader:
        return ScorecardsByInterviewIdLoader(self.session_factory)

    @cached_property
    def scorecards_by_application(self) -> ScorecardsByApplicationIdLoader:
        return ScorecardsByApplicationIdLoader(self.session_factory)

    @cached_property
    def notes_by_application(self) -> NotesByApplicationIdLoader:
        return NotesByApplicationIdLoader(self.session_factory)

    @cached_property
    def notes_by_candidate(self) -> NotesByCandidateIdLoader:
        return NotesByCandidateIdLoader(self.session_factory)

    @cached_property
    def related_candidate(self) -> RelatedCandidateByIdLoader | None:
        """None when the viewer acts for no organization (then nothing is 'related')."""
        if self.viewer.organization_id is None:
            return None
        return RelatedCandidateByIdLoader(self.session_factory, self.viewer.organization_id)


class Loaders:
    """Per-request loaders, one `LoaderSet` per field path of the operation.

    Loaders shared across different paths would merge or split batches depending on which
    sibling branch's database round trip finishes first, so the number of statements of a
    request would vary with timing. One set per path (list indices ignored) keeps every batch
    aligned with the query's shape: the statement count is a function of the query alone.
    """

    def __init__(self, session_factory: SessionFactory, viewer: Viewer) -> None:
        self.session_factory = session_factory
        self.viewer = viewer
        self._sets: dict[tuple[str, ...], LoaderSet] = {}

    def at(self, path: tuple[str, ...]) -> LoaderSet:
        found = self._sets.get(path)
        if found is None:
            found = self._sets[path] = LoaderSet(self.session_factory, self.viewer)
        return found
