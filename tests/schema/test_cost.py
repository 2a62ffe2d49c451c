"""The query cost limit (computed before anything runs), bounded lists, the per-operation time limit, and a
server that keeps answering /healthz while a heavy query runs."""

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import strawberry
from graphql import GraphQLObjectType, GraphQLSchema, get_introspection_query, get_named_type, parse
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.app import create_app
from src.events.webhooks.registry import MAX_WEBHOOKS
from src.models import Goal, Indicator, User
from src.models.enums import Comparator, IndicatorCategory, IndicatorKind
from src.models.goal import GoalEventKind
from src.schema import build_schema
from src.schema import cost as cost_module
from src.schema.cost import operation_cost
from src.schema.goals import types as goal_types
from src.schema.goals.loaders import INDICATORS_PER_GOAL
from src.schema.list_sizes import (
    declared_size,
    is_paged,
    max_items,
    page_cap,
    returns_list,
    unbounded_list_fields,
)
from src.schema.organizations.loaders import USERS_PER_ORGANIZATION
from src.seed.demo import load_demo_data
from src.settings import Settings
from src.subjects.events import record_event
from tests.conftest import StatementCounter, make_settings
from tests.factories import make_goal
from tests.schema.conftest import GraphQLClient
from tests.support.server import serve_app

SCHEMA = build_schema(Settings())._schema
DEFAULT_MAX_COST = Settings().GRAPHQL_MAX_COST

# The query of the report: parentGoal ↔ childGoals, four round trips, within the depth limit.
FAN_OUT = """{ goal(id: "281") { ... on Goal { parentGoal { childGoals { parentGoal { childGoals {
  parentGoal { childGoals { parentGoal { childGoals { id } } } } } } } } } } }"""
# childGoals{id} = 1 + 300·1; each parentGoal adds 1, each childGoals 1 + 300·(what is below); goal 1.
FAN_OUT_COST = 8_154_180_603

# bench/read_api.py's page: 100 goals with all their indicators, region and fund type.
GOALS_PAGE = """query Goals($first: Int!) {
  goals(first: $first) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id title status horizon startYear endYear
      region { code name level }
      fundType { code name }
      indicators { id level1 level2 level3 kind comparator targetValue targetGrade unit weight }
    }
  }
}"""
GOALS_PAGE_COST = (
    201_405  # 1 + pageInfo 3 + nodes 1 + 100 · (6 + region 4 + fundType 3 + indicators 1 + 200 · 10)
)


def cost(query: str, variables: dict[str, Any] | None = None) -> int:
    return operation_cost(SCHEMA, parse(query), variables)


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


# --- The rule, on the schema itself --------------------------------------------------------------------


def test_every_list_field_declares_its_size() -> None:
    assert unbounded_list_fields(SCHEMA) == [], (
        "a list field without a `first` argument needs its maximum size: metadata=max_items(N) on the "
        "field, beside its type (and a resolver that keeps to it, or a size fixed by reference data)"
    )


