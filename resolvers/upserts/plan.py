"""Phase one of a batch: dedupe, match, authorize and diff every row before anything is written.

Reads a fixed number of statements per chunk (records by every match key, then the children of
the matched ones), so planning 1,000 rows costs the same handful of queries as planning one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from models.base import new_id, utcnow
from models.enums import CandidateSource, CollectionMode, JobStatus, MatchedBy, UpsertOutcome
from resolvers.job_writes import TRANSITIONS
from resolvers.upserts.specs import Cleaned, Collection, Issue, Kind, issue

LABELS = {
    MatchedBy.ID: "id",
    MatchedBy.EXTERNAL_ID: "externalId",
    MatchedBy.EMAIL: "email",
    MatchedBy.PHONE: "phone",
}
KEY_COLUMNS = {
    MatchedBy.ID: "id",
    MatchedBy.EXTERNAL_ID: "external_id",
    MatchedBy.EMAIL: "email",
    MatchedBy.PHONE: "phone",
}
CHUNK = 900  # bound on bind parameters per IN list


@dataclass(frozen=True)
class Scope:
    """Who writes, and for which organization every written record is tagged."""

    organization_id: uuid.UUID
    actor_id: uuid.UUID | None
    is_admin: bool = False
    request_id: str | None = None
    client_ip: str | None = None


@dataclass
class RowPlan:
    """What one row will do: its outcome, the record's new columns and the child rows to change."""

    cleaned: Cleaned
    outcome: UpsertOutcome | None = None
    matched_by: MatchedBy | None = None
    existing: dict[str, Any] | None = None
    record: dict[str, Any] | None = None
    deletes: dict[type[Any], list[uuid.UUID]] = field(default_factory=dict)
    inserts: dict[type[Any], list[dict[str, Any]]] = field(default_factory=dict)
    before: dict[str, Any] | None = None

    @property
    def index(self) -> int:
        return self.cleaned.index

    @property
    def failed(self) -> bool:
        return self.outcome is UpsertOutcome.FAILED

    def fail(self, *errors: Issue) -> None:
        self.outcome = UpsertOutcome.FAILED
        self.cleaned.errors.extend(errors)


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def match_keys(kind: Kind, row: Cleaned) -> list[tuple[MatchedBy, Any]]:
    keys: list[tuple[MatchedBy, Any]] = []
    for by in kind.match_keys:
        value = row.id if by is MatchedBy.ID else row.values.get(KEY_COLUMNS[by])
        if value is not None:
            keys.append((by, value))
    return keys


def dedupe(
    kind: Kind, plans: list[RowPlan], seen: dict[tuple[MatchedBy, Any], int] | None = None
) -> None:
    """A later row sharing a match key with an earlier one fails; the first one goes ahead.

    `seen` carries the keys of earlier chunks when a job is checked chunk by chunk.
    """
    seen = {} if seen is None else seen
    for plan in plans:
        if plan.failed:
            continue
        for key in match_keys(kind, plan.cleaned):
            first = seen.get(key)
            if first is not None:
                label = LABELS[key[0]]
                plan.fail(issue(label, "DUPLICATE_IN_BATCH", f"Item {first} has the same {label}"))
                break
        else:
            for key in match_keys(kind, plan.cleaned):
                seen[key] = plan.index


async def stored_records(
    conn: AsyncConnection, kind: Kind, scope: Scope, plans: list[RowPlan]
) -> list[dict[str, Any]]:
    """Every record any row could match or collide with, in one statement per chunk."""
    table = kind.model.__table__
    wanted: dict[MatchedBy, set[Any]] = {by: set() for by in kind.match_keys}
    for plan in plans:
        if not plan.failed:
            for by, value in match_keys(kind, plan.cleaned):
                wanted[by].add(value)
    clauses = []
    for by, values in wanted.items():
        column = table.c[KEY_COLUMNS[by]]
        for part in _chunks(sorted(values, key=str)):
            if by is MatchedBy.EXTERNAL_ID:
                clauses.append(and_(table.c[kind.owner] == scope.organization_id, column.in_(part)))
            else:
                clauses.append(column.in_(part))
    rows: dict[Any, dict[str, Any]] = {}
    for part in _chunks(clauses):
        result = await conn.execute(select(table).where(or_(*part)))
        for row in result.mappings():
            rows[row["id"]] = dict(row)
    return list(rows.values())


def _manageable(kind: Kind, scope: Scope, record: dict[str, Any]) -> bool:
    """Records the batch may update: its organization's own (admins: every record)."""
    return scope.is_admin or record[kind.owner] == scope.organization_id


def match(kind: Kind, scope: Scope, plans: list[RowPlan], stored: list[dict[str, Any]]) -> None:
    """Match by id, then externalId, email, phone; refuse colliding records.

    A record of another organization is never matched: an id of one answers NOT_FOUND like an
    id that does not exist, and an email or phone it holds is a DUPLICATE without `matchedBy`
    or an id, exactly like a collision with a record of the caller's own organization that the
    row did not match. So a batch (dry run or not) cannot tell whose email or phone it is.
    """
    index: dict[tuple[MatchedBy, Any], dict[str, Any]] = {}
    for record in stored:
        for by in kind.match_keys:
            value = record[KEY_COLUMNS[by]]
            if value is None:
                continue
            if by is MatchedBy.EXTERNAL_ID and record[kind.owner] != scope.organization_id:
                continue
            index[(by, value)] = record
    targets: dict[Any, int] = {}
    for plan in plans:
        if plan.failed:
            continue
        row = plan.cleaned
        for by, value in match_keys(kind, row):
            found = index.get((by, value))
            if found is not None and _manageable(kind, scope, found):
                plan.matched_by, plan.existing = by, found
                break
            if by is MatchedBy.ID:
                plan.fail(issue("id", "NOT_FOUND", f"No {kind.entity.lower()} has this id"))
                break
        if plan.failed:
            continue
        existing = plan.existing
        if existing is not None:
            first = targets.setdefault(existing["id"], plan.index)
            if first != plan.index:
                plan.fail(
                    issue(
                        LABELS[plan.matched_by or MatchedBy.ID],
                        "DUPLICATE_IN_BATCH",
                        f"Item {first} updates the same {kind.entity.lower()}",
                    )
                )
                continue
        own_id = existing["id"] if existing is not None else None
        for by in (MatchedBy.EXTERNAL_ID, MatchedBy.EMAIL, MatchedBy.PHONE):
            value = row.values.get(KEY_COLUMNS[by])
            other = index.get((by, value)) if value is not None else None
            if other is not None and other["id"] != own_id:
                plan.fail(
                    issue(
                        LABELS[by],
                        "DUPLICATE",
                        f"Another {kind.entity.lower()} has this {LABELS[by]}",
                    )
                )
                break


