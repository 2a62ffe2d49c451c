"""What the demo's monitoring covers: every pooling region's annual goal in force with its approved budget,
the months monitored, and who enters what (Art. 6, 13).

The demo is monitored through DEMO_MONITORED_THROUGH: 2025 whole (1–12月) and 2026 to October (1–10月), as if
the October figures were entered and the September quarter evaluated. Only pooling regions are monitored: the
province-wide goal of a prefecture-pooled fund is their sum (the roll-up), with no entries of its own.

Who enters: the pooling region's agency (of the fund's administration) — or, where parts enter (a fund pooled
at the province: each prefecture's agency; a prefecture-pooled fund in a prefecture with county agencies: each
county's), the parts enter what sums (amounts, counts, a rate's numerator and denominator) and the pooling
region's agency what does not (grades, levels such as months of payment). Where parts enter, the pooling
region has no row of its own for what they enter: its figure is their sum.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundBudgetLine, FundType, Goal, Indicator, Organization, Region, User
from src.models.enums import ActorType, Administration, BudgetItem, BudgetStatus, RegionLevel
from src.seed.demo.budgets import goals_in_force
from src.seed.demo.context import YEARS, DemoReference, prefecture_size, row_id
from src.seed.demo.counties import CountyAgency
from src.seed.demo.figures import FundProfile, PrefectureSize, basis_shares
from src.seed.demo.goals import GoalPlan
from src.services.pooling import pooling_region_level

# The demo's "as of": the last year and month with entries (documented in README, Demo data).
DEMO_MONITORED_THROUGH = (2026, 10)


def monitored_months(year: int) -> range:
    last_year, last_month = DEMO_MONITORED_THROUGH
    return range(1, (last_month if year == last_year else 12) + 1)


@dataclass(frozen=True)
class Entrant:
    """A region entering figures, as its agency of the fund's administration and that agency's user."""

    region: Region
    organization_id: int
    user_id: int


@dataclass(frozen=True)
class MonitoredScope:
    fund: FundType
    region: Region  # the pooling region
    year: int
    goal: Goal  # the annual goal in force
    indicators: list[Indicator]
    budget: FundBudget
    lines: dict[BudgetItem, FundBudgetLine]
    whole: Entrant  # the pooling region's agency
    parts: list[Entrant]  # the parts entering their own figures; empty: the pooling region enters all
    weights: list[float]  # each part's share of the whole (summing to 1)

    @property
    def months(self) -> range:
        return monitored_months(self.year)

    def budget_of(self, item: BudgetItem) -> FundBudgetLine:
        return self.lines[item]


Agencies = dict[tuple[int, Administration], tuple[int, int]]  # (region id, administration) → org, user


async def _agencies(session: AsyncSession) -> Agencies:
    stmt = (
        select(Organization, User)
        .join(User, col(User.organization_id) == Organization.id)
        .where(Organization.actor_type == ActorType.AGENCY)
        .order_by(col(User.id))
    )
    found: Agencies = {}
    for org, user in (await session.exec(stmt)).all():
        assert org.administration is not None
        found.setdefault((org.region_id, org.administration), (row_id(org), row_id(user)))
    return found


def _entrant(agencies: Agencies, region: Region, fund: FundType) -> Entrant:
    assert fund.administration is not None
    org_id, user_id = agencies[(row_id(region), fund.administration)]
    return Entrant(region=region, organization_id=org_id, user_id=user_id)


def draw_county_weights(rng: random.Random, counties: list[CountyAgency]) -> dict[str, float]:
    """A county's share of its prefecture's figures: no county sizes are shipped, so one draw per county."""
    weights: dict[str, float] = {}
    for agency in counties:
        if agency.region.code not in weights:
            weights[agency.region.code] = rng.uniform(0.4, 1.6)
    return weights


async def monitored_scopes(
    session: AsyncSession,
    ref: DemoReference,
    goals: list[GoalPlan],
    counties: list[CountyAgency],
    county_weights: dict[str, float],
    sizes: dict[str, PrefectureSize],
    profiles: dict[str, FundProfile],
) -> list[MonitoredScope]:
    """Every pooling region's annual goal in force with its approved budget, in a fixed order (year, fund,
    region code): the order the demo draws in."""
    in_force = goals_in_force(goals)
    ids = [row_id(g) for g in in_force.values()]
    indicators: dict[int, list[Indicator]] = {i: [] for i in ids}
    stmt = select(Indicator).where(col(Indicator.goal_id).in_(ids)).order_by(col(Indicator.sort_order))
    for indicator in (await session.exec(stmt)).all():
        indicators[indicator.goal_id].append(indicator)
    budget_stmt = select(FundBudget).where(
        col(FundBudget.approved_goal_id).in_(ids), FundBudget.status == BudgetStatus.APPROVED
    )
    budgets = {b.approved_goal_id: b for b in (await session.exec(budget_stmt)).all()}
    budget_ids = [row_id(b) for b in budgets.values()]
    lines: dict[int, dict[BudgetItem, FundBudgetLine]] = {i: {} for i in budget_ids}
    for line in (
        await session.exec(select(FundBudgetLine).where(col(FundBudgetLine.budget_id).in_(budget_ids)))
    ).all():
        lines[line.budget_id][line.item] = line
    agencies = await _agencies(session)
    county_regions: dict[int, list[Region]] = {}
    for agency in counties:
        regions = county_regions.setdefault(agency.region.parent_id or 0, [])
        if agency.region not in regions:
            regions.append(agency.region)

    scopes: list[MonitoredScope] = []
    for year in YEARS:
        for fund in ref.funds:
            level = pooling_region_level(ref.pooling[(row_id(fund), year)])
            regions = [ref.province] if level == RegionLevel.PROVINCE else ref.prefectures
            for region in regions:
                goal = in_force.get((region.code, fund.code, year))
                if goal is None:
                    continue  # not in force: nothing is monitored against a draft (Art. 11)
                budget = budgets[row_id(goal)]
                if level == RegionLevel.PROVINCE:
                    part_regions = ref.prefectures
                    shares = basis_shares(
                        [prefecture_size(sizes, r) for r in part_regions], profiles[fund.code].basis
                    )
                    weights = [shares[r.code] for r in part_regions]
                else:
                    part_regions = county_regions.get(row_id(region), [])
                    raw = [county_weights[r.code] for r in part_regions]
                    weights = [w / sum(raw) for w in raw]
                scopes.append(
                    MonitoredScope(
                        fund=fund,
                        region=region,
                        year=year,
                        goal=goal,
                        indicators=indicators[row_id(goal)],
                        budget=budget,
                        lines=lines[row_id(budget)],
                        whole=_entrant(agencies, region, fund),
                        parts=[_entrant(agencies, r, fund) for r in part_regions],
                        weights=weights,
                    )
                )
    return scopes


def month_end(year: int, month: int) -> date:
    return date(year, 12, 31) if month == 12 else date(year, month + 1, 1) - timedelta(days=1)


def at_office_hours(day: date, rng: random.Random) -> datetime:
    """A moment in the working day in China (09:00–17:00, +08:00) of `day`, as UTC."""
    return datetime(day.year, day.month, day.day, rng.randint(1, 9), rng.randrange(60), tzinfo=UTC)


EntryDates = dict[tuple[int, int], datetime]  # (entering region id, month) → when its sheet was entered


def draw_entry_dates(rng: random.Random, scope: MonitoredScope, late_share: float = 0.06) -> EntryDates:
    """When each entrant entered each month's sheet: within the first days of the next month (the rule's
    MONITORING_ENTRY_DUE_DAYS is 10), a few late; months before the goal was issued, just after the issue."""
    issued = scope.goal.issued_at.date() if scope.goal.issued_at else date(scope.year, 1, 1)
    dates: EntryDates = {}
    for entrant in [scope.whole, *scope.parts]:
        for month in scope.months:
            late = rng.random() < late_share
            day = month_end(scope.year, month) + timedelta(
                days=rng.randint(12, 25) if late else rng.randint(2, 9)
            )
            if day <= issued:
                day = issued + timedelta(days=rng.randint(3, 9))
            dates[(row_id(entrant.region), month)] = at_office_hours(day, rng)
    return dates
