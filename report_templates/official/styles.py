"""The paragraph styles of every official document (ids are the names without spaces): each 公文 element
has its own, so a document says what each paragraph is, and the checker (tests/support/document_checker.py)
finds fonts by role.

Body text sits on the page's line grid (one 579-twip line each, 22 a page); what is set in another size (the
发文机关标志, tables, the page number, the 版记) leaves the grid (snapToGrid off), or LibreOffice would give
each of its lines a whole number of grid lines.
"""

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor, Twips
from docx.styles.style import ParagraphStyle

from report_templates.official.ooxml import PPR_ORDER, RPR_ORDER, element, insert_in_order, name_font
from report_templates.official.units import (
    BODY_SIZE,
    CHAR,
    FANGSONG,
    GRID_LINE,
    GRID_SIZE,
    HEITI,
    IMPRINT_SIZE,
    ISSUER_DROP,
    KAITI,
    LINE,
    PAGE_NUMBER_SIZE,
    RED,
    RULE_GAP,
    SMALL_CHAR,
    SONGTI,
    TABLE_LINE,
    TABLE_SIZE,
    TITLE_SIZE,
    TRACKING,
    XIAOBIAOSONG,
)
from src.reports import signals

ISSUER = "GB Issuer"  # 发文机关标志, in one of ISSUER_SIZES by the name's length
# (characters of "<issuer>文件" up to, pt): the largest size that keeps the mark on one line of the 版心.
ISSUER_SIZES: tuple[tuple[int, float], ...] = ((8, 48.0), (11, 36.0), (14, 30.0), (99, 26.0))
DOC_NUMBER = "GB Document Number"  # 发文字号, with the red rule under it
DRAFT_MARK = "GB Draft Mark"  # 征求意见稿 / 草稿 where an unissued document has no 版头
TITLE = "GB Title"
RECIPIENTS = "GB Recipients"  # 主送机关
BODY = "GB Body"
HEADING = "GB Heading 1"  # 一、
HEADING_2 = "GB Heading 2"  # （一）, in 楷体 (FORMS.md §5 主体)
ATTACHMENT_FIRST = "GB Attachment First"  # 附件说明 (7.3.4): 附件：1.××, 左空二字
ATTACHMENT = "GB Attachment"  # its further items, 2.××, aligned with the first's name
SIGNER = "GB Signer"  # 发文机关署名, centred over the date
DATE = "GB Date"  # 成文日期, 右空四字
IMPRINT = "GB Imprint"  # 版记: 抄送, 印发机关和印发日期
PAGE_ODD, PAGE_EVEN = "GB Page Number Odd", "GB Page Number Even"
TABLE_HEAD, TABLE_TEXT, TABLE_LEFT = "GB Table Head", "GB Table Text", "GB Table Text Left"
GRID_HEAD, GRID_TEXT, GRID_LEFT = "GB Grid Head", "GB Grid Text", "GB Grid Text Left"
GRID_CAPTION = "GB Grid Caption"  # a form's part over its table (一、预算执行情况), 5号黑体
SPACER = "GB Spacer"  # an empty body line (空一行)
# A table cell that says a light (红灯 …): shaded in its colour after rendering (src/reports/signals.py).
SIGNAL = signals.SIGNAL
TITLE_TRACKING = -7  # twentieths of a point
PAGE_NUMBER_LINE = round(PAGE_NUMBER_SIZE * 20 * 1.3)  # twips: the page number's line, exactly

CENTER, LEFT, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)


def issuer_style(size: float) -> str:
    return f"{ISSUER} {int(size)}"


def style_id(name: str) -> str:
    return name.replace(" ", "")


