"""Builds the official document templates (docxtpl, Jinja2 in .docx) of report_templates/, deterministically.

    uv run python -m report_templates.build

writes report_templates/<KIND>.docx for every kind in TEMPLATES. The .docx files are build output committed
next to this script: edit the script, never the .docx, and rebuild. The bytes depend only on this script and
the installed python-docx (fixed core properties, fixed zip timestamps), so a review shows only real changes.

Layout: GB/T 9704-2012 (FORMS.md §5) — A4 portrait; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm
(text block 156 mm × 225 mm); body 3号 (16 pt) 仿宋_GB2312 at exactly 28.9 pt per line (22 lines × 28
characters); title 2号 (22 pt) 方正小标宋简体, centred; headings 黑体; tables 小4号 (12 pt); page number
"— 1 —" in 4号 (14 pt) 宋体. The fonts are named for Word as Chinese government offices install them;
report_templates/fonts.conf maps them to free Simplified Chinese faces for LibreOffice (仿宋: FandolFang).

Indicator grid of the goal table: the categories (一级指标, 二级指标) merge vertically over consecutive rows
with the same value, as on the printed forms. docxtpl's own `{% vm %}` cannot do that: it merges the cell over
every iteration of the loop (restart on the first, continue on all others), so a second 一级指标 would vanish.
Inside `{%tr for r in rows %}` the template instead holds three variants of the data row, chosen with
docxtpl row tags by comparing the row with `loop.previtem`: both categories start a group (text and
`<w:vMerge w:val="restart"/>`), only 二级指标 does, or neither (empty cells, `w:val="continue"`). Each variant
is plain valid OOXML, so the template itself opens in Word; Jinja sits only in text.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from docx import Document as new_document
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.text.font import CT_RPr
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt, RGBColor, Twips
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

TEMPLATE_DIR = Path(__file__).resolve().parent

# GB/T 9704-2012 numbers, in twips (1/1440 inch; 1 mm = 56.69 twips).
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4, 210 mm × 297 mm
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 2098, 1984, 1588, 1474  # 37, 35, 28, 26 mm
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 8844 twips = 156 mm
LINE = Twips(578)  # exactly 28.9 pt: 22 lines fill the 225 mm text block
CHAR = Pt(16)  # one 3号 character: the unit of indents (空二字 = 2 × CHAR)
FOOTER_DISTANCE = Twips(1304)  # 23 mm: the page number's 一字线 about 7 mm below the text block

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
SONGTI = "宋体"
RED = RGBColor(0xFF, 0x00, 0x00)

# Schema orders (ECMA-376 CT_PPrBase, CT_TblPr) of the property elements this script adds children to.
PPR_ORDER = (
    *("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl"),
    *("w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku"),
    *("w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi"),
    *("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents"),
    *("w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap"),
    *("w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
)
TBLPR_ORDER = (
    *("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize"),
    *("w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd"),
    *("w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange"),
)

BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
ISSUER_SIZE = Pt(26)  # 1号, red 小标宋 (发文机关标志)
PAGE_NUMBER_SIZE = Pt(14)  # 4号
TABLE_SIZE = Pt(12)  # 小4号
TABLE_LINE = Twips(360)  # exactly 18 pt inside tables
CELL_MARGIN = 57  # 1 mm left and right inside cells (twips), so 12 pt text fits the narrow columns

# Fixed metadata, so rebuilding an unchanged template gives the same bytes.
AUTHOR = "fundperf"
FIXED_TIME = datetime(2026, 1, 1, tzinfo=UTC)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

# Paragraph styles of the templates (ids are the names without spaces).
STYLE_ISSUER = "GB Issuer"
STYLE_DOC_NUMBER = "GB Document Number"
STYLE_TITLE = "GB Title"
STYLE_HEADING = "GB Heading 1"
STYLE_BODY = "GB Body"
STYLE_SIGNATURE = "GB Signature"
STYLE_TABLE_HEAD = "GB Table Head"
STYLE_TABLE_TEXT = "GB Table Text"
STYLE_TABLE_LEFT = "GB Table Text Left"

# The indicator grid: (header, width in twips); the widths add up to the 156 mm text width.
GRID_COLUMNS: tuple[tuple[str, int], ...] = (
    ("一级指标", 907),  # 16 mm
    ("二级指标", 1021),  # 18 mm
    ("三级指标", 2268),  # 40 mm
    ("指标性质", 794),  # 14 mm
    ("指标值", 1021),  # 18 mm
    ("度量单位", 794),  # 14 mm
    ("权重（分值）", 907),  # 16 mm
    ("备注", 1132),  # 20 mm
)
GRID_TOTAL_SPAN = 6  # 合计 spans 一级指标 … 度量单位; the total sits under 权重（分值）

# The data row of the indicator grid after its two category cells: (cell text, paragraph style).
GRID_DETAIL: tuple[tuple[str, str], ...] = (
    ("{{ r.level3 }}", STYLE_TABLE_LEFT),
    ("{{ r.comparator }}", STYLE_TABLE_TEXT),
    ("{{ r.target }}", STYLE_TABLE_TEXT),
    ("{{ r.unit }}", STYLE_TABLE_TEXT),
    ("{{ r.weight }}", STYLE_TABLE_TEXT),
    ("{{ r.note }}", STYLE_TABLE_TEXT),
)
# The variants of the data row: (row tag choosing it, 一级指标 starts a group, 二级指标 starts a group). A
# category starts a group on the first row and wherever it differs from the row above.
RESTART, CONTINUE = "restart", "continue"
GRID_VARIANTS: tuple[tuple[str, str, str], ...] = (
    ("{%tr if loop.first or loop.previtem.level1 != r.level1 %}", RESTART, RESTART),
    ("{%tr elif loop.previtem.level2 != r.level2 %}", CONTINUE, RESTART),
    ("{%tr else %}", CONTINUE, CONTINUE),
)
GRID_TAG_ROWS = ("{%tr for r in rows %}", "{%tr endif %}", "{%tr endfor %}")

HEADER_ROWS: tuple[tuple[str, str], ...] = (
    ("基金名称", "{{ fund }}"),
    ("统筹地区", "{{ region }}"),
    ("主管部门", "{{ administration }}"),
    ("经办机构（实施单位）", "{{ drafter }}"),
    ("会同编制", "{{ co_drafter }}"),
    ("目标期间", "{{ period }}"),
    ("目标状态", "{{ status }}（第{{ version }}版）"),
)
HEADER_WIDTHS = (2552, TEXT_WIDTH - 2552)  # 45 mm | 111 mm

BUDGET_COLUMNS: tuple[tuple[str, str], ...] = (
    ("基金收入", "{{ budget.revenue }}"),
    ("基金支出", "{{ budget.expenditure }}"),
    ("当年结余", "{{ budget.current_balance }}"),
    ("年末滚存结余", "{{ budget.accumulated_balance }}"),
)
BUDGET_WIDTHS = (2211, 2211, 2211, TEXT_WIDTH - 3 * 2211)  # 39 mm each


# --- fonts and styles ---------------------------------------------------------------------------------


def name_font(rpr: CT_RPr, name: str) -> None:
    """Names `name` for every script (ascii, hAnsi, eastAsia, cs) on an rPr, dropping the theme fonts (in
    Word a theme attribute wins over an explicit name)."""
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), name)


def insert_in_order(parent: BaseOxmlElement, child: BaseOxmlElement, sequence: Sequence[str]) -> None:
    """Adds `child` to `parent` where the schema's element order `sequence` puts it (Word rejects other
    orders)."""
    tag = child.tag
    following = sequence[[qn(name) for name in sequence].index(tag) + 1 :]
    parent.insert_element_before(child, *following)


def _paragraph_style(
    document: Document,
    name: str,
    *,
    font: str,
    size: Pt,
    line: Twips = LINE,
    align: WD_ALIGN_PARAGRAPH | None = None,
    color: RGBColor | None = None,
) -> ParagraphStyle:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(style, ParagraphStyle)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    name_font(style.element.get_or_add_rPr(), font)
    style.font.size = size
    if color is not None:
        style.font.color.rgb = color
    paragraph = style.paragraph_format
    paragraph.line_spacing = line
    paragraph.space_before = Pt(0)
    paragraph.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    return style


def set_up_styles(document: Document) -> None:
    """Document defaults and Normal: 3号 仿宋_GB2312, exactly 28.9 pt, Simplified Chinese; then the styles
    the templates use."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    name_font(rpr, FANGSONG)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    for key, value in (("w:after", "0"), ("w:line", str(LINE.twips)), ("w:lineRule", "exact")):
        spacing.set(qn(key), value)

    normal = document.styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    name_font(normal.element.get_or_add_rPr(), FANGSONG)
    normal.font.size = BODY_SIZE
    normal.paragraph_format.line_spacing = LINE
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.widow_control = False

    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph_style(
        document, STYLE_ISSUER, font=XIAOBIAOSONG, size=ISSUER_SIZE, line=Twips(720), align=center, color=RED
    )
    number = _paragraph_style(document, STYLE_DOC_NUMBER, font=FANGSONG, size=BODY_SIZE, align=center)
    number.paragraph_format.space_before = Twips(2 * LINE.twips)  # 发文机关标志下空二行
    # The red separator line, 4 mm under the document number, as wide as the text block.
    separator = f'<w:bottom w:val="single" w:sz="12" w:space="11" w:color="{RED}"/>'
    insert_in_order(
        number.element.get_or_add_pPr(), parse_xml(f"<w:pBdr {nsdecls('w')}>{separator}</w:pBdr>"), PPR_ORDER
    )
    title = _paragraph_style(
        document, STYLE_TITLE, font=XIAOBIAOSONG, size=TITLE_SIZE, line=Twips(700), align=center
    )
    title.paragraph_format.space_before = Twips(2 * LINE.twips)  # 红色分隔线下空二行
    title.paragraph_format.space_after = LINE  # 标题下空一行
    heading = _paragraph_style(document, STYLE_HEADING, font=HEITI, size=BODY_SIZE)
    heading.paragraph_format.first_line_indent = 2 * CHAR
    heading.paragraph_format.space_before = Twips(LINE.twips // 2)
    heading.paragraph_format.keep_with_next = True
    body = _paragraph_style(
        document, STYLE_BODY, font=FANGSONG, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY
    )
    body.paragraph_format.first_line_indent = 2 * CHAR
    signature = _paragraph_style(document, STYLE_SIGNATURE, font=FANGSONG, size=BODY_SIZE, align=right)
    signature.paragraph_format.right_indent = 4 * CHAR  # 成文日期右空四字
    _paragraph_style(document, STYLE_TABLE_HEAD, font=HEITI, size=TABLE_SIZE, line=TABLE_LINE, align=center)
    _paragraph_style(
        document, STYLE_TABLE_TEXT, font=FANGSONG, size=TABLE_SIZE, line=TABLE_LINE, align=center
    )
    _paragraph_style(
        document,
        STYLE_TABLE_LEFT,
        font=FANGSONG,
        size=TABLE_SIZE,
        line=TABLE_LINE,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )

    footer = document.styles["Footer"]
    assert isinstance(footer, ParagraphStyle)
    name_font(footer.element.get_or_add_rPr(), SONGTI)
    footer.font.size = PAGE_NUMBER_SIZE
    footer.paragraph_format.alignment = center
    footer.paragraph_format.line_spacing = 1.0

    # Word and LibreOffice pick the East Asian face by this language: the python-docx default says ja-JP.
    settings = document.settings.element
    settings.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")


# --- page ---------------------------------------------------------------------------------------------


def set_up_page(document: Document) -> None:
    """A4 portrait, GB/T 9704 margins, and the page number "— 1 —" centred in the footer."""
    section = document.sections[0]
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
    section.header_distance = Twips(851)  # 15 mm
    section.footer_distance = FOOTER_DISTANCE
    section.gutter = Twips(0)
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:linePitch"), str(LINE.twips))

    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = "Footer"
    paragraph.add_run("— ")
    paragraph._p.append(
        parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    )
    paragraph.add_run(" —")


def set_properties(document: Document, title: str) -> None:
    properties = document.core_properties
    properties.author = AUTHOR
    properties.last_modified_by = AUTHOR
    properties.created = FIXED_TIME
    properties.modified = FIXED_TIME
    properties.revision = 1
    properties.title = title
    properties.subject = ""
    properties.comments = ""
    properties.keywords = ""
    properties.category = ""


# --- content helpers ----------------------------------------------------------------------------------


def fill(cell: _Cell, text: str, style: str) -> Paragraph:
    paragraph: Paragraph = cell.paragraphs[0]
    paragraph.style = style
    if text:
        paragraph.add_run(text)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return paragraph


def add_table(document: Document, rows: int, widths: Sequence[int]) -> Table:
    """A bordered table of fixed layout whose grid and cells carry explicit widths (LibreOffice reads the
    grid, Word the cells), centred, as wide as the text block."""
    assert sum(widths) == TEXT_WIDTH, (sum(widths), TEXT_WIDTH)
    table: Table = document.add_table(rows=rows, cols=len(widths))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))  # python-docx writes <w:tblW w:type="auto" w:w="0"/>
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(TEXT_WIDTH))
    margins = (
        f'<w:tblCellMar {nsdecls("w")}><w:left w:w="{CELL_MARGIN}" w:type="dxa"/>'
        f'<w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar>'
    )
    insert_in_order(tbl_pr, parse_xml(margins), TBLPR_ORDER)
    for column, grid_col, twips in zip(table.columns, table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = Twips(twips)
        for cell in column.cells:
            cell.width = Twips(twips)
    return table


def keep_row_together(row: _Row, *, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    if header:
        tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def merge_across(row: _Row, first: int, last: int) -> _Cell:
    merged: _Cell = row.cells[first].merge(row.cells[last])
    return merged


def tag_row(row: _Row, tag: str) -> None:
    """A row holding only a docxtpl row tag (`{%tr … %}`): one cell across the table; rendering replaces the
    whole row by the tag's Jinja statement."""
    fill(merge_across(row, 0, len(row.cells) - 1), tag, STYLE_TABLE_LEFT)


def fill_category(cell: _Cell, merge: str, expression: str) -> None:
    """A category cell: `<w:vMerge w:val="restart"/>` and the value, or `continue` and empty."""
    fill(cell, f"{{{{ {expression} }}}}" if merge == RESTART else "", STYLE_TABLE_TEXT)
    cell._tc.get_or_add_tcPr().get_or_add_vMerge().set(qn("w:val"), merge)


# --- the goal table -----------------------------------------------------------------------------------


def build_goal_table() -> Document:
    """绩效目标表 (FORMS.md §1D): issuing body, title, header, budget, goal text, indicator grid, signature.

    Context (every value a display string): issuer, doc_number, title, fund, region, administration,
    drafter, co_drafter, period, status, version, content, weight_total, date; budget = {revenue,
    expenditure, current_balance, accumulated_balance}; rows = [{level1, level2, level3, comparator,
    target, unit, weight, note}].
    """
    document = new_document()
    set_up_styles(document)
    set_up_page(document)
    set_properties(document, "绩效目标表")
    document.add_paragraph("{{ issuer }}", style=STYLE_ISSUER)
    document.add_paragraph("{{ doc_number }}", style=STYLE_DOC_NUMBER)
    document.add_paragraph("{{ title }}", style=STYLE_TITLE)

    document.add_paragraph("一、基本情况", style=STYLE_HEADING)
    header = add_table(document, len(HEADER_ROWS), HEADER_WIDTHS)
    for row, (label, value) in zip(header.rows, HEADER_ROWS, strict=True):
        keep_row_together(row)
        fill(row.cells[0], label, STYLE_TABLE_HEAD)
        fill(row.cells[1], value, STYLE_TABLE_LEFT)

    document.add_paragraph("二、预算情况（万元）", style=STYLE_HEADING)
    budget = add_table(document, 2, BUDGET_WIDTHS)
    keep_row_together(budget.rows[0], header=True)
    keep_row_together(budget.rows[1])
    for index, (label, value) in enumerate(BUDGET_COLUMNS):
        fill(budget.rows[0].cells[index], label, STYLE_TABLE_HEAD)
        fill(budget.rows[1].cells[index], value, STYLE_TABLE_TEXT)

    document.add_paragraph("三、绩效目标", style=STYLE_HEADING)
    document.add_paragraph("{{ content }}", style=STYLE_BODY)

    document.add_paragraph("四、绩效指标", style=STYLE_HEADING)
    widths = [width for _, width in GRID_COLUMNS]
    grid = add_table(document, 1 + 1 + 2 * len(GRID_VARIANTS) + 2 + 1, widths)
    rows = iter(grid.rows)
    head = next(rows)
    keep_row_together(head, header=True)
    for cell, (label, _) in zip(head.cells, GRID_COLUMNS, strict=True):
        fill(cell, label, STYLE_TABLE_HEAD)
    loop_start, loop_if_end, loop_end = GRID_TAG_ROWS
    tag_row(next(rows), loop_start)
    for tag, level1, level2 in GRID_VARIANTS:
        tag_row(next(rows), tag)
        data = next(rows)
        keep_row_together(data)
        cells = data.cells  # before any vMerge: python-docx reads a continued cell as the one above
        fill_category(cells[0], level1, "r.level1")
        fill_category(cells[1], level2, "r.level2")
        for cell, (text, style) in zip(cells[2:], GRID_DETAIL, strict=True):
            fill(cell, text, style)
    tag_row(next(rows), loop_if_end)
    tag_row(next(rows), loop_end)
    total = next(rows)
    keep_row_together(total)
    fill(merge_across(total, 0, GRID_TOTAL_SPAN - 1), "合计", STYLE_TABLE_HEAD)
    fill(total.cells[GRID_TOTAL_SPAN], "{{ weight_total }}", STYLE_TABLE_TEXT)
    fill(total.cells[GRID_TOTAL_SPAN + 1], "", STYLE_TABLE_TEXT)

    document.add_paragraph("", style=STYLE_BODY)
    document.add_paragraph("编制单位：{{ drafter }}", style=STYLE_SIGNATURE)
    document.add_paragraph("{{ date }}", style=STYLE_SIGNATURE)
    return document


# --- output -------------------------------------------------------------------------------------------

TEMPLATES: dict[str, Callable[[], Document]] = {"GOAL_TABLE": build_goal_table}


def docx_bytes(document: Document) -> bytes:
    """The .docx of `document` with every zip entry dated ZIP_TIME, so equal documents give equal bytes."""
    raw = BytesIO()
    document.save(raw)
    out = BytesIO()
    with ZipFile(BytesIO(raw.getvalue())) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = ZipInfo(entry.filename, date_time=ZIP_TIME)
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry))
    return out.getvalue()


def main() -> None:
    for kind, build in TEMPLATES.items():
        path = TEMPLATE_DIR / f"{kind}.docx"
        path.write_bytes(docx_bytes(build()))
        print(f"wrote {path.relative_to(TEMPLATE_DIR.parent)}")


if __name__ == "__main__":
    main()
