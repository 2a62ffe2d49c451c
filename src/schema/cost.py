"""The query cost limit: the most an operation may ask of the server, computed from the document before
anything runs (like GitHub's node limit), and refused above GRAPHQL_MAX_COST.

The rule, for the operation that will run:

- every field costs 1 (`__typename` too);
- a list field multiplies the cost of its subtree by the most items it can return:
  - a field with a `first` argument (a connection, or a paged list): `first` as the document, the
    operation's variables, the variable's default or the argument's default gives it, at most the field's
    declared maximum or else MAX_PAGE_SIZE (larger pages are refused when the field runs);
  - `edges` and `nodes` of a connection (a type with `pageInfo`): 1, their size is the page counted above;
  - any other list: its declared maximum, `max_items(N)` in the field's metadata (its resolver returns at
    most N; the loaders in src/schema/loaders.py enforce it in SQL), or LIST_SIZES below for lists whose
    size is fixed elsewhere (reference data, an enum, the input);
- introspection (`__schema`, `__type`) is answered from the schema in memory and costed exactly, item by
  item, from the schema it describes;
- a selection on a union or interface costs as much as its most expensive possible type (the fields and
  fragments that apply to that type); named fragments are followed; `@skip` and `@include` are not
  evaluated (a field they leave out still counts).

`unbounded_list_fields(schema)` names every list field with no size, and tests/schema/test_cost.py keeps it
empty: a list field cannot be added without declaring how long it can be.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeMetaFieldDef,
    Undefined,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_list_type,
    is_object_type,
    is_wrapping_type,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema_converter import GraphQLCoreConverter

from src.models.enums import BudgetItem
from src.schema.loaders import DESCENDANTS_PER_REGION, INDICATORS_PER_GOAL
from src.schema.pagination import MAX_PAGE_SIZE

QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
MAX_ITEMS = "max_items"
PAGE_ARGUMENT = "first"
CONNECTION_PAGE_FIELDS = frozenset({"edges", "nodes"})

# Lists declared here rather than on their field: their size is fixed by reference data, an enum or the
# input, not by a loader's limit. Prefer max_items(N) on the field, next to the resolver that keeps to it.
LIST_SIZES: dict[str, int] = {
    "Query.fundTypes": 20,  # the seven funds of the regulation
    "Query.poolingArrangements": 500,  # fund × year
    "Query.indicatorTemplates": 1000,  # the indicator library (src/data/indicator_library.csv)
    "Query.apiTokens": 1000,  # administrators only
    "FundBudget.lines": len(BudgetItem),  # one line per item (unique per budget)
    "PoolingArrangement.poolingRegions": DESCENDANTS_PER_REGION,  # the province's regions of one level
    "ValidationError.fields": 200,  # one per problem of the input
    "IndicatorsAddSuccess.indicators": INDICATORS_PER_GOAL,  # the indicators one mutation added
}

# A list without a declared size (tests forbid it) counts as this many items.
UNDECLARED_LIST_SIZE = 1000


def max_items(n: int) -> dict[str, int]:
    """Metadata of a list field whose resolver returns at most `n` items: `strawberry.field(...,
    metadata=max_items(N))`. The query cost limit counts the field's subtree `n` times."""
    return {MAX_ITEMS: n}


def _declared_size(parent: GraphQLNamedType, name: str, definition: GraphQLField) -> int | None:
    strawberry_field = (definition.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    size = (getattr(strawberry_field, "metadata", None) or {}).get(MAX_ITEMS)
    if isinstance(size, int):
        return size
    return LIST_SIZES.get(f"{parent.name}.{name}")


def _is_connection(parent: GraphQLNamedType) -> bool:
    return isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) and "pageInfo" in parent.fields


def _returns_list(definition: GraphQLField) -> bool:
    return is_list_type(get_nullable_type(definition.type))


def list_size(parent: GraphQLNamedType, name: str, definition: GraphQLField) -> int | None:
    """The most items the list field `parent.name` returns, if declared."""
    if _is_connection(parent) and name in CONNECTION_PAGE_FIELDS:
        return 1  # the page: counted on the connection field by its `first`
    return _declared_size(parent, name, definition)


