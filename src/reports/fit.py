"""Column widths from the content, at render time, for the tables that hold values which must not break.

A template marks such cells with `<w:noWrap/>` (OOXML: do not wrap the cell's content): numbers with their
thousands separators, units, weights. After rendering, a fixed table holding one is laid out by its content,
keeping its total width (the 版心's):

- a marked column gets exactly what its widest value needs (measured from its characters at the size of the
  cell's paragraph style, with SLACK_EM to spare), and never less than its header: Word and LibreOffice
  break a number only where it is wider than its cell (both keep 12,345.67 together), so a wide enough
  column keeps it whole;
- a header row (w:tblHeader) stays on one line: every column is at least as wide as its header;
- the other columns (text, which wraps) share the rest: each gets its longest line when all fit, and the
  one the template made widest (its text column) what is left over; otherwise each gets its header's width
  and the rest in proportion to how much more its text wants.

A table whose marked values and headers do not fit at all is left as the template made it.
"""

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
SLACK_EM = 0.5  # half a character more than measured: faces differ in the widths of digits and commas
HEADER_SLACK_EM = 0.25  # a header's characters are full-width, measured exactly: a little for rounding
MIN_DONOR_CHARACTERS = 2  # a column without a header: at least two characters of the document's size


def _tag(name: str) -> str:
    return f"{_W}{name}"


def _grandchild(element: etree._Element, child: str, grandchild: str) -> etree._Element | None:
    """`element.find("w:child/w:grandchild")`, without the path parsing: lxml walks a path in Python-level
    code, and this is asked of every cell of every table of every document."""
    for parent in element.iterchildren(child):
        found = parent.find(grandchild)
        if found is not None:
            return found
    return None


_P, _T, _TC, _TR = _tag("p"), _tag("t"), _tag("tc"), _tag("tr")
_PPR, _PSTYLE, _TCPR, _TRPR = _tag("pPr"), _tag("pStyle"), _tag("tcPr"), _tag("trPr")
_VAL, _GRIDSPAN, _NOWRAP, _TCW, _HEADER = (
    _tag("val"),
    _tag("gridSpan"),
    _tag("noWrap"),
    _tag("tcW"),
    _tag("tblHeader"),
)


@functools.cache
def char_em(character: str) -> float:
    """A character's width in em: 1 for the wide and fullwidth ones (Chinese, ≥, ％), ½ for the rest
    (digits, Latin letters, separators) — as the Chinese faces set them."""
    return 1.0 if unicodedata.east_asian_width(character) in ("W", "F", "A") else 0.5


def text_width(text: str, size: float) -> float:
    """Points `text` takes at `size` points (ems as char_em counts them)."""
    # Halves and wholes add up exactly in floats, so the fast path for ASCII (every character ½) is the
    # same number; every table cell of every document is measured, and most hold figures.
    if text.isascii():
        return len(text) * 0.5 * size
    return sum(map(char_em, text)) * size


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
        for paragraph in tc.iter(_P):
            style = _grandchild(paragraph, _PPR, _PSTYLE)
            size = self.sizes.get(style.get(_VAL) or "", self.default) if style is not None else self.default
            text = "".join(t.text or "" for t in paragraph.iter(_T))
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
    for tc in tr.iterchildren(_TC):
        span_element = _grandchild(tc, _TCPR, _GRIDSPAN)
        span = int(span_element.get(_VAL) or 1) if span_element is not None else 1
        cells.append((tc, column, span))
        column += span
    return cells


def _share(amount: int, wants: dict[int, int]) -> dict[int, int]:
    """`amount` split in proportion to `wants` (whole twips, the rounding to the largest)."""
    total = sum(wants.values())
    if total <= 0:
        return dict.fromkeys(wants, 0)
    shares = {c: amount * want // total for c, want in wants.items()}
    shares[max(wants, key=lambda c: (wants[c], -c))] += amount - sum(shares.values())
    return shares


def _layout(
    widths: list[int], floor: list[int], need: list[int], marked: list[bool], text: list[int]
) -> list[int]:
    """The columns' widths by content, in the table's total (see the module's docstring)."""
    total = sum(widths)
    new = [max(floor[c], need[c]) if marked[c] else 0 for c in range(len(widths))]
    free = [c for c in range(len(widths)) if not marked[c]]
    rest = total - sum(new)
    if not free or rest < sum(floor[c] for c in free):
        return widths
    desired = {c: min(max(floor[c], text[c]), total * 3 // 5) for c in free}
    if sum(desired.values()) <= rest:
        for c in free:
            new[c] = desired[c]
        new[max(free, key=lambda c: (widths[c], -c))] += rest - sum(desired.values())
    else:
        extra = _share(rest - sum(floor[c] for c in free), {c: desired[c] - floor[c] for c in free})
        for c in free:
            new[c] = floor[c] + extra[c]
    return new


def _fit_table(tbl: etree._Element, measures: Measures) -> bool:
    grid = tbl.findall(f"{_W}tblGrid/{_W}gridCol")
    widths = [int(g.get(_tag("w")) or 0) for g in grid]
    columns = len(widths)
    rows = list(tbl.iterchildren(_TR))
    floor = [round(MIN_DONOR_CHARACTERS * measures.default * 20)] * columns
    need, text, marked = [0] * columns, [0] * columns, [False] * columns
    margins = _cell_margins(tbl)
    for tr in rows:
        header = _grandchild(tr, _TRPR, _HEADER) is not None
        for tc, column, span in _columns(tr):
            if column >= columns:
                continue
            whole = _grandchild(tc, _TCPR, _NOWRAP) is not None
            for covered in range(column, min(column + span, columns)) if whole else ():
                marked[covered] = True
            if span != 1:
                continue
            if header:
                floor[column] = max(
                    floor[column], round(measures.cell_width(tc, HEADER_SLACK_EM) * 20) + margins
                )
            elif whole:
                need[column] = max(need[column], round(measures.cell_width(tc) * 20) + margins)
            else:
                text[column] = max(text[column], round(measures.cell_width(tc, 0) * 20) + margins)
    if not any(marked):
        return False
    new = _layout(widths, floor, need, marked, text)
    if new == widths:
        return False
    for g, width in zip(grid, new, strict=True):
        g.set(_tag("w"), str(width))
    for tr in rows:
        for tc, column, span in _columns(tr):
            tcw = _grandchild(tc, _TCPR, _TCW)
            if tcw is not None and tcw.get(_tag("type")) in (None, "dxa"):
                tcw.set(_tag("w"), str(sum(new[column : column + span])))
    return True


def fit_columns(root: etree._Element, measures: Measures) -> bool:
    """Lays out by their content, in place, the columns of `root`'s fixed tables that hold marked values;
    whether anything changed."""
    changed = False
    for tbl in root.iter(_tag("tbl")):
        layout = tbl.find(f"{_W}tblPr/{_W}tblLayout")
        if layout is not None and layout.get(_tag("type")) == "fixed":
            changed = _fit_table(tbl, measures) or changed
    return changed
