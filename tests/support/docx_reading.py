"""A rendered DOCX as the document checker reads it (document_checker.py): its document, every paragraph
with its style and text (body, tables, footers), its styles and font sizes, and the cells of its tables."""

import io
from collections.abc import Iterator
from typing import Any

from docx import Document as open_document
from docx.document import Document
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from report_templates.official import styles as roles
from src.reports.fit import Measures

_T, _PSTYLE, _VAL = qn("w:t"), f"{qn('w:pPr')}/{qn('w:pStyle')}", qn("w:val")


def text_of(element: BaseOxmlElement) -> str:
    return "".join(t.text or "" for t in element.iter(_T))


def style_of(paragraph: BaseOxmlElement) -> str:
    found = paragraph.find(_PSTYLE)
    return str(found.get(_VAL)) if found is not None else "Normal"


class Rendered:
    """A rendered DOCX: its document, its parts' XML (body and footers), and its styles by id."""

    def __init__(self, blob: bytes) -> None:
        self.document: Document = open_document(io.BytesIO(blob))
        self.body: BaseOxmlElement = self.document.element.body
        self.footers = [
            (section_index, kind, footer._element)
            for section_index, section in enumerate(self.document.sections)
            for kind, footer in (("odd", section.footer), ("even", section.even_page_footer))
        ]
        self.styles = {s.style_id: s for s in self.document.styles}
        self.measures = Measures.of_styles(self.document.styles.element)
        parts = (self.body, *(footer for _, _, footer in self.footers))
        # Every paragraph (body, tables, footers) with its style id and text, read once.
        self.items = [(p, style_of(p), text_of(p)) for part in parts for p in part.iter(qn("w:p"))]

    def paragraphs(self) -> Iterator[BaseOxmlElement]:
        return (p for p, _, _ in self.items)

    def by_style(self, name: str) -> list[str]:
        wanted = roles.style_id(name)
        return [text for _, style, text in self.items if style == wanted]


def page_size(section: Any) -> tuple[int, int]:
    """A section's page width and height (twips)."""
    sect = section._sectPr
    return int(sect.xpath("./w:pgSz/@w:w")[0]), int(sect.xpath("./w:pgSz/@w:h")[0])


def grid_columns(tbl: BaseOxmlElement) -> list[int]:
    return [int(w) for w in tbl.xpath("./w:tblGrid/w:gridCol/@w:w")]


def cells(tr: BaseOxmlElement) -> Iterator[tuple[BaseOxmlElement, int, int]]:
    column = 0
    for tc in tr.findall(qn("w:tc")):
        span_element = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
        span = int(span_element.get(_VAL)) if span_element is not None else 1
        yield tc, column, span
        column += span
