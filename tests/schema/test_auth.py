"""Login, refresh, logout, API tokens and WebSocket authentication, through the real app (and a real server
for WebSocket), on SQLite and PostgreSQL."""

import asyncio
import base64
import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from functools import cache
from typing import Any

import httpx
import pytest
import websockets
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette
from websockets.typing import Subprotocol

from src.app import create_app
from src.models import (
    ApiToken,
    AuditEvent,
    FundBudget,
    Goal,
    GoalTransition,
    Organization,
    RefreshToken,
    Region,
    User,
)
from src.models.base import utcnow
from src.models.enums import ActorType, GoalStatus
from src.seed.demo import DEMO_PASSWORD, DEMO_SERVICE_ACCOUNT, load_demo_data
from src.services.identity.passwords import hash_password
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from tests.conftest import make_settings
from tests.factories import make_budget, make_goal
from tests.support.server import serve_app, websocket_url

pytestmark = pytest.mark.usefixtures("reference")

PASSWORD = "正确的密码 correct horse"
ME = "{ me { username fullName organizationName actorType administration regionCode regionName isAdmin } }"
LOGIN = """
mutation($username: String!, $password: String!) {
  login(username: $username, password: $password) {
    __typename
    ... on LoginSuccess {
      accessToken refreshToken expiresIn tokenType
      user { username fullName organizationName actorType actorTypeLabel administration regionCode regionName
             isAdmin isServiceAccount organization { name region { code } } }
    }
    ... on UserError { message }
    ... on TooManyAttempts { retryAfterSeconds }
  }
}"""
REFRESH = """
mutation($token: String!) {
  tokenRefresh(refreshToken: $token) {
    __typename
    ... on LoginSuccess { accessToken refreshToken user { username } }
    ... on InvalidCredentials { message }
  }
}"""
LOGOUT = "mutation($token: String!) { logout(refreshToken: $token) }"
TOKEN_CREATE = """
mutation($input: ApiTokenCreateInput!) {
  apiTokenCreate(input: $input) {
    __typename
    ... on ApiTokenCreated {
      token
      apiToken { id name prefix user { username } createdAt revokedAt lastUsedAt }
    }
    ... on ValidationError { message fields { field code message } }
  }
}"""
TOKEN_REVOKE = """
mutation($id: ID!) {
  apiTokenRevoke(id: $id) {
    __typename
    ... on ApiToken { id revokedAt }
    ... on NotFoundError { entity key }
  }
}"""
TOKENS = "{ apiTokens { id name prefix user { username } createdAt revokedAt lastUsedAt } }"


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)  # once per test run (with the tests' cheap argon2 parameters)


async def add_user(
    sessionmaker: async_sessionmaker[AsyncSession],
    username: str,
    *,
    is_admin: bool = False,
    is_active: bool = True,
    is_service_account: bool = False,
    with_password: bool = True,
    actor_type: ActorType = ActorType.FINANCE,
    region_code: str = "510000",
) -> int:
    """A user of the organization of that actor type at that region (四川省财政厅 by default; created when
    missing)."""
    async with sessionmaker() as session:
        region = (await session.exec(select(Region).where(Region.code == region_code))).one()
        org = (
            await session.exec(
                select(Organization).where(
                    Organization.actor_type == actor_type, Organization.region_id == region.id
                )
            )
        ).first()
        if org is None:
            name = "四川省财政厅" if (actor_type, region_code) == (ActorType.FINANCE, "510000") else None
            org = Organization(
                name=name or f"{region.name}{actor_type.value}",
                actor_type=actor_type,
                region_id=region.id or 0,
            )
            session.add(org)
            await session.flush()
        user = User(
            username=username,
            full_name=f"{username} 的姓名",
            organization_id=org.id or 0,
            is_admin=is_admin,
            is_active=is_active,
            is_service_account=is_service_account,
            password_hash=password_hash() if with_password else None,
        )
        session.add(user)
        await session.commit()
        assert user.id is not None
        return user.id