def unbounded_list_fields(schema: GraphQLSchema) -> list[str]:
    """`Type.field` of every list field with neither a `first` argument nor a declared maximum size
    (introspection types aside: their lists are costed item by item from the schema)."""
    return [
        f"{parent.name}.{name}"
        for parent in schema.type_map.values()
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) and not parent.name.startswith("__")
        for name, definition in parent.fields.items()
        if _returns_list(definition)
        and PAGE_ARGUMENT not in definition.args
        and list_size(parent, name, definition) is None
    ]


def _introspected(
    schema: GraphQLSchema, type_name: str, field_name: str, element: Any
) -> tuple[str, list[Any]]:
    """What the introspection field `type_name.field_name` of the schema `element` returns: the introspection
    type of its objects and the schema elements they describe (none for a scalar field)."""
    named: Any = element
    match type_name, field_name:
        case "__Schema", "types":
            return "__Type", list(schema.type_map.values())
        case "__Schema", "queryType" | "mutationType" | "subscriptionType":
            root = getattr(schema, f"{field_name.removesuffix('Type')}_type")
            return "__Type", [root] if root is not None else []
        case "__Schema", "directives":
            return "__Directive", list(schema.directives)
        case "__Type", "fields" if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            return "__Field", list(named.fields.values())
        case "__Type", "interfaces" if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            return "__Type", list(named.interfaces)
        case "__Type", "possibleTypes" if is_abstract_type(named):
            return "__Type", list(schema.get_possible_types(named))
        case "__Type", "enumValues" if isinstance(named, GraphQLEnumType):
            return "__EnumValue", list(named.values.values())
        case "__Type", "inputFields" if isinstance(named, GraphQLInputObjectType):
            return "__InputValue", list(named.fields.values())
        case "__Type", "ofType" if is_wrapping_type(named):
            return "__Type", [named.of_type]
        case "__Field" | "__Directive", "args":
            return "__InputValue", list(named.args.values())
        case "__Field" | "__InputValue", "type":
            return "__Type", [named.type]
    return "", []


