"""版记 (GB/T 9704 7.4) at the foot of the document's last page: the 抄送 line (4号仿宋, 左右各空一字, a
wrapped line aligned after the colon) when there is one, then 印发机关 left and 印发日期 right with 印发; a
0.35 mm rule above the first and under the last, 0.25 mm between them (the table's borders).

It is the footer of the document's last section (a portrait page of its own after the landscape grid), set
above the page number so that its last rule is the 版心's lower edge: a footer grows upwards from its
distance to the page's edge, in Word and in LibreOffice, however many lines the 抄送 takes. (A frame or a
floating table anchored to the foot of the 版心 would do in Word, but LibreOffice 7.4 drops a frame whose
paragraphs have different borders and does not anchor floating tables to the foot.)

Context: `cc` (ending with its full stop), `printer`, `print_date` ("" until issued: a blank date to fill).
"""

from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.section import Section, _Footer
from docx.shared import Twips

from report_templates.official.letterhead import BLANK_DATE
from report_templates.official.ooxml import TBLPR_ORDER, element, insert_in_order
from report_templates.official.page import FOOTER_DISTANCE
from report_templates.official.styles import IMPRINT, PAGE_NUMBER_LINE
from report_templates.official.tables import fill, keep_row_together, tag_row
from report_templates.official.units import MARGIN_BOTTOM, SMALL_CHAR, TEXT_WIDTH, THICK_RULE, THIN_RULE

CC_LABEL = "抄送："
# Between the table's last rule and the page number's line, so the rule is the 版心's lower edge.
GAP = MARGIN_BOTTOM - FOOTER_DISTANCE - PAGE_NUMBER_LINE


def _rules() -> str:
    thick = f'w:val="single" w:sz="{THICK_RULE}" w:space="0" w:color="000000"'
    thin = f'w:val="single" w:sz="{THIN_RULE}" w:space="0" w:color="000000"'
    none = 'w:val="nil"'
    return (
        f"<w:top {thick}/><w:left {none}/><w:bottom {thick}/><w:right {none}/>"
        f"<w:insideH {thin}/><w:insideV {none}/>"
    )


def _imprint(footer: _Footer) -> None:
    (number,) = footer.paragraphs
    table = footer.add_table(4, 1, Twips(TEXT_WIDTH))
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(TEXT_WIDTH))
    insert_in_order(tbl_pr, element("w:jc", 'w:val="center"'), TBLPR_ORDER)
    insert_in_order(tbl_pr, element("w:tblBorders", content=_rules()), TBLPR_ORDER)
    insert_in_order(tbl_pr, element("w:tblLayout", 'w:type="fixed"'), TBLPR_ORDER)
    margins = '<w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/>'
    insert_in_order(tbl_pr, element("w:tblCellMar", content=margins), TBLPR_ORDER)
    table._tbl.tblGrid.gridCol_lst[0].w = Twips(TEXT_WIDTH)
    if_cc, cc_row, end, printed_row = table.rows
    tag_row(if_cc, "{%tr if cc %}", IMPRINT)
    cc = fill(cc_row.cells[0], f"{CC_LABEL}{{{{ cc }}}}", IMPRINT)
    cc.paragraph_format.left_indent = Twips(SMALL_CHAR * (1 + len(CC_LABEL)))
    cc.paragraph_format.first_line_indent = Twips(-SMALL_CHAR * len(CC_LABEL))
    tag_row(end, "{%tr endif %}", IMPRINT)
    printed = fill(printed_row.cells[0], "{{ printer }}", IMPRINT)
    printed.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_WIDTH - SMALL_CHAR), WD_TAB_ALIGNMENT.RIGHT)
    printed.add_run().add_tab()
    printed.add_run(f"{{% if print_date %}}{{{{ print_date }}}}{{% else %}}{BLANK_DATE}{{% endif %}}印发")
    for row in (cc_row, printed_row):
        keep_row_together(row)
        row.cells[0].width = Twips(TEXT_WIDTH)
    number._p.addprevious(table._tbl)
    number.paragraph_format.space_before = Twips(GAP)


def add_imprint(section: Section) -> None:
    """The 版记 in both footers (odd and even pages) of `section`, the document's last."""
    _imprint(section.footer)
    _imprint(section.even_page_footer)
