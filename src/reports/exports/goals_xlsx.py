"""Writing the year's goals export (goals_rows.py) as XLSX in openpyxl's write-only mode: one sheet per fund
(its Chinese name), a frozen header row of Chinese headers, an indicator a row, targets and weights as
numbers with a format of as many places as the value has, and set column widths. Write-only rows go to the
sheet's temporary file as they are appended, so memory does not grow with the rows."""

import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from src.models.enums import IndicatorKind, label_zh
from src.reports.contexts.goal_rows import DIRECTION
from src.reports.exports.goals_rows import Fund, IndicatorRow

# (header, width in characters): what the goal table prints of an indicator (FORMS.md §1D), with its goal.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("地区代码", 10),
    ("地区", 14),
    ("目标名称", 40),
    ("目标类型", 10),
    ("状态", 12),
    ("文号", 20),
    ("一级指标", 10),
    ("二级指标", 18),
    ("三级指标", 36),
    ("指标性质", 10),
    ("比较方式", 10),
    ("指标值", 16),
    ("计量单位", 10),
    ("权重", 8),
    ("指标方向", 10),
)
TARGET_COLUMN = 11  # 0-based: 指标值
SHEET_NAME_MAX = 31  # Excel's limit
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center")


def number_format(value: Decimal) -> str:
    """As many decimal places as the value has (stored with 4: 9.5000 shows 9.5, 100.0000 shows 100)."""
    places = max(0, -int(value.normalize().as_tuple().exponent))
    return "#,##0" if places == 0 else "#,##0." + "0" * places


def sheet_name(name: str, taken: set[str]) -> str:
    """The fund's name as Excel takes a sheet's: no []:*?/\\, at most 31 characters, unique."""
    base = _NOT_IN_SHEET_NAMES.sub("_", name).strip("'")[:SHEET_NAME_MAX] or "基金"
    found, n = base, 2
    while found in taken:
        suffix = f"({n})"
        found, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    taken.add(found)
    return found


def _text(value: str | None) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if value else ""


class GoalsWorkbook:
    """The export's workbook, written to `path`: `append` partitions of rows, then `close`."""

    def __init__(self, path: Path, funds: Sequence[Fund]) -> None:
        self.path = path
        self.book = Workbook(write_only=True)
        self.sheets: dict[int, WriteOnlyWorksheet] = {}
        taken: set[str] = set()
        for fund in funds or [Fund(0, "无可查看的基金")]:
            sheet = self.book.create_sheet(sheet_name(fund.name, taken))
            self.sheets[fund.id] = sheet
            self._start(sheet)

    def _start(self, sheet: WriteOnlyWorksheet) -> None:
        # Write-only: panes and widths are set before the first row is written.
        sheet.freeze_panes = "A2"
        for index, (_, width) in enumerate(COLUMNS):
            dimensions: Any = sheet.column_dimensions  # type: ignore[attr-defined]  # write-only has them
            dimensions[_letter(index)].width = width
        header = []
        for title, _ in COLUMNS:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
            header.append(cell)
        sheet.append(header)

    def _number(self, sheet: WriteOnlyWorksheet, value: Decimal) -> Cell:
        cell = WriteOnlyCell(sheet)
        cell.value = value  # a Decimal is written as it is stored (openpyxl's stubs say float)
        cell.number_format = number_format(value)
        return cell

    def append(self, rows: Sequence[IndicatorRow]) -> None:
        for row in rows:
            sheet = self.sheets[row.fund_type_id]
            target: Any
            if row.kind == IndicatorKind.QUANTITATIVE:
                target = self._number(sheet, row.target_value) if row.target_value is not None else ""
            else:
                target = label_zh(row.target_grade) if row.target_grade is not None else ""
            sheet.append(
                [
                    row.region_code,
                    _text(row.region_name),
                    _text(row.goal_title),
                    label_zh(row.horizon),
                    label_zh(row.status),
                    row.document_number or "",
                    f"{label_zh(row.level1)}指标",
                    _text(row.level2),
                    _text(row.level3),
                    label_zh(row.kind),
                    label_zh(row.comparator),
                    target,
                    _text(row.unit),
                    self._number(sheet, row.weight),
                    DIRECTION[row.comparator],
                ]
            )

    def close(self) -> None:
        self.book.save(self.path)


def _letter(index: int) -> str:
    """A 0-based column as Excel names it (COLUMNS stay within A–Z)."""
    return chr(ord("A") + index)
