"""Recording indicator actuals (Art. 6, 13, 14): who enters what where, all or nothing, corrections with
their reason in the audit trail, and the history kept by lineage across an adjustment."""

from decimal import Decimal

from sqlmodel import col, select

from src.db import session_scope
from src.models import AuditEvent, Event, Goal, Indicator
from src.models.enums import GoalStatus, QualitativeGrade
from src.models.monitoring import CompletionLikelihood
from src.services.errors import CommonErrorCode, Conflict, ErrorCode, Forbidden, NotFound, ValidationFailed
from src.services.monitoring.comparison import rate_value
from src.services.monitoring.entry_rows import ActualRow
from tests.factories import make_goal
from tests.services.conftest import CHENGDU, HRSS, PROVINCE, Sessionmaker, act, refused
from tests.services.monitoring.entry_world import (
    JINJIANG,
    World,
    add_indicators,
    agency,
    enter,
    stored_actuals,
)

RATE = "待遇按时足额发放率"


def rate(world: World, month: int, numerator: str, denominator: str, **extra: object) -> ActualRow:
    return ActualRow(
        indicator_id=world.indicators[RATE],
        month=month,
        numerator=Decimal(numerator),
        denominator=Decimal(denominator),
        **extra,  # type: ignore[arg-type]
    )


async def test_art6_a_county_enters_its_own_part_of_a_prefecture_pooled_fund(
    sessionmaker: Sessionmaker, world: World
) -> None:
    rows = [
        rate(world, 6, "9990", "10000", forecast="全年可达 99.9%", likelihood=CompletionLikelihood.CERTAIN),
        ActualRow(indicator_id=world.indicators["参保人数"], month=6, value=Decimal("41.25")),
        ActualRow(indicator_id=world.indicators["技能提升补贴发放人次"], month=6, value=Decimal("1200")),
    ]
    recorded = await act(sessionmaker, enter(world.jinjiang.agency, rows))
    assert (recorded.created, recorded.corrected, recorded.unchanged) == (3, 0, 0)
    stored = await stored_actuals(sessionmaker)
    assert {a.region_id for a in stored} == {world.jinjiang.agency.region_id}
    assert {a.pooling_region_id for a in stored} == {world.chengdu.agency.region_id}
    first = stored[0]
    assert (first.numerator, first.denominator, first.value) == (
        Decimal("9990.0000"),
        Decimal("10000.0000"),
        Decimal("99.9000"),  # computed: × 100 for a percentage
    )
    assert first.forecast == "全年可达 99.9%" and first.likelihood == CompletionLikelihood.CERTAIN
    async with sessionmaker() as session:
        events = (await session.exec(select(Event).where(Event.subject_type == "IndicatorActual"))).all()
    assert len(events) == 3 and {e.kind for e in events} == {"MONITORING_ACTUALS_RECORDED"}


async def test_art6_the_pooling_regions_figure_of_what_sums_is_not_entered_directly(
    sessionmaker: Sessionmaker, world: World
) -> None:
    error = await refused(sessionmaker, Forbidden, enter(world.chengdu.agency, [rate(world, 6, "1", "2")]))
    assert "锦江区" not in error.message and "各县（市、区）" in error.message and "第 1 行" in error.message


async def test_art13_the_pooling_region_enters_what_does_not_sum(
    sessionmaker: Sessionmaker, world: World
) -> None:
    rows = [
        ActualRow(
            indicator_id=world.indicators["政策调整落实及时性"], month=3, grade=QualitativeGrade.ACHIEVED
        ),
        ActualRow(indicator_id=world.indicators["申领办理时限"], month=3, value=Decimal("4.5")),
    ]
    recorded = await act(sessionmaker, enter(world.chengdu.agency, rows))
    assert recorded.created == 2
    # A county's own grade of the prefecture's policies is not a part of anything: refused.
    await refused(sessionmaker, Forbidden, enter(world.jinjiang.agency, rows[:1]))


