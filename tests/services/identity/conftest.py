"""Fixtures of the identity service tests: one organization, users added to it; the login rate limiter in
memory and in Redis (TEST_REDIS_URL; a missing Redis skips locally and fails under CI=true)."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Organization, Region, User
from src.models.enums import ActorType
from src.seed.reference import load_reference_data
from src.services.identity.ratelimit import InMemoryRateLimiter, RateLimiter, RedisRateLimiter
from tests.conftest import REDIS_URL, require_service


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


@pytest.fixture
async def org_id(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """四川省财政厅, on the reference data."""
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        region = (await session.exec(select(Region).where(Region.code == "510000"))).one()
        org = Organization(name="四川省财政厅", actor_type=ActorType.FINANCE, region_id=region.id or 0)
        session.add(org)
        await session.commit()
        assert org.id is not None
        return org.id


async def add_user(
    session: AsyncSession,
    org_id: int,
    username: str,
    *,
    password_hash: str | None = None,
    is_admin: bool = False,
    is_service_account: bool = False,
) -> User:
    """A user of the organization; flushed, not committed."""
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
