"""From a request's Authorization value (or WebSocket connection_init payload) to the acting user."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import ApiToken, User
from src.models.base import utcnow
from src.services.actors import Actor, load_actor
from src.services.identity.api_tokens import ApiTokenSpec, create_api_token
from src.services.identity.authentication import (
    TokenCache,
    authenticate,
    authenticate_many,
    bearer_token,
    connection_authorization,
)
from src.services.identity.tokens import ACCESS_TOKEN_TTL, issue_access_token, sha256
from src.settings import Settings
from tests.conftest import StatementCounter
from tests.services.identity.conftest import add_user


def test_bearer_and_connection_params() -> None:
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer  abc ") == "abc"
    assert bearer_token("Basic abc") is None
    assert bearer_token("Bearer ") is None
    assert bearer_token(None) is None
    assert connection_authorization({"Authorization": "Bearer a"}) == "Bearer a"
    assert connection_authorization({"authorization": "Bearer b"}) == "Bearer b"
    assert connection_authorization({}) is None
    assert connection_authorization(None) is None
    assert connection_authorization({"Authorization": ["x"]}) == ""  # present but unusable: refused


async def test_authenticate_access_tokens(
    sessionmaker: async_sessionmaker[AsyncSession], org_id: int, settings: Settings
) -> None:
    async with sessionmaker() as session:
        user = await add_user(session, org_id, "fin_510000")
        service = await add_user(session, org_id, "svc", is_service_account=True)
        await session.commit()
        assert user.id is not None and service.id is not None
    key = settings.SECRET_KEY

    async def who(authorization: str | None, secret_key: str = key) -> str | None:
        async with sessionmaker() as session:
            actor = await authenticate(session=session, authorization=authorization, secret_key=secret_key)
            return None if actor is None else actor.username

    token = issue_access_token(user.id, secret_key=key)
    assert await who(f"Bearer {token}") == "fin_510000"
    assert await who(f"Bearer {token}", secret_key="another key of at least thirty-two bytes") is None
    assert await who(f"Basic {token}") is None
    assert await who(None) is None
    assert await who("Bearer fp_unknown") is None
    # Service accounts use API tokens only, never access tokens.
    assert await who(f"Bearer {issue_access_token(service.id, secret_key=key)}") is None


# --- one authenticator: a request (authenticate) and the event hub (authenticate_many) agree -------------


@dataclass(frozen=True)
class World:
    """Users of 四川省财政厅: "fin" (logs in), "svc" and "svc2" (service accounts), and "admin", who makes
    API tokens."""

    sessionmaker: async_sessionmaker[AsyncSession]
    key: str
    admin: Actor
    ids: dict[str, int]

    def access(self, username: str, **issue: Any) -> str:
        return f"Bearer {issue_access_token(self.ids[username], **{'secret_key': self.key, **issue})}"

    async def api_token(self, **fields: Any) -> str:
        async with self.sessionmaker() as session:
            spec = ApiTokenSpec.model_validate({"name": "t", "username": "svc", **fields})
            created = await create_api_token(session=session, actor=self.admin, spec=spec)
            await session.commit()
        return created.plaintext

    async def change_user(self, username: str, **fields: Any) -> None:
        async with self.sessionmaker() as session:
            await session.exec(update(User).where(col(User.id) == self.ids[username]).values(**fields))
            await session.commit()

    async def change_token(self, plaintext: str, **fields: Any) -> None:
        async with self.sessionmaker() as session:
            stmt = update(ApiToken).where(col(ApiToken.token_hash) == sha256(plaintext)).values(**fields)
            await session.exec(stmt)
            await session.commit()


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession], org_id: int, settings: Settings) -> World:
    async with sessionmaker() as session:
        users = [
            await add_user(session, org_id, "fin"),
            await add_user(session, org_id, "svc", is_service_account=True),
            await add_user(session, org_id, "svc2", is_service_account=True),
            await add_user(session, org_id, "admin", is_admin=True),
        ]
        await session.commit()
        ids = {user.username: user.id or 0 for user in users}
        admin = await load_actor(session=session, user_id=ids["admin"])
    assert admin is not None
    return World(sessionmaker, settings.SECRET_KEY, admin, ids)


async def _valid_access(w: World) -> str:
    return w.access("fin")


async def _spelled_otherwise(w: World) -> str:
    return "bearer   " + w.access("fin").removeprefix("Bearer ") + " "


async def _expired_access(w: World) -> str:
    return w.access("fin", now=utcnow() - ACCESS_TOKEN_TTL - timedelta(seconds=1))


async def _wrong_signature(w: World) -> str:
    return w.access("fin", secret_key="another key of at least thirty-two bytes")


async def _deactivated_user(w: World) -> str:
    await w.change_user("fin", is_active=False)
    return w.access("fin")


async def _turned_service_account(w: World) -> str:
    await w.change_user("fin", is_service_account=True)
    return w.access("fin")


async def _unknown_user(w: World) -> str:
    return f"Bearer {issue_access_token(999_999, secret_key=w.key)}"


async def _read(w: World) -> str:
    return f"Bearer {await w.api_token()}"


async def _read_write(w: World) -> str:
    return f"Bearer {await w.api_token(scope='READ_WRITE')}"


async def _with_region(w: World) -> str:
    return f"Bearer {await w.api_token(scope='READ_WRITE', region_code='510100')}"


async def _expiring_later(w: World) -> str:
    return f"Bearer {await w.api_token(expires_at=utcnow() + timedelta(hours=1))}"


async def _revoked(w: World) -> str:
    plaintext = await w.api_token()
    await w.change_token(plaintext, revoked_at=utcnow())
    return f"Bearer {plaintext}"


async def _expired_api_token(w: World) -> str:
    plaintext = await w.api_token(expires_at=utcnow() + timedelta(hours=1))
    await w.change_token(plaintext, expires_at=utcnow() - timedelta(seconds=1))
    return f"Bearer {plaintext}"


async def _account_deactivated(w: World) -> str:
    plaintext = await w.api_token()
    await w.change_user("svc", is_active=False)
    return f"Bearer {plaintext}"


async def _no_longer_a_service_account(w: World) -> str:
    plaintext = await w.api_token(scope="READ_WRITE")
    await w.change_user("svc", is_service_account=False)
    return f"Bearer {plaintext}"


async def _unknown_api_token(w: World) -> str:
    return "Bearer fp_" + "x" * 40


def _given(value: str) -> Callable[[World], Awaitable[str]]:
    async def make(w: World) -> str:
        return value

    return make


async def _api_token_without_scheme(w: World) -> str:
    return await w.api_token()


async def _basic(w: World) -> str:
    return "Basic " + w.access("fin").removeprefix("Bearer ")


Summary = tuple[str, bool, str | None] | None  # username, read_only, token_region_path; None: nobody
CASES: dict[str, tuple[Callable[[World], Awaitable[str]], Summary]] = {
    "access token": (_valid_access, ("fin", False, None)),
    "access token spelled otherwise": (_spelled_otherwise, ("fin", False, None)),
    "access token expired": (_expired_access, None),
    "access token wrongly signed": (_wrong_signature, None),
    "access token, user deactivated": (_deactivated_user, None),
    "access token, user turned service account": (_turned_service_account, None),
    "access token of no user": (_unknown_user, None),
    "API token READ": (_read, ("svc", True, None)),
    "API token READ_WRITE": (_read_write, ("svc", False, None)),
    "API token with a region": (_with_region, ("svc", False, "/510000/510100/")),
    "API token expiring later": (_expiring_later, ("svc", True, None)),
    "API token revoked": (_revoked, None),
    "API token expired": (_expired_api_token, None),
    "API token, account deactivated": (_account_deactivated, None),
    "API token, account no longer a service account": (_no_longer_a_service_account, None),
    "unknown API token": (_unknown_api_token, None),
    "API token without Bearer": (_api_token_without_scheme, None),
    "Basic": (_basic, None),
    "Bearer and nothing": (_given("Bearer "), None),
    "empty": (_given(""), None),
    "not a JWT": (_given("Bearer not-a-jwt"), None),
    "API token prefix only": (_given("Bearer fp_"), None),
}


def summary(actor: Actor | None) -> Summary:
    return None if actor is None else (actor.username, actor.read_only, actor.token_region_path)


@pytest.mark.parametrize("case", CASES)
async def test_a_request_and_the_hub_authenticate_alike(
    world: World, count_statements: StatementCounter, case: str
) -> None:
    """authenticate (a request, a WebSocket operation) and authenticate_many (the hub's deliveries, alone or
    among others, with its cache of verified access tokens) give the same actor, or nobody, for each case."""
    # In the batch besides, one of each kind that no case changes: then it reads tokens and users both.
    admin = world.access("admin")
    svc2 = f"Bearer {await world.api_token(username='svc2')}"
    make, expected = CASES[case]
    authorization = await make(world)
    async with world.sessionmaker() as session:
        one = await authenticate(session=session, authorization=authorization, secret_key=world.key)
    assert summary(one) == expected
    async with world.sessionmaker() as session:
        alone = await authenticate_many(session=session, authorizations={authorization}, secret_key=world.key)
    assert alone == ({} if one is None else {authorization: one})
    cache: TokenCache = {}
    for _ in range(2):  # the second time with the access tokens' signatures already verified
        async with world.sessionmaker() as session:
            count_statements.reset()
            together = await authenticate_many(
                session=session,
                authorizations=[authorization, admin, svc2],
                secret_key=world.key,
                token_cache=cache,
            )
            assert count_statements.count <= 2, count_statements.statements
        assert together.get(authorization) == one
        assert (summary(together[admin]), summary(together[svc2])) == (
            ("admin", False, None),
            ("svc2", True, None),
        )


async def test_an_access_tokens_expiry_is_compared_with_now_on_both_paths(world: World) -> None:
    issued = utcnow().replace(microsecond=0)  # the exp claim is in whole seconds
    authorization = world.access("fin", now=issued)
    expiry = issued + ACCESS_TOKEN_TTL
    cache: TokenCache = {}
    # The cache keeps what a token says, not a verdict: the third check is as valid as the first.
    for now, valid in (
        (expiry - timedelta(seconds=1), True),
        (expiry, False),
        (expiry - timedelta(seconds=1), True),
    ):
        async with world.sessionmaker() as session:
            one = await authenticate(
                session=session, authorization=authorization, secret_key=world.key, now=now
            )
            many = await authenticate_many(
                session=session,
                authorizations={authorization},
                secret_key=world.key,
                now=now,
                token_cache=cache,
            )
        assert (one is not None, authorization in many) == (valid, valid), now


async def test_one_token_spelled_two_ways_is_one_credential(world: World) -> None:
    """Two subscribers may send one token written differently; each is who the token names (the hub once
    kept API tokens by hash, with one of their spellings: the other was refused)."""
    api_token = await world.api_token()
    access = world.access("fin").removeprefix("Bearer ")
    values = [f"Bearer {api_token}", f"bearer  {api_token} ", f"Bearer {access}", f"BEARER {access}"]
    async with world.sessionmaker() as session:
        found = await authenticate_many(session=session, authorizations=values, secret_key=world.key)
    assert [found[v].username for v in values] == ["svc", "svc", "fin", "fin"]
    assert found[values[0]] is found[values[1]] and found[values[2]] is found[values[3]]


async def test_the_hubs_checks_note_no_use_a_request_does(world: World) -> None:
    plaintext = await world.api_token()

    async def last_used() -> datetime | None:
        async with world.sessionmaker() as session:
            return (await session.exec(select(ApiToken.last_used_at))).one()

    async with world.sessionmaker() as session:
        found = await authenticate_many(
            session=session, authorizations=[f"Bearer {plaintext}"], secret_key=world.key
        )
    assert len(found) == 1 and await last_used() is None
    async with world.sessionmaker() as session:
        assert await authenticate(session=session, authorization=f"Bearer {plaintext}", secret_key=world.key)
    assert await last_used() is not None
