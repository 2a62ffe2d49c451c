"""Tables of the monitoring documents: a plain grid repeated per item (a header row, then one row per item
of a loop, or a row saying there is none), and the legend of the lights — each light's word in a cell
shaded in its colour (src/reports/signals.py) over the number of indicators it lights — which a reader takes
in at a glance."""

from collections.abc import Sequence

from docx.document import Document
from docx.table import Table

from report_templates.official.styles import GRID_HEAD, GRID_LEFT, GRID_TEXT, SIGNAL
from report_templates.official.tables import (
    Column,
    add_table,
    fill,
    keep_row_together,
    keep_together,
    merge_across,
    tag_row,
    width_of,
)
from report_templates.official.units import GRID_SIZE

LIGHT_WORDS = ("红灯", "黄灯", "绿灯", "蓝灯", "未填报")


def column_widths(
    columns: Sequence[Column], total: int, *, stretch: str, minimum: dict[str, int] | None = None
) -> list[int]:
    """Each column as wide as its header (or `minimum`, by header), the `stretch` column the rest."""
    header = [h.replace("{{ period }}", "1-12月") for h in (c.header for c in columns)]
    widths = [
        max(width_of(h, GRID_SIZE), (minimum or {}).get(c.header, 0))
        for h, c in zip(header, columns, strict=True)
    ]
    index = [c.header for c in columns].index(stretch)
    widths[index] = total - sum(w for i, w in enumerate(widths) if i != index)
    return widths


def add_loop_table(
    document: Document, columns: Sequence[Column], loop: str, widths: Sequence[int], *, empty: str = ""
) -> Table:
    """A header row (repeated on each page) and one row per item of `loop` (`r in rows`); with `empty`, a
    row saying so when the loop has no item."""
    table = add_table(document, 5 if empty else 4, widths)
    head, start, data, *rest = table.rows
    keep_row_together(head, header=True)
    for cell, column in zip(head.cells, columns, strict=True):
        fill(cell, column.header, GRID_HEAD)
    tag_row(start, f"{{%tr for {loop} %}}", GRID_LEFT)
    keep_row_together(data)
    for cell, column in zip(data.cells, columns, strict=True):
        fill(cell, column.value, column.style, whole=column.whole)
    if empty:
        otherwise, end = rest[0], table.rows[-1]
        tag_row(otherwise, "{%tr else %}", GRID_LEFT)
        end._tr.addprevious(_empty_row(table, empty))
        tag_row(end, "{%tr endfor %}", GRID_LEFT)
    else:
        tag_row(rest[0], "{%tr endfor %}", GRID_LEFT)
    keep_together(table, 1)
    return table


def _empty_row(table: Table, text: str) -> object:
    row = table.add_row()  # type: ignore[no-untyped-call]
    fill(merge_across(row, 0, len(row.cells) - 1), text, GRID_LEFT)
    tr = row._tr
    tr.getparent().remove(tr)
    return tr


def add_light_legend(document: Document, total: int, counts: str = "counts") -> Table:
    """The lights' words, shaded, over how many indicators each lights (`counts`, by word)."""
    each = total // len(LIGHT_WORDS)
    widths = [each] * (len(LIGHT_WORDS) - 1) + [total - each * (len(LIGHT_WORDS) - 1)]
    table = add_table(document, 2, widths)
    words, numbers = table.rows
    for row in (words, numbers):
        keep_row_together(row)
    for index, word in enumerate(LIGHT_WORDS):
        fill(words.cells[index], word, SIGNAL)
        fill(numbers.cells[index], f"{{{{ {counts}['{word}'] }}}}项", GRID_TEXT)
    keep_together(table)
    return table