def test_the_schema_walk_finds_an_undeclared_list() -> None:
    @strawberry.type
    class Item:
        name: str

    @strawberry.type
    class Query:
        @strawberry.field
        def unbounded(self) -> list[Item]:
            return []

        @strawberry.field(metadata=max_items(5))
        def bounded(self) -> list[Item]:
            return []

        @strawberry.field
        def paged(self, first: int = 10) -> list[Item]:
            return []

    assert unbounded_list_fields(strawberry.Schema(query=Query)._schema) == ["Query.unbounded"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("{ __typename }", 1),
        ("{ me { username fullName } }", 3),
        ("{ goals { totalCount } }", 1 + 1),  # a page's count is there once, whatever its size
        ("{ goals(first: 5) { nodes { id } } }", 1 + (1 + 5 * 1)),
        ("{ goals(first: 500) { nodes { id } } }", 1 + (1 + 100 * 1)),  # the field refuses more than 100
        ("{ goals { nodes { id } } }", 1 + (1 + 20 * 1)),  # `first` defaults to 20
        (
            "{ regions(first: 10) { edges { cursor node { code } } pageInfo { hasNextPage } } }",
            1 + (1 + 10 * (1 + 1 + 1)) + (1 + 1),
        ),
        # A union costs its most expensive member; an interface condition applies to its implementations.
        ('{ goal(id: "1") { ... on Goal { id title } ... on NotFoundError { message entity key } } }', 4),
        ('{ goal(id: "1") { ... on UserError { message code } } }', 3),
        ('{ goal(id: "1") { ...G } } fragment G on Goal { childGoals { id } }', 1 + 1 + 300),
        ('{ region(code: "510000") { ... on Region { children { descendants { code } } } } }', 50_102),
        ('{ region(code: "510000") { ... on Region { ancestors { code } } } }', 1 + 1 + 3),
        ("{ fundTypes { pooling(year: 2026) { poolingRegions { code } } } }", 1 + 20 * (1 + 1 + 500)),
    ],
)
def test_the_cost_rule(query: str, expected: int) -> None:
    assert cost(query) == expected


def test_the_fan_out_costs_billions() -> None:
    assert cost(FAN_OUT) == FAN_OUT_COST


def test_variables_give_first() -> None:
    query = "query($n: Int = 7) { goals(first: $n) { nodes { id } } }"
    assert cost(query) == 2 + 7  # the variable's default
    assert cost(query, {"n": 3}) == 2 + 3
    assert cost(query, {"n": "three"}) == 2 + 100  # refused when it runs; counted as the most
    assert cost("query($n: Int) { goals(first: $n) { nodes { id } } }") == 2 + 20  # the argument's


# The default `events` page (issue 16): counted by the root's `first` and again by the page's list, it cost
# 1 + 100 · (1 + 500 · 5) = 250,101, over the limit; its items count once by the page size.
EVENTS_PAGE = "{ events { events { id kind subjectType subjectId payload } } }"
EVENTS_PAGE_COST = 502  # events 1 + its list `events` (1 + 100 · 5)


def page_items(schema: GraphQLSchema) -> list[tuple[str, str, int]]:
    """(root field, item list, largest page) of every paged root field returning a page object."""
    root = schema.query_type
    assert root is not None
    found: list[tuple[str, str, int]] = []
    for name, definition in root.fields.items():
        page = get_named_type(definition.type)
        if not is_paged(definition) or returns_list(definition) or not isinstance(page, GraphQLObjectType):
            continue
        cap = page_cap(definition)
        found.extend(
            (name, item, cap)
            for item, field in page.fields.items()
            if returns_list(field) and declared_size(field) is None
        )
    return found


def test_a_page_costs_its_size_times_an_item_plus_the_rest_once() -> None:
    assert cost(EVENTS_PAGE) == 1 + (1 + 100 * 5) == EVENTS_PAGE_COST  # `first` defaults to 100
    page = "{ events(first: 37) { events { id kind subjectType subjectId payload } lastEventId hasMore } }"
    assert cost(page) == 1 + (1 + 37 * 5) + 2
    largest = "{ events(first: 500) { events { id region { code name } } } }"
    assert cost(largest) == 1 + (1 + 500 * (1 + 3))  # events may be paged by 500
    assert cost(largest.replace("500", "100000")) == cost(largest)  # more is refused when it runs
    connection = """{ goals(first: 7) { totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id title } } nodes { id } } }"""
    # edges and nodes each hold the page; totalCount and pageInfo are there once.
    assert cost(connection) == 1 + 1 + (1 + 2) + (1 + 7 * (1 + 1 + 2)) + (1 + 7 * 1)
    # A paged list is its own page: `first` items, nothing around them.
    assert cost("{ webhooks { deliveries(first: 5) { eventId attempt } } }") == 1 + MAX_WEBHOOKS * (1 + 5 * 2)
    # A fragment spread on pages of two sizes counts each page's own.
    two = """{ a: goals(first: 2) { ...P } b: goals(first: 3) { ...P } }
        fragment P on GoalConnection { nodes { id } }"""
    assert cost(two) == (1 + 1 + 2 * 1) + (1 + 1 + 3 * 1)


