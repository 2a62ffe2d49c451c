"""Fund budgets (pooling region × fund × year) and their revenue, expenditure and balance lines."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import Versioned
from src.models.enums import BudgetItem, BudgetLineCategory, BudgetStatus
from src.models.types import Money, StrEnumType, UTCDateTime


class BudgetEventKind(StrEnum):
    BUDGET_APPROVED = "BUDGET_APPROVED"
    BUDGET_CHANGED = "BUDGET_CHANGED"  # a draft entered or its lines replaced (budgetCreate, budgetUpdate)


class FundBudget(Versioned, table=True):
    __tablename__ = "fund_budget"
    __table_args__ = (sa.UniqueConstraint("region_id", "fund_type_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    fund_type_id: int = Field(foreign_key="fund_type.id", index=True)
    year: int = Field(index=True)
    status: BudgetStatus = Field(default=BudgetStatus.DRAFT, sa_type=StrEnumType(BudgetStatus))
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    approved_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    # The goal version the approval rested on (Art. 7); once superseded, the budget needs re-approval.
    approved_goal_id: int | None = Field(default=None, foreign_key="goal.id", index=True)


class FundBudgetLineBase(SQLModel):
    category: BudgetLineCategory = Field(sa_type=StrEnumType(BudgetLineCategory))
    item: BudgetItem = Field(sa_type=StrEnumType(BudgetItem))
    initial_amount: Decimal = Field(sa_type=Money())  # 年初预算
    adjusted_amount: Decimal | None = Field(default=None, sa_type=Money())  # 调整后预算数
    sort_order: int = 0


class FundBudgetLine(FundBudgetLineBase, table=True):
    __tablename__ = "fund_budget_line"
    __table_args__ = (sa.UniqueConstraint("budget_id", "item"),)

    id: int | None = Field(default=None, primary_key=True)
    budget_id: int = Field(foreign_key="fund_budget.id", index=True, ondelete="CASCADE")
