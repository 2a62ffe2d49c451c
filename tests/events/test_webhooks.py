"""Webhooks (issue 10): registered by administrators, delivered by the dispatcher to a real local HTTP server,
signed, in id order, retried with backoff, every attempt recorded, disabled after repeated failure; what a
hook receives is what its user may read and its filter lets through."""

import asyncio
import itertools
import json
import logging
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from src.events.reads import data_version
from src.events.webhooks.dispatcher import WebhookDispatcher
from src.events.webhooks.leases import acquire, release
from src.events.webhooks.registry import WebhookSpec, create_webhook
from src.events.webhooks.runner import start_webhook_dispatcher
from src.events.webhooks.signing import (
    EVENT_ID_HEADER,
    EVENT_KIND_HEADER,
    SIGNATURE_HEADER,
    sign,
    verify,
)
from src.events.webhooks.targets import TargetRules
from src.models import AuditEvent, User, Webhook, WebhookDelivery
from src.models.base import utcnow
from src.models.budget import BudgetEventKind
from src.models.enums import ActorType, GoalStatus
from src.models.goal import GoalEventKind
from src.services.actors import load_actor
from src.services.errors import ValidationFailed
from src.settings import Settings
from src.subjects.events import record_event
from tests.conftest import make_settings
from tests.factories import make_budget, make_goal, make_user
from tests.schema.conftest import GraphQLClient
from tests.support.server import serve_app
from tests.support.sql import count_statements

SECRET = "whsec-测试-0123456789abcdef"
# The receiver listens on 127.0.0.1, where webhooks are never sent unless the operator allows it (issue 16;
# test_webhook_targets.py tests the refusals).
LOCAL_NETWORKS = "127.0.0.0/8"
# A public address: a valid URL that is never sent to (and needs no DNS).
PUBLIC_URL = "https://93.184.215.14/hook"


def local_settings(**overrides: Any) -> Settings:
    """Test settings that let webhooks go to the local receiver."""
    return make_settings(WEBHOOK_ALLOWED_NETWORKS=LOCAL_NETWORKS, **overrides)


@pytest.fixture
def settings() -> Settings:
    """The API under test registers hooks of the local receiver."""
    return local_settings()


FAST = local_settings(
    WEBHOOK_POLL_SECONDS=0.01,
    WEBHOOK_TIMEOUT_SECONDS=2.0,
    WEBHOOK_MAX_ATTEMPTS=3,
    WEBHOOK_BACKOFF_SECONDS=0.01,
    WEBHOOK_DISABLE_AFTER_FAILURES=2,
)
DEADLINE_SECONDS = 20.0
FAST_LEASE = timedelta(seconds=30)

CREATE = """mutation($input: WebhookCreateInput!) { webhookCreate(input: $input) {
  __typename
  ... on WebhookSuccess { webhook { id rowVersion enabled lastEventId user { username }
    filter { kinds includeDescendants region { code } fundType { code } } } }
  ... on UserError { code message }
  ... on ValidationError { fields { field code message } } } }"""
UPDATE = """mutation($input: WebhookUpdateInput!) { webhookUpdate(input: $input) {
  __typename
  ... on WebhookSuccess { webhook { id rowVersion enabled name url consecutiveFailures disabledReason } }
  ... on UserError { code message }
  ... on ConflictError { currentVersion }
  ... on ValidationError { fields { field code message } } } }"""
DELETE = """mutation($input: WebhookDeleteInput!) { webhookDelete(input: $input) {
  __typename ... on WebhookDeleteSuccess { id } ... on NotFoundError { code } } }"""
HOOK = """query($id: ID!) { webhook(id: $id) { __typename
  ... on Webhook { enabled consecutiveFailures disabledReason lastEventId retryAt
    deliveries(first: 10) { eventId attempt statusCode error succeeded durationMs } }
  ... on NotFoundError { code } } }"""


# --- the receiver: a real HTTP server ----------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.body)
        return value


