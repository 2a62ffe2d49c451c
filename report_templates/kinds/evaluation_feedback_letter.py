"""评价结果反馈函 (Art. 19; FORMS §4C) as the GB/T 9704 函 财政厅 issues jointly with the fund's
administration and 省税务局: the 版头 of the sponsoring body (7.2.3: 联合行文时…可以单独用主办机关名称) with
its number once sent (草稿 before), the title, 主送 the region's finance, administration and agency, the
opening paragraph, 一、评价结果, 二、主要成效, 三、存在问题, 四、整改要求 (with its time limit), 五、结果应用,
each issuing body's signature (7.3.5.1) and the 版记.

Context: src/reports/contexts/evaluation_feedback_letter.py.
"""

from docx import Document as new_document
from docx.document import Document

from report_templates.kinds.monitoring_report import paragraphs
from report_templates.official.imprint import add_imprint
from report_templates.official.letterhead import add_letterhead, add_recipients_and_body, add_title
from report_templates.official.ooxml import set_properties
from report_templates.official.page import enable_odd_even_footers, new_section, set_up_section
from report_templates.official.signatures import add_signatures
from report_templates.official.styles import HEADING, set_up_styles

PARTS = (
    ("一、评价结果", "result_paragraphs"),
    ("二、主要成效", "achievement_paragraphs"),
    ("三、存在问题", "problem_paragraphs"),
    ("四、整改要求", "rectification_paragraphs"),
    ("五、结果应用", "application_paragraphs"),
)


def build() -> Document:
    document = new_document()
    set_up_styles(document)
    enable_odd_even_footers(document)
    set_up_section(document.sections[0])
    set_properties(document, "评价结果反馈函")
    add_letterhead(document)
    add_title(document)
    add_recipients_and_body(document)
    for heading, key in PARTS:
        document.add_paragraph(heading, style=HEADING)
        paragraphs(document, key, keep=key == PARTS[-1][1])
    add_signatures(document)
    add_imprint(new_section(document, landscape=False))
    return document
