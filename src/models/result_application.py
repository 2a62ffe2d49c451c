"""The evaluation-result application (评价结果应用, Art. 20): 「将绩效评价结果作为完善社会保险基金管理相关
政策、改进管理的重要依据，逐步在资金安排中应用绩效评价结果」. One record per pooling region × fund ×
evaluated year, resting on the evaluation of that year (the region's self-evaluation; for the province, also
the provincial evaluation), written by a finance body (the region's own, or the province's for any region),
with one or more uses. A use that changed next year's goal or budget links it, so that goal and budget list
the applications that changed them.
"""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import Versioned
from src.models.goal import decimal_field
from src.models.result_application_enums import (
    ApplicationKind,
    ResultApplicationEventKind,
    ResultApplicationStatus,
)
from src.models.types import ScaledDecimal, StrEnumType, UTCDateTime

__all__ = [
    "AMOUNT",
    "DESCRIPTION_MAX_LENGTH",
    "MAX_USES",
    "ApplicationKind",
    "ResultApplication",
    "ResultApplicationEventKind",
    "ResultApplicationStatus",
    "ResultApplicationUse",
    "UseInput",
]

AMOUNT = ScaledDecimal(16, 2)  # 万元 with two places, as the budget blocks print them
DESCRIPTION_MAX_LENGTH = 2000
MAX_USES = 20  # uses a record holds (the list field declares the same)


class ResultApplication(Versioned, table=True):
    """评价结果应用 of one fund's evaluation in one pooling region (Art. 20)."""

    __tablename__ = "result_application"
    __table_args__ = (sa.UniqueConstraint("region_id", "fund_type_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)  # the pooling region whose result it is
    # Where it was written (the region's finance, or the province's): a draft is read there only.
    author_region_id: int = Field(foreign_key="region.id")
    fund_type_id: int = Field(foreign_key="fund_type.id")
    year: int = Field(index=True)  # the budget year evaluated
    # What it rests on, found at creation: the region's self-evaluation of the fund and year when one
    # exists; for the province also its provincial evaluation (Art. 17).
    self_evaluation_id: int | None = Field(
        default=None, foreign_key="self_evaluation.id", ondelete="SET NULL"
    )
    provincial_evaluation_id: int | None = Field(
        default=None, foreign_key="provincial_evaluation.id", ondelete="SET NULL"
    )
    status: ResultApplicationStatus = Field(
        default=ResultApplicationStatus.DRAFT, sa_type=StrEnumType(ResultApplicationStatus)
    )
    organization_id: int = Field(foreign_key="organization.id")  # the finance body that writes it
    recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime())


class UseBase(SQLModel):
    kind: ApplicationKind = Field(sa_type=StrEnumType(ApplicationKind))
    description: str = Field(sa_type=sa.Text, min_length=1, max_length=DESCRIPTION_MAX_LENGTH)
    # Next year's goal (an annual goal of the same region and fund) and budget it changed.
    goal_id: int | None = Field(default=None, foreign_key="goal.id", index=True, ondelete="SET NULL")
    budget_id: int | None = Field(default=None, foreign_key="fund_budget.id", index=True, ondelete="SET NULL")
    amount: Decimal | None = decimal_field(AMOUNT, default=None, ge=0)  # FUND_ALLOCATION: 万元


class ResultApplicationUse(UseBase, table=True):
    """One use of the result (a kind, what was done, and what it changed)."""

    __tablename__ = "result_application_use"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="result_application.id", index=True, ondelete="CASCADE")
    sort_order: int = 0


class UseInput(UseBase):
    """A use as a caller gives it (checked: text, amount finite and in range, the links' ids)."""
