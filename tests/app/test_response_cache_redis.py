"""The response cache's Redis store against the real Redis: bounded by entries and bytes across processes,
least recently used first out, and an outage is a miss, never an error."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from src.app.response_cache.redis_store import BYTES_KEY, LRU_KEY, REDIS_PREFIX, RedisStore
from tests.conftest import proxied_url
from tests.support.proxy import TcpProxy

KB = b"x" * 1000


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def kept(redis: Redis) -> set[str]:
    """The entries Redis holds (their keys without the prefix)."""
    return {key.decode().removeprefix(REDIS_PREFIX) for key in await redis.keys(REDIS_PREFIX + "*")}


async def put_in_turn(store: RedisStore, *keys: str, value: bytes = KB) -> None:
    for key in keys:
        await store.put(key, value)
        await asyncio.sleep(0.003)  # uses are ordered by the millisecond


async def test_the_least_recently_used_entry_goes_first(redis_url: str, redis: Redis) -> None:
    store = RedisStore(redis_url, ttl_seconds=60, max_entries=3, max_bytes=10**6)
    try:
        await put_in_turn(store, "a", "b", "c")
        assert await store.get("a") == KB  # a is now the most recently used
        await asyncio.sleep(0.003)
        await put_in_turn(store, "d")
        assert await kept(redis) == {"a", "c", "d"}
        assert await store.get("b") is None
        assert await redis.zcard(LRU_KEY) == 3
    finally:
        await store.aclose()


async def test_the_bound_on_bytes_holds_across_processes(redis_url: str, redis: Redis) -> None:
    one, other = (RedisStore(redis_url, ttl_seconds=60, max_entries=100, max_bytes=3500) for _ in range(2))
    try:
        await put_in_turn(one, "a", "b")
        await put_in_turn(other, "c", "d")  # 4,000 bytes: a goes
        assert await kept(redis) == {"b", "c", "d"}
        assert int(await redis.get(BYTES_KEY) or 0) == 3000
        await put_in_turn(one, "b", value=b"y" * 2000)  # b rewritten larger: c goes, then b is the newest
        assert await kept(redis) == {"d", "b"}
        assert await other.get("b") == b"y" * 2000
        assert int(await redis.get(BYTES_KEY) or 0) == 3000
        await put_in_turn(one, "huge", value=b"z" * 4000)  # over the whole bound: not kept, nothing evicted
        assert await kept(redis) == {"d", "b"}
    finally:
        await one.aclose()
        await other.aclose()


async def test_entries_gone_by_expiry_leave_the_bookkeeping(redis_url: str, redis: Redis) -> None:
    store = RedisStore(redis_url, ttl_seconds=1, max_entries=10, max_bytes=10**6)
    try:
        await put_in_turn(store, "old")
        await asyncio.sleep(1.1)
        assert await store.get("old") is None
        await put_in_turn(store, "new")
        assert await redis.zrange(LRU_KEY, 0, -1) == [b"new"]
        assert int(await redis.get(BYTES_KEY) or 0) == len(KB)
    finally:
        await store.aclose()


async def test_redis_unreachable_is_a_miss_never_an_error(redis_proxy: TcpProxy) -> None:
    store = RedisStore(proxied_url(redis_proxy), ttl_seconds=60, max_entries=10, max_bytes=10**6)
    try:
        await store.put("a", KB)
        assert await store.get("a") == KB
        redis_proxy.cut()
        assert await store.get("a") is None
        await store.put("b", KB)  # skipped, not raised
        redis_proxy.restore()
    finally:
        await store.aclose()
