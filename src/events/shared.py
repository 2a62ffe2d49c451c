"""Shared delivery: subscribers asking the same thing get one execution and one serialization per event.

strawberry's own path runs a full GraphQL execution and a JSON encoding per connection per event (about
200 µs a delivery measured; 500 connections saturate near 10 events/s). Most subscribers send the same
`statusChanged` document with the same variables; what it selects of a StatusEvent (its scalars, and the
region's and fund's reference data) is the same whoever reads it. So, for such a document, the event is
checked against each subscriber's filter and visibility first (hub.py), then executed once per (document,
variables) and serialized once; each connection sends that text with its own operation id.

A document qualifies (plan()) when it parses and validates, has one subscription operation with one root
field `statusChanged`, no fragments or directives, and selects only scalars and the scalar fields of
`region` and `fundType`. Anything else takes strawberry's path (the same resolver, per connection).
"""

import inspect
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    execute,
    get_named_type,
    is_leaf_type,
    parse,
    validate,
)
from graphql.error import GraphQLError
from graphql.execution.values import get_argument_values, get_variable_values

logger = logging.getLogger(__name__)
FIELD = "statusChanged"
NESTED = frozenset({"region", "fundType"})  # reference data: the same for every reader
_CACHE_SIZE = 256


class RawPayload(str):
    """A `next` message's payload already serialized (GraphQLApp.encode_json splices it in as is)."""

    __slots__ = ()


def next_message_head(operation_id: str) -> str:
    """A graphql-transport-ws `next` message up to its payload; the serialized payload and "}" follow."""
    return f'{{"id":{json.dumps(operation_id)},"type":"next","payload":'


@dataclass(frozen=True)
class Plan:
    document: DocumentNode
    operation_name: str | None
    variables: dict[str, Any]  # as sent (execute coerces them)
    field: GraphQLField  # statusChanged's definition: what its arguments are checked against
    arguments: dict[str, Any]  # of statusChanged, coerced (GraphQL names)
    key: str  # the document and the variables: subscribers with the same key share an execution


class Planner:
    """Parses and validates each distinct document once (bounded cache), and decides whether it qualifies."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self._documents: OrderedDict[str, DocumentNode | None] = OrderedDict()

    def _document(self, query: str) -> DocumentNode | None:
        if query in self._documents:
            self._documents.move_to_end(query)
            return self._documents[query]
        try:
            document: DocumentNode | None = parse(query, max_tokens=2000)
        except GraphQLError:
            document = None
        if document is not None and (validate(self.schema, document) or not self._qualifies(document)):
            document = None
        self._documents[query] = document
        if len(self._documents) > _CACHE_SIZE:
            self._documents.popitem(last=False)
        return document

    def _qualifies(self, document: DocumentNode) -> bool:
        if len(document.definitions) != 1 or not isinstance(document.definitions[0], OperationDefinitionNode):
            return False
        operation = document.definitions[0]
        if operation.operation != OperationType.SUBSCRIPTION or operation.directives:
            return False
        fields = operation.selection_set.selections
        if len(fields) != 1 or not isinstance(fields[0], FieldNode) or fields[0].name.value != FIELD:
            return False
        root = self.schema.subscription_type
        assert root is not None
        event_type = get_named_type(root.fields[FIELD].type)
        return isinstance(event_type, GraphQLObjectType) and _plain(fields[0], event_type, depth=0)

    def plan(self, query: str, variables: dict[str, Any] | None, operation_name: str | None) -> Plan | None:
        document = self._document(query)
        if document is None:
            return None
        operation = document.definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        if operation_name is not None and (operation.name is None or operation.name.value != operation_name):
            return None
        coerced = get_variable_values(self.schema, operation.variable_definitions or (), variables or {})
        if isinstance(coerced, list):  # variables that do not coerce: strawberry's path reports them
            return None
        node = operation.selection_set.selections[0]
        assert isinstance(node, FieldNode) and self.schema.subscription_type is not None
        field = self.schema.subscription_type.fields[FIELD]
        arguments = get_argument_values(field, node, coerced)
        key = json.dumps([query, operation_name, variables or {}], sort_keys=True, default=str)
        return Plan(document, operation_name, dict(variables or {}), field, arguments, key)


def _plain(node: FieldNode, parent: GraphQLObjectType, *, depth: int) -> bool:
    """The selection is scalars, and at the top also `region` / `fundType` with scalars only."""
    if node.directives or node.selection_set is None:
        return False
    for selection in node.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives:
            return False
        name = selection.name.value
        definition = parent.fields.get(name)
        if name == "__typename":
            continue
        if definition is None:
            return False
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            if selection.selection_set is not None:
                return False
            continue
        nested = depth == 0 and name in NESTED and isinstance(named, GraphQLObjectType)
        if not nested or not _plain(selection, named, depth=depth + 1):
            return False
    return True


INTERNAL = {"message": "服务器内部错误（已记录）", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}


async def render(schema: GraphQLSchema, plan: Plan, root: object, context: object) -> RawPayload:
    """One execution of the plan's document on `root` (a StatusEvent), serialized."""
    outcome = execute(
        schema,
        plan.document,
        root_value=root,
        context_value=context,
        variable_values=plan.variables,
        operation_name=plan.operation_name,
    )
    result: ExecutionResult = await outcome if inspect.isawaitable(outcome) else outcome
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        # Only reference data is read here: a failure is unexpected, and its details stay in the log.
        for error in result.errors:
            logger.error("shared subscription execution failed", exc_info=error.original_error or error)
        payload["errors"] = [INTERNAL]
    return RawPayload(json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str))
