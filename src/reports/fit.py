"""Column widths from the content, at render time: a value that must not break (a number with its
thousands separators, a unit, a weight, a header) gets a column as wide as its longest value.

A template marks such cells with `<w:noWrap/>` (OOXML: do not wrap the cell's content), in tables of fixed
layout whose widths it chose for common values. After rendering, each column holding a marked cell is made
at least as wide as its widest marked value (measured from the characters and the size of the cell's
paragraph style), and the width comes from the columns without any marked cell (the text columns, which
wrap), in proportion to what they have beyond their header (a header row, w:tblHeader, stays on one line)
and MIN_DONOR_CHARACTERS characters. The table keeps its
total width; a column already wide enough is left alone, so common documents come out as the template has
them. Word and LibreOffice break a number only where it is wider than its cell (the line-breaking rules of
both keep 12,345.67 together), so a wide enough column is what keeps it whole.
"""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
SLACK_EM = 0.5  # half a character more than measured: faces differ in the widths of digits and commas
HEADER_SLACK_EM = 0.25  # a header's characters are full-width, measured exactly: a little for rounding
MIN_DONOR_CHARACTERS = 4


def _tag(name: str) -> str:
    return f"{_W}{name}"


def char_em(character: str) -> float:
    """A character's width in em: 1 for the wide and fullwidth ones (Chinese, ≥, ％), ½ for the rest
    (digits, Latin letters, separators) — as the Chinese faces set them."""
    return 1.0 if unicodedata.east_asian_width(character) in ("W", "F", "A") else 0.5


def text_width(text: str, size: float) -> float:
    """Points `text` takes at `size` points (ems as char_em counts them)."""
    return sum(char_em(c) for c in text) * size


@dataclass(frozen=True)
class Measures:
    """A template's font sizes: by paragraph style id, and the document default (points)."""

    sizes: Mapping[str, float] = field(default_factory=dict)
    default: float = 10.5

    @classmethod
    def of_styles(cls, styles: etree._Element) -> "Measures":
        """The size of each paragraph style (w:sz, following w:basedOn) and the default, from styles.xml."""
        default_sz = styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}sz")
        default = int(default_sz.get(_tag("val"))) / 2 if default_sz is not None else 10.5
        own: dict[str, float | None] = {}
        based_on: dict[str, str] = {}
        for style in styles.iter(_tag("style")):
            if style.get(_tag("type")) != "paragraph":
                continue
            style_id = style.get(_tag("styleId")) or ""
            sz = style.find(f"{_W}rPr/{_W}sz")
            own[style_id] = int(sz.get(_tag("val"))) / 2 if sz is not None else None
            base = style.find(_tag("basedOn"))
            if base is not None:
                based_on[style_id] = base.get(_tag("val")) or ""

        def size(style_id: str, depth: int = 0) -> float:
            found = own.get(style_id)
            if found is not None:
                return found
            if style_id in based_on and depth < 16:
                return size(based_on[style_id], depth + 1)
            return default

        return cls({style_id: size(style_id) for style_id in own}, default)

    def cell_width(self, tc: etree._Element, slack: float = SLACK_EM) -> float:
        """Points the widest paragraph of a cell takes on one line, with `slack` ems to spare."""
        widest = 0.0
        for paragraph in tc.iter(_tag("p")):
            style = paragraph.find(f"{_W}pPr/{_W}pStyle")
            size = (
                self.sizes.get(style.get(_tag("val")) or "", self.default)
                if style is not None
                else self.default
            )
            text = "".join(t.text or "" for t in paragraph.iter(_tag("t")))
            widest = max(widest, text_width(text, size) + (slack * size if text else 0))
        return widest


def _cell_margins(tbl: etree._Element) -> int:
    """Twips a cell's content is inset from its edges, left and right (the table's cell margins)."""
    total = 0
    for side in ("left", "right", "start", "end"):
        found = tbl.find(f"{_W}tblPr/{_W}tblCellMar/{_W}{side}")
        if found is not None:
            total += int(found.get(_tag("w")) or 0)
    return total


def _columns(tr: etree._Element) -> list[tuple[etree._Element, int, int]]:
    """A row's cells with the first grid column each covers and how many."""
    cells, column = [], 0
    for tc in tr.findall(_tag("tc")):
        span_element = tc.find(f"{_W}tcPr/{_W}gridSpan")
        span = int(span_element.get(_tag("val")) or 1) if span_element is not None else 1
        cells.append((tc, column, span))
        column += span
    return cells


def _fit_table(tbl: etree._Element, measures: Measures) -> bool:
    grid = tbl.findall(f"{_W}tblGrid/{_W}gridCol")
    widths = [int(g.get(_tag("w")) or 0) for g in grid]
    rows = tbl.findall(_tag("tr"))
    need = [0] * len(widths)
    floor = [round(MIN_DONOR_CHARACTERS * measures.default * 20)] * len(widths)
    marked = [False] * len(widths)
    margins = _cell_margins(tbl)
    for tr in rows:
        header = tr.find(f"{_W}trPr/{_W}tblHeader") is not None
        for tc, column, span in _columns(tr):
            if header and span == 1 and column < len(widths):
                floor[column] = max(
                    floor[column], round(measures.cell_width(tc, HEADER_SLACK_EM) * 20) + margins
                )
            if tc.find(f"{_W}tcPr/{_W}noWrap") is None or column >= len(widths):
                continue
            for covered in range(column, min(column + span, len(widths))):
                marked[covered] = True
            if span == 1:
                need[column] = max(need[column], round(measures.cell_width(tc) * 20) + margins)
    deficit = {c: need[c] - widths[c] for c in range(len(widths)) if marked[c] and need[c] > widths[c]}
    donors = [c for c in range(len(widths)) if not marked[c]]
    if not deficit or not donors:
        return False
    spare = {c: max(0, widths[c] - floor[c]) for c in donors}
    available = sum(spare.values())
    wanted = sum(deficit.values())
    given = min(available, wanted)
    if given <= 0:
        return False
    taken = {c: spare[c] * given // available for c in donors}
    taken[max(donors, key=lambda c: spare[c])] += given - sum(taken.values())  # the rounding
    share = {c: deficit[c] * given // wanted for c in deficit}
    share[max(deficit, key=lambda c: deficit[c])] += given - sum(share.values())
    new = [widths[c] - taken.get(c, 0) + share.get(c, 0) for c in range(len(widths))]
    for g, width in zip(grid, new, strict=True):
        g.set(_tag("w"), str(width))
    for tr in rows:
        for tc, column, span in _columns(tr):
            tcw = tc.find(f"{_W}tcPr/{_W}tcW")
            if tcw is not None and tcw.get(_tag("type")) in (None, "dxa"):
                tcw.set(_tag("w"), str(sum(new[column : column + span])))
    return True


def fit_columns(root: etree._Element, measures: Measures) -> bool:
    """Widens, in place, the columns of `root`'s fixed tables whose marked values would not fit; whether
    anything changed."""
    changed = False
    for tbl in root.iter(_tag("tbl")):
        layout = tbl.find(f"{_W}tblPr/{_W}tblLayout")
        if layout is not None and layout.get(_tag("type")) == "fixed":
            changed = _fit_table(tbl, measures) or changed
    return changed