@pytest.mark.parametrize(("root", "items", "cap"), page_items(SCHEMA))
def test_every_page_counts_its_items_once(root: str, items: str, cap: int) -> None:
    for first in (1, 13, cap):
        assert cost(f"{{ {root}(first: {first}) {{ {items} {{ __typename }} }} }}") == 1 + (1 + first * 1)


def test_the_pages_of_the_schema_are_found() -> None:
    roots = {root for root, _, _ in page_items(SCHEMA)}
    assert {"regions", "goals", "budgets", "organizations", "auditEvents", "reportJobs", "events"} <= roots


def test_introspection_costs_what_it_returns() -> None:
    assert cost("{ __schema { types { name } } }") == 1 + 1 + len(SCHEMA.type_map)
    # GraphiQL's own query: the whole schema, some ten thousand fields (more as domains add types: 26,687
    # with the Art. 19–22 domains), well within a fifth of the default limit.
    assert cost(get_introspection_query()) < Settings().GRAPHQL_MAX_COST // 5


def test_fragments_used_many_times_are_costed_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    # F12 doubles F11 which doubles F10 ...: 2^12 fields, and a walk that visits each fragment once.
    fragments = ["fragment F0 on Query { __typename }"] + [
        f"fragment F{i} on Query {{ ...F{i - 1} a{i}: __typename ...F{i - 1} }}" for i in range(1, 13)
    ]
    document = "{ ...F12 }\n" + "\n".join(fragments)
    visits = 0
    costed = cost_module._Costing._selection

    def counted(
        self: cost_module._Costing, selection: Any, type_name: str, element: Any, page: int | None
    ) -> int:
        nonlocal visits
        visits += 1
        return costed(self, selection, type_name, element, page)

    monkeypatch.setattr(cost_module._Costing, "_selection", counted)
    # Spreading a fragment twice counts it twice: merged fields are never cheaper than counted.
    assert cost(document) == 2**13 - 1
    assert visits == 1 + 1 + 3 * 12  # each selection once, not once per path to it (2^13)


# --- Through the API ------------------------------------------------------------------------------------


@pytest.fixture
async def demo(sessionmaker: async_sessionmaker[AsyncSession], reference: None) -> None:
    async with sessionmaker() as session:
        await load_demo_data(session=session)
        await session.commit()


def indicator_rows(goal_id: int, count: int, *, start: int = 1000) -> list[dict[str, Any]]:
    return [
        {
            "goal_id": goal_id,
            "level1": IndicatorCategory.OUTPUT,
            "level2": "数量",
            "level3": f"补充指标{i}",
            "kind": IndicatorKind.QUANTITATIVE,
            "comparator": Comparator.GE,
            "target_value": Decimal("95.5"),
            "unit": "%",
            "weight": Decimal("0.40"),
            "definition": "",
            "sort_order": start + i,
        }
        for i in range(count)
    ]


@pytest.fixture
async def full_goals(sessionmaker: async_sessionmaker[AsyncSession], demo: None) -> list[int]:
    """The demo data set, with the first 100 goals (one page) holding the most indicators a goal shows:
    the heaviest page of goals the cost limit allows, really filled."""
    async with sessionmaker() as session:
        ids = [
            int(i or 0) for i in (await session.exec(select(Goal.id).order_by(col(Goal.id)).limit(100))).all()
        ]
        connection = await session.connection()
        rows = [row for goal_id in ids for row in indicator_rows(goal_id, INDICATORS_PER_GOAL)]
        await connection.execute(sa.insert(Indicator), rows)
        await session.commit()
    return ids


