"""Status changes pushed to subscribers (issue 10): through a real server and a real WebSocket client."""

import asyncio
import itertools
import socket
from typing import Any

import httpx
import pytest
import websockets
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette

from src.app import create_app
from src.models import Event, Goal, User
from src.models.budget import BudgetEventKind
from src.models.enums import ActorType, Administration, GoalStatus
from src.models.goal import GoalEventKind
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from src.subjects.events import record_event
from tests.factories import make_budget, make_goal, make_user
from tests.support.server import serve_app
from tests.support.ws import GraphQLWs, graphql_ws

MED = Administration.MEDICAL_SECURITY
STATUS_CHANGED = """subscription($filter: StatusEventFilter, $after: ID) {
  statusChanged(filter: $filter, afterEventId: $after) {
    id kind kindLabel subjectType subjectId payload region { code } fundType { code }
  }
}"""
TAX_CONCUR = """mutation($input: GoalTaxConcurInput!) { goalTaxConcur(input: $input) {
  __typename ... on GoalSuccess { goal { rowVersion } } } }"""


async def until_live(app: Starlette, *connections: GraphQLWs, subscriptions: int) -> None:
    """Returns once every connection's earlier messages were handled and the app's hub holds
    `subscriptions` subscribers: a change made now reaches them live. (The server starts an operation in a
    task of its own, which registers with the hub after its first read.)"""
    for ws in connections:
        await ws.settled()
    async with asyncio.timeout(10):
        while True:  # the hub announces no registration: look again shortly
            if len(app.state.events.hub.subscribers) >= subscriptions:
                return
            await asyncio.sleep(0.005)


async def token(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    actor_type: ActorType = ActorType.FINANCE,
    region_code: str = "510000",
    administration: Administration | None = None,
) -> str:
    user = await make_user(
        sessionmaker, actor_type=actor_type, region_code=region_code, administration=administration
    )
    return issue_access_token(user.id or 0, secret_key=settings.SECRET_KEY)


_years = itertools.count(2027)


async def draft(sessionmaker: async_sessionmaker[AsyncSession], region_code: str = "510100") -> Goal:
    """A draft goal of the region (each of another year, so there can be many)."""
    async with sessionmaker() as session:
        goal = await make_goal(session, region_code=region_code, year=next(_years), status=GoalStatus.DRAFT)
        await session.commit()
        return goal


async def concur(server: str, tax_token: str, goal: Goal) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server, headers={"Authorization": f"Bearer {tax_token}"}) as http:
        body = (
            await http.post(
                "/graphql",
                json={
                    "query": TAX_CONCUR,
                    "variables": {"input": {"id": str(goal.id), "rowVersion": goal.row_version}},
                },
            )
        ).json()
    result: dict[str, Any] = body["data"]["goalTaxConcur"]
    assert result["__typename"] == "GoalSuccess", body
    return result


