"""CompiledExecution: query operations run from their plans, with graphql-core's standard path as fallback.

graphql-core spends most of a big read on per-field machinery (execute_field, complete_value, a resolve
info and a Path for every field, the middleware lookup). Here a query's plan (plan.py) says, per selected
field, what to do: plain leaves are read and serialized in the object's loop; other fields get a real
resolve info, their middleware-wrapped resolver and coerced arguments, as on the standard path. Async
values are gathered per object and per list as graphql-core gathers them, so DataLoader batches stay one
statement per loader per level and TakeTurns still wraps async resolvers.

The fast path handles the happy path only. On anything else (a resolver raises, a non-null field is null,
a value fails to serialize, introspection, @defer) it waits for the work it started, then executes the
whole operation on the standard path (a query only reads, so running it again is safe) and remembers the
operation, which goes straight to the standard path next time: errors, their paths and null propagation
are graphql-core's own. Mutations and subscriptions always take the standard path.
"""

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Iterable, Sequence
from typing import Any, TypeVar

from graphql import GraphQLResolveInfo, OperationDefinitionNode, OperationType, Undefined
from graphql.execution.collect_fields import collect_fields
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path

from src.schema.compiled.plan import (
    DIRECT,
    DIRECT_LEAF,
    PLAIN,
    PLAIN_LEAF,
    TYPENAME,
    Bail,
    Completer,
    ObjectPlan,
    object_plan,
)
from src.schema.execution import TakeTurns
from src.schema.inputs import InputGuard
from src.schema.plain_fields import PlainExecution, is_awaitable

DIRECT_MIDDLEWARE = (InputGuard, TakeTurns)
MAX_PLANS = 512  # operations whose plans are kept (the parser cache holds 1000 documents at most)
MAX_STANDARD = 512  # operations remembered to take the standard path

# (schema, operation, whether simple resolvers are called directly, the values of the variables its
# @skip/@include read) -> the root's plan. The key holds ids; the value keeps the schema and operation
# alive so that the ids are not reused meanwhile.
_plans: OrderedDict[
    tuple[int, int, bool, tuple[Any, ...]], tuple[object, OperationDefinitionNode, ObjectPlan]
] = OrderedDict()
_standard: OrderedDict[int, OperationDefinitionNode] = OrderedDict()
_deciding: OrderedDict[int, tuple[OperationDefinitionNode, tuple[str, ...]]] = OrderedDict()


class Counts:
    """What tests count: root plans made, and operations sent to the standard path after a surprise."""

    plans_built = 0
    fallbacks = 0


def _remember(table: "OrderedDict[Any, Any]", key: Any, value: Any, limit: int) -> None:
    table[key] = value
    if len(table) > limit:
        table.popitem(last=False)


