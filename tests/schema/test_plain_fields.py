"""Plain fields (src/schema/plain_fields.py): the shortcuts give the values and answers of the long way, and a
goals page reads its goals, regions and funds in one statement."""

import asyncio
import re
import types
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any
from uuid import uuid4

from graphql import GraphQLObjectType
from graphql.pyutils import is_awaitable as graphql_is_awaitable
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.schema.schema_converter import CustomGraphQLEnumType, GraphQLCoreConverter

from src.models.enums import GoalStatus, RegionLevel
from src.schema import build_schema
from src.schema.plain_fields import is_awaitable, is_plain
from src.settings import Settings
from tests.factories import make_goal
from tests.schema.conftest import GraphQLClient
from tests.support.sql import StatementCounter


def test_plain_fields_read_their_attribute_and_others_keep_their_resolver() -> None:
    schema = build_schema(Settings())._schema
    goal = schema.type_map["Goal"]
    assert isinstance(goal, GraphQLObjectType)
    assert is_plain(goal.fields["title"].resolve)
    assert is_plain(goal.fields["startYear"].resolve)
    for name in ("statusLabel", "indicators", "region", "annualGoals"):
        assert not is_plain(goal.fields[name].resolve), name
    for named in schema.type_map.values():
        if isinstance(named, GraphQLObjectType):
            for name, field in named.fields.items():
                definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
                if field.resolve is not None and is_plain(field.resolve):
                    assert definition is not None and definition.is_basic_field, (named.name, name)


def test_enums_are_named_as_strawberry_names_them() -> None:
    schema = build_schema(Settings())._schema
    enums = [t for t in schema.type_map.values() if isinstance(t, CustomGraphQLEnumType)]
    assert enums
    for enum_type in enums:
        scan = CustomGraphQLEnumType.coerce_output_value
        members: list[Any] = list(enum_type.wrapped_cls)
        for member in members:
            assert enum_type.coerce_output_value(member) == scan(enum_type, member)
    level = schema.type_map["RegionLevel"]
    assert isinstance(level, CustomGraphQLEnumType)
    assert level.coerce_output_value(RegionLevel.PREFECTURE) == "PREFECTURE"
    assert level.coerce_output_value("prefecture") == "PREFECTURE"  # a raw value, as graphql-core takes it


def _generator() -> Iterator[int]:
    yield 1


@types.coroutine
def _iterable_coroutine() -> Iterator[None]:
    yield None


async def _coroutine() -> None:
    return None


async def _async_generator() -> AsyncIterator[int]:
    yield 1


async def test_the_awaitable_test_by_type_answers_as_graphql_cores() -> None:
    coroutine = _coroutine()
    future = asyncio.get_running_loop().create_future()
    values: list[Any] = [
        None,
        1,
        "x",
        Decimal("1.5"),
        GoalStatus.ISSUED,
        uuid4(),
        [1],
        object(),
        coroutine,
        future,
        _generator(),
        _iterable_coroutine(),
        _async_generator(),
        asyncio.sleep(0),
    ]
    for _ in range(2):  # asked afresh, then from what it remembered of the type
        assert [is_awaitable(v) for v in values] == [graphql_is_awaitable(v) for v in values]
    future.cancel()
    for value in values:
        if hasattr(value, "close"):
            value.close()


GOALS_PAGE = """{ goals(first: 100) { nodes { id status region { code level } fundType { code name }
  indicators { id level1 kind targetValue lineageId } } } }"""


async def test_a_goals_page_reads_goals_regions_and_funds_in_one_statement(
    gql: GraphQLClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    count_statements: StatementCounter,
) -> None:
    async with sessionmaker() as s:
        for code in ("510000", "510100", "510300"):
            await make_goal(s, region_code=code, indicators=3, status=GoalStatus.ISSUED)
        await s.commit()
    await gql.login_as()
    count_statements.reset()
    nodes = (await gql.data(GOALS_PAGE))["goals"]["nodes"]
    assert sorted(n["region"]["code"] for n in nodes) == ["510000", "510100", "510300"]
    assert all(len(n["indicators"]) == 3 and n["fundType"]["name"] for n in nodes)
    indicator = nodes[0]["indicators"][0]
    assert isinstance(indicator["id"], str) and re.fullmatch(r"[0-9a-f-]{36}", indicator["lineageId"])
    reads = [
        m[1] for s in count_statements.statements if (m := re.match(r"SELECT\s.*?\sFROM\s+(\w+)", s, re.S))
    ]
    # The goals page (joined with region and fund type) and the indicators; no region or fund read apart.
    assert reads.count("goal") == 1 and "region" not in reads and "fund_type" not in reads, reads
