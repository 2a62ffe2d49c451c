"""绩效目标表 (FORMS.md §1D) as the document that issues it (Art. 10): the shared 版头, title, 主送 and 正文
(official/letterhead.py), then the table in four parts, the signature and the 版记.

Pages: portrait for 一、基本情况, 二、预算情况 and 三、绩效目标 (总体目标 beside 年度目标);
landscape (FORMS.md §8) for 四、绩效指标, whose columns need the 225 mm; then a portrait page whose
foot holds the 版记. The signature follows the grid on its landscape page with the grid's last row and
合计, so it is never alone on a page.

Context (src/reports/contexts/goal_table.py; every value a display string): the shared keys
(letterhead.py) and fund, region, department (主管部门 by name; `administration` when it is empty), drafter,
co_drafter, period, status, version; budget = {revenue, expenditure, current_balance, accumulated_balance,
basis}; content_paragraphs (or `content`), overall_content and overall_paragraphs; rows = [{level1,
level2, level3, comparator, target, unit, weight, direction, handed_down, note}] sorted by 一级 then 二级;
weight_total. 备注 is a column only when a row has a handed_down mark or a note; a mark every row shares
(handed_down_all) is printed once under the grid instead.
"""

from docx import Document as new_document
from docx.document import Document
from docx.shared import Twips
from docx.table import _Cell

from report_templates.official.imprint import add_imprint
from report_templates.official.letterhead import (
    add_letterhead,
    add_recipients_and_body,
    add_signature,
    add_title,
    tag,
)
from report_templates.official.ooxml import set_properties
from report_templates.official.page import enable_odd_even_footers, new_section, set_up_section
from report_templates.official.styles import (
    GRID_HEAD,
    GRID_LEFT,
    GRID_TEXT,
    HEADING,
    TABLE_HEAD,
    TABLE_LEFT,
    TABLE_TEXT,
    set_up_styles,
)
from report_templates.official.tables import (
    Column,
    GroupedGrid,
    add_table,
    fill,
    grid_widths,
    keep_row_together,
    keep_together,
    merge_across,
    width_of,
)
from report_templates.official.units import GRID_SIZE, LANDSCAPE_TEXT_WIDTH, TABLE_SIZE, TEXT_WIDTH

BASIC_ROWS: tuple[tuple[str, str], ...] = (
    ("基金名称", "{{ fund }}"),
    ("统筹地区", "{{ region }}"),
    ("主管部门", "{{ department or administration }}"),
    ("经办机构（实施单位）", "{{ drafter }}"),
    ("会同编制", "{{ co_drafter }}"),
    ("目标期间", "{{ period }}"),
    ("目标状态", "{{ status }}（第{{ version }}版）"),
)
BUDGET_COLUMNS: tuple[tuple[str, str], ...] = (
    ("基金收入", "{{ budget.revenue }}"),
    ("基金支出", "{{ budget.expenditure }}"),
    ("当年结余", "{{ budget.current_balance }}"),
    ("年末滚存结余", "{{ budget.accumulated_balance }}"),
)
BUDGET_BASIS = "预算口径"
# A mark every row shares (handed_down_all) is said once under the grid, not on each row.
REMARK = (
    "{% if not handed_down_all %}{{ r.handed_down }}{% if r.handed_down and r.note %}；{% endif %}{% endif %}"
    "{{ r.note }}"
)
HAS_REMARKS = (
    '(rows|map(attribute="handed_down")|join and not handed_down_all) or rows|map(attribute="note")|join'
)
HANDED_DOWN_ALL = "注：本表指标均为{{ handed_down_all }}。"
GRID: tuple[Column, ...] = (
    Column("一级指标", "{{ r.level1 }}", GRID_TEXT, group="r.level1"),
    Column("二级指标", "{{ r.level2 }}", GRID_TEXT, group="r.level2"),
    Column("三级指标", "{{ r.level3 }}", GRID_LEFT),
    Column("指标性质", "{{ r.comparator }}", GRID_TEXT),
    Column("指标值", "{{ r.target }}", GRID_TEXT, whole=True),
    Column("度量单位", "{{ r.unit }}", GRID_TEXT, whole=True),
    Column("权重（分值）", "{{ r.weight }}", GRID_TEXT, whole=True),
    Column("指标方向性", "{{ r.direction }}", GRID_TEXT),
)
GRID_REMARKS = Column("备注", REMARK, GRID_LEFT)
# What columns hold beyond their header: a target of 8 digits with separators, a remark in 8 characters a
# line (the categories wrap in their header's 4 characters: 满意度 / 指标).
GRID_MINIMUM = {
    "指标值": width_of("99,999,999", GRID_SIZE, header=False),
    "备注": width_of("", GRID_SIZE, characters=8),
}
TOTAL_SPAN = 6  # 合计 spans 一级指标 … 度量单位; the total sits under 权重（分值）


