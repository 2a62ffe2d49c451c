"""src/services/evaluation/provincial/summaries.py, data.py and deadlines.py: 财政厅's summary (Art. 17
「财政厅于7月底前完成汇总并上报」) — created and written by 财政厅 alone, sent once a provincial evaluation of
the year is approved, numbered at sending (川财社〔year〕N号), late after the province's deadline, read by the
national departments once sent and by the provincial bodies of both administrations; and both deadlines
listed by `deadlines` (7月10日, 7月底)."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from src.models import Region
from src.models.enums import ActorType
from src.models.provincial_evaluation import ProvincialSummaryStatus
from src.services.actors import Actor
from src.services.deadlines import DeadlineStatus
from src.services.deadlines.listing import all_items
from src.services.deadlines.notices import notice_overdue
from src.services.errors import (
    Conflict,
    ErrorCode,
    Forbidden,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    SelfEvaluationErrorCode,
    ValidationFailed,
)
from src.services.evaluation.provincial.data import provincial_summary_data
from src.services.evaluation.provincial.deadlines import PROVINCIAL_EVALUATION, PROVINCIAL_SUMMARY
from src.services.evaluation.provincial_data import ProvincialSummaryData
from tests.factories import make_actor
from tests.services.conftest import HRSS, PROVINCE, Bodies, Sessionmaker, act, bodies_of, refused
from tests.services.evaluation.conftest import move_today
from tests.services.evaluation.provincial_calls import (
    approve,
    create_summary,
    send_summary,
    submit,
    update_summary,
    written,
)
from tests.services.evaluation.world import evaluated

S = ProvincialSummaryStatus
TEXT = {
    "overview": "全省7个险种均已完成省级绩效评价",
    "problems": "个别地区逾期",
    "next_steps": "强化结果应用",
}


async def summary_data(sessionmaker: Sessionmaker, actor: Actor, summary_id: int) -> ProvincialSummaryData:
    async with sessionmaker() as session:
        return await provincial_summary_data(session=session, actor=actor, summary_id=summary_id)


async def approved(sessionmaker: Sessionmaker, province: Bodies) -> None:
    evaluation = await act(sessionmaker, submit(province.agency, await written(sessionmaker, province)))
    await act(sessionmaker, approve(province.finance, evaluation))


async def test_art17_finance_compiles_the_summary_and_sends_it_upward_numbered(
    sessionmaker: Sessionmaker, province: Bodies
) -> None:
    await refused(sessionmaker, Forbidden, create_summary(province.agency))
    summary = await act(sessionmaker, create_summary(province.finance))
    conflict = await refused(sessionmaker, Conflict, create_summary(province.finance))
    assert conflict.code == SelfEvaluationErrorCode.PROVINCIAL_SUMMARY_EXISTS
    await refused(sessionmaker, Forbidden, update_summary(province.reviewer, summary, overview="x"))
    blank = await refused(sessionmaker, ValidationFailed, send_summary(province.finance, summary))
    assert [p.field for p in blank.problems] == ["summary.overview", "summary.problems", "summary.nextSteps"]
    assert all(p.code == ErrorCode.REQUIRED for p in blank.problems)
    summary = await act(sessionmaker, update_summary(province.finance, summary, **TEXT))
    nothing = await refused(sessionmaker, PreconditionFailed, send_summary(province.finance, summary))
    assert nothing.code == SelfEvaluationErrorCode.NOTHING_TO_SUMMARIZE
    await approved(sessionmaker, province)
    summary = await act(sessionmaker, send_summary(province.finance, summary))
    assert summary.status == S.SENT and summary.sent_at is not None and not summary.late
    assert summary.document_number is not None and summary.document_number.startswith("川财社〔")
    assert summary.document_number.endswith("〕1号")
    await refused(sessionmaker, InvalidTransition, send_summary(province.finance, summary))
    await refused(sessionmaker, InvalidTransition, update_summary(province.finance, summary, overview="改"))
    data = await summary_data(sessionmaker, province.finance, summary.id or 0)
    assert (data.number, data.status_label, data.year) == (summary.document_number, "已上报", 2026)
    assert data.recipients == ["财政部", "人力资源社会保障部", "国家医疗保障局", "国家税务总局"]
    rows = {row.fund_name: row for row in data.funds}
    assert rows["职工基本医疗保险(含生育保险)基金"].report_status_label == "已审核通过"
    assert rows["失业保险基金"].report_status_label == "未报送"
    assert len(rows) == 7  # every fund active in 2026


async def test_art17_the_summary_is_read_nationally_once_sent_and_by_both_administrations(
    sessionmaker: Sessionmaker, province: Bodies
) -> None:
    summary = await act(sessionmaker, create_summary(province.finance))
    summary = await act(sessionmaker, update_summary(province.finance, summary, **TEXT))
    national = await make_actor(sessionmaker, actor_type=ActorType.NATIONAL, region_code=PROVINCE)
    with pytest.raises(NotFound):
        await summary_data(sessionmaker, national, summary.id or 0)
    await approved(sessionmaker, province)
    summary = await act(sessionmaker, send_summary(province.finance, summary))
    hrss = await bodies_of(sessionmaker, PROVINCE, HRSS)
    for reader in (national, hrss.reviewer, province.reviewer, province.tax):
        assert (await summary_data(sessionmaker, reader, summary.id or 0)).status == "SENT"


@pytest.mark.parametrize(("today", "late"), [(date(2027, 7, 31), False), (date(2027, 8, 1), True)])
async def test_art17_summary_due_by_the_end_of_july_late_marked_not_refused(
    sessionmaker: Sessionmaker, province: Bodies, monkeypatch: pytest.MonkeyPatch, today: date, late: bool
) -> None:
    await approved(sessionmaker, province)
    summary = await act(sessionmaker, create_summary(province.finance))
    summary = await act(sessionmaker, update_summary(province.finance, summary, **TEXT))
    move_today(monkeypatch, today)
    summary = await act(sessionmaker, send_summary(province.finance, summary))
    assert summary.status == S.SENT and summary.late is late


async def deadline(sessionmaker: Sessionmaker, kind: str, today: date) -> list[tuple[date, DeadlineStatus]]:
    async with sessionmaker() as session:
        area = (await session.exec(select(Region).where(Region.code == PROVINCE))).one()
        found = await all_items(session, area, 2027)
    return [(i.due_on, i.status(today)) for i in found if i.kind == kind and i.year == 2026]


async def test_art17_deadlines_lists_the_provincial_report_by_10_july_and_the_summary_by_31_july(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies
) -> None:
    assert await deadline(sessionmaker, PROVINCIAL_SUMMARY, date(2027, 7, 31)) == []  # nothing was evaluated
    await evaluated(
        sessionmaker, chengdu
    )  # 成都's 2026 medical goal: its self-evaluation, then the report, owed
    reports = await deadline(sessionmaker, PROVINCIAL_EVALUATION, date(2027, 7, 11))
    assert reports == [(date(2027, 7, 10), DeadlineStatus.OVERDUE)]
    assert await deadline(sessionmaker, PROVINCIAL_SUMMARY, date(2027, 7, 31)) == [
        (date(2027, 7, 31), DeadlineStatus.PENDING)
    ]
    await approved(sessionmaker, province)  # submitted now (December 2026 UTC): done on time
    assert await deadline(sessionmaker, PROVINCIAL_EVALUATION, date(2027, 7, 11)) == [
        (date(2027, 7, 10), DeadlineStatus.DONE)
    ]


async def test_art17_an_overdue_report_and_summary_are_noticed_by_the_periodic_task(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies
) -> None:
    await evaluated(sessionmaker, chengdu)
    noticed = await notice_overdue(sessionmaker=sessionmaker, now=datetime(2027, 7, 11, 2, tzinfo=UTC))
    assert [key.split(":")[0] for key in noticed if key.startswith("PROVINCIAL")] == ["PROVINCIAL_EVALUATION"]
    noticed = await notice_overdue(sessionmaker=sessionmaker, now=datetime(2027, 8, 1, 2, tzinfo=UTC))
    assert [key.split(":")[0] for key in noticed if key.startswith("PROVINCIAL")] == ["PROVINCIAL_SUMMARY"]


async def test_a_bad_text_is_named_as_the_api_names_its_field(
    sessionmaker: Sessionmaker, province: Bodies
) -> None:
    """下一步工作 with a control character: refused as `input.nextSteps` (the input's field), not the
    service's `next_steps`, and nothing is written."""
    summary = await act(sessionmaker, create_summary(province.finance))
    bad = await refused(
        sessionmaker, ValidationFailed, update_summary(province.finance, summary, next_steps="强化\x00应用")
    )
    assert [(p.field, p.code) for p in bad.problems] == [("input.nextSteps", ErrorCode.INVALID)]
