"""How many items each list field can return, for the query cost limit (cost.py). Every list field says:

- a paged field (one with a `first` argument) returns `first` items, at most its declared maximum or else
  MAX_PAGE_SIZE (it refuses larger pages when it runs). A paged field returning a list holds that many
  items (`Webhook.deliveries`); one returning a page object (a connection, EventPage) holds them in the
  page's item lists: the page type's list fields without a size of their own (`edges` and `nodes`,
  `events`), each as long as the page. What else the page holds (`pageInfo`, `totalCount`, `hasMore`) is
  there once;
- any other list: its declared maximum, `max_items(N)` in the field's metadata, declared by the field's own
  domain beside its type: a resolver that returns at most N (a loader in src/schema/<domain>/loaders.py
  enforces it in SQL), or a list whose size is fixed elsewhere (reference data, an enum, the input).

`unbounded_list_fields(schema)` names every list field none of this sizes, and tests/schema/test_cost.py
keeps it empty: a list field cannot be added without declaring how long it can be.
"""

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter

from src.schema.pagination import MAX_PAGE_SIZE

MAX_ITEMS = "max_items"
PAGE_ARGUMENT = "first"

# A list without a declared size (tests forbid it), or a page's item list reached without a page (no field
# does that), counts as this many items: more than any page holds.
UNDECLARED_LIST_SIZE = 1000


def max_items(n: int) -> dict[str, int]:
    """Metadata of a list field whose resolver returns at most `n` items, or of a paged field whose pages
    hold at most `n`: `strawberry.field(..., metadata=max_items(N))`. The query cost limit counts what is
    selected of each item `n` times at most."""
    return {MAX_ITEMS: n}


def declared_size(definition: GraphQLField) -> int | None:
    """The most items the field returns (a paged field: in one page), if declared."""
    strawberry_field = (definition.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    size = (getattr(strawberry_field, "metadata", None) or {}).get(MAX_ITEMS)
    return size if isinstance(size, int) else None


def page_cap(definition: GraphQLField) -> int:
    """The largest page the paged field returns."""
    declared = declared_size(definition)
    return declared if declared is not None else MAX_PAGE_SIZE


def returns_list(definition: GraphQLField) -> bool:
    return is_list_type(get_nullable_type(definition.type))


def is_paged(definition: GraphQLField) -> bool:
    return PAGE_ARGUMENT in definition.args


def page_types(schema: GraphQLSchema) -> set[str]:
    """The types paged fields return a page object of (connections, EventPage)."""
    return {
        get_named_type(definition.type).name
        for parent in schema.type_map.values()
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
        for definition in parent.fields.values()
        if is_paged(definition) and not returns_list(definition)
    }


def unbounded_list_fields(schema: GraphQLSchema) -> list[str]:
    """`Type.field` of every list field that is neither paged, nor a page's item list, nor of a declared
    maximum size (introspection types aside: their lists are costed item by item from the schema)."""
    pages = page_types(schema)
    return [
        f"{parent.name}.{name}"
        for parent in schema.type_map.values()
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
        and not parent.name.startswith("__")
        and parent.name not in pages
        for name, definition in parent.fields.items()
        if returns_list(definition) and not is_paged(definition) and declared_size(definition) is None
    ]
