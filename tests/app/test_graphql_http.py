"""GraphQL over HTTP as a careless or hostile client uses it: malformed bodies, several operations,
application/graphql-response+json, readable Chinese, and no schema hints when introspection is off."""

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from src.app import create_app
from src.models.enums import ActorType
from tests.conftest import make_settings
from tests.schema.conftest import GraphQLClient

GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.mark.parametrize("body", ["null", "1", '"query"', "true"])
async def test_a_body_that_is_not_a_json_object_is_a_400(gql: GraphQLClient, body: str) -> None:
    response = await gql.http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "JSON object" in response.text


async def test_several_operations_without_operation_name_are_refused(gql: GraphQLClient) -> None:
    document = "query A { me { username } } query B { me { fullName } }"
    body = await gql.query(document)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    named = await gql.http.post("/graphql", json={"query": document, "operationName": "B"})
    assert "fullName" in named.json()["data"]["me"]


@pytest.mark.parametrize(
    "query",
    [
        '{ goal(id: "99999999999999999999") { __typename } }',
        '{ budget(id: "2147483648") { __typename } }',
        '{ goals(after: "YzoxMDAwMDAwMDAwMDAwMDAwMDAwMDAw") { totalCount } }',  # c:1000000000000000000000
        '{ regions(after: "Yzo1MQAwMDAw") { totalCount } }',  # a code cursor holding a control character
    ],
)
async def test_huge_ids_and_forged_cursors_are_argument_errors(gql: GraphQLClient, query: str) -> None:
    body = await gql.query(query)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] in ("INVALID_ID", "INVALID_CURSOR"), body


async def post(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> httpx.Response:
    return await http.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"},
    )


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ goals { ", None),  # does not parse
        ("{ goalz }", None),  # does not validate
        ("query($first: Int!) { goals(first: $first) { totalCount } }", {"first": "many"}),  # no coercion
    ],
)
async def test_graphql_response_json_answers_request_errors_with_400_and_no_data(
    gql: GraphQLClient, query: str, variables: dict[str, Any] | None
) -> None:
    response = await post(gql.http, query, variables)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert "data" not in body and body["errors"]


async def test_graphql_response_json_keeps_200_for_executed_operations(gql: GraphQLClient) -> None:
    ok = await post(gql.http, "{ me { username } }")
    assert ok.status_code == 200 and ok.json()["data"]["me"]
    refused = await post(gql.http, '{ goal(id: "x") { __typename } }')  # a field error: data is present
    assert refused.status_code == 200 and "data" in refused.json()


async def test_chinese_is_sent_as_utf8_not_escaped(gql: GraphQLClient) -> None:
    response = await gql.http.post(
        "/graphql", json={"query": '{ region(code: "510000") { ... on Region { name } } }'}
    )
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert "四川省".encode() in response.content
    assert b"\\u" not in response.content


async def test_no_did_you_mean_when_introspection_is_off(engine: AsyncEngine, gql: GraphQLClient) -> None:
    user = await gql.login_as(ActorType.FINANCE)
    app = create_app(make_settings(INTROSPECTION=False), engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        http.headers["Authorization"] = f"Bearer {gql.token_for(user)}"
        for query in (
            "{ goalz }",
            "{ goals(first: 1) { nodes { titel } } }",
            "{ goals(filter: {horizon: ANUAL}) { totalCount } }",
        ):
            message = (await http.post("/graphql", json={"query": query})).json()["errors"][0]["message"]
            assert "Did you mean" not in message, message
    with_hints = await gql.query("{ goalz }")  # development keeps the hints
    assert "Did you mean" in with_hints["errors"][0]["message"]
