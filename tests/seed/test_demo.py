"""The demo data set: complete per pooling region, internally consistent, deterministic."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import (
    FundBudget,
    FundBudgetLine,
    FundType,
    Goal,
    Indicator,
    IndicatorTemplate,
    Organization,
    Region,
    User,
)
from src.models.enums import (
    BUDGET_ITEM_CATEGORY,
    ActorType,
    Administration,
    BudgetItem,
    BudgetLineCategory,
    BudgetStatus,
    GoalHorizon,
    GoalStatus,
    RegionLevel,
)
from src.seed.demo import DEMO_PASSWORD, DEMO_SERVICE_ACCOUNT, DemoCounts, load_demo_data
from src.seed.reference import load_reference_data
from src.services.errors import DomainError
from src.services.goals.units import target_value_problem
from src.services.goals.validation import submission_problems
from src.services.identity.passwords import verify_password
from src.services.policy import ISSUED_STATES
from src.services.rules import IndicatorCoverage
from src.services.rules.reads import resolve
from src.services.rules.region_defaults import RegionFacts
from src.services.rules.registry import Level1Weights
from tests.conftest import truncate_all
from tests.seed.demo_rows import Demo
from tests.seed.monitoring_demo import dump_monitoring

YEARS = (2025, 2026)
PERIODS = {2025: (2021, 2025), 2026: (2026, 2030)}
CENTS = -2


def test_counts(demo: Demo) -> None:
    # 4 funds pooled by prefecture (province-wide goal + 21) and 3 by the province: 91 scopes a year; the
    # 34 counties of 成都市, 自贡市 and 雅安市 with two agencies each; one goal adjusted from a warning
    # (test_demo_warnings.py, which checks the monitoring counts).
    counties = 2 * (20 + 6 + 8)
    assert demo.counts == replace(
        demo.counts,
        organizations=22 * 6 + 2 + counties,
        users=22 * 6 + 4 + counties + 1,  # + 财政厅's reviewer of the disclosure (disclosures.py)
        goals=91 * 2 * 2 + 1,
        indicators=len(demo.indicators),
        budgets=91 * 2,
        budget_lines=91 * 2 * len(BudgetItem),
    )
    assert (len(demo.orgs), len(demo.users), len(demo.goals)) == (202, 205, 365)
    assert (len(demo.budgets), len(demo.lines)) == (182, 1820)
    assert len(demo.indicators) > 364 * 10


def test_every_pooling_region_has_overall_and_annual_goals(demo: Demo) -> None:
    goals: dict[tuple[str, str, GoalHorizon, int], list[Goal]] = defaultdict(list)
    first_versions = [g for g in demo.goals if g.version == 1]  # the demo's one adjustment: its version 2
    for g in first_versions:
        goals[
            (demo.funds[g.fund_type_id].code, demo.regions[g.region_id].code, g.horizon, g.start_year)
        ].append(g)
    by_id = {g.id: g for g in demo.goals}
    expected = 0
    for fund in demo.funds.values():
        for year in YEARS:
            start, end = PERIODS[year]
            codes = demo.pooling[(fund.code, year)]
            prefecture_pooled = codes != ["510000"]
            province_overall = goals[(fund.code, "510000", GoalHorizon.OVERALL, start)]
            province_annual = goals[(fund.code, "510000", GoalHorizon.ANNUAL, year)]
            for code in ["510000", *(codes if prefecture_pooled else [])]:
                [overall] = goals[(fund.code, code, GoalHorizon.OVERALL, start)]
                [annual] = goals[(fund.code, code, GoalHorizon.ANNUAL, year)]
                expected += 2
                assert (overall.end_year, annual.start_year, annual.end_year) == (end, year, year)
                assert annual.overall_goal_id == overall.id and overall.overall_goal_id is None
                assert annual.status == overall.status
                region = demo.region(code)
                assert annual.title == f"{region.name}{year}年{fund.name_zh}预算绩效年度目标"
                assert overall.title == f"{region.name}{start}—{end}年{fund.name_zh}预算绩效总体目标"
                assert "亿元" in annual.content and overall.content
                if code == "510000":
                    assert overall.parent_goal_id is None and annual.parent_goal_id is None
                else:
                    assert by_id[overall.parent_goal_id] is province_overall[0]
                    assert by_id[annual.parent_goal_id] is province_annual[0]
    assert expected == len(first_versions) == len(demo.goals) - 1
    assert len(demo.pooling[("EMPLOYEE_MEDICAL", 2026)]) == 21
    assert demo.pooling[("WORK_INJURY", 2026)] == ["510000"]


def test_goal_statuses(demo: Demo) -> None:
    statuses: dict[tuple[int, bool], Counter[GoalStatus]] = defaultdict(Counter)
    province = demo.region("510000")
    for g in demo.goals:
        if g.horizon == GoalHorizon.ANNUAL and g.version == 1:
            statuses[(g.start_year, g.region_id == province.id)][g.status] += 1
    assert set(statuses[(2025, True)]) == set(statuses[(2025, False)]) == {GoalStatus.ISSUED}
    assert set(statuses[(2026, True)]) <= {GoalStatus.ISSUED, GoalStatus.ISSUED_GUIDING}
    prefectures = statuses[(2026, False)]
    assert prefectures.most_common(1)[0][0] == GoalStatus.ISSUED
    assert prefectures[GoalStatus.SUBMITTED] + prefectures[GoalStatus.DRAFT] > 0


def test_indicators_come_from_the_library_with_weights_totalling_90(demo: Demo) -> None:
    per_goal: dict[int, list[Indicator]] = defaultdict(list)
    for i in demo.indicators:
        per_goal[i.goal_id].append(i)
    assert set(per_goal) == {g.id for g in demo.goals}
    for goal in demo.goals:
        indicators = sorted(per_goal[goal.id or 0], key=lambda i: i.sort_order)
        assert sum((i.weight for i in indicators), Decimal(0)) == Decimal("90.00")  # the province's total
        assert [i.sort_order for i in indicators] == list(range(1, len(indicators) + 1))
        assert len(indicators) >= 10
        for i in indicators:
            assert i.weight > 0 and i.weight.as_tuple().exponent == CENTS
            assert i.template_id is not None
            template = demo.templates[i.template_id]
            assert template.fund_type_id in (None, goal.fund_type_id)
            assert (i.level1, i.level2, i.level3, i.kind, i.comparator, i.unit, i.definition) == (
                template.level1,
                template.level2,
                template.level3,
                template.kind,
                template.comparator,
                template.unit,
                template.definition,
            )
            if template.default_target_value is not None:
                assert i.target_value == template.default_target_value
            elif template.default_target_grade is not None:
                assert (i.target_grade, i.target_value) == (template.default_target_grade, None)
            else:
                assert i.target_value is not None and i.target_value > 0  # a count scaled to the region


def test_art9_every_demo_goal_passes_the_submission_check(demo: Demo) -> None:
    """Every category and both kinds (Art. 9), weights at the province's 90: any demo goal could be
    submitted as it stands (the README's example submits one), also where the province's level-1 weights
    are fixed (its defaults 9 / 18 / 36 / 27, the demo's split)."""
    facts = RegionFacts(id=0, path="/510000/", code="510000", name="四川省", level=RegionLevel.PROVINCE)
    province = resolve(facts, [])  # the province's built-in rules
    fixed = replace(province, level1_weights=Level1Weights.FIXED).fixed_level1_weights()
    per_goal: dict[int, list[Indicator]] = defaultdict(list)
    for i in sorted(demo.indicators, key=lambda i: i.sort_order):
        per_goal[i.goal_id].append(i)
    for goal in demo.goals:
        problems = submission_problems(
            per_goal[goal.id or 0],
            weight_total=province.indicator_weight_total,
            coverage=IndicatorCoverage.ALL_CATEGORIES_BOTH_KINDS,
            level1_weights=fixed,
        )
        assert problems == [], (goal.title, problems)


def test_art9_demo_targets_keep_the_rule_on_negative_values(demo: Demo) -> None:
    for i in demo.indicators:
        problem = target_value_problem(
            field=str(i.id), unit=i.unit, comparator=i.comparator, target=i.target_value
        )
        assert problem is None, problem


def _insured_target(demo: Demo, fund_code: str, region_code: str, year: int) -> Decimal:
    fund, region = demo.fund(fund_code), demo.region(region_code)
    [goal] = [
        g
        for g in demo.goals
        if (g.fund_type_id, g.region_id, g.horizon, g.start_year)
        == (fund.id, region.id, GoalHorizon.ANNUAL, year)
    ]
    [indicator] = [i for i in demo.indicators if i.goal_id == goal.id and i.level3 == "参保人数"]
    assert indicator.target_value is not None
    return indicator.target_value


def _lines(demo: Demo, fund_code: str, region_code: str, year: int) -> dict[BudgetItem, FundBudgetLine]:
    fund, region = demo.fund(fund_code), demo.region(region_code)
    [budget] = [
        b for b in demo.budgets if (b.fund_type_id, b.region_id, b.year) == (fund.id, region.id, year)
    ]
    return {line.item: line for line in demo.lines if line.budget_id == budget.id}


def _sum(lines: Iterable[FundBudgetLine], category: BudgetLineCategory) -> Decimal:
    return sum((line.initial_amount for line in lines if line.category == category), Decimal(0))


def test_chengdu_is_larger_than_yaan(demo: Demo) -> None:
    for fund in ("EMPLOYEE_MEDICAL", "RESIDENT_MEDICAL", "RESIDENT_PENSION"):
        for year in YEARS:
            chengdu, yaan = _lines(demo, fund, "510100", year), _lines(demo, fund, "511800", year)
            for category in (BudgetLineCategory.REVENUE, BudgetLineCategory.EXPENDITURE):
                assert _sum(chengdu.values(), category) > 5 * _sum(yaan.values(), category)
            assert _insured_target(demo, fund, "510100", year) > 5 * _insured_target(
                demo, fund, "511800", year
            )
    # Magnitudes: Sichuan's enterprise pension pays out about 3,000 亿元 a year.
    pension = _sum(
        _lines(demo, "ENTERPRISE_PENSION", "510000", 2025).values(), BudgetLineCategory.EXPENDITURE
    )
    assert Decimal("2500e8") < pension < Decimal("3500e8")


def test_budgets_are_consistent(demo: Demo) -> None:
    assert {(b.region_id, b.fund_type_id, b.year) for b in demo.budgets} == {
        (g.region_id, g.fund_type_id, g.start_year) for g in demo.goals if g.horizon == GoalHorizon.ANNUAL
    }
    goal_status = {
        (g.region_id, g.fund_type_id, g.start_year): g.status
        for g in demo.goals
        if g.horizon == GoalHorizon.ANNUAL and g.version == 1
    }
    for budget in demo.budgets:
        issued = goal_status[(budget.region_id, budget.fund_type_id, budget.year)] in (
            GoalStatus.ISSUED,
            GoalStatus.ISSUED_GUIDING,
        )
        assert budget.status == (BudgetStatus.APPROVED if issued else BudgetStatus.DRAFT)
    # Art. 7, 14: an approved budget names the goal version it rests on, its annual goal in force.
    goals = {g.id: g for g in demo.goals}
    for budget in demo.budgets:
        if budget.status == BudgetStatus.DRAFT:
            assert budget.approved_goal_id is None
            continue
        assert budget.approved_goal_id is not None
        goal = goals[budget.approved_goal_id]
        assert (goal.region_id, goal.fund_type_id, goal.horizon, goal.start_year) == (
            budget.region_id,
            budget.fund_type_id,
            GoalHorizon.ANNUAL,
            budget.year,
        )
        assert goal.status in ISSUED_STATES
        assert goal.version == max(
            g.version for g in demo.goals if g.lineage_id == goal.lineage_id and g.status in ISSUED_STATES
        )
    assert any(b.status == BudgetStatus.DRAFT for b in demo.budgets if b.year == 2026)

    for line in demo.lines:
        assert line.category == BUDGET_ITEM_CATEGORY[line.item]
        assert line.initial_amount.as_tuple().exponent == CENTS
        assert line.adjusted_amount is None or line.adjusted_amount.as_tuple().exponent == CENTS
    assert any(line.adjusted_amount is not None for line in demo.lines)

    for fund in demo.funds.values():
        previous: dict[str, Decimal] = {}
        for year in YEARS:
            for code in dict.fromkeys(["510000", *demo.pooling[(fund.code, year)]]):
                lines = _lines(demo, fund.code, code, year)
                assert set(lines) == set(BudgetItem)
                current = lines[BudgetItem.CURRENT_BALANCE]
                revenue = _sum(lines.values(), BudgetLineCategory.REVENUE)
                expenditure = _sum(lines.values(), BudgetLineCategory.EXPENDITURE)
                assert current.initial_amount == revenue - expenditure
                accumulated = lines[BudgetItem.ACCUMULATED_BALANCE]
                if code in previous:
                    assert accumulated.initial_amount == previous[code] + current.initial_amount
                final = accumulated.adjusted_amount
                previous[code] = accumulated.initial_amount if final is None else final


def test_prefecture_pooled_province_budget_is_the_sum_of_prefectures(demo: Demo) -> None:
    for year in YEARS:
        province = _lines(demo, "EMPLOYEE_MEDICAL", "510000", year)
        parts = [
            _lines(demo, "EMPLOYEE_MEDICAL", code, year) for code in demo.pooling[("EMPLOYEE_MEDICAL", year)]
        ]
        for item in BudgetItem:
            assert province[item].initial_amount == sum((p[item].initial_amount for p in parts), Decimal(0))


def test_organizations_and_users(demo: Demo) -> None:
    province = demo.region("510000")
    prefectures = [r for r in demo.regions.values() if r.level == RegionLevel.PREFECTURE]
    by_region: dict[int, set[tuple[ActorType, Administration | None]]] = defaultdict(set)
    for org in demo.orgs:
        by_region[org.region_id].add((org.actor_type, org.administration))
    local = {
        (ActorType.FINANCE, None),
        (ActorType.HRSS, Administration.HRSS),
        (ActorType.MEDICAL_SECURITY, Administration.MEDICAL_SECURITY),
        (ActorType.AGENCY, Administration.HRSS),
        (ActorType.AGENCY, Administration.MEDICAL_SECURITY),
        (ActorType.TAX, None),
    }
    assert len(prefectures) == 21
    for prefecture in prefectures:
        assert by_region[prefecture.id or 0] == local
    assert by_region[province.id or 0] == local | {(ActorType.NATIONAL, None), (ActorType.THIRD_PARTY, None)}
    # Counties of 成都市, 自贡市 and 雅安市: their 社保经办 and 医保经办 (Art. 6, 13).
    counties = {
        r.id for r in demo.regions.values() if r.level == RegionLevel.COUNTY and by_region.get(r.id or 0)
    }
    for county in counties:
        assert by_region[county or 0] == {
            (ActorType.AGENCY, Administration.HRSS),
            (ActorType.AGENCY, Administration.MEDICAL_SECURITY),
        }
    assert len(counties) == 20 + 6 + 8
    assert set(by_region) == {province.id} | {p.id for p in prefectures} | counties

    names = {o.name for o in demo.orgs}
    for name in (
        "四川省财政厅",
        "四川省人力资源和社会保障厅",
        "四川省医疗保障局",
        "国家税务总局四川省税务局",
        "成都市财政局",
        "成都市人力资源和社会保障局",
        "成都市医疗保障局",
        "国家税务总局成都市税务局",
        "成都市社会保险事业管理局",
        "成都市医疗保障事务中心",
        "凉山彝族自治州财政局",
    ):
        assert name in names

    orgs = {o.id: o for o in demo.orgs}
    users = {u.username: u for u in demo.users}
    assert all(u.username.isascii() and u.full_name for u in demo.users)
    # One documented password for everyone but the service account, hashed once per load.
    [service] = [u for u in demo.users if u.is_service_account]
    assert (service.username, service.password_hash, orgs[service.organization_id].name) == (
        DEMO_SERVICE_ACCOUNT,
        None,
        "四川省财政厅",
    )
    [password_hash] = {u.password_hash for u in demo.users if not u.is_service_account}
    assert verify_password(password_hash, DEMO_PASSWORD)
    assert {orgs[u.organization_id].id for u in demo.users} == set(orgs)  # at least one user each
    for username, name in (
        ("fin_510000", "四川省财政厅"),
        ("hrss_510100", "成都市人力资源和社会保障局"),
        ("med_510100", "成都市医疗保障局"),
        ("agency_hrss_510100", "成都市社会保险事业管理局"),
        ("agency_med_510100", "成都市医疗保障事务中心"),
        ("tax_510100", "国家税务总局成都市税务局"),
        ("admin", "四川省财政厅"),
    ):
        assert orgs[users[username].organization_id].name == name
    assert orgs[users["national"].organization_id].actor_type == ActorType.NATIONAL
    assert orgs[users["thirdparty"].organization_id].actor_type == ActorType.THIRD_PARTY
    assert [u.username for u in demo.users if u.is_admin] == ["admin"]


# --- tests that load their own data (function-scoped clean database) ----------------------------------


async def _dump(session: AsyncSession) -> dict[str, list[tuple[object, ...]]]:
    """Every demo row by natural keys, without ids or timestamps."""
    region = {r.id: r.code for r in (await session.exec(select(Region))).all()}
    fund = {f.id: f.code for f in (await session.exec(select(FundType))).all()}
    template = {t.id: t.key for t in (await session.exec(select(IndicatorTemplate))).all()}
    orgs = (await session.exec(select(Organization))).all()
    org = {o.id: (region[o.region_id], o.actor_type, o.administration) for o in orgs}
    goals = (await session.exec(select(Goal))).all()
    goal = {
        g.id: (fund[g.fund_type_id], region[g.region_id], g.horizon, g.start_year, g.version) for g in goals
    }
    budgets = (await session.exec(select(FundBudget))).all()
    budget = {b.id: (region[b.region_id], fund[b.fund_type_id], b.year) for b in budgets}
    indicators = (await session.exec(select(Indicator))).all()
    lines = (await session.exec(select(FundBudgetLine))).all()
    users = (await session.exec(select(User))).all()

    def key(mapping: Mapping[int | None, tuple[object, ...]], id_: int | None) -> tuple[object, ...] | None:
        return None if id_ is None else mapping[id_]

    dump: dict[str, list[tuple[object, ...]]] = {
        "orgs": [(*org[o.id], o.name) for o in orgs],
        "users": [
            # Not password_hash: its salt is random, the rest is determined by the seed.
            (u.username, u.full_name, org[u.organization_id], u.is_admin, u.is_service_account)
            for u in users
        ],
        "goals": [
            (
                *goal[g.id],
                g.end_year,
                g.title,
                g.content,
                g.status,
                key(goal, g.overall_goal_id),
                key(goal, g.parent_goal_id),
            )
            for g in goals
        ],
        "indicators": [
            (
                goal[i.goal_id],
                i.sort_order,
                template[i.template_id],
                i.level1,
                i.level2,
                i.level3,
                i.kind,
                i.comparator,
                i.target_value,
                i.target_grade,
                i.unit,
                i.weight,
                i.definition,
            )
            for i in indicators
        ],
        "budgets": [(*budget[b.id], b.status, key(goal, b.approved_goal_id)) for b in budgets],
        "lines": [
            (budget[x.budget_id], x.item, x.category, x.initial_amount, x.adjusted_amount, x.sort_order)
            for x in lines
        ],
    }
    dump |= await dump_monitoring(session, region=region, fund=fund, goal=goal, org=org, template=template)
    return {name: sorted(rows, key=repr) for name, rows in dump.items()}


async def _load_and_dump(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], seed: int
) -> tuple[DemoCounts, dict[str, list[tuple[object, ...]]]]:
    await truncate_all(engine)
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        counts = await load_demo_data(session=session, seed=seed)
        await session.commit()
    async with sessionmaker() as session:
        return counts, await _dump(session)


async def test_same_seed_gives_the_same_data(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    first = await _load_and_dump(engine, sessionmaker, seed=7)
    second = await _load_and_dump(engine, sessionmaker, seed=7)
    assert first == second
    _, other = await _load_and_dump(engine, sessionmaker, seed=8)
    assert other["orgs"] == first[1]["orgs"]  # the structure is fixed; names, figures and statuses vary
    assert other["lines"] != first[1]["lines"] and other["actuals"] != first[1]["actuals"]
    assert len(first[1]["actuals"]) > 30_000 and first[1]["warnings"] and first[1]["recipients"]


async def test_requires_reference_data_and_an_empty_database(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        with pytest.raises(DomainError, match="基础数据"):
            await load_demo_data(session=session)
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        await load_demo_data(session=session)
        await session.commit()
    async with sessionmaker() as session:
        with pytest.raises(DomainError, match="为空的数据库"):
            await load_demo_data(session=session)
        count = len((await session.exec(select(Goal).order_by(col(Goal.id)))).all())
        assert count == 365
