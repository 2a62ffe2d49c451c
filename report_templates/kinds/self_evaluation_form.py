"""绩效自评表 (FORMS.md §2B, the Sichuan 部门预算项目支出绩效自评表 made a social-insurance fund's as §2C
infers): a landscape form (FORMS.md §8) of one self-evaluation, filled by the pooling region's agency. Not a
公文: no 版头 (a draft shows 草稿 top right), no 主送 or 版记; the 实施单位 signs and dates it.

Under the title: the 填报单位 and the unit of the amounts; the fund, its region, 主管部门, 实施单位 and
the number of the goal evaluated; 一、预算执行情况 (基金支出: 年初预算数, 全年预算数（调整后）, 全年执行数,
分值, 执行率, 得分 and the reason of a low rate); 二、年度总体目标 (预期目标 beside 实际完成情况); 三、绩效
指标 — 一级, 二级, 三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施, categories merged
once per block, the header repeated on each page — closed by 合计 (the indicators' weights and scores),
总分 (out of 100: the budget's points and the indicators' brought to the rest) and 评价等级; 四、存在问题
及改进措施. Captions keep the tables apart (adjacent tables print as one).

Context: src/reports/contexts/self_evaluation_form.py.
"""

from docx import Document as new_document
from docx.document import Document
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Twips

