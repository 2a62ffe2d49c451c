"""省级分险种绩效评价报告 (Art. 17, 18; FORMS §4A) of one fund's year, as the GB/T 9704 document the
provincial agency sends, drafted with 省税务局, to 财政厅: no 版头 and no number (as the 自评报告; a draft
shows 草稿), the title, 主送, the opening paragraph, then FORMS §4A's outline —

一、基本情况 — the fund, its pooling, the regions expected, evaluated and missing, and the budget execution
rolled up over them in a table;
二、绩效评价工作开展情况 — who carried it out (a third party if any) and how;
三、综合评价情况及评价结论 — average, highest and lowest scores, the regions by grade in a table, the score
distribution (图1) and the grades by prefecture (图2, or a sentence where the fund has one region), the
regions below the pass band, then the 评价结论;
四、绩效评价指标分析 — the indicators some regions did not meet (一级/二级/三级, 评价地区数, 未完成数,
未完成地区), then each one's causes (Art. 18);
五、主要经验及做法、存在的问题及原因分析, 六、有关建议, 七、其他需要说明的问题 — the text, or 无;

附件说明, the signatures (the agency and 省税务局, joint) and 成文日期, the attachment on a page of its own
(各统筹地区自评得分表), and the 版记 on a last page of its own.

Context: src/reports/contexts/provincial_evaluation_report.py.
"""

from docx import Document as new_document
from docx.document import Document
from docx.shared import Twips

from report_templates.kinds.monitoring_report import paragraphs
from report_templates.official.figures import add_figure
from report_templates.official.imprint import add_imprint
from report_templates.official.letterhead import add_recipients_and_body, add_title, spacer, tag
from report_templates.official.lights import add_loop_table, column_widths
from report_templates.official.ooxml import set_properties
from report_templates.official.page import enable_odd_even_footers, new_section, set_up_section
from report_templates.official.signatures import add_signatures
from report_templates.official.styles import (
    ATTACHMENT_FIRST,
    BODY,
    CENTER,
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
    add_table,
    fill,
    keep_row_together,
    keep_together,
    width_of,
)
from report_templates.official.units import GRID_SIZE, TEXT_WIDTH

ATTACHMENT_NAME = "各统筹地区自评得分表"
GRADES = ("优", "良", "中", "差", "合计")
BUDGET: tuple[Column, ...] = (
    Column("项目", "基金支出", GRID_LEFT),
    Column("年初预算数", "{{ budget.initial }}", GRID_TEXT, whole=True),
    Column("调整后预算数", "{{ budget.adjusted }}", GRID_TEXT, whole=True),
    Column("全年执行数", "{{ budget.executed }}", GRID_TEXT, whole=True),
    Column("执行率", "{{ budget.rate }}", GRID_TEXT, whole=True),
)
SHORTFALLS: tuple[Column, ...] = (
    Column("一级指标", "{{ s.level1 }}", GRID_TEXT, whole=True),
    Column("二级指标", "{{ s.level2 }}", GRID_TEXT),
    Column("三级指标", "{{ s.level3 }}", GRID_LEFT),
    Column("评价地区数", "{{ s.evaluated }}", GRID_TEXT, whole=True),
    Column("未完成数", "{{ s.not_met }}", GRID_TEXT, whole=True),
    Column("未完成地区", "{{ s.regions }}", GRID_LEFT),
)
RESULTS: tuple[Column, ...] = (
    Column("序号", "{{ r.index }}", GRID_TEXT, whole=True),
    Column("统筹地区", "{{ r.region }}", GRID_LEFT),
    Column("所属市（州）", "{{ r.prefecture }}", GRID_LEFT),
    Column("自评得分", "{{ r.score }}", GRID_TEXT, whole=True),
    Column("评价等级", "{{ r.grade }}", GRID_TEXT, whole=True),
    Column("执行率", "{{ r.rate }}", GRID_TEXT, whole=True),
    Column("报送情况", "{{ r.late }}", GRID_TEXT, whole=True),
)
AMOUNT = width_of("999,999,999.99", GRID_SIZE, header=False)
RATE = width_of("100.00%", GRID_SIZE, header=False)


def _caption(document: Document, text: str) -> None:
    document.add_paragraph(text, style=GRID_LEFT).paragraph_format.keep_with_next = True


def _basic(document: Document) -> None:
    document.add_paragraph("一、基本情况", style=HEADING)
    document.add_paragraph("{{ basic }}", style=BODY)
    _caption(document, "预算执行情况（金额单位：万元）：")
    widths = column_widths(
        BUDGET, TEXT_WIDTH, stretch="项目", minimum={**{c.header: AMOUNT for c in BUDGET[1:4]}}
    )
    table = add_table(document, 2, widths)
    head, data = table.rows
    keep_row_together(head, header=True)
    keep_row_together(data)
    for head_cell, data_cell, column in zip(head.cells, data.cells, BUDGET, strict=True):
        fill(head_cell, column.header, GRID_HEAD)
        fill(data_cell, column.value, column.style, whole=column.whole)
    paragraphs(document, "overview_paragraphs")