def _basic(document: Document) -> None:
    document.add_paragraph("一、基本情况", style=HEADING)
    label = max(width_of(text, TABLE_SIZE) for text, _ in BASIC_ROWS)
    table = add_table(document, len(BASIC_ROWS), (label, TEXT_WIDTH - label))
    for row, (text, value) in zip(table.rows, BASIC_ROWS, strict=True):
        keep_row_together(row)
        fill(row.cells[0], text, TABLE_HEAD)
        fill(row.cells[1], value, TABLE_LEFT)
    keep_together(table)


def _budget(document: Document) -> None:
    """FORMS.md §1D's four figures in 万元 under a line naming the budget they come from."""
    document.add_paragraph("二、预算情况（万元）", style=HEADING)
    table = add_table(document, 3, (TEXT_WIDTH // 4,) * 3 + (TEXT_WIDTH - 3 * (TEXT_WIDTH // 4),))
    for row in table.rows:
        keep_row_together(row)
    fill(merge_across(table.rows[0], 0, 3), f"{BUDGET_BASIS}：{{{{ budget.basis }}}}", TABLE_LEFT)
    for index, (text, value) in enumerate(BUDGET_COLUMNS):
        fill(table.rows[1].cells[index], text, TABLE_HEAD)
        fill(table.rows[2].cells[index], value, TABLE_TEXT, whole=True)
    keep_together(table)


def _goals(document: Document) -> None:
    """总体目标 beside 年度目标 when the goal has an overall goal, else its own text as 绩效目标: the user's
    paragraphs each printed as one paragraph of the cell."""
    document.add_paragraph("三、绩效目标", style=HEADING)
    tag(document, "if overall_content")
    half = TEXT_WIDTH // 2
    both = add_table(document, 2, (half, TEXT_WIDTH - half))
    keep_row_together(both.rows[0], header=True)
    _text_cell(both.rows[1].cells[0], "overall_paragraphs", "{{ overall_content }}")
    _text_cell(both.rows[1].cells[1], "content_paragraphs", "{{ content }}")
    fill(both.rows[0].cells[0], "总体目标", TABLE_HEAD)
    fill(both.rows[0].cells[1], "年度目标", TABLE_HEAD)
    keep_together(both, 1)
    tag(document, "else")
    own = add_table(document, 2, (TEXT_WIDTH,))
    keep_row_together(own.rows[0], header=True)
    fill(own.rows[0].cells[0], "绩效目标", TABLE_HEAD)
    _text_cell(own.rows[1].cells[0], "content_paragraphs", "{{ content }}")
    keep_together(own, 1)
    tag(document, "endif")


def _text_cell(cell: _Cell, loop: str, fallback: str) -> None:
    """A cell of paragraphs: `{%p for paragraph in loop %}` one per item, the fallback when there are none."""
    fill(cell, f"{{%p for paragraph in {loop} %}}", TABLE_LEFT)
    for text in ("{{ paragraph }}", "{%p else %}", fallback, "{%p endfor %}"):
        paragraph = cell.add_paragraph(text, style=TABLE_LEFT)
        if text == "{{ paragraph }}":
            paragraph.paragraph_format.first_line_indent = Twips(round(2 * TABLE_SIZE * 20))


def _grid(document: Document, columns: tuple[Column, ...]) -> None:
    widths = grid_widths(
        columns, GRID_SIZE, minimum=GRID_MINIMUM, stretch="三级指标", total=LANDSCAPE_TEXT_WIDTH
    )
    grid = GroupedGrid(columns, "r in rows", GRID_HEAD, GRID_LEFT, keep_last=True)
    table = add_table(document, grid.row_count() + 1, widths)
    (total,) = grid.fill(table)
    keep_row_together(total)
    fill(merge_across(total, 0, TOTAL_SPAN - 1), "合计", GRID_HEAD).paragraph_format.keep_with_next = True
    fill(total.cells[TOTAL_SPAN], "{{ weight_total }}", GRID_TEXT, whole=True)
    for cell in total.cells[TOTAL_SPAN + 1 :]:
        fill(cell, "", GRID_TEXT)
    for cell in total.cells[TOTAL_SPAN:]:  # the 合计 row goes with the signature (never alone on a page)
        cell.paragraphs[0].paragraph_format.keep_with_next = True


def build() -> Document:
    document = new_document()
    set_up_styles(document)
    enable_odd_even_footers(document)
    set_up_section(document.sections[0])
    set_properties(document, "绩效目标表")
    add_letterhead(document)
    add_title(document)
    add_recipients_and_body(document)
    _basic(document)
    _budget(document)
    _goals(document)

    new_section(document, landscape=True)
    document.add_paragraph("四、绩效指标", style=HEADING)
    tag(document, f"if {HAS_REMARKS}")
    _grid(document, (*GRID, GRID_REMARKS))
    tag(document, "else")
    _grid(document, GRID)
    tag(document, "endif")
    tag(document, "if handed_down_all")
    document.add_paragraph(HANDED_DOWN_ALL, style=GRID_LEFT).paragraph_format.keep_with_next = True
    tag(document, "endif")
    add_signature(document, LANDSCAPE_TEXT_WIDTH)

    add_imprint(new_section(document, landscape=False))
    return document
