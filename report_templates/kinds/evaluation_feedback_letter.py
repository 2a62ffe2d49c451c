"""评价结果反馈函 (Art. 19; FORMS §4C) as the GB/T 9704 函 财政厅 issues jointly with the fund's
administration and 省税务局, in the 信函格式 (10.1; report_templates/official/letter_format.py): the joint
issuers' names over the red double rule with its number once sent (草稿 before), the title, 主送 the
region's finance, administration and agency, the opening paragraph, 一、评价结果, 二、主要成效,
三、存在问题, 四、整改要求 (with its time limit), 五、结果应用,
each issuing body's signature (7.3.5.1); no 印发 lines (信函格式).

Context: src/reports/contexts/evaluation_feedback_letter.py.
"""

from docx import Document as new_document
from docx.document import Document

from report_templates.kinds.monitoring_report import paragraphs
from report_templates.official.letter_format import add_letter_foot, add_letter_head
from report_templates.official.letterhead import add_recipients_and_body, add_title
from report_templates.official.ooxml import set_properties
from report_templates.official.page import enable_odd_even_footers, set_up_section
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
    add_letter_foot(document.sections[0])
    add_letter_head(document)
    add_title(document)
    add_recipients_and_body(document)
    for heading, key in PARTS:
        document.add_paragraph(heading, style=HEADING)
        paragraphs(document, key, keep=key == PARTS[-1][1])
    add_signatures(document)
    return document
