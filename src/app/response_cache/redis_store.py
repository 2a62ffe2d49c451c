"""The response cache in Redis: shared by every process of the deployment, least recently used first out.

Each entry is a string key beside two bookkeeping keys: a sorted set of entry keys by last use (ms) and a
hash of their sizes, with the total in a counter. A write adds its entry and then evicts from the least
recently used end until at most `max_entries` entries and `max_bytes` bytes remain; a read that finds its
entry moves it to the recent end. Both are one Lua script each, so processes never see the bookkeeping half
done. An entry also expires `ttl` after its last use: an entry gone by expiry is always at the least
recently used end, and a write first drops such entries from the bookkeeping.

Redis is a help, not a dependency: while it is unreachable, slow or refusing, a read is a miss and a write is
skipped (the process's memory still serves), and Redis is tried again after a backoff.
"""

import asyncio
import logging
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

from src.redis_client import UNAVAILABLE_OR_SLOW, Outage, redis_client

logger = logging.getLogger(__name__)

REDIS_PREFIX = "fundperf:response:"
LRU_KEY = "fundperf:response-lru"  # sorted set: entry key → last use (ms)
SIZES_KEY = "fundperf:response-sizes"  # hash: entry key → bytes
BYTES_KEY = "fundperf:response-bytes"  # the sum of SIZES_KEY
# A cache lookup that waits longer than this for Redis is a miss: a hit must stay cheaper than the query.
REDIS_TIMEOUT_SECONDS = 0.25
FAILURES: tuple[type[Exception], ...] = (
    *UNAVAILABLE_OR_SLOW,
    RedisError,
)  # refused (out of memory, read-only replica) is no cache too

# KEYS: lru, sizes, bytes; ARGV: prefix, key, now (ms), ttl (ms)
READ = """
local value = redis.call('GET', ARGV[1] .. ARGV[2])
if value then
  redis.call('ZADD', KEYS[1], 'XX', ARGV[3], ARGV[2])
  redis.call('PEXPIRE', ARGV[1] .. ARGV[2], ARGV[4])
end
return value
"""

# KEYS: lru, sizes, bytes; ARGV: prefix, key, value, now (ms), ttl (ms), max entries, max bytes
WRITE = """
local prefix, key, now, ttl = ARGV[1], ARGV[2], tonumber(ARGV[4]), tonumber(ARGV[5])
local function forget(member)
  local size = redis.call('HGET', KEYS[2], member)
  if size then
    redis.call('DECRBY', KEYS[3], size)
    redis.call('HDEL', KEYS[2], member)
  end
  redis.call('ZREM', KEYS[1], member)
  redis.call('DEL', prefix .. member)
end
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - ttl)) do
  forget(member)
end
forget(key)
redis.call('SET', prefix .. key, ARGV[3], 'PX', ttl)
redis.call('ZADD', KEYS[1], now, key)
redis.call('HSET', KEYS[2], key, string.len(ARGV[3]))
local total = redis.call('INCRBY', KEYS[3], string.len(ARGV[3]))
local max_entries, max_bytes = tonumber(ARGV[6]), tonumber(ARGV[7])
while redis.call('ZCARD', KEYS[1]) > max_entries or total > max_bytes do
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if not oldest then break end
  forget(oldest)
  total = tonumber(redis.call('GET', KEYS[3]) or '0')
end
return total
"""


class RedisStore:
    """Entries shared by every process, at most `max_entries` and `max_bytes` of values, each kept
    `ttl_seconds` after its last use."""

    def __init__(self, url: str, *, ttl_seconds: int, max_entries: int, max_bytes: int) -> None:
        self.client: Redis = redis_client(url, command_timeout=REDIS_TIMEOUT_SECONDS)
        self.ttl_ms = ttl_seconds * 1000
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.outage = Outage("response cache", logger=logger)
        self._retry_at = 0.0
        self._read = self.client.register_script(READ)
        self._write = self.client.register_script(WRITE)

    def _available(self) -> bool:
        return not self.outage.down or time.monotonic() >= self._retry_at

    def _failed(self, exc: BaseException) -> None:
        self._retry_at = time.monotonic() + self.outage.failed(exc)

    async def get(self, key: str) -> bytes | None:
        if not self._available():
            return None
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_SECONDS):
                value = await self._read(
                    keys=[LRU_KEY, SIZES_KEY, BYTES_KEY], args=[REDIS_PREFIX, key, _now_ms(), self.ttl_ms]
                )
        except FAILURES as exc:
            self._failed(exc)
            return None
        self.outage.recovered()
        return value if isinstance(value, bytes) else None

    async def put(self, key: str, value: bytes) -> None:
        if not self._available() or len(value) > self.max_bytes:
            return
        args: list[bytes | str | int] = [
            REDIS_PREFIX,
            key,
            value,
            _now_ms(),
            self.ttl_ms,
            self.max_entries,
            self.max_bytes,
        ]
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_SECONDS):
                await self._write(keys=[LRU_KEY, SIZES_KEY, BYTES_KEY], args=args)
        except FAILURES as exc:
            self._failed(exc)
            return
        self.outage.recovered()

    async def aclose(self) -> None:
        await self.client.aclose()


def _now_ms() -> int:
    # Wall clock, not monotonic: processes on several hosts order their uses on one scale.
    return int(time.time() * 1000)
