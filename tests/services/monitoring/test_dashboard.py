"""A region's dashboard (Art. 12, 13): its own pooled funds, the funds pooled below it rolled up (amounts
added, rates from summed parts), a part's own entries, the three checks, and only what the reader may read."""

from dataclasses import dataclass
from decimal import Decimal

from src.db import session_scope
from src.models import Goal, Indicator
from src.models.enums import Aggregation, BudgetItem, BudgetStatus, GoalStatus
from src.models.monitoring import Light
from src.services.actors import Actor
from src.services.monitoring.checks import TimelinessStatus
from src.services.monitoring.dashboard import Dashboard, FundDashboard, View, dashboard
from src.services.monitoring.evaluation import evaluate
from tests.factories import make_actual, make_budget, make_execution, make_goal, make_indicator
from tests.services.conftest import Bodies, Sessionmaker, act, bodies_of
from tests.services.monitoring.conftest import FUND, YEAR, Monitored
from tests.services.monitoring.test_evaluation import JULY_20, june

D = Decimal


async def view(sessionmaker: Sessionmaker, actor: Actor, code: str, month: int = 6) -> Dashboard:
    async with sessionmaker() as s:
        return await dashboard(
            session=s, actor=actor, region_code=code, year=YEAR, month=month, today=JULY_20
        )


def fund(board: Dashboard, code: str = FUND) -> FundDashboard:
    return next(f for f in board.funds if f.fund.code == code)


async def test_art13_a_pooling_regions_dashboard(sessionmaker: Sessionmaker, monitored: Monitored) -> None:
    await june(sessionmaker, monitored)
    goal = monitored.goal
    await act(
        sessionmaker,
        lambda s: evaluate(session=s, actor=None, region_id=goal.region_id, fund_type_id=goal.fund_type_id,
                           year=YEAR, month=6, today=JULY_20),
    )  # fmt: skip
    board = await view(sessionmaker, monitored.bodies.finance, "510100")
    assert len(board.funds) == 7  # every fund: finance works on all of them
    medical = fund(board)
    assert (medical.view, medical.goal and medical.goal.id, medical.open_warnings) == (
        View.POOLING,
        goal.id,
        5,
    )
    lines = {a.indicator.level3: (a.month, a.lit.light) for a in medical.indicators}
    assert lines["参保人数"] == (6, Light.RED) and lines["政策落实"] == (6, Light.YELLOW)
    benefits = next(e for e in medical.execution if e.item == BudgetItem.BENEFITS)
    assert (benefits.rate, benefits.lit.light, benefits.lit.large_deviation) == (D("16.67"), Light.RED, True)
    assert medical.effectiveness.light == Light.RED
    assert medical.timeliness.status == TimelinessStatus.OVERDUE  # 7 budget lines not entered by 10 July
    assert medical.compliance.ok
    # Another fund, pooled at the province: 成都 is one of its parts, with nothing entered.
    assert fund(board, "WORK_INJURY").view == View.PART


