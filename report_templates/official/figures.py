"""A figure in a document: a paragraph holding only the picture (a context value, src/reports/picture.py)
and its caption under it (图1 …), kept together on a page. The picture's paragraph has a single line, not
the body's exact one, or the image would be cut to a line's height; it stands off the grid, centred."""

from docx.document import Document
from docx.shared import Twips

from report_templates.official.styles import CENTER, GRID_HEAD, paragraph_style
from report_templates.official.units import FANGSONG, GRID_LINE, GRID_SIZE

FIGURE = "GB Figure"


def add_figure(document: Document, key: str, caption: str) -> None:
    """`{{ key }}` as a centred picture, `caption` (Jinja allowed) centred under it in 5号黑体."""
    if FIGURE not in [s.name for s in document.styles]:
        style = paragraph_style(
            document, FIGURE, font=FANGSONG, size=GRID_SIZE, line=None, align=CENTER, grid=False
        )
        style.paragraph_format.space_before = Twips(GRID_LINE // 2)
        style.paragraph_format.keep_with_next = True
    document.add_paragraph(f"{{{{ {key} }}}}", style=FIGURE)
    document.add_paragraph(caption, style=GRID_HEAD).paragraph_format.space_after = Twips(GRID_LINE // 2)