class CompiledExecution(PlainExecution):
    """PlainExecution, with query operations executed from cached plans (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._orphans: list[Awaitable[Any]] = []  # awaitables started by a fast path that bailed
        # Simple resolvers are called directly while the middleware is only ours that passes them by:
        # InputGuard (no arguments to check) and TakeTurns (no awaitable to wrap).
        middleware = self.middleware_manager.middlewares if self.middleware_manager is not None else ()
        self.direct_calls = all(type(m) in DIRECT_MIDDLEWARE for m in middleware)

    def execute_operation(self, serially: bool | None = None) -> Any:
        operation = self.operation
        if (
            serially is not None
            or operation.operation is not OperationType.QUERY
            or self.abort_signal is not None
            or self.hooks is not None
            or not self.error_propagation
            or id(operation) in _standard
        ):
            return super().execute_operation(serially)
        try:
            data = self.execute_object(self._root_plan(), self.root_value, None)
        except Exception:
            return self._standard_path()
        if is_awaitable(data):
            return self._await_data(data)
        return self.finish(self.build_response(data))

    async def _await_data(self, data: Awaitable[dict[str, Any]]) -> Any:
        try:
            completed = await data
        except Exception:
            fallback = self._standard_path()
            return (await fallback) if is_awaitable(fallback) else fallback
        return self.finish(self.build_response(completed))

    def _standard_path(self) -> Any:
        _remember(_standard, id(self.operation), self.operation, MAX_STANDARD)
        Counts.fallbacks += 1
        orphans, self._orphans = self._orphans, []
        if not orphans:
            return super().execute_operation()

        async def after_orphans() -> Any:
            # What the fast path started finishes first: the standard path then runs alone.
            await asyncio.gather(*orphans, return_exceptions=True)
            result: Any = super(CompiledExecution, self).execute_operation()
            return (await result) if is_awaitable(result) else result

        return after_orphans()

    def _root_plan(self) -> ObjectPlan:
        operation = self.operation
        known = _deciding.get(id(operation))
        if known is None:
            known = (operation, _deciding_variables(self))
            _remember(_deciding, id(operation), known, MAX_PLANS)
        deciding = known[1]
        key = (
            id(self.schema),
            id(operation),
            self.direct_calls,
            tuple(self.variable_values.coerced.get(n) for n in deciding),
        )
        cached = _plans.get(key)
        if cached is not None:
            return cached[2]
        root_type = self.schema.query_type
        assert root_type is not None
        collected = collect_fields(
            self.schema, self.fragments, self.variable_values, root_type, operation, self.hide_suggestions
        )
        if collected.new_defer_usages:
            raise Bail
        plan = object_plan(self, root_type, collected.grouped_field_set)
        Counts.plans_built += 1
        _remember(_plans, key, (self.schema, operation, plan), MAX_PLANS)
        return plan

    def execute_object(self, plan: ObjectPlan, source: Any, path: Path | None) -> Any:
        if plan.leaves is not None:
            return plan.leaves(self, source)
        results: dict[str, Any] = {}
        pending: list[str] = []
        type_name = plan.type.name
        try:
            for field in plan.fields:
                kind = field.kind
                if kind <= DIRECT_LEAF:
                    if kind == PLAIN_LEAF:
                        value = getattr(source, field.attr)
                    else:
                        value = field.direct(source) if field.pass_self else field.direct()  # type: ignore[misc]
                        if is_awaitable(value):
                            self._orphans.append(value)
                            raise Bail  # TakeTurns would have wrapped it
                    if value is None or value is Undefined:
                        if field.non_null:
                            raise Bail
                        results[field.key] = None
                        continue
                    if isinstance(value, Exception):
                        raise Bail
                    completed = field.coerce(value)  # type: ignore[misc]
                    if completed is None or completed is Undefined:
                        raise Bail
                    results[field.key] = completed
                    continue
                if kind == TYPENAME:
                    results[field.key] = field.typename
                    continue
                field_path = Path(path, field.key, type_name) if field.needs_path else None
                info = (
                    self.build_resolve_info(field.field_def, field.nodes, plan.type, field_path)  # type: ignore[arg-type]
                    if field.needs_info
                    else None
                )
                if kind == PLAIN:
                    value = getattr(source, field.attr)
                elif kind == DIRECT:
                    value = field.direct(source) if field.pass_self else field.direct()  # type: ignore[misc]
                    if is_awaitable(value):
                        self._orphans.append(value)
                        raise Bail  # TakeTurns would have wrapped it
                else:
                    value = self._resolve(field.field_def, field.nodes, source, info)
                    if is_awaitable(value):
                        results[field.key] = self._await_field(field.complete, value, field_path, info)  # type: ignore[arg-type]
                        pending.append(field.key)
                        continue
                completed = field.complete(self, value, field_path, info)  # type: ignore[misc]
                results[field.key] = completed
                if field.may_await and is_awaitable(completed):
                    pending.append(field.key)
        except BaseException:
            self._orphans.extend(results[key] for key in pending)
            raise
        if not pending:
            return results
        return _settled(results, pending)

    def _resolve(self, field_def: Any, nodes: Any, source: Any, info: GraphQLResolveInfo[Any] | None) -> Any:
        resolve = field_def.resolve or self.field_resolver
        if self.middleware_manager is not None:
            resolve = self.middleware_manager.get_field_resolver(resolve)
        node = nodes[0]
        if field_def.args or node.arguments:
            args = get_argument_values(field_def, node, self.variable_values, None, self.hide_suggestions)
            return resolve(source, info, **args)
        return resolve(source, info)

    async def _await_field(
        self,
        complete: Completer,
        value: Awaitable[Any],
        path: Path | None,
        info: GraphQLResolveInfo[Any] | None,
    ) -> Any:
        completed = complete(self, await value, path, info)
        return (await completed) if is_awaitable(completed) else completed

    def complete_items(
        self,
        complete: Completer,
        items: Iterable[Any],
        path: Path | None,
        info: GraphQLResolveInfo[Any] | None,
    ) -> Any:
        completed: list[Any] = []
        pending: list[int] = []
        try:
            for index, item in enumerate(items):
                if is_awaitable(item):
                    raise Bail
                value = complete(self, item, path.add_key(index, None) if path is not None else None, info)
                if is_awaitable(value):
                    pending.append(index)
                completed.append(value)
        except BaseException:
            self._orphans.extend(completed[index] for index in pending)
            raise
        if not pending:
            return completed
        return _settled(completed, pending)


Settling = TypeVar("Settling", dict[str, Any], list[Any])


async def _settled(values: Settling, pending: Sequence[Any]) -> Settling:
    """`values` with the awaitables at `pending` (keys of an object, indexes of a list) replaced by what they
    give. Every one settles before an error goes up: a fallback must not run beside them."""
    if len(pending) == 1:
        values[pending[0]] = await values[pending[0]]
        return values
    settled = await asyncio.gather(*(values[at] for at in pending), return_exceptions=True)
    for at, value in zip(pending, settled, strict=True):
        if isinstance(value, BaseException):
            raise value
        values[at] = value
    return values


def _deciding_variables(run: CompiledExecution) -> tuple[str, ...]:
    """The variables the operation's @skip/@include read (they decide which fields a plan holds)."""
    names: set[str] = set()
    nodes: list[Any] = [run.operation, *(f.definition for f in run.fragments.values())]
    while nodes:
        node = nodes.pop()
        for directive in getattr(node, "directives", None) or ():
            if directive.name.value in {"skip", "include"}:
                names.update(a.value.name.value for a in directive.arguments if a.value.kind == "variable")
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            nodes.extend(selection_set.selections)
    return tuple(sorted(names))
