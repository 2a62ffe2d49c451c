"""考核结果通报 (Art. 22) as the GB/T 9704 通报 财政厅 issues jointly with 人力资源社会保障厅, 省医保局 and
省税务局: the 版头 of the sponsoring body (7.2.3: 联合行文时…可以单独用主办机关名称) with its number once
published (草稿 before), the title, 主送 the prefectures' finance, HRSS, medical security and tax bodies, the
opening paragraph, 一、考核基本情况, 二、考核结果 (the ranking table: 排名, 市（州）, 总分, each sub-score),
三、表扬, 四、工作推进不力, 五、下一步要求, each issuing body's signature (7.3.5.1) and the 版记.

Context: src/reports/contexts/assessment_notice.py.
"""

from docx import Document as new_document
from docx.document import Document

from report_templates.kinds.monitoring_report import paragraphs
from report_templates.official.imprint import add_imprint
from report_templates.official.letterhead import add_letterhead, add_recipients_and_body, add_title
from report_templates.official.lights import add_loop_table
from report_templates.official.ooxml import set_properties
from report_templates.official.page import enable_odd_even_footers, new_section, set_up_section
from report_templates.official.signatures import add_signatures
from report_templates.official.styles import GRID_LEFT, GRID_TEXT, HEADING, set_up_styles
from report_templates.official.tables import Column
from report_templates.official.units import TEXT_WIDTH

COLUMNS: tuple[Column, ...] = (
    Column("排名", "{{ r.rank }}", GRID_TEXT, whole=True),
    Column("市（州）", "{{ r.name }}", GRID_LEFT),
    Column("总分", "{{ r.total }}", GRID_TEXT, whole=True),
    Column("按时完成", "{{ r.deadlines }}", GRID_TEXT),
    Column("绩效自评", "{{ r.evaluations }}", GRID_TEXT),
    Column("问题整改", "{{ r.rectification }}", GRID_TEXT),
    Column("预警处置", "{{ r.warnings }}", GRID_TEXT),
    Column("考核结果", "{{ r.outcome }}", GRID_TEXT),
)
# Shares of the text width: each sub-score prints its score, then its counts on a line of their own.
SHARES = (7, 16, 11, 13, 13, 13, 13, 14)
COUNTED = ("deadlines", "evaluations", "rectification", "warnings")  # columns 3 to 6


def _widths() -> list[int]:
    widths = [TEXT_WIDTH * share // sum(SHARES) for share in SHARES]
    widths[1] += TEXT_WIDTH - sum(widths)
    return widths


def build() -> Document:
    document = new_document()
    set_up_styles(document)
    enable_odd_even_footers(document)
    set_up_section(document.sections[0])
    set_properties(document, "考核结果通报")
    add_letterhead(document)
    add_title(document)
    add_recipients_and_body(document)
    document.add_paragraph("一、考核基本情况", style=HEADING)
    paragraphs(document, "basic_paragraphs")
    document.add_paragraph("二、考核结果", style=HEADING)
    paragraphs(document, "result_paragraphs", keep=True)
    table = add_loop_table(document, COLUMNS, "r in rows", _widths(), empty="尚无考核结果")
    data = table.rows[2]
    for cell, key in zip(data.cells[3:7], COUNTED, strict=True):
        run = cell.paragraphs[0].add_run()
        run.add_break()
        run.add_text(f"{{{{ r.{key}_counts }}}}")
    document.add_paragraph("三、表扬", style=HEADING)
    paragraphs(document, "commend_paragraphs")
    document.add_paragraph("四、工作推进不力", style=HEADING)
    paragraphs(document, "weak_paragraphs")
    document.add_paragraph("五、下一步要求", style=HEADING)
    paragraphs(document, "next_paragraphs", keep=True)
    add_signatures(document)
    add_imprint(new_section(document, landscape=False))
    return document
