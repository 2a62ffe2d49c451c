"""The compiled executor (src/schema/compiled/) answers as graphql-core's standard execution: the same JSON
for README's queries, the Chengdu page, the national read and a document of fragments, unions, aliases and
directives; the same errors after a fallback, which is then remembered; and a plan made once per operation."""

from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.read_api import GOALS_QUERY
from bench.small_requests import CHENGDU_PAGE
from src.app import create_app
from src.schema.compiled.run import CompiledExecution, Counts
from src.schema.plain_fields import PlainExecution
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from tests.test_readme import README, demo_data, readme_examples

__all__ = ["demo_data"]  # the fixture, used here by name

MIXED = """query Mixed($withRegion: Boolean!, $skipFund: Boolean!) {
  __typename
  g: goals(first: 5) {
    __typename totalCount
    nodes {
      ...GoalBits
      fundType @skip(if: $skipFund) { code name }
      region @include(if: $withRegion) { ... on Region { code levelLabel } }
      again: title
    }
  }
  missing: region(code: "999999") {
    __typename ... on NotFoundError { entity key message } ... on Region { code }
  }
  here: region(code: "510100") { __typename ... on Region { name parent { name } } }
}
fragment GoalBits on Goal { id title status horizon statusLabel weightTotal overallGoal { title } }"""


class Poster:
    """POSTs documents to an app (response cache off: every answer is executed) as a demo user."""

    def __init__(self, client: httpx.AsyncClient, settings: Settings, users: dict[str, int]) -> None:
        self.client, self.settings, self.users = client, settings, users

    async def post(self, user: str, query: str, variables: dict[str, Any] | None = None) -> Any:
        headers = {}
        if user != "anonymous":
            token = issue_access_token(self.users[user], secret_key=self.settings.SECRET_KEY)
            headers["Authorization"] = f"Bearer {token}"
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def both_ways(
        self, monkeypatch: pytest.MonkeyPatch, user: str, query: str, variables: dict[str, Any] | None = None
    ) -> tuple[Any, Any]:
        """The answer of the compiled path, and of graphql-core's standard path."""
        compiled = await self.post(user, query, variables)
        with monkeypatch.context() as patch:
            patch.setattr(CompiledExecution, "execute_operation", PlainExecution.execute_operation)
            standard = await self.post(user, query, variables)
        return compiled, standard


@pytest.fixture
async def poster(engine: AsyncEngine, settings: Settings, demo_data: dict[str, int]) -> AsyncIterator[Poster]:
    app = create_app(settings.model_copy(update={"RESPONSE_CACHE": False}), engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Poster(client, settings, demo_data)
    await app.state.jobs.aclose()


async def test_the_compiled_path_answers_as_the_standard_path(
    poster: Poster, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases: list[tuple[str, str, dict[str, Any] | None]] = [
        (e.user, e.query, None)
        for e in readme_examples(README.read_text(encoding="utf-8"))
        if not e.is_mutation
    ]
    cases += [
        ("fin_510100", CHENGDU_PAGE, None),
        ("admin", GOALS_QUERY, {"year": 2026, "first": 100}),
        ("fin_510000", MIXED, {"withRegion": True, "skipFund": False}),
        ("fin_510000", MIXED, {"withRegion": False, "skipFund": True}),
    ]
    fallbacks = Counts.fallbacks
    for user, query, variables in cases:
        compiled, standard = await poster.both_ways(monkeypatch, user, query, variables)
        assert "errors" not in compiled, (query, compiled)
        assert compiled == standard, query
    assert Counts.fallbacks == fallbacks  # every one of them took the compiled path
    mixed = (await poster.post("fin_510000", MIXED, {"withRegion": True, "skipFund": True}))["data"]
    node = mixed["g"]["nodes"][0]
    assert "region" in node and "fundType" not in node and mixed["missing"]["__typename"] == "NotFoundError"


async def test_a_surprise_falls_back_to_the_standard_answer_and_is_remembered(
    poster: Poster, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Anonymous: the resolver raises. A document of its own (the parser cache is shared by apps).
    refused = f"{{ g{uuid4().hex}: goals(first: 2) {{ totalCount nodes {{ id title }} }} }}"
    fallbacks = Counts.fallbacks
    compiled, standard = await poster.both_ways(monkeypatch, "anonymous", refused)
    assert compiled["errors"] and compiled == standard
    assert {"message", "path", "locations", "extensions"} <= set(compiled["errors"][0])
    assert Counts.fallbacks == fallbacks + 1
    assert await poster.post("anonymous", refused) == standard
    assert Counts.fallbacks == fallbacks + 1  # the operation went straight to the standard path


async def test_a_plan_is_made_once_per_operation(poster: Poster) -> None:
    built = Counts.plans_built
    for _ in range(3):
        assert "errors" not in await poster.post("fin_510100", CHENGDU_PAGE)
    assert Counts.plans_built == built + 1


async def test_compiled_execution_off_takes_the_standard_path(
    engine: AsyncEngine, settings: Settings, demo_data: dict[str, int], poster: Poster
) -> None:
    off = create_app(
        settings.model_copy(update={"RESPONSE_CACHE": False, "COMPILED_EXECUTION": False}), engine=engine
    )
    transport = httpx.ASGITransport(app=off)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        built, fallbacks = Counts.plans_built, Counts.fallbacks
        standard = await Poster(client, settings, demo_data).post("fin_510100", CHENGDU_PAGE)
        assert (Counts.plans_built, Counts.fallbacks) == (built, fallbacks)  # no plan, no fallback
    await off.state.jobs.aclose()
    assert "errors" not in standard
    assert await poster.post("fin_510100", CHENGDU_PAGE) == standard
    assert Counts.plans_built == built + 1
