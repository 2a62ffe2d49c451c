"""Plain fields: a field without resolver, permission or field extension only reads its object's attribute.

A big read is mostly such fields (the national goals read: 200k of its 225k fields). Strawberry resolves
each through its generic path (`field.get_result` → the configured default resolver), and every schema
extension with a `resolve` hook (InputGuard, TakeTurns) wraps it as middleware, though a plain field has
no arguments to guard and never returns an awaitable. Here such fields read the attribute directly and
the middleware leaves them alone: the same values, about a third less work per field.
"""

from typing import Any

from graphql import GraphQLFieldResolver, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema
from graphql.execution.middleware import MiddlewareManager
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

_PLAIN = "_fundperf_plain"


def _attribute(name: str) -> GraphQLFieldResolver:
    def resolve(source: Any, _info: GraphQLResolveInfo[Any]) -> Any:
        return getattr(source, name)

    setattr(resolve, _PLAIN, True)
    resolve._is_default = True  # type: ignore[attr-defined]  # as strawberry marks its own (resolvers.py)
    return resolve


def is_plain(resolver: GraphQLFieldResolver) -> bool:
    return getattr(resolver, _PLAIN, False) is True


def plain_field_resolvers(schema: GraphQLSchema) -> int:
    """Gives every plain field of `schema`'s object types a direct attribute read; returns how many."""
    count = 0
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        for field in named.fields.values():
            definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            # StrawberryField.is_basic_field: no resolver and no field extensions (permissions are ones).
            if isinstance(definition, StrawberryField) and definition.is_basic_field and not field.args:
                field.resolve = _attribute(definition.python_name)
                count += 1
    return count


class PlainFieldsUnwrapped(MiddlewareManager):
    """The schema extensions' `resolve` hooks, for every field but the plain ones."""

    def get_field_resolver(self, field_resolver: GraphQLFieldResolver) -> GraphQLFieldResolver:
        if is_plain(field_resolver):
            return field_resolver
        return super().get_field_resolver(field_resolver)
