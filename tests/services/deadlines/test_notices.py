"""Noticing overdue items (src/services/deadlines/notices.py): each item overdue on the day is announced
once, a DeadlineNotice and a DEADLINE_OVERDUE event in one transaction, however often and from however
many processes at once the noticing runs."""

import asyncio
from datetime import datetime

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import create_sessionmaker, session_scope
from src.models import DeadlineNotice, Event
from src.models.enums import ActorType
from src.models.monitoring import DeadlineEventKind
from src.services.deadlines import DeadlineItem, DeadlineStatus
from src.services.deadlines import notices as notices_module
from src.services.deadlines.listing import list_deadlines
from src.services.deadlines.notices import OVERDUE_EVENT, notice_overdue, overdue_items
from tests.factories import make_actor
from tests.services.conftest import Sessionmaker
from tests.services.deadlines.scenario import CHENGDU, NOW, YEAR, build, china, enter, lineages

# At NOW: 成都市's 1-9月 entries and 1-6月 report; 自贡市's 1-3, 1-6, 1-9月 entries and 1-3, 1-6月 reports;
# the 2025 compilation of 20 prefectures (成都市 sent it, late) and the 2024 one of all 21 (due January 2025).
OVERDUE = 1 + 1 + 3 + 2 + 20 + 21


async def notices(sessionmaker: Sessionmaker) -> list[DeadlineNotice]:
    async with sessionmaker() as session:
        return list((await session.exec(select(DeadlineNotice).order_by(col(DeadlineNotice.key)))).all())


async def events(sessionmaker: Sessionmaker) -> list[Event]:
    async with sessionmaker() as session:
        stmt = select(Event).where(Event.kind == OVERDUE_EVENT).order_by(col(Event.id))
        return list((await session.exec(stmt)).all())


async def test_art13_each_overdue_item_is_announced_once_with_its_event(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    assert OVERDUE_EVENT == DeadlineEventKind.DEADLINE_OVERDUE  # the kind the subject registered
    scenario = await build(sessionmaker)
    async with sessionmaker() as session:
        expected = sorted(item.key for item in await overdue_items(session, NOW))
    assert len(expected) == OVERDUE
    assert await notice_overdue(sessionmaker=sessionmaker, now=NOW) == expected
    assert await notice_overdue(sessionmaker=sessionmaker, now=NOW) == []  # already announced
    found, announced = await notices(sessionmaker), await events(sessionmaker)
    assert [n.key for n in found] == expected and len(announced) == OVERDUE
    by_id = {n.id: n for n in found}
    for event in announced:
        notice = by_id[event.subject_id]
        assert event.subject_type == "DeadlineNotice" and event.actor_user_id is None
        assert (event.region_id, event.fund_type_id) == (notice.region_id, notice.fund_type_id)
        assert event.payload["key"] == notice.key and event.payload["dueOn"] == notice.due_on.isoformat()
    entries = next(
        n
        for n in found
        if n.key.startswith("MONITORING_ENTRIES") and n.region_id == scenario.chengdu_goal.region_id
    )
    assert entries.organization_id == scenario.chengdu.agency.organization_id
    assert entries.label == "成都市职工基本医疗保险(含生育保险)基金2026年1-9月监控数据填报"
    assert events_administrations(announced, entries.id) == "|MEDICAL_SECURITY|"
    compilation = next(
        n for n in found if n.key.startswith("MONITORING_COMPILATION") and n.fund_type_id is None
    )
    assert events_administrations(announced, compilation.id) == "|HRSS|MEDICAL_SECURITY|"

    # The listing shows when each was announced; one done since stays announced, and is late.
    async with session_scope(sessionmaker) as session:
        _, second = await lineages(session, scenario.chengdu_goal)
        await enter(session, scenario.chengdu_goal, second, 9, china(10, 14), scenario.chengdu.agency)
    finance = await make_actor(sessionmaker, actor_type=ActorType.FINANCE, region_code=CHENGDU)
    async with sessionmaker() as session:
        listing = await list_deadlines(
            session=session, actor=finance, year=YEAR, region_code=CHENGDU, now=NOW
        )
    september = next(r for r in listing.rows if r.item.key == entries.key)
    assert september.status == DeadlineStatus.LATE and september.noticed_at == entries.noticed_at
    assert {r.noticed_at is not None for r in listing.rows if r.status == DeadlineStatus.DONE} == {False}


def events_administrations(announced: list[Event], notice_id: int | None) -> str:
    [event] = [e for e in announced if e.subject_id == notice_id]
    return event.administrations


async def test_two_processes_noticing_at_once_announce_each_item_once(
    sessionmaker: Sessionmaker, reference: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both read every overdue item as unannounced before either writes (a barrier holds the first until
    the second has read), then both insert the same notices: each item is announced by one of them."""
    await build(sessionmaker)
    barrier = asyncio.Barrier(2)

    async def read_then_wait(session: AsyncSession, now: datetime) -> list[DeadlineItem]:
        found = await overdue_items(session, now)
        await barrier.wait()
        return found

    monkeypatch.setattr(notices_module, "overdue_items", read_then_wait)
    engine = sessionmaker.kw["bind"]
    first, second = create_sessionmaker(engine), create_sessionmaker(engine)  # a connection each
    ran = await asyncio.gather(
        notice_overdue(sessionmaker=first, now=NOW), notice_overdue(sessionmaker=second, now=NOW)
    )
    assert not set(ran[0]) & set(ran[1])  # never both
    assert len(ran[0]) + len(ran[1]) == OVERDUE
    assert len(await notices(sessionmaker)) == len(await events(sessionmaker)) == OVERDUE