class Api:
    """GraphQL over HTTP with an optional bearer token per call."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> Any:
        body = await self.post(query, variables, token)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def login(self, username: str, password: str = PASSWORD) -> Any:
        return (await self.data(LOGIN, {"username": username, "password": password}))["login"]

    async def token(self, username: str) -> str:
        result = await self.login(username)
        assert result["__typename"] == "LoginSuccess", result
        return str(result["accessToken"])

    async def error_code(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> str:
        body = await self.post(query, variables, token)
        [error] = body["errors"]
        return str(error["extensions"]["code"])


def app_for(engine: AsyncEngine, **overrides: Any) -> Starlette:
    # REDIS_URL off: each app counts login attempts on its own, so tests never see each other's failures.
    return create_app(make_settings(**overrides), engine=engine)


def client_for(app: Starlette, address: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture
async def api(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[Api]:
    async with client_for(app_for(engine)) as http:
        yield Api(http)


# --- login ------------------------------------------------------------------------------------------------


async def test_login_returns_tokens_and_the_user(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_user(sessionmaker, "fin_510000")
    result = await api.login("fin_510000")
    assert result["__typename"] == "LoginSuccess"
    assert (result["tokenType"], result["expiresIn"]) == ("Bearer", 900)
    assert len(result["refreshToken"]) >= 43 and result["accessToken"].count(".") == 2
    assert result["user"] == {
        "username": "fin_510000",
        "fullName": "fin_510000 的姓名",
        "organizationName": "四川省财政厅",
        "actorType": "FINANCE",
        "actorTypeLabel": "财政部门",
        "administration": None,
        "regionCode": "510000",
        "regionName": "四川省",
        "isAdmin": False,
        "isServiceAccount": False,
        "organization": {"name": "四川省财政厅", "region": {"code": "510000"}},
    }
    me = (await api.data(ME, token=result["accessToken"]))["me"]
    assert me["username"] == "fin_510000" and me["regionName"] == "四川省"
    assert (await api.data(ME))["me"] is None  # the one query that does not require login

    # Only the hash of the refresh token is stored.
    async with sessionmaker() as session:
        [stored] = (await session.exec(select(RefreshToken))).all()
    assert stored.token_hash != result["refreshToken"] and len(stored.token_hash) == 64


async def test_login_refusals_all_look_the_same(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_user(sessionmaker, "fin_510000")
    await add_user(sessionmaker, "retired", is_active=False)
    # A service account is refused even if a password hash somehow got stored for it.
    await add_user(sessionmaker, "svc_downstream", is_service_account=True)
    await add_user(sessionmaker, "nopassword", with_password=False)
    for username, password in (
        ("fin_510000", "wrong"),
        ("fin_510000", ""),
        ("nobody", PASSWORD),
        ("retired", PASSWORD),
        ("svc_downstream", PASSWORD),
        ("nopassword", ""),
    ):
        result = await api.login(username, password)
        assert result == {"__typename": "InvalidCredentials", "message": "用户名或密码错误"}, username
    async with sessionmaker() as session:
        assert (await session.exec(select(RefreshToken))).all() == []


async def test_expired_and_tampered_access_tokens_are_unauthenticated(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    admin_id = await add_user(sessionmaker, "admin", is_admin=True)
    other_id = await add_user(sessionmaker, "fin_510000")
    valid = await api.token("admin")
    assert (await api.data(TOKENS, token=valid))["apiTokens"] == []

    expired = issue_access_token(
        admin_id, now=utcnow() - timedelta(minutes=16), secret_key=settings.SECRET_KEY
    )
    # Claim to be another (existing) user, keeping the original signature.
    header, payload, signature = valid.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps({**claims, "sub": str(other_id)}).encode()).rstrip(b"=")
    tampered = f"{header}.{forged.decode()}.{signature}"
    other_key = issue_access_token(admin_id, secret_key="another key of at least thirty-two bytes")
    for bad in (expired, tampered, other_key, "not-a-jwt"):
        assert await api.error_code(TOKENS, token=bad) == "UNAUTHENTICATED"
        assert (await api.data(ME, token=bad))["me"] is None
    assert await api.error_code(TOKENS) == "UNAUTHENTICATED"


# --- refresh and logout ---------------------------------------------------------------------------------


async def test_refresh_rotates_and_reuse_revokes_the_family(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_user(sessionmaker, "fin_510000")
    first = await api.login("fin_510000")
    other_session = await api.login("fin_510000")  # another device: another family

    rotated = (await api.data(REFRESH, {"token": first["refreshToken"]}))["tokenRefresh"]
    assert rotated["__typename"] == "LoginSuccess" and rotated["user"] == {"username": "fin_510000"}
    assert rotated["refreshToken"] != first["refreshToken"]
    assert (await api.data(ME, token=rotated["accessToken"]))["me"]["username"] == "fin_510000"

    # The used token comes back (a copy was stolen): refused, and the token it was rotated into dies too.
    reused = (await api.data(REFRESH, {"token": first["refreshToken"]}))["tokenRefresh"]
    assert reused == {"__typename": "InvalidCredentials", "message": "登录已失效，请重新登录"}
    assert (await api.data(REFRESH, {"token": rotated["refreshToken"]}))["tokenRefresh"][
        "__typename"
    ] == "InvalidCredentials"
    # The other device's session is untouched.
    again = (await api.data(REFRESH, {"token": other_session["refreshToken"]}))["tokenRefresh"]
    assert again["__typename"] == "LoginSuccess"

    unknown = (await api.data(REFRESH, {"token": "made-up"}))["tokenRefresh"]
    assert unknown["__typename"] == "InvalidCredentials"


async def test_logout_ends_the_session(api: Api, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await add_user(sessionmaker, "fin_510000")
    session = await api.login("fin_510000")
    rotated = (await api.data(REFRESH, {"token": session["refreshToken"]}))["tokenRefresh"]
    assert (await api.data(LOGOUT, {"token": rotated["refreshToken"]}))["logout"] is True
    refused = (await api.data(REFRESH, {"token": rotated["refreshToken"]}))["tokenRefresh"]
    assert refused["__typename"] == "InvalidCredentials"
    assert (await api.data(LOGOUT, {"token": "made-up"}))["logout"] is False
    async with sessionmaker() as s:
        assert all(t.revoked_at is not None for t in (await s.exec(select(RefreshToken))).all())


# --- API tokens ---------------------------------------------------------------------------------------------


async def test_api_token_lifecycle(api: Api, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await add_user(sessionmaker, "admin", is_admin=True)
    await add_user(sessionmaker, "svc_downstream", is_service_account=True, with_password=False)
    admin = await api.token("admin")

    created = (
        await api.data(TOKEN_CREATE, {"input": {"name": " 决算系统 ", "username": "svc_downstream"}}, admin)
    )["apiTokenCreate"]
    assert created["__typename"] == "ApiTokenCreated"
    plaintext, token = created["token"], created["apiToken"]
    assert plaintext.startswith("fp_") and len(plaintext) == 43
    assert token["name"] == "决算系统" and token["prefix"] == plaintext[:10]
    assert token["user"] == {"username": "svc_downstream"}
    assert token["revokedAt"] is None and token["lastUsedAt"] is None
    assert token["createdAt"].endswith("+00:00")

    # The service account acts with it; its use is recorded.
    me = (await api.data(ME, token=plaintext))["me"]
    assert (me["username"], me["organizationName"]) == ("svc_downstream", "四川省财政厅")
    [listed] = (await api.data(TOKENS, token=admin))["apiTokens"]
    assert listed["lastUsedAt"] is not None and "token" not in listed
    assert {k: listed[k] for k in ("id", "name", "prefix")} == {k: token[k] for k in ("id", "name", "prefix")}

    revoked = (await api.data(TOKEN_REVOKE, {"id": token["id"]}, admin))["apiTokenRevoke"]
    assert revoked["__typename"] == "ApiToken" and revoked["revokedAt"] is not None
    assert (await api.data(ME, token=plaintext))["me"] is None
    # Revoking again changes nothing.
    again = (await api.data(TOKEN_REVOKE, {"id": token["id"]}, admin))["apiTokenRevoke"]
    assert again["revokedAt"] == revoked["revokedAt"]
    missing = (await api.data(TOKEN_REVOKE, {"id": "999999"}, admin))["apiTokenRevoke"]
    assert missing == {"__typename": "NotFoundError", "entity": "API 令牌", "key": "999999"}

    async with sessionmaker() as session:
        [stored] = (await session.exec(select(ApiToken))).all()
        events = (await session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))).all()
    assert stored.token_hash != plaintext and plaintext not in json.dumps([e.changes for e in events])
    assert [e.operation for e in events] == ["apiTokenCreate", "apiTokenRevoke"]
    assert all("token_hash" not in e.changes for e in events)


async def test_api_tokens_are_for_administrators_only(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_user(sessionmaker, "fin_510000")
    await add_user(sessionmaker, "svc_downstream", is_service_account=True, with_password=False)
    user = await api.token("fin_510000")
    create = {"input": {"name": "x", "username": "svc_downstream"}}
    for token, code in ((user, "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        assert await api.error_code(TOKEN_CREATE, create, token) == code
        assert await api.error_code(TOKEN_REVOKE, {"id": "1"}, token) == code
        assert await api.error_code(TOKENS, token=token) == code
    body = await api.post(TOKENS, token=user)
    assert body["errors"][0]["message"] == "仅系统管理员可以管理 API 令牌"
    async with sessionmaker() as session:
        assert (await session.exec(select(ApiToken))).all() == []


async def test_api_token_create_validates_its_input(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_user(sessionmaker, "admin", is_admin=True)
    await add_user(sessionmaker, "fin_510000")
    await add_user(sessionmaker, "svc_old", is_service_account=True, is_active=False, with_password=False)
    admin = await api.token("admin")

    async def problems(name: str, username: str) -> list[tuple[str, str]]:
        result = (await api.data(TOKEN_CREATE, {"input": {"name": name, "username": username}}, admin))[
            "apiTokenCreate"
        ]
        assert result["__typename"] == "ValidationError"
        return [(f["field"], f["code"]) for f in result["fields"]]

    assert await problems("  ", "nobody") == [("input.name", "REQUIRED"), ("input.username", "NOT_FOUND")]
    assert await problems("x", "fin_510000") == [("input.username", "INVALID")]  # not a service account
    assert await problems("x", "svc_old") == [("input.username", "INVALID")]  # deactivated
    assert await problems("x" * 101, "admin") == [
        ("input.name", "OUT_OF_RANGE"),
        ("input.username", "INVALID"),
    ]


async def test_a_service_account_token_is_not_a_login(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """An access token (JWT) of a service account is refused: they authenticate with API tokens only."""
    svc = await add_user(sessionmaker, "svc_downstream", is_service_account=True, with_password=False)
    token = issue_access_token(svc, secret_key=settings.SECRET_KEY)
    assert (await api.data(ME, token=token))["me"] is None


# --- rate limiting ------------------------------------------------------------------------------------------


async def test_sixth_attempt_for_a_username_from_one_address_is_refused_unchecked(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Finding 6b: five wrong passwords from anywhere locked the user out everywhere for 15 minutes. Now
    they lock out that username from that address only."""
    await add_user(sessionmaker, "fin_510000")
    await add_user(sessionmaker, "hrss_510100")
    app = app_for(engine)
    async with client_for(app, "10.6.6.6") as one, client_for(app, "10.0.0.2") as two:
        attacker, elsewhere = Api(one), Api(two)
        for _ in range(5):
            assert (await attacker.login("fin_510000", "wrong"))["__typename"] == "InvalidCredentials"
        for username in ("fin_510000", "FIN_510000 "):  # even with the right password; case does not help
            refused = await attacker.login(username)
            assert refused["__typename"] == "TooManyAttempts"
            assert 880 <= refused["retryAfterSeconds"] <= 900
            assert refused["message"] == f"登录尝试过于频繁，请 {refused['retryAfterSeconds']} 秒后再试"
        async with sessionmaker() as session:
            assert (await session.exec(select(RefreshToken))).all() == []  # nothing opened
        # Another user from the same address is not affected (20 per address) ...
        assert (await attacker.login("hrss_510100"))["__typename"] == "LoginSuccess"
        # ... and neither is this user from another address.
        assert (await elsewhere.login("fin_510000"))["__typename"] == "LoginSuccess"