def _grades(document: Document) -> None:
    """The regions by grade: 优 良 中 差 合计 over their counts."""
    _caption(document, "各评价等级地区数（个）：")
    each = TEXT_WIDTH // len(GRADES)
    table = add_table(document, 2, [each] * (len(GRADES) - 1) + [TEXT_WIDTH - each * (len(GRADES) - 1)])
    words, counts = table.rows
    keep_row_together(words, header=True)
    keep_row_together(counts)
    for index, grade in enumerate(GRADES):
        fill(words.cells[index], grade, GRID_HEAD)
        fill(counts.cells[index], f"{{{{ grade_counts['{grade}'] }}}}", GRID_TEXT, whole=True)
    keep_together(table)


def _conclusion(document: Document) -> None:
    document.add_paragraph("三、综合评价情况及评价结论", style=HEADING)
    document.add_paragraph("{{ scores }}", style=BODY)
    _grades(document)
    add_figure(document, "score_chart", "图1　自评得分分布")
    tag(document, "if prefecture_chart")
    add_figure(document, "prefecture_chart", "图2　各市（州）自评等级分布")
    tag(document, "else")
    document.add_paragraph("{{ prefecture_note }}", style=BODY)
    tag(document, "endif")
    document.add_paragraph("{{ below_pass }}", style=BODY)
    paragraphs(document, "conclusion_paragraphs")


def _analysis(document: Document) -> None:
    document.add_paragraph("四、绩效评价指标分析", style=HEADING)
    tag(document, "if shortfalls")
    _caption(document, "未完成绩效目标的指标：")
    minimum = {
        "一级指标": width_of("满意度指标", GRID_SIZE, header=False),
        "二级指标": width_of("服务对象满意度", GRID_SIZE, header=False),
    }
    widths = column_widths(SHORTFALLS, TEXT_WIDTH, stretch="三级指标", minimum=minimum)
    widths[2] = widths[5] = (widths[2] + widths[5]) // 2  # 三级指标 and 未完成地区 share what is left
    widths[5] += TEXT_WIDTH - sum(widths)
    add_loop_table(document, SHORTFALLS, "s in shortfalls", widths)
    tag(document, "for c in causes")
    document.add_paragraph("{{ c.title }}", style=HEADING_2).paragraph_format.keep_with_next = True
    document.add_paragraph("{{ c.text }}", style=BODY)
    tag(document, "endfor")
    tag(document, "else")
    document.add_paragraph("各统筹地区的绩效指标均已完成。", style=BODY)
    tag(document, "endif")
    paragraphs(document, "analysis_paragraphs")


def _attachment(document: Document) -> None:
    """The attachment on a page of its own after the signature (GB/T 9704 7.3.7): 附件 顶格 in 黑体, its
    title, the table of every region's result."""
    label = document.add_paragraph("附件", style=HEADING)
    label.paragraph_format.first_line_indent = Twips(0)
    label.paragraph_format.page_break_before = True
    title = document.add_paragraph(ATTACHMENT_NAME, style=HEADING)
    title.paragraph_format.first_line_indent = Twips(0)
    title.alignment = CENTER
    _caption(document, "{{ year }}年度{{ fund }}（执行率：基金支出）")
    minimum = {
        "自评得分": width_of("100.00", GRID_SIZE, header=False),
        "执行率": RATE,
        "统筹地区": width_of("阿坝藏族羌族自治州", GRID_SIZE, header=False),
    }
    widths = column_widths(RESULTS, TEXT_WIDTH, stretch="所属市（州）", minimum=minimum)
    add_loop_table(document, RESULTS, "r in results", widths, empty="无已报送的自评")


def build() -> Document:
    document = new_document()
    set_up_styles(document)
    enable_odd_even_footers(document)
    set_up_section(document.sections[0])
    set_properties(document, "省级分险种绩效评价报告")
    tag(document, "if draft_mark")
    document.add_paragraph("{{ draft_mark }}", style=DRAFT_MARK)
    tag(document, "endif")
    add_title(document)
    add_recipients_and_body(document)
    _basic(document)
    document.add_paragraph("二、绩效评价工作开展情况", style=HEADING)
    document.add_paragraph("{{ work }}", style=BODY)
    paragraphs(document, "work_paragraphs")
    _conclusion(document)
    _analysis(document)
    document.add_paragraph("五、主要经验及做法、存在的问题及原因分析", style=HEADING)
    paragraphs(document, "problem_paragraphs")
    document.add_paragraph("六、有关建议", style=HEADING)
    paragraphs(document, "suggestion_paragraphs")
    document.add_paragraph("七、其他需要说明的问题", style=HEADING)
    paragraphs(document, "other_paragraphs", keep=True)
    spacer(document, keep_with_next=True)
    document.add_paragraph(
        f"附件：{ATTACHMENT_NAME}", style=ATTACHMENT_FIRST
    ).paragraph_format.keep_with_next = True
    add_signatures(document)
    _attachment(document)
    add_imprint(new_section(document, landscape=False))
    return document
