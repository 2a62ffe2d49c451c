"""Drawing the monitoring entry sheet (sheet_layout.py) as XLSX from its context (entry_sheet.py): Chinese
headers in a frozen first row, the cells not to be filled in shaded, number formats by what a cell holds,
and drop-down lists (data validation) on the grade, likelihood and month columns."""

import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from src.services.monitoring.sheet_layout import (
    ACTUALS,
    EXECUTIONS,
    GRADES,
    LIKELIHOODS,
    NOTES_TITLE,
    Kind,
    Role,
    Sheet,
)

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SHADED = PatternFill("solid", fgColor="EDEDED")  # a key, a note, or an entry that does not apply
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FORMATS = {
    Kind.MONEY: "#,##0.00",
    Kind.NUMBER: "#,##0.00##",
    Kind.ID: "0",
    Kind.MONTH: "0",
    Kind.VERSION: "0",
}
WHOLE = "#,##0"
INSTRUCTIONS = (
    "每行为一个指标（或预算科目）一个月份的 1 至该月累计数；只填写本地区的数据，本表不含的行由其他地区填报。",
    "定量指标填写“完成值”；比率类指标填写“分子”“分母”（分母大于 0），比率由系统计算；"
    "定性指标选择“完成等级”。",
    "“完成目标可能性”“完成等级”请从下拉列表选择；未填写任何数据的行不保存。",
    "“指标编号”“预算编号”“预算科目”“月份”“行版本”请勿修改；更正已填报的数据须在上传时说明理由。",
    "上传后逐格检查，任何一格有误则整表不保存，并按工作表、行、列列出错误。",
)


def _clean(value: Any) -> Any:
    """A cell's value: text without what XML cannot hold, decimals as they are stored."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _applies(row: Mapping[str, Any], field: str) -> bool:
    """Whether an actual row's entry cell is one to fill in for its indicator."""
    if field in ("value", "numerator", "denominator") and row.get("qualitative"):
        return False
    if field == "value" and row.get("rate"):
        return False
    if field in ("numerator", "denominator") and not row.get("rate"):
        return False
    return not (field == "grade" and not row.get("qualitative"))


def _header(ws: Worksheet, sheet: Sheet) -> None:
    for position, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=position, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[sheet.letter(column.field)].width = column.width
    ws.row_dimensions[1].height = 36
    ws.freeze_panes = "A2"


def _styles(workbook: Workbook) -> None:
    """One named style per look a body cell can have (shaded or not × its number format): a cell then takes
    its style by name, at a tenth of the cost of setting its border, fill, alignment and format one by one
    (openpyxl hashes the whole style for each)."""
    for shaded in (False, True):
        for number_format in dict.fromkeys((*FORMATS.values(), WHOLE, None)):
            style = NamedStyle(name=_style_name(shaded, number_format))
            style.border = BORDER
            if shaded:
                style.fill = SHADED
            if number_format is None:
                style.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                style.number_format = number_format
            workbook.add_named_style(style)


def _style_name(shaded: bool, number_format: str | None) -> str:
    return f"{'shaded' if shaded else 'entry'} {number_format or 'text'}"


def _body(ws: Worksheet, sheet: Sheet, rows: Sequence[Mapping[str, Any]]) -> None:
    for number, row in enumerate(rows, start=2):
        for position, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=number, column=position, value=_clean(row.get(column.field)))
            number_format = FORMATS.get(column.kind)
            if column.field == "value" and row.get("whole"):
                number_format = WHOLE
            entry = column.role == Role.ENTRY and (sheet is not ACTUALS or _applies(row, column.field))
            cell.style = _style_name(not entry, number_format)


def _lists(ws: Worksheet, sheet: Sheet, rows: int) -> None:
    last = max(rows + 1, 2)
    choices: dict[Kind, list[str]] = {Kind.GRADE: list(GRADES), Kind.LIKELIHOOD: list(LIKELIHOODS)}
    for column in sheet.columns:
        letter = sheet.letter(column.field)
        if column.kind in choices:
            listed = ",".join(choices[column.kind])
            validation = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
            validation.error, validation.errorTitle = f"请从下拉列表选择：{listed}", column.header
        elif column.kind == Kind.MONTH:
            validation = DataValidation(type="whole", operator="between", formula1="1", formula2="12")
            validation.error, validation.errorTitle = "月份应为 1 至 12 的整数", column.header
        else:
            continue
        validation.showErrorMessage = True
        ws.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last}")


def _notes(ws: Worksheet, context: Mapping[str, Any]) -> None:
    ws.cell(row=1, column=1, value=_clean(context["title"])).font = Font(bold=True, size=14)
    line = 3
    for label, text in context["notes"]:
        ws.cell(row=line, column=1, value=label).font = Font(bold=True)
        ws.cell(row=line, column=2, value=_clean(text))
        line += 1
    line += 1
    for number, text in enumerate(INSTRUCTIONS, start=1):
        ws.cell(row=line, column=1, value=f"{number}.")
        ws.cell(row=line, column=2, value=text).alignment = Alignment(wrap_text=True)
        line += 1
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 100


def draw_entry_sheet(context: Mapping[str, Any]) -> bytes:
    """The workbook: 绩效指标, 预算执行 and 填报说明."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    _styles(workbook)
    for sheet, rows in ((ACTUALS, context["actuals"]), (EXECUTIONS, context["executions"])):
        ws = workbook.create_sheet(sheet.title)
        _header(ws, sheet)
        _body(ws, sheet, rows)
        _lists(ws, sheet, len(rows))
    _notes(workbook.create_sheet(NOTES_TITLE), context)
    workbook.properties.title = _clean(context["title"])
    workbook.properties.creator = "fundperf"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
