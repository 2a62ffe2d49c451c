"""Service tests of the goals (src/services/goals/), and the pattern the next domains' tests copy.

Layout. The tests mirror src: tests/services/<domain>/test_<module>.py tests src/services/<domain>/<module>.py
(goals: test_drafts, test_indicators, test_validation, test_units, test_tax, test_steps, test_workflow,
test_decomposition, test_decomposition_edits, test_cascade, test_reads; budgets: test_approval, test_reads).
A rule that runs through several modules gets a module of its own, named for the rule (test_target_values:
a negative target wherever one is entered). The API is tested in tests/schema; here the rules are, beside
it, without GraphQL.

Each test
- calls the service functions directly, with a session and an Actor. Actors are users of real
  organizations, loaded as the API loads them (`tests.factories.make_actor`; `Bodies`: one user of each body
  of a region — agency, reviewing administration, finance, tax — in tests/services/conftest.py);
- runs each call the way a mutation does: `act(sessionmaker, lambda s: service(session=s, ...))` commits
  when the call returns and rolls back when it raises (src/schema/transaction.py); a small function per
  service (`create(actor, data)`, `take(actor, goal_id, action, row_version)`) returns that call, so a
  test reads as who does what;
- asserts on what the call returns, on the rows in the database afterwards (a fresh session), and for a
  refusal on the error's type and code (src/services/errors.py: Forbidden, NotFound, ValidationFailed with
  its FieldProblems, InvalidTransition, PreconditionFailed, Conflict);
- checks that a refusal wrote nothing: `refused(sessionmaker, ErrorType, call)` compares every table before
  and after the call, so a stale row_version, a wrong actor or a broken rule leaves the database as it was;
- is named after the article of 《实施办法》 whose rule it checks (test_art7_…, test_art10_…, test_art14_…);
- runs on SQLite and PostgreSQL from an empty database (the `sessionmaker` fixture of tests/conftest.py);
  pure functions (steps, validation, the split) are tested without a database, once.

Data is made with tests/factories.py (make_goal, make_budget: a state put in place directly) or with the
services themselves when the test is about the way there. Shared fixtures of one domain go in its
conftest.py (as below); what every domain needs (reference data, a region's bodies, `act`, `refused`) is in
tests/services/conftest.py. The next domains (monitoring, evaluation, results) add
tests/services/<domain>/conftest.py with their own starting states (e.g. an issued goal with its budget) and
one test module per service module.

Here: a province-wide 2027 goal of employee medical insurance (pooled by prefecture, so it is decomposed to
the 21 prefectures), with an indicator of each level-1 category and both kinds (Art. 9) — a SUM indicator
(insured persons, 万人: the quantitative OUTPUT one), two percentages and a qualitative DECISION indicator —
and a 2027 budget for every prefecture so that the SUM splits by budget share: as a draft
(`province_draft`), reviewed and ready to issue (`ready_to_issue`), or issued as guiding (`issued_guiding`);
and helpers that read goals and take them through their steps.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, GoalTransition, Indicator, IndicatorCreate, Region
from src.models.enums import (
    Aggregation,
    Comparator,
    GoalStatus,
    IndicatorCategory,
    IndicatorKind,
    RegionLevel,
    TaxVerdict,
)
from src.services.actors import Actor
from src.services.goals import tax, workflow
from src.services.goals.steps import GoalAction
from tests.factories import make_budget, make_goal
from tests.services.conftest import PROVINCE, Bodies, Sessionmaker, act

YEAR = 2027
PREFECTURES = 21
COUNT = "年末参保人数"  # the SUM indicator: split by budget share (Art. 6)
COUNT_TARGET = Decimal(1000)
QUANTITATIVE = 3  # make_goal's OUTPUT (the count), BENEFIT and PROCESS indicators; DECISION is qualitative


@dataclass(frozen=True)
class ProvinceGoal:
    """The province-wide goal's id, its SUM indicator (insured persons, OUTPUT) and one of its percentages
    (BENEFIT)."""

    id: int
    count_id: int
    rate_id: int


async def prefecture_budgets(
    session: AsyncSession, year: int = YEAR, fund_code: str = "EMPLOYEE_MEDICAL"
) -> None:
    """A budget of the fund for every prefecture: the basis the SUM targets split by (equal shares)."""
    prefectures = (await session.exec(select(Region).where(Region.level == RegionLevel.PREFECTURE))).all()
    for region in prefectures:
        await make_budget(session, fund_code=fund_code, region_code=region.code, year=year)


async def make_province_goal(
    sessionmaker: Sessionmaker,
    *,
    status: GoalStatus = GoalStatus.DRAFT,
    budgets: bool = True,
    fund_code: str = "EMPLOYEE_MEDICAL",
) -> ProvinceGoal:
    """The province-wide 2027 goal in `status`, put in place directly: make_goal's four indicators of 22.50
    each, one of each level-1 category (Art. 9) — the quantitative OUTPUT one made the count, ≥ 1000 万人 that
    adds up over the regions, then BENEFIT and PROCESS ≥ 95.5 % and the qualitative DECISION one (ACHIEVED);
    past the draft, the tax department's concurrence on its content is recorded as the workflow would
    have."""
    async with sessionmaker() as session:
        goal = await make_goal(session, fund_code=fund_code, region_code=PROVINCE, year=YEAR, status=status)
        indicators = (
            await session.exec(
                select(Indicator).where(Indicator.goal_id == goal.id).order_by(col(Indicator.sort_order))
            )
        ).all()
        # The count is the OUTPUT indicator (产出: 数量, Art. 9 (三)), quantitative; the DECISION one stays
        # qualitative so that the goal keeps both kinds.
        count, rate = indicators[0], indicators[1]
        assert count.level1 == IndicatorCategory.OUTPUT and count.kind == IndicatorKind.QUANTITATIVE
        count.level3, count.unit, count.target_value = COUNT, "万人", COUNT_TARGET
        count.aggregation = Aggregation.SUM
        session.add(count)
        if status not in (GoalStatus.DRAFT, GoalStatus.RETURNED):
            goal.tax_concurred_revision = goal.content_revision
            session.add(goal)
        if budgets:
            await prefecture_budgets(session, fund_code=fund_code)
        await session.commit()
        return ProvinceGoal(id=goal.id or 0, count_id=count.id or 0, rate_id=rate.id or 0)


@pytest.fixture
async def province_draft(sessionmaker: Sessionmaker, reference: None) -> ProvinceGoal:
    """The province-wide goal as a draft, not yet concurred with; every prefecture has its budget."""
    return await make_province_goal(sessionmaker)


@pytest.fixture
async def ready_to_issue(sessionmaker: Sessionmaker, reference: None) -> ProvinceGoal:
    """The province-wide goal reviewed by finance, its decomposition table complete: ready to issue."""
    return await make_province_goal(sessionmaker, status=GoalStatus.REVIEWED)


@pytest.fixture
async def issued_guiding(
    sessionmaker: Sessionmaker, province: Bodies, ready_to_issue: ProvinceGoal
) -> ProvinceGoal:
    """The province-wide goal issued as guiding by the province's finance (Art. 10): handed down, every
    prefecture has a DRAFT goal with the province's indicators (src/services/goals/cascade.py)."""
    await step(sessionmaker, province.finance, ready_to_issue.id, GoalAction.ISSUE_GUIDING)
    return ready_to_issue


