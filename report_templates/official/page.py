"""Pages: A4 portrait and landscape sections with the GB/T 9704 margins and line grid, and the page
number "— 1 —" (7.5: 4号半角宋体, 一字线 on both sides, 7 mm under the 版心; odd pages right and even pages
left, one character in from the edge), in different odd and even footers (settings: evenAndOddHeaders).

A landscape page (FORMS.md §8, 横排表格) is the portrait sheet turned a quarter to the left: its top is the
sheet's 订口 side (the table's head on the binding side on odd pages, on the cut side on even ones), and
"its page number stays where the other pages have theirs" — at the foot of the sheet held upright. On the
landscape page that is its left edge: the number is printed there in a text box turned a quarter to the
right (bodyPr vert="vert"), anchored to the page, 7 mm left of the 版心, reaching as far down as the sheet's
版心 reaches across (odd: one character short of its right end, even: one in from its left).
"""

from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section, _Footer
from docx.shared import Twips

from report_templates.official.ooxml import SECTPR_ORDER, element, insert_in_order
from report_templates.official.styles import PAGE_EVEN, PAGE_NUMBER_LINE, PAGE_ODD, style_id
from report_templates.official.units import (
    LINE,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_NUMBER_DROP,
    PAGE_WIDTH,
    TEXT_WIDTH,
)

# The footer's distance from the page's lower edge, so that the number's 一字线 (mid-line of its exact line)
# falls PAGE_NUMBER_DROP under the 版心.
NUMBER_LINE = PAGE_NUMBER_LINE
FOOTER_DISTANCE = MARGIN_BOTTOM - PAGE_NUMBER_DROP - NUMBER_LINE // 2
HEADER_DISTANCE = 851  # 15 mm (no headers: GB/T 9704 has none)
EMU_PER_TWIP = 635
_DRAWING_NS = (
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
)
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def _grid(section: Section) -> None:
    """Lines only (type lines, one line = LINE): the characters are tracked to 28 a line (units.py)."""
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = element("w:docGrid")
        insert_in_order(section._sectPr, grid, SECTPR_ORDER)
    grid.attrib.clear()
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE))


def set_up_section(section: Section, *, landscape: bool = False) -> None:
    """A4 with GB/T 9704 margins (turned for `landscape`), the line grid and both page-number footers (whose
    paragraphs page_number_paragraph finds)."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    if landscape:  # the sheet turned a quarter to the left: its left margin is at the top
        section.page_width, section.page_height = Twips(PAGE_HEIGHT), Twips(PAGE_WIDTH)
        section.top_margin, section.bottom_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
        section.left_margin, section.right_margin = Twips(MARGIN_BOTTOM), Twips(MARGIN_TOP)
    else:
        section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
        section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
        section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
    section.header_distance = Twips(HEADER_DISTANCE)
    section.footer_distance = Twips(FOOTER_DISTANCE)
    section.gutter = Twips(0)
    _grid(section)
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        _page_number(footer, odd=odd, landscape=landscape)


def new_section(document: Document, *, landscape: bool) -> Section:
    """A section starting on a new page, set up as set_up_section does."""
    section: Section = document.add_section(WD_SECTION.NEW_PAGE)
    set_up_section(section, landscape=landscape)
    return section


def enable_odd_even_footers(document: Document) -> None:
    document.settings.odd_and_even_pages_header_footer = True


def _number_runs() -> str:
    """The runs of "— n —": the dashes around a PAGE field."""
    return (
        '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        '<w:r><w:t xml:space="preserve"> —</w:t></w:r>'
    )


def _page_number(footer: _Footer, *, odd: bool, landscape: bool) -> None:
    footer.is_linked_to_previous = False
    for paragraph in footer.paragraphs:
        paragraph._p.getparent().remove(paragraph._p)
    style = style_id(PAGE_ODD if odd else PAGE_EVEN)
    number = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>{_number_runs()}'
    if not landscape:
        footer._element.append(parse_xml(f"<w:p {nsdecls('w')}>{number}</w:p>"))
        return
    anchor = _turned_box(number, ident=2 if odd else 3)
    footer._element.append(
        parse_xml(f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="Footer"/></w:pPr>{anchor}</w:p>')
    )


def _turned_box(paragraph_xml: str, *, ident: int) -> str:
    """A run holding a text box turned a quarter to the right (vert="vert") with one paragraph, at the
    landscape page's left edge, where the upright sheet's foot is: as tall as the 版心 is wide (from the top
    margin), and twice PAGE_NUMBER_DROP wide, right against the 版心, its line centred, so that the 一字线 is
    PAGE_NUMBER_DROP left of the 版心. Placed by alignment (leftMargin right, margin top), not by offsets:
    LibreOffice 7.4 ignores the offsets of a shape in a footer."""
    cx, cy = 2 * PAGE_NUMBER_DROP * EMU_PER_TWIP, TEXT_WIDTH * EMU_PER_TWIP
    return (
        f'<w:r><w:drawing><wp:anchor {_DRAWING_NS} distT="0" distB="0" distL="0" distR="0" simplePos="0"'
        ' relativeHeight="1" behindDoc="0" locked="1" layoutInCell="0" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="leftMargin"><wp:align>right</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="margin"><wp:align>top</wp:align></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        f'<wp:docPr id="{ident}" name="页码{ident}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="{_WPS}"><wps:wsp><wps:cNvSpPr txBox="1"/>'
        f'<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
        f"<wps:txbx><w:txbxContent><w:p>{paragraph_xml}</w:p></w:txbxContent></wps:txbx>"
        '<wps:bodyPr rot="0" vert="vert" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="ctr"'
        ' anchorCtr="0"><a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic></wp:anchor>'
        "</w:drawing></w:r>"
    )
