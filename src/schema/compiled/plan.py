"""Plans: for an object type and the fields selected on it, what to read and how to complete each value.

A plan is what graphql-core works out again for every field of every object (the field's definition, its
resolver, its return type's shape, whether it needs a resolve info); here it is made once per selection
and kept with the operation (src/schema/compiled/__init__.py). Completers only handle the happy path:
anything else raises Bail and the whole operation runs on graphql-core's standard path.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLAbstractType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    Undefined,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetailsList, collect_subfields
from graphql.language import FieldNode
from graphql.pyutils import Path, is_iterable
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from src.schema.plain_fields import is_awaitable, is_plain, plain_attribute

if TYPE_CHECKING:
    from src.schema.compiled.run import CompiledExecution


def leaf_object(plan: "ObjectPlan") -> Any:
    from src.schema.compiled.leaf_objects import leaf_object as unrolled  # it imports this module

    return unrolled(plan)


PLAIN_LEAF, DIRECT_LEAF, PLAIN, TYPENAME, DIRECT, RESOLVED = range(6)  # leaves first: `kind <= DIRECT_LEAF`

# (executor, value, path of the value, the field's resolve info) -> completed value or an awaitable of it
Completer = Callable[["CompiledExecution", Any, Path | None, GraphQLResolveInfo[Any] | None], Any]


class Bail(Exception):
    """The fast path met something it leaves to graphql-core's standard execution."""


@dataclass(slots=True, eq=False)
class FieldPlan:
    key: str
    kind: int
    field_def: GraphQLField
    nodes: list[FieldNode]
    attr: str = ""  # a plain field's attribute
    direct: Callable[..., Any] | None = None  # a simple resolver's function (see simple_resolver)
    pass_self: bool = False  # whether it takes the object as `self`
    typename: str = ""  # __typename's answer
    coerce: Callable[[Any], Any] | None = None  # a leaf's serializer (PLAIN_LEAF, DIRECT_LEAF)
    non_null: bool = False
    has_args: bool = False
    needs_info: bool = False
    needs_path: bool = False
    may_await: bool = False  # its completer may return an awaitable (objects, lists)
    complete: Completer | None = None


@dataclass(slots=True, eq=False)
class ObjectPlan:
    type: GraphQLObjectType
    fields: list[FieldPlan] = field(default_factory=list)
    needs_path: bool = False
    leaves: Any = None  # all fields leaves: their unrolled completion (leaf_objects.py)


def object_plan(
    run: "CompiledExecution", object_type: GraphQLObjectType, grouped: dict[str, FieldDetailsList]
) -> ObjectPlan:
    plan = ObjectPlan(object_type)
    for key, details in grouped.items():
        planned = _field_plan(run, object_type, key, details)
        if planned is not None:
            plan.fields.append(planned)
            plan.needs_path = plan.needs_path or planned.needs_path
    plan.leaves = leaf_object(plan)
    return plan


def _field_plan(
    run: "CompiledExecution", parent: GraphQLObjectType, key: str, details: FieldDetailsList
) -> FieldPlan | None:
    node = details[0].node
    if any(d.fragment_variable_values is not None or d.defer_usage is not None for d in details):
        raise Bail  # fragment arguments, @defer
    if any(directive.name.value == "stream" for d in details for directive in d.node.directives or ()):
        raise Bail
    name = node.name.value
    if name.startswith("__") and name != "__typename":
        raise Bail  # introspection
    field_def = run.schema.get_field(parent, name)
    if field_def is None:
        return None  # graphql-core leaves it out too
    nodes = [d.node for d in details]
    if name == "__typename":
        return FieldPlan(key, TYPENAME, field_def, nodes, typename=parent.name)
    return_type = field_def.type
    non_null = isinstance(return_type, GraphQLNonNull)
    named = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
    resolver = field_def.resolve
    if resolver is not None and is_plain(resolver) and is_leaf_type(named):
        leaf: Any = named
        return FieldPlan(
            key,
            PLAIN_LEAF,
            field_def,
            nodes,
            attr=plain_attribute(resolver),
            coerce=leaf.coerce_output_value,
            non_null=non_null,
        )
    needs = _Needs()
    complete = _completer(run, return_type, details, needs)
    simple = simple_resolver(field_def) if run.direct_calls and not node.arguments else None
    kind = PLAIN if resolver is not None and is_plain(resolver) else DIRECT if simple else RESOLVED
    planned = FieldPlan(key, kind, field_def, nodes, non_null=non_null, complete=complete)
    if resolver is not None and kind == PLAIN:
        planned.attr = plain_attribute(resolver)
    if simple is not None and kind == DIRECT:
        planned.direct, planned.pass_self = simple
        if is_leaf_type(named):  # completed in the object's loop, as a plain leaf
            leaf_type: Any = named
            planned.kind, planned.coerce = DIRECT_LEAF, leaf_type.coerce_output_value
    planned.needs_info = kind == RESOLVED or needs.info
    planned.needs_path = planned.needs_info or needs.path
    planned.may_await = needs.awaits
    return planned


