"""Tables of the official documents: bordered, fixed layout, as wide as the 版心, widths from their content.

A column's width starts from its header, which stays on one line (measured as src/reports/fit.py measures
at render time), and from what its values need. A column marked `whole` holds values that must not break
(numbers with their separators, units, weights): its cells carry `<w:noWrap/>`, and the renderer widens it
to its longest value (src/reports/fit.py), taking the width from the text columns.

A grid with categories (GroupedGrid) merges each category cell over the rows of its block, once: the rows
arrive sorted by category. docxtpl's own `{% vm %}` cannot do that (it merges over every iteration of the
loop, so a second category would vanish). Inside `{%tr for … %}` the template instead holds one variant
of the data row per category level, chosen with row tags by comparing the row with `loop.previtem`: the
first category starts a block (text and `<w:vMerge w:val="restart"/>` in every category cell), or only the
second does, …, or none (empty cells, `continue`). Each variant is plain valid OOXML.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from docx.document import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from report_templates.official.ooxml import TBLPR_ORDER, TCPR_ORDER, element, insert_in_order
from report_templates.official.units import CELL_MARGIN
from src.reports.fit import HEADER_SLACK_EM, SLACK_EM, text_width

RESTART, CONTINUE = "restart", "continue"


def width_of(text: str, size: float, *, characters: float = 0, header: bool = True) -> int:
    """Twips a cell needs to hold `text` on one line at `size` points (or `characters` full-width
    characters, if more), with the cell margins and the slack the renderer allows a header (else a value)."""
    slack = HEADER_SLACK_EM if header else SLACK_EM
    points = max(text_width(text, size), characters * size) + slack * size
    return round(points * 20) + 2 * CELL_MARGIN


def fill(cell: _Cell, text: str, style: str, *, whole: bool = False) -> Paragraph:
    """The cell's one paragraph, in `style`, holding `text`; vertically centred; `whole`: never wrapped."""
    paragraph: Paragraph = cell.paragraphs[0]
    paragraph.style = style
    if text:
        paragraph.add_run(text)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if whole:
        insert_in_order(cell._tc.get_or_add_tcPr(), element("w:noWrap"), TCPR_ORDER)
    return paragraph


