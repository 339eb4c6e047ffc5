"""GraphQL types for organizations and users."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import schema.types.common  # noqa: F401  (registers the GraphQL enums)
from models.enums import ApplicationStage, OrganizationKind, Role
from models.organization import Organization, User
from resolvers.context import Context

if TYPE_CHECKING:
    from schema.types.candidate import CandidateType


@strawberry.type(name="Organization", description="An employer, agency or partner.")
class OrganizationType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the organization.")
    name: str = strawberry.field(description="Display name.")
    slug: str = strawberry.field(description="Unique URL-safe short name.")
    kind: OrganizationKind = strawberry.field(description="Employer, agency or partner.")
    website: str | None = strawberry.field(description="Public website, if known.")
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    row: strawberry.Private[Organization]

    @classmethod
    def from_model(cls, row: Organization) -> OrganizationType:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            slug=row.slug,
            kind=row.kind,
            website=row.website,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(
        description="Stages candidates get no notification of (`setInternalStages`); shown to "
        "the organization's members and admins, empty for everyone else."
    )
    def internal_stages(self, info: strawberry.Info[Context, None]) -> list[ApplicationStage]:
        viewer = info.context.viewer
        if not (viewer.is_admin or viewer.organization_id == self.row.id):
            return []
        return [ApplicationStage(s) for s in self.row.internal_stages or []]

    @classmethod
    def maybe(cls, row: Organization | None) -> OrganizationType | None:
        return cls.from_model(row) if row is not None else None


@strawberry.type(name="User", description="A signed-in account.")
class UserType:
    id: strawberry.ID = strawberry.field(description="Stable UUID of the user.")
    email: str = strawberry.field(description="Login email (normalized to lower case).")
    role: Role = strawberry.field(description="What the user may do.")
    created_at: datetime = strawberry.field(description="When the account was created (UTC).")
    row: strawberry.Private[User]
    # true when the payload describes the caller themself (sign-in and sign-up results)
    is_self: strawberry.Private[bool] = False

    @strawberry.field(description="The organization the user acts for, if any.")
    async def organization(self, info: strawberry.Info[Context, None]) -> OrganizationType | None:
        if self.row.organization_id is None:
            return None
        org = await info.context.loaders_at(info).organization.load(self.row.organization_id)
        return OrganizationType.from_model(org) if org else None

    @strawberry.field(description="The user's own candidate profile (candidates only).")
    async def candidate(
        self, info: strawberry.Info[Context, None]
    ) -> Annotated["CandidateType", strawberry.lazy("schema.types.candidate")] | None:
        from schema.types.candidate import CandidateType

        if not (self.is_self or info.context.viewer.user_id == self.row.id):
            return None
        row = await info.context.loaders_at(info).candidate_by_user.load(self.row.id)
        return CandidateType.from_model(row) if row else None

    @classmethod
    def from_model(cls, row: User, *, is_self: bool = False) -> UserType:
        return cls(
            is_self=is_self,
            id=strawberry.ID(str(row.id)),
            email=row.email,
            role=row.role,
            created_at=row.created_at,
            row=row,
        )
