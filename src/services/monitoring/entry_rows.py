"""What one entry row holds as the services take it (from the GraphQL inputs or an uploaded sheet's rows),
and what recording a batch of them answers."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, TypeVar

from src.models.enums import BudgetItem, QualitativeGrade
from src.models.monitoring import BudgetExecution, CompletionLikelihood, IndicatorActual

# The texts of an actual row (FORMS §3): 全年预计完成情况, the five 偏差原因 and 备注.
TEXT_FIELDS = (
    "forecast",
    "cause_funding",
    "cause_system",
    "cause_staffing",
    "cause_hardware",
    "cause_other",
    "remark",
)
TEXT_LABELS = {
    "forecast": "全年预计完成情况",
    "cause_funding": "偏差原因（经费保障）",
    "cause_system": "偏差原因（制度保障）",
    "cause_staffing": "偏差原因（人员保障）",
    "cause_hardware": "偏差原因（硬件条件保障）",
    "cause_other": "偏差原因（其他）",
    "remark": "备注",
}


@dataclass(frozen=True)
class ActualRow:
    """One indicator's actual to the end of `month` (cumulative 1-N月), as the entering region gives it.
    The indicator is named by any version's id: the entry is kept by its lineage, under the goal in force."""

    indicator_id: int
    month: int
    value: Decimal | None = None  # quantitative, not a rate
    numerator: Decimal | None = None  # a rate (aggregation RATE): both parts, the value is computed
    denominator: Decimal | None = None
    grade: QualitativeGrade | None = None  # qualitative
    forecast: str = ""
    cause_funding: str = ""
    cause_system: str = ""
    cause_staffing: str = ""
    cause_hardware: str = ""
    cause_other: str = ""
    likelihood: CompletionLikelihood | None = None
    remark: str = ""
    row_version: int | None = None  # a correction may name the version it read (else: the current one)


@dataclass(frozen=True)
class ExecutionRow:
    """One budget line's execution to the end of `month`, in yuan (None: left empty, refused)."""

    budget_id: int
    item: BudgetItem
    month: int
    amount: Decimal | None
    row_version: int | None = None


R = TypeVar("R", IndicatorActual, BudgetExecution)


@dataclass
class Recorded(Generic[R]):
    """What a batch did: every row it named as now stored (in the order given), and how many were new,
    corrected, or given unchanged (nothing written for those)."""

    rows: list[R] = field(default_factory=list)
    created: int = 0
    corrected: int = 0
    unchanged: int = 0
