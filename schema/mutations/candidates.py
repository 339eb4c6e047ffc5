"""Mutations of candidates: the profile, its sections and its skills."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers import candidate_sections as sections
from resolvers import candidate_writes
from resolvers.context import Context
from schema.inputs import lookup_id
from schema.inputs_writes import (
    CandidateSkillInput,
    CertificationInput,
    CreateCandidateInput,
    EducationInput,
    UpdateCandidateInput,
    WorkExperienceInput,
    given,
)
from schema.mutations.candidate_results import (
    AddCertificationResult,
    AddCertificationSuccess,
    AddEducationResult,
    AddEducationSuccess,
    AddWorkExperienceResult,
    AddWorkExperienceSuccess,
    CreateCandidateResult,
    CreateCandidateSuccess,
    DeleteCandidateResult,
    DeleteCandidateSuccess,
    RemoveCertificationResult,
    RemoveCertificationSuccess,
    RemoveEducationResult,
    RemoveEducationSuccess,
    RemoveWorkExperienceResult,
    RemoveWorkExperienceSuccess,
    SetCandidateSkillsResult,
    SetCandidateSkillsSuccess,
    UpdateCandidateResult,
    UpdateCandidateSuccess,
    UpdateCertificationResult,
    UpdateCertificationSuccess,
    UpdateEducationResult,
    UpdateEducationSuccess,
    UpdateWorkExperienceResult,
    UpdateWorkExperienceSuccess,
)
from schema.types.candidate import CandidateType

Info = strawberry.Info[Context, None]

CandidateIdArg = Annotated[
    strawberry.ID, strawberry.argument(description="Id of the candidate (a UUID).")
]
VersionArg = Annotated[
    int,
    strawberry.argument(
        description="The `version` you read; if the stored one differs, nothing changes and "
        "the result is a Conflict carrying the current version."
    ),
]
EntryIdArg = Annotated[strawberry.ID, strawberry.argument(description="Id of the entry.")]
EducationArg = Annotated[EducationInput, strawberry.argument(description="The entry.")]
ExperienceArg = Annotated[WorkExperienceInput, strawberry.argument(description="The entry.")]
CertificationArg = Annotated[CertificationInput, strawberry.argument(description="The entry.")]
SECTION_NOTE = " Advances the candidate's version."


@strawberry.type
class CandidateMutations:
    @strawberry.mutation(
        description="Add a candidate to the talent pool (admins, recruiters, partners). "
        "A candidate with the same email or phone is a Duplicate."
    )
    async def create_candidate(
        self,
        info: Info,
        input: Annotated[CreateCandidateInput, strawberry.argument(description="The profile.")],
    ) -> CreateCandidateResult:
        row = await candidate_writes.create_candidate(info.context, given(input))
        return CreateCandidateSuccess(candidate=CandidateType.from_model(row))

    @strawberry.mutation(
        description="Change some fields of a candidate (the candidate themself, admins, or the "
        "sourcing organization), if `version` is still current."
    )
    async def update_candidate(
        self,
        info: Info,
        id: CandidateIdArg,
        version: VersionArg,
        input: Annotated[
            UpdateCandidateInput, strawberry.argument(description="The fields to change.")
        ],
    ) -> UpdateCandidateResult:
        row = await candidate_writes.update_candidate(
            info.context, lookup_id(id), version, given(input)
        )
        return UpdateCandidateSuccess(candidate=CandidateType.from_model(row))

    @strawberry.mutation(
        description="Erase a candidate with their profile sections, skills, applications, "
        "evaluations and CVs (the right to be forgotten). Cannot be undone."
    )
    async def delete_candidate(self, info: Info, id: CandidateIdArg) -> DeleteCandidateResult:
        deleted = await candidate_writes.delete_candidate(info.context, lookup_id(id))
        return DeleteCandidateSuccess(deleted_id=strawberry.ID(str(deleted)))

    @strawberry.mutation(description="Add an education entry to a candidate." + SECTION_NOTE)
    async def add_education(
        self, info: Info, candidate_id: CandidateIdArg, input: EducationArg
    ) -> AddEducationResult:
        row = await sections.add_entry(
            info.context, sections.EDUCATION, lookup_id(candidate_id), given(input)
        )
        return AddEducationSuccess(candidate=CandidateType.from_model(row))

    @strawberry.mutation(description="Replace an education entry." + SECTION_NOTE)
    async def update_education(
        self, info: Info, id: EntryIdArg, input: EducationArg
    ) -> UpdateEducationResult:
        row = await sections.update_entry(
            info.context, sections.EDUCATION, lookup_id(id), given(input)
        )
        return UpdateEducationSuccess(candidate=CandidateType.from_model(row))

    @strawberry.mutation(description="Remove an education entry." + SECTION_NOTE)
    async def remove_education(self, info: Info, id: EntryIdArg) -> RemoveEducationResult:
        row = await sections.remove_entry(info.context, sections.EDUCATION, lookup_id(id))
        return RemoveEducationSuccess(candidate=CandidateType.from_model(row))

    @strawberry.mutation(description="Add a work experience entry to a candidate." + SECTION_NOTE)
    async def add_work_experience(
        self, info: Info, candidate_id: CandidateIdArg, input: ExperienceArg
    ) -> AddWorkExperienceResult:
        row = await sections.add_entry(
            info.context, sections.EXPERIENCE, lookup_id(candidate_id), given(input)
        )
        return AddWorkExperienceSuccess(candidate=CandidateType.from_model(row))

    @strawberry.mutation(description="Replace a work experience entry." + SECTION_NOTE)
    async def update_work_experience(
        self, info: Info, id: EntryIdArg, input: ExperienceArg
    ) -> UpdateWorkExperienceResult:
        row = await sections.update_entry(
            info.context, sections.EXPERIENCE, lookup_id(id), given(input)
        )
        return UpdateWorkExperienceSuccess(candidate=CandidateType.from_model(row))

    @strawberry.mutation(description="Remove a work experience entry." + SECTION_NOTE)
    async def remove_work_experience(
        self, info: Info, id: EntryIdArg
    ) -> RemoveWorkExperienceResult:
        row = await sections.remove_entry(info.context, sections.EXPERIENCE, lookup_id(id))
        return RemoveWorkExperienceSuccess(candidate=CandidateType.from_model(row))

    @strawberry.mutation(description="Add a certification to a candidate." + SECTION_NOTE)
    async def add_certification(
        self, info: Info, candidate_id: CandidateIdArg, input: CertificationArg
    ) -> AddCertificationResult:
        row = await sections.add_entry(
            info.context, sections.CERTIFICATION, lookup_id(candidate_id), given(input)
        )
        return AddCertificationSuccess(candidate=CandidateType.from_model(row))

    @strawberry.mutation(description="Replace a certification." + SECTION_NOTE)
    async def update_certification(
        self, info: Info, id: EntryIdArg, input: CertificationArg
    ) -> UpdateCertificationResult:
        row = await sections.update_entry(
            info.context, sections.CERTIFICATION, lookup_id(id), given(input)
        )
        return UpdateCertificationSuccess(candidate=CandidateType.from_model(row))

    @strawberry.mutation(description="Remove a certification." + SECTION_NOTE)
    async def remove_certification(self, info: Info, id: EntryIdArg) -> RemoveCertificationResult:
        row = await sections.remove_entry(info.context, sections.CERTIFICATION, lookup_id(id))
        return RemoveCertificationSuccess(candidate=CandidateType.from_model(row))

    @strawberry.mutation(
        description="Replace a candidate's skills (at most 100). Names are canonicalized "
        "through the skill vocabulary ('JS' -> 'JavaScript'); unknown names become new skills; "
        "two names for the same skill are rejected." + SECTION_NOTE
    )
    async def set_candidate_skills(
        self,
        info: Info,
        candidate_id: CandidateIdArg,
        skills: Annotated[
            list[CandidateSkillInput],
            strawberry.argument(description="The complete new skill list (max 100)."),
        ],
    ) -> SetCandidateSkillsResult:
        row = await sections.set_candidate_skills(
            info.context, lookup_id(candidate_id), [s.wanted() for s in skills]
        )
        return SetCandidateSkillsSuccess(candidate=CandidateType.from_model(row))
