"""社会保险基金预算绩效信息公开 (Art. 21) as the GB/T 9704 document the region's finance publishes: the
red 版头 of the finance body with its 发文字号 (a 财社 document, numbered at publishing), the title
「<地区><年度>年度社会保险基金预算绩效信息公开」, the opening paragraph and the preface, 一、重要绩效目标 (a
caption and a table per fund: goal, indicator, target value, public note under it), 二、绩效评价结果 (one
table: fund, score, grade, note), the signature and date, the 版记. Nothing internal: the context comes
from the public snapshot (src/services/disclosure/snapshot.py).

Context: src/reports/contexts/performance_disclosure.py.
"""

from docx import Document as new_document
from docx.document import Document

from report_templates.kinds.monitoring_report import paragraphs
from report_templates.official.imprint import add_imprint
from report_templates.official.letterhead import (
    add_letterhead,
    add_recipients_and_body,
    add_signature,
    add_title,
    tag,
)
from report_templates.official.lights import add_loop_table
from report_templates.official.ooxml import set_properties
from report_templates.official.page import enable_odd_even_footers, new_section, set_up_section
from report_templates.official.styles import BODY, GRID_LEFT, GRID_TEXT, HEADING, set_up_styles
from report_templates.official.tables import Column, width_of
from report_templates.official.units import GRID_SIZE, TEXT_WIDTH

GOAL_COLUMNS: tuple[Column, ...] = (
    Column("绩效目标", "{{ r.goal }}", GRID_LEFT),
    Column("绩效指标", "{{ r.indicator }}", GRID_LEFT),
    Column("指标值", "{{ r.target }}", GRID_TEXT, whole=True),
)
RESULT_COLUMNS: tuple[Column, ...] = (
    Column("险种", "{{ r.fund }}", GRID_LEFT),
    Column("评价类型", "{{ r.kind }}", GRID_TEXT, whole=True),
    Column("得分", "{{ r.score }}", GRID_TEXT, whole=True),
    Column("等级", "{{ r.grade }}", GRID_TEXT, whole=True),
    Column("说明", "{{ r.note }}", GRID_LEFT),
)


def _goal_widths() -> list[int]:
    target = width_of("≥100,000,000人次", GRID_SIZE, header=False)
    goal = (TEXT_WIDTH - target) * 2 // 5
    return [goal, TEXT_WIDTH - target - goal, target]


def _result_widths() -> list[int]:
    kind = width_of("省级绩效评价", GRID_SIZE, header=False)
    score = width_of("100.00", GRID_SIZE)
    grade = width_of("等级", GRID_SIZE)
    fund = width_of("城乡居民基本养老保险基金", GRID_SIZE, header=False)
    return [fund, kind, score, grade, TEXT_WIDTH - fund - kind - score - grade]


def _goals(document: Document) -> None:
    document.add_paragraph("一、重要绩效目标", style=HEADING)
    tag(document, "for f in goals")
    caption = document.add_paragraph("{{ f.caption }}", style=GRID_LEFT)
    caption.paragraph_format.keep_with_next = True
    add_loop_table(document, GOAL_COLUMNS, "r in f.rows", _goal_widths())
    # The notes under their table, not kept with what follows: the funds' tables may break between pages.
    tag(document, "for paragraph in f.notes")
    document.add_paragraph("{{ paragraph }}", style=BODY).paragraph_format.keep_with_next = False
    tag(document, "endfor")
    tag(document, "else")
    document.add_paragraph("本年度未公开重要绩效目标。", style=BODY)
    tag(document, "endfor")


def _results(document: Document) -> None:
    document.add_paragraph("二、绩效评价结果", style=HEADING)
    add_loop_table(
        document, RESULT_COLUMNS, "r in results", _result_widths(), empty="本年度未公开绩效评价结果"
    )
    paragraphs(document, "closing", BODY, keep=True)


def build() -> Document:
    document = new_document()
    set_up_styles(document)
    enable_odd_even_footers(document)
    set_up_section(document.sections[0])
    set_properties(document, "社会保险基金预算绩效信息公开")
    add_letterhead(document)
    add_title(document)
    add_recipients_and_body(document)
    _goals(document)
    _results(document)
    add_signature(document)
    add_imprint(new_section(document, landscape=False))
    return document
