"""Small builders for test data (the demo data set is tested on its own)."""

import itertools
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundBudgetLine, FundType, Goal, Indicator, Organization, Region, User
from src.models.enums import (
    BUDGET_ITEM_CATEGORY,
    ActorType,
    Administration,
    Aggregation,
    BudgetItem,
    BudgetStatus,
    Comparator,
    GoalHorizon,
    GoalStatus,
    IndicatorCategory,
    IndicatorKind,
    QualitativeGrade,
)
from src.models.monitoring import BudgetExecution, IndicatorActual
from src.services.actors import Actor, load_actor
from src.services.goals.issuing import record_issue
from src.services.rules import DEFINITION, RuleKey

# Art. 9: a goal's indicators cover every level-1 category, quantitative and qualitative, so a goal made with
# four indicators or more may be submitted as it is. The first is the quantitative OUTPUT one; DECISION
# indicators (policies made and adjusted) are the qualitative ones, as in the library.
# The province's indicator weight total (90, the Sichuan form): a factory goal's weights add up to it.
WEIGHT_TOTAL = Decimal(DEFINITION[RuleKey.INDICATOR_WEIGHT_TOTAL].default)
CATEGORIES = (
    (IndicatorCategory.OUTPUT, "数量"),
    (IndicatorCategory.BENEFIT, "社会效益"),
    (IndicatorCategory.PROCESS, "基金预算管理"),
    (IndicatorCategory.DECISION, "政策制定"),
)


async def region_id(session: AsyncSession, code: str) -> int:
    region = (await session.exec(select(Region).where(Region.code == code))).one()
    assert region.id is not None
    return region.id


async def fund_type_id(session: AsyncSession, code: str) -> int:
    fund = (await session.exec(select(FundType).where(FundType.code == code))).one()
    assert fund.id is not None
    return fund.id


async def make_goal(
    session: AsyncSession,
    *,
    fund_code: str = "EMPLOYEE_MEDICAL",
    region_code: str = "510100",
    year: int = 2026,
    horizon: GoalHorizon = GoalHorizon.ANNUAL,
    status: GoalStatus = GoalStatus.DRAFT,
    indicators: int = 4,
    overall_goal_id: int | None = None,
    parent_goal_id: int | None = None,
    version: int = 1,
    lineage_id: uuid.UUID | None = None,
    previous_version_id: int | None = None,
) -> Goal:
    """A goal with `indicators` indicators, by turns of each level-1 category (CATEGORIES); a later version of
    a goal takes its `lineage_id` (Art. 14)."""
    goal = Goal(
        title=f"{region_code} {year} {fund_code}",
        horizon=horizon,
        start_year=year,
        end_year=year if horizon == GoalHorizon.ANNUAL else year + 4,
        fund_type_id=await fund_type_id(session, fund_code),
        region_id=await region_id(session, region_code),
        status=status,
        overall_goal_id=overall_goal_id,
        parent_goal_id=parent_goal_id,
        version=version,
        previous_version_id=previous_version_id,
    )
    if lineage_id is not None:
        goal.lineage_id = lineage_id
    session.add(goal)
    await session.flush()
    assert goal.id is not None
    weight = (WEIGHT_TOTAL / indicators).quantize(Decimal("0.01")) if indicators else Decimal(0)
    for i in range(indicators):
        last = i == indicators - 1
        category, level2 = CATEGORIES[i % len(CATEGORIES)]
        qualitative = category == IndicatorCategory.DECISION
        session.add(
            Indicator(
                goal_id=goal.id,
                level1=category,
                level2=level2,
                level3=f"指标{i + 1}",
                kind=IndicatorKind.QUALITATIVE if qualitative else IndicatorKind.QUANTITATIVE,
                comparator=Comparator.GRADE if qualitative else Comparator.GE,
                target_value=None if qualitative else Decimal("95.5"),
                target_grade=QualitativeGrade.ACHIEVED if qualitative else None,
                unit="" if qualitative else "%",
                weight=WEIGHT_TOTAL - weight * (indicators - 1) if last else weight,
                sort_order=i,
            )
        )
    await session.flush()
    return goal


async def make_budget(
    session: AsyncSession,
    *,
    fund_code: str = "EMPLOYEE_MEDICAL",
    region_code: str = "510100",
    year: int = 2026,
    status: BudgetStatus = BudgetStatus.DRAFT,
    approved_goal_id: int | None = None,
) -> FundBudget:
    """A budget with every line; an approved one names the goal version it was approved on."""
    budget = FundBudget(
        region_id=await region_id(session, region_code),
        fund_type_id=await fund_type_id(session, fund_code),
        year=year,
        status=status,
        approved_goal_id=approved_goal_id,
    )
    session.add(budget)
    await session.flush()
    assert budget.id is not None
    for order, item in enumerate(BudgetItem):
        session.add(
            FundBudgetLine(
                budget_id=budget.id,
                category=BUDGET_ITEM_CATEGORY[item],
                item=item,
                initial_amount=Decimal("1000000.10") * (order + 1),
                adjusted_amount=Decimal("1234567.89") if item == BudgetItem.CONTRIBUTION else None,
                sort_order=order,
            )
        )
    await session.flush()
    return budget


_usernames = itertools.count(1)


