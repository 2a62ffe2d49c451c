"""Limits on what one request may ask: depth, tokens, aliases, batching, body size, introspection, GraphiQL,
and masked unexpected errors. All through the real app."""

import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from src.app import create_app
from src.schema.extensions import DOCUMENT_CACHE_SIZE
from src.services.identity import sessions
from tests.conftest import make_settings
from tests.support.server import serve_app

README = Path(__file__).resolve().parents[2] / "README.md"
LIMIT_MESSAGES = re.compile(r"maximum operation depth|aliases found|tokens|introspection", re.IGNORECASE)


def client(engine: AsyncEngine, **overrides: Any) -> httpx.AsyncClient:
    app = create_app(make_settings(**overrides), engine=engine)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def post(http: httpx.AsyncClient, query: str) -> Any:
    response = await http.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    return response.json()


def error_messages(body: Any) -> list[str]:
    return [e["message"] for e in body.get("errors", [])]


def nested(field: str, depth: int) -> str:
    return f"{field} {{ " * depth + "code" + " }" * depth


async def test_depth_limit(engine: AsyncEngine) -> None:
    async with client(engine, GRAPHQL_MAX_DEPTH=12) as http:
        # region (1) + parents: 12 levels pass validation, 13 do not.
        ok = await post(http, f'{{ region(code: "x") {{ ... on Region {{ {nested("parent", 11)} }} }} }}')
        assert not any(LIMIT_MESSAGES.search(m) for m in error_messages(ok))
        deep = await post(http, f'{{ region(code: "x") {{ ... on Region {{ {nested("parent", 12)} }} }} }}')
        assert error_messages(deep) == ["'anonymous' exceeds maximum operation depth of 12"]
        assert deep["data"] is None


async def test_token_limit(engine: AsyncEngine) -> None:
    async with client(engine, GRAPHQL_MAX_TOKENS=2000) as http:
        body = await post(http, "{ me { " + "username " * 2000 + "} }")
    [message] = error_messages(body)
    assert "more than 2000 tokens" in message


async def test_a_document_sent_again_is_not_parsed_or_validated_again(engine: AsyncEngine) -> None:
    parsed: Any = _get_parse_cache(DOCUMENT_CACHE_SIZE)  # functools.lru_cache wrappers
    validated: Any = _get_validate_cache(DOCUMENT_CACHE_SIZE)
    alias = f"r{uuid.uuid4().hex}"  # a document no earlier test sent (the caches are the process's)
    query = f"query($code: String!) {{ {alias}: region(code: $code) {{ ... on Region {{ name }} }} }}"
    async with client(engine, GRAPHQL_MAX_TOKENS=2000) as http:
        before = parsed.cache_info().hits, validated.cache_info().hits
        for code in ("510000", "510100", "x"):  # other variables, the same document
            await http.post("/graphql", json={"query": query, "variables": {"code": code}})
        assert (parsed.cache_info().hits, validated.cache_info().hits) == (before[0] + 2, before[1] + 2)
        # A refusal is not kept: the token limit refuses the long document every time.
        for _ in range(2):
            [message] = error_messages(await post(http, "{ me { " + "username " * 2000 + "} }"))
            assert "more than 2000 tokens" in message


async def test_alias_limit(engine: AsyncEngine) -> None:
    async with client(engine, GRAPHQL_MAX_ALIASES=30) as http:
        fine = await post(http, "{ " + " ".join(f"a{i}: me {{ username }}" for i in range(30)) + " }")
        assert fine == {"data": {f"a{i}": None for i in range(30)}}
        body = await post(http, "{ " + " ".join(f"a{i}: me {{ username }}" for i in range(31)) + " }")
    assert error_messages(body) == ["31 aliases found. Allowed: 30"]


async def test_batches_are_refused(engine: AsyncEngine) -> None:
    async with client(engine) as http:
        response = await http.post("/graphql", json=[{"query": "{ me { username } }"}] * 2)
    assert (response.status_code, response.text) == (400, "Batching is not enabled")


async def test_bodies_over_the_limit_get_413(engine: AsyncEngine) -> None:
    async with client(engine, MAX_BODY_BYTES=1000) as http:
        padded = {"query": "{ me { username } }", "variables": {"pad": "x" * 900}}
        assert (await http.post("/graphql", json=padded)).status_code == 200
        too_big = {"query": "{ me { username } }", "variables": {"pad": "x" * 1000}}
        response = await http.post("/graphql", json=too_big)
        assert (response.status_code, response.text) == (413, "请求体过大：上限为 1000 字节")

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while it streams
            yield b'{"query": "{ me { username } }", "variables": {"pad": "'
            for _ in range(20):
                yield b"x" * 100
            yield b'"}}'

        chunked = await http.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
        assert chunked.request.headers["transfer-encoding"] == "chunked"
        assert chunked.status_code == 413


@pytest.fixture
async def small_body_server(engine: AsyncEngine) -> AsyncIterator[str]:
    async with serve_app(create_app(make_settings(MAX_BODY_BYTES=1000), engine=engine)) as base_url:
        yield base_url


async def test_the_real_server_answers_413(small_body_server: str) -> None:
    async with httpx.AsyncClient(base_url=small_body_server) as http:
        response = await http.post("/graphql", json={"query": "{ me { username } }", "pad": "x" * 100_000})
        assert response.status_code == 413
        # The connection stays usable for the next request.
        assert (await http.post("/graphql", json={"query": "{ me { username } }"})).json() == {
            "data": {"me": None}
        }


async def test_introspection_and_graphiql_can_be_turned_off(engine: AsyncEngine) -> None:
    introspection = get_introspection_query()
    async with client(engine) as http:
        body = await post(http, introspection)  # GraphiQL's own query fits the default limits
        assert "errors" not in body and body["data"]["__schema"]["queryType"]["name"] == "Query"
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()
    async with client(engine, INTROSPECTION=False, GRAPHIQL=False) as http:
        body = await post(http, introspection)
        assert body["data"] is None
        assert any("introspection has been disabled" in m for m in error_messages(body))
        assert await post(http, "{ __typename }") == {"data": {"__typename": "Query"}}
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 404 and "graphiql" not in page.text.lower()


async def test_readme_examples_fit_the_limits(engine: AsyncEngine) -> None:
    examples = re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert len(examples) >= 4
    async with client(engine) as http:
        for example in examples:
            body = await post(http, example)
            assert not any(LIMIT_MESSAGES.search(m) for m in error_messages(body)), (example, body)
            # Anything refused was refused while running (e.g. login required), not while validating.
            assert all("path" in e for e in body.get("errors", [])), (example, body)


async def test_unexpected_errors_are_masked(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> bool:
        raise RuntimeError("secret: connection string postgres://user:pw@db")

    # Deep inside login (whatever name the schema calls it by): the password check fails unexpectedly.
    monkeypatch.setattr(sessions, "check_password", broken)
    async with client(engine) as http:
        response = await http.post(
            "/graphql",
            json={"query": 'mutation { login(username: "a", password: "b") { __typename } }'},
        )
    assert response.status_code == 200
    assert "secret" not in response.text and "postgres" not in response.text
    assert error_messages(response.json()) == ["服务器内部错误（已记录）"]
