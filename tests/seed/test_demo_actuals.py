"""The demo's actuals and budget execution (Art. 11–13): every goal in force of a pooling region monitored
through DEMO_MONITORED_THROUGH, entered by its agency or its parts' (Art. 6), consistent and realistic."""

import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from src.models import Region
from src.models.enums import ActorType, Aggregation, BudgetItem, Comparator, RegionLevel
from src.models.monitoring import BudgetExecution, CompletionLikelihood, Light
from src.seed.demo import DEMO_MONITORED_THROUGH, DemoCounts
from src.seed.demo.counties import COUNTY_PREFECTURES
from src.seed.demo.monitoring_execution import POOLED_ITEMS
from src.services.monitoring.comparison import EXECUTED_ITEMS, Thresholds
from tests.seed.monitoring_demo import MonitoringDemo, rate, whole_light

THRESHOLDS = Thresholds()  # the province's defaults: the demo sets no regional rule
PERIOD_ENDS = (3, 6, 9, 12)  # MONITORING_PERIODS: quarterly by default
REVENUE = {
    BudgetItem.CONTRIBUTION,
    BudgetItem.FISCAL_SUBSIDY,
    BudgetItem.INTEREST,
    BudgetItem.TRANSFER_IN,
    BudgetItem.OTHER_REVENUE,
}


def _months(year: int) -> list[int]:
    last_year, last_month = DEMO_MONITORED_THROUGH
    return list(range(1, (last_month if year == last_year else 12) + 1))


def test_counts(monitoring: MonitoringDemo) -> None:
    counts = monitoring.counts
    assert counts == DemoCounts(
        organizations=len(monitoring.orgs),
        users=len(monitoring.users),
        goals=len(monitoring.goals),
        indicators=counts.indicators,
        budgets=len(monitoring.budgets),
        budget_lines=len(monitoring.lines),
        indicator_actuals=len(monitoring.actuals),
        budget_executions=len(monitoring.executions),
        warnings=len(monitoring.warnings),
        monitoring_reports=len(monitoring.reports),
        compilations=len(monitoring.compilations),
        compilation_recipients=len(monitoring.recipients),
        self_evaluations=counts.self_evaluations,  # test_demo_evaluations.py
        self_evaluation_lines=counts.self_evaluation_lines,
        assignments=1,  # test_demo_evaluations.py
        provincial_evaluations=counts.provincial_evaluations,  # test_demo_provincial.py
        provincial_summaries=counts.provincial_summaries,
        evaluation_feedbacks=counts.evaluation_feedbacks,  # test_demo_feedback.py
        feedback_recipients=counts.feedback_recipients,
        rectification_items=counts.rectification_items,  # test_demo_rectification.py
        rectification_evidence=counts.rectification_evidence,
    )
    assert 30_000 < counts.indicator_actuals < 80_000 and 20_000 < counts.budget_executions < 60_000


def test_art6_county_agencies(monitoring: MonitoringDemo) -> None:
    """The counties of 成都市 (all 20), 自贡市 and 雅安市 have their 社保经办 and 医保经办, one user each."""
    counties = [r for r in monitoring.regions.values() if r.level == RegionLevel.COUNTY]
    parents = {r.id: r.code for r in monitoring.regions.values()}
    with_agencies = {o.region_id for o in monitoring.orgs.values() if o.region_id in {c.id for c in counties}}
    assert {parents[monitoring.regions[i].parent_id] for i in with_agencies} == set(COUNTY_PREFECTURES)
    chengdu = [c for c in counties if parents[c.parent_id] == "510100"]
    assert len(chengdu) == 20 and {c.id for c in chengdu} <= with_agencies
    users = {u.username: u for u in monitoring.users.values()}
    for username, name in (
        ("agency_hrss_510104", "成都市锦江区社会保险事业管理局"),
        ("agency_med_510104", "成都市锦江区医疗保障事务中心"),
        ("agency_hrss_510121", "金堂县社会保险事业管理局"),
        ("agency_med_511823", "汉源县医疗保障事务中心"),
    ):
        org = monitoring.orgs[users[username].organization_id]
        assert (org.name, org.actor_type) == (name, ActorType.AGENCY)
    county_orgs = [o for o in monitoring.orgs.values() if o.region_id in with_agencies]
    assert len(county_orgs) == 2 * len(with_agencies) < 80