async def test_a_change_reaches_who_may_read_it_and_nobody_else(
    app: Starlette, server: str, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    province = await token(sessionmaker, settings)
    other_prefecture = await token(sessionmaker, settings, ActorType.MEDICAL_SECURITY, "510300", MED)
    tax = await token(sessionmaker, settings, ActorType.TAX, "510100")
    goal = await draft(sessionmaker)
    async with graphql_ws(server, province) as seer, graphql_ws(server, other_prefecture) as outsider:
        await seer.subscribe(STATUS_CHANGED)
        await outsider.subscribe(STATUS_CHANGED)
        await until_live(app, seer, outsider, subscriptions=2)
        await concur(server, tax, goal)
        event = (await seer.next_data())["statusChanged"]
        assert event["kind"] == "GOAL_TAX_OPINION" and event["kindLabel"] == "税务部门会商意见"
        assert (event["subjectType"], event["subjectId"]) == ("Goal", str(goal.id))
        assert event["payload"]["verdict"] == "CONCUR" and event["region"]["code"] == "510100"
        # A draft of 成都 is not seen from 攀枝花 (Art. 5: each reads its own region and below).
        assert await outsider.nothing_within(0.5)


async def test_reconnecting_with_after_event_id_loses_nothing_and_repeats_nothing(
    app: Starlette, server: str, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    province = await token(sessionmaker, settings)
    tax = await token(sessionmaker, settings, ActorType.TAX, "510100")
    goals = [await draft(sessionmaker) for _ in range(4)]
    async with graphql_ws(server, province) as first:
        await first.subscribe(STATUS_CHANGED)
        await until_live(app, first, subscriptions=1)
        await concur(server, tax, goals[0])
        seen = (await first.next_data())["statusChanged"]["id"]
    # Offline: two changes happen. Back, from the last id seen: those two, then live ones, each once.
    await concur(server, tax, goals[1])
    await concur(server, tax, goals[2])
    async with graphql_ws(server, province) as again:
        await again.subscribe(STATUS_CHANGED, {"after": seen})
        caught_up = [(await again.next_data())["statusChanged"] for _ in range(2)]
        await concur(server, tax, goals[3])
        live = (await again.next_data())["statusChanged"]
        assert [e["subjectId"] for e in [*caught_up, live]] == [str(g.id) for g in goals[1:]]
        assert int(seen) < int(caught_up[0]["id"]) < int(caught_up[1]["id"]) < int(live["id"])
        assert await again.nothing_within(0.5)


async def test_a_rolled_back_change_announces_nothing(
    app: Starlette, server: str, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    province = await token(sessionmaker, settings)
    goal = await draft(sessionmaker)
    async with graphql_ws(server, province) as ws:
        await ws.subscribe(STATUS_CHANGED)
        await until_live(app, ws, subscriptions=1)
        async with sessionmaker() as session:
            row = await session.get_one(Goal, goal.id)
            await record_event(
                session=session, kind=GoalEventKind.GOAL_STATUS_CHANGED, subject=row, actor=None
            )
            await session.flush()  # written, then the transaction is rolled back
            await session.rollback()
        assert await ws.nothing_within(1.5)  # longer than the relay's poll
    async with sessionmaker() as session:
        assert (await session.exec(select(Event))).all() == []


async def test_the_events_query_catches_up_page_by_page(
    gql: Any, server: str, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    tax = await token(sessionmaker, settings, ActorType.TAX, "510100")
    goals = [await draft(sessionmaker) for _ in range(3)]
    for goal in goals:
        await concur(server, tax, goal)
    query = """query($after: ID, $first: Int!) { dataVersion
      events(after: $after, first: $first, filter: {kinds: [GOAL_TAX_OPINION], regionCode: "510100"}) {
        events { id subjectId } lastEventId hasMore } }"""
    first = await gql.data(query, {"first": 2})
    page = first["events"]
    assert [e["subjectId"] for e in page["events"]] == [str(g.id) for g in goals[:2]] and page["hasMore"]
    rest = (await gql.data(query, {"first": 2, "after": page["lastEventId"]}))["events"]
    assert [e["subjectId"] for e in rest["events"]] == [str(goals[2].id)] and not rest["hasMore"]
    assert first["dataVersion"] == rest["events"][-1]["id"]


REPORT_REQUEST = """mutation($input: ReportRequestInput!) { reportRequest(input: $input) {
  __typename ... on ReportRequestSuccess { job { id } } } }"""
REPORT_JOB = (
    """subscription($id: ID!) { reportJob(id: $id) { id status progressDone progressTotal downloadUrl } }"""
)


async def test_a_report_jobs_progress_reaches_its_subscriber(
    server: str, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    # Embedded mode: the server renders the job in-process; the subscriber sees it start and finish.
    agency = await token(sessionmaker, settings, ActorType.AGENCY, "510100", MED)
    goal = await draft(sessionmaker)
    async with httpx.AsyncClient(base_url=server, headers={"Authorization": f"Bearer {agency}"}) as http:
        body = (
            await http.post(
                "/graphql",
                json={
                    "query": REPORT_REQUEST,
                    "variables": {"input": {"kind": "GOAL_TABLE", "goalId": str(goal.id)}},
                },
            )
        ).json()
    job_id = body["data"]["reportRequest"]["job"]["id"]
    async with graphql_ws(server, agency) as ws:
        await ws.subscribe(REPORT_JOB, {"id": job_id})
        states = []
        while True:
            message = await ws.receive()
            if message["type"] == "complete":
                break
            assert message["type"] == "next" and "errors" not in message["payload"], message
            states.append(message["payload"]["data"]["reportJob"])
    assert states[-1]["status"] == "SUCCEEDED" and states[-1]["downloadUrl"] == f"/files/{job_id}"
    assert states[-1]["progressDone"] == states[-1]["progressTotal"] == 1


async def test_what_no_relay_announced_is_sent_from_the_outbox(
    app: Starlette, server: str, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    # An event committed by a process that stopped before publishing (here: a session no relay listens
    # to) stays unpublished in the outbox; the server's relay finds it on its next look and sends it.
    province = await token(sessionmaker, settings)
    goal = await draft(sessionmaker)
    async with graphql_ws(server, province) as ws:
        await ws.subscribe(STATUS_CHANGED)
        await until_live(app, ws, subscriptions=1)
        async with sessionmaker() as session:
            row = await session.get_one(Goal, goal.id)
            await record_event(
                session=session, kind=GoalEventKind.GOAL_STATUS_CHANGED, subject=row, actor=None
            )
            await session.commit()
        event = (await ws.next_data(timeout=5))["statusChanged"]
        assert event["subjectId"] == str(goal.id)
        async with asyncio.timeout(10):  # and marked published, in the background (relay.py)
            while True:
                async with sessionmaker() as session:
                    if all(e.published_at is not None for e in (await session.exec(select(Event))).all()):
                        break
                await asyncio.sleep(0.01)


async def test_connections_are_capped_closed_when_idle_and_need_credentials(
    engine: AsyncEngine, reference: None, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    limited = settings.model_copy(update={"WS_MAX_OPERATIONS": 2, "WS_IDLE_SECONDS": 0.3})
    province = await token(sessionmaker, settings)
    async with serve_app(create_app(limited, engine=engine)) as base_url:
        async with graphql_ws(base_url, province) as ws:
            await ws.subscribe(STATUS_CHANGED)
            await ws.subscribe(STATUS_CHANGED)
            third = await ws.subscribe(STATUS_CHANGED)
            refused = await ws.receive()
            assert (refused["id"], refused["type"]) == (third, "error")
            assert "limit" in refused["payload"][0]["message"]
        async with graphql_ws(base_url, None) as anonymous:
            await anonymous.subscribe(STATUS_CHANGED)
            answer = await anonymous.receive()
            assert answer["type"] == "error"
            assert answer["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"
            # Holding no operation, the connection is closed after WS_IDLE_SECONDS.
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                await anonymous.receive(timeout=5)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4408


async def test_a_connection_whose_subscription_is_being_checked_is_not_idle(
    engine: AsyncEngine, reference: None, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    # The credentials are read again when a subscription starts (websocket.py); while that read waits
    # (here: PostgreSQL, for a lock held on the users), the connection is busy, not idle. (SQLite's readers
    # wait for nobody: there the read is simply quick.)
    limited = settings.model_copy(update={"WS_IDLE_SECONDS": 0.3})
    province = await token(sessionmaker, settings)
    holding = engine.dialect.name == "postgresql"
    async with (
        serve_app(create_app(limited, engine=engine)) as base_url,
        graphql_ws(base_url, province) as ws,
        engine.connect() as blocker,
    ):
        if holding:
            await blocker.execute(text(f"LOCK TABLE {User.__tablename__} IN ACCESS EXCLUSIVE MODE"))
        await ws.subscribe(STATUS_CHANGED)
        assert await ws.nothing_within(1.0)  # three times the idle limit: still open
        await blocker.rollback()
        await ws.settled()


FRAGMENTED = """subscription { statusChanged { ...event } }
fragment event on StatusEvent {
  id kind kindLabel subjectType subjectId payload region { code } fundType { code }
}"""


async def test_shared_and_per_connection_deliveries_are_the_same(
    engine: AsyncEngine, reference: None, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    # STATUS_CHANGED qualifies for the shared path (one execution per event for all its subscribers);
    # the same selection through a fragment does not, and takes strawberry's own path. Same answer.
    province = await token(sessionmaker, settings)
    tax = await token(sessionmaker, settings, ActorType.TAX, "510100")
    goal = await draft(sessionmaker)
    app = create_app(settings, engine=engine)
    async with serve_app(app) as base_url, graphql_ws(base_url, province) as ws:
        shared = await ws.subscribe(STATUS_CHANGED)
        own = await ws.subscribe(FRAGMENTED)
        bad = await ws.subscribe(STATUS_CHANGED, {"filter": {"regionCode": "999999"}})
        refused = await ws.receive()
        assert (
            refused["id"] == bad
            and refused["payload"]["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
        )
        assert (await ws.receive()) == {"id": bad, "type": "complete"}
        await until_live(app, ws, subscriptions=2)
        plans = [s.plan is not None for s in app.state.events.hub.subscribers]
        assert sorted(plans) == [False, True]
        # The shared one is sent to straight from the hub (ws_protocol.py); the other through its task.
        assert all((s.send_now is not None) == (s.plan is not None) for s in app.state.events.hub.subscribers)
        await concur(base_url, tax, goal)
        messages = {m["id"]: m["payload"] for m in [await ws.receive(), await ws.receive()]}
        assert messages[shared] == messages[own] and messages[shared]["data"]["statusChanged"][
            "subjectId"
        ] == str(goal.id)


@pytest.mark.parametrize("document", [STATUS_CHANGED, FRAGMENTED], ids=["shared", "per-connection"])
async def test_a_user_deactivated_meanwhile_gets_nothing_more(
    app: Starlette,
    server: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    document: str,
) -> None:
    # Visibility is decided per delivery with the actor the credentials name now, not when it subscribed.
    user = await make_user(sessionmaker)
    tax = await token(sessionmaker, settings, ActorType.TAX, "510100")
    goal = await draft(sessionmaker)
    async with graphql_ws(server, issue_access_token(user.id or 0, secret_key=settings.SECRET_KEY)) as ws:
        op = await ws.subscribe(document)
        await until_live(app, ws, subscriptions=1)
        async with sessionmaker() as session:
            row = await session.get_one(User, user.id)
            row.is_active = False
            session.add(row)
            await session.commit()
        await concur(server, tax, goal)
        ended = await ws.receive()
        assert ended["id"] == op and ended["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert "statusChanged" not in (ended["payload"].get("data") or {})
        assert (await ws.receive()) == {"id": op, "type": "complete"}


async def budget_events(sessionmaker: async_sessionmaker[AsyncSession], count: int, size: int) -> list[str]:
    """`count` budget-approval events of 成都 with a payload of about `size` characters, in one commit."""
    async with sessionmaker() as session:
        budget = await make_budget(session, region_code="510100", fund_code="EMPLOYEE_MEDICAL", year=2090)
        events = [
            await record_event(
                session=session,
                kind=BudgetEventKind.BUDGET_APPROVED,
                subject=budget,
                actor=None,
                payload={"n": n, "filler": "批" * size},
            )
            for n in range(count)
        ]
        await session.commit()
    return [str(e.id) for e in events]


async def test_a_client_that_stops_reading_is_dropped_and_holds_up_nobody(
    engine: AsyncEngine, reference: None, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    quick = settings.model_copy(update={"WS_SEND_TIMEOUT_SECONDS": 0.3})
    province = await token(sessionmaker, settings)
    app = create_app(quick, engine=engine)
    async with serve_app(app) as base_url:
        host, port = base_url.removeprefix("http://").split(":")
        small = socket.socket()
        small.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the kernel holds little for it
        small.connect((host, int(port)))
        async with (
            graphql_ws(base_url, province, sock=small, max_queue=1) as stuck,  # reads one message, then stops
            graphql_ws(base_url, province) as reader,
        ):
            await stuck.subscribe(STATUS_CHANGED)
            await reader.subscribe(STATUS_CHANGED)
            await until_live(app, stuck, reader, subscriptions=2)
            # ~7 MB for each connection: more than the kernel (up to 4 MB) and uvicorn (64 KB) buffer for it
            ids = await budget_events(sessionmaker, 60, 40_000)
            got = [(await reader.next_data())["statusChanged"]["id"] for _ in ids]
            assert got == ids  # the reader is not held up by the other
            await asyncio.sleep(1.0)  # the stuck one reads nothing for longer than WS_SEND_TIMEOUT_SECONDS
            # Dropped by then, with what it did not take: not kept until it reads again (it may never).
            assert len(app.state.events.hub.subscribers) == 1
            seen = []
            with pytest.raises(websockets.exceptions.ConnectionClosed) as dropped:
                while True:
                    seen.append((await stuck.next_data(timeout=10))["statusChanged"]["id"])
        assert seen == ids[: len(seen)] and len(seen) < len(ids)  # in order; the rest was dropped
        assert dropped.value.rcvd is None or dropped.value.rcvd.code == 4429
