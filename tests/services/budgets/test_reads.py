"""src/services/budgets/reads.py: budgets_select reads the budgets an actor may see — its own region's and
below, and the regions above it, of the funds it works on; the national departments all, a third party none
(policy.visible_region_clause, policy.record_visible for one) — and narrows them by year, fund, region,
status and whether the approval rests on a superseded goal version (Art. 14: 需重新批复)."""

from dataclasses import dataclass, replace

import pytest

from src.models import FundType, Region
from src.models.enums import ActorType, Administration, BudgetStatus, GoalStatus
from src.services import policy
from src.services.actors import Actor
from src.services.budgets.reads import BudgetQuery, budgets_select
from src.subjects.scope import RecordScope
from tests.factories import make_actor, make_budget, make_goal
from tests.services.conftest import CHENGDU, HRSS, JINJIANG, MED, PROVINCE, YAAN, Sessionmaker

YEAR = 2027
# label: (region, fund) — one 2027 budget each.
BUDGETS = {
    "四川 工伤": (PROVINCE, "WORK_INJURY"),
    "成都 职工医保": (CHENGDU, "EMPLOYEE_MEDICAL"),
    "成都 居民养老": (CHENGDU, "RESIDENT_PENSION"),
    "雅安 职工医保": (YAAN, "EMPLOYEE_MEDICAL"),
}


@dataclass(frozen=True)
class Stored:
    label: str
    region_path: str
    administration: Administration | None


@pytest.fixture
async def budgets(sessionmaker: Sessionmaker, reference: None) -> dict[int, Stored]:
    stored: dict[int, Stored] = {}
    async with sessionmaker() as session:
        for label, (region_code, fund_code) in BUDGETS.items():
            budget = await make_budget(session, fund_code=fund_code, region_code=region_code, year=YEAR)
            region = await session.get(Region, budget.region_id)
            fund = await session.get(FundType, budget.fund_type_id)
            assert region is not None and fund is not None
            stored[budget.id or 0] = Stored(label, region.path, fund.administration)
        await session.commit()
    return stored


async def reader(sessionmaker: Sessionmaker, name: str) -> Actor:
    actor_type, region_code, administration = READERS[name]
    actor = await make_actor(
        sessionmaker, actor_type=actor_type, region_code=region_code, administration=administration
    )
    return replace(actor, token_region_path="/510000/511800/") if name.endswith("token for 雅安") else actor


READERS: dict[str, tuple[ActorType, str, Administration | None]] = {
    "province finance": (ActorType.FINANCE, PROVINCE, None),
    "province HRSS": (ActorType.HRSS, PROVINCE, HRSS),
    "chengdu finance": (ActorType.FINANCE, CHENGDU, None),
    "chengdu medical agency": (ActorType.AGENCY, CHENGDU, MED),
    "jinjiang finance": (ActorType.FINANCE, JINJIANG, None),  # a county of 成都市
    "yaan tax": (ActorType.TAX, YAAN, None),
    "national": (ActorType.NATIONAL, PROVINCE, None),
    "third party": (ActorType.THIRD_PARTY, PROVINCE, None),
    "province finance, token for 雅安": (ActorType.FINANCE, PROVINCE, None),
}
SEES = {
    "province finance": set(BUDGETS),
    "province HRSS": {"四川 工伤", "成都 居民养老"},
    "chengdu finance": {"四川 工伤", "成都 职工医保", "成都 居民养老"},
    "chengdu medical agency": {"成都 职工医保"},
    "jinjiang finance": {"四川 工伤", "成都 职工医保", "成都 居民养老"},  # the regions above it
    "yaan tax": {"四川 工伤", "雅安 职工医保"},
    "national": set(BUDGETS),
    "third party": set(),
    "province finance, token for 雅安": {"雅安 职工医保"},
}


@pytest.mark.parametrize("name", list(SEES))
async def test_art7_each_actor_reads_the_budgets_the_policy_shows_it(
    sessionmaker: Sessionmaker, budgets: dict[int, Stored], name: str
) -> None:
    actor = await reader(sessionmaker, name)
    async with sessionmaker() as session:
        seen = {b.id or 0 for b in (await session.exec(budgets_select(BudgetQuery(), actor))).all()}
    assert {budgets[i].label for i in seen} == SEES[name]
    decided = {
        budget_id
        for budget_id, b in budgets.items()
        if policy.visible(
            actor,
            RecordScope(
                region_id=1,
                region_path=b.region_path,
                administrations=frozenset({b.administration} if b.administration else ()),
            ),
        )
    }
    assert seen == decided  # the select and the policy's rule for one budget agree


async def test_budgets_narrow_by_year_fund_region_status_and_reapproval(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    async with sessionmaker() as session:
        superseded = await make_goal(session, region_code=CHENGDU, year=YEAR, status=GoalStatus.SUPERSEDED)
        in_force = await make_goal(session, region_code=YAAN, year=YEAR, status=GoalStatus.ISSUED)
        stale = await make_budget(
            session,
            region_code=CHENGDU,
            year=YEAR,
            status=BudgetStatus.APPROVED,
            approved_goal_id=superseded.id,
        )
        settled = await make_budget(
            session, region_code=YAAN, year=YEAR, status=BudgetStatus.APPROVED, approved_goal_id=in_force.id
        )
        draft = await make_budget(session, region_code=CHENGDU, year=YEAR + 1)
        pension = await make_budget(session, fund_code="RESIDENT_PENSION", region_code=CHENGDU, year=YEAR)
        await session.commit()
    finance = await make_actor(sessionmaker)

    async def ids(query: BudgetQuery) -> set[int | None]:
        async with sessionmaker() as session:
            return {b.id for b in (await session.exec(budgets_select(query, finance))).all()}

    assert await ids(BudgetQuery(year=YEAR + 1)) == {draft.id}
    assert await ids(BudgetQuery(status=BudgetStatus.APPROVED)) == {stale.id, settled.id}
    assert await ids(BudgetQuery(fund_type_code="RESIDENT_PENSION")) == {pension.id}
    assert await ids(BudgetQuery(region_code=CHENGDU, year=YEAR)) == {stale.id, pension.id}
    assert await ids(BudgetQuery(region_code=PROVINCE, include_descendants=True)) == {
        stale.id,
        settled.id,
        draft.id,
        pension.id,
    }
    # Art. 14: approved on a version since superseded — and every other budget, drafts included.
    assert await ids(BudgetQuery(goal_superseded=True)) == {stale.id}
    assert await ids(BudgetQuery(goal_superseded=False)) == {settled.id, draft.id, pension.id}
    assert await ids(BudgetQuery(goal_superseded=True, region_code=YAAN)) == set()
