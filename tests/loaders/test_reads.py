"""How loaders read: rows from asyncpg equal SQLAlchemy's, key batches as one parameter, and
`load_all` batched with the tick's other loads.

On PostgreSQL a statement shape's first run goes through SQLAlchemy and the later ones
straight through asyncpg (loaders/driver.py); on SQLite every run goes through SQLAlchemy.
Both must give the same rows as an ORM session reading the same statement.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC
from typing import Any

import pytest
from sqlalchemy import Integer, cast, literal
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from loaders import driver
from loaders.base import Loader, fetch_rows
from loaders.candidates import CandidateSkillsByCandidateIdLoader, EducationByCandidateIdLoader
from models.application import Application
from models.db import SessionFactory, statement_counter
from models.enums import ApplicationStage, SkillLevel
from models.settings import Settings
from tests.helpers import make_application, make_candidate, make_job, make_org, make_skill


def on_postgres(settings: Settings) -> bool:
    return settings.database_url.startswith("postgresql")


async def reference(db: SessionFactory, statement: Any) -> list[tuple[Any, ...]]:
    """The same statement read the plain SQLAlchemy way."""
    async with db.kw["bind"].connect() as connection:
        return [tuple(row) for row in (await connection.execute(statement)).all()]


async def test_rows_equal_what_sqlalchemy_reads(db: SessionFactory, settings: Settings) -> None:
    # given: columns with result processors (an enum, UTC datetimes) and without
    candidate = await make_candidate(db)
    job = await make_job(db, await make_org(db))
    await make_application(db, candidate, job, ApplicationStage.INTERVIEW)

    def statement() -> Any:
        return select(Application).where(col(Application.candidate_id) == candidate.id)

    # when: the first run learns the shape, the second reads through the driver
    first = await fetch_rows(db, statement())
    second = await fetch_rows(db, statement())

    # then
    expected = await reference(db, statement())
    assert [tuple(r) for r in first] == expected == [tuple(r) for r in second]
    row = second[0]
    assert row.stage is ApplicationStage.INTERVIEW and row.created_at.tzinfo is UTC
    known, shape = driver.SHAPES.get(statement()._generate_cache_key().key)
    assert (known and shape is not None) is on_postgres(settings)


async def test_key_batches_read_the_same_rows_for_any_number_of_keys(
    db: SessionFactory, settings: Settings
) -> None:
    # given
    python = await make_skill(db, "Python")
    candidates = [await make_candidate(db, skills=[python]) for _ in range(3)]
    loader = CandidateSkillsByCandidateIdLoader(db)

    # when: batches of one and three keys (one SQL text on PostgreSQL: `= ANY($1)`)
    one = await CandidateSkillsByCandidateIdLoader(db).load_all([candidates[0].id])
    three = await loader.load_all([c.id for c in candidates])

    # then
    assert one[0] == three[0]
    assert [[s.name for s in skills] for skills in three] == [["Python"]] * 3
    assert all(s.level is None or isinstance(s.level, SkillLevel) for s in three[1])
    statement = loader.statement([c.id for c in candidates])
    sql = str(statement.compile(db.kw["bind"]))
    assert ("ANY" in sql) is on_postgres(settings)


async def test_load_all_joins_the_batch_of_the_loads_of_its_tick(db: SessionFactory) -> None:
    # given
    candidates = [await make_candidate(db) for _ in range(3)]
    loader = EducationByCandidateIdLoader(db)
    counter = [0]
    token = statement_counter.set(counter)

    # when
    try:
        together = await asyncio.gather(
            loader.load_all([candidates[0].id, candidates[1].id]), loader.load(candidates[2].id)
        )
    finally:
        statement_counter.reset(token)

    # then: one statement for the three keys, and all of them answer from the cache now
    assert counter == [1]
    pages, third = together
    assert [len(p) for p in pages] == [2, 2] and len(third) == 2
    assert all(loader.loaded(c.id)[0] for c in candidates)


class FailingLoader(Loader[uuid.UUID, int]):
    """A loader whose batch fails (the database went away, say)."""

    batches = 0

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[int]:
        FailingLoader.batches += 1
        raise RuntimeError("the batch failed")


async def test_a_failed_batch_fails_load_all_and_is_not_cached(db: SessionFactory) -> None:
    # given
    loader = FailingLoader(db)
    keys = [uuid.uuid4(), uuid.uuid4()]

    # when / then: the error reaches the caller, and a later load asks again
    with pytest.raises(RuntimeError, match="the batch failed"):
        await loader.load_all(keys)
    assert loader.loaded(keys[0]) == (False, None)
    with pytest.raises(RuntimeError):
        await loader.load_all(keys)
    assert FailingLoader.batches == 2


async def test_a_failing_statement_raises_sqlalchemys_error(
    db: SessionFactory, settings: Settings
) -> None:
    # given: a shape learnt from a run that worked
    if not on_postgres(settings):
        pytest.skip("the asyncpg path exists on PostgreSQL only")

    def statement(value: str) -> Any:
        return select(cast(literal(value), Integer).label("number"))

    assert [tuple(r) for r in await fetch_rows(db, statement("7"))] == [(7,)]
    assert [tuple(r) for r in await fetch_rows(db, statement("8"))] == [(8,)]

    # when / then: a run the server refuses is raised as SQLAlchemy raises it
    with pytest.raises(DBAPIError):
        await fetch_rows(db, statement("not a number"))
    assert [tuple(r) for r in await fetch_rows(db, statement("9"))] == [(9,)]


async def test_a_prepared_statement_reads_what_the_statement_built_with_its_values_reads(
    db: SessionFactory,
) -> None:
    # given: a statement prepared once with probe values
    first, second = await make_candidate(db), await make_candidate(db)

    def statement(candidate_id: uuid.UUID, stage: ApplicationStage) -> Any:
        return select(Application).where(
            col(Application.candidate_id) == candidate_id, col(Application.stage) == stage
        )

    job = await make_job(db, await make_org(db))
    await make_application(db, first, job, ApplicationStage.INTERVIEW)
    await make_application(db, second, job, ApplicationStage.INTERVIEW)
    await make_application(db, second, await make_job(db, await make_org(db)))
    probe = uuid.uuid4()
    prepared = driver.Prepared.of(statement(probe, ApplicationStage.INTERVIEW), [probe])
    assert prepared is not None
    engine = db.kw["bind"]

    # when: run three times with other values (the first run of a shape learns it)
    runs = [
        await driver.fetch_prepared(
            engine,
            prepared,
            [candidate.id],
            lambda candidate=candidate: statement(candidate.id, ApplicationStage.INTERVIEW),
        )
        for candidate in (first, second, second)
    ]

    # then: each run reads the rows of its own values, the value not probed stays
    for rows, candidate in zip(runs, (first, second, second), strict=True):
        expected = await reference(db, statement(candidate.id, ApplicationStage.INTERVIEW))
        assert [tuple(r) for r in rows] == expected and len(expected) == 1


def test_a_statement_without_the_probe_among_its_values_is_not_prepared() -> None:
    statement = select(Application).where(col(Application.candidate_id) == uuid.uuid4())
    assert driver.Prepared.of(statement, [uuid.uuid4()]) is None
