"""财政厅's July summary of a year's provincial evaluations (Art. 17: 财政厅于7月底前完成汇总并上报), as the
GB/T 9704 报告 it sends upward: the red 版头 with its number once sent (草稿 before), the title, 主送 the
national departments, the opening paragraph, 一、总体情况 (the generated overview, a row per fund — 应评 and
已评地区数, 平均得分, the regions by grade, those below the pass band, the execution rate, where the fund's
provincial report stands — and the text), 二、存在的问题, 三、下一步工作, 附件 (the funds' provincial
reports), the signature and the 版记 (抄送 the provincial departments).

Context: src/reports/contexts/provincial_evaluation_summary.py.
"""

from docx import Document as new_document
from docx.document import Document

from report_templates.kinds.monitoring_report import paragraphs
from report_templates.official.attachments import add_attachments
from report_templates.official.headers import Group, Label, header_width, two_row_header
from report_templates.official.imprint import add_imprint
from report_templates.official.letterhead import (
    add_letterhead,
    add_recipients_and_body,
    add_signature,
    add_title,
)
from report_templates.official.lights import add_loop_table
from report_templates.official.ooxml import set_properties
from report_templates.official.page import enable_odd_even_footers, new_section, set_up_section
from report_templates.official.styles import BODY, GRID_HEAD, GRID_LEFT, GRID_TEXT, HEADING, set_up_styles
from report_templates.official.tables import Column, width_of
from report_templates.official.units import GRID_SIZE, TEXT_WIDTH

CAPTION = "各险种省级绩效评价情况（地区数单位：个；执行率为基金支出执行率）："
GRADE_KEYS = ("excellent", "good", "fair", "poor")
COLUMNS: tuple[Column, ...] = (
    Column("险种", "{{ f.fund }}", GRID_LEFT),
    Column("应评", "{{ f.expected }}", GRID_TEXT, whole=True),
    Column("已评", "{{ f.evaluated }}", GRID_TEXT, whole=True),
    Column("平均得分", "{{ f.average }}", GRID_TEXT, whole=True),
    *(Column(key, f"{{{{ f.{key} }}}}", GRID_TEXT, whole=True) for key in GRADE_KEYS),
    Column("低于合格", "{{ f.below_pass }}", GRID_TEXT, whole=True),
    Column("执行率", "{{ f.rate }}", GRID_TEXT, whole=True),
    Column("省级评价报告", "{{ f.report }}", GRID_TEXT, whole=True),
)
HEADS: tuple[Label | Group, ...] = (
    ("险种",),
    ("应评", "地区"),
    ("已评", "地区"),
    ("平均", "得分"),
    Group("评价等级", (("优",), ("良",), ("中",), ("差",))),
    ("低于", "合格线"),
    ("执行率",),
    ("评价报告",),
)
# The widest values of the columns their header does not cover: 100.00, 100.00%, 已审核通过.
VALUES = {3: "100.00", 9: "100.00%", 10: "已审核通过"}


def _widths() -> list[int]:
    labels: list[Label] = []
    for head in HEADS:
        labels.extend(head.labels if isinstance(head, Group) else [head])
    widths = [header_width(label, GRID_SIZE) for label in labels]
    for index, value in VALUES.items():
        widths[index] = max(widths[index], width_of(value, GRID_SIZE, header=False))
    at = 0
    for head in HEADS:  # a group's columns together as wide as its name
        count = len(head.labels) if isinstance(head, Group) else 1
        if isinstance(head, Group):
            short = header_width((head.name,), GRID_SIZE) - sum(widths[at : at + count])
            for index in range(at, at + count):
                widths[index] += max(short, 0) // count + 1
        at += count
    widths[0] = TEXT_WIDTH - sum(widths[1:])
    return widths


def _table(document: Document) -> None:
    caption = document.add_paragraph(CAPTION, style=GRID_LEFT)
    caption.paragraph_format.keep_with_next = True
    table = add_loop_table(document, COLUMNS, "f in funds", _widths(), empty="本年度尚无险种的评价结果")
    two_row_header(table, HEADS, GRID_HEAD)


def build() -> Document:
    document = new_document()
    set_up_styles(document)
    enable_odd_even_footers(document)
    set_up_section(document.sections[0])
    set_properties(document, "社会保险基金预算绩效评价情况的报告")
    add_letterhead(document)
    add_title(document)
    add_recipients_and_body(document)
    document.add_paragraph("一、总体情况", style=HEADING)
    document.add_paragraph("{{ overview }}", style=BODY)
    _table(document)
    paragraphs(document, "overview_paragraphs")
    document.add_paragraph("二、存在的问题", style=HEADING)
    paragraphs(document, "problem_paragraphs")
    document.add_paragraph("三、下一步工作", style=HEADING)
    paragraphs(document, "next_step_paragraphs", keep=True)
    add_attachments(document)
    add_signature(document)
    add_imprint(new_section(document, landscape=False))
    return document