@contextlib.asynccontextmanager
async def client(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], **overrides: Any
) -> AsyncIterator[GraphQLClient]:
    """A client of an app with these settings, logged in as the provincial finance department."""
    settings = make_settings(**overrides)
    transport = httpx.ASGITransport(app=create_app(settings, engine=engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=60) as http:
        gql = GraphQLClient(http, sessionmaker, settings)
        await gql.login_as()
        yield gql


async def test_the_fan_out_is_refused_before_anything_runs(
    demo: None, gql: GraphQLClient, count_statements: StatementCounter
) -> None:
    count_statements.reset()
    body = await gql.query(FAN_OUT)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "cost": FAN_OUT_COST,
        "maxCost": DEFAULT_MAX_COST,
    }
    assert f"Query cost {FAN_OUT_COST} exceeds the limit of {DEFAULT_MAX_COST}" in error["message"]
    goal_reads = [s for s in count_statements.statements if re.search(r"\bFROM goal\b", s)]
    assert goal_reads == []  # only the caller's authentication reached the database


async def test_the_default_events_page_passes(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session:
        goal = await make_goal(session)
        await record_event(session=session, kind=GoalEventKind.GOAL_STATUS_CHANGED, subject=goal, actor=None)
        await session.commit()
    data = await gql.data(EVENTS_PAGE)
    assert [e["subjectId"] for e in data["events"]["events"]] == [str(goal.id)]
    # The largest page, every field of an event.
    everything = """{ events(first: 500) { lastEventId hasMore events {
        id kind kindLabel subjectType subjectId occurredAt payload region { code name } fundType { code name }
    } } }"""
    assert cost(everything) == 1 + 2 + (1 + 500 * (7 + 3 + 3))
    assert len((await gql.data(everything))["events"]["events"]) == 1


async def test_a_page_of_goals_with_their_indicators_passes(demo: None, gql: GraphQLClient) -> None:
    assert cost(GOALS_PAGE, {"first": 100}) == GOALS_PAGE_COST <= DEFAULT_MAX_COST
    data = await gql.data(GOALS_PAGE, {"first": 100})
    assert len(data["goals"]["nodes"]) == 100
    assert sum(len(g["indicators"]) for g in data["goals"]["nodes"]) > 1000


async def test_first_comes_from_the_variables(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    query = "query($first: Int!) { goals(first: $first) { nodes { id indicators { id level3 weight } } } }"
    per_goal = 1 + (1 + INDICATORS_PER_GOAL * 3)  # id, indicators
    async with client(engine, sessionmaker, GRAPHQL_MAX_COST=10_000) as gql:
        assert (await gql.data(query, {"first": 10}))["goals"]["nodes"] == []  # 2 + 10 · 602 = 6022
        refused = await gql.query(query, {"first": 20})
        assert codes(refused) == ["QUERY_TOO_COMPLEX"] and refused["data"] is None
        assert refused["errors"][0]["extensions"]["cost"] == 2 + 20 * per_goal
        by_default = await gql.query(query.replace("$first: Int!", "$first: Int! = 20"))
        assert by_default["errors"][0]["extensions"]["cost"] == 2 + 20 * per_goal


async def test_lists_return_at_most_their_declared_size(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    me = await gql.login_as()  # the provincial finance department sees its own users
    async with sessionmaker() as session:
        goal = await make_goal(session, indicators=0)
        connection = await session.connection()
        await connection.execute(sa.insert(Indicator), indicator_rows(goal.id or 0, 250, start=0))
        session.add_all(
            User(username=f"more-{i:03}", full_name="用户", organization_id=me.organization_id)
            for i in range(USERS_PER_ORGANIZATION)
        )
        await session.commit()
    data = await gql.data(
        "query($id: ID!) { goal(id: $id) { ... on Goal { weightTotal indicators { level3 weight } } } }",
        {"id": str(goal.id)},
    )
    indicators = data["goal"]["indicators"]
    assert len(indicators) == INDICATORS_PER_GOAL and indicators[0]["level3"] == "补充指标0"
    assert Decimal(data["goal"]["weightTotal"]) == Decimal("100.00")  # all 250 of them, not the 200 shown
    organizations = await gql.data(
        '{ organizations(regionCode: "510000", actorType: FINANCE) { nodes { users { username } } } }'
    )
    [organization] = organizations["organizations"]["nodes"]
    assert len(organization["users"]) == USERS_PER_ORGANIZATION  # of 102


# --- The time limit and a responsive server --------------------------------------------------------------


async def test_a_slow_operation_is_cancelled(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    full_goals: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built = 0
    build = goal_types.Indicator.from_row

    def counted(row: Any) -> goal_types.Indicator:
        nonlocal built
        built += 1
        return build(row)

    monkeypatch.setattr(goal_types.Indicator, "from_row", counted)
    async with client(engine, sessionmaker, OPERATION_TIMEOUT_SECONDS=0.05) as gql:
        body = await gql.query(GOALS_PAGE, {"first": 100})
        assert body["data"] is None and codes(body) == ["OPERATION_TIMEOUT"], body
        assert "0.05 s" in body["errors"][0]["message"]
        # Cancelled, not answered late: the page's indicators were not all built (it takes seconds).
        assert built < 100 * INDICATORS_PER_GOAL
    # The database connections the cancelled operation used are fine afterwards.
    async with client(engine, sessionmaker) as gql:
        small = await gql.data("{ goals(first: 2) { nodes { id indicators { id } } } }")
        assert [len(g["indicators"]) for g in small["goals"]["nodes"]] == [INDICATORS_PER_GOAL] * 2


HEALTH_CHECKS_DURING_HEAVY = 3  # a loop held while the page is built would answer at most one
# The goals page with its indicators selected six times over: the same rows (one statement), six times the
# answer to build. Reading the rows holds the loop for a while (a third of a second here), so the page must
# spend long enough building its answer after that for the order below to be seen, however fast the
# executor (src/schema/compiled/ builds a selection in about half graphql-core's time).
INDICATORS = "indicators { id level1 level2 level3 kind comparator targetValue targetGrade unit weight }"
ALIASES = ("indicators", "again", "thrice", "fourth", "fifth", "sixth")
HEAVY_PAGE = GOALS_PAGE.replace(INDICATORS, " ".join(f"{a}: {INDICATORS}" for a in ALIASES))


async def test_healthz_answers_while_a_heavy_query_runs(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    full_goals: list[int],
) -> None:
    # An order, not a duration: health checks asked one after another, once the page is being built, all
    # come back before it is done. Were the loop held while the page is built (seconds), the first of them
    # would wait for the end; a machine that is slow all over slows both sides alike.
    # The page is not about the operation timeout: on a machine loaded by CI it took more than the default
    # 10 s on PostgreSQL once, and the test measures the order of the answers, not the page's time.
    patient = settings.model_copy(update={"OPERATION_TIMEOUT_SECONDS": 120.0, "GRAPHQL_MAX_COST": 1_300_000})
    async with (
        serve_app(create_app(patient, engine=engine)) as base_url,
        httpx.AsyncClient(base_url=base_url, timeout=150) as http,
        httpx.AsyncClient(base_url=base_url, timeout=150) as probe,
    ):
        gql = GraphQLClient(http, sessionmaker, patient)
        await gql.login_as()
        heavy = asyncio.create_task(gql.query(HEAVY_PAGE, {"first": 100}))
        await asyncio.sleep(0.3)  # the page is being read and resolved
        # Asked one after another until the page is done. (Five of five, asked after the page began, failed
        # now and then on a loaded machine where the page ended sooner than five round trips.)
        answered_while_running = 0
        while not heavy.done():
            health = await probe.get("/healthz")
            assert health.json() == {"status": "ok"}
            answered_while_running += not heavy.done()
        body = await heavy
    assert answered_while_running >= HEALTH_CHECKS_DURING_HEAVY, (
        f"{answered_while_running} of {HEALTH_CHECKS_DURING_HEAVY} health checks answered before the page"
    )
    assert "errors" not in body, body["errors"]
    for alias in ALIASES:
        indicators = sum(len(g[alias]) for g in body["data"]["goals"]["nodes"])
        assert indicators == 100 * INDICATORS_PER_GOAL
