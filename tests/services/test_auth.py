"""Credentials and the login rate limiter: both limiter implementations, token details, API token use."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import ApiToken, Organization, RefreshToken, Region, User
from src.models.base import utcnow
from src.models.enums import ActorType
from src.services import auth
from src.services.actors import load_actor
from src.services.errors import Forbidden, Unauthenticated
from src.services.ratelimit import (
    InMemoryRateLimiter,
    Limit,
    RateLimiter,
    RedisRateLimiter,
    create_rate_limiter,
)
from src.services.reference import load_reference_data
from src.settings import Settings
from tests.conftest import require_service

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
LIMIT = Limit(max_attempts=3, window_seconds=60)


# --- rate limiters ------------------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def redis_client() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    try:
        async with asyncio.timeout(5):
            await client.ping()
    except (OSError, TimeoutError) as exc:
        await client.aclose()
        require_service("Redis", exc)
    yield client
    await client.aclose()


@pytest.fixture
async def redis_limiter(redis_client: Redis) -> AsyncIterator[RedisRateLimiter]:
    """A limiter on keys of its own: a unique prefix, removed afterwards (never FLUSHALL)."""
    prefix = f"fundperf-test:{uuid.uuid4().hex}:"
    yield RedisRateLimiter(redis_client, prefix=prefix)
    keys = [key async for key in redis_client.scan_iter(match=f"{prefix}*")]
    if keys:
        await redis_client.delete(*keys)


@pytest.fixture(params=["memory", "redis"])
def limiter(request: pytest.FixtureRequest) -> RateLimiter:
    if request.param == "memory":
        return InMemoryRateLimiter()
    limiter: RateLimiter = request.getfixturevalue("redis_limiter")
    return limiter


async def test_limiter_counts_per_key_up_to_the_limit(limiter: RateLimiter) -> None:
    for expected in (1, 2):
        assert await limiter.hit("a", LIMIT) == expected
        assert await limiter.retry_after("a", LIMIT) == 0
    assert await limiter.hit("a", LIMIT) == 3
    assert 59 <= await limiter.retry_after("a", LIMIT) <= 60
    assert await limiter.retry_after("b", LIMIT) == 0  # keys are independent
    # The same key under a looser limit is still allowed.
    assert await limiter.retry_after("a", Limit(max_attempts=4, window_seconds=60)) == 0


async def test_limiter_reset_forgets_a_key(limiter: RateLimiter) -> None:
    for _ in range(3):
        await limiter.hit("a", LIMIT)
    await limiter.hit("b", LIMIT)
    await limiter.reset("a")
    await limiter.reset("never-seen")
    assert await limiter.retry_after("a", LIMIT) == 0
    assert await limiter.hit("a", LIMIT) == 1
    assert await limiter.hit("b", LIMIT) == 2


async def test_limiter_undo_takes_back_one_attempt(limiter: RateLimiter) -> None:
    for _ in range(3):
        await limiter.hit("a", LIMIT)
    await limiter.undo("a")
    assert await limiter.retry_after("a", LIMIT) == 0
    assert await limiter.hit("a", LIMIT) == 3
    await limiter.undo("never-seen")  # nothing to take back: no counter appears
    assert await limiter.hit("never-seen", LIMIT) == 1


async def test_in_memory_window_ends() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(clock=clock)
    for _ in range(3):
        await limiter.hit("a", LIMIT)
    clock.now += 45.5
    assert await limiter.retry_after("a", LIMIT) == 15  # rounded up: never "retry in 0 seconds"
    await limiter.hit("a", LIMIT)  # a hit within the window does not extend it
    clock.now += 14.5
    assert await limiter.retry_after("a", LIMIT) == 0
    assert await limiter.hit("a", LIMIT) == 1


async def test_in_memory_sweeps_expired_keys() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(clock=clock)
    for i in range(1000):
        await limiter.hit(f"old{i}", LIMIT)
    clock.now += 61
    for i in range(100):
        await limiter.hit(f"new{i}", LIMIT)
    assert len(limiter._windows) < 200


async def test_redis_window_expires(redis_limiter: RedisRateLimiter, redis_client: Redis) -> None:
    short = Limit(max_attempts=1, window_seconds=1)
    await redis_limiter.hit("a", short)
    assert await redis_limiter.retry_after("a", short) == 1
    await asyncio.sleep(1.2)
    assert await redis_limiter.retry_after("a", short) == 0
    assert await redis_limiter.hit("a", short) == 1


async def test_redis_limiter_is_shared_by_instances(
    redis_limiter: RedisRateLimiter, redis_client: Redis
) -> None:
    """Two app instances (two clients on one Redis) see the same counts."""
    other = RedisRateLimiter(Redis.from_url(REDIS_URL), prefix=redis_limiter._prefix)
    try:
        await redis_limiter.hit("a", LIMIT)
        await other.hit("a", LIMIT)
        assert await redis_limiter.hit("a", LIMIT) == 3
        assert await other.retry_after("a", LIMIT) > 0
    finally:
        await other.aclose()


async def test_the_limiter_follows_the_settings(redis_client: Redis) -> None:
    assert isinstance(create_rate_limiter(Settings(REDIS_URL=None)), InMemoryRateLimiter)
    limiter = create_rate_limiter(Settings(REDIS_URL=REDIS_URL))
    try:
        assert isinstance(limiter, RedisRateLimiter)
    finally:
        await limiter.aclose()


# --- tokens, without a database -----------------------------------------------------------------------------


def test_bearer_and_connection_params() -> None:
    assert auth.bearer_token("Bearer abc") == "abc"
    assert auth.bearer_token("bearer  abc ") == "abc"
    assert auth.bearer_token("Basic abc") is None
    assert auth.bearer_token("Bearer ") is None
    assert auth.bearer_token(None) is None
    assert auth.connection_authorization({"Authorization": "Bearer a"}) == "Bearer a"
    assert auth.connection_authorization({"authorization": "Bearer b"}) == "Bearer b"
    assert auth.connection_authorization({}) is None
    assert auth.connection_authorization(None) is None
    assert auth.connection_authorization({"Authorization": ["x"]}) == ""  # present but unusable: refused


def test_access_tokens() -> None:
    token = auth.issue_access_token(7, secret_key="k" * 32)
    assert auth.access_token_user_id(token, secret_key="k" * 32) == 7
    assert auth.access_token_user_id(token, secret_key="x" * 32) is None
    expired = auth.issue_access_token(7, now=utcnow() - timedelta(minutes=15, seconds=1), secret_key="k" * 32)
    assert auth.access_token_user_id(expired, secret_key="k" * 32) is None


# --- services on the database ------------------------------------------------------------------------------


@pytest.fixture
async def org_id(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        region = (await session.exec(select(Region).where(Region.code == "510000"))).one()
        org = Organization(name="四川省财政厅", actor_type=ActorType.FINANCE, region_id=region.id or 0)
        session.add(org)
        await session.commit()
        assert org.id is not None
        return org.id


async def _user(
    session: AsyncSession,
    org_id: int,
    username: str,
    *,
    password_hash: str | None = None,
    is_admin: bool = False,
    is_service_account: bool = False,
) -> User:
    user = User(
        username=username,
        full_name=username,
        organization_id=org_id,
        password_hash=password_hash,
        is_admin=is_admin,
        is_service_account=is_service_account,
    )
    session.add(user)
    await session.flush()
    return user


async def test_login_upgrades_an_outdated_password_hash(
    sessionmaker: async_sessionmaker[AsyncSession], org_id: int
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("pw")
    async with sessionmaker() as session:
        await _user(session, org_id, "old", password_hash=weak)
        issued = await auth.login(
            session=session,
            username="old",
            password="pw",
            address=None,
            limiter=InMemoryRateLimiter(),
            settings=Settings(),
        )
        await session.commit()
        assert issued.actor.username == "old"
    async with sessionmaker() as session:
        user = (await session.exec(select(User).where(User.username == "old"))).one()
    assert user.password_hash != weak and auth.verify_password(user.password_hash, "pw")


async def test_an_expired_refresh_token_is_refused_without_revoking_the_family(
    sessionmaker: async_sessionmaker[AsyncSession], org_id: int
) -> None:
    async with sessionmaker() as session:
        user = await _user(session, org_id, "u", password_hash=auth.hash_password("pw"))
        first = await auth.login(
            session=session,
            username="u",
            password="pw",
            address="10.0.0.1",
            limiter=InMemoryRateLimiter(),
            settings=Settings(),
        )
        second = await auth.refresh(session=session, refresh_token=first.refresh_token, settings=Settings())
        await session.commit()
        assert user.id is not None
    async with sessionmaker() as session:
        rows = (await session.exec(select(RefreshToken))).all()
        assert len({r.family_id for r in rows}) == 1 and len(rows) == 2
        current = next(r for r in rows if r.revoked_at is None)
        current.expires_at = utcnow() - timedelta(seconds=1)
        session.add(current)
        await session.commit()
    async with sessionmaker() as session:
        with pytest.raises(auth.InvalidCredentials):
            await auth.refresh(session=session, refresh_token=second.refresh_token, settings=Settings())
        assert (
            await session.exec(select(RefreshToken).where(RefreshToken.id == current.id))
        ).one().revoked_at is None


async def test_api_token_use_is_recorded_at_most_once_a_minute(
    sessionmaker: async_sessionmaker[AsyncSession], org_id: int
) -> None:
    async with sessionmaker() as session:
        admin = await _user(session, org_id, "admin", is_admin=True)
        await _user(session, org_id, "svc", is_service_account=True)
        await session.commit()
        assert admin.id is not None
    async with sessionmaker() as session:
        actor = await load_actor(session=session, user_id=admin.id)
        assert actor is not None and actor.is_admin
    async with sessionmaker() as session:
        created = await auth.create_api_token(session=session, actor=actor, name="t", username="svc")
        await session.commit()
    header = f"Bearer {created.plaintext}"
    start = utcnow()

    async def use(at: timedelta) -> object:
        async with sessionmaker() as session:
            found = await auth.authenticate(session=session, authorization=header, now=start + at)
            assert found is not None and found.username == "svc"
        async with sessionmaker() as session:
            token = (await session.exec(select(ApiToken))).one()
            assert token.last_used_at is not None
            return token.last_used_at.replace(tzinfo=None)

    first = await use(timedelta(0))
    assert await use(timedelta(seconds=30)) == first  # no write
    assert await use(timedelta(seconds=61)) != first

    for who, error in ((None, Unauthenticated), (replace(actor, is_admin=False), Forbidden)):
        async with sessionmaker() as session:
            with pytest.raises(error):
                await auth.list_api_tokens(session=session, actor=who)