async def test_art13_only_the_agency_of_the_entering_region_enters(
    sessionmaker: Sessionmaker, world: World
) -> None:
    row = [rate(world, 6, "1", "2")]
    for body in (world.jinjiang.finance, world.jinjiang.tax, world.jinjiang.reviewer):
        error = await refused(sessionmaker, Forbidden, enter(body, row))
        assert "经办机构" in error.message
    # An agency of the other administration cannot see the medical fund's goal: it is absent to it.
    await refused(sessionmaker, NotFound, enter(await agency(sessionmaker, JINJIANG, HRSS), row))
    # Another prefecture's county sees nothing of 成都市's goal.
    await refused(sessionmaker, NotFound, enter(await agency(sessionmaker, "510302"), row))


async def test_art6_a_province_pooled_fund_is_entered_by_the_prefectures(
    sessionmaker: Sessionmaker, world: World
) -> None:
    async with session_scope(sessionmaker) as session:
        goal = await make_goal(
            session, fund_code="UNEMPLOYMENT", region_code=PROVINCE, status=GoalStatus.ISSUED, indicators=0
        )
        indicators = await add_indicators(session, goal)
    row = [ActualRow(indicator_id=indicators["参保人数"], month=2, value=Decimal("12"))]
    assert (await act(sessionmaker, enter(await agency(sessionmaker, CHENGDU, HRSS), row))).created == 1
    for region in (PROVINCE, JINJIANG):  # the province itself, and a county (not a part of the province)
        await refused(sessionmaker, Forbidden, enter(await agency(sessionmaker, region, HRSS), row))


async def test_art13_a_batch_is_all_or_nothing_and_names_every_bad_row(
    sessionmaker: Sessionmaker, world: World
) -> None:
    rows = [
        rate(world, 1, "10", "10"),
        rate(world, 2, "5", "0"),
        ActualRow(indicator_id=world.indicators["参保人数"], month=2, value=Decimal("40")),
        ActualRow(indicator_id=world.indicators["技能提升补贴发放人次"], month=9, value=Decimal("-3")),
    ]
    error = await refused(sessionmaker, ValidationFailed, enter(world.jinjiang.agency, rows))
    fields = [(p.field, p.code) for p in error.problems]
    assert fields == [
        ("input.rows.1.denominator", ErrorCode.OUT_OF_RANGE),
        ("input.rows.3.month", ErrorCode.OUT_OF_RANGE),
        ("input.rows.3.value", ErrorCode.OUT_OF_RANGE),
    ]
    assert await stored_actuals(sessionmaker) == []


async def test_art12_rates_are_kept_as_numerator_and_denominator_to_roll_up(
    sessionmaker: Sessionmaker, world: World
) -> None:
    await act(sessionmaker, enter(world.jinjiang.agency, [rate(world, 6, "990", "1000")]))
    qingyang = world.qingyang.agency
    await act(sessionmaker, enter(qingyang, [rate(world, 6, "1", "100")]))
    stored = await stored_actuals(sessionmaker)
    numerator = sum((a.numerator or Decimal(0) for a in stored), Decimal(0))
    denominator = sum((a.denominator or Decimal(0) for a in stored), Decimal(0))
    assert rate_value(numerator, denominator) == Decimal(991) * 100 / Decimal(
        1100
    )  # 90.09%, not the mean 50.5%
    assert sorted(a.value or Decimal(0) for a in stored) == [Decimal("1.0000"), Decimal("99.0000")]


async def test_art14_a_correction_needs_a_reason_and_keeps_its_history_in_the_audit_trail(
    sessionmaker: Sessionmaker, world: World
) -> None:
    county = world.jinjiang.agency
    await act(sessionmaker, enter(county, [rate(world, 5, "90", "100")]))
    corrected = [rate(world, 5, "95", "100")]
    error = await refused(sessionmaker, ValidationFailed, enter(county, corrected))
    assert [(p.field, p.code) for p in error.problems] == [("input.reason", ErrorCode.REQUIRED)]
    assert "第 1 行" in error.problems[0].message
    recorded = await act(sessionmaker, enter(county, corrected, reason="经办系统补录 5 月数据"))
    assert (recorded.created, recorded.corrected) == (0, 1)
    (row,) = await stored_actuals(sessionmaker)
    assert (row.row_version, row.numerator, row.value) == (2, Decimal("95.0000"), Decimal("95.0000"))
    async with sessionmaker() as session:
        trail = (
            await session.exec(
                select(AuditEvent)
                .where(AuditEvent.target_type == "IndicatorActual")
                .order_by(col(AuditEvent.id))
            )
        ).all()
    assert [a.operation for a in trail] == ["actualsRecord", "actualsRecord"]
    changes = trail[1].changes
    assert changes["numerator"] == {"before": "90.0000", "after": "95.0000"}
    assert changes["value"] == {"before": "90.0000", "after": "95.0000"}
    assert changes["reason"] == {"before": None, "after": "经办系统补录 5 月数据"}
    assert changes["row_version"] == {"before": 1, "after": 2}


