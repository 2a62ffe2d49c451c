"""Plain fields: a field without resolver, permission or field extension only reads its object's attribute.

A big read is mostly such fields (the national goals read: 200k of its 225k fields). Strawberry resolves
each through its generic path (`field.get_result` → the configured default resolver), and every schema
extension with a `resolve` hook (InputGuard, TakeTurns) wraps it as middleware, though a plain field has
no arguments to guard and never returns an awaitable. Here such fields read the attribute directly and
the middleware leaves them alone. PlainExecution also skips building the resolve info of a plain leaf
field (nobody reads it: the resolver ignores it and graphql-core does not read it to complete a scalar or
enum), and asks "is this awaitable?" once per type rather than once per value; enums are named by a dict
lookup instead of a scan of their values. The same values, about half the work per field.
"""

from collections.abc import Callable
from inspect import CO_ITERABLE_COROUTINE
from types import CoroutineType, GeneratorType
from typing import Any, cast

from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLFieldResolver,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.middleware import MiddlewareManager
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import CustomGraphQLEnumType, GraphQLCoreConverter
from strawberry.types.field import StrawberryField

_PLAIN = "_fundperf_plain"
_LEAF = "_fundperf_leaf"
_ATTRIBUTE = "_fundperf_attribute"
_ENUM_LOOKUP = "_fundperf_enum_lookup"
_NO_INFO = cast(GraphQLResolveInfo[Any], None)


def _attribute(name: str, *, leaf: bool) -> GraphQLFieldResolver:
    def resolve(source: Any, _info: GraphQLResolveInfo[Any]) -> Any:
        return getattr(source, name)

    setattr(resolve, _PLAIN, True)
    setattr(resolve, _LEAF, leaf)
    setattr(resolve, _ATTRIBUTE, name)
    resolve._is_default = True  # type: ignore[attr-defined]  # as strawberry marks its own (resolvers.py)
    return resolve


def is_plain(resolver: GraphQLFieldResolver) -> bool:
    return getattr(resolver, _PLAIN, False) is True


def plain_attribute(resolver: GraphQLFieldResolver) -> str:
    """The attribute a plain field's resolver reads."""
    name: str = getattr(resolver, _ATTRIBUTE)
    return name


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
                leaf = is_leaf_type(get_named_type(field.type))
                field.resolve = _attribute(definition.python_name, leaf=leaf)
                count += 1
    for named in schema.type_map.values():
        if isinstance(named, CustomGraphQLEnumType):
            _name_enum_by_lookup(named)
    return count


def _name_enum_by_lookup(enum_type: CustomGraphQLEnumType) -> None:
    """Strawberry names an enum member by scanning the type's values; this looks it up."""
    members: Any = enum_type.wrapped_cls
    names: dict[Any, str] = {
        m: name for name, v in enum_type.values.items() for m in members if m.value == v.value
    }
    scan: Callable[[Any], str] = enum_type.coerce_output_value

    def coerce_output_value(output_value: Any) -> str:
        return names[output_value] if type(output_value) is members else scan(output_value)

    setattr(coerce_output_value, _ENUM_LOOKUP, (members, names))
    enum_type.coerce_output_value = coerce_output_value  # type: ignore[method-assign]


def enum_lookup(coerce: Callable[[Any], Any] | None) -> tuple[type, dict[Any, str]] | None:
    """The member class and member → name dict behind an enum serializer made above, else None."""
    lookup: tuple[type, dict[Any, str]] | None = getattr(coerce, _ENUM_LOOKUP, None)
    return lookup


_AWAITABLE_BY_TYPE: dict[type, bool] = {}
_MAX_TYPES = 10_000  # classes made on the fly are not remembered past this


def is_awaitable(value: Any) -> bool:
    """graphql-core's test (a coroutine, an iterable coroutine, or has `__await__`), asked of the value's
    type once: the per-value `hasattr` raised and caught an AttributeError for every Decimal, enum and row.
    """
    cls = type(value)
    known = _AWAITABLE_BY_TYPE.get(cls)
    if known is not None:
        return known
    if cls is GeneratorType:
        return bool(value.gi_code.co_flags & CO_ITERABLE_COROUTINE)
    known = issubclass(cls, CoroutineType) or hasattr(cls, "__await__")
    if len(_AWAITABLE_BY_TYPE) < _MAX_TYPES:
        _AWAITABLE_BY_TYPE[cls] = known
    return known


class PlainExecution(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, with the per-type awaitable test and no info for plain leaves."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_awaitable = is_awaitable  # type: ignore[assignment]

    def build_resolve_info(
        self,
        field_def: GraphQLField,
        field_nodes: list[FieldNode],
        parent_type: GraphQLObjectType,
        path: Path,
    ) -> GraphQLResolveInfo[Any]:
        if getattr(field_def.resolve, _LEAF, False):
            return _NO_INFO
        return super().build_resolve_info(field_def, field_nodes, parent_type, path)


class PlainFieldsUnwrapped(MiddlewareManager):
    """The schema extensions' `resolve` hooks, for every field but the plain ones."""

    def get_field_resolver(self, field_resolver: GraphQLFieldResolver) -> GraphQLFieldResolver:
        # One dict lookup per field once seen (asked for each of a big read's fields).
        cached = self._cached_resolvers.get(field_resolver)
        if cached is None:
            cached = (
                field_resolver if is_plain(field_resolver) else super().get_field_resolver(field_resolver)
            )
            self._cached_resolvers[field_resolver] = cached
        return cached
