"""自评报告 (Art. 17, 18; FORMS §4B) of one self-evaluation, as a GB/T 9704 document of the body that reports
it upward (a prefecture's finance, or the provincial agency): no 版头 and no number (as the monitoring
report; a draft shows 草稿), the title, 主送 (Art. 17's recipients), the opening paragraph, then

一、基本情况 — the generated facts and the goal's text;
二、预算执行情况 — the figures in a sentence, then a table (年初预算数, 调整后预算数, 全年执行数, 执行率,
分值, 得分) and the reason of a low rate;
三、绩效指标完成情况 — a row per indicator (一级 merged per block, 三级, 年度指标值, 实际完成值, 分值, 得分)
closed by 合计;
四、自评结论 — total score and grade, then the 评价结论;
五、偏离绩效目标的原因分析及改进措施 — Art. 18: each line not met or deviating (or 无);
六、存在问题, 七、改进措施 — the user's text;

the signature (kept with the text before it) and the 版记 on a last page of its own.

Context: src/reports/contexts/self_evaluation_report.py.
"""

from docx import Document as new_document
from docx.document import Document

from report_templates.kinds.monitoring_report import paragraphs
from report_templates.official.imprint import add_imprint
from report_templates.official.letterhead import add_recipients_and_body, add_signature, add_title, tag
from report_templates.official.lights import column_widths
from report_templates.official.ooxml import set_properties
from report_templates.official.page import enable_odd_even_footers, new_section, set_up_section
from report_templates.official.styles import (
    BODY,
    DRAFT_MARK,
    GRID_HEAD,
    GRID_LEFT,
    GRID_TEXT,
    HEADING,
    HEADING_2,
    set_up_styles,
)
from report_templates.official.tables import (
    Column,
    GroupedGrid,
    add_table,
    fill,
    keep_row_together,
    merge_across,
    width_of,
)
from report_templates.official.units import GRID_SIZE, TEXT_WIDTH

BUDGET: tuple[Column, ...] = (
    Column("项目", "基金支出", GRID_LEFT),
    Column("年初预算数", "{{ budget.initial }}", GRID_TEXT, whole=True),
    Column("调整后预算数", "{{ budget.budget }}", GRID_TEXT, whole=True),
    Column("全年执行数", "{{ budget.executed }}", GRID_TEXT, whole=True),
    Column("执行率", "{{ budget.rate }}", GRID_TEXT, whole=True),
    Column("分值", "{{ budget.points }}", GRID_TEXT, whole=True),
    Column("得分", "{{ budget.score }}", GRID_TEXT, whole=True),
)
INDICATORS: tuple[Column, ...] = (
    Column("一级指标", "{{ r.level1 }}", GRID_TEXT, group="r.level1"),
    Column("三级指标", "{{ r.level3 }}", GRID_LEFT),
    Column("年度指标值", "{{ r.target }}", GRID_TEXT, whole=True),
    Column("实际完成值", "{{ r.actual }}", GRID_TEXT, whole=True),
    Column("分值", "{{ r.weight }}", GRID_TEXT, whole=True),
    Column("得分", "{{ r.score }}", GRID_TEXT, whole=True),
)
AMOUNT = width_of("999,999,999.99", GRID_SIZE, header=False)
TOTAL_SPAN = 4  # 合计 spans 一级指标 … 实际完成值; its figures sit under 分值 and 得分


def _budget(document: Document) -> None:
    document.add_paragraph("二、预算执行情况", style=HEADING)
    document.add_paragraph("{{ budget_text }}", style=BODY)
    caption = document.add_paragraph("金额单位：万元", style=GRID_LEFT)
    caption.paragraph_format.keep_with_next = True
    minimum = {c.header: AMOUNT for c in BUDGET[1:4]}
    minimum["执行率"] = width_of("100.00%", GRID_SIZE, header=False)
    minimum["得分"] = width_of("100.00", GRID_SIZE, header=False)
    widths = column_widths(BUDGET, TEXT_WIDTH, stretch="项目", minimum=minimum)
    table = add_table(document, 2, widths)
    head, data = table.rows
    keep_row_together(head, header=True)
    keep_row_together(data)
    for head_cell, data_cell, column in zip(head.cells, data.cells, BUDGET, strict=True):
        fill(head_cell, column.header, GRID_HEAD)
        fill(data_cell, column.value, column.style, whole=column.whole)
    tag(document, "if budget.reason != '—'")
    document.add_paragraph("执行率偏低的原因：{{ budget.reason }}", style=BODY)
    tag(document, "endif")