async def test_art13_the_latest_figure_up_to_the_month(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    async with session_scope(sessionmaker) as s:
        await make_actual(s, monitored.insured, month=3, by=monitored.bodies.agency, value=D(240))
    insured = fund(await view(sessionmaker, monitored.bodies.finance, "510100")).indicators[0]
    # March's 240 against March's 300 expected: 80%, lit as of March.
    assert (insured.month, insured.lit.light, insured.lit.ratio) == (3, Light.GREEN, D("80.00"))
    before = fund(await view(sessionmaker, monitored.bodies.finance, "510100", month=2)).indicators[0]
    assert (before.month, before.lit.light) == (None, Light.NONE)


@dataclass(frozen=True)
class Province:
    goal: Goal
    insured: Indicator  # 参保人数 ≥ 2400, SUM
    paid: Indicator  # 待遇按时足额发放率 ≥ 95%, RATE


async def province_wide(sessionmaker: Sessionmaker, regions: dict[str, Bodies]) -> Province:
    """A province-wide 2026 goal decomposed to 成都 and 自贡, issued, with their budgets; June entered."""
    async with session_scope(sessionmaker) as s:
        top = await make_goal(s, fund_code=FUND, region_code="510000", status=GoalStatus.ISSUED, indicators=0)
        insured = await make_indicator(s, top, target_value=D(2400))
        paid = await make_indicator(
            s, top, level3="待遇按时足额发放率", aggregation=Aggregation.RATE, target_value=D(95), unit="%"
        )
        for (code, bodies), (persons, on_time, due, benefits) in zip(
            regions.items(), ((300, 9, 10, 100), (200, 500, 1000, 300)), strict=True
        ):
            goal = await make_goal(
                s,
                fund_code=FUND,
                region_code=code,
                status=GoalStatus.ISSUED,
                indicators=0,
                parent_goal_id=top.id,
            )
            own = await make_indicator(s, goal, target_value=D(1200), inherited_from_id=insured.id)
            rate = await make_indicator(s, goal, level3="待遇按时足额发放率", aggregation=Aggregation.RATE,
                                        target_value=D(95), unit="%", inherited_from_id=paid.id)  # fmt: skip
            budget = await make_budget(s, fund_code=FUND, region_code=code, status=BudgetStatus.APPROVED)
            await make_actual(s, own, month=6, by=bodies.agency, value=D(persons))
            await make_actual(s, rate, month=6, by=bodies.agency, numerator=D(on_time), denominator=D(due))
            await make_execution(
                s, budget, BudgetItem.BENEFITS, month=6, amount=D(benefits), by=bodies.agency
            )
    return Province(top, insured, paid)


async def test_art12_the_province_rolls_up_the_funds_pooled_below_it(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    zigong = await bodies_of(sessionmaker, "510300")
    province = await province_wide(sessionmaker, {"510100": chengdu, "510300": zigong})
    sichuan = await bodies_of(sessionmaker, "510000")
    medical = fund(await view(sessionmaker, sichuan.finance, "510000"))
    assert medical.view == View.ROLL_UP and len(medical.pooling_region_ids) == 21  # every prefecture
    assert medical.goal is not None and medical.goal.id == province.goal.id
    insured, paid = medical.indicators
    assert insured.figure is not None and insured.figure.value == D(500)  # 300 + 200
    assert (insured.lit.light, insured.lit.ratio) == (Light.RED, D("41.67"))  # of 1,200 expected by June
    # 509 of 1,010: 50.40%, not the 70% the mean of 90% and 50% would give.
    assert (
        paid.figure is not None
        and paid.figure.value is not None
        and round(paid.figure.value, 2) == D("50.40")
    )
    assert (paid.lit.light, paid.lit.ratio) == (Light.RED, D("53.05"))
    assert medical.reported == (2, 2)
    benefits = next(e for e in medical.execution if e.item == BudgetItem.BENEFITS)
    assert (benefits.executed, benefits.budget) == (D(400), D("12000001.20"))  # two budgets of 6,000,000.60
    assert medical.timeliness.expected > 0 and medical.effectiveness.light == Light.RED


async def test_art6_a_part_sees_its_own_entries(sessionmaker: Sessionmaker, monitored: Monitored) -> None:
    county = await bodies_of(sessionmaker, "510104")
    async with session_scope(sessionmaker) as s:
        await make_actual(s, monitored.insured, month=6, by=county.agency, value=D(200))
        await make_actual(s, monitored.paid, month=6, by=county.agency, numerator=D(9), denominator=D(10))
        await make_actual(s, monitored.insured, month=6, by=monitored.bodies.agency, value=D(150),
                          region_code="510105")  # fmt: skip  # a neighbour's part
    medical = fund(await view(sessionmaker, county.agency, "510104"))
    assert medical.view == View.PART and medical.goal is not None
    insured, paid = medical.indicators[:2]
    assert insured.figure is not None and insured.figure.value == D(200)  # its own, not 350
    assert insured.lit.light == Light.NONE  # a part has no target of its own for an amount
    assert (paid.lit.light, paid.lit.ratio) == (Light.GREEN, D("94.74"))  # a rate compares as it stands


async def test_art13_a_reader_sees_only_what_they_may(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    await june(sessionmaker, monitored)
    zigong = await bodies_of(sessionmaker, "510300")
    medical = fund(await view(sessionmaker, zigong.finance, "510100"))  # a neighbour's dashboard
    assert medical.goal is None and all(a.figure is None for a in medical.indicators)
    assert all(e.executed is None for e in medical.execution)
    medical_agency = (await bodies_of(sessionmaker, "510100")).agency
    assert {f.fund.code for f in (await view(sessionmaker, medical_agency, "510100")).funds} == {
        "EMPLOYEE_MEDICAL", "RESIDENT_MEDICAL",
    }  # fmt: skip  # an agency of 医保 works on the medical funds only
