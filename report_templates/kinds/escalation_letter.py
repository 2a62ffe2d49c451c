"""The 两书一函 (Art. 22; FORMS §4C): 《预算绩效管理提醒督促书》, 《预算绩效管理整改通知书》 and
《预算绩效管理工作约谈函》, each a GB/T 9704 document of 财政厅 issued jointly: the 版头 of the sponsoring
body with its number, the title, 主送 the prefecture's bodies, the opening with the reason, 一、存在问题,
二、the requirement (问题清单, 约谈安排) with the answer-by date, each issuing body's signature (7.3.5.1) and
the 版记 — the 约谈函 in the 信函格式 instead (GB/T 9704 10.1: report_templates/official/letter_format.py),
without 印发 lines.

Context: src/reports/contexts/escalation_letter.py.
"""

from collections.abc import Callable

from docx import Document as new_document
from docx.document import Document

from report_templates.kinds.monitoring_report import paragraphs
from report_templates.official.imprint import add_imprint
from report_templates.official.letter_format import add_letter_foot, add_letter_head
from report_templates.official.letterhead import add_letterhead, add_recipients_and_body, add_title
from report_templates.official.ooxml import set_properties
from report_templates.official.page import enable_odd_even_footers, new_section, set_up_section
from report_templates.official.signatures import add_signatures
from report_templates.official.styles import HEADING, set_up_styles


def builder(title: str, *, letter: bool = False) -> Callable[[], Document]:
    """The layout of the 书 (文件格式, with the 版记), or with `letter` of the 函 (信函格式)."""

    def build() -> Document:
        document = new_document()
        set_up_styles(document)
        enable_odd_even_footers(document)
        set_up_section(document.sections[0])
        set_properties(document, title)
        if letter:
            add_letter_foot(document.sections[0])
            add_letter_head(document)
        else:
            add_letterhead(document)
        add_title(document)
        add_recipients_and_body(document)
        document.add_paragraph("{{ fact_heading }}", style=HEADING)
        paragraphs(document, "fact_paragraphs")
        document.add_paragraph("{{ requirement_heading }}", style=HEADING)
        paragraphs(document, "requirement_paragraphs", keep=True)
        add_signatures(document)
        if not letter:
            add_imprint(new_section(document, landscape=False))
        return document

    return build


reminder = builder("预算绩效管理提醒督促书")
rectification_notice = builder("预算绩效管理整改通知书")
interview_letter = builder("预算绩效管理工作约谈函", letter=True)
