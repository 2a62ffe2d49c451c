"""Fund budgets as a subject (Art. 7): seen as their region and fund's records; they announce approval."""

from src.models import FundBudget
from src.models.budget import BudgetEventKind
from src.services.budgets.scope import budget_scope, visible_budgets_clause
from src.subjects.registry import Registry, SubjectSpec


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name="FundBudget",
            model=FundBudget,
            label="基金预算",
            scope=budget_scope,
            clause=visible_budgets_clause,
            event_kinds=BudgetEventKind,
            event_labels={
                BudgetEventKind.BUDGET_APPROVED: "基金预算批复",
                BudgetEventKind.BUDGET_CHANGED: "基金预算编制",
            },
        )
    )