def add_table(document: Document, rows: int, widths: Sequence[int]) -> Table:
    """A bordered table of fixed layout whose grid and cells carry explicit widths (LibreOffice reads the
    grid, Word the cells), centred."""
    table: Table = document.add_table(rows=rows, cols=len(widths))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))  # python-docx writes <w:tblW w:type="auto" w:w="0"/>
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(sum(widths)))
    margins = f'<w:left w:w="{CELL_MARGIN}" w:type="dxa"/><w:right w:w="{CELL_MARGIN}" w:type="dxa"/>'
    insert_in_order(tbl_pr, element("w:tblCellMar", content=margins), TBLPR_ORDER)
    for column, grid_col, twips in zip(table.columns, table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = Twips(twips)
        for cell in column.cells:
            cell.width = Twips(twips)
    return table


def keep_row_together(row: _Row, *, header: bool = False) -> None:
    """A row that does not break across pages; a header row repeats on each page."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.append(element("w:cantSplit"))
    if header and tr_pr.find(qn("w:tblHeader")) is None:
        tr_pr.append(element("w:tblHeader"))


def keep_together(table: Table, rows: int | None = None) -> None:
    """The table's first `rows` rows (all but the last, by default) kept with the row after each, so a
    small table (or a header with its first row) never breaks across pages."""
    chain = table.rows[: len(table.rows) - 1 if rows is None else rows]
    for row in chain:
        keep_row_together(row)
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def merge_across(row: _Row, first: int, last: int) -> _Cell:
    merged: _Cell = row.cells[first].merge(row.cells[last])
    return merged


def tag_row(row: _Row, tag: str, style: str) -> None:
    """A row holding only a docxtpl row tag (`{%tr … %}`): one cell across the table; rendering replaces the
    whole row by the tag's Jinja statement."""
    fill(merge_across(row, 0, len(row.cells) - 1), tag, style)


@dataclass(frozen=True)
class Column:
    """A column of a grid: its header, the data cell's text (Jinja), its paragraph style, and whether its
    values must stay whole; `group`: the expression whose equal consecutive values merge (categories)."""

    header: str
    value: str
    style: str
    whole: bool = False
    group: str | None = None


def grid_widths(
    columns: Sequence[Column], size: float, *, minimum: dict[str, int], stretch: str, total: int
) -> list[int]:
    """Each column's width from its header (one line) and `minimum` (twips, by header); the `stretch`
    column (the text that wraps most) gets the rest of `total`."""
    widths = [max(width_of(c.header, size), minimum.get(c.header, 0)) for c in columns]
    rest = [c.header for c in columns].index(stretch)
    widths[rest] = total - sum(w for i, w in enumerate(widths) if i != rest)
    assert widths[rest] >= width_of(stretch, size, characters=8), "the columns leave too little"
    return widths


@dataclass(frozen=True)
class GroupedGrid:
    """A header row, then one row per item of `loop` (`r in rows`) with its category columns merged per
    block, then the rows after (totals), each written by the caller."""

    columns: Sequence[Column]
    loop: str
    head_style: str
    tag_style: str
    keep_last: bool = False

    def variants(self) -> list[tuple[str, list[str], bool]]:
        """The row tags choosing each data row variant, the vMerge of each category column in it, and whether
        it keeps with the next row: with `keep_last`, the last row has variants of its own that keep with
        the rows after the grid (a total, a signature), so that they never start a page alone."""
        groups = [c.group for c in self.columns if c.group is not None]
        item = self.loop.split(" in ")[0].strip()
        conditions = []
        for level, group in enumerate(groups):
            changed = f"loop.previtem.{group.removeprefix(item + '.')} != {group}"
            conditions.append(f"loop.first or {changed}" if level == 0 else changed)
        merges = [[CONTINUE] * level + [RESTART] * (len(groups) - level) for level in range(len(groups) + 1)]
        merges[-1] = [CONTINUE] * len(groups)
        choices: list[tuple[str, list[str], bool]] = []
        for last in (True, False) if self.keep_last else (False,):
            for level, merge in enumerate(merges):
                if level < len(conditions):
                    condition = conditions[level]
                    condition = f"loop.last and ({condition})" if last else condition
                else:
                    condition = "loop.last" if last else ""
                choices.append((condition, merge, last))
        tags = []
        for index, (condition, merge, last) in enumerate(choices):
            keyword = "if" if index == 0 else ("elif" if condition else "else")
            tags.append((f"{{%tr {keyword} {condition} %}}".replace("  ", " "), merge, last))
        return tags

    def row_count(self) -> int:
        return 1 + 1 + 2 * len(self.variants()) + 2

    def fill(self, table: Table) -> list[_Row]:
        """Writes the header, the loop and its variants into the table's first rows; the rows after them."""
        rows = list(table.rows)
        head = rows[0]
        keep_row_together(head, header=True)
        for cell, column in zip(head.cells, self.columns, strict=True):
            fill(cell, column.header, self.head_style)
        tag_row(rows[1], f"{{%tr for {self.loop} %}}", self.tag_style)
        at = 2
        for row_tag, merges, last in self.variants():
            tag_row(rows[at], row_tag, self.tag_style)
            data = rows[at + 1]
            keep_row_together(data)
            cells = data.cells  # before any vMerge: python-docx reads a continued cell as the one above
            group_merges = iter(merges)
            for cell, column in zip(cells, self.columns, strict=True):
                if column.group is None:
                    fill(cell, column.value, column.style, whole=column.whole)
                    continue
                merge = next(group_merges)
                fill(cell, column.value if merge == RESTART else "", column.style)
                cell._tc.get_or_add_tcPr().get_or_add_vMerge().set(qn("w:val"), merge)
            if last:
                for cell in cells:
                    cell.paragraphs[0].paragraph_format.keep_with_next = True
            at += 2
        tag_row(rows[at], "{%tr endif %}", self.tag_style)
        tag_row(rows[at + 1], "{%tr endfor %}", self.tag_style)
        return rows[at + 2 :]
