"""市（州）上年运行监控情况汇总报告 (Art. 13) as the GB/T 9704 document a prefecture's finance sends to the
four provincial bodies: the red 版头 with its number once sent (草稿 before), the title, 主送, the opening
paragraph, 一、总体情况 (the generated overview, finance's text and the compiled table: a row per fund with
its goal's light in its colour, its indicators counted by light, its spending's execution rate and light,
its open warnings), 二、存在问题, 三、改进措施, 附件 (7.3.4: the reports compiled, numbered, a long name
wrapping under its first character), the signature (kept with the text before it) and the 版记 on a last
page of its own.

Context: src/reports/contexts/monitoring_compilation.py.
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
from report_templates.official.styles import (
    BODY,
    GRID_HEAD,
    GRID_LEFT,
    GRID_TEXT,
    HEADING,
    SIGNAL,
    set_up_styles,
)
from report_templates.official.tables import Column
from report_templates.official.units import GRID_SIZE, TEXT_WIDTH

COUNTS = ("red", "yellow", "green", "blue")
COLUMNS: tuple[Column, ...] = (
    Column("基金", "{{ r.fund }}", GRID_LEFT),
    Column("目标监控结果", "{{ r.goal_light }}", SIGNAL, whole=True),
    *(Column(key, f"{{{{ r.{key} }}}}", GRID_TEXT, whole=True) for key in COUNTS),
    Column("执行率", "{{ r.spending }}", GRID_TEXT, whole=True),
    Column("执行监控结果", "{{ r.execution_light }}", SIGNAL, whole=True),
    Column("未处置预警", "{{ r.warnings }}", GRID_TEXT, whole=True),
)
HEADS: tuple[Label | Group, ...] = (
    ("基金",),
    ("绩效目标", "监控结果"),
    Group("指标监控结果（项）", (("红灯",), ("黄灯",), ("绿灯",), ("蓝灯",))),
    Group("基金支出", (("执行率",), ("监控结果",))),
    ("未处置", "预警（项）"),
)


def _widths() -> list[int]:
    labels: list[Label] = []
    for head in HEADS:
        labels.extend(head.labels if isinstance(head, Group) else [head])
    widths = [header_width(label, GRID_SIZE) for label in labels]
    widths[0] = TEXT_WIDTH - sum(widths[1:])
    return widths


def _table(document: Document) -> None:
    caption = document.add_paragraph("各基金运行监控情况：", style=GRID_LEFT)
    caption.paragraph_format.keep_with_next = True
    table = add_loop_table(document, COLUMNS, "r in rows", _widths())
    two_row_header(table, HEADS, GRID_HEAD)


def build() -> Document:
    document = new_document()
    set_up_styles(document)
    enable_odd_even_footers(document)
    set_up_section(document.sections[0])
    set_properties(document, "运行监控情况汇总报告")
    add_letterhead(document)
    add_title(document)
    add_recipients_and_body(document)
    document.add_paragraph("一、总体情况", style=HEADING)
    document.add_paragraph("{{ overview }}", style=BODY)
    paragraphs(document, "summary_paragraphs")
    _table(document)
    document.add_paragraph("二、存在问题", style=HEADING)
    paragraphs(document, "problems_paragraphs")
    document.add_paragraph("三、改进措施", style=HEADING)
    paragraphs(document, "measures_paragraphs", keep=True)
    add_attachments(document)
    add_signature(document)
    add_imprint(new_section(document, landscape=False))
    return document
