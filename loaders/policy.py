"""The access policy (DESIGN.md section 5): who may see which object and which PII field.

Every rule exists twice on purpose: as a SQL clause for lists (so pages and counts only ever
contain visible rows) and as a Python predicate for objects fetched by id. Tests walk both.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlmodel import col

from models.application import Application
from models.candidate import Candidate
from models.document import Document
from models.enums import JobStatus, Role
from models.evaluation import Evaluation
from models.job import Job


@dataclass(frozen=True)
class Viewer:
    """The authenticated principal of a request (anonymous when `user_id` is None)."""

    user_id: uuid.UUID | None = None
    role: Role | None = None
    organization_id: uuid.UUID | None = None
    # a candidate user's own profile, looked up once at authentication
    candidate_id: uuid.UUID | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def org_member(self) -> bool:
        """Recruiters and partners act for an organization."""
        return self.role in (Role.RECRUITER, Role.PARTNER) and self.organization_id is not None


ANONYMOUS = Viewer()


# --- candidates -------------------------------------------------------------------------------


def candidate_clause(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.role in (Role.ADMIN, Role.RECRUITER):
        return true()  # the talent pool is open to recruiters; PII is gated per field
    if viewer.role is Role.CANDIDATE:
        return col(Candidate.user_id) == viewer.user_id
    if viewer.role is Role.PARTNER and viewer.organization_id is not None:
        return col(Candidate.sourced_by_organization_id) == viewer.organization_id
    return false()


def can_view_candidate(viewer: Viewer, row: Candidate) -> bool:
    if viewer.role in (Role.ADMIN, Role.RECRUITER):
        return True
    if viewer.role is Role.CANDIDATE:
        return row.user_id is not None and row.user_id == viewer.user_id
    if viewer.role is Role.PARTNER:
        return viewer.organization_id is not None and (
            row.sourced_by_organization_id == viewer.organization_id
        )
    return False


def related_candidate_ids(organization_id: uuid.UUID) -> ColumnElement[bool]:
    """Candidates an organization has a relationship with: applied to its jobs or sourced by it."""
    applied = select(col(Application.candidate_id)).where(
        col(Application.organization_id) == organization_id
    )
    return or_(
        col(Candidate.sourced_by_organization_id) == organization_id,
        col(Candidate.id).in_(applied),
    )


def pii_needs_relationship(viewer: Viewer, row: Candidate) -> bool | None:
    """Whether contact PII is visible: True/False when decidable from the row alone, else None.

    None means "visible only if the viewer's organization is related to the candidate", which
    the `RelatedCandidateByIdLoader` answers in one batched statement.
    """
    if viewer.is_admin:
        return True
    if viewer.role is Role.CANDIDATE:
        return row.user_id is not None and row.user_id == viewer.user_id
    if viewer.org_member:
        if row.sourced_by_organization_id == viewer.organization_id:
            return True
        return None
    return False


def pii_clause(viewer: Viewer) -> ColumnElement[bool]:
    """SQL twin of the PII rule, used where a filter could reveal PII (search by email)."""
    if viewer.is_admin:
        return true()
    if viewer.role is Role.CANDIDATE:
        return col(Candidate.user_id) == viewer.user_id
    if viewer.org_member and viewer.organization_id is not None:
        return related_candidate_ids(viewer.organization_id)
    return false()


# --- jobs -------------------------------------------------------------------------------------


def job_clause(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.is_admin:
        return true()
    open_jobs = col(Job.status) == JobStatus.OPEN
    if viewer.org_member:
        return or_(open_jobs, col(Job.organization_id) == viewer.organization_id)
    return open_jobs


def can_view_job(viewer: Viewer, row: Job) -> bool:
    if viewer.is_admin or row.status is JobStatus.OPEN:
        return True
    return viewer.org_member and row.organization_id == viewer.organization_id


# --- applications -----------------------------------------------------------------------------


def application_clause(viewer: Viewer) -> ColumnElement[bool]:
    """The hiring organization's applications, and those an organization filed itself."""
    if viewer.is_admin:
        return true()
    if viewer.org_member:
        return or_(
            col(Application.organization_id) == viewer.organization_id,
            col(Application.filed_by_organization_id) == viewer.organization_id,
        )
    if viewer.role is Role.CANDIDATE:
        return col(Application.candidate_id) == viewer.candidate_id
    return false()


