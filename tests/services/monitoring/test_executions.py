"""Recording budget execution (Art. 5, 6, 12): by the parts of the pooling region, the contribution line
also by the tax department; an approved budget's own lines; money to the cent; corrections with a reason."""

from decimal import Decimal

from sqlmodel import select

from src.db import session_scope
from src.models import AuditEvent, FundBudget
from src.models.enums import BudgetItem, BudgetStatus
from src.services.errors import ErrorCode, Forbidden, NotFound, ValidationFailed
from src.services.monitoring.entry_rows import ExecutionRow
from tests.services.conftest import Sessionmaker, act, refused
from tests.services.monitoring.entry_world import World, agency, execute, stored_executions


def line(world: World, item: BudgetItem, month: int, amount: str | None, **extra: object) -> ExecutionRow:
    value = Decimal(amount) if amount is not None else None
    return ExecutionRow(budget_id=world.budget_id, item=item, month=month, amount=value, **extra)  # type: ignore[arg-type]


async def test_art12_a_county_enters_its_execution_by_line_and_month(
    sessionmaker: Sessionmaker, world: World
) -> None:
    rows = [
        line(world, BudgetItem.CONTRIBUTION, 6, "1234567.8"),
        line(world, BudgetItem.BENEFITS, 6, "987654.32"),
        line(world, BudgetItem.ACCUMULATED_BALANCE, 6, "-1000"),
    ]
    recorded = await act(sessionmaker, execute(world.jinjiang.agency, rows))
    assert recorded.created == 3
    stored = await stored_executions(sessionmaker)
    assert [(e.item, e.amount) for e in stored] == [
        (BudgetItem.CONTRIBUTION, Decimal("1234567.80")),
        (BudgetItem.BENEFITS, Decimal("987654.32")),
        (BudgetItem.ACCUMULATED_BALANCE, Decimal("-1000.00")),
    ]
    assert {e.region_id for e in stored} == {world.jinjiang.agency.region_id}


async def test_art6_the_pooling_region_does_not_enter_the_sum_of_its_counties(
    sessionmaker: Sessionmaker, world: World
) -> None:
    error = await refused(
        sessionmaker, Forbidden, execute(world.chengdu.agency, [line(world, BudgetItem.BENEFITS, 1, "1")])
    )
    assert "各县（市、区）" in error.message


async def test_art5_the_tax_department_enters_the_contributions_it_collects(
    sessionmaker: Sessionmaker, world: World
) -> None:
    tax = world.jinjiang.tax
    assert (
        await act(sessionmaker, execute(tax, [line(world, BudgetItem.CONTRIBUTION, 3, "100")]))
    ).created == 1
    error = await refused(sessionmaker, Forbidden, execute(tax, [line(world, BudgetItem.BENEFITS, 3, "100")]))
    assert "经办机构" in error.message
    # The finance bureau enters neither.
    await refused(
        sessionmaker,
        Forbidden,
        execute(world.jinjiang.finance, [line(world, BudgetItem.CONTRIBUTION, 3, "1")]),
    )


async def test_art7_only_an_approved_budgets_lines_take_execution(
    sessionmaker: Sessionmaker, world: World
) -> None:
    async with session_scope(sessionmaker) as session:
        budget = await session.get(FundBudget, world.budget_id)
        assert budget is not None
        budget.status = BudgetStatus.DRAFT
        session.add(budget)
    error = await refused(
        sessionmaker,
        ValidationFailed,
        execute(world.jinjiang.agency, [line(world, BudgetItem.BENEFITS, 1, "1")]),
    )
    assert [(p.field, p.code) for p in error.problems] == [
        ("input.rows.0.budgetId", ErrorCode.PRECONDITION_FAILED)
    ]


async def test_art12_a_bad_row_stores_nothing_of_the_batch(sessionmaker: Sessionmaker, world: World) -> None:
    rows = [
        line(world, BudgetItem.CONTRIBUTION, 1, "10"),
        line(world, BudgetItem.BENEFITS, 1, "-10"),
        line(world, BudgetItem.CONTRIBUTION, 1, "11"),
        line(world, BudgetItem.OTHER_EXPENDITURE, 8, "1.005"),
    ]
    error = await refused(sessionmaker, ValidationFailed, execute(world.jinjiang.agency, rows))
    assert [(p.field, p.code) for p in error.problems] == [
        ("input.rows.1.amount", ErrorCode.OUT_OF_RANGE),
        ("input.rows.2.month", ErrorCode.DUPLICATE),
        ("input.rows.3.amount", ErrorCode.OUT_OF_RANGE),
        ("input.rows.3.month", ErrorCode.OUT_OF_RANGE),
    ]


async def test_art14_a_corrected_amount_needs_a_reason_and_is_audited(
    sessionmaker: Sessionmaker, world: World
) -> None:
    county = world.jinjiang.agency
    await act(sessionmaker, execute(county, [line(world, BudgetItem.BENEFITS, 2, "100")]))
    changed = [line(world, BudgetItem.BENEFITS, 2, "120")]
    error = await refused(sessionmaker, ValidationFailed, execute(county, changed))
    assert error.problems[0].field == "input.reason"
    recorded = await act(sessionmaker, execute(county, changed, reason="退费冲减更正"))
    assert recorded.corrected == 1 and recorded.rows[0].row_version == 2
    async with sessionmaker() as session:
        audit = (
            await session.exec(select(AuditEvent).where(AuditEvent.operation == "executionRecord"))
        ).all()
    assert audit[-1].changes["amount"] == {"before": "100.00", "after": "120.00"}
    assert audit[-1].changes["reason"]["after"] == "退费冲减更正"


async def test_art12_a_budget_of_another_prefecture_is_absent(
    sessionmaker: Sessionmaker, world: World
) -> None:
    stranger = await agency(sessionmaker, "510302")
    await refused(sessionmaker, NotFound, execute(stranger, [line(world, BudgetItem.BENEFITS, 1, "1")]))