def new_indicator(**changes: Any) -> IndicatorCreate:
    """What an agency gives for an indicator of its own: a count, ≥ 120 万人次, weight 5 (with `changes`)."""
    values: dict[str, Any] = {
        "level1": IndicatorCategory.OUTPUT,
        "level2": " 数量 ",
        "level3": " 年度新增参保人次 ",
        "kind": IndicatorKind.QUANTITATIVE,
        "comparator": Comparator.GE,
        "unit": "万人次",
        "weight": Decimal(5),
        "target_value": Decimal(120),
    }
    return IndicatorCreate.model_validate({**values, **changes})


# --- reading and moving goals -------------------------------------------------------------------------------


async def goal_row(sessionmaker: Sessionmaker, goal_id: int) -> Goal:
    async with sessionmaker() as session:
        goal = await session.get(Goal, goal_id)
    assert goal is not None
    return goal


async def indicators_of(sessionmaker: Sessionmaker, goal_id: int) -> list[Indicator]:
    async with sessionmaker() as session:
        stmt = select(Indicator).where(Indicator.goal_id == goal_id).order_by(col(Indicator.sort_order))
        return list((await session.exec(stmt)).all())


async def children_of(sessionmaker: Sessionmaker, parent_id: int) -> dict[str, Goal]:
    """The pooling regions' goals decomposed from `parent_id`, by region code."""
    async with sessionmaker() as session:
        stmt = select(Region.code, Goal).join(Region, col(Region.id) == Goal.region_id)
        rows = (await session.exec(stmt.where(Goal.parent_goal_id == parent_id))).all()
    return {code: goal for code, goal in rows}


async def transitions_of(sessionmaker: Sessionmaker, goal_id: int) -> list[GoalTransition]:
    async with sessionmaker() as session:
        stmt = select(GoalTransition).where(GoalTransition.goal_id == goal_id)
        return list((await session.exec(stmt.order_by(col(GoalTransition.id)))).all())


async def step(sessionmaker: Sessionmaker, actor: Actor, goal_id: int, action: GoalAction) -> Goal:
    """One forward step by `actor` on the goal as it now is (its current row_version), committed."""
    current = await goal_row(sessionmaker, goal_id)
    return await act(
        sessionmaker,
        lambda s: workflow.transition(
            session=s, actor=actor, goal_id=goal_id, row_version=current.row_version, action=action
        ),
    )


async def concur(sessionmaker: Sessionmaker, actor: Actor, goal_id: int) -> Goal:
    """The tax department concurs with the goal as it now is (Art. 7)."""
    current = await goal_row(sessionmaker, goal_id)
    return await act(
        sessionmaker,
        lambda s: tax.record_opinion(
            session=s,
            actor=actor,
            goal_id=goal_id,
            row_version=current.row_version,
            verdict=TaxVerdict.CONCUR,
            opinion=None,
        ),
    )


async def through_review(sessionmaker: Sessionmaker, bodies: Bodies, goal_id: int) -> Goal:
    """Tax concurrence, submission, preliminary review and review by the region's bodies."""
    await concur(sessionmaker, bodies.tax, goal_id)
    await step(sessionmaker, bodies.agency, goal_id, GoalAction.SUBMIT)
    await step(sessionmaker, bodies.reviewer, goal_id, GoalAction.PRELIMINARY_REVIEW)
    return await step(sessionmaker, bodies.finance, goal_id, GoalAction.REVIEW)
