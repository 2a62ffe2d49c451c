"""The items' due dates as the deadline source "rectification" (Art. 20): one RECTIFICATION_ITEM per item
due in the year, for its owner, done when VERIFIED; an overdue item is announced once by the periodic
notice (src/services/deadlines/notices.py), as every source's are."""

from datetime import timedelta
from pathlib import Path

from sqlmodel import col, select

from src.db import session_scope
from src.models import DeadlineNotice, Event, Region
from src.models.base import utcnow
from src.services.deadlines.items import DeadlineStatus, china_today
from src.services.deadlines.listing import all_items
from src.services.deadlines.notices import OVERDUE_EVENT, notice_overdue
from src.services.rectification import items, workflow
from src.services.rectification.deadlines import KINDS, NAME, RECTIFICATION_ITEM
from src.subjects.registry import registry
from tests.services.conftest import Bodies, Sessionmaker, act
from tests.services.rectification.support import attach, raise_item


async def rectification_items(sessionmaker: Sessionmaker, year: int) -> list[object]:
    async with sessionmaker() as s:
        province = (await s.exec(select(Region).where(Region.code == "510000"))).one()
        return [i for i in await all_items(s, province, year) if i.kind == RECTIFICATION_ITEM]


async def test_art20_the_source_is_named_rectification_with_its_one_kind() -> None:
    assert NAME == "rectification"
    assert KINDS == {"RECTIFICATION_ITEM": "整改事项整改到位（第二十条）"}
    assert "rectification" in registry().deadline_sources


async def test_art20_each_item_is_due_for_its_owner_and_done_when_verified(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies, tmp_path: Path
) -> None:
    first = await raise_item(sessionmaker, province.finance, chengdu.agency)
    second = await raise_item(sessionmaker, province.finance, chengdu.finance, problem="监督检查机制不健全")
    due = first.due_on
    found = await rectification_items(sessionmaker, due.year)
    assert len(found) == 2 and len({i.key for i in found}) == 2  # type: ignore[attr-defined]
    assert [(i.actor_type, i.due_on, i.done_at) for i in found] == [  # type: ignore[attr-defined]
        (chengdu.agency.actor_type, due, None), (chengdu.finance.actor_type, second.due_on, None),
    ]  # fmt: skip
    item_id = first.id or 0
    await act(
        sessionmaker,
        lambda s: items.update_item(
            session=s,
            actor=chengdu.agency,
            item_id=item_id,
            row_version=1,
            changes={"measures": "调度", "cause": "滞后"},
        ),
    )
    await attach(sessionmaker, chengdu.agency, tmp_path, item_id)
    await act(
        sessionmaker,
        lambda s: workflow.report_item(session=s, actor=chengdu.agency, item_id=item_id, row_version=2),
    )
    closed = await act(
        sessionmaker,
        lambda s: workflow.verify_item(session=s, actor=province.finance, item_id=item_id, row_version=3),
    )
    done = (await rectification_items(sessionmaker, due.year))[0]
    assert done.done_at == closed.verified_at and done.status(china_today()) == DeadlineStatus.DONE  # type: ignore[attr-defined]


async def test_art20_an_overdue_item_is_announced_once(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies
) -> None:
    item = await raise_item(sessionmaker, province.finance, chengdu.agency)
    later = utcnow() + timedelta(days=31)  # the day after it was due
    await notice_overdue(sessionmaker=sessionmaker, now=later)
    await notice_overdue(sessionmaker=sessionmaker, now=later)
    async with session_scope(sessionmaker) as s:
        notices = (
            await s.exec(select(DeadlineNotice).where(col(DeadlineNotice.key).startswith(RECTIFICATION_ITEM)))
        ).all()
        assert [n.key for n in notices] == [
            f"RECTIFICATION_ITEM:{item.region_id}:{item.fund_type_id}:2025#{item.id}"
        ]
        assert (
            notices[0].organization_id == chengdu.agency.organization_id and notices[0].due_on == item.due_on
        )
        announced = (
            await s.exec(select(Event).where(Event.kind == OVERDUE_EVENT, Event.subject_id == notices[0].id))
        ).all()
    assert len(announced) == 1 and announced[0].payload["key"] == notices[0].key
