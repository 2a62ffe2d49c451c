"""An item's steps to its closure (Art. 20): the owner reports it with its measures, the cause for the kinds
「要认真分析原因、提出整改措施」, and evidence; the finance that raised it verifies it (closed) or returns it
with a reason; every change is an event, every step audited."""

from pathlib import Path

from sqlmodel import col, select

from src.models import AuditEvent, Event
from src.models.rectification import RectificationCategory, RectificationStatus
from src.services.errors import Forbidden, InvalidTransition, PreconditionFailed, ValidationFailed
from tests.services.conftest import Bodies, Sessionmaker, act, refused
from tests.services.rectification.support import attach, raise_item, report, send_back, update, verify


async def test_art20_a_deviation_is_reported_with_its_cause_measures_and_evidence(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies, tmp_path: Path
) -> None:
    item = await raise_item(sessionmaker, province.finance, chengdu.agency)
    item_id = item.id or 0
    error = await refused(sessionmaker, ValidationFailed, report(chengdu.agency, item_id, 1))
    assert sorted(p.field for p in error.problems) == ["item.cause", "item.measures"]
    await act(sessionmaker, update(chengdu.agency, item_id, 1, measures="按月调度支出进度"))
    error = await refused(sessionmaker, ValidationFailed, report(chengdu.agency, item_id, 2))
    assert [p.field for p in error.problems] == ["item.cause"]  # 认真分析原因
    await act(sessionmaker, update(chengdu.agency, item_id, 2, cause="医疗费用结算周期滞后"))
    await refused(sessionmaker, PreconditionFailed, report(chengdu.agency, item_id, 3))  # no evidence yet
    await attach(sessionmaker, chengdu.agency, tmp_path, item_id)
    await refused(sessionmaker, Forbidden, report(chengdu.finance, item_id, 3))  # not the owner
    reported = await act(sessionmaker, report(chengdu.agency, item_id, 3))
    assert reported.status == RectificationStatus.REPORTED and reported.reported_at is not None


async def test_art20_goal_setting_needs_measures_but_no_cause(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies, tmp_path: Path
) -> None:
    item = await raise_item(
        sessionmaker, province.finance, chengdu.agency, category=RectificationCategory.GOAL_SETTING
    )
    item_id = item.id or 0
    await act(sessionmaker, update(chengdu.agency, item_id, 1, measures="重新测算绩效目标"))
    await attach(sessionmaker, chengdu.agency, tmp_path, item_id)
    assert (
        await act(sessionmaker, report(chengdu.agency, item_id, 2))
    ).status == RectificationStatus.REPORTED


async def test_art20_the_raiser_returns_then_verifies_and_closes_it(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies, tmp_path: Path
) -> None:
    item = await raise_item(
        sessionmaker, province.finance, chengdu.agency, category=RectificationCategory.RULES_INCOMPLETE
    )
    item_id = item.id or 0
    await act(sessionmaker, update(chengdu.agency, item_id, 1, measures="修订基金预算绩效管理办法"))
    await attach(sessionmaker, chengdu.agency, tmp_path, item_id)

    await refused(sessionmaker, InvalidTransition, verify(province.finance, item_id, 2))  # not reported yet
    await act(sessionmaker, report(chengdu.agency, item_id, 2))
    await refused(
        sessionmaker, Forbidden, verify(chengdu.finance, item_id, 3)
    )  # not the finance that raised it
    await refused(sessionmaker, ValidationFailed, send_back(province.finance, item_id, 3, reason=" "))
    returned = await act(sessionmaker, send_back(province.finance, item_id, 3))
    assert returned.status == RectificationStatus.RETURNED and returned.return_reason == "佐证材料不全"
    await act(sessionmaker, report(chengdu.agency, item_id, 4))  # reported again
    closed = await act(sessionmaker, verify(province.finance, item_id, 5))
    assert closed.status == RectificationStatus.VERIFIED and closed.verified_at is not None
    await refused(sessionmaker, InvalidTransition, update(chengdu.agency, item_id, 6, progress="已完成"))
    async with sessionmaker() as s:
        kinds = (
            await s.exec(
                select(Event.payload)
                .where(
                    Event.subject_type == "RectificationItem",
                    Event.kind == "RECTIFICATION_ITEM_STATUS_CHANGED",
                )
                .order_by(col(Event.id))
            )
        ).all()
        audited = (
            await s.exec(
                select(AuditEvent.operation)
                .where(AuditEvent.target_id == item_id, col(AuditEvent.operation).like("rectificationItem%"))
                .order_by(col(AuditEvent.id))
            )
        ).all()
    assert [p["action"] for p in kinds] == ["CREATE", "REPORT", "RETURN", "REPORT", "VERIFY"]
    assert audited == [
        "rectificationItemCreate", "rectificationItemUpdate", "rectificationItemReport",
        "rectificationItemReturn", "rectificationItemReport", "rectificationItemVerify",
    ]  # fmt: skip
