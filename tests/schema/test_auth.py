"""Login, refresh, logout, API tokens and WebSocket authentication, through the real app (and a real server
for WebSocket), on SQLite and PostgreSQL."""

import asyncio
import base64
import json
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
from src.models import ApiToken, AuditEvent, Organization, RefreshToken, Region, User
from src.models.base import utcnow
from src.models.enums import ActorType
from src.seed.demo import DEMO_PASSWORD, DEMO_SERVICE_ACCOUNT, load_demo_data
from src.services.identity.passwords import hash_password
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from tests.conftest import make_settings
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
) -> int:
    """A user of 四川省财政厅 (created when missing)."""
    async with sessionmaker() as session:
        region = (await session.exec(select(Region).where(Region.code == "510000"))).one()
        org = (
            await session.exec(select(Organization).where(Organization.actor_type == ActorType.FINANCE))
        ).first()
        if org is None:
            org = Organization(name="四川省财政厅", actor_type=ActorType.FINANCE, region_id=region.id or 0)
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


async def test_sixth_attempt_for_a_username_is_refused_unchecked(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_user(sessionmaker, "fin_510000")
    await add_user(sessionmaker, "hrss_510100")
    for _ in range(5):
        assert (await api.login("fin_510000", "wrong"))["__typename"] == "InvalidCredentials"
    for username in ("fin_510000", "FIN_510000 "):  # even with the right password; case does not help
        refused = await api.login(username)
        assert refused["__typename"] == "TooManyAttempts"
        assert 880 <= refused["retryAfterSeconds"] <= 900
        assert refused["message"] == f"登录尝试过于频繁，请 {refused['retryAfterSeconds']} 秒后再试"
    # Another user from the same address is not affected (20 per address).
    assert (await api.login("hrss_510100"))["__typename"] == "LoginSuccess"


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
