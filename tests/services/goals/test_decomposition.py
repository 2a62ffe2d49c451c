"""src/services/goals/decomposition.py: the decomposition table of a province-wide goal (Art. 6 「分解下达至
统筹地区」). SUM targets split by each pooling region's share of the fund's expenditure budget and add up
exactly; RATE and NONE targets take the province's value; a cell set by hand replaces its default; issuing
is refused while a cell is empty or a sum is off."""

from decimal import Decimal

import pytest
from sqlmodel import col, select

from src.models import FundBudget, FundBudgetLine, GoalDecompositionTarget, Region
from src.models.enums import BudgetItem, GoalStatus, RegionLevel
from src.services.errors import GoalErrorCode, PreconditionFailed
from src.services.goals.decomposition import (
    SHARE_BASIS,
    DecompositionTable,
    build_table,
    pooling_regions_below,
    quantum_of,
    require_complete,
    split,
)
from tests.factories import make_goal, region_id
from tests.services.conftest import CHENGDU, YAAN, Sessionmaker
from tests.services.goals.conftest import (
    COUNT,
    COUNT_TARGET,
    PREFECTURES,
    QUANTITATIVE,
    YEAR,
    ProvinceGoal,
    goal_row,
    make_province_goal,
)

# --- the split (pure) ---------------------------------------------------------------------------------------


def test_art6_a_split_rounds_down_and_gives_the_rest_to_the_largest_remainders() -> None:
    # 100 over 1 : 1 : 1 — 33.333… each; 0.01 left: to the first of the equal remainders.
    assert split(Decimal(100), {1: Decimal(1), 2: Decimal(1), 3: Decimal(1)}, [1, 2, 3]) == {
        1: Decimal("33.34"),
        2: Decimal("33.33"),
        3: Decimal("33.33"),
    }
    # 10 over 1 : 2 : 4 — 1.428…, 2.857…, 5.714…: 1.42 + 2.85 + 5.71 leaves two cents, for the two largest
    # remainders (0.00857…, 0.00714…), not for the largest share.
    parts = split(Decimal(10), {1: Decimal(1), 2: Decimal(2), 3: Decimal(4)}, [1, 2, 3])
    assert parts == {1: Decimal("1.43"), 2: Decimal("2.86"), 3: Decimal("5.71")}
    assert sum(parts.values()) == Decimal(10)


@pytest.mark.parametrize(
    ("target", "quantum"),
    [
        (Decimal(1000), Decimal("0.01")),
        (Decimal("95.5"), Decimal("0.01")),
        (Decimal("12.345"), Decimal("0.001")),  # the province target's own finer places
        (Decimal("1.1234"), Decimal("0.0001")),  # the most a target has (the column's four places)
    ],
)
def test_art6_targets_split_to_cents_or_the_provinces_finer_places(target: Decimal, quantum: Decimal) -> None:
    assert quantum_of(target) == quantum
    parts = split(target, dict.fromkeys(range(7), Decimal(1)), list(range(7)))
    assert sum(parts.values()) == target and all(p == p.quantize(quantum) for p in parts.values())


# --- the table --------------------------------------------------------------------------------------------


async def table_of(sessionmaker: Sessionmaker, goal_id: int) -> DecompositionTable | None:
    async with sessionmaker() as session:
        goal = await goal_row(sessionmaker, goal_id)
        return await build_table(session, goal)


def row_of(table: DecompositionTable | None, indicator_id: int) -> dict[str, Decimal | None]:
    assert table is not None
    [row] = [r for r in table.rows if r.indicator.id == indicator_id]
    return {cell.region.code: cell.target_value for cell in row.cells}


async def test_art6_a_province_wide_goal_splits_over_the_prefectures(
    sessionmaker: Sessionmaker, province_draft: ProvinceGoal
) -> None:
    async with sessionmaker() as session:
        goal = await goal_row(sessionmaker, province_draft.id)
        regions = await pooling_regions_below(session, goal)
        prefectures = (
            await session.exec(
                select(Region.code).where(Region.level == RegionLevel.PREFECTURE).order_by(col(Region.code))
            )
        ).all()
    assert regions is not None and [r.code for r in regions] == list(prefectures)
    assert len(prefectures) == PREFECTURES


async def test_art6_sum_targets_split_by_budget_share_and_add_up(
    sessionmaker: Sessionmaker, province_draft: ProvinceGoal
) -> None:
    table = await table_of(sessionmaker, province_draft.id)
    assert table is not None and table.complete and table.share_basis == SHARE_BASIS
    [count] = [r for r in table.rows if r.indicator.id == province_draft.count_id]
    assert count.indicator.level3 == COUNT and count.total == COUNT_TARGET
    # Equal budgets: 1000 / 21 = 47.619…; rounded down to 47.61, the 19 cents left to the first 19 codes.
    values = [cell.target_value for cell in count.cells]
    assert values == [Decimal("47.62")] * 19 + [Decimal("47.61")] * 2
    assert {cell.share for cell in count.cells} == {Decimal("0.047619")}
    assert not any(cell.edited for cell in count.cells)


