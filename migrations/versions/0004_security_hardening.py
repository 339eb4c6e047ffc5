"""Security hardening: applications remember the organization that filed them

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 23:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("filed_by_organization_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_applications_filed_by_organization_id"),
            ["filed_by_organization_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_applications_filed_by_organization_id_organizations"),
            "organizations",
            ["filed_by_organization_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_applications_filed_by_organization_id_organizations"),
            type_="foreignkey",
        )
        batch_op.drop_index(batch_op.f("ix_applications_filed_by_organization_id"))
        batch_op.drop_column("filed_by_organization_id")
