"""The compiled execution path: a query's selection sets become plans, run without the
per-field machinery of the general executor.

graphql-core executes every field of every object the same general way: it builds a
`GraphQLResolveInfo`, calls the field's resolver through strawberry's wrapper (which builds
a `strawberry.Info` and converts arguments), then completes the value by testing its type
against every kind of GraphQL type. A nested page of a hundred candidates does that some ten
thousand times, and that is where a deep read spends its time.

A plan is made once per selection set (an object type and the field nodes that select it,
under the values of the variables its `@skip`/`@include` directives read) and kept in a cache
bounded by bytes. Each step of a plan knows in advance how its field is read:

- `__typename`: the type's name;
- a field without a resolver: the attribute of the object (the columns of the row), coerced
  by its scalar or enum type;
- a relation (`schema.relations.relation`): the rows the field's loader already holds for
  the field's path (look-ahead prefetching has loaded them), put through the relation's
  policy and type, with no resolver call; rows not loaded yet go the general way;
- anything else (custom resolvers, arguments, contact fields whose policy needs the
  database): the general executor's `execute_field`, whose object values come back here.

Completion (non-null, lists, leaves, objects, errors and null propagation) mirrors
graphql-core's step by step, calling its own methods for errors, so a response is the same
as the general executor's; the differential mode (`COMPILED_EXECUTION=differential`, on in
the test suite) runs every query both ways and records any difference. Mutations,
subscriptions, abstract types and operations under resolver middleware (tracing) run on
graphql-core unchanged.
"""

from __future__ import annotations

from schema.compiled.differential import MISMATCHES
from schema.compiled.executor import MODES, CompiledExecutor, compiled_executor

__all__ = ["MISMATCHES", "MODES", "CompiledExecutor", "compiled_executor"]