@dataclass
class _Costing:
    """Costs one operation. A selection set is costed once per object type it applies to (and, for the
    introspection types, per schema element described), so fragments used many times cost no more time."""

    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    variable_defaults: Mapping[str, Any]
    _memo: dict[tuple[int, str, int], int] = field(default_factory=dict)
    _open_fragments: set[str] = field(default_factory=set)

    def selection_set(self, node: SelectionSetNode | None, parent: GraphQLNamedType) -> int:
        if node is None:
            return 0
        if is_abstract_type(parent):
            possible = self.schema.get_possible_types(parent)
            return max((self._on(node, t.name) for t in possible), default=0)
        if is_object_type(parent):
            return self._on(node, parent.name)
        return 0  # a selection on a scalar: validation refuses it

    def _on(self, node: SelectionSetNode, type_name: str, element: Any = None) -> int:
        """The cost of `node` on an object of the object type `type_name` (an introspection type describing
        the schema element `element`, or one of ours)."""
        key = (id(node), type_name, id(element))
        if key not in self._memo:
            self._memo[key] = sum(self._selection(s, type_name, element) for s in node.selections)
        return self._memo[key]

    def _selection(self, selection: Any, type_name: str, element: Any) -> int:
        if isinstance(selection, FieldNode):
            if type_name.startswith("__"):
                return self._introspection_field(selection, type_name, element)
            return self._field(selection, type_name)
        if isinstance(selection, InlineFragmentNode):
            if not self._applies(selection.type_condition, type_name):
                return 0
            return self._on(selection.selection_set, type_name, element)
        if isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = self.fragments.get(name)
            if fragment is None or name in self._open_fragments:  # unknown or cyclic: validation refuses
                return 0
            if not self._applies(fragment.type_condition, type_name):
                return 0
            self._open_fragments.add(name)
            try:
                return self._on(fragment.selection_set, type_name, element)
            finally:
                self._open_fragments.discard(name)
        return 0

    def _applies(self, condition: NamedTypeNode | None, type_name: str) -> bool:
        if condition is None or condition.name.value == type_name:
            return True
        target = self.schema.get_type(condition.name.value)
        concrete = self.schema.get_type(type_name)
        return (
            is_abstract_type(target)
            and is_object_type(concrete)
            and self.schema.is_sub_type(target, concrete)
        )

    def _field(self, node: FieldNode, type_name: str) -> int:
        name = node.name.value
        parent = self.schema.get_type(type_name)
        if parent is self.schema.query_type and name == "__schema":
            return 1 + self._on_element(node, "__Schema", self.schema)
        if parent is self.schema.query_type and name == "__type":
            described = self._argument(node, "name", TypeMetaFieldDef)
            named = self.schema.get_type(described) if isinstance(described, str) else None
            return 1 + (self._on_element(node, "__Type", named) if named is not None else 0)
        definition = parent.fields.get(name) if isinstance(parent, GraphQLObjectType) else None
        if parent is None or definition is None:
            return 1  # __typename, or a field validation refuses
        subtree = self.selection_set(node.selection_set, get_named_type(definition.type))
        return 1 + self._multiplier(node, parent, name, definition) * subtree

    def _on_element(self, node: FieldNode, type_name: str, element: Any) -> int:
        return self._on(node.selection_set, type_name, element) if node.selection_set is not None else 0

    def _introspection_field(self, node: FieldNode, type_name: str, element: Any) -> int:
        """Introspection is answered from the schema in memory: costed item by item, as it will run."""
        if node.selection_set is None:
            return 1
        child_type, children = _introspected(self.schema, type_name, node.name.value, element)
        return 1 + sum(self._on(node.selection_set, child_type, child) for child in children)

    def _multiplier(
        self, node: FieldNode, parent: GraphQLNamedType, name: str, definition: GraphQLField
    ) -> int:
        declared = list_size(parent, name, definition)
        if PAGE_ARGUMENT in definition.args:
            cap = declared if declared is not None else MAX_PAGE_SIZE
            first = self._argument(node, PAGE_ARGUMENT, definition)
            if isinstance(first, float) and first.is_integer():
                first = int(first)
            if not isinstance(first, int) or isinstance(first, bool):
                return cap  # not a whole number: the field refuses it; count the most
            return max(0, min(first, cap))
        if not _returns_list(definition):
            return 1
        return declared if declared is not None else UNDECLARED_LIST_SIZE

    def _argument(self, node: FieldNode, name: str, definition: GraphQLField) -> Any:
        """The argument's value as the field will get it: from the document, the operation's variables,
        the variable's default, or the argument's default."""
        argument_definition = definition.args.get(name)
        value: Any = argument_definition.default_value if argument_definition is not None else Undefined
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            if isinstance(argument.value, VariableNode):
                variable = argument.value.name.value
                if variable in self.variables:
                    value = self.variables[variable]
                elif variable in self.variable_defaults:
                    value = self.variable_defaults[variable]
            else:
                value = value_from_ast_untyped(argument.value)
        return value


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> int:
    """The cost of the operation `operation_name` of `document` (of every operation in it, the most, when
    it does not say which) with `variables`."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
    cost = 0
    for operation in operations:
        root = schema.get_root_type(operation.operation)
        if root is None:
            continue
        defaults = {
            d.variable.name.value: value_from_ast_untyped(d.default_value)
            for d in operation.variable_definitions or ()
            if d.default_value is not None
        }
        costing = _Costing(schema, fragments, variables or {}, defaults)
        cost = max(cost, costing.selection_set(operation.selection_set, root))
    return cost


def query_too_complex(cost: int, limit: int) -> GraphQLError:
    return GraphQLError(
        f"Query cost {cost} exceeds the limit of {limit}: ask for fewer fields, smaller pages (`first`) or "
        "less nesting.",
        extensions={"code": QUERY_TOO_COMPLEX, "cost": cost, "maxCost": limit},
    )


class QueryCostLimiter(SchemaExtension):
    """Refuses, while the document is validated (before anything runs), an operation costing more than
    `max_cost` (see the module's docstring), with a top-level error QUERY_TOO_COMPLEX naming both."""

    def __init__(self, *, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_validate(self) -> Iterator[None]:
        # ValidationCache (listed before this) has validated the document by now; the cost depends on the
        # variables too, so it is reckoned for each operation, and only for a valid document.
        context = self.execution_context
        if not context.pre_execution_errors and context.graphql_document is not None:
            schema = context.schema._schema
            variables = context.variables or {}
            cost = operation_cost(schema, context.graphql_document, variables, context.operation_name)
            if cost > self.max_cost:
                context.pre_execution_errors = [query_too_complex(cost, self.max_cost)]
        yield
