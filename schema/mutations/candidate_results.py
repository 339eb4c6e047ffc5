"""Result unions of the candidate mutations: the changed candidate, or typed errors."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.types.candidate import CandidateType
from schema.types.errors import (
    AuthenticationRequired,
    Conflict,
    Duplicate,
    Forbidden,
    NotFound,
    ValidationError,
)


@strawberry.type(description="A candidate was changed.")
class CandidateChanged:
    candidate: CandidateType = strawberry.field(
        description="The candidate as now stored (with its new `version`)."
    )


@strawberry.type(description="The candidate was created.")
class CreateCandidateSuccess(CandidateChanged):
    pass


@strawberry.type(description="The candidate was updated.")
class UpdateCandidateSuccess(CandidateChanged):
    pass


@strawberry.type(description="The candidate and everything attached to it were erased.")
class DeleteCandidateSuccess:
    deleted_id: strawberry.ID = strawberry.field(description="Id of the erased candidate.")


@strawberry.type(description="The education entry was added.")
class AddEducationSuccess(CandidateChanged):
    pass


@strawberry.type(description="The education entry was replaced.")
class UpdateEducationSuccess(CandidateChanged):
    pass


@strawberry.type(description="The education entry was removed.")
class RemoveEducationSuccess(CandidateChanged):
    pass


@strawberry.type(description="The work experience entry was added.")
class AddWorkExperienceSuccess(CandidateChanged):
    pass


@strawberry.type(description="The work experience entry was replaced.")
class UpdateWorkExperienceSuccess(CandidateChanged):
    pass


@strawberry.type(description="The work experience entry was removed.")
class RemoveWorkExperienceSuccess(CandidateChanged):
    pass


@strawberry.type(description="The certification was added.")
class AddCertificationSuccess(CandidateChanged):
    pass


@strawberry.type(description="The certification was replaced.")
class UpdateCertificationSuccess(CandidateChanged):
    pass


@strawberry.type(description="The certification was removed.")
class RemoveCertificationSuccess(CandidateChanged):
    pass


@strawberry.type(description="The candidate's skill list was replaced.")
class SetCandidateSkillsSuccess(CandidateChanged):
    pass


CreateCandidateResult = Annotated[
    CreateCandidateSuccess | ValidationError | AuthenticationRequired | Forbidden | Duplicate,
    strawberry.union("CreateCandidateResult", description="Result of `createCandidate`."),
]
UpdateCandidateResult = Annotated[
    UpdateCandidateSuccess
    | ValidationError
    | AuthenticationRequired
    | NotFound
    | Forbidden
    | Conflict
    | Duplicate,
    strawberry.union("UpdateCandidateResult", description="Result of `updateCandidate`."),
]
DeleteCandidateResult = Annotated[
    DeleteCandidateSuccess | AuthenticationRequired | NotFound | Forbidden,
    strawberry.union("DeleteCandidateResult", description="Result of `deleteCandidate`."),
]
AddEducationResult = Annotated[
    AddEducationSuccess | ValidationError | AuthenticationRequired | NotFound | Forbidden,
    strawberry.union("AddEducationResult", description="Result of `addEducation`."),
]
UpdateEducationResult = Annotated[
    UpdateEducationSuccess | ValidationError | AuthenticationRequired | NotFound | Forbidden,
    strawberry.union("UpdateEducationResult", description="Result of `updateEducation`."),
]
RemoveEducationResult = Annotated[
    RemoveEducationSuccess | AuthenticationRequired | NotFound | Forbidden,
    strawberry.union("RemoveEducationResult", description="Result of `removeEducation`."),
]
AddWorkExperienceResult = Annotated[
    AddWorkExperienceSuccess | ValidationError | AuthenticationRequired | NotFound | Forbidden,
    strawberry.union("AddWorkExperienceResult", description="Result of `addWorkExperience`."),
]
UpdateWorkExperienceResult = Annotated[
    UpdateWorkExperienceSuccess | ValidationError | AuthenticationRequired | NotFound | Forbidden,
    strawberry.union("UpdateWorkExperienceResult", description="Result of `updateWorkExperience`."),
]
RemoveWorkExperienceResult = Annotated[
    RemoveWorkExperienceSuccess | AuthenticationRequired | NotFound | Forbidden,
    strawberry.union("RemoveWorkExperienceResult", description="Result of `removeWorkExperience`."),
]
AddCertificationResult = Annotated[
    AddCertificationSuccess | ValidationError | AuthenticationRequired | NotFound | Forbidden,
    strawberry.union("AddCertificationResult", description="Result of `addCertification`."),
]
UpdateCertificationResult = Annotated[
    UpdateCertificationSuccess | ValidationError | AuthenticationRequired | NotFound | Forbidden,
    strawberry.union("UpdateCertificationResult", description="Result of `updateCertification`."),
]
RemoveCertificationResult = Annotated[
    RemoveCertificationSuccess | AuthenticationRequired | NotFound | Forbidden,
    strawberry.union("RemoveCertificationResult", description="Result of `removeCertification`."),
]
SetCandidateSkillsResult = Annotated[
    SetCandidateSkillsSuccess | ValidationError | AuthenticationRequired | NotFound | Forbidden,
    strawberry.union("SetCandidateSkillsResult", description="Result of `setCandidateSkills`."),
]