def simple_resolver(field_def: GraphQLField) -> tuple[Callable[..., Any], bool] | None:
    """A strawberry resolver strawberry would call as `function(source)` or `function()`, and how.

    Strawberry's generic path (an Info, argument conversion, field extensions, exception handlers) changes
    nothing for a sync resolver without arguments, extensions (permissions are ones) or info/root/parent
    parameters: it ends in `base_resolver(*args)`. Exception handlers only act on a raise, which the fast
    path leaves to the standard path anyway.
    """
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or field_def.args or definition.extensions:
        return None
    resolver = definition.base_resolver
    if resolver is None or resolver.is_async or resolver.arguments or not callable(resolver.wrapped_func):
        return None
    if resolver.info_parameter or resolver.root_parameter or resolver.parent_parameter:
        return None
    return resolver.wrapped_func, resolver.self_parameter is not None


@dataclass(slots=True)
class _Needs:
    info: bool = False  # an abstract type or is_type_of asks for the field's info
    path: bool = False  # a field below needs its path
    awaits: bool = False  # an object below: its completion may be awaitable


def _completer(
    run: "CompiledExecution", return_type: GraphQLOutputType, details: FieldDetailsList, needs: _Needs
) -> Completer:
    if isinstance(return_type, GraphQLNonNull):
        return _non_null(_completer(run, return_type.of_type, details, needs))
    if isinstance(return_type, GraphQLList):
        return _list(_completer(run, return_type.of_type, details, needs))
    if is_leaf_type(return_type):
        return _leaf(return_type.coerce_output_value)
    needs.awaits = True
    if is_abstract_type(return_type):
        needs.info = needs.path = True
        return _abstract(return_type, details)
    assert is_object_type(return_type)
    object_type: GraphQLObjectType = return_type
    child = object_plan(run, object_type, _subfields(run, object_type, details))
    needs.info = needs.info or object_type.is_type_of is not None
    needs.path = needs.path or child.needs_path
    return _object(child)


def _subfields(
    run: "CompiledExecution", object_type: GraphQLObjectType, details: FieldDetailsList
) -> dict[str, FieldDetailsList]:
    collected = collect_subfields(
        run.schema,
        run.fragments,
        run.variable_values,
        run.operation,
        object_type,
        details,
        run.hide_suggestions,
    )
    if collected.new_defer_usages:
        raise Bail
    return collected.grouped_field_set


def _non_null(inner: Completer) -> Completer:
    def complete(
        run: "CompiledExecution", value: Any, path: Path | None, info: GraphQLResolveInfo[Any] | None
    ) -> Any:
        completed = inner(run, value, path, info)
        if completed is None:
            raise Bail
        return completed

    return complete


def _leaf(coerce: Callable[[Any], Any]) -> Completer:
    def complete(
        run: "CompiledExecution", value: Any, path: Path | None, info: GraphQLResolveInfo[Any] | None
    ) -> Any:
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception):
            raise Bail
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise Bail
        return coerced

    return complete


def _list(inner: Completer) -> Completer:
    def complete(
        run: "CompiledExecution", value: Any, path: Path | None, info: GraphQLResolveInfo[Any] | None
    ) -> Any:
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception) or run.is_async_iterable(value) or not is_iterable(value):
            raise Bail
        return run.complete_items(inner, value, path, info)

    return complete


def _object(plan: ObjectPlan) -> Completer:
    is_type_of = plan.type.is_type_of

    def complete(
        run: "CompiledExecution", value: Any, path: Path | None, info: GraphQLResolveInfo[Any] | None
    ) -> Any:
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception):
            raise Bail
        if is_type_of is not None:
            known = is_type_of(value, info)  # type: ignore[arg-type]  # as graphql-core passes it
            if is_awaitable(known) or not known:
                raise Bail
        return run.execute_object(plan, value, path)

    return complete


def _abstract(abstract: GraphQLAbstractType, details: FieldDetailsList) -> Completer:
    by_name: dict[str, Completer] = {}  # runtime type -> its object completer, made on first sight

    def complete(
        run: "CompiledExecution", value: Any, path: Path | None, info: GraphQLResolveInfo[Any] | None
    ) -> Any:
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception):
            raise Bail
        resolve_type = abstract.resolve_type or run.type_resolver
        name = resolve_type(value, info, abstract)  # type: ignore[arg-type]
        if not isinstance(name, str):
            raise Bail
        completer = by_name.get(name)
        if completer is None:
            runtime = run.schema.get_type(name)
            if not isinstance(runtime, GraphQLObjectType) or not run.schema.is_sub_type(abstract, runtime):
                raise Bail
            completer = by_name[name] = _object(object_plan(run, runtime, _subfields(run, runtime, details)))
        return completer(run, value, path, info)

    return complete