@dataclass
class Receiver:
    """Records every POST to /<name>; answers 500 to the first `failures[name]` of a name, after
    `delays[name]` seconds, else 200."""

    base_url: str = ""
    received: list[Received] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name}"

    def event_ids(self, name: str) -> list[int]:
        return [r.json()["id"] for r in self.received if r.path == f"/{name}"]

    async def endpoint(self, request: Request) -> Response:
        name = request.path_params["name"]
        self.received.append(Received(request.url.path, dict(request.headers), await request.body()))
        await asyncio.sleep(self.delays.get(name, 0))
        if self.failures.get(name, 0) > 0:
            self.failures[name] -= 1
            return Response("接收方故障", status_code=500)
        return Response("ok")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    target = Receiver()
    app = Starlette(routes=[Route("/{name}", target.endpoint, methods=["POST"])])
    async with serve_app(app) as base_url:
        target.base_url = base_url
        yield target


@pytest.fixture
async def dispatcher(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[WebhookDispatcher]:
    async with WebhookDispatcher(sessionmaker=sessionmaker, settings=FAST) as d:
        yield d


# --- helpers -----------------------------------------------------------------------------------------------

_years = itertools.count(2031)


async def goal_event(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    region_code: str = "510100",
    fund_code: str = "EMPLOYEE_MEDICAL",
    kind: GoalEventKind = GoalEventKind.GOAL_STATUS_CHANGED,
    status: GoalStatus = GoalStatus.SUBMITTED,
) -> int:
    """An event of a new goal (of a year of its own), committed; its id."""
    async with sessionmaker() as session:
        goal = await make_goal(
            session,
            region_code=region_code,
            fund_code=fund_code,
            year=next(_years),
            status=status,
            indicators=0,
        )
        event = await record_event(
            session=session,
            kind=kind,
            subject=goal,
            actor=None,
            payload={"toStatus": status.value, "备注": "测试"},
        )
        await session.commit()
        assert event.id is not None
        return event.id


async def budget_event(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    region_code: str = "510100",
    fund_code: str = "EMPLOYEE_MEDICAL",
) -> int:
    async with sessionmaker() as session:
        budget = await make_budget(session, region_code=region_code, fund_code=fund_code, year=next(_years))
        event = await record_event(
            session=session, kind=BudgetEventKind.BUDGET_APPROVED, subject=budget, actor=None, payload={}
        )
        await session.commit()
        assert event.id is not None
        return event.id


async def as_admin(gql: GraphQLClient) -> User:
    return await gql.login_as(is_admin=True)


async def hook_user(
    gql: GraphQLClient, actor_type: ActorType = ActorType.FINANCE, region_code: str = "510000"
) -> User:
    return await make_user(gql.sessionmaker, actor_type=actor_type, region_code=region_code)


async def create_hook(
    gql: GraphQLClient, url: str, user: User, *, secret: str = SECRET, **filter: Any
) -> dict[str, Any]:
    fields: dict[str, Any] = {"name": "决算系统", "url": url, "secret": secret, "username": user.username}
    if filter:
        fields["filter"] = filter
    variables = {"input": fields}
    result: dict[str, Any] = (await gql.data(CREATE, variables))["webhookCreate"]
    assert result["__typename"] == "WebhookSuccess", result
    hook: dict[str, Any] = result["webhook"]
    return hook


async def hook_row(sessionmaker: async_sessionmaker[AsyncSession], hook: dict[str, Any]) -> Webhook:
    async with sessionmaker() as session:
        row = await session.get(Webhook, int(hook["id"]))
        assert row is not None
        return row


async def deliveries(
    sessionmaker: async_sessionmaker[AsyncSession], hook: dict[str, Any]
) -> list[WebhookDelivery]:
    async with sessionmaker() as session:
        stmt = select(WebhookDelivery).where(WebhookDelivery.webhook_id == int(hook["id"]))
        return list((await session.exec(stmt.order_by(col(WebhookDelivery.id)))).all())


async def deliver_until(
    dispatcher: WebhookDispatcher, done: Callable[[], Awaitable[bool]], what: str
) -> None:
    """Runs the dispatcher until `done()` holds (no fixed waits: a deadline only for a failing test)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        await dispatcher.run_once()
        if await done():
            return
        assert time.monotonic() < deadline, f"not within {DEADLINE_SECONDS} s: {what}"
        await asyncio.sleep(0.005)


def cursor_at(
    sessionmaker: async_sessionmaker[AsyncSession], hook: dict[str, Any]
) -> Callable[[], Awaitable[bool]]:
    """The hook's cursor reached the latest event."""

    async def check() -> bool:
        async with sessionmaker() as session:
            latest = await data_version(session=session)
        return (await hook_row(sessionmaker, hook)).last_event_id == latest

    return check


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Hooks:
    """What a delivery test works with, logged in as an administrator: the API, the database, the receiving
    server and a dispatcher."""

    gql: GraphQLClient
    sessionmaker: async_sessionmaker[AsyncSession]
    receiver: Receiver
    dispatcher: WebhookDispatcher

    async def create(self, name: str, user: User | None = None, **filter: Any) -> dict[str, Any]:
        """A hook posting to the receiver's /<name>, with `user`'s visibility (a new province user's)."""
        return await create_hook(
            self.gql, self.receiver.url(name), user or await hook_user(self.gql), **filter
        )

    async def deliver_all(self, hook: dict[str, Any], what: str) -> None:
        """Runs the dispatcher until the hook's cursor reached the latest event."""
        await deliver_until(self.dispatcher, cursor_at(self.sessionmaker, hook), what)


@pytest.fixture
async def hooks(
    gql: GraphQLClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    receiver: Receiver,
    dispatcher: WebhookDispatcher,
) -> Hooks:
    await as_admin(gql)
    return Hooks(gql, sessionmaker, receiver, dispatcher)


# --- signing -----------------------------------------------------------------------------------------------


def test_a_signature_verifies_and_a_tampered_body_does_not() -> None:
    body = '{"id":1,"kindLabel":"绩效目标状态变更"}'.encode()
    now = 1_764_288_000
    header = sign(SECRET, now, body)
    assert header.startswith(f"t={now},v1=") and len(header.split("v1=")[1]) == 64
    assert verify(SECRET, header, body, now=now + 10)
    assert verify(SECRET, header, body.decode(), now=now)  # the same bytes given as text
    assert not verify(SECRET, header, body.replace(b"1", b"2"), now=now)  # tampered body
    assert not verify("another-secret-0123456789", header, body, now=now)
    assert not verify(SECRET, header, body, now=now + 301)  # too old: a replay
    assert verify(SECRET, header, body, now=now + 3600, tolerance_seconds=3601)
    rotated = f"t={now},v1={'0' * 64},{header.split(',')[1]}"  # several signatures: one must match
    assert verify(SECRET, rotated, body, now=now)
    for broken in ("", "v1=abc", f"t={now}", f"t=soon,{header.split(',')[1]}"):
        assert not verify(SECRET, broken, body, now=now)


# --- delivering ------------------------------------------------------------------------------------------


async def test_events_are_delivered_signed_and_in_id_order(hooks: Hooks) -> None:
    hook = await hooks.create("a")
    assert hook["enabled"] and hook["filter"]["kinds"] == [] and hook["filter"]["region"] is None
    ids = [
        await goal_event(hooks.sessionmaker),
        await budget_event(hooks.sessionmaker, region_code="511800"),
        await goal_event(hooks.sessionmaker, kind=GoalEventKind.GOAL_TAX_OPINION, region_code="511802"),
    ]

    await hooks.deliver_all(hook, "every event delivered")

    assert hooks.receiver.event_ids("a") == ids
    first = hooks.receiver.received[0]
    assert verify(SECRET, first.headers[SIGNATURE_HEADER.lower()], first.body)
    assert not verify(SECRET, first.headers[SIGNATURE_HEADER.lower()], first.body + b" ")
    assert first.headers[EVENT_ID_HEADER.lower()] == str(ids[0])
    assert first.headers[EVENT_KIND_HEADER.lower()] == "GOAL_STATUS_CHANGED"
    assert first.headers["content-type"] == "application/json; charset=utf-8"
    assert "绩效目标状态变更".encode() in first.body  # UTF-8, not \u escapes
    body = first.json()
    assert set(body) == {
        "id",
        "kind",
        "kindLabel",
        "subjectType",
        "subjectId",
        "regionPath",
        "fundTypeId",
        "occurredAt",
        "payload",
    }
    assert body["subjectType"] == "Goal" and body["regionPath"] == "/510000/510100/"
    assert body["payload"] == {"toStatus": "SUBMITTED", "备注": "测试"}
    assert body["occurredAt"].endswith("+00:00")
    assert hooks.receiver.received[1].json()["kindLabel"] == "基金预算批复"

    rows = await deliveries(hooks.sessionmaker, hook)
    assert [(r.event_id, r.attempt, r.status_code, r.succeeded) for r in rows] == [
        (i, 1, 200, True) for i in ids
    ]
    listed = (await hooks.gql.data(HOOK, {"id": hook["id"]}))["webhook"]
    assert listed["lastEventId"] == str(ids[-1]) and listed["retryAt"] is None
    assert [d["eventId"] for d in listed["deliveries"]] == [str(i) for i in reversed(ids)]  # latest first


async def test_a_failed_attempt_is_retried_with_every_attempt_recorded(
    hooks: Hooks,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hook = await hooks.create("flaky")
    hooks.receiver.failures["flaky"] = 1
    event_id = await goal_event(hooks.sessionmaker)

    with caplog.at_level(logging.INFO, logger="src.events.webhooks"):
        assert await hooks.dispatcher.run_once() == 1
    waiting = await hook_row(hooks.sessionmaker, hook)
    assert waiting.retry_at is not None and waiting.last_event_id < event_id  # the cursor stays before it
    [line] = [r for r in caplog.records if r.name.startswith("src.events.webhooks")]
    assert line.levelno == logging.INFO and line.exc_info is None
    assert "attempt 1/3 failed (HTTP 500)" in line.getMessage()

    await hooks.deliver_all(hook, "the retry delivered")

    assert hooks.receiver.event_ids("flaky") == [event_id, event_id]
    rows = await deliveries(hooks.sessionmaker, hook)
    assert [(r.attempt, r.status_code, r.succeeded) for r in rows] == [(1, 500, False), (2, 200, True)]
    listed = (await hooks.gql.data(HOOK, {"id": hook["id"]}))["webhook"]
    assert [(d["attempt"], d["statusCode"], d["succeeded"]) for d in listed["deliveries"]] == [
        (2, 200, True),
        (1, 500, False),
    ]
    assert listed["consecutiveFailures"] == 0 and listed["retryAt"] is None


async def test_repeated_failure_disables_the_hook_until_it_is_enabled_again(hooks: Hooks) -> None:
    hook = await hooks.create("down")
    hooks.receiver.failures["down"] = 1000
    ids = [await goal_event(hooks.sessionmaker) for _ in range(3)]

    async def disabled() -> bool:
        return not (await hook_row(hooks.sessionmaker, hook)).enabled

    await deliver_until(hooks.dispatcher, disabled, "the hook disabled")

    # Two events (WEBHOOK_DISABLE_AFTER_FAILURES) given up on after three attempts each; the third waits.
    rows = await deliveries(hooks.sessionmaker, hook)
    assert [(r.event_id, r.attempt, r.succeeded) for r in rows] == [
        (event_id, attempt, False) for event_id in ids[:2] for attempt in (1, 2, 3)
    ]
    row = await hook_row(hooks.sessionmaker, hook)
    assert row.last_event_id == ids[1] and row.consecutive_failures == 2 and row.retry_at is None
    assert row.disabled_reason is not None
    assert "已自动停用" in row.disabled_reason and "HTTP 500" in row.disabled_reason
    assert await hooks.dispatcher.run_once() == 0  # a disabled hook gets nothing

    hooks.receiver.failures["down"] = 0
    result = (
        await hooks.gql.data(
            UPDATE, {"input": {"id": hook["id"], "rowVersion": row.row_version, "enabled": True}}
        )
    )["webhookUpdate"]
    assert result["__typename"] == "WebhookSuccess", result
    assert result["webhook"]["enabled"] and result["webhook"]["consecutiveFailures"] == 0
    assert result["webhook"]["disabledReason"] is None

    await hooks.deliver_all(hook, "the third event delivered")
    assert hooks.receiver.event_ids("down")[-1] == ids[2]


async def test_no_answer_in_time_and_no_connection_are_failures_too(
    gql: GraphQLClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    receiver: Receiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await as_admin(gql)
    user = await hook_user(gql)
    slow = await create_hook(gql, receiver.url("slow"), user)
    closed = await create_hook(gql, f"http://127.0.0.1:{free_port()}/hook", user)
    receiver.delays["slow"] = 1.0
    await goal_event(sessionmaker)
    settings = local_settings(
        WEBHOOK_TIMEOUT_SECONDS=0.2, WEBHOOK_MAX_ATTEMPTS=2, WEBHOOK_BACKOFF_SECONDS=0.01
    )

    with caplog.at_level(logging.INFO, logger="src.events.webhooks"):
        async with WebhookDispatcher(sessionmaker=sessionmaker, settings=settings) as d:
            assert await d.run_once() == 2

    [timed_out] = await deliveries(sessionmaker, slow)
    assert timed_out.status_code is None and not timed_out.succeeded
    assert timed_out.error is not None and timed_out.error.startswith("超时")
    assert timed_out.duration_ms < 2000
    [refused] = await deliveries(sessionmaker, closed)
    assert refused.status_code is None and refused.error is not None and refused.error.startswith("请求失败")
    records = [r for r in caplog.records if r.name.startswith("src.events.webhooks")]
    assert len(records) == 2
    assert all(r.levelno == logging.INFO and r.exc_info is None for r in records)  # one line, no traceback


# --- what a hook receives -------------------------------------------------------------------------------


async def test_the_hooks_user_decides_what_it_receives(hooks: Hooks) -> None:
    chengdu = await create_hook(
        hooks.gql, hooks.receiver.url("chengdu"), await hook_user(hooks.gql, region_code="510100")
    )
    leaving = await hook_user(hooks.gql, region_code="510000")
    gone = await create_hook(hooks.gql, hooks.receiver.url("gone"), leaving)
    async with hooks.sessionmaker() as session:
        await session.exec(update(User).where(col(User.id) == leaving.id).values(is_active=False))
        await session.commit()
        assert await load_actor(session=session, user_id=leaving.id or 0) is None

    own = await goal_event(hooks.sessionmaker, region_code="510100")
    await goal_event(hooks.sessionmaker, region_code="511800")  # another prefecture's
    await goal_event(hooks.sessionmaker, region_code="511802")  # a county of another prefecture
    county = await goal_event(hooks.sessionmaker, region_code="510104")  # one of Chengdu's counties

    await hooks.deliver_all(chengdu, "成都市's hook handled every event")
    await hooks.deliver_all(gone, "the inactive user's hook passed them by")

    assert hooks.receiver.event_ids("chengdu") == [own, county]
    assert hooks.receiver.event_ids("gone") == []
    assert await deliveries(hooks.sessionmaker, gone) == []


async def test_the_filter_applies(hooks: Hooks) -> None:
    user = await hook_user(hooks.gql)
    created = {
        "budgets": await hooks.create("budgets", user, kinds=["BUDGET_APPROVED"]),
        "yaan": await hooks.create("yaan", user, regionCode="511800", includeDescendants=False),
        "yaan_all": await hooks.create("yaan_all", user, regionCode="511800"),
        "resident": await hooks.create("resident", user, fundTypeCode="RESIDENT_MEDICAL"),
    }
    assert created["budgets"]["filter"]["kinds"] == ["BUDGET_APPROVED"]
    assert created["yaan"]["filter"]["region"] == {"code": "511800"}
    assert not created["yaan"]["filter"]["includeDescendants"]
    assert created["resident"]["filter"]["fundType"] == {"code": "RESIDENT_MEDICAL"}

    budget = await budget_event(hooks.sessionmaker, region_code="510100")
    yaan = await goal_event(hooks.sessionmaker, region_code="511800")
    yucheng = await goal_event(hooks.sessionmaker, region_code="511802")
    resident = await goal_event(hooks.sessionmaker, region_code="510100", fund_code="RESIDENT_MEDICAL")

    for name, hook in created.items():
        await hooks.deliver_all(hook, f"{name} handled every event")
    assert hooks.receiver.event_ids("budgets") == [budget]
    assert hooks.receiver.event_ids("yaan") == [yaan]
    assert hooks.receiver.event_ids("yaan_all") == [yaan, yucheng]
    assert hooks.receiver.event_ids("resident") == [resident]


async def test_a_new_hook_starts_with_the_events_written_after_it(hooks: Hooks) -> None:
    await goal_event(hooks.sessionmaker)
    hook = await hooks.create("new")
    later = await goal_event(hooks.sessionmaker)
    await hooks.deliver_all(hook, "the later event delivered")
    assert hooks.receiver.event_ids("new") == [later]


# --- rounds ---------------------------------------------------------------------------------------------


async def until(done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not done():
        assert time.monotonic() < deadline, f"not within {DEADLINE_SECONDS} s: {what}"
        await asyncio.sleep(0.005)


async def test_with_no_hook_enabled_published_events_cost_no_statement(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # Every published batch wakes the dispatcher of a server without Redis. With nobody to deliver to, it
    # waits for its poll instead of asking the database each time.
    quiet = WebhookDispatcher(sessionmaker=sessionmaker, settings=local_settings(WEBHOOK_POLL_SECONDS=60))
    stop = asyncio.Event()
    with count_statements(engine) as counter:
        running = asyncio.create_task(quiet.run(stop))
        await until(lambda: counter.count > 0 and not quiet.any_enabled, "the first round")
        counter.reset()
        for _ in range(10):
            quiet.wake()
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(running, DEADLINE_SECONDS)  # stopping ends the wait at once
        assert counter.statements == []
    await quiet.aclose()


async def test_a_wake_delivers_at_once_while_a_hook_is_enabled(hooks: Hooks) -> None:
    hook = await hooks.create("woken")
    slow_poll = start_webhook_dispatcher(
        sessionmaker=hooks.sessionmaker, settings=local_settings(WEBHOOK_POLL_SECONDS=60)
    )
    try:
        await until(lambda: slow_poll.dispatcher.any_enabled, "the first round")
        event_id = await goal_event(hooks.sessionmaker)
        slow_poll.wake()  # as the relay does after publishing; the poll is a minute away
        await until(lambda: hooks.receiver.event_ids("woken") == [event_id], "the woken delivery")
    finally:
        await slow_poll.aclose()
    assert (await hook_row(hooks.sessionmaker, hook)).last_event_id == event_id


# --- leases -------------------------------------------------------------------------------------------------


async def test_the_lease_keeps_two_dispatchers_from_delivering_an_event_twice(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], receiver: Receiver
) -> None:
    await as_admin(gql)
    hook = await create_hook(gql, receiver.url("shared"), await hook_user(gql))
    row = await hook_row(sessionmaker, hook)
    assert row.id is not None

    # The lease itself: one holder at a time; released, or expired, it can be taken again.
    now = utcnow()
    lease = await acquire(sessionmaker, row.id, now, FAST_LEASE)
    assert lease is not None
    assert await acquire(sessionmaker, row.id, now, FAST_LEASE) is None
    await release(sessionmaker, lease)
    held = await acquire(sessionmaker, row.id, now, FAST_LEASE)
    assert held is not None
    assert await acquire(sessionmaker, row.id, held.until + FAST_LEASE, FAST_LEASE) is not None  # expired
    async with sessionmaker() as session:
        await session.exec(update(Webhook).where(col(Webhook.id) == row.id).values(lease_until=None))
        await session.commit()

    # Two dispatchers (as two processes would run them) polling the same hook while events arrive.
    receiver.delays["shared"] = 0.02
    first = start_webhook_dispatcher(sessionmaker=sessionmaker, settings=FAST)
    second = start_webhook_dispatcher(sessionmaker=sessionmaker, settings=FAST)
    try:
        ids = []
        for _ in range(8):
            ids.append(await goal_event(sessionmaker))
            first.wake()
            second.wake()
        deadline = time.monotonic() + DEADLINE_SECONDS
        while len(receiver.event_ids("shared")) < len(ids):
            assert time.monotonic() < deadline, receiver.event_ids("shared")
            await asyncio.sleep(0.01)
    finally:
        await first.aclose()
        await second.aclose()
    assert first.task.done() and second.task.done()

    assert receiver.event_ids("shared") == ids  # each once, in order
    rows = await deliveries(sessionmaker, hook)
    assert [r.event_id for r in rows] == ids and all(r.succeeded for r in rows)
    assert (await hook_row(sessionmaker, hook)).lease_until is None


# --- administration -------------------------------------------------------------------------------------


async def test_only_administrators_manage_webhooks(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], receiver: Receiver
) -> None:
    await as_admin(gql)
    hook = await create_hook(gql, receiver.url("x"), await hook_user(gql))
    user = await gql.login_as(actor_type=ActorType.FINANCE, region_code="510000")  # provincial, not admin
    operations = [
        (
            CREATE,
            {"input": {"name": "n", "url": receiver.url("y"), "secret": SECRET, "username": user.username}},
        ),
        (UPDATE, {"input": {"id": hook["id"], "rowVersion": hook["rowVersion"], "enabled": False}}),
        (DELETE, {"input": {"id": hook["id"]}}),
        (HOOK, {"id": hook["id"]}),
        ("{ webhooks { id } }", {}),
    ]
    async with sessionmaker() as session:
        before = (await session.exec(select(func.count()).select_from(AuditEvent))).one()
    for query, variables in operations:
        body = await gql.query(query, variables)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], body
    async with sessionmaker() as session:
        assert (await session.exec(select(func.count()).select_from(Webhook))).one() == 1
        assert (await session.exec(select(func.count()).select_from(AuditEvent))).one() == before
    assert (await hook_row(sessionmaker, hook)).enabled


# Each input with what is wrong in it (the rest of the input is valid).
INVALID_INPUTS: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
    ({"url": "ftp://example.com/hook"}, [("input.url", "INVALID")]),
    ({"url": "javascript:alert(1)"}, [("input.url", "INVALID")]),
    ({"url": "http:///no-host"}, [("input.url", "INVALID")]),
    ({"url": "http://example.com:99999/"}, [("input.url", "INVALID")]),
    ({"url": "http://example.com/a b"}, [("input.url", "INVALID")]),
    ({"url": "http://example.com/\nhook"}, [("input.url", "INVALID")]),
    ({"url": "https://example.com/" + "a" * 2000}, [("input.url", "OUT_OF_RANGE")]),
    ({"name": "决算\x07系统"}, [("input.name", "INVALID")]),
    ({"name": "名" * 101}, [("input.name", "OUT_OF_RANGE")]),
    ({"name": "  "}, [("input.name", "REQUIRED")]),
    ({"secret": "too-short"}, [("input.secret", "OUT_OF_RANGE")]),
    ({"secret": "s" * 201}, [("input.secret", "OUT_OF_RANGE")]),
    ({"username": "nobody"}, [("input.username", "NOT_FOUND")]),
    ({"filter": {"regionCode": "999999"}}, [("input.filter.regionCode", "NOT_FOUND")]),
    ({"filter": {"fundTypeCode": "NOPE"}}, [("input.filter.fundTypeCode", "NOT_FOUND")]),
    (
        {"url": "ftp://x", "secret": "short", "filter": {"regionCode": "999999"}},
        [
            ("input.url", "INVALID"),
            ("input.secret", "OUT_OF_RANGE"),
            ("input.filter.regionCode", "NOT_FOUND"),
        ],
    ),
]


async def test_invalid_input_is_a_typed_error_and_changes_nothing(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin = await as_admin(gql)
    valid = {"name": "决算", "url": PUBLIC_URL, "secret": SECRET, "username": admin.username}
    async with sessionmaker() as session:
        before = (await session.exec(select(func.count()).select_from(AuditEvent))).one()
    for changes, expected in INVALID_INPUTS:
        result = (await gql.data(CREATE, {"input": valid | changes}))["webhookCreate"]
        assert result["__typename"] == "ValidationError", (changes, result)
        assert result["code"] == "VALIDATION_FAILED"
        assert [(f["field"], f["code"]) for f in result["fields"]] == expected, changes
        assert all(f["message"] for f in result["fields"])
    async with sessionmaker() as session:
        assert (await session.exec(select(func.count()).select_from(Webhook))).one() == 0
        assert (await session.exec(select(func.count()).select_from(AuditEvent))).one() == before


async def test_the_service_refuses_control_characters_itself(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Not only the GraphQL edge: a caller of the service gets the same refusal."""
    admin = await as_admin(gql)
    async with sessionmaker() as session:
        actor = await load_actor(session=session, user_id=admin.id or 0)
        assert actor is not None
        spec = WebhookSpec(
            name="决算\x00系统",
            url="https://example.com/\x1bhook",
            secret=SECRET + "\n",
            username=admin.username,
        )
        with pytest.raises(ValidationFailed) as refused:
            await create_webhook(
                session=session, actor=actor, spec=spec, targets=TargetRules.from_settings(local_settings())
            )
    assert [(p.field, p.code) for p in refused.value.problems] == [
        ("input.name", "INVALID"),
        ("input.url", "INVALID"),
        ("input.secret", "INVALID"),
    ]


async def test_update_and_delete(hooks: Hooks) -> None:
    hook = await hooks.create("u")
    version = hook["rowVersion"]
    await goal_event(hooks.sessionmaker)
    await hooks.deliver_all(hook, "the first event delivered")
    assert hooks.receiver.event_ids("u") != [] and len(await deliveries(hooks.sessionmaker, hook)) == 1

    bad = (
        await hooks.gql.data(
            UPDATE, {"input": {"id": hook["id"], "rowVersion": version, "url": "gopher://x"}}
        )
    )["webhookUpdate"]
    assert bad["__typename"] == "ValidationError" and bad["fields"][0]["field"] == "input.url"
    stale = (
        await hooks.gql.data(UPDATE, {"input": {"id": hook["id"], "rowVersion": version + 5, "name": "新"}})
    )["webhookUpdate"]
    assert stale["__typename"] == "ConflictError" and stale["currentVersion"] == version
    changes = {
        "name": "新名称",
        "url": hooks.receiver.url("v"),
        "secret": "a-new-secret-0123456789",
        "enabled": False,
    }
    done = (await hooks.gql.data(UPDATE, {"input": {"id": hook["id"], "rowVersion": version, **changes}}))[
        "webhookUpdate"
    ]
    assert done["__typename"] == "WebhookSuccess", done
    assert done["webhook"] == {
        "id": hook["id"],
        "rowVersion": version + 1,
        "enabled": False,
        "name": "新名称",
        "url": hooks.receiver.url("v"),
        "consecutiveFailures": 0,
        "disabledReason": None,
    }
    row = await hook_row(hooks.sessionmaker, hook)
    assert row.secret == "a-new-secret-0123456789"
    async with hooks.sessionmaker() as session:
        audited = (
            await session.exec(
                select(AuditEvent)
                .where(col(AuditEvent.operation).startswith("webhook"))
                .order_by(col(AuditEvent.id))
            )
        ).all()
    assert [a.operation for a in audited] == ["webhookCreate", "webhookUpdate"]
    assert all("secret" not in a.changes for a in audited)  # the secret never reaches the audit trail
    assert SECRET not in json.dumps([a.changes for a in audited], ensure_ascii=False)
    assert audited[1].changes["secretChanged"] == {"before": None, "after": True}

    await goal_event(hooks.sessionmaker)
    assert await hooks.dispatcher.run_once() == 0  # disabled: nothing sent
    assert hooks.receiver.event_ids("v") == []

    deleted = (await hooks.gql.data(DELETE, {"input": {"id": hook["id"]}}))["webhookDelete"]
    assert deleted == {"__typename": "WebhookDeleteSuccess", "id": hook["id"]}
    again = (await hooks.gql.data(DELETE, {"input": {"id": hook["id"]}}))["webhookDelete"]
    assert again == {"__typename": "NotFoundError", "code": "NOT_FOUND"}
    assert (await hooks.gql.data(HOOK, {"id": hook["id"]}))["webhook"] == {
        "__typename": "NotFoundError",
        "code": "NOT_FOUND",
    }
    assert (await hooks.gql.data("{ webhooks { id } }"))["webhooks"] == []
    assert await deliveries(hooks.sessionmaker, hook) == []  # its delivery records went with it
