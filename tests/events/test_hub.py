"""The hub's delivery rules on their own: a subscriber that falls behind is dropped without holding up the
others, and ids already delivered are not delivered again."""

import asyncio
import gc
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.filters import EventFilter
from src.events.hub import GC_AFTER_DELIVERY, Hub, Rendered, Signal
from src.events.message import EventMessage
from src.events.shared import Plan, Planner, RawPayload
from src.models.budget import BudgetEventKind
from src.schema import build_schema
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from tests.factories import make_user
from tests.support.sql import count_statements


def event(event_id: int) -> EventMessage:
    return EventMessage(
        id=event_id,
        kind=BudgetEventKind.BUDGET_APPROVED,
        subject_type="FundBudget",
        subject_id=event_id,
        region_id=1,
        region_path="/510000/510100/",
        fund_type_id=None,
        administrations="",
        draft=False,
        audience_user_id=None,
        actor_user_id=None,
        occurred_at=datetime(2026, 11, 28, tzinfo=UTC),
    )


async def test_a_subscriber_that_falls_behind_is_dropped_and_the_others_go_on(
    reference: None, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    user = await make_user(sessionmaker)
    authorization = f"Bearer {issue_access_token(user.id or 0, secret_key=settings.SECRET_KEY)}"
    hub = Hub(sessionmaker=sessionmaker, secret_key=settings.SECRET_KEY, queue_size=10)
    slow = hub.register(authorization=authorization, event_filter=EventFilter())
    fast = hub.register(authorization=authorization, event_filter=EventFilter())
    for first in range(1, 25, 4):
        await hub.dispatch([event(i) for i in range(first, first + 4)])
        while not fast.queue.empty():  # the fast one reads as events come
            item = fast.queue.get_nowait()
            assert isinstance(item, EventMessage)
            fast.last_id = item.id
    assert fast.last_id == 24 and not fast.dropped
    assert slow.dropped and slow.queue.qsize() == 10
    *kept, last = [slow.queue.get_nowait() for _ in range(10)]
    assert last is Signal.TOO_SLOW and [e.id for e in kept if isinstance(e, EventMessage)] == list(
        range(2, 11)
    )


async def test_ids_already_delivered_are_not_delivered_again(
    reference: None, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    user = await make_user(sessionmaker)
    authorization = f"Bearer {issue_access_token(user.id or 0, secret_key=settings.SECRET_KEY)}"
    hub = Hub(sessionmaker=sessionmaker, secret_key=settings.SECRET_KEY)
    subscriber = hub.register(authorization=authorization, event_filter=EventFilter(), last_id=5)
    assert await hub.dispatch([event(i) for i in range(3, 8)]) == 2  # a relay's resend of 3–5 is skipped
    assert [subscriber.queue.get_nowait().id for _ in range(2)] == [6, 7]  # type: ignore[union-attr]


def test_a_waiting_subscriber_takes_events_at_once_and_everything_else_keeps_its_order() -> None:
    hub = Hub(sessionmaker=None, secret_key="unused")  # type: ignore[arg-type]
    subscriber = hub.register(authorization="Bearer x", event_filter=EventFilter())
    sent: list[int] = []
    accepting = True

    def send_now(items: Sequence[Rendered]) -> int:
        if accepting:
            sent.extend(item.event_id for item in items)
        return len(items) if accepting else 0

    def rendered(event_id: int) -> Rendered:
        return Rendered(event_id, RawPayload("{}"), b"{}")

    subscriber.send_now = send_now
    subscriber.put(rendered(1))  # its stream is not waiting (busy sending, say): queued
    assert sent == [] and subscriber.queue.qsize() == 1
    subscriber.queue.get_nowait()
    subscriber.waiting = True
    subscriber.put(rendered(2))
    subscriber.put(rendered(2))  # a resend: skipped
    assert sent == [2] and subscriber.last_id == 2 and subscriber.queue.empty()
    accepting = False  # the client stopped reading: the connection cannot take it now
    subscriber.put(rendered(3))
    accepting = True
    subscriber.put(rendered(4))  # behind 3 in the queue, not before it
    subscriber.put(Signal.RESYNC)
    assert sent == [2] and [subscriber.queue.get_nowait() for _ in range(3)] == [
        rendered(3),
        rendered(4),
        Signal.RESYNC,
    ]


async def test_the_young_generation_is_collected_between_deliveries_not_during_them(
    reference: None, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    user = await make_user(sessionmaker)
    authorization = f"Bearer {issue_access_token(user.id or 0, secret_key=settings.SECRET_KEY)}"
    hub = Hub(sessionmaker=sessionmaker, secret_key=settings.SECRET_KEY)
    subscriber = hub.register(authorization=authorization, event_filter=EventFilter())
    hub.start()
    threshold = gc.get_threshold()
    gc.set_threshold(10 * GC_AFTER_DELIVERY)  # as the server does: the collector alone would not run yet
    try:
        young = [[n] for n in range(2 * GC_AFTER_DELIVERY)]  # containers the collector tracks
        assert gc.get_count()[0] > GC_AFTER_DELIVERY
        hub.deliver([event(1)])
        assert isinstance(await asyncio.wait_for(subscriber.queue.get(), 5), EventMessage)
        for _ in range(10):  # the hub's turn after the delivery
            await asyncio.sleep(0)
        assert gc.get_count()[0] < GC_AFTER_DELIVERY and len(young) == 2 * GC_AFTER_DELIVERY
    finally:
        gc.set_threshold(*threshold)
        await hub.aclose()


def test_a_waiting_connection_takes_a_batchs_events_in_one_write_and_skips_what_it_has() -> None:
    hub = Hub(sessionmaker=None, secret_key="unused")  # type: ignore[arg-type]
    subscriber = hub.register(authorization="Bearer x", event_filter=EventFilter(), last_id=1)
    writes: list[list[int]] = []
    room = 10  # messages the connection's buffer takes before it is full

    def send_now(items: Sequence[Rendered]) -> int:
        writes.append([item.event_id for item in items])
        return min(len(items), room)

    def rendered(event_id: int) -> Rendered:
        return Rendered(event_id, RawPayload("{}"), b"{}")

    subscriber.send_now, subscriber.waiting = send_now, True
    subscriber.put_all([rendered(1), rendered(2), rendered(3)])  # 1 was delivered already
    subscriber.put_all([rendered(3)])  # nothing new: no write at all
    assert writes == [[2, 3]] and subscriber.last_id == 3 and subscriber.queue.empty()
    subscriber.put_all([rendered(4), Signal.RESYNC])  # a signal is the stream's: the batch keeps its order
    assert writes == [[2, 3]] and [subscriber.queue.get_nowait() for _ in range(2)] == [
        rendered(4),
        Signal.RESYNC,
    ]
    room = 1  # the client stopped reading: what the buffer did not take waits in the queue, in order
    subscriber.put_all([rendered(5), rendered(6), rendered(7)])
    assert writes[-1] == [5, 6, 7] and subscriber.last_id == 5
    assert [subscriber.queue.get_nowait() for _ in range(2)] == [rendered(6), rendered(7)]


async def test_batches_published_during_a_delivery_are_delivered_together(
    reference: None, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    user = await make_user(sessionmaker)
    authorization = f"Bearer {issue_access_token(user.id or 0, secret_key=settings.SECRET_KEY)}"
    hub = Hub(sessionmaker=sessionmaker, secret_key=settings.SECRET_KEY)
    subscriber = hub.register(authorization=authorization, event_filter=EventFilter())
    dispatched: list[list[int]] = []
    dispatch = hub.dispatch

    async def counted(events: Sequence[EventMessage]) -> int:
        dispatched.append([e.id for e in events])
        return await dispatch(events)

    hub.dispatch = counted  # type: ignore[method-assign]
    hub.start()
    try:
        hub.deliver([event(1)])
        hub.deliver([event(2), event(3)])  # a burst: both before the hub's turn
        received = [await asyncio.wait_for(subscriber.queue.get(), 5) for _ in range(3)]
        hub.deliver([event(4)])
        received.append(await asyncio.wait_for(subscriber.queue.get(), 5))
    finally:
        await hub.aclose()
    assert dispatched == [[1, 2, 3], [4]]  # one authentication of the subscribers per delivery
    assert [e.id for e in received if isinstance(e, EventMessage)] == [1, 2, 3, 4]


def recorder(writes: list[list[int]]) -> Callable[[Sequence[Rendered]], int]:
    """A connection's send_now that takes everything and notes each write's event ids."""

    def send_now(items: Sequence[Rendered]) -> int:
        writes.append([item.event_id for item in items])
        return len(items)

    return send_now


async def test_an_event_is_rendered_once_per_document_and_written_once_per_connection_that_may_read_it(
    engine: AsyncEngine, reference: None, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    planner = Planner(build_schema(settings)._schema)
    query = (
        "subscription($filter: StatusEventFilter) { statusChanged(filter: $filter) { id region { name } } }"
    )
    everything = planner.plan(query, None, None)
    chengdu_only = planner.plan(query, {"filter": {"regionCode": "510100"}}, None)
    assert everything is not None and chengdu_only is not None
    hub = Hub(sessionmaker=sessionmaker, secret_key=settings.SECRET_KEY)
    renders: list[tuple[str, int]] = []

    async def render(plan: Plan, message: EventMessage) -> RawPayload:
        renders.append((plan.key, message.id))
        return RawPayload("{}")

    hub.render = render
    writes: dict[str, list[list[int]]] = {}
    # Province users (a token per connection, two users), 成都's with the filter, 攀枝花's (may not read).
    readers = [("510000", everything)] * 4 + [("510100", chengdu_only)] * 2 + [("510300", everything)] * 2
    users = {
        code: [await make_user(sessionmaker, region_code=code) for _ in range(2)]
        for code in {"510000", "510100", "510300"}
    }
    for n, (code, plan) in enumerate(readers):
        user = users[code][n % 2]
        token = issue_access_token(
            user.id or 0, secret_key=settings.SECRET_KEY, now=datetime.now(UTC) - timedelta(seconds=n)
        )
        subscriber = hub.register(authorization=f"Bearer {token}", event_filter=EventFilter(), plan=plan)
        name = f"{code}-{n}"
        writes[name] = []
        subscriber.send_now = recorder(writes[name])
        subscriber.waiting = True
    with count_statements(engine) as counter:
        assert await hub.dispatch([event(1), event(2)]) == 6 * 2
    assert counter.count <= 2  # every subscriber authenticated afresh, together
    assert sorted(renders) == sorted((plan.key, i) for plan in (everything, chengdu_only) for i in (1, 2))
    assert {name: w for name, w in writes.items() if w} == {
        name: [[1, 2]] for name in writes if not name.startswith("510300")
    }
