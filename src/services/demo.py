"""Demo data for Sichuan: organizations and users, goals with indicators, and fund budgets for 2025-2026.

Deterministic: one `random.Random(seed)` drives every choice, and every query is ordered, so the same seed
gives the same rows. Requires the reference data; does not commit.
"""

import asyncio
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert
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
    PoolingArrangement,
    Region,
    User,
)
from src.models.base import utcnow
from src.models.enums import (
    BUDGET_ITEM_CATEGORY,
    ActorType,
    Administration,
    BudgetItem,
    BudgetStatus,
    GoalHorizon,
    GoalStatus,
    IndicatorCategory,
    IndicatorKind,
    PoolingLevel,
    RegionLevel,
)
from src.services.auth import hash_password
from src.services.demo_figures import (
    CENT,
    EXPENDITURE_ITEMS,
    REVENUE_ITEMS,
    YUAN_PER_YI,
    BudgetFigures,
    FundProfile,
    PrefectureSize,
    basis_shares,
    count_target,
    jitter,
    load_fund_profiles,
    load_prefecture_sizes,
    plan_budgets,
    sum_budgets,
)
from src.services.errors import DomainError
from src.services.pooling import pooling_region_level

DEFAULT_SEED = 20261126
# Every demo user logs in with this password (documented in README.md); never on a production system.
DEMO_PASSWORD = "fundperf-demo"
# A downstream system's account: API tokens only, no password.
DEMO_SERVICE_ACCOUNT = "svc_downstream"
PROVINCE_CODE = "510000"
YEARS = (2025, 2026)
PERIODS = {2025: (2021, 2025), 2026: (2026, 2030)}  # 十四五, 十五五
ADJUSTED_YEARS = (2025,)
# 2026 goal statuses of the prefectures (the province's are issued, formally or as guiding, Art. 10).
PREFECTURE_STATUSES = {
    GoalStatus.ISSUED: 70,
    GoalStatus.SUBMITTED: 12,
    GoalStatus.PRELIMINARY_REVIEWED: 6,
    GoalStatus.DRAFT: 12,
}
ISSUED = (GoalStatus.ISSUED, GoalStatus.ISSUED_GUIDING)
# Points of 100 per level-1 category, the usual split of national practice forms.
CATEGORY_POINTS = {
    IndicatorCategory.DECISION: 10,
    IndicatorCategory.PROCESS: 20,
    IndicatorCategory.OUTPUT: 40,
    IndicatorCategory.BENEFIT: 30,
}
# Common indicators a fund-specific one replaces (or that do not apply: no fiscal subsidy for these funds).
REPLACED_COMMON: dict[str, set[str]] = {
    "ENTERPRISE_PENSION": {"待遇按时足额发放率"},
    "EMPLOYEE_MEDICAL": {"累计结余可支付月数", "财政补助资金到位率"},
    "RESIDENT_MEDICAL": {"累计结余可支付月数", "财政补助资金到位率", "参保率"},
    "WORK_INJURY": {"待遇按时足额发放率", "参保人数", "财政补助资金到位率"},
    "UNEMPLOYMENT": {"待遇按时足额发放率", "财政补助资金到位率"},
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭"
# Two-character given names, read in pairs.
GIVEN_NAMES = "建国晓燕志强丽华海涛雪梅文博红梅永刚小兵思远佳怡俊杰雨欣德明秀英国强春梅天宇晓峰玉兰光明"


@dataclass(frozen=True)
class DemoCounts:
    organizations: int
    users: int
    goals: int
    indicators: int
    budgets: int
    budget_lines: int


@dataclass(frozen=True)
class _OrgKind:
    actor: ActorType
    administration: Administration | None
    username: str
    province_suffix: str
    prefecture_suffix: str


# Per region: the four departments and the two agencies (社保经办 and 医保经办).
_ORG_KINDS = (
    _OrgKind(ActorType.FINANCE, None, "fin", "财政厅", "财政局"),
    _OrgKind(ActorType.HRSS, Administration.HRSS, "hrss", "人力资源和社会保障厅", "人力资源和社会保障局"),
    _OrgKind(ActorType.MEDICAL_SECURITY, Administration.MEDICAL_SECURITY, "med", "医疗保障局", "医疗保障局"),
    _OrgKind(
        ActorType.AGENCY, Administration.HRSS, "agency_hrss", "社会保险事业管理局", "社会保险事业管理局"
    ),
    _OrgKind(
        ActorType.AGENCY,
        Administration.MEDICAL_SECURITY,
        "agency_med",
        "医疗保障事务中心",
        "医疗保障事务中心",
    ),
    _OrgKind(ActorType.TAX, None, "tax", "税务局", "税务局"),
)
NATIONAL_NAME = "国家相关部门（财政部、人力资源社会保障部、国家医保局、国家税务总局）"
THIRD_PARTY_NAME = "四川天府预算绩效评价事务所（第三方机构）"


@dataclass(frozen=True)
class _Reference:
    province: Region
    prefectures: list[Region]
    funds: list[FundType]
    templates: list[IndicatorTemplate]
    pooling: dict[tuple[int, int], PoolingLevel]


@dataclass(frozen=True)
class _GoalPlan:
    goal: Goal
    fund: FundType
    region: Region
    year: int  # the budget year; an overall goal covers the period around it


_ScopeKey = tuple[str, str, int]  # region code, fund code, budget year


async def load_demo_data(*, session: AsyncSession, seed: int = DEFAULT_SEED) -> DemoCounts:
    """Load the demo organizations, users, goals, indicators and budgets into a database without them."""
    ref = await _load_reference(session)
    await _require_empty(session)
    rng = random.Random(seed)

    # argon2 is slow on purpose: one hash (one salt) shared by every demo user, not one per user.
    password_hash = await asyncio.to_thread(hash_password, DEMO_PASSWORD)
    organizations, users = await _add_organizations(session, rng, ref, password_hash)
    sizes = load_prefecture_sizes()
    profiles = load_fund_profiles()
    budgets = _plan_budgets(rng, ref, sizes, profiles)
    statuses = _draw_statuses(rng, ref)
    goals = await _add_goals(session, ref, statuses, budgets)
    indicators = await _add_indicators(session, rng, ref, goals, sizes, profiles)
    budget_count, line_count = await _add_budgets(session, ref, statuses, budgets)
    return DemoCounts(
        organizations=organizations,
        users=users,
        goals=len(goals),
        indicators=indicators,
        budgets=budget_count,
        budget_lines=line_count,
    )


# --- reference and preconditions ---------------------------------------------------------------------


async def _load_reference(session: AsyncSession) -> _Reference:
    province = (await session.exec(select(Region).where(Region.code == PROVINCE_CODE))).first()
    fund_order = (col(FundType.sort_order), col(FundType.code))
    funds = (await session.exec(select(FundType).order_by(*fund_order))).all()
    if province is None or not funds:
        raise DomainError("请先载入基础数据（地区、险种、统筹层次和指标库），再载入演示数据")
    prefectures = (
        await session.exec(
            select(Region)
            .where(Region.parent_id == province.id, Region.level == RegionLevel.PREFECTURE)
            .order_by(col(Region.code))
        )
    ).all()
    templates = (
        await session.exec(
            select(IndicatorTemplate)
            .where(col(IndicatorTemplate.active).is_(True))
            .order_by(col(IndicatorTemplate.sort_order), col(IndicatorTemplate.key))
        )
    ).all()
    arrangements = (await session.exec(select(PoolingArrangement))).all()
    pooling = {(p.fund_type_id, p.year): p.pooling_level for p in arrangements}
    missing = sorted({f.name_zh for f in funds for y in YEARS if (f.id, y) not in pooling})
    if missing:
        raise DomainError(f"以下险种缺少{YEARS[0]}—{YEARS[-1]}年的统筹层次：{'、'.join(missing)}")
    return _Reference(province, list(prefectures), list(funds), list(templates), pooling)


async def _require_empty(session: AsyncSession) -> None:
    for model in (Organization, User, Goal, FundBudget):
        count = (await session.exec(select(func.count()).select_from(model))).one()
        if count:
            raise DomainError("数据库中已有组织、用户、目标或预算数据，演示数据只能载入这些表为空的数据库")


def _id(row: Organization | Goal | Region | FundType | FundBudget | IndicatorTemplate) -> int:
    assert row.id is not None, "flushed before use"
    return row.id


def _pooling_regions(ref: _Reference, fund: FundType, year: int) -> list[Region]:
    """The province-wide region first, then the prefectures where the fund is prefecture-pooled."""
    level = pooling_region_level(ref.pooling[(_id(fund), year)])
    return [ref.province, *(ref.prefectures if level == RegionLevel.PREFECTURE else [])]


def _size(sizes: dict[str, PrefectureSize], region: Region) -> PrefectureSize:
    # A prefecture missing from the demo table (another province's data) gets a mid-sized default.
    return sizes.get(region.code) or PrefectureSize(region.code, 300.0, 1.0, 1.0)


# --- organizations and users -------------------------------------------------------------------------


def _person_name(rng: random.Random) -> str:
    given = rng.randrange(len(GIVEN_NAMES) // 2) * 2
    return rng.choice(SURNAMES) + GIVEN_NAMES[given : given + 2]


def _org_name(kind: _OrgKind, region: Region) -> str:
    if kind.actor == ActorType.TAX:
        return f"国家税务总局{region.name}税务局"
    suffix = kind.province_suffix if region.level == RegionLevel.PROVINCE else kind.prefecture_suffix
    return f"{region.name}{suffix}"


async def _add_organizations(
    session: AsyncSession, rng: random.Random, ref: _Reference, password_hash: str
) -> tuple[int, int]:
    """Organizations at the province and every prefecture, one user each, plus the admin and a service
    account at the provincial finance department."""
    orgs: list[tuple[Organization, str]] = []
    for region in [ref.province, *ref.prefectures]:
        for kind in _ORG_KINDS:
            org = Organization(
                name=_org_name(kind, region),
                actor_type=kind.actor,
                administration=kind.administration,
                region_id=_id(region),
            )
            orgs.append((org, f"{kind.username}_{region.code}"))
    for actor, name, username in (
        (ActorType.NATIONAL, NATIONAL_NAME, "national"),
        (ActorType.THIRD_PARTY, THIRD_PARTY_NAME, "thirdparty"),
    ):
        orgs.append((Organization(name=name, actor_type=actor, region_id=_id(ref.province)), username))
    session.add_all([org for org, _ in orgs])
    await session.flush()

    users = [
        User(
            username=username,
            full_name=_person_name(rng),
            organization_id=_id(org),
            password_hash=password_hash,
        )
        for org, username in orgs
    ]
    provincial_finance = orgs[0][0]
    users.append(
        User(
            username="admin",
            full_name="系统管理员",
            organization_id=_id(provincial_finance),
            is_admin=True,
            password_hash=password_hash,
        )
    )
    users.append(
        User(
            username=DEMO_SERVICE_ACCOUNT,
            full_name="下游系统（演示服务账号）",
            organization_id=_id(provincial_finance),
            is_service_account=True,
            password_hash=None,
        )
    )
    session.add_all(users)
    await session.flush()
    return len(orgs), len(users)


# --- budgets figures and goal statuses ---------------------------------------------------------------


def _plan_budgets(
    rng: random.Random, ref: _Reference, sizes: dict[str, PrefectureSize], profiles: dict[str, FundProfile]
) -> dict[_ScopeKey, BudgetFigures]:
    """Every prefecture's figures for every fund; the province's are their sum, whatever the pooling."""
    plans: dict[_ScopeKey, BudgetFigures] = {}
    for fund in ref.funds:
        profile = profiles[fund.code]
        shares = basis_shares([_size(sizes, r) for r in ref.prefectures], profile.basis)
        for region in ref.prefectures:
            yearly = plan_budgets(
                rng, profile=profile, share=shares[region.code], years=YEARS, adjusted_years=ADJUSTED_YEARS
            )
            for year, figures in yearly.items():
                plans[(region.code, fund.code, year)] = figures
        for year in YEARS:
            parts = [plans[(r.code, fund.code, year)] for r in ref.prefectures]
            plans[(ref.province.code, fund.code, year)] = sum_budgets(parts)
    return plans


def _draw_statuses(rng: random.Random, ref: _Reference) -> dict[_ScopeKey, GoalStatus]:
    """First year: all issued. Then the province issued or issued as guiding; prefectures mostly issued."""
    statuses: dict[_ScopeKey, GoalStatus] = {}
    for year in YEARS:
        for fund in ref.funds:
            for region in _pooling_regions(ref, fund, year):
                if year == YEARS[0]:
                    status = GoalStatus.ISSUED
                elif region.level == RegionLevel.PROVINCE:
                    status = GoalStatus.ISSUED if rng.random() < 0.6 else GoalStatus.ISSUED_GUIDING
                else:
                    [status] = rng.choices(list(PREFECTURE_STATUSES), list(PREFECTURE_STATUSES.values()))
                statuses[(region.code, fund.code, year)] = status
    return statuses


# --- goals ---------------------------------------------------------------------------------------------


def _yi(amount: Decimal) -> str:
    return f"{(amount / YUAN_PER_YI).quantize(CENT):,}"


def _total(budget: BudgetFigures, items: Sequence[BudgetItem]) -> Decimal:
    return sum((budget[i].initial for i in items), Decimal(0))


def _goal(
    *,
    fund: FundType,
    region: Region,
    year: int,
    horizon: GoalHorizon,
    status: GoalStatus,
    budget: BudgetFigures,
    overall: Goal | None = None,
    parent: Goal | None = None,
) -> Goal:
    if horizon == GoalHorizon.OVERALL:
        start, end = PERIODS[year]
        title = f"{region.name}{start}—{end}年{fund.name_zh}预算绩效总体目标"
        content = (
            f"{start}—{end}年，{region.name}{fund.name_zh}持续扩大参保覆盖面，健全筹资和待遇调整机制，"
            "强化基金预算管理和风险防控，保持累计结余合理水平，实现基金收支平衡、略有结余、安全可持续。"
        )
    else:
        start = end = year
        revenue, expenditure = _total(budget, REVENUE_ITEMS), _total(budget, EXPENDITURE_ITEMS)
        accumulated = budget[BudgetItem.ACCUMULATED_BALANCE].initial
        title = f"{region.name}{year}年{fund.name_zh}预算绩效年度目标"
        content = (
            f"{year}年{region.name}{fund.name_zh}预算收入{_yi(revenue)}亿元、支出{_yi(expenditure)}亿元，"
            f"年末滚存结余{_yi(accumulated)}亿元。确保待遇按时足额发放，基金收入应收尽收，"
            "支出规范高效，基金运行安全可持续。"
        )
    return Goal(
        title=title,
        horizon=horizon,
        start_year=start,
        end_year=end,
        content=content,
        fund_type_id=_id(fund),
        region_id=_id(region),
        status=status,
        overall_goal_id=None if overall is None else _id(overall),
        parent_goal_id=None if parent is None else _id(parent),
    )


async def _add_goals(
    session: AsyncSession,
    ref: _Reference,
    statuses: dict[_ScopeKey, GoalStatus],
    budgets: dict[_ScopeKey, BudgetFigures],
) -> list[_GoalPlan]:
    """Overall and annual goals per fund × pooling region × year, in three flushes so links get their ids.

    The province-wide goal is the parent of each prefecture's goal of a prefecture-pooled fund.
    """

    def plan(
        fund: FundType,
        region: Region,
        year: int,
        horizon: GoalHorizon,
        overall: Goal | None,
        parent: Goal | None,
    ) -> _GoalPlan:
        key = (region.code, fund.code, year)
        goal = _goal(
            fund=fund,
            region=region,
            year=year,
            horizon=horizon,
            status=statuses[key],
            budget=budgets[key],
            overall=overall,
            parent=parent,
        )
        return _GoalPlan(goal=goal, fund=fund, region=region, year=year)

    scopes = [(fund, year) for year in YEARS for fund in ref.funds]
    province_overall = [plan(f, ref.province, y, GoalHorizon.OVERALL, None, None) for f, y in scopes]
    await _flush_goals(session, province_overall)

    province_annual = [
        plan(p.fund, ref.province, p.year, GoalHorizon.ANNUAL, p.goal, None) for p in province_overall
    ]
    prefecture_overall = [
        (plan(p.fund, region, p.year, GoalHorizon.OVERALL, None, p.goal), annual)
        for p, annual in zip(province_overall, province_annual, strict=True)
        for region in _pooling_regions(ref, p.fund, p.year)[1:]
    ]
    await _flush_goals(session, [*province_annual, *(p for p, _ in prefecture_overall)])

    prefecture_annual = [
        plan(p.fund, p.region, p.year, GoalHorizon.ANNUAL, p.goal, annual.goal)
        for p, annual in prefecture_overall
    ]
    await _flush_goals(session, prefecture_annual)
    return [*province_overall, *province_annual, *(p for p, _ in prefecture_overall), *prefecture_annual]


async def _flush_goals(session: AsyncSession, plans: Iterable[_GoalPlan]) -> None:
    session.add_all([p.goal for p in plans])
    await session.flush()


# --- indicators ----------------------------------------------------------------------------------------


def _applicable_templates(ref: _Reference, fund: FundType) -> list[IndicatorTemplate]:
    """Common templates (less those the fund replaces) and the fund's own, grouped by level-1 category."""
    replaced = REPLACED_COMMON.get(fund.code, set())
    chosen = [
        t
        for t in ref.templates
        if t.fund_type_id == fund.id or (t.fund_type_id is None and t.level3 not in replaced)
    ]
    order = {category: index for index, category in enumerate(CATEGORY_POINTS)}
    return sorted(chosen, key=lambda t: order.get(t.level1, len(order)))  # stable: library order within


def _overall_subset(rng: random.Random, templates: list[IndicatorTemplate]) -> list[IndicatorTemplate]:
    """An overall goal keeps the fund's own indicators and about 60% of the common ones in each category."""
    keep: set[int] = {_id(t) for t in templates if t.fund_type_id is not None}
    for category in CATEGORY_POINTS:
        common = [t for t in templates if t.level1 == category and t.fund_type_id is None]
        if common:
            keep |= {_id(t) for t in rng.sample(common, math.ceil(len(common) * 0.6))}
    return [t for t in templates if _id(t) in keep]


def _apportion(total: int, weights: dict[IndicatorCategory, int]) -> dict[IndicatorCategory, int]:
    """Whole points in proportion to weights, summing to total (largest remainder)."""
    scale = sum(weights.values())
    exact = {k: total * w / scale for k, w in weights.items()}
    points = {k: math.floor(v) for k, v in exact.items()}
    by_remainder = sorted(exact, key=lambda k: exact[k] - points[k], reverse=True)
    for k in by_remainder[: total - sum(points.values())]:
        points[k] += 1
    return points


def _split(total: int, count: int) -> list[Decimal]:
    """`count` weights summing exactly to `total`: whole points where possible, else cents."""
    quantum = Decimal(1) if total >= count else CENT
    units = int(Decimal(total) / quantum)
    base, extra = divmod(units, count)
    return [((base + (i < extra)) * quantum).quantize(CENT) for i in range(count)]


def _weights(templates: Sequence[IndicatorTemplate]) -> list[Decimal]:
    """Weights (分值) totalling exactly 100.00: category points split evenly within each category."""
    counts = {c: sum(t.level1 == c for t in templates) for c in CATEGORY_POINTS}
    present = {c: CATEGORY_POINTS[c] for c, n in counts.items() if n}
    points = _apportion(100, present)
    pools = {c: _split(points[c], counts[c]) for c in present}
    return [pools[t.level1].pop(0) for t in templates]


async def _add_indicators(
    session: AsyncSession,
    rng: random.Random,
    ref: _Reference,
    goals: list[_GoalPlan],
    sizes: dict[str, PrefectureSize],
    profiles: dict[str, FundProfile],
) -> int:
    applicable = {fund.code: _applicable_templates(ref, fund) for fund in ref.funds}
    overall_sets = {(f.code, y): _overall_subset(rng, applicable[f.code]) for y in YEARS for f in ref.funds}
    population = sum(_size(sizes, r).population for r in ref.prefectures)
    # Each prefecture's size for a fund, and a fixed deviation per count indicator so years stay consistent.
    weighted: dict[tuple[str, str], float] = {}
    factors: dict[tuple[str, str], float] = {}
    for fund in ref.funds:
        shares = basis_shares([_size(sizes, r) for r in ref.prefectures], profiles[fund.code].basis)
        counted = [t for t in applicable[fund.code] if _is_count(t)]
        for region in ref.prefectures:
            weighted[(region.code, fund.code)] = population * shares[region.code]
            for t in counted:
                factors[(region.code, t.key)] = jitter(rng, 0.03)

    def count(plan: _GoalPlan, template: IndicatorTemplate) -> Decimal:
        parts = ref.prefectures if plan.region.level == RegionLevel.PROVINCE else [plan.region]
        return sum(
            (
                count_target(
                    template_key=template.key,
                    unit=template.unit,
                    profile=profiles[plan.fund.code],
                    population=weighted[(r.code, plan.fund.code)],
                    year=plan.goal.end_year,
                    factor=factors[(r.code, template.key)],
                )
                for r in parts
            ),
            Decimal(0),
        )

    now = utcnow()
    rows: list[dict[str, Any]] = []
    for plan in goals:
        if plan.goal.horizon == GoalHorizon.OVERALL:
            templates = overall_sets[(plan.fund.code, plan.year)]
        else:
            templates = applicable[plan.fund.code]
        for order, (t, weight) in enumerate(zip(templates, _weights(templates), strict=True), start=1):
            rows.append(
                {
                    "goal_id": _id(plan.goal),
                    "template_id": _id(t),
                    "level1": t.level1,
                    "level2": t.level2,
                    "level3": t.level3,
                    "kind": t.kind,
                    "comparator": t.comparator,
                    "target_value": count(plan, t) if _is_count(t) else t.default_target_value,
                    "target_grade": t.default_target_grade,
                    "unit": t.unit,
                    "weight": weight,
                    "definition": t.definition,
                    "sort_order": order,
                    "row_version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    await _bulk_insert(session, Indicator, rows)
    return len(rows)


async def _bulk_insert(
    session: AsyncSession, model: type[Indicator | FundBudgetLine], rows: list[dict[str, Any]]
) -> None:
    """Leaf rows whose ids nobody needs: one executemany, no ORM objects (the slow part at these counts)."""
    if rows:
        await session.exec(insert(model), params=rows)


def _is_count(template: IndicatorTemplate) -> bool:
    """A quantitative indicator without a library default: its target depends on the region's size."""
    return template.kind == IndicatorKind.QUANTITATIVE and template.default_target_value is None


# --- budgets -------------------------------------------------------------------------------------------


async def _add_budgets(
    session: AsyncSession,
    ref: _Reference,
    statuses: dict[_ScopeKey, GoalStatus],
    figures: dict[_ScopeKey, BudgetFigures],
) -> tuple[int, int]:
    """Budgets for the goals' regions; approved only where the annual goal is issued (goals come first)."""
    budgets: list[tuple[FundBudget, BudgetFigures]] = []
    for year in YEARS:
        for fund in ref.funds:
            for region in _pooling_regions(ref, fund, year):
                key = (region.code, fund.code, year)
                status = BudgetStatus.APPROVED if statuses[key] in ISSUED else BudgetStatus.DRAFT
                budget = FundBudget(region_id=_id(region), fund_type_id=_id(fund), year=year, status=status)
                budgets.append((budget, figures[key]))
    session.add_all([b for b, _ in budgets])
    await session.flush()

    lines: list[dict[str, Any]] = [
        {
            "budget_id": _id(budget),
            "category": BUDGET_ITEM_CATEGORY[item],
            "item": item,
            "initial_amount": amounts[item].initial,
            "adjusted_amount": amounts[item].adjusted,
            "sort_order": order,
        }
        for budget, amounts in budgets
        for order, item in enumerate(BudgetItem, start=1)
    ]
    await _bulk_insert(session, FundBudgetLine, lines)
    return len(budgets), len(lines)
