"""Every root field has a declared access rule; the generic rules are checked field by field.

A new query or mutation without an entry in ROOT_POLICY fails `test_every_root_field_has_a_policy`,
so access is decided before a field ships. Role-by-role behaviour of each field is tested in
test_policy.py (reads: every query field and nested edge per role) and
test_mutation_matrix.py (writes: every mutation per role, on owned and foreign objects).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)

from schema.api import schema
from tests.helpers import gql

PUBLIC = "public"  # anyone, filtered by the read policy (anonymous sees open jobs only)
SIGNED_IN = "signed-in"  # mutations: anonymous callers get AuthenticationRequired
ANONYMOUS_OK = "anonymous-ok"  # sign-in and sign-up mutations
ADMIN = "admin"  # admins only; everyone else sees nothing
UPLOAD = "signed-in-upload"  # multipart mutations: tested with real files (test_imports.py, ...)

ROOT_POLICY: dict[str, dict[str, str]] = {
    "Query": {
        "me": PUBLIC,
        "auditLog": ADMIN,
        "candidate": PUBLIC,
        "candidates": PUBLIC,
        "job": PUBLIC,
        "jobs": PUBLIC,
        "application": PUBLIC,
        "applications": PUBLIC,
        "evaluation": PUBLIC,
        "evaluations": PUBLIC,
        "evaluationMetrics": ADMIN,
        "interviews": PUBLIC,
        "document": PUBLIC,
        "skills": PUBLIC,
        "importJob": PUBLIC,
        "uploadConstraints": PUBLIC,
        "notifications": PUBLIC,  # your own only: test_notifications.py
        "notificationPreferences": PUBLIC,
    },
    "Mutation": {
        "login": ANONYMOUS_OK,
        "register": ANONYMOUS_OK,
        "refreshToken": ANONYMOUS_OK,
        "logout": ANONYMOUS_OK,
        **{
            name: SIGNED_IN
            for name in (
                "createCandidate",
                "updateCandidate",
                "deleteCandidate",
                "addEducation",
                "updateEducation",
                "removeEducation",
                "addWorkExperience",
                "updateWorkExperience",
                "removeWorkExperience",
                "addCertification",
                "updateCertification",
                "removeCertification",
                "setCandidateSkills",
                "createJob",
                "updateJob",
                "setJobSkills",
                "setJobStatus",
                "applyToJob",
                "moveApplication",
                "upsertCandidates",
                "upsertJobs",
                "revertImport",
                "acceptProfileSuggestion",
                "requestEvaluation",
                "evaluateApplicants",
                "rerunEvaluation",
                "deleteEvaluation",
                "scheduleInterview",
                "rescheduleInterview",
                "cancelInterview",
                "submitScorecard",
                "addNote",
                "saveJob",
                "unsaveJob",
                "setInternalStages",
                "retryBackgroundJob",
                "markNotificationsRead",
                "updateNotificationPreferences",
            )
        },
        "importCandidatesCsv": UPLOAD,
        "uploadCv": UPLOAD,  # every role and error: test_cv_upload.py
    },
    # subscriptions: like the matching query (test_cv_subscription.py)
    "Subscription": {
        "documentUpdated": SIGNED_IN,
        "evaluationUpdated": SIGNED_IN,  # test_evaluation_subscriptions.py
        "jobEvaluationsUpdated": SIGNED_IN,
        "notificationAdded": SIGNED_IN,  # test_notifications.py
    },
}

GRAPHQL = schema._schema


def test_every_root_field_has_a_policy():
    # given
    roots = {
        "Query": GRAPHQL.query_type,
        "Mutation": GRAPHQL.mutation_type,
        "Subscription": GRAPHQL.subscription_type,
    }
    # when
    declared = {name: set(fields) for name, fields in ROOT_POLICY.items()}
    actual = {name: set(root.fields) for name, root in roots.items() if root is not None}
    # then: a field added to the schema needs a rule here (and tests for it)
    assert actual == declared


def _sample(type_: Any) -> Any:
    """A well-formed value for an argument type (contents deliberately meaningless)."""
    if isinstance(type_, GraphQLNonNull):
        return _sample(type_.of_type)
    if isinstance(type_, GraphQLList):
        return [_sample(type_.of_type)]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: _sample(field.type)
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull)
        }
    assert isinstance(type_, GraphQLScalarType)
    return {
        "ID": str(uuid.uuid4()),
        "String": "x",
        "Int": 1,
        "Float": 1.0,
        "Boolean": True,
        "Date": "2020-01-01",
        "DateTime": "2020-01-01T00:00:00+00:00",
    }[type_.name]


def _call(name: str) -> tuple[str, dict[str, Any]]:
    field = GRAPHQL.mutation_type.fields[name]
    required = {a: arg for a, arg in field.args.items() if isinstance(arg.type, GraphQLNonNull)}
    params = ", ".join(f"${a}: {arg.type}" for a, arg in required.items())
    args = ", ".join(f"{a}: ${a}" for a in required)
    document = (
        f"mutation{f'({params})' if params else ''} "
        f"{{ {name}{f'({args})' if args else ''} {{ __typename ... on UserError {{ code }} }} }}"
    )
    return document, {a: _sample(arg.type) for a, arg in required.items()}


@pytest.mark.parametrize(
    "name", sorted(n for n, rule in ROOT_POLICY["Mutation"].items() if rule == SIGNED_IN)
)
async def test_signed_in_mutations_refuse_anonymous_callers(client, name):
    # given
    document, variables = _call(name)
    # when
    result = await gql(client, document, variables)
    # then: authentication is checked before anything else, and nothing is revealed
    assert result.errors == []
    assert result.data[name] == {"__typename": "AuthenticationRequired", "code": "UNAUTHENTICATED"}


async def test_admin_only_fields_are_empty_for_others(client):
    # when
    result = await gql(client, "{ auditLog { totalCount } }")
    # then
    assert result.data == {"auditLog": {"totalCount": 0}}
