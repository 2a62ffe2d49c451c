"""Where cached responses are kept: this process's memory (LRU by entries and bytes), and Redis when set.

A key names one answer for ever (it holds dataVersion), so an entry is never invalidated, only evicted: by
the LRU bound in memory, by its TTL in Redis. Redis is a help, not a dependency: while it is unreachable or
slow the cache works from memory and Redis is tried again after a backoff, never failing a request.
"""

import asyncio
import logging
import time
from collections import OrderedDict

from redis.asyncio import Redis

from src.redis_client import UNAVAILABLE_OR_SLOW, Outage, redis_client

logger = logging.getLogger(__name__)

REDIS_PREFIX = "fundperf:response:"
# A cache lookup that waits longer than this for Redis is a miss: a hit must stay cheaper than the query.
REDIS_TIMEOUT_SECONDS = 0.25


class MemoryStore:
    """Least recently used first out, at most `max_entries` entries and `max_bytes` bytes of values."""

    def __init__(self, *, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[str, bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> bytes | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: str, value: bytes) -> None:
        if len(value) > self.max_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= len(old)
        self._entries[key] = value
        self.bytes += len(value)
        while len(self._entries) > self.max_entries or self.bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.bytes -= len(evicted)


class RedisStore:
    """Entries shared by every process of the deployment, each kept `ttl_seconds`."""

    def __init__(self, url: str, *, ttl_seconds: int) -> None:
        self.client: Redis = redis_client(url, command_timeout=REDIS_TIMEOUT_SECONDS)
        self.ttl_ms = ttl_seconds * 1000
        self.outage = Outage("response cache", logger=logger)
        self._retry_at = 0.0

    def _available(self) -> bool:
        return not self.outage.down or time.monotonic() >= self._retry_at

    def _failed(self, exc: BaseException) -> None:
        self._retry_at = time.monotonic() + self.outage.failed(exc)

    async def get(self, key: str) -> bytes | None:
        if not self._available():
            return None
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_SECONDS):
                value: bytes | None = await self.client.get(REDIS_PREFIX + key)
        except UNAVAILABLE_OR_SLOW as exc:
            self._failed(exc)
            return None
        self.outage.recovered()
        return value

    async def put(self, key: str, value: bytes) -> None:
        if not self._available():
            return
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_SECONDS):
                await self.client.set(REDIS_PREFIX + key, value, px=self.ttl_ms)
        except UNAVAILABLE_OR_SLOW as exc:
            self._failed(exc)
            return
        self.outage.recovered()

    async def aclose(self) -> None:
        await self.client.aclose()