def test_art13_every_goal_in_force_is_monitored_month_by_month(monitoring: MonitoringDemo) -> None:
    """Every indicator (by lineage) of every pooling region's goal in force, every month to the demo's date,
    cumulative 1-N月; nothing after DEMO_MONITORED_THROUGH, nothing on a goal not in force."""
    goals = monitoring.goals_in_force()
    assert {g.start_year for g in goals} == {2025, 2026}
    assert all(monitoring.goals[a.goal_id].region_id == a.pooling_region_id for a in monitoring.actuals)
    months = defaultdict(set)
    for actual in monitoring.actuals:
        months[actual.indicator_lineage_id].add(actual.month)
        assert actual.indicator_lineage_id in monitoring.indicators
    for lineage, indicator in monitoring.indicators.items():
        goal = monitoring.goals[indicator.goal_id]
        if goal.id in {g.id for g in goals}:
            assert sorted(months[lineage]) == _months(goal.start_year), indicator.level3
    # Every pooling region's goal in force: all 2025 ones, and the 2026 ones issued.
    assert len([g for g in goals if g.start_year == 2025]) == 4 * 21 + 3


def test_art6_parts_enter_what_sums_and_the_pooling_region_the_rest(monitoring: MonitoringDemo) -> None:
    """Province-pooled: each prefecture enters its part; prefecture-pooled in 成都市, 自贡市, 雅安市: each
    county; elsewhere the prefecture itself. The pooling region enters grades and levels."""
    regions = monitoring.regions

    def parts(pooling: Region) -> set[int]:
        if pooling.level == RegionLevel.PROVINCE or pooling.code in COUNTY_PREFECTURES:
            return {r.id or 0 for r in regions.values() if r.parent_id == pooling.id}
        return {pooling.id or 0}

    entrants: dict[tuple[int, uuid.UUID], set[int]] = defaultdict(set)
    for actual in monitoring.actuals:
        entrants[(actual.pooling_region_id, actual.indicator_lineage_id)].add(actual.region_id)
        org = monitoring.orgs[actual.organization_id]
        assert (org.region_id, org.actor_type) == (actual.region_id, ActorType.AGENCY)
        assert monitoring.users[actual.user_id].organization_id == org.id
    seen: Counter[str] = Counter()
    for (pooling_id, lineage), found in entrants.items():
        expected = parts(regions[pooling_id])
        if found == {pooling_id}:
            seen["pooling region"] += 1
        else:
            assert found == expected and pooling_id not in found, regions[pooling_id].code
            assert monitoring.indicators[lineage].comparator != Comparator.GRADE
            seen[regions[pooling_id].level] += 1
    assert seen["pooling region"] and seen[RegionLevel.PROVINCE] and seen[RegionLevel.PREFECTURE]


def test_art12_rates_are_their_numerator_over_their_denominator(monitoring: MonitoringDemo) -> None:
    rates = [a for a in monitoring.actuals if a.numerator is not None]
    assert len(rates) > len(monitoring.actuals) / 3
    for actual in rates:
        indicator = monitoring.indicators[actual.indicator_lineage_id]
        assert indicator.aggregation == Aggregation.RATE and indicator.unit == "%"
        assert actual.numerator is not None and actual.numerator >= 0
        assert actual.denominator is not None and actual.denominator > 0
        assert actual.value == rate(actual.numerator, actual.denominator), actual
    for actual in monitoring.actuals:
        indicator = monitoring.indicators[actual.indicator_lineage_id]
        if indicator.comparator == Comparator.GRADE:
            assert actual.grade is not None and actual.value is None
        else:
            assert actual.value is not None and actual.value >= 0 and actual.grade is None


def test_art12_counts_and_execution_are_cumulative(monitoring: MonitoringDemo) -> None:
    series: dict[tuple[object, ...], dict[int, Decimal]] = defaultdict(dict)
    for actual in monitoring.actuals:
        if monitoring.indicators[actual.indicator_lineage_id].aggregation == Aggregation.SUM:
            series[(actual.indicator_lineage_id, actual.region_id)][actual.month] = actual.value or Decimal(0)
    for execution in monitoring.executions:
        if execution.item in EXECUTED_ITEMS:
            series[(execution.budget_id, execution.item, execution.region_id)][execution.month] = (
                execution.amount
            )
    assert series
    for key, by_month in series.items():
        values = [by_month[m] for m in sorted(by_month)]
        assert values == sorted(values), key


