"""Reading applications and evaluations by id and as lists."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement
from sqlmodel import col

from loaders.pagination import OrderColumn, PageArgs
from loaders.policy import (
    application_clause,
    can_view_application,
    can_view_evaluation,
)
from loaders.registry import LoaderSet
from models.application import Application
from models.enums import ApplicationStage
from models.evaluation import Evaluation
from resolvers.context import Context
from resolvers.pages import OrderDirection, Page, bounded, fetch_page


class ApplicationOrderField(StrEnum):
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"


ID = OrderColumn(col(Application.id), "id", uuid.UUID)
APPLICATION_ORDERS: dict[ApplicationOrderField, tuple[OrderColumn, ...]] = {
    ApplicationOrderField.CREATED_AT: (
        OrderColumn(col(Application.created_at), "created_at", datetime),
        ID,
    ),
    ApplicationOrderField.UPDATED_AT: (
        OrderColumn(col(Application.updated_at), "updated_at", datetime),
        ID,
    ),
}


@dataclass(frozen=True)
class ApplicationFilter:
    job_id: uuid.UUID | None = None
    candidate_id: uuid.UUID | None = None
    stage: tuple[ApplicationStage, ...] = ()


def application_filters(ctx: Context, flt: ApplicationFilter | None) -> list[ColumnElement[bool]]:
    clauses = [application_clause(ctx.viewer)]
    if flt is None:
        return clauses
    if flt.job_id is not None:
        clauses.append(col(Application.job_id) == flt.job_id)
    if flt.candidate_id is not None:
        clauses.append(col(Application.candidate_id) == flt.candidate_id)
    if stages := bounded(flt.stage, "filter.stage"):
        clauses.append(col(Application.stage).in_(stages))
    return clauses


async def list_applications(
    ctx: Context,
    args: PageArgs,
    flt: ApplicationFilter | None,
    order: ApplicationOrderField,
    direction: OrderDirection,
) -> Page[Application]:
    return await fetch_page(
        ctx.session_factory,
        Application,
        application_filters(ctx, flt),
        APPLICATION_ORDERS[order],
        direction,
        f"application:{order.value}",
        args,
    )


async def get_application(
    ctx: Context, loaders: LoaderSet, application_id: uuid.UUID
) -> Application | None:
    row = await loaders.application.load(application_id)
    return row if row is not None and can_view_application(ctx.viewer, row) else None


async def get_evaluation(
    ctx: Context, loaders: LoaderSet, evaluation_id: uuid.UUID
) -> Evaluation | None:
    row = await loaders.evaluation.load(evaluation_id)
    return row if row is not None and can_view_evaluation(ctx.viewer, row) else None
