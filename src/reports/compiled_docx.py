"""A template compiled once into what every render shares and what each render fills in.

docxtpl opens the template with python-docx on every render (parsing about 800 KB of styles that never
change), renders the body, then saves the whole package again (recompressing those styles): two thirds of
a warm render. Compiled, a template is:

- the body of word/document.xml and each header and footer, patched by docxtpl's own patch_xml and
  compiled by the sandboxed environment once;
- the rest of word/document.xml around the body, as text;
- every other member of the package, already compressed in a zip that each render appends its rendered
  parts to.

Each render runs the compiled templates, checks that every rendered part is well-formed XML (docxtpl's
recovering parse would silently cut a malformed one short; here it is an error), lays out the columns of the
document's tables that hold whole values by their content (src/reports/fit.py), shades its signal cells
(src/reports/signals.py), and appends them.
A template using what this does not do — Jinja in core properties or footnotes, `{%tc %}` column tags
(docxtpl then repairs the table grid), pictures (docxtpl renumbers their ids) — is not compiled
(`compile_docx` returns None) and the caller renders it through docxtpl.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from src.reports.fit import Measures, fit_columns
from src.reports.signals import shade_signals

_JINJA = re.compile(rb"\{[{%#]")
_COLUMN_TAG = re.compile(r"\{[{%]-?\s*tc\s")
_BODY_OPEN = re.compile(r"^<w:body\b[^>]*>")
_SLOT = "fundperf-body-slot"
_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_HEADER_FOOTER = (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI)


class RenderedXmlError(ValueError):
    """A rendered part is not well-formed XML."""


@dataclass(frozen=True)
class _Part:
    member: str  # its name in the zip
    template: Template
    before: str = _DECLARATION
    after: str = ""
    fit: bool = False  # the document itself: its tables' columns are fitted to their content


def _compile_source(env: SandboxedEnvironment, source: str) -> Template:
    # As docxtpl's render_xml_part: each paragraph on its own line, so `{%p %}` tags keep their lines.
    return env.from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", source))


@dataclass(frozen=True)
class CompiledDocx:
    parts: tuple[_Part, ...]
    base_zip: bytes  # every member no render changes
    listing: DocxTemplate  # only for its resolve_listing (line breaks, tabs and page breaks in values)
    measures: Measures  # the template's font sizes, for fitting columns

    def render(self, context: dict[str, Any], *, listing: bool) -> bytes:
        rendered: list[tuple[str, bytes]] = []
        for part in self.parts:
            xml = part.template.render(context)
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
            if listing:
                xml = str(self.listing.resolve_listing(xml))
            data = (part.before + xml + part.after).encode("utf-8")
            try:
                root = etree.fromstring(data)
            except etree.XMLSyntaxError as exc:
                raise RenderedXmlError(f"{part.member} is not well-formed after rendering: {exc}") from exc
            if part.fit and (fit_columns(root, self.measures) | shade_signals(root)):
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            rendered.append((part.member, data))
        out = io.BytesIO(self.base_zip)
        out.seek(0, io.SEEK_END)
        with zipfile.ZipFile(out, "a") as package:
            for member, data in rendered:
                info = zipfile.ZipInfo(member, date_time=(2026, 1, 1, 0, 0, 0))
                package.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
        return out.getvalue()


def compile_docx(path: Path, env: SandboxedEnvironment) -> CompiledDocx | None:
    blob = path.read_bytes()
    template = DocxTemplate(io.BytesIO(blob))
    template.render_init()
    document = template.docx
    core = document.core_properties
    names = ("author", "comments", "identifier", "language", "subject", "title")
    if any("{" in (getattr(core, name) or "") for name in names):
        return None

    body = template.get_xml()
    if _COLUMN_TAG.search(body) or "<wp:docPr" in body:
        return None
    root = document.element
    outline = etree.fromstring(etree.tostring(root))
    outline.replace(outline[list(root).index(root.body)], etree.Comment(_SLOT))
    before, after = (
        etree.tostring(outline, encoding="UTF-8", standalone=True).decode("utf-8").split(f"<!--{_SLOT}-->")
    )
    # The body keeps the namespaces the document element declares; lxml drops them when docxtpl re-inserts it.
    body_source = _BODY_OPEN.sub("<w:body>", str(template.patch_xml(body)))
    parts = [
        _Part(document.part.partname.lstrip("/"), _compile_source(env, body_source), before, after, True)
    ]
    for uri in _HEADER_FOOTER:
        for _, part in template.get_headers_footers(uri):
            source = str(template.patch_xml(template.get_part_xml(part)))
            parts.append(_Part(part.partname.lstrip("/"), _compile_source(env, source)))

    rendered = {part.member for part in parts}
    base = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as source_zip, zipfile.ZipFile(base, "w") as base_zip:
        for info in source_zip.infolist():
            data = source_zip.read(info)
            if info.filename in rendered:
                continue
            if _JINJA.search(data) and info.filename.endswith(".xml"):
                return None  # Jinja where docxtpl would render it (footnotes) or leave it as text
            base_zip.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    measures = Measures.of_styles(document.styles.element)
    return CompiledDocx(tuple(parts), base.getvalue(), template, measures)
