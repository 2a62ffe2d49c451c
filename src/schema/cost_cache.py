"""operation_cost kept per document: clients send the same few documents, and walking one costs again for
every request what it cost the first time (a sizeable part of a small request such as `reportJob(id)`).

A document's cost depends only on the document, the operation named and the values of the variables the
walk reads (a paged field's `first`); the walk reads the same variables whenever those values are the same.
So each walk records what it read (present or not, and the value), and its cost is kept under exactly
those values: a request whose variables agree on them gets the same cost without the walk."""

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, GraphQLSchema

from src.schema.cost import QueryCostLimiter, operation_cost, query_too_complex

KEPT_DOCUMENTS = 512  # like the parse and validation caches (extensions.py)
KEPT_VARIANTS = 32  # costs kept per document, one per set of values its walk read (e.g. page sizes)

_ABSENT = object()
Reads = tuple[tuple[str, Any], ...]  # (variable, (its type, its value) or _ABSENT), in the order read


class _Recording(Mapping[str, Any]):
    """The operation's variables, noting which the walk looks at."""

    def __init__(self, variables: Mapping[str, Any]) -> None:
        self._variables = variables
        self.reads: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        value = self._variables[name]
        self.reads[name] = (type(value), value)
        return value

    def __contains__(self, name: object) -> bool:
        present = name in self._variables
        if isinstance(name, str):
            self.reads[name] = (type(self._variables[name]), self._variables[name]) if present else _ABSENT
        return present

    def __iter__(self) -> Iterator[str]:
        return iter(self._variables)

    def __len__(self) -> int:
        return len(self._variables)

    def __bool__(self) -> bool:
        return True  # operation_cost takes `variables or {}`: without this, none would be recorded


@dataclass
class _Document:
    document: DocumentNode  # held, so the id it is kept under is not reused while it is kept
    schema: GraphQLSchema
    variants: OrderedDict[Reads, int] = field(default_factory=OrderedDict)


@dataclass
class CostCache:
    """operation_cost, answered from memory for a document and variables seen before."""

    walks: int = 0  # how many times the cost was computed (tests count them)
    _documents: OrderedDict[tuple[int, str | None], _Document] = field(default_factory=OrderedDict)

    def cost(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any],
        operation_name: str | None,
    ) -> int:
        key = (id(document), operation_name)
        kept = self._documents.get(key)
        if kept is None or kept.document is not document or kept.schema is not schema:
            kept = self._documents[key] = _Document(document, schema)
            if len(self._documents) > KEPT_DOCUMENTS:
                self._documents.popitem(last=False)
        self._documents.move_to_end(key)
        for reads, cost in kept.variants.items():
            if _agree(reads, variables):
                return cost
        recording = _Recording(variables)
        cost = operation_cost(schema, document, recording, operation_name)
        self.walks += 1
        reads = tuple(recording.reads.items())
        if _hashable(reads):
            kept.variants[reads] = cost
            if len(kept.variants) > KEPT_VARIANTS:
                kept.variants.popitem(last=False)
        return cost


def _agree(reads: Reads, variables: Mapping[str, Any]) -> bool:
    for name, seen in reads:
        if name not in variables:
            if seen is not _ABSENT:
                return False
            continue
        value = variables[name]
        if seen is _ABSENT or seen[0] is not type(value) or seen[1] != value:
            return False
    return True


def _hashable(reads: Reads) -> bool:
    try:
        hash(reads)
    except TypeError:
        return False
    return True


class CachedCostLimiter(QueryCostLimiter):
    """QueryCostLimiter taking the cost from `costs`, which the app keeps across operations."""

    def __init__(self, *, max_cost: int, costs: CostCache) -> None:
        super().__init__(max_cost=max_cost)
        self.costs = costs

    def on_validate(self) -> Iterator[None]:
        # As QueryCostLimiter's: after ValidationCache, only for a valid document.
        context = self.execution_context
        if not context.pre_execution_errors and context.graphql_document is not None:
            schema = context.schema._schema
            variables = context.variables or {}
            cost = self.costs.cost(schema, context.graphql_document, variables, context.operation_name)
            if cost > self.max_cost:
                context.pre_execution_errors = [query_too_complex(cost, self.max_cost)]
        yield
