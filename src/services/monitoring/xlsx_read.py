"""Reading an uploaded entry sheet (sheet_layout.py) in openpyxl's read-only mode: every cell of every
filled row checked for what its column holds, each problem named by sheet, row and column; the rows that
read cleanly become the services' rows (entries.py, executions.py check them further).

Before openpyxl opens anything, the file must be a ZIP whose members do not unpack to more than `expansion`
times its size (a small file that unpacks to gigabytes is refused), and at most `max_rows` rows may be
filled in, both sheets together (more is refused before anything is checked).
"""

import io
import logging
import math
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from src.models.enums import BudgetItem, QualitativeGrade
from src.models.monitoring import CompletionLikelihood
from src.services.errors import CommonErrorCode, DomainError, ErrorCode
from src.services.monitoring.entry_rows import ActualRow, ExecutionRow
from src.services.monitoring.sheet_layout import (
    ACTUALS,
    GRADES,
    ITEMS,
    LIKELIHOODS,
    SHEETS,
    Kind,
    Role,
    Sheet,
    entry_columns,
)

logger = logging.getLogger(__name__)
MAX_ID = 2**31 - 1
# Rows read at most per sheet, filled or not (a year's sheet of a few hundred rows is mostly empty rows): a
# sheet of a million empty formatted rows is refused before it costs much.
PHYSICAL_ROWS_FACTOR = 10
PHYSICAL_ROWS_FLOOR = 20_000


class UploadCode(StrEnum):
    """What is wrong with an upload as a whole (beside the cells' ErrorCode)."""

    NOT_XLSX = "NOT_XLSX"
    TOO_LARGE = "TOO_LARGE"
    TOO_MANY_ROWS = "TOO_MANY_ROWS"
    WRONG_LAYOUT = "WRONG_LAYOUT"
    EMPTY = "EMPTY"


@dataclass(frozen=True)
class CellProblem:
    """One problem of an upload: its sheet, row (1-based, as Excel shows it) and column letter where it is a
    cell's, the field, the message and the code."""

    sheet: str | None
    row: int | None
    column: str | None
    field: str
    message: str
    code: str

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


class UploadRefused(DomainError):
    """Nothing of the upload was stored: `status` 400 or 413, every problem found."""

    code = CommonErrorCode.VALIDATION_FAILED

    def __init__(self, status: int, problems: list[CellProblem]) -> None:
        super().__init__(problems[0].message if problems else "上传被拒绝")
        self.status = status
        self.problems = problems


def refusal(status: int, code: UploadCode, message: str) -> UploadRefused:
    return UploadRefused(status, [CellProblem(None, None, None, "file", message, code.value)])


@dataclass
class Parsed:
    """The rows read cleanly, each with its row number in its sheet, and the cells' problems."""

    actuals: list[ActualRow] = field(default_factory=list)
    actual_rows: list[int] = field(default_factory=list)
    executions: list[ExecutionRow] = field(default_factory=list)
    execution_rows: list[int] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)


