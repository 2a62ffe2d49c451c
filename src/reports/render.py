"""One renderer for every kind: docxtpl in a sandbox, with the template-only work done once per kind.

- `SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)`: a template cannot reach Python
  internals (`{{ ''.__class__ }}` is undefined, and undefined raises instead of rendering empty), and text
  such as `A<B & C` is escaped instead of cutting the XML that docxtpl's recovering parser would truncate.
- Characters XML 1.0 forbids (most C0 controls, U+FFFE/U+FFFF, lone surrogates) are removed from the context;
  braces in printed values are character references, so docxtpl's {_{ → {{ pass leaves values as typed.
- Warm: docxtpl re-opens the template, re-patches its XML, re-compiles the Jinja template and re-saves the
  whole package on every render. Per kind, this compiles the template once (compiled_docx: the compiled
  parts, and the unchanged members already zipped); a template that compiling does not cover renders through
  docxtpl with its patched XML and compiled templates cached, reopened from the cached bytes.
- A context holding a Picture (src/reports/picture.py: a chart) renders through docxtpl, which adds the
  image parts; its zip members get a fixed time, so the same context still gives the same bytes.
- Either way the tables that hold whole values (numbers, units) are laid out by their content, each such
  column as wide as its longest value (src/reports/fit.py), and the cells that say a light are shaded in
  its colour (src/reports/signals.py).
"""

import io
import re
import threading
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from src.reports.compiled_docx import CompiledDocx, compile_docx
from src.reports.fit import Measures, fit_columns
from src.reports.picture import has_pictures, inline_images
from src.reports.signals import shade_signals
from src.subjects.registry import registry

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "report_templates"
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(value: Any) -> Any:
    """The context with every string stripped of what XML cannot hold; other values unchanged."""
    if isinstance(value, str):
        return _XML_FORBIDDEN.sub("", value)
    if isinstance(value, Mapping):
        return {key: xml_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [xml_safe(item) for item in value]
    return value


_LISTING_CHARACTERS = ("\n", "\t", "\a", "\f")


def _has_listing(value: Any) -> bool:
    """Whether any string in the context holds what docxtpl's resolve_listing turns into Word markup."""
    if isinstance(value, str):
        return any(c in value for c in _LISTING_CHARACTERS)
    if isinstance(value, Mapping):
        return any(_has_listing(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_listing(item) for item in value)
    return False


def _braces_as_references(value: Any) -> Any:
    """A printed string, escaped, with its braces as character references (&#123; &#125;). docxtpl's pass
    after rendering turns {_{ }_} {_% %_} in the XML into {{ }} {% %} (its way to print template syntax);
    a value that holds them (a goal's text) would come out changed. As references the pass does not see
    them, and the document's text is the value as typed."""
    if isinstance(value, str) and not isinstance(value, Markup) and ("{" in value or "}" in value):
        return Markup(str(escape(value)).replace("{", "&#123;").replace("}", "&#125;"))
    return value


def sandbox() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, finalize=_braces_as_references)


class _WarmTemplate(DocxTemplate):  # type: ignore[misc]
    """A DocxTemplate that takes its patched XML and compiled templates from the renderer's caches."""

    def __init__(
        self, blob: bytes, patched: dict[str, str], compiled: dict[str, Template], *, listing: bool
    ) -> None:
        super().__init__(io.BytesIO(blob))
        self._patched = patched
        self._compiled = compiled
        self._listing = listing

    def _template(self, source: str, jinja_env: Any) -> Template:
        template = self._compiled.get(source)
        if template is None:
            template = self._compiled[source] = jinja_env.from_string(source)
        return template

    def render_properties(self, context: Any, jinja_env: Any = None) -> None:
        # docxtpl's, with the compiled templates cached (it compiled each property on every render).
        core = self.docx.core_properties
        for name in ("author", "comments", "identifier", "language", "subject", "title"):
            setattr(core, name, self._template(getattr(core, name), jinja_env).render(context))

    def patch_xml(self, src_xml: str) -> str:
        key = str(src_xml)  # docxtpl hands an unhashable str subclass
        found = self._patched.get(key)
        if found is None:
            found = self._patched[key] = str(super().patch_xml(src_xml))
        return found

    def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> str:
        # docxtpl's own render_xml_part, with the compiled template cached by its source.
        src_xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", str(src_xml))
        self.current_rendering_part = part
        dst_xml = self._template(src_xml, jinja_env).render(context)
        dst_xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst_xml)
        dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        # Line breaks, tabs and page breaks in values become Word's; without any, the pass is skipped.
        return str(self.resolve_listing(dst_xml)) if self._listing else dst_xml


@dataclass(frozen=True)
class _Kind:
    blob: bytes
    patched: dict[str, str]
    compiled: dict[str, Template]
    compiled_docx: CompiledDocx | None


class Renderer:
    """Renders documents from each kind's template in report_templates/ (DocumentSpec.template: <kind>.docx).
    One per process: it keeps templates warm.

    Jobs render in threads (asyncio.to_thread): a kind's caches are made under a lock and published whole.
    """

    def __init__(self, template_dir: Path = TEMPLATE_DIR, *, warm: bool = True) -> None:
        self.template_dir = template_dir
        self.warm = warm
        self._env = sandbox()
        self._kinds: dict[str, _Kind] = {}
        self._lock = threading.Lock()

    def template_path(self, kind: str) -> Path:
        """The kind's template (DocumentSpec.template); <kind>.docx for a kind not registered."""
        spec = registry().documents.get(str(kind))
        return self.template_dir / (spec.template if spec is not None else f"{kind}.docx")

    def _kind(self, kind: str) -> _Kind:
        if not self.warm:
            return _Kind(self.template_path(kind).read_bytes(), {}, {}, None)
        found = self._kinds.get(kind)
        if found is None:
            with self._lock:
                found = self._kinds.get(kind)
                if found is None:
                    path = self.template_path(kind)
                    found = _Kind(path.read_bytes(), {}, {}, compile_docx(path, self._env))
                    self._kinds[kind] = found
        return found

    def render(self, kind: str, context: Mapping[str, Any]) -> bytes:
        spec = registry().documents.get(str(kind))
        if spec is not None and spec.draw is not None:  # drawn in code (a spreadsheet): no template
            data: bytes = spec.draw(context)
            return data
        cached = self._kind(kind)
        values = xml_safe(dict(context))
        pictures = has_pictures(values)
        if cached.compiled_docx is not None and not pictures:
            return cached.compiled_docx.render(values, listing=_has_listing(values))
        template = _WarmTemplate(cached.blob, cached.patched, cached.compiled, listing=_has_listing(values))
        if pictures:
            values = inline_images(values, template)
        template.render(values, jinja_env=self._env, autoescape=True)
        document = template.docx
        fit_columns(document.element, Measures.of_styles(document.styles.element))
        shade_signals(document.element)
        out = io.BytesIO()
        template.save(out)
        return fixed_times(out.getvalue())


FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # as compiled_docx stamps its members


def fixed_times(package: bytes) -> bytes:
    """The zip with every member stamped FIXED_TIME (python-docx stamps the time of saving)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            target.writestr(member, source.read(info), compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return out.getvalue()
