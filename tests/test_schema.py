"""The schema is a product: committed SDL matches the code, everything is described."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from schema.api import schema

SDL = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"


def test_committed_sdl_matches_code():
    # given / when
    printed = str(schema).strip()
    # then (run `make schema` after changing the schema)
    assert SDL.read_text().strip() == printed


def test_every_type_field_and_argument_has_a_description():
    # given
    missing: list[str] = []
    graphql_schema = schema._schema
    # when
    for name, type_ in graphql_schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not type_.description:
            missing.append(name)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in type_.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in field.args.items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        elif isinstance(type_, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, v in type_.fields.items() if not v.description]
        elif isinstance(type_, GraphQLEnumType):
            pass  # enum values are self-describing names
    # then
    assert missing == []