from report_templates.official.letterhead import add_signature, tag
from report_templates.official.ooxml import set_properties
from report_templates.official.page import enable_odd_even_footers, set_up_section
from report_templates.official.styles import (
    DRAFT_MARK,
    GRID_CAPTION,
    GRID_HEAD,
    GRID_LEFT,
    GRID_TEXT,
    TITLE,
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
from report_templates.official.units import GRID_SIZE, LANDSCAPE_TEXT_WIDTH

BUDGET_HEAD = (
    "项目",
    "年初预算数",
    "全年预算数（调整后）",
    "全年执行数",
    "分值",
    "执行率",
    "得分",
    "原因说明",
)
BUDGET_KEYS = ("initial", "budget", "executed", "points", "rate", "score", "reason")
GOAL_HEADS = ("预期目标", "实际完成情况")
ISSUE_HEADS = ("存在问题", "改进措施")
GRID: tuple[Column, ...] = (
    Column("一级指标", "{{ r.level1 }}", GRID_TEXT, group="r.level1"),
    Column("二级指标", "{{ r.level2 }}", GRID_TEXT, group="r.level2"),
    Column("三级指标", "{{ r.level3 }}", GRID_LEFT),
    Column("年度指标值", "{{ r.target }}", GRID_TEXT, whole=True),
    Column("实际完成值", "{{ r.actual }}", GRID_TEXT, whole=True),
    Column("分值", "{{ r.weight }}", GRID_TEXT, whole=True),
    Column("得分", "{{ r.score }}", GRID_TEXT, whole=True),
    Column("偏差原因分析及改进措施", "{{ r.deviation }}", GRID_LEFT),
)
FIGURE = "999,999,999.99"  # the widest amount a budget cell holds
GRID_MINIMUM = {
    "一级指标": width_of("满意度指标", GRID_SIZE, header=False),
    "二级指标": width_of("可持续影响指标", GRID_SIZE, header=False),
    "年度指标值": width_of("≥99,999万人次", GRID_SIZE, header=False),
    "实际完成值": width_of("99,999.99万人次", GRID_SIZE, header=False),
    "分值": width_of("100", GRID_SIZE, header=False),
    "得分": width_of("100.00", GRID_SIZE, header=False),
    "偏差原因分析及改进措施": width_of("偏差原因分析及改进措施", GRID_SIZE, characters=4),
}
TOTAL_SPAN = 5  # 合计 and 总分 span 一级指标 … 实际完成值; their figures sit under 分值 and 得分


def _caption(document: Document, text: str) -> None:
    """A part's caption, which also keeps the tables apart."""
    document.add_paragraph(text, style=GRID_CAPTION).paragraph_format.keep_with_next = True


def _title(document: Document) -> None:
    tag(document, "if draft_mark")
    document.add_paragraph("{{ draft_mark }}", style=DRAFT_MARK)
    tag(document, "endif")
    tag(document, "for line in title_lines or [title]")
    document.add_paragraph("{{ line }}", style=TITLE)
    tag(document, "endfor")
    filler = document.add_paragraph("填报单位：{{ filler }}", style=GRID_LEFT)
    filler.paragraph_format.tab_stops.add_tab_stop(Twips(LANDSCAPE_TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT)
    filler.add_run().add_tab()
    filler.add_run("金额单位：万元")
    filler.paragraph_format.keep_with_next = True


def _basic(document: Document) -> None:
    label = width_of("绩效目标文号", GRID_SIZE)
    half = LANDSCAPE_TEXT_WIDTH // 2 - label
    table = add_table(document, 3, (label, half, label, LANDSCAPE_TEXT_WIDTH - 2 * label - half))
    cells = (
        ("基金名称", "{{ fund }}", "统筹地区", "{{ region }}"),
        ("主管部门", "{{ department }}", "实施单位", "{{ filler }}"),
        ("自评年度", "{{ year }}", "绩效目标文号", "{{ goal_number }}"),
    )
    for row, texts in zip(table.rows, cells, strict=True):
        keep_row_together(row)
        for cell, text, head in zip(row.cells, texts, (True, False, True, False), strict=True):
            fill(cell, text, GRID_HEAD if head else GRID_LEFT)
    keep_together(table)


def _budget(document: Document) -> None:
    """预算执行情况: the header and the one line of 基金支出."""
    widths = [width_of(h, GRID_SIZE) for h in BUDGET_HEAD]
    widths[1:4] = [max(w, width_of(FIGURE, GRID_SIZE, header=False)) for w in widths[1:4]]
    widths[5] = max(widths[5], width_of("100.00%", GRID_SIZE, header=False))
    widths[0] = width_of("基金支出", GRID_SIZE, characters=1)
    widths[-1] = LANDSCAPE_TEXT_WIDTH - sum(widths[:-1])
    _caption(document, "一、预算执行情况")
    table = add_table(document, 2, widths)
    head, data = table.rows
    keep_row_together(head, header=True)
    for cell, text in zip(head.cells, BUDGET_HEAD, strict=True):
        fill(cell, text, GRID_HEAD)
    keep_row_together(data)
    fill(data.cells[0], "基金支出", GRID_LEFT)
    for index, key in enumerate(BUDGET_KEYS, start=1):
        last = index == len(BUDGET_KEYS)
        fill(data.cells[index], f"{{{{ budget.{key} }}}}", GRID_LEFT if last else GRID_TEXT, whole=not last)
    keep_together(table, 1)


def _texts(document: Document, caption: str, heads: tuple[str, str], loops: tuple[str, str]) -> None:
    """Two texts side by side under their heads, each the user's paragraphs."""
    _caption(document, caption)
    half = LANDSCAPE_TEXT_WIDTH // 2
    table = add_table(document, 2, (half, LANDSCAPE_TEXT_WIDTH - half))
    head, body = table.rows
    keep_row_together(head)
    keep_row_together(body)
    for cell, text in zip(head.cells, heads, strict=True):
        fill(cell, text, GRID_HEAD)
    for cell, loop in zip(body.cells, loops, strict=True):
        fill(cell, f"{{%p for paragraph in {loop} %}}", GRID_LEFT)
        cell.add_paragraph("{{ paragraph }}", style=GRID_LEFT)
        cell.add_paragraph("{%p endfor %}", style=GRID_LEFT)
    keep_together(table, 1)


def _grid(document: Document) -> None:
    _caption(document, "三、绩效指标")
    widths = grid_widths(
        GRID, GRID_SIZE, minimum=GRID_MINIMUM, stretch="三级指标", total=LANDSCAPE_TEXT_WIDTH
    )
    grid = GroupedGrid(GRID, "r in rows", GRID_HEAD, GRID_LEFT, keep_last=True)
    table = add_table(document, grid.row_count() + 2, widths)
    total, overall = grid.fill(table)
    rows = (
        (total, "合计", "{{ weight_total }}", "{{ indicator_score }}", ""),
        (
            overall,
            "总分（预算执行得分＋绩效指标得分÷{{ weight_total }}×{{ indicator_share }}）",
            "100",
            "{{ total_score }}",
            "评价等级：{{ grade }}",
        ),
    )
    for row, label, points, score, grade in rows:
        keep_row_together(row)
        fill(merge_across(row, 0, TOTAL_SPAN - 1), label, GRID_HEAD)
        fill(row.cells[TOTAL_SPAN], points, GRID_TEXT, whole=True)
        fill(row.cells[TOTAL_SPAN + 1], score, GRID_TEXT, whole=True)
        fill(row.cells[TOTAL_SPAN + 2], grade, GRID_HEAD)
        # The last indicator keeps with 合计, 合计 with 总分 (never alone on a page); 总分 ends the chain, so
        # that the part after it may start the next page without pulling indicators along.
        for cell in row.cells:  # (the head style keeps with the next: 总分 says it does not)
            cell.paragraphs[0].paragraph_format.keep_with_next = row is total


def build() -> Document:
    document = new_document()
    set_up_styles(document)
    enable_odd_even_footers(document)
    set_up_section(document.sections[0], landscape=True)
    set_properties(document, "绩效自评表")
    _title(document)
    _basic(document)
    _budget(document)
    _texts(
        document, "二、年度总体目标", ("预期目标", "实际完成情况"), ("goal_paragraphs", "result_paragraphs")
    )
    _grid(document)
    _texts(
        document,
        "四、存在问题及改进措施",
        ("存在问题", "改进措施"),
        ("problem_paragraphs", "measure_paragraphs"),
    )
    add_signature(document, LANDSCAPE_TEXT_WIDTH)
    return document