async def test_art14_rows_given_unchanged_write_nothing(sessionmaker: Sessionmaker, world: World) -> None:
    rows = [rate(world, 4, "90", "100", remark="无")]
    await act(sessionmaker, enter(world.jinjiang.agency, rows))
    async with sessionmaker() as session:
        events = len((await session.exec(select(Event))).all())
    again = await act(sessionmaker, enter(world.jinjiang.agency, rows))
    assert (again.created, again.corrected, again.unchanged) == (0, 0, 1)
    async with sessionmaker() as session:
        assert len((await session.exec(select(Event))).all()) == events
    (row,) = await stored_actuals(sessionmaker)
    assert row.row_version == 1


async def test_art14_a_stale_version_is_a_conflict(sessionmaker: Sessionmaker, world: World) -> None:
    county = world.jinjiang.agency
    await act(sessionmaker, enter(county, [rate(world, 4, "90", "100")]))
    await act(sessionmaker, enter(county, [rate(world, 4, "91", "100")], reason="更正"))
    stale = [rate(world, 4, "92", "100", row_version=1)]
    error = await refused(sessionmaker, Conflict, enter(county, stale, reason="再更正"))
    assert error.code == CommonErrorCode.STALE_VERSION and error.current_version == 2


async def test_art14_an_adjustment_keeps_the_months_entered_before_it(
    sessionmaker: Sessionmaker, world: World
) -> None:
    county = world.jinjiang.agency
    await act(sessionmaker, enter(county, [rate(world, 1, "90", "100")]))
    async with session_scope(sessionmaker) as session:
        first = await session.get(Goal, world.goal_id)
        assert first is not None
        second = await make_goal(
            session,
            region_code=CHENGDU,
            status=GoalStatus.ISSUED,
            indicators=0,
            version=2,
            lineage_id=first.lineage_id,
            previous_version_id=first.id,
        )
        copied = await add_indicators(session, second)
        old = (await session.exec(select(Indicator).where(Indicator.goal_id == first.id))).all()
        lineage = {i.level3: i.lineage_id for i in old}
        for indicator in (await session.exec(select(Indicator).where(Indicator.goal_id == second.id))).all():
            indicator.lineage_id = lineage[indicator.level3]  # the adjustment's copies keep their lineage
            session.add(indicator)
        first.status = GoalStatus.SUPERSEDED
        session.add(first)
        second_id = second.id
    # Named by the old version's indicator, entered under the version now in force.
    await act(sessionmaker, enter(county, [rate(world, 2, "95", "100")]))
    stored = await stored_actuals(sessionmaker)
    assert [a.goal_id for a in stored] == [world.goal_id, second_id]
    assert len({a.indicator_lineage_id for a in stored}) == 1
    assert copied[RATE] != world.indicators[RATE]


async def test_art10_only_a_goal_in_force_takes_entries(sessionmaker: Sessionmaker, world: World) -> None:
    async with session_scope(sessionmaker) as session:
        draft = await make_goal(session, region_code=CHENGDU, year=2025, indicators=0)
        indicators = await add_indicators(session, draft)
    row = [ActualRow(indicator_id=indicators["申领办理时限"], month=3, value=Decimal(3))]
    error = await refused(sessionmaker, ValidationFailed, enter(world.chengdu.agency, row))
    assert [(p.field, p.code) for p in error.problems] == [
        ("input.rows.0.indicatorId", ErrorCode.PRECONDITION_FAILED)
    ]
