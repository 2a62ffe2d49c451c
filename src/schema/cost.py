"""The query cost limit: the most an operation may ask of the server, computed from the document before
anything runs (like GitHub's node limit), and refused above GRAPHQL_MAX_COST.

The rule, for the operation that will run:

- every field costs 1 (`__typename` too);
- a list field multiplies the cost of what is selected of its items by the most items it can return
  (list_sizes.py): a paged list its `first`, as the document, the operation's variables, the variable's
  default or the argument's default gives it, at most the field's maximum page; any other list its
  declared maximum;
- a paged field returning a page object (a connection, EventPage) costs what is selected of the page: its
  item lists (`edges`, `nodes`, `events`) multiply what is selected of each item by that `first`, once,
  and the rest of the page (`pageInfo`, `totalCount`, `hasMore`) counts once;
- introspection (`__schema`, `__type`) is answered from the schema in memory and costed exactly, item by
  item, from the schema it describes;
- a selection on a union or interface costs as much as its most expensive possible type (the fields and
  fragments that apply to that type); named fragments are followed; `@skip` and `@include` are not
  evaluated (a field they leave out still counts).
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
    is_abstract_type,
    is_object_type,
    is_wrapping_type,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from src.schema.list_sizes import (
    PAGE_ARGUMENT,
    UNDECLARED_LIST_SIZE,
    declared_size,
    is_paged,
    page_cap,
    returns_list,
)

QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"


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
    introspection types, per schema element described; for a page object, per page size), so fragments
    used many times cost no more time."""

    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    variable_defaults: Mapping[str, Any]
    _memo: dict[tuple[int, str, int, int | None], int] = field(default_factory=dict)
    _open_fragments: set[str] = field(default_factory=set)

    def selection_set(
        self, node: SelectionSetNode | None, parent: GraphQLNamedType, page: int | None = None
    ) -> int:
        """The cost of `node` on `parent`; `page`: on a page object of that many items."""
        if node is None:
            return 0
        if is_abstract_type(parent):
            possible = self.schema.get_possible_types(parent)
            return max((self._on(node, t.name, None, page) for t in possible), default=0)
        if is_object_type(parent):
            return self._on(node, parent.name, None, page)
        return 0  # a selection on a scalar: validation refuses it

    def _on(self, node: SelectionSetNode, type_name: str, element: Any, page: int | None) -> int:
        """The cost of `node` on an object of the object type `type_name` (an introspection type describing
        the schema element `element`, or one of ours; a page object of `page` items)."""
        key = (id(node), type_name, id(element), page)
        if key not in self._memo:
            self._memo[key] = sum(self._selection(s, type_name, element, page) for s in node.selections)
        return self._memo[key]

    def _selection(self, selection: Any, type_name: str, element: Any, page: int | None) -> int:
        if isinstance(selection, FieldNode):
            if type_name.startswith("__"):
                return self._introspection_field(selection, type_name, element)
            return self._field(selection, type_name, page)
        if isinstance(selection, InlineFragmentNode):
            if not self._applies(selection.type_condition, type_name):
                return 0
            return self._on(selection.selection_set, type_name, element, page)
        if isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = self.fragments.get(name)
            if fragment is None or name in self._open_fragments:  # unknown or cyclic: validation refuses
                return 0
            if not self._applies(fragment.type_condition, type_name):
                return 0
            self._open_fragments.add(name)
            try:
                return self._on(fragment.selection_set, type_name, element, page)
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

    def _field(self, node: FieldNode, type_name: str, page: int | None) -> int:
        """The cost of one field of `type_name`; `page`: the size of the page object it is a field of."""
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
        item_type = get_named_type(definition.type)
        if is_paged(definition):
            size = self._page_size(node, definition)
            if returns_list(definition):
                return 1 + size * self.selection_set(node.selection_set, item_type)
            # A page object: `size` counts once, on its item lists, not on the whole page too.
            return 1 + self.selection_set(node.selection_set, item_type, size)
        subtree = self.selection_set(node.selection_set, item_type)
        return 1 + self._list_size(definition, page) * subtree

    def _on_element(self, node: FieldNode, type_name: str, element: Any) -> int:
        if node.selection_set is None:
            return 0
        return self._on(node.selection_set, type_name, element, None)

    def _introspection_field(self, node: FieldNode, type_name: str, element: Any) -> int:
        """Introspection is answered from the schema in memory: costed item by item, as it will run."""
        if node.selection_set is None:
            return 1
        child_type, children = _introspected(self.schema, type_name, node.name.value, element)
        return 1 + sum(self._on(node.selection_set, child_type, child, None) for child in children)

    @staticmethod
    def _list_size(definition: GraphQLField, page: int | None) -> int:
        """How many times a field that is not paged counts what is selected of it: 1 unless it is a list.
        On a page object, a list without a size of its own is an item list, as long as the page."""
        if not returns_list(definition):
            return 1
        declared = declared_size(definition)
        if declared is not None:
            return declared
        return page if page is not None else UNDECLARED_LIST_SIZE

    def _page_size(self, node: FieldNode, definition: GraphQLField) -> int:
        cap = page_cap(definition)
        first = self._argument(node, PAGE_ARGUMENT, definition)
        if isinstance(first, float) and first.is_integer():
            first = int(first)
        if not isinstance(first, int) or isinstance(first, bool):
            return cap  # not a whole number: the field refuses it; count the most
        return max(0, min(first, cap))

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
