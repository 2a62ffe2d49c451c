"""Redis, a dependency that comes and goes: clients made alike, and an outage noticed once.

Every Redis client of the app comes from `redis_client` (arq's pools from `arq_redis_settings`): a pooled
connection idle for a while is checked with a PING before it is used again, and a command that meets a
connection the outage broke is sent once more on a fresh one, so the first command after Redis returns
does not fail on a stale connection. Timeouts bound how long a slow Redis can hold a caller; a pub/sub
listener, which waits by design, asks for none.

`Outage` is how a loop that needs Redis reports it: one WARNING when Redis becomes unreachable, one INFO
when it answers again (with how long it was away), the failures between them at DEBUG; and the capped
exponential backoff before the next try.
"""

import logging
import random
import time
from collections.abc import Callable

from arq.connections import RedisSettings
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

# What "Redis is unavailable" raises: redis-py's connection errors and timeouts (not OSErrors), a replica
# answering during a failover, and the socket's own errors, which some paths let through. Other Redis
# errors (a wrong command, a wrong type) are bugs, raised as such.
UNAVAILABLE: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError, ReadOnlyError, OSError)
# The same, with the time limits callers set around Redis themselves.
UNAVAILABLE_OR_SLOW: tuple[type[Exception], ...] = (*UNAVAILABLE, TimeoutError)

CONNECT_TIMEOUT_SECONDS = 2
COMMAND_TIMEOUT_SECONDS = 5.0
# A pooled connection idle longer than this is PINGed before its next command.
HEALTH_CHECK_SECONDS = 5
FIRST_BACKOFF_SECONDS = 0.25
MAX_BACKOFF_SECONDS = 5.0


def _retry_once() -> Retry:
    # One more try on a fresh connection, for connection errors only: a command that timed out may have
    # run, and sending it again could count an attempt twice.
    return Retry(NoBackoff(), 1)


def redis_client(url: str, *, command_timeout: float | None = COMMAND_TIMEOUT_SECONDS) -> Redis:
    """A client for `url`. `command_timeout=None` for a pub/sub listener (it applies to every read)."""
    client: Redis = Redis.from_url(
        url,
        socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
        socket_timeout=command_timeout,
        socket_keepalive=True,
        health_check_interval=HEALTH_CHECK_SECONDS,
        retry=_retry_once(),
        retry_on_error=[RedisConnectionError],
    )
    return client


def arq_redis_settings(url: str) -> RedisSettings:
    """arq's settings for `url`: no connection retries inside arq (a request must not wait for Redis; the
    worker and the sweeper back off themselves), stale connections replaced as in `redis_client`."""
    settings = RedisSettings.from_dsn(url)
    settings.conn_retries = 0
    settings.conn_timeout = CONNECT_TIMEOUT_SECONDS
    settings.retry = _retry_once()
    settings.retry_on_error = [RedisConnectionError]
    return settings


class Outage:
    """The state of one user of Redis (`what`): up, or down since a moment, with its backoff."""

    def __init__(
        self,
        what: str,
        *,
        logger: logging.Logger,
        first_delay: float = FIRST_BACKOFF_SECONDS,
        max_delay: float = MAX_BACKOFF_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.what = what
        self.logger = logger
        self.first_delay = first_delay
        self.max_delay = max_delay
        self._clock = clock
        self._since: float | None = None
        self._delay = 0.0
        self.failures = 0  # in the current outage

    @property
    def down(self) -> bool:
        return self._since is not None

    def failed(self, exc: BaseException) -> float:
        """Notes a failure; returns the seconds to wait before trying again (doubling, capped, jittered so
        that processes that lost Redis together do not come back in step)."""
        self.failures += 1
        if self._since is None:
            self._since = self._clock()
            self._delay = self.first_delay
            message = "%s: Redis is unreachable (%s); trying again with backoff"
            self.logger.warning(message, self.what, _brief(exc))
        else:
            self._delay = min(self._delay * 2, self.max_delay)
            self.logger.debug("%s: Redis still unreachable (%s)", self.what, _brief(exc))
        return self._delay * random.uniform(0.8, 1.0)

    def recovered(self) -> None:
        """Notes a success: the end of an outage, if there was one."""
        if self._since is None:
            return
        away = self._clock() - self._since
        self.logger.info(
            "%s: Redis is reachable again after %.1f s (%d failed tries)", self.what, away, self.failures
        )
        self._since = None
        self.failures = 0


def _brief(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