async def test_failures_for_a_username_from_many_addresses_only_slow_it_down(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_user(sessionmaker, "fin_510000")
    app = app_for(engine, LOGIN_MAX_FAILURES_PER_USERNAME=3)
    for i in range(4):  # a guesser spread over addresses: no pair, no address reaches its limit
        async with client_for(app, f"10.1.0.{i}") as http:
            assert (await Api(http).login("fin_510000", "guess"))["__typename"] == "InvalidCredentials"
    async with client_for(app, "10.0.0.7") as http:
        real = Api(http)
        refused = await real.login("fin_510000")  # a backoff of seconds, not a 15-minute lock
        assert refused["__typename"] == "TooManyAttempts" and refused["retryAfterSeconds"] == 1
        await asyncio.sleep(1.1)
        assert (await real.login("fin_510000"))["__typename"] == "LoginSuccess"


async def test_concurrent_guesses_do_not_slip_past_the_limit(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_user(sessionmaker, "fin_510000")
    results = await asyncio.gather(*(api.login("fin_510000", f"guess{i}") for i in range(12)))
    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["InvalidCredentials"] * 5 + ["TooManyAttempts"] * 7


async def test_a_success_clears_the_username_count(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_user(sessionmaker, "fin_510000")
    for _ in range(2):
        for _ in range(4):
            assert (await api.login("fin_510000", "wrong"))["__typename"] == "InvalidCredentials"
        assert (await api.login("fin_510000"))["__typename"] == "LoginSuccess"


async def test_attempts_are_limited_per_address(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_user(sessionmaker, "fin_510000")
    app = app_for(engine, LOGIN_MAX_FAILURES_PER_ADDRESS=3, LOGIN_FAILURE_WINDOW_SECONDS=600)
    async with client_for(app, "10.0.0.1") as one, client_for(app, "10.0.0.2") as two:
        attacker, other = Api(one), Api(two)
        for username in ("a", "b", "c"):  # a different username each time: only the address adds up
            assert (await attacker.login(username, "guess"))["__typename"] == "InvalidCredentials"
        refused = await attacker.login("fin_510000")
        assert refused["__typename"] == "TooManyAttempts" and 590 <= refused["retryAfterSeconds"] <= 600
        assert (await other.login("fin_510000"))["__typename"] == "LoginSuccess"


# --- WebSocket ----------------------------------------------------------------------------------------------


@pytest.fixture
async def server(engine: AsyncEngine, sessionmaker: object) -> AsyncIterator[str]:
    """A real uvicorn server on a free local port, in this event loop; yields its base URL."""
    async with serve_app(app_for(engine)) as base_url:
        yield base_url


WsQuery = Callable[[dict[str, object] | None], Awaitable[Any]]


def ws_me(server: str) -> WsQuery:
    """Connects with a connection_init payload and asks `me`; returns its data."""

    async def run(payload: dict[str, object] | None) -> Any:
        async with websockets.connect(
            websocket_url(server), subprotocols=[Subprotocol("graphql-transport-ws")]
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": ME}}))
            result = json.loads(await ws.recv())
            assert result["type"] == "next" and "errors" not in result["payload"], result
            assert json.loads(await ws.recv()) == {"id": "1", "type": "complete"}
            return result["payload"]["data"]["me"]

    return run


async def test_websocket_authenticates_in_connection_init(
    server: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_user(sessionmaker, "fin_510000")
    async with httpx.AsyncClient(base_url=server) as http:
        token = await Api(http).token("fin_510000")
    me = ws_me(server)
    assert (await me({"Authorization": f"Bearer {token}"}))["username"] == "fin_510000"
    assert (await me({"authorization": f"Bearer {token}"}))["regionName"] == "四川省"
    assert await me(None) is None  # anonymous connections are allowed; protected operations refuse them


async def test_websocket_accepts_api_tokens(
    server: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_user(sessionmaker, "admin", is_admin=True)
    await add_user(sessionmaker, "svc_downstream", is_service_account=True, with_password=False)
    async with httpx.AsyncClient(base_url=server) as http:
        api = Api(http)
        create = {"input": {"name": "ws", "username": "svc_downstream"}}
        created = (await api.data(TOKEN_CREATE, create, await api.token("admin")))["apiTokenCreate"]
    assert (await ws_me(server)({"Authorization": f"Bearer {created['token']}"}))[
        "username"
    ] == "svc_downstream"


@pytest.mark.parametrize(
    "payload",
    [
        {"Authorization": "Bearer not-a-token"},
        {"authorization": "Bearer fp_unknownunknownunknownunknownunknownunkno"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": 42},
    ],
)
async def test_websocket_refuses_bad_credentials(server: str, payload: dict[str, object]) -> None:
    async with websockets.connect(
        websocket_url(server), subprotocols=[Subprotocol("graphql-transport-ws")]
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        with pytest.raises(websockets.exceptions.ConnectionClosedError) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "Forbidden")


async def test_websocket_errors_carry_their_code(server: str) -> None:
    async with websockets.connect(
        websocket_url(server), subprotocols=[Subprotocol("graphql-transport-ws")]
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": TOKENS}}))
        result = json.loads(await ws.recv())
    [error] = result["payload"]["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_demo_users_log_in_with_the_documented_password(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session:
        await load_demo_data(session=session)
        await session.commit()
    for username, organization in (
        ("admin", "四川省财政厅"),
        ("agency_med_510100", "成都市医疗保障事务中心"),
    ):
        result = await api.login(username, DEMO_PASSWORD)
        assert result["__typename"] == "LoginSuccess", result
        assert result["user"]["organizationName"] == organization
    admin = (await api.login("admin", DEMO_PASSWORD))["accessToken"]
    assert (await api.data(ME, token=admin))["me"]["isAdmin"] is True
    assert (await api.login(DEMO_SERVICE_ACCOUNT, DEMO_PASSWORD))["__typename"] == "InvalidCredentials"


# --- API token scope, region and expiry (finding 5) ---------------------------------------------------------

TOKENS_FULL = "{ apiTokens { name scope region { code } expiresAt lastUsedAt revokedAt } }"
SUBMIT_TO_NATIONAL = """
mutation($id: ID!, $rowVersion: Int!) {
  goalSubmitToNational(id: $id, rowVersion: $rowVersion) {
    __typename
    ... on GoalSuccess { goal { status } }
  }
}"""
GOAL_CREATE = """
mutation($input: GoalCreateInput!) { goalCreate(input: $input) { __typename } }"""
BUDGET_APPROVE = """
mutation($id: ID!) { budgetApprove(id: $id, rowVersion: 1) { __typename } }"""
READS = """
{
  goals(filter: {year: 2026}, first: 50) { nodes { region { code } } }
  budgets(filter: {year: 2026}, first: 50) { nodes { region { code } } }
}"""
GOAL = "query($id: ID!) { goal(id: $id) { __typename } }"


async def create_token(api: Api, admin: str, **fields: Any) -> Any:
    variables = {"input": {"name": "下游系统", "username": "svc_downstream", **fields}}
    return (await api.data(TOKEN_CREATE, variables, admin))["apiTokenCreate"]


async def goal_state(sessionmaker: async_sessionmaker[AsyncSession], goal_id: int) -> tuple[Any, ...]:
    """What a refused mutation must leave as it was: the goal, its transitions, the audit trail."""
    async with sessionmaker() as session:
        goal = (await session.exec(select(Goal).where(Goal.id == goal_id))).one()
        transitions = (await session.exec(select(GoalTransition))).all()
        operations = (await session.exec(select(AuditEvent.operation).order_by(col(AuditEvent.id)))).all()
    return goal.status, goal.row_version, len(transitions), list(operations)


@pytest.fixture
async def province_goals(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """A REVIEWED province-wide goal (ready for national review) and goals and budgets of a few regions."""
    ids: dict[str, int] = {}
    async with sessionmaker() as session:
        for region, status in (
            ("510000", GoalStatus.REVIEWED),
            ("510100", GoalStatus.ISSUED),
            ("510104", GoalStatus.DRAFT),
            ("511800", GoalStatus.ISSUED),
        ):
            goal = await make_goal(session, region_code=region, status=status)
            ids[region] = goal.id or 0
            budget = await make_budget(session, region_code=region)
            ids[f"budget {region}"] = budget.id or 0
        await session.commit()
    return ids


async def test_a_read_only_api_token_runs_no_mutation(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession], province_goals: dict[str, int]
) -> None:
    """Finding 5: svc_downstream's token submitted a goal to national level with its organization's rights."""
    await add_user(sessionmaker, "admin", is_admin=True)
    await add_user(sessionmaker, "svc_downstream", is_service_account=True, with_password=False)
    admin = await api.token("admin")
    created = await create_token(api, admin)  # READ unless asked otherwise
    assert created["__typename"] == "ApiTokenCreated"
    read_only = created["token"]
    goal_id = province_goals["510000"]
    before = await goal_state(sessionmaker, goal_id)

    submit = {"id": str(goal_id), "rowVersion": 1}
    assert await api.error_code(SUBMIT_TO_NATIONAL, submit, read_only) == "FORBIDDEN"
    body = await api.post(SUBMIT_TO_NATIONAL, submit, read_only)
    assert body["errors"][0]["message"] == "只读 API 令牌不能执行修改操作"
    create = {
        "input": {
            "fundTypeCode": "EMPLOYEE_MEDICAL",
            "regionCode": "510000",
            "horizon": "ANNUAL",
            "startYear": 2030,
            "endYear": 2030,
            "title": "t",
        }
    }
    assert await api.error_code(GOAL_CREATE, create, read_only) == "FORBIDDEN"
    budget = {"id": str(province_goals["budget 510000"])}
    assert await api.error_code(BUDGET_APPROVE, budget, read_only) == "FORBIDDEN"
    assert await api.error_code(TOKEN_REVOKE, {"id": "999999"}, read_only) == "FORBIDDEN"
    assert await goal_state(sessionmaker, goal_id) == before
    async with sessionmaker() as session:
        assert len((await session.exec(select(Goal))).all()) == 4
        approved = (
            await session.exec(select(FundBudget).where(col(FundBudget.approved_at).is_not(None)))
        ).all()
        assert approved == []

    # It still reads what its account sees.
    reads = await api.data(READS, token=read_only)
    assert len(reads["goals"]["nodes"]) == 4 and len(reads["budgets"]["nodes"]) == 4
    # The same account with a READ_WRITE token may do what its organization may (the control).
    read_write = (await create_token(api, admin, scope="READ_WRITE"))["token"]
    done = (await api.data(SUBMIT_TO_NATIONAL, submit, read_write))["goalSubmitToNational"]
    assert done == {"__typename": "GoalSuccess", "goal": {"status": "SUBMITTED_TO_NATIONAL"}}


async def test_an_api_token_with_a_region_acts_only_in_its_subtree(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession], province_goals: dict[str, int]
) -> None:
    await add_user(sessionmaker, "admin", is_admin=True)
    await add_user(sessionmaker, "svc_downstream", is_service_account=True, with_password=False)
    await add_user(sessionmaker, "fin_510100", region_code="510100")
    await add_user(sessionmaker, "fin_511800", region_code="511800")
    admin = await api.token("admin")
    created = await create_token(api, admin, scope="READ_WRITE", regionCode="510100")
    assert created["__typename"] == "ApiTokenCreated"
    chengdu = created["token"]

    # Reads: nothing outside 成都市 and below, not even the account's own (province) region.
    reads = await api.data(READS, token=chengdu)
    assert sorted(n["region"]["code"] for n in reads["goals"]["nodes"]) == ["510100", "510104"]
    assert sorted(n["region"]["code"] for n in reads["budgets"]["nodes"]) == ["510100", "510104"]
    for region in ("510000", "511800"):
        found = (await api.data(GOAL, {"id": str(province_goals[region])}, chengdu))["goal"]
        assert found == {"__typename": "NotFoundError"}
    assert await api.error_code(AUDIT, token=chengdu) == "FORBIDDEN"
    users = await api.data(USERS, token=chengdu)
    assert usernames(users) == {"fin_510100"}

    # Writes outside it are refused, and change nothing (the province goal it cannot even see).
    goal_id = province_goals["510000"]
    before = await goal_state(sessionmaker, goal_id)
    submit = {"id": str(goal_id), "rowVersion": 1}
    refused = (await api.data(SUBMIT_TO_NATIONAL, submit, chengdu))["goalSubmitToNational"]
    assert refused == {"__typename": "NotFoundError"}
    assert await goal_state(sessionmaker, goal_id) == before

    listed = (await api.data(TOKENS_FULL, token=admin))["apiTokens"]
    assert [(t["scope"], t["region"], t["expiresAt"]) for t in listed] == [
        ("READ_WRITE", {"code": "510100"}, None)
    ]
    assert listed[0]["lastUsedAt"] is not None


async def test_api_token_create_validates_scope_region_and_expiry(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_user(sessionmaker, "admin", is_admin=True)
    await add_user(
        sessionmaker, "svc_chengdu", is_service_account=True, with_password=False, region_code="510100"
    )
    admin = await api.token("admin")

    async def problems(**fields: Any) -> list[tuple[str, str]]:
        variables = {"input": {"name": "t", "username": "svc_chengdu", **fields}}
        result = (await api.data(TOKEN_CREATE, variables, admin))["apiTokenCreate"]
        assert result["__typename"] == "ValidationError", result
        return [(f["field"], f["code"]) for f in result["fields"]]

    past = (utcnow() - timedelta(minutes=1)).isoformat()
    assert await problems(expiresAt=past) == [("input.expiresAt", "OUT_OF_RANGE")]
    assert await problems(regionCode="999999") == [("input.regionCode", "NOT_FOUND")]
    # Outside the service account's organization's region (成都市): a sibling, and the province above.
    assert await problems(regionCode="511800") == [("input.regionCode", "OUT_OF_RANGE")]
    assert await problems(regionCode="510000", expiresAt=past) == [
        ("input.regionCode", "OUT_OF_RANGE"),
        ("input.expiresAt", "OUT_OF_RANGE"),
    ]
    body = await api.post(
        TOKEN_CREATE, {"input": {"name": "t", "username": "svc_chengdu", "scope": "ALL"}}, admin
    )
    assert body["errors"][0]["extensions"]["code"] in {"INVALID_ARGUMENT", "GRAPHQL_VALIDATION_FAILED"}
    async with sessionmaker() as session:
        assert (await session.exec(select(ApiToken))).all() == []

    future = (utcnow() + timedelta(days=30)).isoformat()
    created = (
        await api.data(
            TOKEN_CREATE,
            {"input": {"name": "t", "username": "svc_chengdu", "regionCode": "510104", "expiresAt": future}},
            admin,
        )
    )["apiTokenCreate"]
    assert created["__typename"] == "ApiTokenCreated"
    [listed] = (await api.data(TOKENS_FULL, token=admin))["apiTokens"]
    assert (listed["scope"], listed["region"]) == ("READ", {"code": "510104"})
    assert listed["expiresAt"] is not None and listed["expiresAt"].endswith("+00:00")


async def test_an_expired_api_token_authenticates_as_nobody(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_user(sessionmaker, "admin", is_admin=True)
    await add_user(sessionmaker, "svc_downstream", is_service_account=True, with_password=False)
    admin = await api.token("admin")
    later = (utcnow() + timedelta(hours=1)).isoformat()
    token = (await create_token(api, admin, scope="READ_WRITE", expiresAt=later))["token"]
    assert (await api.data(ME, token=token))["me"]["username"] == "svc_downstream"
    await expire_api_tokens(sessionmaker)
    assert (await api.data(ME, token=token))["me"] is None
    assert await api.error_code(READS, token=token) == "UNAUTHENTICATED"
    assert await api.error_code(TOKEN_REVOKE, {"id": "1"}, token) == "UNAUTHENTICATED"


async def expire_api_tokens(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Time passes: every API token's expiry is now behind us."""
    async with sessionmaker() as session:
        for token in (await session.exec(select(ApiToken))).all():
            token.expires_at = utcnow() - timedelta(seconds=1)
            session.add(token)
        await session.commit()


# --- WebSocket: credentials checked again before every operation (finding 5) ----------------------------


class WsConnection:
    """A graphql-transport-ws connection that has been acknowledged; operations one at a time."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self.ids = 0

    async def run(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        self.ids += 1
        message = {"query": query, "variables": variables or {}}
        await self.ws.send(json.dumps({"id": str(self.ids), "type": "subscribe", "payload": message}))
        result = json.loads(await self.ws.recv())
        assert result["type"] == "next", result
        assert json.loads(await self.ws.recv()) == {"id": str(self.ids), "type": "complete"}
        return result["payload"]

    async def refused(self, query: str, variables: dict[str, Any] | None = None) -> tuple[int, str]:
        """Sends an operation that must not run: the server closes the connection instead."""
        self.ids += 1
        message = {"query": query, "variables": variables or {}}
        await self.ws.send(json.dumps({"id": str(self.ids), "type": "subscribe", "payload": message}))
        with pytest.raises(websockets.exceptions.ConnectionClosedError) as closed:
            await self.ws.recv()
        assert closed.value.rcvd is not None
        return closed.value.rcvd.code, closed.value.rcvd.reason


@contextlib.asynccontextmanager
async def ws_connection(server: str, token: str) -> AsyncIterator[WsConnection]:
    async with websockets.connect(
        websocket_url(server), subprotocols=[Subprotocol("graphql-transport-ws")]
    ) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        yield WsConnection(ws)


async def test_websocket_operations_stop_when_the_access_token_expires(
    server: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Finding 5: the context was built once per connection, so an expired access token kept working."""
    admin_id = await add_user(sessionmaker, "admin", is_admin=True)
    await add_user(sessionmaker, "svc_downstream", is_service_account=True, with_password=False)
    issued = utcnow()
    short = issue_access_token(
        admin_id, secret_key=make_settings().SECRET_KEY, now=issued, ttl=timedelta(seconds=2)
    )
    expires = int((issued + timedelta(seconds=2)).timestamp())  # the token's exp claim
    create = {"input": {"name": "ws", "username": "svc_downstream"}}
    async with ws_connection(server, short) as ws:
        assert (await ws.run(TOKENS))["data"] == {"apiTokens": []}
        assert (await ws.run(ME))["data"]["me"]["username"] == "admin"
        await asyncio.sleep(max(0.0, expires - time.time()) + 0.2)
        assert await ws.refused(TOKEN_CREATE, create) == (4403, "Forbidden")
    async with sessionmaker() as session:
        assert (await session.exec(select(ApiToken))).all() == []
        assert (await session.exec(select(AuditEvent))).all() == []


@pytest.mark.parametrize("end", ["revoked", "expired"])
async def test_websocket_operations_stop_when_the_api_token_ends(
    server: str, sessionmaker: async_sessionmaker[AsyncSession], end: str
) -> None:
    await add_user(sessionmaker, "admin", is_admin=True)
    await add_user(sessionmaker, "svc_downstream", is_service_account=True, with_password=False)
    async with httpx.AsyncClient(base_url=server) as http:
        api = Api(http)
        admin = await api.token("admin")
        created = await create_token(api, admin, scope="READ_WRITE")
        async with ws_connection(server, created["token"]) as ws:
            assert (await ws.run(ME))["data"]["me"]["username"] == "svc_downstream"
            assert (await ws.run(ME))["data"]["me"]["username"] == "svc_downstream"  # still fine
            if end == "revoked":
                revoked = await api.data(TOKEN_REVOKE, {"id": created["apiToken"]["id"]}, admin)
                assert revoked["apiTokenRevoke"]["revokedAt"] is not None
            else:
                await expire_api_tokens(sessionmaker)
            assert await ws.refused(ME) == (4403, "Forbidden")


# --- who sees usernames (finding 6a) ------------------------------------------------------------------------

USERS = "{ organizations(first: 100) { nodes { name region { code } users { username } } } }"
MY_COLLEAGUES = "{ me { organization { users { username } } } }"
AUDIT = "{ auditEvents(first: 1) { nodes { operation } } }"


def usernames(data: Any) -> set[str]:
    return {u["username"] for org in data["organizations"]["nodes"] for u in org["users"]}


async def test_usernames_are_shown_only_to_those_who_work_with_them(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """Finding 6a: anyone logged in could list every username (and then lock them out)."""
    everyone = {
        "fin_510000": (ActorType.FINANCE, "510000"),
        "admin": (ActorType.FINANCE, "510000"),
        "fin_510100": (ActorType.FINANCE, "510100"),
        "hrss_510100": (ActorType.HRSS, "510100"),
        "fin_510104": (ActorType.FINANCE, "510104"),
        "fin_511800": (ActorType.FINANCE, "511800"),
        "thirdparty": (ActorType.THIRD_PARTY, "510000"),
    }
    ids = {
        name: await add_user(sessionmaker, name, actor_type=kind, region_code=code, is_admin=name == "admin")
        for name, (kind, code) in everyone.items()
    }

    async def seen(username: str) -> tuple[set[str], set[str]]:
        token = issue_access_token(ids[username], secret_key=settings.SECRET_KEY)
        listed = await api.data(USERS, token=token)
        assert len(listed["organizations"]["nodes"]) == 6  # every organization is still listed
        colleagues = (await api.data(MY_COLLEAGUES, token=token))["me"]["organization"]["users"]
        return usernames(listed), {u["username"] for u in colleagues}

    # The crafted request: a user of 雅安市 asks for every organization's users; it sees its own only.
    assert await seen("fin_511800") == ({"fin_511800"}, {"fin_511800"})
    assert await seen("thirdparty") == ({"thirdparty"}, {"thirdparty"})
    # Its own region and below: 成都市 sees 成都市 and 锦江区, not the province above nor 雅安市.
    assert await seen("fin_510100") == ({"fin_510100", "hrss_510100", "fin_510104"}, {"fin_510100"})
    assert (await seen("fin_510104"))[0] == {"fin_510104"}
    assert (await seen("fin_510000"))[0] == set(everyone)
    assert (await seen("admin"))[0] == set(everyone)


# --- proxy headers (finding 6c) -------------------------------------------------------------------------


def test_no_proxy_is_trusted_by_default() -> None:
    assert Settings(_env_file=None).uvicorn_proxy_options() == {
        "proxy_headers": False,
        "forwarded_allow_ips": "",
    }
    configured = make_settings(FORWARDED_ALLOW_IPS=" 10.0.0.1,10.0.0.2 ")
    assert configured.uvicorn_proxy_options() == {
        "proxy_headers": True,
        "forwarded_allow_ips": "10.0.0.1,10.0.0.2",
    }


@pytest.mark.parametrize(
    ("forwarded_allow_ips", "fourth"), [("", "TooManyAttempts"), ("127.0.0.1", "InvalidCredentials")]
)
async def test_x_forwarded_for_counts_only_from_a_configured_proxy(
    engine: AsyncEngine, sessionmaker: object, forwarded_allow_ips: str, fourth: str
) -> None:
    """Finding 6c: uvicorn trusted X-Forwarded-For from 127.0.0.1, so a local client named any address it
    liked and escaped the per-address limit. The server runs with the options `fundperf serve` gives it."""
    settings = make_settings(LOGIN_MAX_FAILURES_PER_ADDRESS=3, FORWARDED_ALLOW_IPS=forwarded_allow_ips)
    app = create_app(settings, engine=engine)
    results = []
    async with (
        serve_app(app, **settings.uvicorn_proxy_options()) as base_url,
        httpx.AsyncClient(base_url=base_url) as http,
    ):
        for i in range(4):  # another username and another claimed address each time
            http.headers["X-Forwarded-For"] = f"203.0.113.{i}"
            results.append((await Api(http).login(f"nobody{i}", "guess"))["__typename"])
    # Not configured: every attempt is counted under 127.0.0.1, the real peer, and the 4th is refused.
    assert results == ["InvalidCredentials"] * 3 + [fourth]
