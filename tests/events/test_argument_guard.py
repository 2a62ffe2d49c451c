"""One input guard for every transport (issue 16): the same bad filter (a NUL in regionCode, or a string over
MAX_STRING_LENGTH) is refused alike by the `events` query, by webhookCreate, and by statusChanged on both
subscription paths (shared, and strawberry's per connection) over a real graphql-transport-ws connection;
a refused subscription subscribes nothing."""

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette

from src.events.shared import Planner
from src.models.enums import ActorType
from src.schema import build_schema
from src.schema.inputs import MAX_STRING_LENGTH
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from tests.events.test_subscriptions import REPORT_JOB, STATUS_CHANGED, concur, draft, token, until_live
from tests.factories import make_user
from tests.support.ws import graphql_ws

EVENTS = "query($filter: StatusEventFilter) { events(filter: $filter) { events { id } } }"
WEBHOOK_CREATE = """mutation($input: WebhookCreateInput!) { webhookCreate(input: $input) {
  __typename ... on ValidationError { fields { field code } } } }"""
# A fragment: not for the shared path (src/events/shared.py, Planner), so strawberry's own runs it.
PER_CONNECTION = """subscription($filter: StatusEventFilter) { statusChanged(filter: $filter) { ...event } }
fragment event on StatusEvent { id subjectId }"""
BAD = [
    pytest.param("51\x000", "INVALID", id="nul"),
    pytest.param("5" * (MAX_STRING_LENGTH + 1), "OUT_OF_RANGE", id="too-long"),
]


async def post(server: str, bearer: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server, headers={"Authorization": f"Bearer {bearer}"}) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text[:500]
    body: dict[str, Any] = response.json()
    return body


def test_the_documents_take_the_paths_they_are_named_for(settings: Settings) -> None:
    planner = Planner(build_schema(settings)._schema)
    good = {"filter": {"regionCode": "510100"}}
    assert planner.plan(STATUS_CHANGED, good, None) is not None
    assert planner.plan(PER_CONNECTION, good, None) is None
    for bad in ("51\x000", "5" * (MAX_STRING_LENGTH + 1)):  # the guard's refusal is the path's own
        assert planner.plan(STATUS_CHANGED, {"filter": {"regionCode": bad}}, None) is not None


@pytest.mark.parametrize(("bad", "code"), BAD)
async def test_a_bad_filter_is_refused_alike_by_every_transport(
    app: Starlette,
    server: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    bad: str,
    code: str,
) -> None:
    province = await token(sessionmaker, settings)
    bad_filter = {"filter": {"regionCode": bad}}

    # The query: a top-level INVALID_ARGUMENT naming filter.regionCode.
    body = await post(server, province, EVENTS, bad_filter)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVALID_ARGUMENT"
    assert [(f["field"], f["code"]) for f in error["extensions"]["fields"]] == [("filter.regionCode", code)]
    refusal = {"message": error["message"], "extensions": error["extensions"]}

    # The mutation taking the same filter: its ValidationError names the same field, under `input`.
    admin = await make_user(sessionmaker, is_admin=True)
    hook = {"name": "决算系统", "url": "http://127.0.0.1:9/", "secret": "s" * 32, "username": admin.username}
    body = await post(
        server,
        issue_access_token(admin.id or 0, secret_key=settings.SECRET_KEY),
        WEBHOOK_CREATE,
        {"input": {**hook, **bad_filter}},
    )
    assert body["data"]["webhookCreate"] == {
        "__typename": "ValidationError",
        "fields": [{"field": "input.filter.regionCode", "code": code}],
    }

    # Both subscription paths: the query's refusal, then complete; nothing registered with the hub.
    tax = await token(sessionmaker, settings, ActorType.TAX, "510100")
    goal = await draft(sessionmaker)
    async with graphql_ws(server, province) as ws:
        for document in (STATUS_CHANGED, PER_CONNECTION):
            refused = await ws.subscribe(document, bad_filter)
            assert await ws.receive() == {
                "id": refused,
                "type": "next",
                "payload": {"data": None, "errors": [refusal]},
            }
            assert await ws.receive() == {"id": refused, "type": "complete"}
        # Every subscription field is guarded, not only statusChanged.
        job = await ws.subscribe(REPORT_JOB, {"id": bad})
        answer = await ws.receive()
        assert answer["id"] == job and answer["type"] == "next", answer
        [job_error] = answer["payload"]["errors"]
        assert job_error["extensions"]["code"] == "INVALID_ARGUMENT"
        assert [(f["field"], f["code"]) for f in job_error["extensions"]["fields"]] == [("id", code)]
        assert await ws.receive() == {"id": job, "type": "complete"}
        await ws.settled()
        assert app.state.events.hub.subscribers == set()

        # The same documents with a good filter: one on each path, and only they get the change.
        good = {"filter": {"regionCode": "510100"}}
        live = {await ws.subscribe(STATUS_CHANGED, good), await ws.subscribe(PER_CONNECTION, good)}
        await until_live(app, ws, subscriptions=2)
        assert sorted(s.plan is not None for s in app.state.events.hub.subscribers) == [False, True]
        await concur(server, tax, goal)
        delivered = [await ws.receive(), await ws.receive()]
        assert {m["id"] for m in delivered} == live
        assert all(m["payload"]["data"]["statusChanged"]["subjectId"] == str(goal.id) for m in delivered)
        assert await ws.nothing_within(0.5)
        assert len(app.state.events.hub.subscribers) == 2
