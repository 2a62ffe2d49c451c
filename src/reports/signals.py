"""Signal cells: a table cell that says a light (红灯, 黄灯, 绿灯, 蓝灯) is shaded in that colour, so a reader
looks instead of reading (a monitoring table's 监控结果, a compilation's lights).

A template marks such a cell by the paragraph style of its text (SIGNAL_STYLES); after rendering, each cell
holding a paragraph in that style gets the fill its word names (`<w:shd w:fill>`, in the schema's place in
the cell's properties) — the word stays, so the light still reads in black and white. The colour follows the
printed word, never a value of its own: the two cannot disagree. A word without a colour (未填报, 未报) is
left unshaded. Templates hold no Jinja in attributes (they stay valid OOXML as they stand), which is why the
shading is set here and not in the template.
"""

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"

SIGNAL = "GB Signal"  # the paragraph style of a signal cell's word (report_templates/official/styles.py)
SIGNAL_STYLES = frozenset({SIGNAL.replace(" ", "")})
# Colours of the office palette a reader knows from spreadsheets, light enough that the black word on them
# reads (on pure red, 仿宋 does not; seen on a page image) and that a grey print keeps them apart.
FILLS: dict[str, str] = {
    "红灯": "FF7C80",
    "黄灯": "FFFF00",
    "绿灯": "92D050",
    "蓝灯": "9BC2E6",
}
# What may follow w:shd in a cell's properties (ECMA-376 CT_TcPr), for placing it in order.
_AFTER_SHD = ("noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark")


def _tag(name: str) -> str:
    return f"{_W}{name}"


def signal_word(tc: etree._Element) -> str | None:
    """The text of a cell whose paragraphs are in a signal style; None for any other cell."""
    paragraphs = list(tc.iter(_tag("p")))
    styled = [p.find(f"{_W}pPr/{_W}pStyle") for p in paragraphs]
    if not paragraphs or not any(s is not None and s.get(_tag("val")) in SIGNAL_STYLES for s in styled):
        return None
    return "".join(t.text or "" for t in tc.iter(_tag("t"))).strip()


def _shade(tc: etree._Element, fill: str) -> None:
    tc_pr = tc.find(_tag("tcPr"))
    if tc_pr is None:
        tc_pr = etree.SubElement(tc, _tag("tcPr"))
        tc.remove(tc_pr)
        tc.insert(0, tc_pr)
    for old in tc_pr.findall(_tag("shd")):
        tc_pr.remove(old)
    shd = etree.Element(_tag("shd"))
    shd.set(_tag("val"), "clear")
    shd.set(_tag("color"), "auto")
    shd.set(_tag("fill"), fill)
    following = [child for child in tc_pr if etree.QName(child).localname in _AFTER_SHD]
    if following:
        following[0].addprevious(shd)
    else:
        tc_pr.append(shd)


def _signal_cells(root: etree._Element) -> list[etree._Element]:
    """The cells of `root` holding a paragraph in a signal style, in document order: found from the
    styles (a few in a monitoring table, none in most documents) rather than by reading every cell."""
    cells: dict[etree._Element, None] = {}
    for style in root.iter(_tag("pStyle")):
        properties = style.getparent()
        if style.get(_tag("val")) not in SIGNAL_STYLES or properties is None:
            continue
        paragraph = properties.getparent()
        if paragraph is not None and properties.tag == _tag("pPr") and paragraph.tag == _tag("p"):
            cells.update((tc, None) for tc in paragraph.iterancestors(_tag("tc")))
    order = {tc: place for place, tc in enumerate(root.iter(_tag("tc")))} if len(cells) > 1 else {}
    return sorted(cells, key=lambda tc: order.get(tc, 0))


def shade_signals(root: etree._Element) -> bool:
    """Shades, in place, every signal cell of `root` whose word names a colour; whether any was."""
    changed = False
    for tc in _signal_cells(root):
        word = signal_word(tc)
        fill = FILLS.get(word) if word is not None else None
        if fill is not None:
            _shade(tc, fill)
            changed = True
    return changed