async def test_art6_the_share_is_of_the_adjusted_expenditure_budget(
    sessionmaker: Sessionmaker, province_draft: ProvinceGoal
) -> None:
    """Each region's expenditure lines count as adjusted where adjusted, else as first budgeted."""
    async with sessionmaker() as session:
        chengdu = await region_id(session, CHENGDU)
        lines = (
            await session.exec(
                select(FundBudgetLine)
                .join(FundBudget, col(FundBudget.id) == FundBudgetLine.budget_id)
                .where(FundBudget.region_id == chengdu, FundBudget.year == YEAR)
            )
        ).all()
        expenditure = {line.item: line.initial_amount for line in lines if line.adjusted_amount is None}
        rest = expenditure[BudgetItem.TRANSFER_OUT] + expenditure[BudgetItem.OTHER_EXPENDITURE]
        benefits = next(line for line in lines if line.item == BudgetItem.BENEFITS)
        # 成都市 then spends as much as the other 20 prefectures together.
        benefits.adjusted_amount = (benefits.initial_amount + rest) * (PREFECTURES - 1) - rest
        session.add(benefits)
        await session.commit()
    cells = row_of(await table_of(sessionmaker, province_draft.id), province_draft.count_id)
    assert cells[CHENGDU] == Decimal(500)
    assert sum(v or 0 for v in cells.values()) == COUNT_TARGET


async def test_art6_rate_targets_take_the_provinces_value(
    sessionmaker: Sessionmaker, province_draft: ProvinceGoal
) -> None:
    table = await table_of(sessionmaker, province_draft.id)
    assert table is not None and len(table.rows) == QUANTITATIVE  # every quantitative indicator has a row
    [rate] = [r for r in table.rows if r.indicator.id == province_draft.rate_id]
    assert {cell.target_value for cell in rate.cells} == {Decimal("95.5")}
    assert {cell.share for cell in rate.cells} == {None} and rate.total == Decimal("95.5") * PREFECTURES


async def test_art6_a_cell_set_by_hand_replaces_its_default_and_the_sum_must_hold(
    sessionmaker: Sessionmaker, province_draft: ProvinceGoal
) -> None:
    async with sessionmaker() as session:
        session.add(
            GoalDecompositionTarget(
                goal_id=province_draft.id,
                indicator_id=province_draft.count_id,
                region_id=await region_id(session, CHENGDU),
                target_value=Decimal(100),
            )
        )
        await session.commit()
    table = await table_of(sessionmaker, province_draft.id)
    assert table is not None
    [count] = [r for r in table.rows if r.indicator.id == province_draft.count_id]
    [chengdu] = [c for c in count.cells if c.region.code == CHENGDU]
    assert (chengdu.target_value, chengdu.default_value, chengdu.edited) == (
        Decimal(100),
        Decimal("47.62"),
        True,
    )
    assert table.problems == ["“年末参保人数”各统筹地区目标值合计 1052.38，与全省目标值 1000 不一致"]
    async with sessionmaker() as session:
        with pytest.raises(PreconditionFailed) as refusal:
            await require_complete(session, await goal_row(sessionmaker, province_draft.id))
    assert refusal.value.code == GoalErrorCode.DECOMPOSITION_INCOMPLETE
    assert "第六条" in refusal.value.message and "1052.38" in refusal.value.message


async def test_art6_without_every_regions_budget_the_sum_cells_are_empty(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    goal = await make_province_goal(sessionmaker, status=GoalStatus.REVIEWED)
    async with sessionmaker() as session:  # 雅安市 has no budget for the year
        budget = (
            await session.exec(
                select(FundBudget).where(FundBudget.region_id == await region_id(session, YAAN))
            )
        ).one()
        await session.delete(budget)
        await session.commit()
    table = await table_of(sessionmaker, goal.id)
    assert table is not None and table.share_basis is None and not table.complete
    assert set(row_of(table, goal.count_id).values()) == {None}
    assert set(row_of(table, goal.rate_id).values()) == {Decimal("95.5")}  # rates need no budget
    assert len(table.problems) == 1 and table.problems[0].startswith("“年末参保人数”尚未填写成都市、自贡市、")
    async with sessionmaker() as session:
        with pytest.raises(PreconditionFailed) as refusal:
            await require_complete(session, await goal_row(sessionmaker, goal.id))
    assert refusal.value.code == GoalErrorCode.DECOMPOSITION_INCOMPLETE


async def test_art6_no_table_where_the_province_pools_the_fund_or_for_a_regions_goal(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    work_injury = await make_province_goal(sessionmaker, fund_code="WORK_INJURY", budgets=False)
    async with sessionmaker() as session:
        chengdu = await make_goal(session, region_code=CHENGDU, year=YEAR)
        await session.commit()
    for goal_id in (work_injury.id, chengdu.id or 0):
        assert await table_of(sessionmaker, goal_id) is None
        async with sessionmaker() as session:
            assert await require_complete(session, await goal_row(sessionmaker, goal_id)) is None