def test_art12_execution_parts_sum_to_the_pooling_regions_balance(monitoring: MonitoringDemo) -> None:
    """The parts enter the flows they handle, the pooling region interest and the balances: its balance of
    the year is the revenue less the expenditure of all of them."""
    by_budget: dict[tuple[int, int], list[BudgetExecution]] = defaultdict(list)
    for execution in monitoring.executions:
        by_budget[(execution.budget_id, execution.month)].append(execution)
    parted = 0
    for (budget_id, month), rows in by_budget.items():
        budget = monitoring.budgets[budget_id]
        balance = [r for r in rows if r.item == BudgetItem.CURRENT_BALANCE]
        assert [r.region_id for r in balance] == [budget.region_id]
        flows = sum(
            (r.amount if r.item in REVENUE else -r.amount for r in rows if r.item in EXECUTED_ITEMS),
            Decimal(0),
        )
        assert balance[0].amount == flows, (budget_id, month)
        parts = {r.region_id for r in rows if r.item not in POOLED_ITEMS}
        parted += parts != {budget.region_id}
        assert all(r.region_id == budget.region_id for r in rows if r.item in POOLED_ITEMS)
    assert parted


def test_art13_entries_are_dated_after_their_month_mostly_on_time(monitoring: MonitoringDemo) -> None:
    """Within the first days of the next month (及时性), a few late; a month before the goal's issue just
    after the issue."""
    late = 0
    for actual in monitoring.actuals:
        month_end = datetime(actual.year + actual.month // 12, actual.month % 12 + 1, 1, tzinfo=UTC)
        issued = monitoring.goals[actual.goal_id].issued_at
        assert issued is not None and actual.created_at >= max(month_end, issued)
        late += (actual.created_at - max(month_end, issued)).days >= 10
    assert 0 < late < len(monitoring.actuals) * 0.15


def _period_lights(monitoring: MonitoringDemo) -> Counter[Light]:
    lights: Counter[Light] = Counter()
    for lineage, month in monitoring.by_indicator:
        if month in PERIOD_ENDS:
            lights[whole_light(monitoring, lineage, month, THRESHOLDS).light] += 1
    return lights


def test_art13_the_lights_are_those_of_a_real_year(monitoring: MonitoringDemo) -> None:
    """At the periods' ends most indicators are green, some yellow, a few red (a minority) and a few blue."""
    lights = _period_lights(monitoring)
    total = sum(lights.values())
    print({k: round(v / total, 3) for k, v in lights.items()})
    assert Light.NONE not in lights
    assert lights[Light.GREEN] > 0.7 * total
    assert 0.03 * total < lights[Light.YELLOW] < 0.15 * total
    assert 0.01 * total < lights[Light.RED] < min(0.08 * total, lights[Light.YELLOW] * 1.5)
    assert 0.01 * total < lights[Light.BLUE] < 0.1 * total


def test_forms3_off_track_entries_say_what_is_expected_and_why(monitoring: MonitoringDemo) -> None:
    """全年预计完成情况, a cause by category and 完成目标可能性 on every entry of an indicator off track."""
    checked: Counter[CompletionLikelihood | None] = Counter()
    for (lineage, month), rows in monitoring.by_indicator.items():
        light = whole_light(monitoring, lineage, month, THRESHOLDS).light
        for row in rows:
            causes = [
                row.cause_funding,
                row.cause_system,
                row.cause_staffing,
                row.cause_hardware,
                row.cause_other,
            ]
            if light in (Light.RED, Light.YELLOW):
                assert row.forecast and any(causes), row
                assert row.likelihood in (CompletionLikelihood.POSSIBLE, CompletionLikelihood.IMPOSSIBLE)
            else:
                assert not row.forecast and not any(causes)
                assert row.likelihood == CompletionLikelihood.CERTAIN
            checked[row.likelihood] += 1
    assert checked[CompletionLikelihood.IMPOSSIBLE] and checked[CompletionLikelihood.POSSIBLE]