def can_view_application(viewer: Viewer, row: Application) -> bool:
    if viewer.is_admin:
        return True
    if viewer.org_member:
        return viewer.organization_id in (row.organization_id, row.filed_by_organization_id)
    if viewer.role is Role.CANDIDATE:
        return viewer.candidate_id is not None and row.candidate_id == viewer.candidate_id
    return False


def hires_for(viewer: Viewer, row: Application) -> bool:
    """Admins and members of the job's organization: they see the pipeline's internal side
    (who moved an application and the notes); candidates and other organizations do not."""
    if viewer.is_admin:
        return True
    return viewer.org_member and row.organization_id == viewer.organization_id


# --- evaluations and documents ----------------------------------------------------------------


def evaluation_clause(viewer: Viewer) -> ColumnElement[bool]:
    """The requesting organization's evaluations; a candidate's own requests (a candidate
    never sees what recruiters ran on them)."""
    if viewer.is_admin:
        return true()
    if viewer.org_member:
        return col(Evaluation.organization_id) == viewer.organization_id
    if viewer.role is Role.CANDIDATE and viewer.candidate_id is not None:
        return and_(
            col(Evaluation.candidate_id) == viewer.candidate_id,
            col(Evaluation.requested_by_id) == viewer.user_id,
        )
    return false()


def can_view_evaluation(viewer: Viewer, row: Evaluation) -> bool:
    if viewer.is_admin:
        return True
    if viewer.org_member:
        return row.organization_id is not None and row.organization_id == viewer.organization_id
    if viewer.role is Role.CANDIDATE:
        return (
            viewer.candidate_id is not None
            and row.candidate_id == viewer.candidate_id
            and row.requested_by_id is not None
            and row.requested_by_id == viewer.user_id
        )
    return False


def can_view_document(viewer: Viewer, row: Document, related: bool) -> bool:
    """A CV is contact PII: the uploader's organization, related organizations, the owner."""
    if viewer.is_admin:
        return True
    if viewer.org_member:
        return row.organization_id == viewer.organization_id or related
    if viewer.role is Role.CANDIDATE:
        return viewer.candidate_id is not None and row.candidate_id == viewer.candidate_id
    return False


# --- writes -----------------------------------------------------------------------------------


def can_create_candidates(viewer: Viewer) -> bool:
    """Admins, recruiters and partners add candidates; candidates sign up through `register`."""
    return viewer.is_admin or viewer.org_member


def can_write_candidate(viewer: Viewer, row: Candidate) -> bool:
    """The candidate themself, admins, and the organization that sourced the profile."""
    if viewer.is_admin:
        return True
    if viewer.role is Role.CANDIDATE:
        return row.user_id is not None and row.user_id == viewer.user_id
    return viewer.org_member and row.sourced_by_organization_id == viewer.organization_id


def can_write_job(viewer: Viewer, row: Job) -> bool:
    """Admins, and recruiters and partners of the job's organization."""
    if viewer.is_admin:
        return True
    return viewer.org_member and row.organization_id == viewer.organization_id


def can_create_job_for(viewer: Viewer, organization_id: uuid.UUID) -> bool:
    return viewer.is_admin or (viewer.org_member and viewer.organization_id == organization_id)


def can_manage_application(viewer: Viewer, row: Application) -> bool:
    """Moving an application along the pipeline: admins and recruiters of the job's org."""
    if viewer.is_admin:
        return True
    return viewer.role is Role.RECRUITER and row.organization_id == viewer.organization_id
