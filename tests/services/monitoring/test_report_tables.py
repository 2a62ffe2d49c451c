"""src/services/monitoring/report_tables.py and report_lines.py: a report's tables come from the monitoring
data (Art. 13 目标比较法): the regions' entries rolled up (Art. 12: amounts summed, a rate recomputed from
the summed numerator and denominator, never averaged), each lit by comparison.py with the region's
thresholds; budget lines with their execution rate against the time; the period's warnings and those still
open; in a constant number of statements."""

from decimal import Decimal

from src.models.enums import BudgetItem, BudgetLineCategory, QualitativeGrade
from src.models.monitoring import CompletionLikelihood, DeviationCause, Light, WarningStatus
from src.services.monitoring.report_tables import monitoring_tables
from tests.conftest import StatementCounter
from tests.services.conftest import CHENGDU, JINJIANG, Bodies, Sessionmaker
from tests.services.monitoring.conftest import YEAR
from tests.services.monitoring.report_rows import (
    CAP,
    COUNT,
    POLICY,
    RATE,
    GoalInForce,
    add_actual,
    add_execution,
    add_warning,
)

QINGYANG = "510105"


async def _entries(sessionmaker: Sessionmaker, chengdu: Bodies, target: GoalInForce) -> None:
    """Two counties enter their parts for June; 成都市 its own cap and a May figure that must not count."""
    by = chengdu.agency
    async with sessionmaker() as s:
        await add_actual(s, target, COUNT, by=by, region_code=JINJIANG, month=6, value="300")
        await add_actual(
            s,
            target,
            COUNT,
            by=by,
            region_code=QINGYANG,
            month=6,
            value="250",
            forecast="预计全年完成",
            likelihood=CompletionLikelihood.POSSIBLE,
        )
        await add_actual(s, target, COUNT, by=by, region_code=CHENGDU, month=5, value="9999")
        await add_actual(
            s,
            target,
            RATE,
            by=by,
            region_code=JINJIANG,
            month=6,
            numerator="50",
            denominator="100",
            cause_funding="资金到位滞后",
        )
        await add_actual(
            s,
            target,
            RATE,
            by=by,
            region_code=QINGYANG,
            month=6,
            numerator="900",
            denominator="1000",
            cause_funding="资金到位滞后",
            cause_other="系统切换",
        )
        await add_actual(s, target, CAP, by=by, region_code=CHENGDU, month=6, value="6")
        await add_actual(
            s, target, POLICY, by=by, region_code=JINJIANG, month=6, grade=QualitativeGrade.ACHIEVED
        )
        await add_actual(
            s,
            target,
            POLICY,
            by=by,
            region_code=QINGYANG,
            month=6,
            grade=QualitativeGrade.PARTLY_ACHIEVED,
            likelihood=CompletionLikelihood.CERTAIN,
        )
        await add_execution(s, target, BudgetItem.BENEFITS, "1000000", by=by, region_code=JINJIANG, month=6)
        await add_execution(s, target, BudgetItem.BENEFITS, "500000", by=by, region_code=QINGYANG, month=6)
        await add_execution(
            s, target, BudgetItem.CONTRIBUTION, "617283.95", by=by, region_code=CHENGDU, month=6
        )
        await add_warning(s, target, month=3, level3=CAP, status=WarningStatus.OPEN)
        await add_warning(s, target, month=3, level3=COUNT, status=WarningStatus.CLOSED)
        await add_warning(s, target, month=6, item=BudgetItem.BENEFITS, status=WarningStatus.ANSWERED)
        await add_warning(s, target, month=9, level3=RATE)
        await s.commit()


async def test_art12_art13_the_tables_roll_the_regions_entries_up_and_light_them(
    sessionmaker: Sessionmaker, chengdu: Bodies, chengdu_goal: GoalInForce, count_statements: StatementCounter
) -> None:
    await _entries(sessionmaker, chengdu, chengdu_goal)
    async with sessionmaker() as session:
        region_id, fund_id = chengdu_goal.goal.region_id, chengdu_goal.goal.fund_type_id
        count_statements.reset()
        tables = await monitoring_tables(
            session, region_id=region_id, fund_type_id=fund_id, year=YEAR, month=6
        )
        assert count_statements.count <= 9
    lines = {line.indicator.level3: line for line in tables.indicators}
    count, rate, cap, policy = lines[COUNT], lines[RATE], lines[CAP], lines[POLICY]
    # 300 + 250 万人 against 1000 × 6/12: 110 %, green.
    assert (count.actual, count.entries, count.lit.light, count.lit.ratio) == (
        Decimal(550),
        2,
        Light.GREEN,
        Decimal("110.00"),
    )
    assert (count.forecast, count.likelihood) == ("预计全年完成", CompletionLikelihood.POSSIBLE)
    # 950 / 1100 = 86.36 % (the average of 50 % and 90 % would be 70 %, yellow): green against 100.
    assert (rate.numerator, rate.denominator) == (Decimal(950), Decimal(1100))
    assert rate.actual is not None and round(rate.actual, 2) == Decimal("86.36")
    assert (rate.lit.light, rate.lit.ratio) == (Light.GREEN, Decimal("86.36"))
    assert rate.causes == {DeviationCause.FUNDING: "资金到位滞后", DeviationCause.OTHER: "系统切换"}
    assert (cap.actual, cap.lit.light) == (Decimal(6), Light.RED)  # over its ≤ 5 % cap
    assert (policy.grade, policy.lit.light, policy.likelihood) == (
        QualitativeGrade.PARTLY_ACHIEVED,
        Light.YELLOW,
        CompletionLikelihood.CERTAIN,
    )
    assert tables.goal_light == Light.RED  # its worst indicator's
    assert tables.light_counts()[Light.GREEN] == 2 and tables.elapsed == Decimal(50)
    execution = {line.label: line for line in tables.execution}
    benefits, contribution = execution["社会保险待遇支出"], execution["社会保险费收入"]
    # 1,500,000 of 6,000,000.60 budgeted: 25 % at half the year, 50 % of the time's share: red.
    assert (benefits.executed, benefits.lit.light) == (Decimal(1500000), Light.RED)
    assert benefits.rate is not None and round(benefits.rate, 2) == Decimal("25.00")
    # Against the adjusted budget (1,234,567.89), not the initial one: 50 %, on time.
    assert (contribution.budget, contribution.lit.light) == (Decimal("1234567.89"), Light.GREEN)
    spending = tables.total(BudgetLineCategory.EXPENDITURE)
    assert spending is not None and spending.executed == Decimal(1500000) and spending.item is None
    assert tables.execution_light == Light.RED
    # June's warning and March's still open; not March's closed one, not September's.
    assert [(w.warning.month, w.subject) for w in tables.warnings] == [(3, CAP), (6, "社会保险待遇支出")]


async def test_art13_nothing_entered_is_no_light(
    sessionmaker: Sessionmaker, chengdu: Bodies, chengdu_goal: GoalInForce
) -> None:
    async with sessionmaker() as session:
        goal = chengdu_goal.goal
        tables = await monitoring_tables(
            session, region_id=goal.region_id, fund_type_id=goal.fund_type_id, year=YEAR, month=9
        )
    assert {line.lit.light for line in tables.indicators} == {Light.NONE}
    assert tables.goal_light == Light.NONE and tables.warnings == []
    assert [line.executed for line in tables.execution] == [None] * len(tables.execution)
