"""What python-docx does not say for the templates: elements in the schema's order, fonts named for every
script, and a package whose bytes depend only on its content (fixed dates), so a review of a rebuilt
template shows only real changes."""

from collections.abc import Sequence
from datetime import UTC, datetime
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement

AUTHOR = "fundperf"
FIXED_TIME = datetime(2026, 1, 1, tzinfo=UTC)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

# Schema orders (ECMA-376) of the property elements the templates add children to.
PPR_ORDER = (
    *("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl"),
    *("w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku"),
    *("w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi"),
    *("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents"),
    *("w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap"),
    *("w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
)
RPR_ORDER = (
    *("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike"),
    *("w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid"),
    *("w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs"),
    *("w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs"),
    *("w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath"),
)
TBLPR_ORDER = (
    *("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize"),
    *("w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd"),
    *("w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange"),
)
TCPR_ORDER = (
    *("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap"),
    *("w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"),
)
SECTPR_ORDER = (
    *("w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr", "w:type", "w:pgSz"),
    *("w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType", "w:cols", "w:formProt"),
    *("w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid"),
)


def element(tag: str, attributes: str = "", content: str = "") -> BaseOxmlElement:
    """One WordprocessingML element, `<tag attributes>content</tag>`, with the w: prefix declared."""
    found: BaseOxmlElement = parse_xml(f"<{tag} {nsdecls('w')} {attributes}>{content}</{tag}>")
    return found


def insert_in_order(parent: BaseOxmlElement, child: BaseOxmlElement, sequence: Sequence[str]) -> None:
    """Adds `child` to `parent` where the schema's element order `sequence` puts it (Word rejects other
    orders), replacing an element of the same name."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    tag = child.tag
    following = sequence[[qn(name) for name in sequence].index(tag) + 1 :]
    parent.insert_element_before(child, *following)


def name_font(rpr: BaseOxmlElement, name: str) -> None:
    """Names `name` for every script (ascii, hAnsi, eastAsia, cs) on an rPr, dropping the theme fonts (in
    Word a theme attribute wins over an explicit name)."""
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), name)


def set_properties(document: Document, title: str) -> None:
    """Core properties that do not change between builds (no Jinja: a template with Jinja in them is not
    compiled, src/reports/compiled_docx.py)."""
    properties = document.core_properties
    properties.author = AUTHOR
    properties.last_modified_by = AUTHOR
    properties.created = FIXED_TIME
    properties.modified = FIXED_TIME
    properties.revision = 1
    properties.title = title
    for name in ("subject", "comments", "keywords", "category"):
        setattr(properties, name, "")


def docx_bytes(document: Document) -> bytes:
    """The .docx of `document` with every zip entry dated ZIP_TIME, so equal documents give equal bytes."""
    raw = BytesIO()
    document.save(raw)
    out = BytesIO()
    with ZipFile(BytesIO(raw.getvalue())) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = ZipInfo(entry.filename, date_time=ZIP_TIME)
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry))
    return out.getvalue()
