"""信函格式 (GB/T 9704 10.1), the 版头 of a 函: the issuing bodies' full names centred in red 小标宋 (each
joint issuer on a line of its own, in a size its length fits), a red double line 上粗下细 4 mm under them
and one 上细下粗 at the foot of the first page (170 mm, wider than the 版心 by 7 mm each side), the 发文字号
flush right under the top line (no rule of its own), no page number on the first page, no 印发 lines in the
版记. Unissued, the draft mark prints instead and nothing is red.

The context keys it reads: `issued`, `signers` (the issuing bodies, the sponsor first: the same list the
joint signatures print), `doc_number`, `draft_mark`.
"""

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.section import Section
from docx.shared import Twips
from docx.text.paragraph import Paragraph

from report_templates.official.letterhead import tag
from report_templates.official.ooxml import PPR_ORDER, element, insert_in_order
from report_templates.official.styles import DOC_NUMBER, DRAFT_MARK, ISSUER_SIZES, issuer_style
from report_templates.official.units import RED, mm

OVERHANG = mm(7)  # 170 mm rules on a 156 mm 版心
THICK, THIN = 18, 6  # eighths of a point: 2.25 pt and 0.75 pt
RULE_HEIGHT = 60  # twips between the two lines of a double rule (3 pt)


def _border(side: str, size: int) -> str:
    return f'<w:{side} w:val="single" w:sz="{size}" w:space="0" w:color="{RED}"/>'


def _double_rule_xml(top: int, bottom: int, *, before: int = 0) -> str:
    """An empty paragraph drawn as a double rule: its top border `top` thick, its bottom `bottom`."""
    return (
        f"<w:p {nsdecls('w')}><w:pPr>"
        f"<w:pBdr>{_border('top', top)}{_border('bottom', bottom)}</w:pBdr>"
        f'<w:spacing w:before="{before}" w:after="0" w:line="{RULE_HEIGHT}" w:lineRule="exact"/>'
        f'<w:ind w:left="{-OVERHANG}" w:right="{-OVERHANG}"/>'
        '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>'
    )


def _rule(document: Document, top: int, bottom: int, *, before: int = 0) -> None:
    """The rule where the next paragraph goes (before the body's closing section properties)."""
    placeholder = document.add_paragraph()._p
    placeholder.addnext(parse_xml(_double_rule_xml(top, bottom, before=before)))
    placeholder.getparent().remove(placeholder)


def _number(document: Document) -> Paragraph:
    """The 发文字号 flush right under the top rule: the number's style without its rule and its drop."""
    number = document.add_paragraph("{{ doc_number }}", style=DOC_NUMBER)
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    number.paragraph_format.space_before = Twips(0)
    bare = '<w:bottom w:val="nil"/>'
    insert_in_order(number._p.get_or_add_pPr(), element("w:pBdr", content=bare), PPR_ORDER)
    return number


def add_letter_head(document: Document) -> None:
    """The 信函格式 版头 at the top of the body (the draft mark unissued)."""
    tag(document, "if issued")
    # One size for every name, the one the longest fits in (a joint letter's names read as one block).
    longest = "(signers|map('length')|max)"
    for index, (most, size) in enumerate(ISSUER_SIZES):
        last = index == len(ISSUER_SIZES) - 1
        tag(document, "else" if last else f"{'if' if index == 0 else 'elif'} {longest} <= {most}")
        tag(document, "for name in signers")
        issuer = document.add_paragraph("{{ name }}", style=issuer_style(size))
        issuer.paragraph_format.space_before = Twips(0)
        issuer.paragraph_format.keep_with_next = True
        tag(document, "endfor")
    tag(document, "endif")
    _rule(document, THICK, THIN, before=mm(4))  # 上粗下细, 4 mm under the names
    _number(document)
    tag(document, "else")
    document.add_paragraph("{{ draft_mark }}", style=DRAFT_MARK)
    tag(document, "endif")


def add_letter_foot(section: Section) -> None:
    """The first page's own footer (GB/T 9704 10.1: no page number there): the 上细下粗 red double rule,
    issued only; the other pages keep their odd and even page numbers."""
    section.different_first_page_header_footer = True
    footer = section.first_page_footer
    footer.is_linked_to_previous = False
    for paragraph in footer.paragraphs:
        paragraph._p.getparent().remove(paragraph._p)
    for xml in (
        f"<w:p {nsdecls('w')}><w:r><w:t>{{%p if issued %}}</w:t></w:r></w:p>",
        _double_rule_xml(THIN, THICK),
        f"<w:p {nsdecls('w')}><w:r><w:t>{{%p else %}}</w:t></w:r></w:p>",
        f'<w:p {nsdecls("w")}><w:pPr><w:spacing w:line="{RULE_HEIGHT}" w:lineRule="exact"/></w:pPr></w:p>',
        f"<w:p {nsdecls('w')}><w:r><w:t>{{%p endif %}}</w:t></w:r></w:p>",
    ):
        footer._element.append(parse_xml(xml))
