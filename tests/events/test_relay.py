"""The relay without Redis (src/events/relay.py): the next event is published while the previous one's mark
still waits for the database, nothing is published twice, and several events' marks land in one write. With
Redis, a lock a relay could not release in an outage delays the events, and no error is logged for it."""

import asyncio
import logging
from collections.abc import Sequence

import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events import relay as relay_module
from src.events.bus import LocalBus
from src.events.message import EventMessage
from src.events.relay import Relay, attach_relay
from src.models import Event
from src.models.goal import GoalEventKind
from src.subjects.events import record_event
from tests.conftest import REDIS_URL, proxied_url
from tests.events.test_webhooks import goal_event
from tests.factories import make_goal
from tests.support.proxy import TcpProxy
from tests.support.sql import count_statements

DEADLINE_SECONDS = 10


async def marked(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[int, bool]:
    async with sessionmaker() as session:
        rows = (await session.exec(select(Event).order_by(col(Event.id)))).all()
        return {row.id or 0: row.published_at is not None for row in rows}


async def test_without_redis_the_next_event_does_not_wait_for_the_previous_mark(
    engine: AsyncEngine, reference: None, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    bus = LocalBus()
    received: list[int] = []

    def sink(events: Sequence[EventMessage]) -> None:
        received.extend(event.id for event in events)

    await bus.listen(sink, lambda: None)
    relay = Relay(sessionmaker=sessionmaker, bus=bus)
    first = await goal_event(sessionmaker)
    # On PostgreSQL another transaction can hold the first event's row, so its mark waits as long as we
    # like while the second event is written and read (SQLite has one writer: a held mark would hold back
    # the second event's write too).
    holding = engine.dialect.name == "postgresql"
    async with engine.connect() as blocker:
        if holding:
            await blocker.execute(text("SELECT id FROM event WHERE id = :id FOR UPDATE"), {"id": first})
        async with asyncio.timeout(DEADLINE_SECONDS):  # publishing waits for no mark
            assert await relay.flush() == 1
            second = await goal_event(sessionmaker)
            assert await relay.flush() == 1  # the second only: not the first again, marked or not
        assert received == [first, second]
        if holding:
            assert (await marked(sessionmaker))[first] is False  # its mark still waits
        await blocker.rollback()
    await relay.settle()
    assert await marked(sessionmaker) == {first: True, second: True}
    assert await relay.flush() == 0
    assert received == [first, second]
    await relay.aclose()


async def test_without_redis_the_marks_of_several_events_are_one_write(
    engine: AsyncEngine,
    reference: None,
    sessionmaker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # On SQLite each write waits for the writer lock the requests take turns on: one mark a delay, not one
    # per event. (Here the delay outlasts the test; settle writes what was gathered.)
    monkeypatch.setattr(relay_module, "MARK_DELAY_SECONDS", 60.0)
    relay = Relay(sessionmaker=sessionmaker, bus=LocalBus())
    ids = []
    with count_statements(engine) as counter:
        for _ in range(5):
            ids.append(await goal_event(sessionmaker))
            assert await relay.flush() == 1
        assert not any(s.lstrip().upper().startswith("UPDATE EVENT") for s in counter.statements)
        await relay.settle()
        marks = [s for s in counter.statements if s.lstrip().upper().startswith("UPDATE EVENT")]
    assert len(marks) == 1
    assert await marked(sessionmaker) == dict.fromkeys(ids, True)
    await relay.aclose()


async def test_a_mark_the_database_refuses_is_written_later(
    engine: AsyncEngine,
    reference: None,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Another writer holds the event's row: on SQLite the whole database, past the busy timeout (5 s), so the
    # mark fails; on PostgreSQL it waits. Either way it is written once the writer lets go, not dropped (a
    # dropped mark would have the next start publish the event again).
    relay = Relay(sessionmaker=sessionmaker, bus=LocalBus())
    first = await goal_event(sessionmaker)
    async with engine.connect() as blocker:
        await blocker.execute(text("UPDATE event SET published_at = NULL WHERE id = :id"), {"id": first})
        assert await relay.flush() == 1
        if engine.dialect.name == "sqlite":
            async with asyncio.timeout(DEADLINE_SECONDS):
                while True:  # until the busy timeout ran out and the relay said so
                    if "could not mark 1 published events now" in caplog.text:
                        break
                    await asyncio.sleep(0.05)
        else:
            await asyncio.sleep(1)
        assert (await marked(sessionmaker))[first] is False
        await blocker.rollback()
    async with asyncio.timeout(DEADLINE_SECONDS):
        await relay.settle()
    assert await marked(sessionmaker) == {first: True}
    assert "Traceback" not in caplog.text  # an expected refusal: one line
    await relay.aclose()


async def test_a_lock_left_by_a_relay_that_lost_redis_delays_the_events_without_an_error(
    reference: None,
    sessionmaker: async_sessionmaker[AsyncSession],
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A relay cut off from Redis while it held the outbox lock cannot release it: the lock stays until it
    expires. The other relays wait for it, log that at INFO (no traceback), and publish once it is gone."""
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(relay_module, "LOCK_WAIT_SECONDS", 0.2)
    bus = LocalBus()
    received: list[int] = []
    arrived = asyncio.Event()

    def sink(events: Sequence[EventMessage]) -> None:
        received.extend(event.id for event in events)
        arrived.set()

    await bus.listen(sink, lambda: None)
    relay = Relay(sessionmaker=sessionmaker, bus=bus, redis_url=redis_url, poll_seconds=0.05)
    event_id = await goal_event(sessionmaker)
    async with Redis.from_url(redis_url) as redis:
        await redis.set(relay_module.LOCK_NAME, "a-relay-that-lost-redis", px=1500)
        relay.start()
        try:
            async with asyncio.timeout(DEADLINE_SECONDS):
                await arrived.wait()
        finally:
            await relay.aclose()
    assert received == [event_id]
    waits = [
        r for r in caplog.records if r.name == relay_module.__name__ and "lock is held" in r.getMessage()
    ]
    assert waits and all(r.levelno == logging.INFO and r.exc_info is None for r in waits)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_lock_the_relay_could_not_release_in_an_outage_is_released_when_redis_answers(
    reference: None, sessionmaker: async_sessionmaker[AsyncSession], redis_proxy: TcpProxy
) -> None:
    """Redis goes away just as the relay releases the outbox lock (after publishing and marking): the lock
    would hold every relay back until it expired (LOCK_SECONDS). The relay releases it itself once Redis
    answers, so the next event goes out without waiting for the expiry, or for LOCK_WAIT_SECONDS."""
    bus = LocalBus()
    received: list[int] = []
    arrived = asyncio.Event()

    def sink(events: Sequence[EventMessage]) -> None:
        received.extend(event.id for event in events)
        arrived.set()

    await bus.listen(sink, lambda: None)
    relay = Relay(sessionmaker=sessionmaker, bus=bus, redis_url=proxied_url(redis_proxy), poll_seconds=0.05)
    redis_proxy.cut_on(b"EVALSHA")  # the release (a Lua script) is cut off
    first = await goal_event(sessionmaker)
    relay.start()
    try:
        async with asyncio.timeout(DEADLINE_SECONDS):
            await arrived.wait()  # published; then marked, then the release is cut off
            while redis_proxy.listening:  # noqa: ASYNC110  # the proxy thread's state: nothing to await
                await asyncio.sleep(0.01)
        async with Redis.from_url(REDIS_URL) as redis:
            assert await redis.exists(relay_module.LOCK_NAME)  # left behind
        redis_proxy.restore()
        arrived.clear()
        second = await goal_event(sessionmaker)
        relay.wake()
        async with asyncio.timeout(relay_module.LOCK_WAIT_SECONDS / 2):
            await arrived.wait()
    finally:
        await relay.aclose()
    assert received == [first, second]


async def test_a_round_woken_while_other_transactions_write_events_publishes_theirs_with_it(
    reference: None, sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(relay_module, "GATHER_SECONDS", DEADLINE_SECONDS)
    bus = LocalBus()
    batches: list[list[int]] = []
    published = asyncio.Event()

    def sink(events: Sequence[EventMessage]) -> None:
        batches.append([e.id for e in events])
        published.set()

    await bus.listen(sink, lambda: None)
    relay = Relay(sessionmaker=sessionmaker, bus=bus)
    attach_relay(sessionmaker, relay)
    relay.start()
    try:
        relay.writing_started()  # a burst's other mutation, still writing
        first = await goal_event(sessionmaker)  # its commit wakes the relay
        await asyncio.sleep(0.2)
        assert batches == []  # the round waits for the other transaction
        second = await goal_event(sessionmaker)
        relay.writing_ended()
        await asyncio.wait_for(published.wait(), DEADLINE_SECONDS)
        assert batches == [[first, second]]  # one round, one delivery for both
    finally:
        await relay.aclose()


async def test_a_transaction_counts_among_the_writers_from_its_first_event_until_it_ends(
    reference: None, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    relay = Relay(sessionmaker=sessionmaker, bus=LocalBus())
    attach_relay(sessionmaker, relay)
    for end in ("commit", "rollback", "close"):
        async with sessionmaker() as session:
            goal = await make_goal(session, region_code="510100", year=3000 + len(end), indicators=0)
            assert relay.writing == 0
            for _ in range(2):
                await record_event(session=session, kind=GoalEventKind.GOAL_CHANGED, subject=goal, actor=None)
            assert relay.writing == 1
            if end == "commit":
                await session.commit()
            elif end == "rollback":
                await session.rollback()
        assert relay.writing == 0, end
    await relay.aclose()
