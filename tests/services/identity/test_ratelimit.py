"""The login rate limiter: both implementations (in memory, Redis) behave alike (the `limiter` fixture)."""

import asyncio
import logging

import pytest
from redis.asyncio import Redis

from src.services.identity.ratelimit import (
    FallbackRateLimiter,
    InMemoryRateLimiter,
    Limit,
    RateLimiter,
    RedisRateLimiter,
    create_rate_limiter,
)
from src.settings import Settings
from tests.conftest import REDIS_URL, proxied_url
from tests.support.proxy import TcpProxy

LIMIT = Limit(max_attempts=3, window_seconds=60)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


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
        assert isinstance(limiter, FallbackRateLimiter)
        assert isinstance(limiter.primary, RedisRateLimiter)
        assert isinstance(limiter.fallback, InMemoryRateLimiter)
    finally:
        await limiter.aclose()


async def test_while_redis_is_away_attempts_count_in_memory_then_in_redis_again(
    redis_proxy: TcpProxy, redis_client: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    prefix = "fundperf-test:fallback:"
    redis = RedisRateLimiter.from_url(proxied_url(redis_proxy), prefix=prefix)
    limiter = FallbackRateLimiter(redis, InMemoryRateLimiter(clock=clock), retry_seconds=2, clock=clock)
    caplog.set_level(logging.INFO, logger="src.services.identity.ratelimit")
    try:
        assert await limiter.hit("a", LIMIT) == 1
        assert await redis_client.get(prefix + "a") == b"1"  # in Redis

        redis_proxy.cut()
        assert await limiter.hit("a", LIMIT) == 1  # in memory now: never an error
        connections = redis_proxy.connections
        for expected in (2, 3):  # within retry_seconds Redis is not asked again
            assert await limiter.hit("a", LIMIT) == expected
        assert await limiter.retry_after("a", LIMIT) > 0  # the limit holds in memory too
        assert redis_proxy.connections == connections

        redis_proxy.restore()
        clock.now += 2
        assert await limiter.hit("a", LIMIT) == 2  # in Redis again, where the count went on from 1
        assert await redis_client.get(prefix + "a") == b"2"
    finally:
        await limiter.aclose()
        await redis_client.delete(prefix + "a")

    logged = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert [level for level, _ in logged] == ["WARNING", "INFO"], logged
    assert "Redis is unreachable" in logged[0][1] and "reachable again" in logged[1][1]