def paragraph_style(
    document: Document,
    name: str,
    *,
    font: str,
    size: float,
    line: int | None = LINE,
    align: WD_ALIGN_PARAGRAPH | None = None,
    color: RGBColor | None = None,
    grid: bool = True,
    tracking: int = 0,
) -> ParagraphStyle:
    """A paragraph style on Normal: its face for every script, size, exact line (None: single), alignment,
    colour; off the line grid unless `grid`; `tracking` in twentieths of a point between characters."""
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(style, ParagraphStyle)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    rpr = style.element.get_or_add_rPr()
    name_font(rpr, font)
    style.font.size = Pt(size)
    insert_in_order(rpr, element("w:spacing", f'w:val="{tracking}"'), RPR_ORDER)
    if color is not None:
        style.font.color.rgb = color
    paragraph = style.paragraph_format
    paragraph.line_spacing = Twips(line) if line is not None else 1.0
    paragraph.space_before = Pt(0)
    paragraph.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    if not grid:
        insert_in_order(style.element.get_or_add_pPr(), element("w:snapToGrid", 'w:val="0"'), PPR_ORDER)
    return style


def _defaults(document: Document) -> None:
    """Document defaults and Normal: 3号 仿宋_GB2312 tracked to 28 a line, exactly one line, zh-CN, no
    automatic space around Latin text."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    name_font(rpr, FANGSONG)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(int(BODY_SIZE * 2)))
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    for key, value in (("w:after", "0"), ("w:line", str(LINE)), ("w:lineRule", "exact")):
        spacing.set(qn(key), value)
    # No extra space between Chinese and Latin letters or digits (Word's and LibreOffice's default adds a
    # quarter em on each side of 2026): a line holds its 28 characters, a title line its 20.
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        insert_in_order(ppr, element(tag, 'w:val="0"'), PPR_ORDER)
        insert_in_order(
            document.styles["Normal"].element.get_or_add_pPr(), element(tag, 'w:val="0"'), PPR_ORDER
        )
    normal = document.styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    normal_rpr = normal.element.get_or_add_rPr()
    name_font(normal_rpr, FANGSONG)
    normal.font.size = Pt(BODY_SIZE)
    insert_in_order(normal_rpr, element("w:spacing", f'w:val="{TRACKING}"'), RPR_ORDER)
    normal.paragraph_format.line_spacing = Twips(LINE)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.widow_control = False
    # Word and LibreOffice pick the East Asian face by this language: the python-docx default says ja-JP.
    document.settings.element.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")


def _letterhead(document: Document) -> None:
    for _, size in ISSUER_SIZES:
        issuer = paragraph_style(
            document, issuer_style(size), font=XIAOBIAOSONG, size=size, line=round(size * 24),
            align=CENTER, color=RED, grid=False,
        )  # fmt: skip
        issuer.paragraph_format.space_before = Twips(ISSUER_DROP)
    number = paragraph_style(
        document, DOC_NUMBER, font=FANGSONG, size=BODY_SIZE, align=CENTER, tracking=TRACKING
    )
    number.paragraph_format.space_before = Twips(2 * LINE)  # 发文机关标志下空二行
    rule = f'<w:bottom w:val="single" w:sz="12" w:space="{RULE_GAP}" w:color="{RED}"/>'
    insert_in_order(number.element.get_or_add_pPr(), element("w:pBdr", content=rule), PPR_ORDER)
    paragraph_style(document, DRAFT_MARK, font=HEITI, size=BODY_SIZE, align=RIGHT)
    # A title line holds 20 characters of 2号 (440 pt of the 版心's 442): tracked by -0.35 pt, one holding a
    # year still fits where LibreOffice adds its quarter em on each side of it (it ignores autoSpaceDE).
    paragraph_style(
        document, TITLE, font=XIAOBIAOSONG, size=TITLE_SIZE, align=CENTER, tracking=TITLE_TRACKING
    )
    paragraph_style(document, RECIPIENTS, font=FANGSONG, size=BODY_SIZE, align=JUSTIFY, tracking=TRACKING)
    paragraph_style(document, SPACER, font=FANGSONG, size=BODY_SIZE, tracking=TRACKING)


def _text(document: Document) -> None:
    body = paragraph_style(document, BODY, font=FANGSONG, size=BODY_SIZE, align=JUSTIFY, tracking=TRACKING)
    body.paragraph_format.first_line_indent = Twips(2 * CHAR)  # 左空二字，回行顶格
    heading = paragraph_style(document, HEADING, font=HEITI, size=BODY_SIZE, tracking=TRACKING)
    heading.paragraph_format.first_line_indent = Twips(2 * CHAR)
    heading.paragraph_format.keep_with_next = True
    second = paragraph_style(document, HEADING_2, font=KAITI, size=BODY_SIZE, tracking=TRACKING)
    second.paragraph_format.first_line_indent = Twips(2 * CHAR)
    second.paragraph_format.keep_with_next = True
    # 附件：1.×× from 左空二字; a long name wraps under its own first character (7.3.4), as do 2.×× …
    for name, first_line in ((ATTACHMENT_FIRST, -4 * CHAR), (ATTACHMENT, -CHAR)):
        item = paragraph_style(
            document, name, font=FANGSONG, size=BODY_SIZE, align=JUSTIFY, tracking=TRACKING
        )
        item.paragraph_format.left_indent = Twips(6 * CHAR)
        item.paragraph_format.first_line_indent = Twips(first_line)
    paragraph_style(document, SIGNER, font=FANGSONG, size=BODY_SIZE, tracking=TRACKING)
    date = paragraph_style(document, DATE, font=FANGSONG, size=BODY_SIZE, align=RIGHT, tracking=TRACKING)
    date.paragraph_format.right_indent = Twips(4 * CHAR)  # 成文日期右空四字


def _tables(document: Document) -> None:
    for head, text, left, size, line in (
        (TABLE_HEAD, TABLE_TEXT, TABLE_LEFT, TABLE_SIZE, TABLE_LINE),
        (GRID_HEAD, GRID_TEXT, GRID_LEFT, GRID_SIZE, GRID_LINE),
    ):
        paragraph_style(document, head, font=HEITI, size=size, line=line, align=CENTER, grid=False)
        paragraph_style(document, text, font=FANGSONG, size=size, line=line, align=CENTER, grid=False)
        paragraph_style(document, left, font=FANGSONG, size=size, line=line, align=LEFT, grid=False)
    paragraph_style(document, SIGNAL, font=FANGSONG, size=GRID_SIZE, line=GRID_LINE, align=CENTER, grid=False)
    caption = paragraph_style(
        document, GRID_CAPTION, font=HEITI, size=GRID_SIZE, line=GRID_LINE, align=LEFT, grid=False
    )
    caption.paragraph_format.space_before = Twips(GRID_LINE // 2)


def _imprint_and_page_numbers(document: Document) -> None:
    imprint = paragraph_style(document, IMPRINT, font=FANGSONG, size=IMPRINT_SIZE, line=LINE, grid=False)
    imprint.paragraph_format.left_indent = Twips(SMALL_CHAR)  # 左右各空一字
    imprint.paragraph_format.right_indent = Twips(SMALL_CHAR)
    footer = document.styles["Footer"]
    assert isinstance(footer, ParagraphStyle)
    name_font(footer.element.get_or_add_rPr(), SONGTI)
    footer.font.size = Pt(PAGE_NUMBER_SIZE)
    footer.paragraph_format.line_spacing = 1.0
    insert_in_order(footer.element.get_or_add_pPr(), element("w:snapToGrid", 'w:val="0"'), PPR_ORDER)
    odd = paragraph_style(
        document, PAGE_ODD, font=SONGTI, size=PAGE_NUMBER_SIZE, line=None, align=RIGHT, grid=False
    )
    odd.paragraph_format.right_indent = Twips(SMALL_CHAR)  # 单页码居右空一字
    even = paragraph_style(
        document, PAGE_EVEN, font=SONGTI, size=PAGE_NUMBER_SIZE, line=None, align=LEFT, grid=False
    )
    even.paragraph_format.left_indent = Twips(SMALL_CHAR)  # 双页码居左空一字
    for style in (odd, even):
        style.paragraph_format.tab_stops.clear_all()


def set_up_styles(document: Document) -> None:
    """Every style the official documents use, on defaults of 3号 仿宋_GB2312 at 22 lines × 28 characters."""
    _defaults(document)
    _letterhead(document)
    _text(document)
    _tables(document)
    _imprint_and_page_numbers(document)