async def stored_children(
    conn: AsyncConnection, kind: Kind, plans: list[RowPlan]
) -> dict[str, dict[Any, list[dict[str, Any]]]]:
    """The child rows of every matched record whose lists the batch gives, by collection."""
    out: dict[str, dict[Any, list[dict[str, Any]]]] = {}
    for coll in kind.collections:
        ids = sorted(
            {
                p.existing["id"]
                for p in plans
                if p.existing is not None and not p.failed and coll.key in p.cleaned.lists
            },
            key=str,
        )
        by_parent: dict[Any, list[dict[str, Any]]] = {}
        table = coll.model.__table__
        for part in _chunks(ids):
            result = await conn.execute(
                select(table).where(table.c[coll.fk].in_(part)).order_by(table.c.created_at)
            )
            for row in result.mappings():
                by_parent.setdefault(row[coll.fk], []).append(dict(row))
        out[coll.key] = by_parent
    return out


def same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9
    if isinstance(a, Enum) or isinstance(b, Enum):
        return str(getattr(a, "value", a)) == str(getattr(b, "value", b))
    return bool(a == b)


def _equal(coll: Collection, given: dict[str, Any], stored: dict[str, Any]) -> bool:
    return all(same_value(given.get(name), stored.get(name)) for name in coll.fields)


def diff_children(
    plan: RowPlan,
    coll: Collection,
    given: list[dict[str, Any]],
    stored: list[dict[str, Any]],
    mode: CollectionMode,
    parent_id: uuid.UUID,
) -> bool:
    """Plan the child-row changes of one list; True when anything changes."""
    now = utcnow()
    used: set[Any] = set()
    deletes = plan.deletes.setdefault(coll.model, [])
    inserts = plan.inserts.setdefault(coll.model, [])
    changed = False
    for entry in given:
        values = {name: entry.get(name) for name in coll.fields}
        twin = next((s for s in stored if s["id"] not in used and _equal(coll, values, s)), None)
        if twin is not None:
            used.add(twin["id"])
            continue
        key = coll.natural_key(values)
        same_key = next(
            (s for s in stored if s["id"] not in used and coll.natural_key(s) == key), None
        )
        if same_key is not None and mode is CollectionMode.APPEND:
            if coll.skills:  # one entry per skill: the stored one stays
                plan.cleaned.warnings.append(
                    issue(
                        f"{coll.label}[{entry['_position']}]",
                        "ALREADY_PRESENT",
                        "The skill is already listed; the stored entry is kept",
                    )
                )
                used.add(same_key["id"])
                continue
            same_key = None
        if same_key is not None:  # an update keeps the entry's id and creation time
            used.add(same_key["id"])
            deletes.append(same_key["id"])
            inserts.append(
                {
                    **values,
                    "id": same_key["id"],
                    coll.fk: parent_id,
                    "created_at": same_key["created_at"],
                }
            )
        else:
            inserts.append({**values, "id": new_id(), coll.fk: parent_id, "created_at": now})
        changed = True
    if mode is CollectionMode.REPLACE:
        for s in stored:
            if s["id"] not in used:
                deletes.append(s["id"])
                changed = True
    return changed


def new_record(kind: Kind, scope: Scope, values: dict[str, Any]) -> dict[str, Any]:
    """All columns of a record the batch creates."""
    now = utcnow()
    table = kind.model.__table__
    record: dict[str, Any] = {c.name: None for c in table.c}
    record.update(values)
    record.update(id=new_id(), version=1, created_at=now, updated_at=now)
    record[kind.owner] = scope.organization_id
    if kind.entity == "Candidate":
        record["source"] = CandidateSource.PARTNER
        record["user_id"] = None
    else:
        record["status"] = values.get("status") or JobStatus.DRAFT
        record["description"] = values.get("description") or ""
        record["remote"] = bool(values.get("remote"))
        if record["status"] is JobStatus.OPEN:
            record["published_at"] = now
    return record


def job_rules(plan: RowPlan, record: dict[str, Any], existing: dict[str, Any] | None) -> None:
    """Salary range after the change, and the status machine of jobs."""
    low, high = record.get("salary_min"), record.get("salary_max")
    if low is not None and high is not None and low > high:
        plan.fail(issue("salaryMax", "INVALID_VALUE", "salaryMax must be >= salaryMin"))
    if existing is None:
        return
    old, new = JobStatus(existing["status"]), JobStatus(record["status"])
    if old is not new and new not in TRANSITIONS[old]:
        plan.fail(issue("status", "INVALID_TRANSITION", f"A {old} job cannot become {new}"))
    elif new is JobStatus.OPEN and record.get("published_at") is None:
        record["published_at"] = utcnow()


def jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value
