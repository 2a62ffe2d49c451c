"""src/services/evaluation/provincial/ (evaluations.py, workflow.py, data.py): the provincial evaluation
(Art. 17 「省级绩效评价由财政厅牵头，省级社会保险行政部门指导省级社保经办机构商省税务局具体实施…上年度省级绩效
评价报告应于每年7月10日前送财政厅」): 财政厅 opens it, the provincial agency of the fund's administration
writes it with 省税务局's concurrence (any edit voids it), sends it to 财政厅 — late after the province's
deadline, marked, not refused — with the aggregate kept as sent, and 财政厅 approves it or returns it with a
reason; the administration reads it and takes no step."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import col, select

from src.models import FundType, Region, RegionalRule
from src.models.enums import ActorType, PoolingLevel
from src.models.provincial_evaluation import (
    ProvincialEvaluationStatus,
    ProvincialEvaluationTransition,
)
from src.services.actors import Actor
from src.services.errors import (
    Conflict,
    ErrorCode,
    Forbidden,
    GoalErrorCode,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    SelfEvaluationErrorCode,
    ValidationFailed,
)
from src.services.evaluation.provincial.aggregate_reads import live_aggregate
from src.services.evaluation.provincial.data import provincial_report_data
from src.services.evaluation.provincial.evaluations import visible_provincial_evaluation
from src.services.evaluation.provincial_data import ProvincialReportData
from src.services.rules.definition import RuleKey
from tests.factories import make_actor
from tests.services.conftest import (
    CHENGDU,
    HRSS,
    PROVINCE,
    ZIGONG,
    Bodies,
    Sessionmaker,
    act,
    bodies_of,
    refused,
)
from tests.services.evaluation.conftest import move_today
from tests.services.evaluation.provincial_calls import (
    NARRATIVE,
    approve,
    concur,
    open_provincial,
    self_evaluated,
    send_back,
    submit,
    update,
    written,
)
from tests.services.evaluation.world import evaluated
from tests.support.sql import StatementCounter

S = ProvincialEvaluationStatus


async def report(sessionmaker: Sessionmaker, actor: Actor, evaluation_id: int) -> ProvincialReportData:
    async with sessionmaker() as session:
        return await provincial_report_data(session=session, actor=actor, evaluation_id=evaluation_id)


async def test_art17_led_by_finance_written_by_the_agency_with_tax_sent_and_approved(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies
) -> None:
    await self_evaluated(sessionmaker, chengdu)
    evaluation = await written(sessionmaker, province)
    assert evaluation.status == S.DRAFT and evaluation.pooling_level == PoolingLevel.PREFECTURE
    evaluation = await act(sessionmaker, submit(province.agency, evaluation))
    assert evaluation.status == S.SUBMITTED and not evaluation.late and evaluation.snapshot is not None
    evaluation = await act(sessionmaker, approve(province.finance, evaluation))
    assert evaluation.status == S.APPROVED and evaluation.approved_at is not None
    async with sessionmaker() as session:
        steps = (
            await session.exec(
                select(ProvincialEvaluationTransition).order_by(col(ProvincialEvaluationTransition.id))
            )
        ).all()
    assert [x.action for x in steps] == ["OPEN", "TAX_CONCUR", "SUBMIT", "APPROVE"]
    data = await report(sessionmaker, province.reviewer, evaluation.id or 0)  # 省医保局 guides: it reads
    assert data.title == "四川省2026年度职工基本医疗保险(含生育保险)基金预算绩效评价报告"
    assert (data.status, data.status_label, data.conclusion, data.other) == (
        "APPROVED",
        "已审核通过",
        "总体良好",
        "",
    )
    assert data.aggregate.regions[0].region_name == "成都市" and "成都市" not in data.aggregate.missing
    assert data.submitted_on is not None and data.approved_on is not None


async def test_art17_only_the_named_bodies_take_each_step(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies
) -> None:
    await refused(sessionmaker, Forbidden, open_provincial(province.agency))
    await refused(sessionmaker, Forbidden, open_provincial(chengdu.finance))  # 财政厅, not a prefecture's
    evaluation = await act(sessionmaker, open_provincial(province.finance))
    await refused(sessionmaker, Forbidden, update(province.finance, evaluation, overview="x"))
    await refused(
        sessionmaker, NotFound, update(chengdu.agency, evaluation, overview="x")
    )  # a draft above it
    hrss = await bodies_of(sessionmaker, PROVINCE, HRSS)
    await refused(sessionmaker, NotFound, update(hrss.agency, evaluation, overview="x"))  # not its fund
    await refused(sessionmaker, Forbidden, concur(province.agency, evaluation))
    evaluation = await act(sessionmaker, update(province.agency, evaluation, **NARRATIVE))
    evaluation = await act(sessionmaker, concur(province.tax, evaluation))
    await refused(sessionmaker, Forbidden, submit(province.finance, evaluation))
    await refused(sessionmaker, Forbidden, submit(province.tax, evaluation))
    evaluation = await act(sessionmaker, submit(province.agency, evaluation))
    await refused(sessionmaker, Forbidden, approve(province.agency, evaluation))
    await refused(sessionmaker, Forbidden, approve(province.reviewer, evaluation))  # guides, does not approve
    await refused(sessionmaker, Forbidden, send_back(province.reviewer, evaluation, "补充"))
    await refused(sessionmaker, InvalidTransition, update(province.agency, evaluation, overview="改"))


async def test_art17_one_per_fund_and_year_once_the_year_is_over(
    sessionmaker: Sessionmaker, province: Bodies
) -> None:
    await act(sessionmaker, open_provincial(province.finance))
    refusal = await refused(sessionmaker, Conflict, open_provincial(province.finance))
    assert refusal.code == SelfEvaluationErrorCode.PROVINCIAL_EVALUATION_EXISTS
    early = await refused(sessionmaker, PreconditionFailed, open_provincial(province.finance, year=2027))
    assert early.code == SelfEvaluationErrorCode.YEAR_NOT_OVER
    await refused(sessionmaker, ValidationFailed, open_provincial(province.finance, year=1999))
    await refused(sessionmaker, NotFound, open_provincial(province.finance, fund="NO_SUCH_FUND"))


async def test_art18_the_report_must_be_written_and_concurred_before_it_goes(
    sessionmaker: Sessionmaker, province: Bodies
) -> None:
    evaluation = await act(sessionmaker, open_provincial(province.finance))
    evaluation = await act(sessionmaker, update(province.agency, evaluation, overview="概况", other=""))
    refusal = await refused(sessionmaker, ValidationFailed, submit(province.agency, evaluation))
    assert [p.field for p in refusal.problems] == [
        f"provincialEvaluation.{name}"
        for name in ("work", "conclusion", "analysis", "problems", "suggestions")
    ]
    assert all(p.code == ErrorCode.REQUIRED for p in refusal.problems)
    evaluation = await act(sessionmaker, update(province.agency, evaluation, **NARRATIVE))
    never = await refused(sessionmaker, PreconditionFailed, submit(province.agency, evaluation))
    assert never.code == GoalErrorCode.TAX_CONCURRENCE_REQUIRED and "尚未商省税务局" in never.message
    evaluation = await act(sessionmaker, concur(province.tax, evaluation))
    evaluation = await act(sessionmaker, update(province.agency, evaluation, analysis="补充分析"))
    after = await refused(sessionmaker, PreconditionFailed, submit(province.agency, evaluation))
    assert "又有修改" in after.message  # any edit voids the concurrence
    bad = await refused(sessionmaker, ValidationFailed, update(province.agency, evaluation, work="a\x00b"))
    assert bad.problems[0].code == ErrorCode.INVALID
    long = await refused(
        sessionmaker, ValidationFailed, update(province.agency, evaluation, work="长" * 10_001)
    )
    assert long.problems[0].code == ErrorCode.OUT_OF_RANGE


@pytest.mark.parametrize(("today", "late"), [(date(2027, 7, 10), False), (date(2027, 7, 11), True)])
async def test_art17_provincial_report_due_by_10_july_late_marked_not_refused(
    sessionmaker: Sessionmaker, province: Bodies, monkeypatch: pytest.MonkeyPatch, today: date, late: bool
) -> None:
    evaluation = await written(sessionmaker, province)
    move_today(monkeypatch, today)
    evaluation = await act(sessionmaker, submit(province.agency, evaluation))
    assert evaluation.status == S.SUBMITTED and evaluation.late is late
    async with sessionmaker() as session:
        step = (
            await session.exec(
                select(ProvincialEvaluationTransition).where(
                    ProvincialEvaluationTransition.action == "SUBMIT"
                )
            )
        ).one()
    assert (step.reason is not None and "逾期" in step.reason) is late


async def test_art23_the_report_deadline_is_the_provinces_rule(
    sessionmaker: Sessionmaker, province: Bodies, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with sessionmaker() as session:
        region = (await session.exec(select(Region).where(Region.code == PROVINCE))).one()
        session.add(
            RegionalRule(
                region_id=region.id or 0, key=RuleKey.PROVINCIAL_REPORT_DEADLINE.value, value="07-05"
            )
        )
        await session.commit()
    evaluation = await written(sessionmaker, province)
    move_today(monkeypatch, date(2027, 7, 8))
    assert (await act(sessionmaker, submit(province.agency, evaluation))).late


async def test_art17_returned_with_a_reason_reworked_and_sent_again(
    sessionmaker: Sessionmaker, province: Bodies
) -> None:
    evaluation = await act(sessionmaker, submit(province.agency, await written(sessionmaker, province)))
    await refused(sessionmaker, ValidationFailed, send_back(province.finance, evaluation, "  "))
    evaluation = await act(sessionmaker, send_back(province.finance, evaluation, "原因分析不充分"))
    assert evaluation.status == S.RETURNED and evaluation.return_reason == "原因分析不充分"
    await refused(sessionmaker, InvalidTransition, approve(province.finance, evaluation))
    evaluation = await act(sessionmaker, update(province.agency, evaluation, problems="补充原因分析"))
    evaluation = await act(sessionmaker, concur(province.tax, evaluation))
    evaluation = await act(sessionmaker, submit(province.agency, evaluation))
    assert evaluation.status == S.SUBMITTED and evaluation.return_reason is None
    assert (await act(sessionmaker, approve(province.finance, evaluation))).status == S.APPROVED


async def test_art17_what_was_sent_stays_what_was_sent(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies
) -> None:
    evaluation = await written(sessionmaker, province)
    draft = await report(sessionmaker, province.finance, evaluation.id or 0)
    assert draft.aggregate.regions == []  # a draft reads the live aggregate: nothing submitted yet
    evaluation = await act(sessionmaker, submit(province.agency, evaluation))
    await self_evaluated(sessionmaker, chengdu)  # submitted after the report went to 财政厅
    sent = await report(sessionmaker, province.finance, evaluation.id or 0)
    assert sent.aggregate == draft.aggregate and sent.aggregate.regions == []
    evaluation = await act(sessionmaker, send_back(province.finance, evaluation, "请纳入成都市自评"))
    reworked = await report(sessionmaker, province.finance, evaluation.id or 0)
    assert [r.region_name for r in reworked.aggregate.regions] == ["成都市"]
    assert reworked.aggregate.regions[0].total_score is not None


async def test_art17_a_draft_is_not_seen_by_the_national_departments_nor_the_other_administration(
    sessionmaker: Sessionmaker, province: Bodies
) -> None:
    evaluation = await written(sessionmaker, province)
    national = await make_actor(sessionmaker, actor_type=ActorType.NATIONAL, region_code=PROVINCE)
    hrss = await bodies_of(sessionmaker, PROVINCE, HRSS)
    for outsider in (national, hrss.reviewer):
        with pytest.raises(NotFound):
            await report(sessionmaker, outsider, evaluation.id or 0)
    evaluation = await act(sessionmaker, submit(province.agency, evaluation))
    assert (await report(sessionmaker, national, evaluation.id or 0)).status == "SUBMITTED"
    with pytest.raises(NotFound):  # 人社厅 does not guide the medical fund
        await report(sessionmaker, hrss.reviewer, evaluation.id or 0)
    async with sessionmaker() as session:
        await visible_provincial_evaluation(
            session=session, actor=province.tax, evaluation_id=evaluation.id or 0
        )


async def test_art17_a_funds_aggregate_reads_in_a_constant_number_of_statements(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies, count_statements: StatementCounter
) -> None:
    async def statements() -> int:
        async with sessionmaker() as session:
            region = (await session.exec(select(Region).where(Region.code == PROVINCE))).one()
            fund = (await session.exec(select(FundType).where(FundType.code == "EMPLOYEE_MEDICAL"))).one()
            count_statements.reset()
            found = await live_aggregate(
                session, province=region, fund=fund, year=2026, pooling_level=PoolingLevel.PREFECTURE
            )
            counted = count_statements.count
        return counted if found is not None else -1

    none = await statements()
    await self_evaluated(sessionmaker, chengdu)
    one = await statements()
    await self_evaluated(sessionmaker, await bodies_of(sessionmaker, ZIGONG))
    two = await statements()
    assert none <= one == two, (none, one, two)


async def test_art17_the_aggregate_counts_submitted_self_evaluations_of_the_regions_that_owe_one(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies
) -> None:
    await self_evaluated(sessionmaker, chengdu)
    zigong = await bodies_of(sessionmaker, ZIGONG)
    await evaluated(sessionmaker, zigong)  # a goal in force, no self-evaluation submitted: owing
    evaluation = await written(sessionmaker, province)
    data = await report(sessionmaker, province.finance, evaluation.id or 0)
    aggregate = data.aggregate
    assert (aggregate.expected, aggregate.missing) == (2, ["自贡市"])
    assert [r.region_code for r in aggregate.regions] == [CHENGDU]
    assert aggregate.grade_counts[aggregate.regions[0].grade or ""] == 1
    assert [s.level3 for s in aggregate.shortfalls] == ["待遇按时足额发放率"]
    assert aggregate.shortfalls[0].causes == ["部分县区系统切换"]
    assert aggregate.execution.adjusted_budget > Decimal(0)
