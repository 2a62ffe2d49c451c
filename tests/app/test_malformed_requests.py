"""Every malformed request is refused with 400 (a WebSocket closed with 4400) and one INFO line, never an
error with a traceback (issue 16): bodies that are not UTF-8, huge numbers, NaN, JSON nested thousands of
levels deep, subscriptions over HTTP, and WebSocket messages strawberry cannot read. Through a real uvicorn
server in production mode, as an anonymous client; and what still works within the limits."""

import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.settings import Settings
from tests.conftest import make_settings
from tests.schema.conftest import GraphQLClient
from tests.schema.test_goal_workflow import draft_goal
from tests.schema.test_input_validation import INDICATOR_CREATE, post, quantitative, refused_fields
from tests.support.ws import graphql_ws

GRAPHQL_RESPONSE = "application/graphql-response+json"
OVER_WEBSOCKET = "open a WebSocket to /graphql with the graphql-transport-ws protocol"


@pytest.fixture
def settings() -> Settings:
    """The live server runs as in production (no GraphiQL, no introspection)."""
    return make_settings(ENVIRONMENT="production")


@pytest.fixture
def server_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The app's log at INFO, and uvicorn's: its loggers do not propagate, and an exception the app lets
    through is logged there ("Exception in ASGI application")."""
    uvicorn = logging.getLogger("uvicorn")
    uvicorn.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO):
            yield caplog
    finally:
        uvicorn.removeHandler(caplog.handler)


def assert_one_refusal(log: pytest.LogCaptureFixture, prefix: str) -> None:
    """The log holds exactly one refusal, at INFO on one line without a traceback, and nothing at ERROR."""
    refusals = [r for r in log.records if r.getMessage().startswith("refused:")]
    assert [(r.levelno, r.getMessage().startswith(prefix)) for r in refusals] == [(logging.INFO, True)], [
        r.getMessage() for r in refusals
    ]
    assert refusals[0].exc_info is None and "\n" not in refusals[0].getMessage()
    assert not [r.getMessage() for r in log.records if r.levelno >= logging.ERROR]


def body(variables: str = "{}", extensions: str = "null", query: str = "{ __typename }") -> bytes:
    """A request body written by hand: what a JSON library would never produce."""
    return f'{{"query": "{query}", "variables": {variables}, "extensions": {extensions}}}'.encode()


DEEP = "[" * 30_000 + "]" * 30_000
DEEP_OBJECTS = '{"a":' * 30_000 + "1" + "}" * 30_000
SUBSCRIBE = '{"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }", "variables": %s}}'


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(b'{"query":"{ __typename \xff }"}', "must be UTF-8", id="not-utf8"),
        pytest.param(body().replace(b"{}", b'{"n": "\xe5\x9b"}'), "must be UTF-8", id="cut-character"),
        pytest.param(body('{"n": ' + "1" * 4301 + "}"), "limited to 100 characters", id="int-4301-digits"),
        pytest.param(body('{"n": ' + "1" * 101 + "}"), "limited to 100 characters", id="int-101-digits"),
        pytest.param(body('{"n": 1e400}'), "out of range", id="float-beyond-a-double"),
        pytest.param(body('{"n": NaN}'), "NaN is not a JSON number", id="nan"),
        pytest.param(body('{"n": [Infinity]}'), "Infinity is not a JSON number", id="infinity"),
        pytest.param(body(extensions='{"n": -Infinity}'), "-Infinity is not", id="minus-infinity"),
        pytest.param(body(f'{{"n": {DEEP}}}'), "nested more than 64 levels", id="variables-30000-deep"),
        pytest.param(body(extensions=DEEP_OBJECTS), "nested more than 64 levels", id="extensions-30000-deep"),
        pytest.param(body("[" * 70 + "]" * 70), "nested more than 64 levels", id="variables-70-deep"),
        pytest.param(body(query="subscription { statusChanged { id } }"), OVER_WEBSOCKET, id="subscription"),
        pytest.param(
            body(query='subscription { reportJob(id: \\"1\\") { id } }'), OVER_WEBSOCKET, id="subscription-2"
        ),
        pytest.param(
            body(query="query Q { __typename } subscription S { statusChanged { id } }").replace(
                b'"variables"', b'"operationName": "S", "variables"'
            ),
            OVER_WEBSOCKET,
            id="subscription-by-name",
        ),
    ],
)
async def test_a_malformed_body_is_a_400_and_one_info_line(
    live_url: str, server_log: pytest.LogCaptureFixture, content: bytes, reason: str
) -> None:
    headers = {"content-type": "application/json", "accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"}
    async with httpx.AsyncClient(base_url=live_url) as http:
        response = await http.post("/graphql", content=content, headers=headers)
    assert response.status_code == 400, response.text[:300]
    assert reason in response.text
    assert_one_refusal(server_log, "refused: http status=400")


async def test_a_subscription_over_get_is_refused_the_same_way(
    live_url: str, server_log: pytest.LogCaptureFixture
) -> None:
    async with httpx.AsyncClient(base_url=live_url) as http:
        response = await http.get("/graphql", params={"query": "subscription { statusChanged { id } }"})
    assert (response.status_code, OVER_WEBSOCKET in response.text) == (400, True)
    assert_one_refusal(server_log, "refused: http status=400")


@pytest.mark.parametrize(
    ("message", "code", "reason"),
    [
        pytest.param(SUBSCRIBE % ("1" * 4301), 4400, "limited to 100 characters", id="int-4301-digits"),
        pytest.param(SUBSCRIBE % '{"n": NaN}', 4400, "NaN is not a JSON number", id="nan"),
        pytest.param(SUBSCRIBE % f'{{"n": {DEEP}}}', 4400, "nested more than 64 levels", id="30000-deep"),
        pytest.param(b'{"type": "ping", "payload": "\xff"}', 1007, "", id="text-not-utf8"),
        pytest.param(b'{"type": "ping"}', 4400, "must be text", id="binary"),
        pytest.param("1", 4400, "JSON object with a string type", id="not-an-object"),
        pytest.param("[]", 4400, "JSON object with a string type", id="a-list"),
        pytest.param('{"type": "x\\n' + "x" * 300 + '"}', 4400, "Unknown message type: x x", id="long-type"),
        pytest.param('{"id": {}, "type": "complete"}', 4400, "id must be a string", id="id-object"),
        pytest.param('{"id": "1", "type": "subscribe", "payload": []}', 4400, "string query", id="payload"),
        pytest.param(
            '{"id": "1", "type": "subscribe", "payload": {"query": 5}}', 4400, "string query", id="query"
        ),
        pytest.param(SUBSCRIBE % "[1]", 4400, "variables must be an object", id="variables-list"),
    ],
)
async def test_a_malformed_websocket_message_closes_with_a_protocol_code_and_one_info_line(
    live_url: str, server_log: pytest.LogCaptureFixture, message: Any, code: int, reason: str
) -> None:
    async with graphql_ws(live_url, None, max_size=None) as ws:
        if isinstance(message, bytes) and code == 1007:
            await ws.ws.send(message, text=True)  # a text frame whose bytes are not UTF-8
        else:
            await ws.ws.send(message)
        with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
            await ws.receive()
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, reason in closed.value.rcvd.reason) == (code, True)
    assert_one_refusal(server_log, f"refused: websocket code={code}")


async def test_well_formed_requests_within_the_limits_still_work(
    live_url: str, server_log: pytest.LogCaptureFixture
) -> None:
    # The body's object is level 1 and `variables` level 2: 62 arrays inside it reach the limit, 64.
    at_the_limit = body(f'{{"n": {"[" * 62 + "]" * 62}, "m": {"9" * 100}, "f": 0.{"1" * 98}}}')
    async with httpx.AsyncClient(base_url=live_url) as http:
        response = await http.post(
            "/graphql", content=at_the_limit, headers={"content-type": "application/json"}
        )
        assert response.json() == {"data": {"__typename": "Query"}}
        one_more = body(f'{{"n": {"[" * 63 + "]" * 63}}}')
        response = await http.post("/graphql", content=one_more, headers={"content-type": "application/json"})
        assert response.status_code == 400
    async with graphql_ws(live_url, None) as ws:
        await ws.ws.send(SUBSCRIBE % '{"filter": {"regionCode": "510000", "kinds": [["a"], {"b": [1.5]}]}}')
        assert await ws.next_data() == {"__typename": "Query"}
    refusals = [r.getMessage() for r in server_log.records if r.getMessage().startswith("refused:")]
    assert refusals == ["refused: http status=400: JSON nested more than 64 levels deep"]


async def test_numbers_the_json_limits_let_through_reach_the_decimal_scalar(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker)
    created = await post(gql, INDICATOR_CREATE, quantitative(goal, weight=12.5, targetValue=10**13))
    indicator = created["data"]["indicatorCreate"]["indicator"]
    assert (indicator["weight"], indicator["targetValue"]) == ("12.50", "10000000000000.0000")
    # Numbers of up to 100 characters are the scalar's to judge: too large for the column.
    for value in (10**29, 10**99, -(10**98)):
        fields = await refused_fields(gql, INDICATOR_CREATE, quantitative(goal, targetValue=value))
        assert fields == [("input.targetValue", "OUT_OF_RANGE")]
    # Longer ones never reach it.
    too_long = json.dumps({"query": INDICATOR_CREATE, "variables": quantitative(goal, targetValue=10**100)})
    response = await gql.http.post("/graphql", content=too_long, headers={"content-type": "application/json"})
    assert (response.status_code, response.text) == (400, "JSON numbers are limited to 100 characters")
