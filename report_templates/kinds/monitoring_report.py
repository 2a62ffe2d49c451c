"""运行监控情况报告 (Art. 13) as a GB/T 9704 document of the agency: the draft mark while a draft (an
agency's report has no red 版头 here), the title, 主送, the opening paragraph, then

一、执行进展 — the generated overview and the agency's text; （一）绩效目标完成情况: the lights' legend
(each light's word in its colour over how many indicators it lights) and each indicator with its target,
its actual to date, its progress and its light in its colour; （二）预算执行情况: each budget line's
execution against the 序时进度, lit likewise;
二、存在问题 — the agency's text and the warnings of the period with their responses;
三、改进措施 — the agency's text;

the signature (the agency, 成文日期 the day it was submitted) and the 版记 on a last page of its own.

Context: src/reports/contexts/monitoring_report.py.
"""

from docx import Document as new_document
from docx.document import Document

from report_templates.official.imprint import add_imprint
from report_templates.official.letterhead import add_recipients_and_body, add_signature, add_title, tag
from report_templates.official.lights import add_light_legend, add_loop_table, column_widths
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
    SIGNAL,
    set_up_styles,
)
from report_templates.official.tables import Column, GroupedGrid, add_table, width_of
from report_templates.official.units import GRID_SIZE, TEXT_WIDTH

INDICATORS: tuple[Column, ...] = (
    Column("一级指标", "{{ r.level1 }}", GRID_TEXT, group="r.level1"),
    Column("三级指标", "{{ r.level3 }}", GRID_LEFT),
    Column("年度指标值", "{{ r.target }}", GRID_TEXT, whole=True),
    Column("{{ period }}完成", "{{ r.actual }}", GRID_TEXT, whole=True),
    Column("完成进度", "{{ r.progress }}", GRID_TEXT, whole=True),
    Column("监控结果", "{{ r.light }}", SIGNAL, whole=True),
)
EXECUTION: tuple[Column, ...] = (
    Column("项目", "{{ b.label }}", GRID_LEFT),
    Column("调整后预算数", "{{ b.budget }}", GRID_TEXT, whole=True),
    Column("{{ period }}执行数", "{{ b.executed }}", GRID_TEXT, whole=True),
    Column("执行率", "{{ b.rate }}", GRID_TEXT, whole=True),
    Column("监控结果", "{{ b.light }}", SIGNAL, whole=True),
)
WARNINGS: tuple[Column, ...] = (
    Column("预警类别", "{{ w.kind }}", GRID_LEFT, whole=True),
    Column("预警事项", "{{ w.subject }}", GRID_LEFT),
    Column("监控期", "{{ w.period }}", GRID_TEXT, whole=True),
    Column("监控结果", "{{ w.light }}", SIGNAL, whole=True),
    Column("偏差", "{{ w.deviation }}", GRID_TEXT, whole=True),
    Column("处置情况", "{{ w.response }}", GRID_LEFT),
)
AMOUNT = width_of("999,999,999.99", GRID_SIZE, header=False)


def paragraphs(document: Document, loop: str, style: str = BODY, *, keep: bool = False) -> None:
    """One paragraph per item of `loop` (the user's text, paragraph by paragraph); `keep`: each keeps with
    the next, so that the last goes with the signature after it (GB/T 9704 7.3.5.1: a signature is never
    alone on a page)."""
    tag(document, f"for paragraph in {loop}")
    document.add_paragraph("{{ paragraph }}", style=style).paragraph_format.keep_with_next = keep or None
    tag(document, "endfor")


def _indicators(document: Document) -> None:
    document.add_paragraph("（一）绩效目标完成情况", style=HEADING_2)
    add_light_legend(document, TEXT_WIDTH)
    document.add_paragraph("", style=GRID_LEFT)
    grid = GroupedGrid(INDICATORS, "r in rows", GRID_HEAD, GRID_LEFT)
    minimum = {"年度指标值": width_of("≥99,999万人", GRID_SIZE, header=False)}
    widths = column_widths(INDICATORS, TEXT_WIDTH, stretch="三级指标", minimum=minimum)
    grid.fill(add_table(document, grid.row_count(), widths))


def _execution(document: Document) -> None:
    document.add_paragraph("（二）预算执行情况", style=HEADING_2)
    caption = document.add_paragraph("金额单位：万元；序时进度：{{ elapsed }}", style=GRID_LEFT)
    caption.paragraph_format.keep_with_next = True
    minimum = {c.header: AMOUNT for c in EXECUTION[1:3]}
    widths = column_widths(EXECUTION, TEXT_WIDTH, stretch="项目", minimum=minimum)
    add_loop_table(document, EXECUTION, "b in budget_rows", widths, empty="本年度尚无基金预算和执行数据")


def _warnings(document: Document) -> None:
    tag(document, "if warnings")
    caption = document.add_paragraph("本期预警及处置情况：", style=GRID_LEFT)
    caption.paragraph_format.keep_with_next = True
    widths = column_widths(
        WARNINGS,
        TEXT_WIDTH,
        stretch="预警事项",
        minimum={"预警类别": width_of("绩效目标执行偏差", GRID_SIZE)},
    )
    add_loop_table(document, WARNINGS, "w in warnings", widths)
    tag(document, "endif")


def build() -> Document:
    document = new_document()
    set_up_styles(document)
    enable_odd_even_footers(document)
    set_up_section(document.sections[0])
    set_properties(document, "运行监控情况报告")
    tag(document, "if draft_mark")
    document.add_paragraph("{{ draft_mark }}", style=DRAFT_MARK)
    tag(document, "endif")
    add_title(document)
    add_recipients_and_body(document)
    document.add_paragraph("一、执行进展", style=HEADING)
    document.add_paragraph("{{ overview }}", style=BODY)
    paragraphs(document, "progress_paragraphs")
    _indicators(document)
    _execution(document)
    document.add_paragraph("二、存在问题", style=HEADING)
    paragraphs(document, "problems_paragraphs")
    _warnings(document)
    document.add_paragraph("三、改进措施", style=HEADING)
    paragraphs(document, "measures_paragraphs", keep=True)
    add_signature(document)
    add_imprint(new_section(document, landscape=False))
    return document