class _Bad(ValueError):
    def __init__(self, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        super().__init__(message)
        self.code = code


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _whole(value: Any, what: str) -> int:
    if isinstance(value, bool | datetime | date | time):
        raise _Bad(f"{what}须为整数")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise _Bad(f"{what}须为整数")


def _number(value: Any) -> Decimal:
    """A numeric cell as the decimal it shows. Excel keeps doubles to 15 significant digits: a value it
    computed (=A2*0.07) may be saved as 0.30000000000000004, which is the 0.3 it shows."""
    if isinstance(value, bool | datetime | date | time):
        raise _Bad("须为数值（不能是日期或逻辑值）")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Bad("须为有限的数值")
        return Decimal(format(value, ".15g"))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise _Bad("须为数值") from None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    return str(value)


def _choice(value: Any, choices: dict[str, Any], enum: type[StrEnum]) -> Any:
    text = str(value).strip()
    if text in choices:
        return choices[text]
    if text in enum.__members__:  # the code (ACHIEVED) is taken too
        return enum[text]
    raise _Bad(f"请从下拉列表选择：{'、'.join(choices)}")


def _cell(column_kind: Kind, value: Any, header: str) -> Any:
    if _blank(value):
        return "" if column_kind == Kind.TEXT else None
    if column_kind == Kind.ID:
        number = _whole(value, header)
        if not 0 < number <= MAX_ID:
            raise _Bad(f"{header}须为正整数（请勿修改）")
        return number
    if column_kind in (Kind.MONTH, Kind.VERSION):
        return _whole(value, header)
    if column_kind in (Kind.NUMBER, Kind.MONEY):
        return _number(value)
    if column_kind == Kind.GRADE:
        return _choice(value, GRADES, QualitativeGrade)
    if column_kind == Kind.LIKELIHOOD:
        return _choice(value, LIKELIHOODS, CompletionLikelihood)
    return _text(value)


def _check_zip(data: bytes, expansion: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise refusal(400, UploadCode.NOT_XLSX, "不是有效的 XLSX 文件：请上传下载的填报表（.xlsx）") from None
    if unpacked > expansion * max(len(data), 1):
        message = f"文件解压后过大（{unpacked} 字节，超过文件大小的 {expansion} 倍）"
        raise refusal(413, UploadCode.TOO_LARGE, message)


def _header_problems(sheet: Sheet, values: tuple[Any, ...]) -> list[CellProblem]:
    problems = []
    for position, column in enumerate(sheet.columns):
        found = values[position] if position < len(values) else None
        if str(found or "").strip() != column.header:
            letter = sheet.letter(column.field)
            message = f"表头应为“{column.header}”：请使用下载的填报表，不要增删或移动列"
            problems.append(
                CellProblem(sheet.title, 1, letter, column.api_name, message, UploadCode.WRONG_LAYOUT)
            )
    return problems


def _row(sheet: Sheet, number: int, values: tuple[Any, ...], parsed: Parsed) -> dict[str, Any] | None:
    """The row's values by field, or None (its problems added to `parsed`) when a cell is bad."""
    fields: dict[str, Any] = {}
    bad = False
    for position, column in enumerate(sheet.columns):
        if column.role == Role.INFO:
            continue
        value = values[position] if position < len(values) else None
        try:
            if column.field == "item":
                fields["item"] = None if _blank(value) else _choice(value, ITEMS, BudgetItem)
            else:
                fields[column.field] = _cell(column.kind, value, column.header)
            if column.role == Role.KEY and column.kind != Kind.VERSION and fields[column.field] is None:
                raise _Bad(f"{column.header}不能为空（请勿修改）", ErrorCode.REQUIRED)
        except _Bad as exc:
            letter = sheet.letter(column.field)
            parsed.problems.append(
                CellProblem(sheet.title, number, letter, column.api_name, str(exc), exc.code)
            )
            bad = True
    return None if bad else fields


def _read(ws: Any, sheet: Sheet, parsed: Parsed, filled: list[int], max_rows: int) -> None:
    width = len(sheet.columns)
    entries = [sheet.columns.index(column) for column in entry_columns(sheet)]
    physical = max(max_rows * PHYSICAL_ROWS_FACTOR, PHYSICAL_ROWS_FLOOR)
    for number, values in enumerate(ws.iter_rows(max_col=width, values_only=True), start=1):
        if number == 1:
            header = _header_problems(sheet, values)
            if header:
                parsed.problems += header
                return
            continue
        if number > physical + 1:
            message = f"“{sheet.title}”工作表的行数过多（含空行超过 {physical} 行）"
            raise refusal(400, UploadCode.TOO_MANY_ROWS, message)
        if all(_blank(values[i] if i < len(values) else None) for i in entries):
            continue  # nothing entered on this row
        filled[0] += 1
        if filled[0] > max_rows:
            message = f"填报行过多：一次至多上传 {max_rows} 行（两张工作表合计），请分批上传"
            raise refusal(400, UploadCode.TOO_MANY_ROWS, message)
        fields = _row(sheet, number, values, parsed)
        if fields is None:
            continue
        if sheet is ACTUALS:
            parsed.actuals.append(ActualRow(**fields))
            parsed.actual_rows.append(number)
        else:
            parsed.executions.append(ExecutionRow(**fields))
            parsed.execution_rows.append(number)


def read_entry_sheet(data: bytes, *, max_rows: int, expansion: int) -> Parsed:
    """The upload's rows and its cells' problems (see the module's description); UploadRefused when the
    file as a whole cannot be taken."""
    _check_zip(data, expansion)
    from openpyxl import load_workbook  # here, not with the app: see src/domains/monitoring.py

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # whatever a malformed package raises: the upload is refused, not a 500
        logger.info("entry sheet upload refused: not a workbook (%s)", type(exc).__name__)
        raise refusal(400, UploadCode.NOT_XLSX, "不是有效的 XLSX 文件：请上传下载的填报表（.xlsx）") from None
    parsed, filled = Parsed(), [0]
    try:
        present = [sheet for sheet in SHEETS if sheet.title in workbook.sheetnames]
        if not present:
            titles = "、".join(f"“{sheet.title}”" for sheet in SHEETS)
            raise refusal(400, UploadCode.WRONG_LAYOUT, f"没有{titles}工作表：请使用下载的填报表")
        for sheet in present:
            _read(workbook[sheet.title], sheet, parsed, filled, max_rows)
    except UploadRefused:
        raise
    except Exception as exc:  # a sheet's XML broken inside a valid package
        logger.info("entry sheet upload refused: unreadable sheet (%s)", type(exc).__name__)
        raise refusal(400, UploadCode.NOT_XLSX, "文件内容无法读取：请上传下载的填报表（.xlsx）") from None
    finally:
        workbook.close()
    if not (parsed.actuals or parsed.executions or parsed.problems):
        raise refusal(400, UploadCode.EMPTY, "表中没有填报任何数据")
    return parsed
