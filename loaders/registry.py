"""The per-request set of loaders; each is created on first use."""

from __future__ import annotations

from functools import cached_property
from typing import Any, TypeVar

from loaders.applications import (
    ApplicationByIdLoader,
    ApplicationCountByJobIdLoader,
    ApplicationPageByJobIdLoader,
    DocumentByIdLoader,
    EvaluationByIdLoader,
    EvaluationCountByCandidateIdLoader,
    EvaluationPageByCandidateIdLoader,
)
from loaders.base import ByParentLoader, Loader
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
from loaders.jobs import JobByIdLoader, OrganizationByIdLoader
from loaders.json_lists import JsonList, JsonListLoader
from loaders.policy import Viewer
from models.db import SessionFactory

L = TypeVar("L", bound=Loader[Any, Any])


class LoaderSet:
    """The loaders of one field path, each created on first use.

    `of(LoaderClass)` is the one way in: relation fields name their loader class
    (`schema.relations.relation`), and the properties below are shorthands for loaders that
    resolvers use by name.
    """

    def __init__(self, session_factory: SessionFactory, viewer: Viewer) -> None:
        self.session_factory = session_factory
        self.viewer = viewer
        self._made: dict[type[Loader[Any, Any]], Loader[Any, Any]] = {}
        # lists built as JSON by PostgreSQL (`loaders.json_lists`)
        self.json_lists: dict[JsonList, JsonListLoader] = {}

    def of(self, kind: type[L]) -> L:
        """This path's loader of that class."""
        found = self._made.get(kind)
        if found is None:
            found = self._made[kind] = kind.build(self.session_factory, self.viewer)
        return found  # type: ignore[return-value]

    def json_list(self, spec: JsonList) -> JsonListLoader:
        """This path's loader of lists as JSON (`loaders.json_lists`); the compiled path
        finds it in `json_lists`."""
        found = self.json_lists.get(spec)
        if found is None:
            rows = self.of(spec.rows)
            assert isinstance(rows, ByParentLoader)
            found = self.json_lists[spec] = JsonListLoader(rows, spec)
        return found

    @cached_property
    def candidate(self) -> CandidateByIdLoader:
        return self.of(CandidateByIdLoader)

    @cached_property
    def candidate_by_user(self) -> CandidateByUserIdLoader:
        return self.of(CandidateByUserIdLoader)

    @cached_property
    def job(self) -> JobByIdLoader:
        return self.of(JobByIdLoader)

    @cached_property
    def organization(self) -> OrganizationByIdLoader:
        return self.of(OrganizationByIdLoader)

    @cached_property
    def application(self) -> ApplicationByIdLoader:
        return self.of(ApplicationByIdLoader)

    @cached_property
    def document(self) -> DocumentByIdLoader:
        return self.of(DocumentByIdLoader)

    @cached_property
    def evaluation(self) -> EvaluationByIdLoader:
        return self.of(EvaluationByIdLoader)

    @cached_property
    def education_by_candidate(self) -> EducationByCandidateIdLoader:
        return self.of(EducationByCandidateIdLoader)

    @cached_property
    def experience_by_candidate(self) -> WorkExperienceByCandidateIdLoader:
        return self.of(WorkExperienceByCandidateIdLoader)

    @cached_property
    def skills_by_candidate(self) -> CandidateSkillsByCandidateIdLoader:
        return self.of(CandidateSkillsByCandidateIdLoader)

    @cached_property
    def certifications_by_candidate(self) -> CertificationsByCandidateIdLoader:
        return self.of(CertificationsByCandidateIdLoader)

    @cached_property
    def documents_by_candidate(self) -> DocumentsByCandidateIdLoader:
        return self.of(DocumentsByCandidateIdLoader)

    @cached_property
    def evaluation_page_by_candidate(self) -> EvaluationPageByCandidateIdLoader:
        return self.of(EvaluationPageByCandidateIdLoader)

    @cached_property
    def evaluation_count_by_candidate(self) -> EvaluationCountByCandidateIdLoader:
        return self.of(EvaluationCountByCandidateIdLoader)

    @cached_property
    def application_page_by_job(self) -> ApplicationPageByJobIdLoader:
        return self.of(ApplicationPageByJobIdLoader)

    @cached_property
    def application_count_by_job(self) -> ApplicationCountByJobIdLoader:
        return self.of(ApplicationCountByJobIdLoader)

    @cached_property
    def user(self) -> UserByIdLoader:
        return self.of(UserByIdLoader)

    @cached_property
    def interviews_by_application(self) -> InterviewsByApplicationIdLoader:
        return self.of(InterviewsByApplicationIdLoader)

    @cached_property
    def interviews_by_candidate(self) -> InterviewsByCandidateIdLoader:
        return self.of(InterviewsByCandidateIdLoader)

    @cached_property
    def panelists_by_interview(self) -> PanelistsByInterviewIdLoader:
        return self.of(PanelistsByInterviewIdLoader)

    @cached_property
    def panelists_by_application(self) -> PanelistsByApplicationIdLoader:
        return self.of(PanelistsByApplicationIdLoader)

    @cached_property
    def scorecards_by_interview(self) -> ScorecardsByInterviewIdLoader:
        return self.of(ScorecardsByInterviewIdLoader)

    @cached_property
    def scorecards_by_application(self) -> ScorecardsByApplicationIdLoader:
        return self.of(ScorecardsByApplicationIdLoader)

    @cached_property
    def notes_by_application(self) -> NotesByApplicationIdLoader:
        return self.of(NotesByApplicationIdLoader)

    @cached_property
    def notes_by_candidate(self) -> NotesByCandidateIdLoader:
        return self.of(NotesByCandidateIdLoader)

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
        # whether lists of plain columns may load as JSON (`loaders.json_lists`): set by the
        # compiled path, which reads them; graphql-core's resolvers need the rows
        self.json_lists = False

    def at(self, path: tuple[str, ...]) -> LoaderSet:
        found = self._sets.get(path)
        if found is None:
            found = self._sets[path] = LoaderSet(self.session_factory, self.viewer)
        return found
