"""The public API (Art. 21 「向社会公开，接受人大和社会各界监督」): its own route and schema, anonymous, only
published disclosures and their snapshot, nothing internal (an allow-list of every type and field), the
limits per client address (HTTP 429 with Retry-After and RATE_LIMITED, in memory and in Redis)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.app import create_app
from src.models.disclosure import DisclosureStatus
from src.models.enums import ActorType
from src.public.schema import build_public_schema
from tests.conftest import make_settings
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import PREFECTURE
from tests.schema.mutation_cases_disclosure import disclosure, goal_title

# Every type and field the public schema may show: a new one fails here until it is judged public.
ALLOWED: dict[str, set[str]] = {
    "Query": {"disclosures", "disclosure"},
    "Disclosure": {
        "id", "regionCode", "regionName", "year", "title", "preface", "publishedOn", "downloadUrl", "goals",
        "results",
    },
    "PerformanceGoal": {"fund", "goal", "note", "indicators"},
    "Indicator": {"name", "target"},
    "EvaluationResult": {"fund", "kind", "score", "grade", "note"},
    "Date": set(), "String": set(), "Int": set(), "ID": set(), "Boolean": set(),
}  # fmt: skip
INTROSPECTION = (
    "{ __schema { types { name kind fields { name } } mutationType { name } subscriptionType { name } } }"
)
LIST = """query($year: Int, $region: String) { disclosures(year: $year, regionCode: $region) {
  id regionCode regionName year title preface publishedOn downloadUrl
  goals { fund goal note indicators { name target } } results { fund kind score grade note } } }"""
ONE = "query($id: ID!) { disclosure(id: $id) { id title goals { goal } } }"


async def public(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> httpx.Response:
    return await http.post("/public/graphql", json={"query": query, "variables": variables or {}})


async def test_art21_the_public_schema_shows_only_the_allowed_types_and_fields(gql: GraphQLClient) -> None:
    body = (await public(gql.http, INTROSPECTION)).json()
    schema = body["data"]["__schema"]
    assert schema["mutationType"] is None and schema["subscriptionType"] is None
    shown = {
        t["name"]: {f["name"] for f in t["fields"] or []}
        for t in schema["types"]
        if not t["name"].startswith("__")
    }
    assert set(shown) <= set(ALLOWED), set(shown) - set(ALLOWED)
    for name, fields in shown.items():
        assert fields <= ALLOWED[name], (name, fields - ALLOWED[name])
    # Nothing of the internal schema: it is built apart.
    assert "Mutation" not in build_public_schema(make_settings()).as_str()


async def test_art21_only_published_disclosures_are_public(gql: GraphQLClient) -> None:
    draft = await disclosure(gql, DisclosureStatus.DRAFT, region="511800")
    reported = await disclosure(gql, DisclosureStatus.REPORTED, region="510300")
    published = await disclosure(gql, DisclosureStatus.PUBLISHED)
    gql.logout()
    answer = (await public(gql.http, LIST, {"year": 2025})).json()
    found = answer["data"]["disclosures"] if answer.get("data") else answer
    assert isinstance(found, list), answer
    assert [d["id"] for d in found] == [published["id"]]
    shown = found[0]
    assert shown["regionCode"] == PREFECTURE and shown["regionName"] == "成都市" and shown["year"] == 2025
    assert shown["title"] == "成都市2025年度社会保险基金预算绩效信息公开"
    assert shown["downloadUrl"] == f"/public/files/disclosures/{published['id']}"
    assert shown["goals"][0]["note"] == "全年目标" and len(shown["goals"][0]["indicators"]) == 4
    assert shown["results"] == [
        {
            "fund": "职工基本医疗保险(含生育保险)基金",
            "kind": "绩效自评",
            "score": None,
            "grade": None,
            "note": "自评结果",
        }
    ]
    for hidden in (draft, reported):
        answer = (await public(gql.http, ONE, {"id": hidden["id"]})).json()
        assert answer == {"data": {"disclosure": None}}
    assert (await public(gql.http, LIST, {"region": "511800"})).json()["data"]["disclosures"] == []


async def test_art21_a_goal_edited_after_approval_does_not_reach_the_public(gql: GraphQLClient) -> None:
    published = await disclosure(gql, DisclosureStatus.PUBLISHED)
    before = (await public(gql.http, ONE, {"id": published["id"]})).json()["data"]["disclosure"]
    await goal_title(gql, published["goal"], "改过的目标名称")
    after = (await public(gql.http, ONE, {"id": published["id"]})).json()["data"]["disclosure"]
    assert after == before and after["goals"][0]["goal"] != "改过的目标名称"


async def test_art21_credentials_are_ignored_on_the_public_route(gql: GraphQLClient) -> None:
    await disclosure(gql, DisclosureStatus.DRAFT)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)  # sees the draft internally, not publicly
    assert (await public(gql.http, LIST)).json()["data"]["disclosures"] == []
    gql.http.headers["Authorization"] = "Bearer not-a-token"
    assert (await public(gql.http, LIST)).status_code == 200


async def test_art21_the_public_route_refuses_mutations_and_deep_or_large_queries(gql: GraphQLClient) -> None:
    refused = (await public(gql.http, "mutation { disclosureCreate }")).json()
    assert refused["errors"]
    too_many = (await public(gql.http, "query { disclosures(first: 11) { id } }")).json()
    assert too_many["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"
    aliases = " ".join(f"a{i}: disclosures {{ id }}" for i in range(60))
    assert (await public(gql.http, f"{{ {aliases} }}")).json()["errors"]


@asynccontextmanager
async def limited(engine: AsyncEngine, redis_url: str | None) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        PUBLIC_MAX_REQUESTS_PER_ADDRESS=3, PUBLIC_RATE_WINDOW_SECONDS=60, REDIS_URL=redis_url
    )
    app = create_app(settings, engine=engine)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            yield http
    finally:
        await app.state.jobs.aclose()
        await app.state.rate_limiter.aclose()


async def _over_the_limit(http: httpx.AsyncClient) -> None:
    for _ in range(3):
        assert (await public(http, LIST)).status_code == 200
    refused = await public(http, LIST)
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert (await http.get("/public/files/disclosures/1")).status_code == 429  # the same address's count
    assert (await http.post("/graphql", json={"query": "{ __typename }"})).status_code == 200  # not internal


async def test_art21_anonymous_callers_are_limited_per_address_in_memory(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    async with limited(engine, None) as http:
        await _over_the_limit(http)


async def test_art21_anonymous_callers_are_limited_per_address_in_redis(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], reference: None, redis_url: str
) -> None:
    async with limited(engine, redis_url) as http:
        await _over_the_limit(http)