def _indicators(document: Document) -> None:
    document.add_paragraph("三、绩效指标完成情况", style=HEADING)
    caption = document.add_paragraph("各绩效指标完成及得分情况：", style=GRID_LEFT)
    caption.paragraph_format.keep_with_next = True
    minimum = {
        "一级指标": width_of("满意度指标", GRID_SIZE, header=False),
        "年度指标值": width_of("≥99,999万人次", GRID_SIZE, header=False),
        "实际完成值": width_of("99,999.99万人次", GRID_SIZE, header=False),
        "得分": width_of("100.00", GRID_SIZE, header=False),
    }
    widths = column_widths(INDICATORS, TEXT_WIDTH, stretch="三级指标", minimum=minimum)
    grid = GroupedGrid(INDICATORS, "r in rows", GRID_HEAD, GRID_LEFT, keep_last=True)
    table = add_table(document, grid.row_count() + 1, widths)
    (total,) = grid.fill(table)
    keep_row_together(total)
    fill(merge_across(total, 0, TOTAL_SPAN - 1), "合计", GRID_HEAD)
    fill(total.cells[TOTAL_SPAN], "{{ weight_total }}", GRID_TEXT, whole=True)
    fill(total.cells[TOTAL_SPAN + 1], "{{ indicator_score }}", GRID_TEXT, whole=True)
    for cell in total.cells:  # 合计 ends the keep-with-next chain: the heading after it may start a page
        cell.paragraphs[0].paragraph_format.keep_with_next = False


def _deviations(document: Document) -> None:
    document.add_paragraph("五、偏离绩效目标的原因分析及改进措施", style=HEADING)
    tag(document, "for d in deviations")
    document.add_paragraph("{{ d.title }}", style=HEADING_2).paragraph_format.keep_with_next = True
    document.add_paragraph("{{ d.text }}", style=BODY)
    tag(document, "else")
    document.add_paragraph("各项绩效指标均已完成且未偏离绩效目标。", style=BODY)
    tag(document, "endfor")


def build() -> Document:
    document = new_document()
    set_up_styles(document)
    enable_odd_even_footers(document)
    set_up_section(document.sections[0])
    set_properties(document, "绩效自评报告")
    tag(document, "if draft_mark")
    document.add_paragraph("{{ draft_mark }}", style=DRAFT_MARK)
    tag(document, "endif")
    add_title(document)
    add_recipients_and_body(document)
    document.add_paragraph("一、基本情况", style=HEADING)
    document.add_paragraph("{{ basic }}", style=BODY)
    tag(document, "if goal_paragraphs")
    document.add_paragraph(
        "年度绩效目标{% if goal_number != '—' %}（{{ goal_number }}）{% endif %}：", style=BODY
    ).paragraph_format.keep_with_next = True
    paragraphs(document, "goal_paragraphs")
    tag(document, "endif")
    _budget(document)
    _indicators(document)
    document.add_paragraph("四、自评结论", style=HEADING)
    document.add_paragraph(
        "经自评，{{ subject }}绩效自评总分{{ total_score }}分，评价等级为“{{ grade }}”。", style=BODY
    )
    paragraphs(document, "result_paragraphs")
    _deviations(document)
    document.add_paragraph("六、存在问题", style=HEADING)
    paragraphs(document, "problem_paragraphs")
    document.add_paragraph("七、改进措施", style=HEADING)
    paragraphs(document, "measure_paragraphs", keep=True)
    add_signature(document)
    add_imprint(new_section(document, landscape=False))
    return document
