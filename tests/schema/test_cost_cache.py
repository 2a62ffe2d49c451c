"""The cost of a document is computed once, and again only when a variable it reads changes."""

from functools import partial
from typing import Any

import pytest
from graphql import parse

from src.schema import build_schema
from src.schema.cost import operation_cost
from src.schema.cost_cache import CachedCostLimiter, CostCache
from src.settings import Settings

SCHEMA = build_schema(Settings())._schema
PAGED = parse("query($n: Int = 7, $other: String) { goals(first: $n) { nodes { id } } }")


def _cost(cache: CostCache, variables: dict[str, Any]) -> int:
    cost = cache.cost(SCHEMA, PAGED, variables, None)
    assert cost == operation_cost(SCHEMA, PAGED, variables)  # the same answer as the walk's
    return cost


def test_same_variables_walk_once() -> None:
    cache = CostCache()
    for _ in range(3):
        _cost(cache, {"n": 5})
    assert cache.walks == 1


def test_a_variable_the_walk_does_not_read_changes_nothing() -> None:
    cache = CostCache()
    _cost(cache, {"n": 5, "other": "a"})
    _cost(cache, {"n": 5, "other": "b"})
    assert cache.walks == 1


def test_each_page_size_its_own_cost() -> None:
    cache = CostCache()
    costs = [_cost(cache, {"n": n}) for n in (5, 50, 5, 50)]
    assert costs[0] != costs[1]
    assert cache.walks == 2


@pytest.mark.parametrize("variables", [{}, {"n": 3}, {"n": 3.0}, {"n": None}])
def test_absent_and_present_variables_are_told_apart(variables: dict[str, Any]) -> None:
    cache = CostCache()
    _cost(cache, {})  # the default, 7
    _cost(cache, variables)
    assert cache.walks == (1 if variables == {} else 2)


async def test_the_schema_keeps_one_cache_across_operations() -> None:
    schema = build_schema(Settings())
    [costs] = [
        e.keywords["costs"]
        for e in schema.extensions
        if isinstance(e, partial) and e.func is CachedCostLimiter
    ]
    for _ in range(3):
        assert (await schema.execute("{ __typename }")).errors is None
    assert costs.walks == 1