async def make_user(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    actor_type: ActorType = ActorType.FINANCE,
    region_code: str = "510000",
    administration: Administration | None = None,
    is_admin: bool = False,
) -> User:
    """A user of the organization (actor type × region × administration), created if missing."""
    async with sessionmaker() as session:
        region = (await session.exec(select(Region).where(Region.code == region_code))).one()
        org = (
            await session.exec(
                select(Organization).where(
                    Organization.actor_type == actor_type,
                    Organization.region_id == region.id,
                    Organization.administration == administration,
                )
            )
        ).first()
        if org is None:
            org = Organization(
                name=f"{region.name}{actor_type.value}{administration or ''}",
                actor_type=actor_type,
                region_id=region.id or 0,
                administration=administration,
            )
            session.add(org)
            await session.flush()
        user = User(
            username=f"u{next(_usernames)}_{actor_type.value.lower()}_{region_code}",
            full_name="测试用户",
            organization_id=org.id or 0,
            is_admin=is_admin,
        )
        session.add(user)
        await session.commit()
        return user


async def make_actor(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    actor_type: ActorType = ActorType.FINANCE,
    region_code: str = "510000",
    administration: Administration | None = None,
    is_admin: bool = False,
) -> Actor:
    """A new user of the organization (make_user), loaded as the Actor the services take."""
    user = await make_user(
        sessionmaker,
        actor_type=actor_type,
        region_code=region_code,
        administration=administration,
        is_admin=is_admin,
    )
    async with sessionmaker() as session:
        actor = await load_actor(session=session, user_id=user.id or 0)
    assert actor is not None
    return actor


# When the goals the tests issue are issued: 5 March 2026, 10:00 in China (成文日期 2026年3月5日).
ISSUED_AT = datetime(2026, 3, 5, 2, tzinfo=UTC)


async def issue_goal(session: AsyncSession, goal: Goal, *, at: datetime = ISSUED_AT) -> str:
    """A goal made in force (ISSUED or ISSUED_GUIDING) numbered as goalIssue numbers it: by its region's
    finance body (which must be on record, make_user), at `at`; the number."""
    stmt = select(Organization.id).where(
        Organization.region_id == goal.region_id, Organization.actor_type == ActorType.FINANCE
    )
    body = (await session.exec(stmt)).one()
    assert body is not None
    return await record_issue(session, goal, organization_id=body, at=at)


async def make_indicator(
    session: AsyncSession,
    goal: Goal,
    *,
    level3: str = "参保人数",
    comparator: Comparator = Comparator.GE,
    aggregation: Aggregation = Aggregation.SUM,
    target_value: Decimal | None = Decimal(1200),
    kind: IndicatorKind = IndicatorKind.QUANTITATIVE,
    unit: str = "万人",
    weight: Decimal = Decimal(10),
    inherited_from_id: int | None = None,
) -> Indicator:
    """One indicator of `goal`, by what monitoring compares: comparator, aggregation and target."""
    qualitative = kind == IndicatorKind.QUALITATIVE
    indicator = Indicator(
        goal_id=goal.id or 0,
        level1=IndicatorCategory.DECISION if qualitative else IndicatorCategory.OUTPUT,
        level2="政策制定" if qualitative else "数量",
        level3=level3,
        kind=kind,
        comparator=Comparator.GRADE if qualitative else comparator,
        aggregation=Aggregation.NONE if qualitative else aggregation,
        target_value=None if qualitative else target_value,
        target_grade=QualitativeGrade.ACHIEVED if qualitative else None,
        unit="" if qualitative else unit,
        weight=weight,
        inherited_from_id=inherited_from_id,
    )
    session.add(indicator)
    await session.flush()
    return indicator


async def make_actual(
    session: AsyncSession,
    indicator: Indicator,
    *,
    month: int,
    by: Actor,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    grade: QualitativeGrade | None = None,
    region_code: str | None = None,
    entered_at: datetime | None = None,
) -> IndicatorActual:
    """An indicator's actual of 1-`month`月 as entered by `by` for its own region (or `region_code`: a part
    of the goal's pooling region), straight into the table (the entry service is tested on its own)."""
    goal = await session.get_one(Goal, indicator.goal_id)
    actual = IndicatorActual(
        goal_id=goal.id or 0,
        goal_lineage_id=goal.lineage_id,
        indicator_lineage_id=indicator.lineage_id,
        pooling_region_id=goal.region_id,
        region_id=await region_id(session, region_code) if region_code else by.region_id,
        fund_type_id=goal.fund_type_id,
        year=goal.start_year,
        month=month,
        value=value,
        numerator=numerator,
        denominator=denominator,
        grade=grade,
        organization_id=by.organization_id,
        user_id=by.user_id,
    )
    if entered_at is not None:
        actual.created_at = actual.updated_at = entered_at
    session.add(actual)
    await session.flush()
    return actual


async def make_execution(
    session: AsyncSession,
    budget: FundBudget,
    item: BudgetItem,
    *,
    month: int,
    amount: Decimal,
    by: Actor,
    region_code: str | None = None,
    entered_at: datetime | None = None,
) -> BudgetExecution:
    """A budget line's execution of 1-`month`月 as entered by `by` (or for `region_code`, a part)."""
    execution = BudgetExecution(
        budget_id=budget.id or 0,
        item=item,
        pooling_region_id=budget.region_id,
        region_id=await region_id(session, region_code) if region_code else by.region_id,
        fund_type_id=budget.fund_type_id,
        year=budget.year,
        month=month,
        amount=amount,
        organization_id=by.organization_id,
        user_id=by.user_id,
    )
    if entered_at is not None:
        execution.created_at = execution.updated_at = entered_at
    session.add(execution)
    await session.flush()
    return execution
