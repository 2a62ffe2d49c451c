"""Evaluating a monitoring period (Art. 13) and the warnings it raises (Art. 14): 提示警示纠偏 for indicators
off course, 督促加快 for execution behind the time, 执行偏差较大 noted, a goal red period after period sent
to adjustment review; never twice for one period; each raise an event; who may evaluate."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import session_scope
from src.models.enums import BudgetItem, QualitativeGrade
from src.models.event import Event
from src.models.monitoring import Light, MonitoringWarning, WarningEventKind, WarningKind
from src.services.actors import Actor
from src.services.errors import Forbidden, PreconditionFailed, ValidationFailed, WarningErrorCode
from src.services.monitoring.checks import ComplianceKind, TimelinessStatus
from src.services.monitoring.evaluation import Evaluation, evaluate, evaluate_period
from src.services.monitoring.state import ScopeKey
from tests.factories import make_actual, make_execution, make_goal, region_id
from tests.services.conftest import Bodies, Sessionmaker, act, bodies_of, refused
from tests.services.monitoring.conftest import FUND, YEAR, Monitored, monitored_goal, set_rule

D = Decimal
JULY_20 = date(2026, 7, 20)
B = BudgetItem


async def june(sessionmaker: Sessionmaker, m: Monitored) -> None:
    """1-6月 in 成都: insured 50% of the expected (red), paid 90% of 95 (green), adjustments over the cap
    (red), policy partly achieved (yellow); benefits a third of the time's share (red, large deviation),
    subsidy 70% of it (yellow), contributions on time (green)."""
    agency = m.bodies.agency
    async with session_scope(sessionmaker) as s:
        await make_actual(s, m.insured, month=6, by=agency, value=D(300))
        await make_actual(s, m.paid, month=6, by=agency, value=D(90), numerator=D(90), denominator=D(100))
        await make_actual(s, m.adjustments, month=6, by=agency, value=D(12))
        await make_actual(s, m.policy, month=6, by=agency, grade=QualitativeGrade.PARTLY_ACHIEVED)
        await make_execution(s, m.budget, B.CONTRIBUTION, month=6, amount=D("617283.95"), by=agency)
        await make_execution(s, m.budget, B.FISCAL_SUBSIDY, month=6, amount=D("700000.07"), by=agency)
        await make_execution(s, m.budget, B.BENEFITS, month=6, amount=D("1000000.10"), by=agency)


async def run(sessionmaker: Sessionmaker, actor: Actor | None, m: Monitored, month: int = 6) -> Evaluation:
    goal = m.goal
    return await act(
        sessionmaker,
        lambda s: evaluate(
            session=s, actor=actor, region_id=goal.region_id, fund_type_id=goal.fund_type_id, year=YEAR,
            month=month, today=JULY_20,
        ),
    )  # fmt: skip


async def stored(sessionmaker: Sessionmaker) -> list[MonitoringWarning]:
    async with sessionmaker() as s:
        return list((await s.exec(select(MonitoringWarning).order_by(col(MonitoringWarning.id)))).all())


async def raised_events(sessionmaker: Sessionmaker) -> list[Event]:
    async with sessionmaker() as s:
        stmt = select(Event).where(Event.kind == WarningEventKind.MONITORING_WARNING_RAISED.value)
        return list((await s.exec(stmt.order_by(col(Event.id)))).all())


async def test_art14_evaluation_raises_warnings_for_red_and_yellow(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    await june(sessionmaker, monitored)
    evaluation = await run(sessionmaker, monitored.bodies.finance, monitored)
    lights = {a.indicator.level3: (a.lit.light, a.lit.ratio) for a in evaluation.assessment.indicators}
    assert lights == {
        "参保人数": (Light.RED, D("50.00")),
        "待遇按时足额发放率": (Light.GREEN, D("94.74")),
        "预算调整率": (Light.RED, D("120.00")),
        "政策落实": (Light.YELLOW, None),
    }
    warnings = await stored(sessionmaker)
    seen = {(w.kind, w.indicator_lineage_id or w.budget_item, w.light, w.large_deviation) for w in warnings}
    assert seen == {
        (WarningKind.INDICATOR, monitored.insured.lineage_id, Light.RED, False),
        (WarningKind.INDICATOR, monitored.adjustments.lineage_id, Light.RED, False),
        (WarningKind.INDICATOR, monitored.policy.lineage_id, Light.YELLOW, False),
        (WarningKind.EXECUTION, B.BENEFITS, Light.RED, True),  # 33.33% of the time's share: 执行偏差较大
        (WarningKind.EXECUTION, B.FISCAL_SUBSIDY, Light.YELLOW, False),
    }
    insured = next(w for w in warnings if w.indicator_lineage_id == monitored.insured.lineage_id)
    assert (insured.ratio, insured.deviation, insured.month, insured.region_id) == (
        D("50.00"), D("-50.00"), 6, monitored.goal.region_id,
    )  # fmt: skip
    assert {w.id for w in evaluation.raised} == {w.id for w in warnings}
    events = await raised_events(sessionmaker)
    assert sorted(e.subject_id for e in events) == sorted(w.id or 0 for w in warnings)
    assert {e.actor_user_id for e in events} == {monitored.bodies.finance.user_id}
    benefits = next(e for e in events if e.payload["budgetItem"] == "BENEFITS")
    assert benefits.payload["largeDeviation"] is True and benefits.payload["light"] == "RED"


async def test_art14_evaluating_twice_never_raises_twice(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    await june(sessionmaker, monitored)
    first = await run(sessionmaker, monitored.bodies.finance, monitored)
    again = await run(sessionmaker, None, monitored)  # the system, later: same period
    assert len(first.raised) == 5 and again.raised == []
    assert len(await stored(sessionmaker)) == 5 and len(await raised_events(sessionmaker)) == 5


async def test_art6_parts_are_summed_and_rates_recomputed_from_summed_parts(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    agency = monitored.bodies.agency
    async with session_scope(sessionmaker) as s:
        await make_actual(s, monitored.insured, month=6, by=agency, value=D(300))  # the whole, off its parts
        for county, persons, on_time, due in (("510104", 200, 9, 10), ("510105", 500, 500, 1000)):
            await make_actual(s, monitored.insured, month=6, by=agency, value=D(persons), region_code=county)
            await make_actual(
                s, monitored.paid, month=6, by=agency, numerator=D(on_time), denominator=D(due),
                value=D(on_time) * 100 / due, region_code=county,
            )  # fmt: skip
    evaluation = await run(sessionmaker, None, monitored)
    found = {a.indicator.level3: a for a in evaluation.assessment.indicators}
    insured, paid = found["参保人数"], found["待遇按时足额发放率"]
    assert insured.figure is not None and insured.figure.value == D(700)  # 200 + 500, not the 300 entered
    assert (insured.lit.light, insured.lit.ratio) == (Light.GREEN, D("116.67"))
    # 509 of 1,010 paid on time: 50.40%, 53.05% of the target: red. Averaging 90% and 50% would say 70%.
    assert paid.figure is not None and (paid.figure.numerator, paid.figure.denominator) == (D(509), D(1010))
    assert (paid.lit.light, paid.lit.ratio) == (Light.RED, D("53.05"))
    problems = evaluation.assessment.compliance.problems
    assert [(p.kind, p.subject) for p in problems] == [(ComplianceKind.PARTS_MISMATCH, "参保人数")]


async def test_art14_a_goal_red_for_three_periods_goes_to_adjustment_review(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    agency = monitored.bodies.agency
    async with session_scope(sessionmaker) as s:
        for month in (3, 6, 9):
            await make_actual(s, monitored.insured, month=month, by=agency, value=D(10 * month))
    assert not (await run(sessionmaker, None, monitored, 6)).assessment.adjustment_review
    ninth = await run(sessionmaker, None, monitored, 9)
    assert (ninth.assessment.red_periods, ninth.assessment.adjustment_review) == (3, True)
    flagged = {w.month: w.adjustment_review for w in await stored(sessionmaker)}
    assert flagged == {6: False, 9: True}


async def test_art23_the_regions_rules_set_periods_and_review(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    code = monitored.bodies.region_code
    await set_rule(sessionmaker, code, "ADJUSTMENT_REVIEW_RED_PERIODS", "2")
    await set_rule(sessionmaker, code, "MONITORING_PERIODS", "MONTHLY")
    agency = monitored.bodies.agency
    async with session_scope(sessionmaker) as s:
        for month in (4, 5):
            await make_actual(s, monitored.insured, month=month, by=agency, value=D(10))
    fifth = await run(sessionmaker, None, monitored, 5)  # May ends a period when monitoring is monthly
    assert fifth.assessment.adjustment_review and fifth.raised[0].adjustment_review


async def test_art13_timeliness_and_compliance_of_the_period(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    agency = monitored.bodies.agency
    late, early = datetime(2026, 7, 15, 2, tzinfo=UTC), datetime(2026, 7, 3, 2, tzinfo=UTC)
    async with session_scope(sessionmaker) as s:
        await make_actual(s, monitored.insured, month=6, by=agency, value=D(600), entered_at=late)
        for item, amount in ((B.BENEFITS, D(7_000_000)), (B.ACCUMULATED_BALANCE, D(-5))):
            await make_execution(
                s, monitored.budget, item, month=6, amount=amount, by=agency, entered_at=early
            )
    assessment = (await run(sessionmaker, None, monitored)).assessment
    timeliness = assessment.timeliness
    assert timeliness.due_on == date(2026, 7, 10)
    assert (timeliness.late, timeliness.on_time, timeliness.missing) == (1, 2, 11)  # 4 indicators, 10 lines
    assert timeliness.status == TimelinessStatus.OVERDUE
    kinds = [p.kind for p in assessment.compliance.problems]
    assert kinds == [ComplianceKind.OVER_BUDGET, ComplianceKind.NEGATIVE_BALANCE]
    assert assessment.effectiveness.light == Light.GREEN  # 600 of 600 expected; the rest not entered


async def test_art13_who_evaluates(sessionmaker: Sessionmaker, monitored: Monitored) -> None:
    await june(sessionmaker, monitored)
    bodies = monitored.bodies
    for actor in (bodies.agency, bodies.tax, (await bodies_of(sessionmaker, "510000")).finance):

        async def call(s: AsyncSession, a: Actor = actor) -> Evaluation:
            return await _evaluate(s, a, monitored, 6)

        await refused(sessionmaker, Forbidden, call)
    assert len((await run(sessionmaker, bodies.reviewer, monitored)).raised) == 5  # 成都市医保局


async def _evaluate(
    s: AsyncSession, actor: Actor | None, m: Monitored, month: int, region: int | None = None
) -> Evaluation:
    return await evaluate(
        session=s,
        actor=actor, region_id=region or m.goal.region_id, fund_type_id=m.goal.fund_type_id, year=YEAR,
        month=month,
    )  # fmt: skip


async def test_art13_evaluation_refusals(sessionmaker: Sessionmaker, monitored: Monitored) -> None:
    finance = monitored.bodies.finance
    error = await refused(sessionmaker, ValidationFailed, lambda s: _evaluate(s, finance, monitored, 5))
    assert [p.field for p in error.problems] == ["input.month"]
    assert error.problems[0].message == "5月不是监控期末：成都市运行监控按季度比较（3、6、9、12月）"
    province = (await bodies_of(sessionmaker, "510000")).finance
    async with sessionmaker() as s:
        province_id, zigong = await region_id(s, "510000"), await region_id(s, "510300")
    refusal = await refused(
        sessionmaker, PreconditionFailed, lambda s: _evaluate(s, province, monitored, 6, province_id)
    )
    assert refusal.code == WarningErrorCode.EVALUATION_NOT_POOLING_REGION  # medical funds pool by prefecture
    zigong_finance = (await bodies_of(sessionmaker, "510300")).finance
    refusal = await refused(
        sessionmaker, PreconditionFailed, lambda s: _evaluate(s, zigong_finance, monitored, 6, zigong)
    )
    assert refusal.code == WarningErrorCode.EVALUATION_NO_GOAL_IN_FORCE


async def test_art13_the_system_evaluates_every_pooling_region_whose_period_ends(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    await june(sessionmaker, monitored)
    zigong: Bodies = await bodies_of(sessionmaker, "510300")
    other = await monitored_goal(sessionmaker, zigong, status=monitored.goal.status)
    async with session_scope(sessionmaker) as s:
        await make_actual(s, other.insured, month=6, by=zigong.agency, value=D(100))
        # A province-wide goal of a fund pooled by prefecture is rolled up, never evaluated itself.
        await make_goal(s, fund_code=FUND, region_code="510000", status=monitored.goal.status)
    await set_rule(sessionmaker, "510400", "MONITORING_PERIODS", "JULY_AND_YEAR_END")  # 攀枝花: not in June
    evaluations = await act(
        sessionmaker, lambda s: evaluate_period(session=s, year=YEAR, month=6, today=JULY_20)
    )
    keys = [e.key for e in evaluations]
    assert keys == sorted([ScopeKey(monitored.goal.region_id, monitored.goal.fund_type_id),
                           ScopeKey(other.goal.region_id, other.goal.fund_type_id)])  # fmt: skip
    assert {e.actor_user_id for e in await raised_events(sessionmaker)} == {None}
    assert len(await stored(sessionmaker)) == 5 + 1
