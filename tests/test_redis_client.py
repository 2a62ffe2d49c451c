"""Redis clients made alike (src/redis_client.py): a connection an outage broke is replaced before it fails
a command, and an outage is logged once, with a backoff that grows to a cap."""

import logging

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from src.redis_client import Outage, redis_client
from tests.conftest import proxied_url
from tests.support.proxy import TcpProxy

LOGGER = "tests.outage"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_outage_is_one_warning_and_one_info(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    outage = Outage("the thing", logger=logging.getLogger(LOGGER), first_delay=1, max_delay=4, clock=clock)
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    outage.recovered()  # up all along: nothing to say
    delays = [outage.failed(RedisConnectionError("refused")) for _ in range(5)]
    assert outage.down
    clock.now += 12.5
    outage.recovered()
    assert not outage.down

    levels = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert levels[0] == (
        "WARNING",
        "the thing: Redis is unreachable (ConnectionError: refused); trying again with backoff",
    )
    assert [level for level, _ in levels[1:5]] == ["DEBUG"] * 4
    assert levels[5] == ("INFO", "the thing: Redis is reachable again after 12.5 s (5 failed tries)")
    assert len(levels) == 6
    # Doubling from the first delay up to the cap, each shortened by at most a fifth (jitter).
    for delay, nominal in zip(delays, [1, 2, 4, 4, 4], strict=True):
        assert 0.8 * nominal <= delay <= nominal


def test_the_next_outage_starts_from_the_first_delay_again() -> None:
    outage = Outage("x", logger=logging.getLogger(LOGGER), first_delay=1, max_delay=4)
    for _ in range(4):
        outage.failed(OSError("down"))
    outage.recovered()
    assert outage.failed(OSError("down again")) <= 1


async def test_a_pooled_connection_broken_by_an_outage_is_replaced_before_it_fails_a_command(
    redis_proxy: TcpProxy,
) -> None:
    client = redis_client(proxied_url(redis_proxy))
    try:
        await client.set("fundperf-test:key", "1")
        redis_proxy.cut()
        redis_proxy.restore()
        # The pool's one connection died with the cut: the command goes out on a fresh one.
        assert await client.get("fundperf-test:key") == b"1"
    finally:
        await client.aclose()


async def test_a_plain_client_fails_once_on_that_connection(redis_proxy: TcpProxy) -> None:
    """What redis_client's options are for: redis-py's defaults send the next command on the dead
    connection (the first login after an outage failed this way)."""
    client = Redis.from_url(proxied_url(redis_proxy))
    try:
        await client.set("fundperf-test:key", "1")
        redis_proxy.cut()
        redis_proxy.restore()
        with pytest.raises(RedisConnectionError):
            await client.get("fundperf-test:key")
        assert await client.get("fundperf-test:key") == b"1"
    finally:
        await client.aclose()
