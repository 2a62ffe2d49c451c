"""The monitoring entry sheet's layout (FORMS §3, 绩效运行监控表, one row per indicator or budget line and
month): its sheets and columns, shared by what draws it (xlsx_write.py) and what reads it back
(xlsx_read.py), so that a downloaded sheet uploads unchanged.

Each column is a key (which entry the row is), information (printed for the reader, not read back), or an
entry (read back and checked). A row whose entry cells are all empty is not an entry: the sheet lists every
month that has ended, and only the rows filled in are recorded.
"""

from dataclasses import dataclass
from enum import StrEnum

from src.models.enums import BudgetItem, QualitativeGrade, label_zh
from src.models.monitoring import CompletionLikelihood


class Role(StrEnum):
    KEY = "KEY"  # read back: which entry (an id, the month)
    INFO = "INFO"  # printed only
    ENTRY = "ENTRY"  # read back and recorded


class Kind(StrEnum):
    ID = "ID"  # a positive whole number
    MONTH = "MONTH"
    NUMBER = "NUMBER"
    MONEY = "MONEY"
    TEXT = "TEXT"
    GRADE = "GRADE"  # 达成 / 部分达成 / 未达成
    LIKELIHOOD = "LIKELIHOOD"  # 确定能 / 有可能 / 完全不可能
    VERSION = "VERSION"  # the row version read (a correction of a row changed meanwhile is refused)


@dataclass(frozen=True)
class Column:
    field: str  # the service's field (ActualRow / ExecutionRow) or the context's key for INFO
    header: str
    role: Role
    kind: Kind = Kind.TEXT
    width: int = 12

    @property
    def api_name(self) -> str:
        head, *rest = self.field.split("_")
        return head + "".join(part.title() for part in rest)


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]

    def letter(self, field: str) -> str:
        """The column letter of a field (by its service or API name)."""
        for position, column in enumerate(self.columns, start=1):
            if field in (column.field, column.api_name):
                return column_letter(position)
        raise KeyError(field)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)


def column_letter(position: int) -> str:
    """A 1-based column position as Excel names it (1 → A, 27 → AA); openpyxl's, without importing it."""
    letters = ""
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


K, N, E = Role.KEY, Role.INFO, Role.ENTRY  # key, note (printed only), entry
ACTUALS = Sheet(
    "绩效指标",
    (
        Column("indicator_id", "指标编号（勿改）", K, Kind.ID, 10),
        Column("month", "月份（1-N月）", K, Kind.MONTH, 8),
        Column("level1", "一级指标", N, width=8),
        Column("level2", "二级指标", N, width=12),
        Column("level3", "三级指标", N, width=24),
        Column("comparator", "指标性质", N, width=8),
        Column("target", "年度指标值", N, width=10),
        Column("unit", "计量单位", N, width=8),
        Column("parts", "比率的分子 / 分母", N, width=24),
        Column("value", "完成值（1-N月累计）", E, Kind.NUMBER, 14),
        Column("numerator", "分子", E, Kind.NUMBER, 14),
        Column("denominator", "分母", E, Kind.NUMBER, 14),
        Column("rate_value", "比率（由分子、分母计算）", N, Kind.NUMBER, 12),
        Column("grade", "完成等级（定性）", E, Kind.GRADE, 12),
        Column("forecast", "全年预计完成情况", E, Kind.TEXT, 20),
        Column("cause_funding", "偏差原因：经费保障", E, Kind.TEXT, 16),
        Column("cause_system", "偏差原因：制度保障", E, Kind.TEXT, 16),
        Column("cause_staffing", "偏差原因：人员保障", E, Kind.TEXT, 16),
        Column("cause_hardware", "偏差原因：硬件条件保障", E, Kind.TEXT, 16),
        Column("cause_other", "偏差原因：其他", E, Kind.TEXT, 16),
        Column("likelihood", "完成目标可能性", E, Kind.LIKELIHOOD, 12),
        Column("remark", "备注", E, Kind.TEXT, 20),
        Column("row_version", "行版本（勿改）", K, Kind.VERSION, 8),
    ),
)
EXECUTIONS = Sheet(
    "预算执行",
    (
        Column("budget_id", "预算编号（勿改）", K, Kind.ID, 10),
        Column("month", "月份（1-N月）", K, Kind.MONTH, 8),
        Column("category", "收支类别", N, width=8),
        Column("item", "预算科目", K, Kind.TEXT, 18),
        Column("initial", "年初预算（元）", N, Kind.MONEY, 18),
        Column("adjusted", "调整后预算（元）", N, Kind.MONEY, 18),
        Column("amount", "执行数（元，1-N月累计；结余为月末数）", E, Kind.MONEY, 20),
        Column("row_version", "行版本（勿改）", K, Kind.VERSION, 8),
    ),
)
SHEETS = (ACTUALS, EXECUTIONS)
NOTES_TITLE = "填报说明"

GRADES = {label_zh(grade): grade for grade in QualitativeGrade}
LIKELIHOODS = {label_zh(likelihood): likelihood for likelihood in CompletionLikelihood}
ITEMS = {label_zh(item): item for item in BudgetItem}


def entry_columns(sheet: Sheet) -> list[Column]:
    return [column for column in sheet.columns if column.role == Role.ENTRY]
