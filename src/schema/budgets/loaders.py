"""The DataLoaders of budgets (src/schema/loaders.py makes them per request)."""

from strawberry.dataloader import DataLoader

from src.models import FundBudget, FundBudgetLine
from src.schema.loaders import Sessionmaker, loader, many_by, many_by_tuple


@loader
def budget_lines(sessionmaker: Sessionmaker) -> DataLoader[int, list[FundBudgetLine]]:
    # Unbounded in SQL: a budget has one line per item (unique), so at most len(BudgetItem).
    return many_by(sessionmaker, FundBudgetLine, FundBudgetLine.budget_id, [FundBudgetLine.sort_order])


@loader
def budgets_by_scope(sessionmaker: Sessionmaker) -> DataLoader[tuple[int, int, int], list[FundBudget]]:
    return many_by_tuple(
        sessionmaker, FundBudget, [FundBudget.region_id, FundBudget.fund_type_id, FundBudget.year]
    )
