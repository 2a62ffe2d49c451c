"""Two-row table headers for forms whose columns are grouped (FORMS.md §3A: 偏差原因分析 over 经费保障 …
其他): a single column's label spans both rows (vertically merged), a group's name spans its columns in the
top row and their own labels sit under it. A label is given as its lines (one paragraph each), so a column
is as narrow as its longest line and a header still never wraps inside a line (the document checker: header
rows on one line).
"""

import copy
from collections.abc import Sequence
from dataclasses import dataclass

from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from report_templates.official.tables import fill, keep_row_together, width_of

Label = tuple[str, ...]  # a header's lines


@dataclass(frozen=True)
class Group:
    """Columns under one name (偏差原因分析), each with its own label."""

    name: str
    labels: Sequence[Label]


def header_width(label: Label, size: float) -> int:
    """Twips a header needs: its longest line, with the cell margins."""
    return max(width_of(line, size) for line in label)


def _lines(cell: _Cell, label: Label, style: str) -> None:
    """The cell's text as one paragraph per line of the label."""
    for paragraph in cell.paragraphs[1:]:
        paragraph._p.getparent().remove(paragraph._p)
    for run in cell.paragraphs[0]._p.findall(qn("w:r")):
        cell.paragraphs[0]._p.remove(run)
    first: Paragraph = fill(cell, label[0], style)
    for line in label[1:]:
        cell.add_paragraph(line, style=first.style)


def _merge(cell: _Cell, value: str) -> None:
    cell._tc.get_or_add_tcPr().get_or_add_vMerge().set(qn("w:val"), value)


def two_row_header(table: Table, heads: Sequence[Label | Group], style: str) -> None:
    """Turns the table's first row into a two-row header (both repeated on every page): single columns
    merged over both rows, each group's name across its columns above their labels. The first row's cells
    are the columns, in order, as the grid made them."""
    second = table.rows[0]
    top_tr = copy.deepcopy(second._tr)
    second._tr.addprevious(top_tr)
    top = table.rows[0]
    for row in (top, second):
        keep_row_together(row, header=True)
    column = 0
    for head in heads:
        if isinstance(head, Group):
            for offset, label in enumerate(head.labels):
                _lines(second.cells[column + offset], label, style)
                _lines(top.cells[column + offset], ("",), style)
            merged = top.cells[column].merge(top.cells[column + len(head.labels) - 1])
            _lines(merged, (head.name,), style)
            column += len(head.labels)
            continue
        _lines(top.cells[column], head, style)
        _merge(top.cells[column], "restart")
        _lines(second.cells[column], ("",), style)
        _merge(second.cells[column], "continue")
        column += 1
