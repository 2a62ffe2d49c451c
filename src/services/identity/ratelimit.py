"""Counting attempts per key in fixed windows: in memory (one process) or in Redis (shared by every instance).

A window starts with the first attempt of a key and lasts `window_seconds`; a key at its limit is refused
until its window ends. One limiter is created per app (see src/app/__init__.py), never per request.

With Redis the counts are kept there, and in this process's memory while Redis is unreachable
(`FallbackRateLimiter`): logins go on during an outage, limited per process, and count in Redis again once
it answers.
"""

import logging
import math
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from redis.asyncio import Redis

from src.redis_client import UNAVAILABLE, Outage, redis_client
from src.settings import Settings

logger = logging.getLogger(__name__)
T = TypeVar("T")
# A login must not wait long on a slow Redis: beyond this it counts in memory.
REDIS_COMMAND_TIMEOUT_SECONDS = 1.0
# While Redis is away, it is tried again at most this often (not by every login).
REDIS_RETRY_SECONDS = 2.0

DEFAULT_REDIS_PREFIX = "fundperf:ratelimit:"
# Decrement only a live counter: DECR on a missing key would create one without expiry.
_UNDO = """
if redis.call('EXISTS', KEYS[1]) == 1 and tonumber(redis.call('GET', KEYS[1])) > 0 then
  return redis.call('DECR', KEYS[1])
end
return 0
"""


@dataclass(frozen=True)
class Limit:
    max_attempts: int
    window_seconds: int


class RateLimiter(ABC):
    @abstractmethod
    async def retry_after(self, key: str, limit: Limit) -> int:
        """Seconds until `key` may try again: 0 while it is under `limit`."""

    @abstractmethod
    async def hit(self, key: str, limit: Limit) -> int:
        """Count one attempt of `key`; returns the count in its current window."""

    @abstractmethod
    async def undo(self, key: str) -> None:
        """Take back one attempt of `key` (one counted up front that turned out not to count)."""

    @abstractmethod
    async def reset(self, key: str) -> None:
        """Forget `key`'s attempts."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release connections (the app's lifespan calls it on shutdown)."""


class InMemoryRateLimiter(RateLimiter):
    """For one process (the embedded default). Expired windows are swept as the table grows."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._windows: dict[str, tuple[int, float]] = {}  # key → (count, monotonic end of window)
        self._sweep_at = 1024

    def _current(self, key: str, now: float) -> tuple[int, float] | None:
        window = self._windows.get(key)
        if window is not None and window[1] <= now:
            del self._windows[key]
            return None
        return window

    async def retry_after(self, key: str, limit: Limit) -> int:
        now = self._clock()
        window = self._current(key, now)
        if window is None or window[0] < limit.max_attempts:
            return 0
        return max(1, math.ceil(window[1] - now))

    async def hit(self, key: str, limit: Limit) -> int:
        now = self._clock()
        window = self._current(key, now)
        count, ends = (1, now + limit.window_seconds) if window is None else (window[0] + 1, window[1])
        self._windows[key] = (count, ends)
        if len(self._windows) >= self._sweep_at:
            # Attempts on many distinct keys (e.g. random usernames) must not grow the table for ever.
            self._windows = {k: w for k, w in self._windows.items() if w[1] > now}
            self._sweep_at = max(1024, 2 * len(self._windows))
        return count

    async def undo(self, key: str) -> None:
        window = self._current(key, self._clock())
        if window is not None and window[0] > 0:
            self._windows[key] = (window[0] - 1, window[1])

    async def reset(self, key: str) -> None:
        self._windows.pop(key, None)


class RedisRateLimiter(RateLimiter):
    """Shared by every instance behind a load balancer: one counter per key, expiring with its window."""

    def __init__(self, client: "Redis", *, prefix: str = DEFAULT_REDIS_PREFIX) -> None:
        self._redis = client
        self._prefix = prefix
        self._undo = client.register_script(_UNDO)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = DEFAULT_REDIS_PREFIX) -> "RedisRateLimiter":
        return cls(redis_client(url, command_timeout=REDIS_COMMAND_TIMEOUT_SECONDS), prefix=prefix)

    async def retry_after(self, key: str, limit: Limit) -> int:
        name = self._prefix + key
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.get(name)
            pipe.pttl(name)
            raw, pttl = await pipe.execute()
        if raw is None or int(raw) < limit.max_attempts:
            return 0
        # pttl is -1 only for a key without expiry, which hit() never leaves behind.
        return max(1, math.ceil(pttl / 1000)) if pttl > 0 else limit.window_seconds

    async def hit(self, key: str, limit: Limit) -> int:
        name = self._prefix + key
        # MULTI: the first attempt creates the counter with its expiry; later ones only increment it.
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(name, 0, ex=limit.window_seconds, nx=True)
            pipe.incr(name)
            _, count = await pipe.execute()
        return int(count)

    async def undo(self, key: str) -> None:
        await self._undo(keys=[self._prefix + key])

    async def reset(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)

    async def aclose(self) -> None:
        await self._redis.aclose()


class FallbackRateLimiter(RateLimiter):
    """Redis while it answers, this process's memory while it does not: a login never fails because Redis
    is away. During an outage Redis is tried again every `retry_seconds` (not by every call, which would
    make each login wait on it); the first call that reaches it again ends the outage."""

    def __init__(
        self,
        primary: RateLimiter,
        fallback: RateLimiter,
        *,
        retry_seconds: float = REDIS_RETRY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.retry_seconds = retry_seconds
        self._clock = clock
        self._retry_at = 0.0
        self.outage = Outage("login rate limits (counted in memory meanwhile)", logger=logger)

    async def _either(self, primary: Callable[[], Awaitable[T]], fallback: Callable[[], Awaitable[T]]) -> T:
        if self.outage.down and self._clock() < self._retry_at:
            return await fallback()
        try:
            result = await primary()
        except UNAVAILABLE as exc:
            self.outage.failed(exc)
            self._retry_at = self._clock() + self.retry_seconds
            return await fallback()
        self.outage.recovered()
        return result

    async def retry_after(self, key: str, limit: Limit) -> int:
        return await self._either(
            lambda: self.primary.retry_after(key, limit), lambda: self.fallback.retry_after(key, limit)
        )

    async def hit(self, key: str, limit: Limit) -> int:
        return await self._either(lambda: self.primary.hit(key, limit), lambda: self.fallback.hit(key, limit))

    async def undo(self, key: str) -> None:
        await self._either(lambda: self.primary.undo(key), lambda: self.fallback.undo(key))

    async def reset(self, key: str) -> None:
        await self._either(lambda: self.primary.reset(key), lambda: self.fallback.reset(key))

    async def aclose(self) -> None:
        await self.primary.aclose()
        await self.fallback.aclose()


def create_rate_limiter(settings: Settings) -> RateLimiter:
    """Redis when REDIS_URL is set (several instances share the counts; memory while it is away), else in
    memory."""
    if settings.REDIS_URL:
        return FallbackRateLimiter(RedisRateLimiter.from_url(settings.REDIS_URL), InMemoryRateLimiter())
    return InMemoryRateLimiter()
